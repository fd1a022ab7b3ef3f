/**
 * The entry point of a chat turn for every caller: /v1/chat, the ai.chat handler, the CLI and inbound channels
 * (WhatsApp, Instagram). The principal comes from the caller's credential, never from the message.
 *
 * @example
 * const result = await runChatTurn(runtime, principal, { message: 'Quanto costa il KITAS E33G?', channel: 'whatsapp' });
 */
import type { Principal } from '../auth/principal.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { ChatTurnRequest, ChatTurnResult } from '../runtime/chat-turn.ts';
import { orchestratorService, type ChatEvent, type TurnOptions } from './orchestrator.ts';

export type { ChatEvent, TurnOptions };

export function runChatTurn(
  runtime: Runtime,
  principal: Principal,
  request: ChatTurnRequest,
  options: TurnOptions = {},
): Promise<ChatTurnResult> {
  return runtime.service(orchestratorService).runTurn(principal, request, options);
}
