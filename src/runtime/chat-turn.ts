/**
 * The contract of one chat turn, shared by /v1/chat, the ai.chat handler, the CLI and inbound channels. It lives in
 * the kernel so that layers below the orchestrator (handlers, channels) can run a turn through `chatTurnPort`.
 */
import type { Principal } from '../auth/principal.ts';
import type { Runtime } from './runtime.ts';
import { definePort } from './service.ts';

export type PendingAction = {
  id: string;
  key: string;
  params: Record<string, unknown>;
  summary: string;
  expires_at: string;
};

export type ChatTurnRequest = {
  message: string;
  conversation_id?: string;
  /** Where the turn came from: 'api' | 'web' | 'cli' | 'whatsapp' | 'instagram'. */
  channel?: string;
  /**
   * Without `conversation_id`: continue the principal's latest conversation on this channel when it was active within
   * `conversation.resume_hours`. Defaults to true on messaging channels (whatsapp, instagram, telegram, sms), where a
   * chat has no explicit conversation id; false elsewhere.
   */
  continue_recent?: boolean;
};

export type ChatTurnResult = {
  response: string;
  model: string;
  provider: string;
  route: string;
  handlers_used: string[];
  pending_actions: PendingAction[];
  usage: { input_tokens: number; cached_input_tokens: number; output_tokens: number };
  cost_usd: number;
  conversation_id: string;
  turn_id: string;
  latency_ms: number;
  local: boolean;
  sources?: Array<{ title: string; source: string; heading?: string }>;
};

/** Per-call options a lower layer may pass; the orchestrator's `TurnOptions` add streaming events. */
export type ChatTurnOptions = { signal?: AbortSignal; requestId?: string };

/** Runs one chat turn for a principal. */
export type ChatTurnRunner = (
  runtime: Runtime,
  principal: Principal,
  request: ChatTurnRequest,
  options?: ChatTurnOptions,
) => Promise<ChatTurnResult>;

/** The orchestrator's `runChatTurn`, provided by the composition root. */
export const chatTurnPort = definePort<ChatTurnRunner>('chat turn runner');
