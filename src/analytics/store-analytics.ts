/**
 * Numbers for the staff dashboard and reports, computed from the store only: leads and the audit log (always
 * present), conversations, turn traces and approvals (orchestrator), outbox and inbound messages (channels).
 * A table that does not exist is reported as `available: false` with zeros — never estimated or invented.
 */
import type { Queryable } from '../store/store.ts';
import { addDays, localDay, type Period } from './period.ts';
import { existingTables } from './store-tables.ts';

const OPTIONAL_TABLES = [
  'conversations',
  'turn_traces',
  'pending_actions',
  'outbox',
  'inbound_messages',
  'memory_facts',
] as const;

type Counts = Record<string, number>;

async function counts(db: Queryable, sql: string, params: unknown[]): Promise<Counts> {
  const { rows } = await db.query<{ k: string | null; n: string | number }>(sql, params);
  return Object.fromEntries(rows.map((r) => [r.k ?? 'unknown', Number(r.n)]));
}

async function one<T extends Record<string, unknown>>(
  db: Queryable,
  sql: string,
  params: unknown[],
): Promise<{ [K in keyof T]: number }> {
  const {
    rows: [row],
  } = await db.query<Record<string, string | number | null>>(sql, params);
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? 0 : Number(v)])) as {
    [K in keyof T]: number;
  };
}

const round = (n: number, digits = 6) => Math.round(n * 10 ** digits) / 10 ** digits;

export type Dashboard = Awaited<ReturnType<typeof dashboard>>;

