/**
 * Response bodies of the HTTP API as zod schemas. The OpenAPI document is generated from them, and the contract
 * test checks real responses against the same objects, so the reference and the routes cannot drift apart.
 */
import { z } from 'zod';
import { ROLES } from '../../auth/principal.ts';
import { USAGE_GROUPS } from '../../orchestrator/turn-traces.ts';

export const errorEnvelope = z
  .object({
    ok: z.literal(false),
    error: z.string().describe('Stable error code, e.g. invalid_params, unauthorized, forbidden, rate_limited'),
    message: z.string().optional(),
    request_id: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .loose()
  .describe('The one error envelope');

export const health = z.object({ status: z.literal('ok'), version: z.string() });

export const ready = z.object({
  status: z.literal('ready'),
  version: z.string(),
  store: z.object({ kind: z.string(), ok: z.boolean(), latency_ms: z.number(), pgvector: z.boolean() }),
  vector_search: z.string(),
});

const handlerInfo = z
  .object({
    key: z.string(),
    tool_name: z.string(),
    category: z.string(),
    description: z.string(),
    effect: z.enum(['read', 'write', 'send']),
    roles: z.array(z.enum(ROLES)),
    params: z.record(z.string(), z.unknown()).describe('JSON Schema of the params'),
    examples: z.array(z.object({ description: z.string(), params: z.record(z.string(), z.unknown()) })),
  })
  .loose();
export const handlerList = z.object({
  ok: z.literal(true),
  data: z.object({ count: z.number().int(), handlers: z.array(handlerInfo) }),
});

export const callBatchResult = z.object({
  ok: z.literal(true),
  results: z
    .array(z.union([z.object({ ok: z.literal(true), data: z.unknown() }), errorEnvelope]))
    .describe('One envelope per call, in order; a failed call does not fail the others'),
});

const pendingAction = z.object({
  id: z.string(),
  key: z.string(),
  params: z.record(z.string(), z.unknown()),
  summary: z.string(),
  expires_at: z.string(),
});

export const chatResult = z.object({
  response: z.string(),
  model: z.string(),
  provider: z.string(),
  route: z.string(),
  handlers_used: z.array(z.string()),
  pending_actions: z.array(pendingAction),
  usage: z.object({ input_tokens: z.number(), cached_input_tokens: z.number(), output_tokens: z.number() }),
  cost_usd: z.number(),
  conversation_id: z.string(),
  turn_id: z.string(),
  latency_ms: z.number(),
  local: z.boolean(),
  sources: z.array(z.object({ title: z.string(), source: z.string(), heading: z.string().optional() })).optional(),
});

export const chatEvents = z
  .string()
  .describe(
    'Server-Sent Events: `token` {text}, `handler` {phase, key, ok, outcome}, ' +
      '`pending_action` {id, key, params, summary, expires_at}, `done` (the JSON result), ' +
      '`error` {ok: false, error, message}',
  );

export const conversationList = z.object({
  ok: z.literal(true),
  conversations: z.array(
    z.object({
      id: z.string(),
      channel: z.string(),
      title: z.string().nullable(),
      created_at: z.string(),
      updated_at: z.string(),
    }),
  ),
});

export const conversationMessages = z.object({
  ok: z.literal(true),
  conversation_id: z.string(),
  messages: z.array(
    z.object({
      id: z.number(),
      role: z.enum(['user', 'assistant', 'tool']),
      content: z.string(),
      parts: z.unknown(),
      created_at: z.string(),
    }),
  ),
});

const actionRecord = pendingAction
  .extend({
    status: z.enum(['pending', 'executed', 'rejected', 'expired', 'failed']),
    principal_id: z.string(),
    conversation_id: z.string().nullable(),
    turn_id: z.string().nullable(),
    created_at: z.string(),
    decided_by: z.string().nullable(),
    decided_at: z.string().nullable(),
    result: z.unknown(),
  })
  .loose();
export const actionProposed = z.object({ ok: z.literal(true), action: pendingAction });
export const actionList = z.object({ ok: z.literal(true), actions: z.array(actionRecord) });
export const actionOne = z.object({ ok: z.literal(true), action: actionRecord });
export const actionDecided = z.object({ ok: z.literal(true), already_decided: z.boolean(), action: actionRecord });

const usageRow = z.object({
  key: z.string(),
  turns: z.number(),
  local_turns: z.number(),
  errors: z.number(),
  input_tokens: z.number(),
  cached_input_tokens: z.number(),
  output_tokens: z.number(),
  cost_usd: z.number(),
  avg_latency_ms: z.number(),
});
export const usageReport = z.object({
  ok: z.literal(true),
  from: z.string(),
  to: z.string(),
  group_by: z.enum(USAGE_GROUPS),
  rows: z.array(usageRow),
  total: usageRow.omit({ key: true, local_turns: true, errors: true, avg_latency_ms: true }),
});

export const webhookAck = z.object({
  ok: z.literal(true),
  data: z.object({ received: z.number(), duplicates: z.number(), note: z.string().optional() }),
});
