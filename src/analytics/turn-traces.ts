/** Reading the turn traces for staff: the queries behind traces.search and traces.stats. */
import type { Queryable } from '../store/store.ts';

export type TraceRow = Record<string, unknown> & { created_at: string | Date };

export type TraceFilter = {
  from: Date;
  to: Date;
  client?: string;
  channel?: string;
  conversation_id?: string;
  limit: number;
  offset: number;
};

/** Turns with their trace, newest first; `client` is a principal id or text in the client's name. */
export async function searchTurnTraces(db: Queryable, filter: TraceFilter): Promise<TraceRow[]> {
  const params: unknown[] = [filter.from.toISOString(), filter.to.toISOString()];
  const where = ['t.created_at >= $1', 't.created_at < $2'];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (filter.client) {
    if (/^[0-9a-f-]{36}$/i.test(filter.client)) add('t.principal_id = ?::uuid', filter.client);
    else add(`p.display_name ILIKE ?`, `%${filter.client.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.channel) add('c.channel = ?', filter.channel);
  if (filter.conversation_id) add('t.conversation_id = ?::uuid', filter.conversation_id);
  const { rows } = await db.query<TraceRow>(
    `SELECT t.id, t.conversation_id, t.principal_id, p.display_name AS client, p.role AS client_role, c.channel,
       t.created_at, t.route, t.query_class, t.local, t.provider, t.model, t.attempts, t.input_tokens,
       t.cached_input_tokens, t.output_tokens, t.cost_usd, t.latency_ms, t.handlers, t.outcome, t.error, t.message_text
     FROM turn_traces t LEFT JOIN conversations c ON c.id = t.conversation_id
       LEFT JOIN principals p ON p.id = t.principal_id
     WHERE ${where.join(' AND ')} ORDER BY t.created_at DESC, t.id LIMIT ${filter.limit} OFFSET ${filter.offset}`,
    params,
  );
  return rows;
}

/** Spend, local hit rate, latency, tool success and provider errors of the turns since `from` (an ISO date-time). */
export async function turnTraceStats(db: Queryable, from: string) {
  const day = `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`;
  const spend = await db.query(
    `SELECT ${day} AS day, COALESCE(provider, CASE WHEN local THEN 'local' ELSE 'none' END) AS provider,
       sum(cost_usd)::double precision AS cost_usd, count(*)::int AS turns
     FROM turn_traces WHERE created_at >= $1 GROUP BY 1, 2 ORDER BY 1, 2`,
    [from],
  );
  const daily = await db.query(
    `SELECT ${day} AS day, count(*)::int AS turns, count(*) FILTER (WHERE local)::int AS local_turns,
       count(*) FILTER (WHERE outcome <> 'ok')::int AS errors
     FROM turn_traces WHERE created_at >= $1 GROUP BY 1 ORDER BY 1`,
    [from],
  );
  const latency = await db.query(
    `SELECT route, count(*)::int AS turns,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)::double precision AS p50,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)::double precision AS p95,
       percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms)::double precision AS p99
     FROM turn_traces WHERE created_at >= $1 GROUP BY 1 ORDER BY 1`,
    [from],
  );
  const tools = await db.query(
    `SELECT h->>'key' AS key, count(*)::int AS calls,
       count(*) FILTER (WHERE h->>'outcome' IN ('ok', 'pending_approval'))::int AS ok
     FROM turn_traces, jsonb_array_elements(handlers) AS h
     WHERE created_at >= $1 GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 30`,
    [from],
  );
  const providers = await db.query(
    `SELECT a->>'provider' AS provider, count(*)::int AS attempts,
       count(*) FILTER (WHERE a->>'outcome' = 'failed')::int AS errors,
       count(*) FILTER (WHERE a->>'outcome' = 'skipped_cooldown')::int AS cooldowns
     FROM turn_traces, jsonb_array_elements(attempts) AS a WHERE created_at >= $1 GROUP BY 1 ORDER BY 1`,
    [from],
  );
  return { spend, daily, latency, tools, providers };
}
