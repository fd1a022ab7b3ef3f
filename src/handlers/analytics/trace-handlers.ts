import { z } from 'zod';
import { defineHandler } from '../handler.ts';

const DAY = 86_400_000;
const isoBound = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO date or date-time');

type TraceRow = Record<string, unknown> & { created_at: string | Date };

export const tracesSearch = defineHandler({
  key: 'traces.search',
  category: 'analytics',
  description:
    'Chat turns with their trace, newest first (staff): who asked (client name or id), when, on which channel, the ' +
    'route, model, provider attempts and fallbacks, handlers called with their outcome, tokens, cost and latency. ' +
    'Filter by client text, date range, channel, conversation.',
  input: z.object({
    client: z.string().trim().min(1).max(100).optional().describe('Text in the client name, or a principal id'),
    channel: z
      .string()
      .trim()
      .regex(/^[a-z_]{1,30}$/)
      .optional()
      .describe('Channel of the conversation: web, api, cli, whatsapp…'),
    conversation_id: z.uuid().optional().describe('Only turns of this conversation'),
    from: isoBound.optional().describe('From this date or date-time (default: 30 days ago)'),
    to: isoBound.optional().describe('Before this date or date-time (default: now)'),
    limit: z.number().int().min(1).max(200).default(50).describe('Page size'),
    offset: z.number().int().min(0).max(100000).default(0).describe('Turns to skip (paging)'),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Latest web turns', params: { channel: 'web' } },
    { description: 'Percakapan klien Marco minggu ini', params: { client: 'Marco', from: '2026-03-01' } },
  ],
  async run(input, ctx) {
    const to = input.to ? new Date(input.to) : new Date(ctx.runtime.clock.now().getTime() + 1000);
    const from = input.from ? new Date(input.from) : new Date(to.getTime() - 30 * DAY);
    const params: unknown[] = [from.toISOString(), to.toISOString()];
    const where = ['t.created_at >= $1', 't.created_at < $2'];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replaceAll('?', `$${params.length}`));
    };
    if (input.client) {
      if (/^[0-9a-f-]{36}$/i.test(input.client)) add('t.principal_id = ?::uuid', input.client);
      else add(`p.display_name ILIKE ?`, `%${input.client.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    }
    if (input.channel) add('c.channel = ?', input.channel);
    if (input.conversation_id) add('t.conversation_id = ?::uuid', input.conversation_id);
    const { rows } = await ctx.runtime.store.query<TraceRow>(
      `SELECT t.id, t.conversation_id, t.principal_id, p.display_name AS client, p.role AS client_role, c.channel,
         t.created_at, t.route, t.query_class, t.local, t.provider, t.model, t.attempts, t.input_tokens,
         t.cached_input_tokens, t.output_tokens, t.cost_usd, t.latency_ms, t.handlers, t.outcome, t.error, t.message_text
       FROM turn_traces t LEFT JOIN conversations c ON c.id = t.conversation_id
         LEFT JOIN principals p ON p.id = t.principal_id
       WHERE ${where.join(' AND ')} ORDER BY t.created_at DESC, t.id LIMIT ${input.limit} OFFSET ${input.offset}`,
      params,
    );
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      count: rows.length,
      turns: rows.map((r) => ({ ...r, created_at: new Date(r.created_at).toISOString() })),
    };
  },
});

const num = (v: unknown) => Math.round(Number(v ?? 0) * 1e8) / 1e8;

export const tracesStats = defineHandler({
  key: 'traces.stats',
  category: 'analytics',
  description:
    'Performance of chat turns over a period (staff), from the turn traces: spend per day and provider, local-tier ' +
    'hit rate per day, p50/p95/p99 latency per route, tool success rate per handler, errors and cooldown skips per ' +
    'provider.',
  input: z.object({
    days: z.number().int().min(1).max(366).default(14).describe('The last N days (UTC), today included'),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Performance of the last two weeks', params: {} },
    { description: 'Prestazioni degli ultimi 30 giorni', params: { days: 30 } },
  ],
  async run(input, ctx) {
    const db = ctx.runtime.store;
    const now = ctx.runtime.clock.now();
    const from = new Date(
      Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (input.days - 1) * DAY,
    ).toISOString();
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
    return {
      from,
      days: input.days,
      spend: spend.rows.map((r) => ({
        day: String(r.day),
        provider: String(r.provider),
        cost_usd: num(r.cost_usd),
        turns: Number(r.turns),
      })),
      daily: daily.rows.map((r) => ({
        day: String(r.day),
        turns: Number(r.turns),
        local_turns: Number(r.local_turns),
        errors: Number(r.errors),
        local_hit_rate: Number(r.turns) ? Number(r.local_turns) / Number(r.turns) : 0,
      })),
      latency: latency.rows.map((r) => ({
        route: String(r.route),
        turns: Number(r.turns),
        p50: Math.round(Number(r.p50)),
        p95: Math.round(Number(r.p95)),
        p99: Math.round(Number(r.p99)),
      })),
      tools: tools.rows.map((r) => ({
        key: String(r.key),
        calls: Number(r.calls),
        ok: Number(r.ok),
        success_rate: Number(r.ok) / Number(r.calls),
      })),
      providers: providers.rows.map((r) => ({
        provider: String(r.provider),
        attempts: Number(r.attempts),
        errors: Number(r.errors),
        cooldowns: Number(r.cooldowns),
      })),
    };
  },
});
