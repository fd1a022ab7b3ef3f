/**
 * The one trace writer: every chat turn leaves one row in `turn_traces` (route, class, local hit, provider
 * attempts, tokens, cost from the price table, handlers with duration and outcome). Usage reports sum them.
 */
import type { Queryable } from '../store/store.ts';
import { pendingTurnSaves } from './pending-turn-saves.ts';
import type { Attempt } from './provider-chain.ts';

export type HandlerTrace = {
  key: string;
  duration_ms: number;
  outcome: 'ok' | 'error' | 'pending_approval' | 'refused';
  error_code?: string;
  action_id?: string;
};

export type TurnTrace = {
  id: string;
  conversation_id: string | null;
  principal_id: string;
  created_at: Date;
  route: string;
  query_class?: string;
  local: boolean;
  provider?: string;
  model?: string;
  ab_arm?: string;
  attempts: Attempt[];
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  latency_ms: number;
  handlers: HandlerTrace[];
  tools_offered: string[];
  outcome: 'ok' | 'error';
  error?: string;
  message_text: string;
};

export type Price = { input: number; cached_input?: number; output: number };
export type TokenUsage = { input_tokens: number; cached_input_tokens: number; output_tokens: number };

/** The price of a model: by `provider:model`, then by model id; undefined when the table does not list it. */
export function priceFor(prices: Record<string, Price>, provider: string, model: string): Price | undefined {
  return prices[`${provider}:${model}`] ?? prices[model];
}

/** USD for some tokens: cached input tokens at the cached price (the input price when none), per million. */
export function costUsd(price: Price | undefined, usage: TokenUsage): number {
  if (!price) return 0;
  const cached = Math.min(usage.cached_input_tokens, usage.input_tokens);
  const fresh = usage.input_tokens - cached;
  return (
    (fresh * price.input + cached * (price.cached_input ?? price.input) + usage.output_tokens * price.output) /
    1_000_000
  );
}

const TRACE_COLUMNS = [
  'id',
  'conversation_id',
  'principal_id',
  'created_at',
  'route',
  'query_class',
  'local',
  'provider',
  'model',
  'ab_arm',
  'attempts',
  'input_tokens',
  'cached_input_tokens',
  'output_tokens',
  'cost_usd',
  'latency_ms',
  'handlers',
  'tools_offered',
  'outcome',
  'error',
  'message_text',
];

function traceValues(t: TurnTrace): unknown[] {
  return [
    t.id,
    t.conversation_id,
    t.principal_id,
    t.created_at.toISOString(),
    t.route,
    t.query_class ?? null,
    t.local,
    t.provider ?? null,
    t.model ?? null,
    t.ab_arm ?? null,
    JSON.stringify(t.attempts),
    t.input_tokens,
    t.cached_input_tokens,
    t.output_tokens,
    t.cost_usd,
    t.latency_ms,
    JSON.stringify(t.handlers),
    JSON.stringify(t.tools_offered),
    t.outcome,
    t.error ?? null,
    t.message_text.slice(0, 2000),
  ];
}

export type TurnMessage = { role: 'user' | 'assistant' | 'tool'; content: string; parts?: unknown };

/**
 * Saves a turn in one statement (so one transaction): a new conversation's row, its messages (in order), the
 * conversation's `updated_at`, and its trace. The orchestrator runs it before the answer is returned to its caller.
 */
