/**
 * Handlers as model tools. Every handler the principal may call becomes a tool (name ↔ key via tool-names.ts,
 * params from the registry's JSON Schema), but only the offered ones are active; a call to anything else is
 * refused at execution. Reads run through the registry; writes and sends become pending actions unless the
 * approval policy lets this principal's role run that write directly. Handler errors are returned to the model
 * as tool results, never thrown.
 */
import { jsonSchema, tool, type Tool } from 'ai';
import type { JSONSchema7 } from '@ai-sdk/provider';
import type { Principal } from '../auth/principal.ts';
import { ZantaraError } from '../errors.ts';
import type { AnyHandler } from '../handlers/handler.ts';
import { toolNameForKey } from '../handlers/tool-names.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { approvalsService } from './approvals.ts';
import type { PendingAction } from '../runtime/chat-turn.ts';
import type { HandlerTrace } from './turn-traces.ts';
import { handlerRegistry } from '../handlers/registry.ts';

export const HANDLER_SEARCH_KEY = 'system.handlers.search';

export type ToolEvent = { phase: 'started' | 'finished'; key: string; ok?: boolean; outcome?: HandlerTrace['outcome'] };

export type AgentToolsInput = {
  runtime: Runtime;
  principal: Principal;
  requestId: string;
  handlers: AnyHandler[];
  /** Keys offered to the model; grows when the model searches for more handlers. */
  offered: Set<string>;
  autoApprove: Record<string, readonly string[]>;
  approvalExpiryMs: number;
  turnId: string;
  conversationId: string;
  signal?: AbortSignal;
  onEvent(event: ToolEvent): void;
  onTrace(trace: HandlerTrace): void;
  onPending(action: PendingAction): void;
};

/** A compact, JSON-safe copy of a handler result for the model (large results are cut). */
function forModel(value: unknown): unknown {
  const text = JSON.stringify(value ?? null);
  if (text.length <= 24_000) return JSON.parse(text);
  return { truncated: true, preview: text.slice(0, 24_000) };
}

/** Whether the policy lets this principal's own turn run `handler` without an approval. Sends never do. */
export function autoApproved(
  handler: AnyHandler,
  principal: Principal,
  policy: Record<string, readonly string[]>,
): boolean {
  if (handler.effect === 'read') return true;
  if (handler.effect === 'send') return false;
  return policy[handler.key]?.includes(principal.role) ?? false;
}

export function buildAgentTools(input: AgentToolsInput): Record<string, Tool> {
  const tools: Record<string, Tool> = {};
  for (const handler of input.handlers) {
    // Administrative handlers never become tools, whatever list the caller passed.
    if (handler.humanOnly) continue;
    const name = toolNameForKey(handler.key);
    tools[name] = tool({
      description: `${handler.description}${handler.effect === 'read' ? '' : ` (effect: ${handler.effect} — needs a person's approval unless policy allows)`}`,
      inputSchema: jsonSchema<Record<string, unknown>>(
        () => input.runtime.service(handlerRegistry).paramsSchema(handler.key) as JSONSchema7,
      ),
      execute: (params: Record<string, unknown>) => runTool(input, handler, params),
    });
  }
  return tools;
}

async function runTool(input: AgentToolsInput, handler: AnyHandler, params: Record<string, unknown>): Promise<unknown> {
  const key = handler.key;
  const started = performance.now();
  const finish = (outcome: HandlerTrace['outcome'], result: unknown, extra: Partial<HandlerTrace> = {}) => {
    input.onTrace({ key, duration_ms: Math.round(performance.now() - started), outcome, ...extra });
    input.onEvent({ phase: 'finished', key, ok: outcome === 'ok' || outcome === 'pending_approval', outcome });
    return result;
  };
  input.onEvent({ phase: 'started', key });
  if (!input.offered.has(key)) {
    return finish(
      'refused',
      {
        ok: false,
        error: 'handler_not_offered',
        message: `${key} was not offered for this request; use ${HANDLER_SEARCH_KEY} to find the right handler.`,
      },
      { error_code: 'handler_not_offered' },
    );
  }
  if (handler.humanOnly || !handler.roles.includes(input.principal.role)) {
    return finish(
      'refused',
      { ok: false, error: 'forbidden', message: `You may not call ${key}.` },
      { error_code: 'forbidden' },
    );
  }
  if (!autoApproved(handler, input.principal, input.autoApprove)) {
    const parsed = handler.input.safeParse(params ?? {});
    if (!parsed.success) {
      return finish(
        'error',
        {
          ok: false,
          error: 'invalid_params',
          issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
        { error_code: 'invalid_params' },
      );
    }
    const action = await input.runtime.service(approvalsService).create({
      principal: input.principal,
      key,
      params: params ?? {},
      expiresInMs: input.approvalExpiryMs,
      turnId: input.turnId,
      conversationId: input.conversationId,
    });
    input.onPending(action);
    return finish(
      'pending_approval',
      {
        ok: true,
        status: 'pending_approval',
        action_id: action.id,
        summary: action.summary,
        expires_at: action.expires_at,
        message:
          'Not done yet: this action waits for a person to approve it. Tell the user it is proposed and awaiting approval.',
      },
      { action_id: action.id },
    );
  }
  try {
    const data = await input.runtime.service(handlerRegistry).call(key, params ?? {}, {
      principal: input.principal,
      requestId: input.requestId,
      signal: input.signal,
      origin: 'model',
    });
    if (key === HANDLER_SEARCH_KEY) offerFound(input, data);
    // What the model sees is also what the turn stores: declared secrets never enter either.
    return finish('ok', { ok: true, data: forModel(input.runtime.service(handlerRegistry).redact(key, data)) });
  } catch (error) {
    const body =
      ZantaraError.isInstance(error) && error.expose
        ? { ok: false, error: error.code, message: error.message, ...error.details }
        : { ok: false, error: 'internal_error', message: 'The handler failed.' };
    return finish('error', body, { error_code: String(body.error) });
  }
}

/** Handlers found by a search become callable in the next step. */
function offerFound(input: AgentToolsInput, data: unknown): void {
  const found = (data as { handlers?: Array<{ key?: unknown }> })?.handlers ?? [];
  const allowed = new Set(input.handlers.filter((h) => !h.humanOnly).map((h) => h.key));
  for (const item of found) if (typeof item.key === 'string' && allowed.has(item.key)) input.offered.add(item.key);
}

export function activeToolNames(offered: Set<string>, handlers: AnyHandler[]): string[] {
  const allowed = new Set(handlers.map((h) => h.key));
  return [...offered].filter((k) => allowed.has(k)).map(toolNameForKey);
}