/** The dashboard for a period: every section from the store, zeros where nothing happened. */
export async function dashboard(db: Queryable, period: Period) {
  const tables = await existingTables(db, OPTIONAL_TABLES);
  const p = [period.from.toISOString(), period.to.toISOString()];
  const inPeriod = (col: string) => `${col} >= $1::timestamptz AND ${col} < $2::timestamptz`;

  const leads = {
    new: (await one(db, `SELECT count(*) AS n FROM leads WHERE ${inPeriod('created_at')}`, p)).n,
    by_source: await counts(
      db,
      `SELECT source AS k, count(*) AS n FROM leads WHERE ${inPeriod('created_at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    ),
    by_status: await counts(
      db,
      `SELECT status AS k, count(*) AS n FROM leads WHERE ${inPeriod('created_at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    ),
    /** All leads still marked new, whenever they came in: the follow-up queue. */
    open_now: (await one(db, `SELECT count(*) AS n FROM leads WHERE status = 'new'`, [])).n,
  };

  const audited = await one(
    db,
    `SELECT count(*) AS total, count(*) FILTER (WHERE outcome = 'ok') AS ok, count(*) FILTER (WHERE outcome <> 'ok') AS error
    FROM audit_log WHERE ${inPeriod('at')}`,
    p,
  );
  const { rows: auditByHandler } = await db.query<{ key: string; ok: string; error: string }>(
    `SELECT handler_key AS key, count(*) FILTER (WHERE outcome = 'ok') AS ok, count(*) FILTER (WHERE outcome <> 'ok') AS error
     FROM audit_log WHERE ${inPeriod('at')} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 15`,
    p,
  );
  const errorCodes = await counts(
    db,
    `SELECT error_code AS k, count(*) AS n FROM audit_log WHERE ${inPeriod('at')} AND error_code IS NOT NULL
    GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
    p,
  );

  const conversations = { available: tables.has('conversations'), started: 0, active: 0, by_channel: {} as Counts };
  if (conversations.available) {
    const row = await one(
      db,
      `SELECT count(*) FILTER (WHERE ${inPeriod('created_at')}) AS started, count(*) FILTER (WHERE ${inPeriod('updated_at')}) AS active
      FROM conversations`,
      p,
    );
    conversations.started = row.started;
    conversations.active = row.active;
    conversations.by_channel = await counts(
      db,
      `SELECT channel AS k, count(*) AS n FROM conversations WHERE ${inPeriod('created_at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    );
  }

  const turns = {
    available: tables.has('turn_traces'),
    count: 0,
    errors: 0,
    local: 0,
    local_rate: 0,
    tokens: { input: 0, cached_input: 0, output: 0 },
    cost_usd: 0,
    latency_ms: { avg: 0, p95: 0 },
    by_route: {} as Counts,
    by_provider: [] as Array<{ provider: string; model: string; turns: number; cost_usd: number }>,
  };
  const chatHandlers = {
    available: tables.has('turn_traces'),
    total: 0,
    by_outcome: {} as Counts,
    by_handler: [] as Array<{ key: string; calls: number; ok: number; error: number }>,
  };
  if (turns.available) {
    const row = await one(
      db,
      `SELECT count(*) AS count, count(*) FILTER (WHERE outcome <> 'ok') AS errors, count(*) FILTER (WHERE local) AS local,
        coalesce(sum(input_tokens), 0)::float8 AS input, coalesce(sum(cached_input_tokens), 0)::float8 AS cached_input,
        coalesce(sum(output_tokens), 0)::float8 AS output, coalesce(sum(cost_usd), 0)::float8 AS cost,
        coalesce(avg(latency_ms), 0)::float8 AS avg, coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms), 0)::float8 AS p95
      FROM turn_traces WHERE ${inPeriod('created_at')}`,
      p,
    );
    Object.assign(turns, {
      count: row.count,
      errors: row.errors,
      local: row.local,
      local_rate: row.count ? round(row.local / row.count, 4) : 0,
      tokens: { input: row.input, cached_input: row.cached_input, output: row.output },
      cost_usd: round(row.cost),
      latency_ms: { avg: Math.round(row.avg), p95: Math.round(row.p95) },
    });
    turns.by_route = await counts(
      db,
      `SELECT route AS k, count(*) AS n FROM turn_traces WHERE ${inPeriod('created_at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    );
    const { rows } = await db.query<{ provider: string | null; model: string | null; turns: string; cost: number }>(
      `SELECT provider, model, count(*) AS turns, coalesce(sum(cost_usd), 0)::float8 AS cost FROM turn_traces
       WHERE ${inPeriod('created_at')} AND NOT local GROUP BY 1, 2 ORDER BY 4 DESC, 3 DESC LIMIT 20`,
      p,
    );
    turns.by_provider = rows.map((r) => ({
      provider: r.provider ?? 'none',
      model: r.model ?? 'none',
      turns: Number(r.turns),
      cost_usd: round(Number(r.cost)),
    }));

    // Handlers the model (or the local tier) called inside chat turns: one element of turn_traces.handlers each.
    const calls = `SELECT h->>'key' AS key, coalesce(h->>'outcome', 'unknown') AS outcome FROM turn_traces t,
      jsonb_array_elements(CASE WHEN jsonb_typeof(t.handlers) = 'array' THEN t.handlers ELSE '[]'::jsonb END) AS h
      WHERE ${inPeriod('t.created_at')} AND jsonb_typeof(h) = 'object'`;
    chatHandlers.by_outcome = await counts(
      db,
      `SELECT outcome AS k, count(*) AS n FROM (${calls}) c GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    );
    chatHandlers.total = Object.values(chatHandlers.by_outcome).reduce((a, b) => a + b, 0);
    const { rows: byHandler } = await db.query<{ key: string; calls: string; ok: string; error: string }>(
      `SELECT key, count(*) AS calls, count(*) FILTER (WHERE outcome = 'ok') AS ok, count(*) FILTER (WHERE outcome = 'error') AS error
       FROM (${calls}) c WHERE key IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15`,
      p,
    );
    chatHandlers.by_handler = byHandler.map((r) => ({
      key: r.key,
      calls: Number(r.calls),
      ok: Number(r.ok),
      error: Number(r.error),
    }));
  }

  const approvals = { available: tables.has('pending_actions'), requested: 0, by_status: {} as Counts, waiting_now: 0 };
  if (approvals.available) {
    approvals.by_status = await counts(
      db,
      `SELECT status AS k, count(*) AS n FROM pending_actions WHERE ${inPeriod('created_at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    );
    approvals.requested = Object.values(approvals.by_status).reduce((a, b) => a + b, 0);
    approvals.waiting_now = (
      await one(
        db,
        `SELECT count(*) AS n FROM pending_actions WHERE status = 'pending' AND expires_at > $1::timestamptz`,
        [p[1]],
      )
    ).n;
  }

  const outbox = {
    available: tables.has('outbox'),
    created: 0,
    by_status: {} as Counts,
    by_channel: {} as Counts,
    queued_now: 0,
    failed_now: 0,
  };
  if (outbox.available) {
    outbox.by_status = await counts(
      db,
      `SELECT status AS k, count(*) AS n FROM outbox WHERE ${inPeriod('created_at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    );
    outbox.created = Object.values(outbox.by_status).reduce((a, b) => a + b, 0);
    outbox.by_channel = await counts(
      db,
      `SELECT channel AS k, count(*) AS n FROM outbox WHERE ${inPeriod('created_at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    );
    const now = await one(
      db,
      `SELECT count(*) FILTER (WHERE status IN ('pending', 'sending')) AS queued, count(*) FILTER (WHERE status = 'failed') AS failed FROM outbox`,
      [],
    );
    outbox.queued_now = now.queued;
    outbox.failed_now = now.failed;
  }

  const inbound = {
    available: tables.has('inbound_messages'),
    received: 0,
    by_channel: {} as Counts,
    by_status: {} as Counts,
  };
  if (inbound.available) {
    inbound.by_channel = await counts(
      db,
      `SELECT channel AS k, count(*) AS n FROM inbound_messages WHERE ${inPeriod('received_at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    );
    inbound.received = Object.values(inbound.by_channel).reduce((a, b) => a + b, 0);
    inbound.by_status = await counts(
      db,
      `SELECT status AS k, count(*) AS n FROM inbound_messages WHERE ${inPeriod('received_at')} GROUP BY 1 ORDER BY 2 DESC, 1`,
      p,
    );
  }

  // Stay permits clients told us about (memory fact permit_expiry), as of the end of the period: what needs a call.
  const permits = { available: tables.has('memory_facts'), expired: 0, expiring_30_days: 0 };
  if (permits.available) {
    const endDay = localDay(new Date(period.to.getTime() - 1), period.timezone);
    const row = await one(
      db,
      `SELECT count(*) FILTER (WHERE e < $1) AS expired, count(*) FILTER (WHERE e >= $1 AND e <= $2) AS soon
      FROM (SELECT f.data->>'expires_on' AS e FROM memory_facts f JOIN principals p ON p.id = f.principal_id
            WHERE f.key = 'permit_expiry' AND p.role = 'client' AND f.data->>'expires_on' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') AS x`,
      [endDay, addDays(endDay, 30)],
    );
    permits.expired = row.expired;
    permits.expiring_30_days = row.soon;
  }

  return {
    period: { from: period.from.toISOString(), to: period.to.toISOString(), timezone: period.timezone },
    leads,
    conversations,
    turns,
    handler_calls: {
      /** Writes and sends through the registry (every entry point), from the audit log. */
      audited_writes: {
        total: audited.total,
        ok: audited.ok,
        error: audited.error,
        error_codes: errorCodes,
        by_handler: auditByHandler.map((r) => ({ key: r.key, ok: Number(r.ok), error: Number(r.error) })),
      },
      /** Every handler call made inside chat turns (reads included), from the turn traces. */
      in_chat: chatHandlers,
    },
    approvals,
    outbox,
    inbound,
    permits,
  };
}

export const REPORT_METRICS = [
  'leads',
  'conversations_started',
  'turns',
  'turn_errors',
  'local_turns',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'audited_writes',
  'audited_errors',
  'chat_handler_calls',
  'approvals_requested',
  'outbox_sent',
  'outbox_failed',
  'outbox_sandboxed',
  'inbound_messages',
] as const;
export type ReportMetric = (typeof REPORT_METRICS)[number];
export type ReportRow = { day: string } & Record<ReportMetric, number>;

/**
 * One row per local day of the period (days with no activity are zeros), plus totals. Metrics whose table
 * is missing are listed in `unavailable` and stay zero.
 */
export async function dailyReport(
  db: Queryable,
  period: Period,
): Promise<{ rows: ReportRow[]; totals: Record<ReportMetric, number>; unavailable: ReportMetric[] }> {
  const tables = await existingTables(db, OPTIONAL_TABLES);
  const p = [period.from.toISOString(), period.to.toISOString(), period.timezone];
  const day = (col: string) => `to_char(${col} AT TIME ZONE $3, 'YYYY-MM-DD')`;
  const where = (col: string) => `${col} >= $1::timestamptz AND ${col} < $2::timestamptz`;

  const days: string[] = [];
  const lastDay = localDay(new Date(period.to.getTime() - 1), period.timezone);
  for (let d = localDay(period.from, period.timezone); d <= lastDay; d = addDays(d, 1)) days.push(d);
  const byDay = new Map<string, ReportRow>(
    days.map((d) => [d, { day: d, ...Object.fromEntries(REPORT_METRICS.map((m) => [m, 0])) } as ReportRow]),
  );
  const unavailable: ReportMetric[] = [];

  const fill = async (metrics: ReportMetric[], table: string | null, sql: string) => {
    if (table && !tables.has(table)) {
      unavailable.push(...metrics);
      return;
    }
    const { rows } = await db.query<Record<string, string | number | null>>(sql, p);
    for (const row of rows) {
      const target = byDay.get(String(row.day));
      if (!target) continue;
      for (const m of metrics) target[m] = Number(row[m] ?? 0);
    }
  };

  await fill(
    ['leads'],
    null,
    `SELECT ${day('created_at')} AS day, count(*) AS leads FROM leads WHERE ${where('created_at')} GROUP BY 1`,
  );
  await fill(
    ['audited_writes', 'audited_errors'],
    null,
    `SELECT ${day('at')} AS day, count(*) AS audited_writes,
    count(*) FILTER (WHERE outcome <> 'ok') AS audited_errors FROM audit_log WHERE ${where('at')} GROUP BY 1`,
  );
  await fill(
    ['conversations_started'],
    'conversations',
    `SELECT ${day('created_at')} AS day, count(*) AS conversations_started
    FROM conversations WHERE ${where('created_at')} GROUP BY 1`,
  );
  await fill(
    ['turns', 'turn_errors', 'local_turns', 'input_tokens', 'output_tokens', 'cost_usd', 'chat_handler_calls'],
    'turn_traces',
    `SELECT ${day('created_at')} AS day, count(*) AS turns, count(*) FILTER (WHERE outcome <> 'ok') AS turn_errors,
       count(*) FILTER (WHERE local) AS local_turns, coalesce(sum(input_tokens), 0)::float8 AS input_tokens,
       coalesce(sum(output_tokens), 0)::float8 AS output_tokens, coalesce(sum(cost_usd), 0)::float8 AS cost_usd,
       coalesce(sum(CASE WHEN jsonb_typeof(handlers) = 'array' THEN jsonb_array_length(handlers) ELSE 0 END), 0) AS chat_handler_calls
     FROM turn_traces WHERE ${where('created_at')} GROUP BY 1`,
  );
  await fill(
    ['approvals_requested'],
    'pending_actions',
    `SELECT ${day('created_at')} AS day, count(*) AS approvals_requested
    FROM pending_actions WHERE ${where('created_at')} GROUP BY 1`,
  );
  await fill(
    ['outbox_sent', 'outbox_failed', 'outbox_sandboxed'],
    'outbox',
    `SELECT ${day('created_at')} AS day,
    count(*) FILTER (WHERE status = 'sent') AS outbox_sent, count(*) FILTER (WHERE status = 'failed') AS outbox_failed,
    count(*) FILTER (WHERE status = 'sandboxed') AS outbox_sandboxed FROM outbox WHERE ${where('created_at')} GROUP BY 1`,
  );
  await fill(
    ['inbound_messages'],
    'inbound_messages',
    `SELECT ${day('received_at')} AS day, count(*) AS inbound_messages
    FROM inbound_messages WHERE ${where('received_at')} GROUP BY 1`,
  );

  const rows = [...byDay.values()].map((r) => ({ ...r, cost_usd: round(r.cost_usd) }));
  const totals = Object.fromEntries(
    REPORT_METRICS.map((m) => [m, round(rows.reduce((sum, r) => sum + r[m], 0))]),
  ) as Record<ReportMetric, number>;
  return { rows, totals, unavailable };
}
