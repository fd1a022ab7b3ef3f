import { z } from 'zod';
import { defineHandler } from '../handler.ts';
import type { ChatTurnResult } from '../../orchestrator/chat-types.ts';
import { runChatTurn } from '../../orchestrator/run-chat-turn.ts';

/** One chat turn through /call: the same object as POST /v1/chat. */
export const aiChat = defineHandler({
  key: 'ai.chat',
  category: 'ai',
  description: 'Talk to ZANTARA: one chat turn (local answers, model routing, handler calls, approvals for actions). Returns the answer, model, route, handlers used, pending actions, usage, cost and the conversation id to continue.',
  input: z.object({
    message: z.string().min(1).max(8000).describe('What the user says'),
    conversation_id: z.string().uuid().optional().describe('Continue this conversation (one of yours); omit to start a new one'),
  }),
  effect: 'write',
  roles: ['admin', 'staff', 'client'],
  callsModel: true,
  examples: [
    { description: 'Ask the price of a remote worker KITAS', params: { message: 'How much is the E33G remote worker KITAS?' } },
    { description: 'Domanda di follow-up in italiano', params: { message: 'E quanto tempo ci vuole?', conversation_id: '0b6f2f5e-3c1a-4a7e-9d53-2f4b1c9e8a10' } },
  ],
  async run(input, ctx): Promise<ChatTurnResult> {
    return runChatTurn(ctx.runtime, ctx.principal, { message: input.message, conversation_id: input.conversation_id, channel: 'api' },
      { signal: ctx.signal, requestId: ctx.requestId });
  },
});