export async function saveTurn(
  db: Queryable,
  input: {
    conversationId: string;
    principalId: string;
    at: Date;
    messages: TurnMessage[];
    trace: TurnTrace;
    /** A conversation started by this turn: inserted in the same statement. */
    newConversation?: { channel: string; title: string };
  },
): Promise<void> {
  const base = 6;
  const traceParams = TRACE_COLUMNS.map((_, i) => `$${base + 1 + i}`).join(', ');
  await db.query(
    `WITH conversation AS (
       INSERT INTO conversations (id, principal_id, channel, title, created_at, updated_at)
       SELECT $1::uuid, $2::uuid, $5::text, $6::text, $3::timestamptz, $3::timestamptz WHERE $5::text IS NOT NULL
       RETURNING id
     ), saved_messages AS (
       INSERT INTO conversation_messages (conversation_id, principal_id, role, content, parts, created_at)
       SELECT $1::uuid, $2::uuid, e.m->>'role', e.m->>'content', NULLIF(e.m->'parts', 'null'::jsonb), $3::timestamptz
       FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS e(m, n) ORDER BY e.n
       RETURNING id
     ), touched AS (
       UPDATE conversations SET updated_at = $3::timestamptz WHERE id = $1::uuid RETURNING id
     ), trace AS (
       INSERT INTO turn_traces (${TRACE_COLUMNS.join(', ')}) VALUES (${traceParams}) RETURNING id
     )
     SELECT (SELECT count(*) FROM conversation) AS conversations, (SELECT count(*) FROM saved_messages) AS messages, (SELECT count(*) FROM trace) AS traces`,
    [
      input.conversationId,
      input.principalId,
      input.at.toISOString(),
      JSON.stringify(input.messages.map((m) => ({ role: m.role, content: m.content, parts: m.parts ?? null }))),
      input.newConversation?.channel ?? null,
      input.newConversation?.title ?? null,
      ...traceValues(input.trace),
    ],
  );
}

export const USAGE_GROUPS = ['provider', 'model', 'route', 'day'] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export type UsageRow = {
  key: string;
  turns: number;
  local_turns: number;
  errors: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  avg_latency_ms: number;
};

/** Sums traces in [from, to) grouped by provider, model, route or UTC day (gateway rows still being written included). */
export async function usageReport(db: Queryable, from: Date, to: Date, groupBy: UsageGroup): Promise<UsageRow[]> {
  await pendingTurnSaves(db).allSettled();
  const keyExpr = {
    provider: `COALESCE(provider, CASE WHEN local THEN 'local' ELSE 'none' END)`,
    model: `COALESCE(model, CASE WHEN local THEN 'zantara-local' ELSE 'none' END)`,
    route: 'route',
    day: `to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
  }[groupBy];
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${keyExpr} AS key, count(*)::int AS turns, count(*) FILTER (WHERE local)::int AS local_turns,
       count(*) FILTER (WHERE outcome <> 'ok')::int AS errors,
       COALESCE(sum(input_tokens), 0)::bigint AS input_tokens, COALESCE(sum(cached_input_tokens), 0)::bigint AS cached_input_tokens,
       COALESCE(sum(output_tokens), 0)::bigint AS output_tokens, COALESCE(sum(cost_usd), 0)::double precision AS cost_usd,
       COALESCE(avg(latency_ms), 0)::double precision AS avg_latency_ms
     FROM turn_traces WHERE created_at >= $1 AND created_at < $2 GROUP BY 1 ORDER BY 1`,
    [from.toISOString(), to.toISOString()],
  );
  return rows.map((r) => ({
    key: String(r.key),
    turns: Number(r.turns),
    local_turns: Number(r.local_turns),
    errors: Number(r.errors),
    input_tokens: Number(r.input_tokens),
    cached_input_tokens: Number(r.cached_input_tokens),
    output_tokens: Number(r.output_tokens),
    cost_usd: Math.round(Number(r.cost_usd) * 1e8) / 1e8,
    avg_latency_ms: Math.round(Number(r.avg_latency_ms)),
  }));
}

/** Saves traces that belong to no conversation (the OpenAI-compatible gateway's calls), in one statement. */
export async function saveTraces(db: Queryable, traces: TurnTrace[]): Promise<void> {
  if (!traces.length) return;
  const n = TRACE_COLUMNS.length;
  const rows = traces.map((_, r) => `(${TRACE_COLUMNS.map((_, i) => `$${r * n + i + 1}`).join(', ')})`);
  await db.query(
    `INSERT INTO turn_traces (${TRACE_COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`,
    traces.flatMap(traceValues),
  );
}
