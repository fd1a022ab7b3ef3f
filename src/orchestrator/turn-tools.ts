/**
 * A turn's tools: the top-k handlers relevant to the message plus the pinned ones, as AI SDK tools; the rest of what
 * the principal may call stays inactive until the model searches for it. A broken tool selection offers the pinned
 * handlers only.
 */
import type { Tool } from 'ai';
import type { Principal } from '../auth/principal.ts';
import type { AnyHandler } from '../handlers/handler.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { activeToolNames, buildAgentTools, type ToolEvent } from './agent-tools.ts';
import type { PendingAction } from '../runtime/chat-turn.ts';
import type { OrchestratorConfig } from './config.ts';
import type { selectTools as SelectTools } from './tool-selection/select-tools.ts';
import type { HandlerTrace } from './turn-traces.ts';
import { handlerRegistry } from '../handlers/registry.ts';

/** Handlers a model is never offered: the chat itself (no recursion). */
const NEVER_OFFERED = new Set(['ai.chat']);

export type TurnTools = {
  tools: Record<string, Tool>;
  offered: Set<string>;
  activeTools(): string[];
  pending: PendingAction[];
  handlerTraces: HandlerTrace[];
};

export function offerTurnTools(input: {
  runtime: Runtime;
  principal: Principal;
  config: OrchestratorConfig;
  selectTools: typeof SelectTools;
  message: string;
  requestId: string;
  turnId: string;
  conversationId: string;
  signal?: AbortSignal;
  onHandler(event: ToolEvent): void;
  onPending(action: PendingAction): void;
}): TurnTools {
  const { runtime, principal, config } = input;
  const allowed = runtime
    .service(handlerRegistry)
    .listForModel(principal)
    .filter((h) => !NEVER_OFFERED.has(h.key));
  let selected: AnyHandler[];
  try {
    selected = input.selectTools(allowed, input.message, {
      k: config.agent.tools_k,
      pinned: config.agent.pinned_tools,
    });
  } catch (error) {
    runtime.logger.error({ err: error }, 'tool selection failed; offering the pinned handlers only');
    selected = allowed.filter((h) => config.agent.pinned_tools.includes(h.key));
  }
  const offered = new Set(selected.map((h) => h.key).filter((k) => allowed.some((h) => h.key === k)));
  const pending: PendingAction[] = [];
  const handlerTraces: HandlerTrace[] = [];
  const tools = buildAgentTools({
    runtime,
    principal,
    requestId: input.requestId,
    handlers: allowed,
    offered,
    autoApprove: config.approvals.auto_approve,
    approvalExpiryMs: config.approvals.expiry_minutes * 60_000,
    turnId: input.turnId,
    conversationId: input.conversationId,
    signal: input.signal,
    onEvent: input.onHandler,
    onTrace: (t) => handlerTraces.push(t),
    onPending: (action) => {
      pending.push(action);
      input.onPending(action);
    },
  });
  return { tools, offered, activeTools: () => activeToolNames(offered, allowed), pending, handlerTraces };
}
