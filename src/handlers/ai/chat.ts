import { z } from 'zod';
import { defineHandler } from '../handler.ts';
import { chatTurnPort, type ChatTurnResult } from '../../runtime/chat-turn.ts';

/** One chat turn through /call: the same object as POST /v1/chat. */
export const aiChat = defineHandler({
  key: 'ai.chat',
  category: 'ai',
  description:
    'Talk to ZANTARA: one chat turn (local answers, model routing, handler calls, approvals for actions). Returns the answer, model, route, handlers used, pending actions, usage, cost and the conversation id to continue.',
  input: z.object({
    message: z.string().min(1).max(8000).describe('What the user says'),
    conversation_id: z
      .string()
      .uuid()
      .optional()
      .describe('Continue this conversation (one of yours); omit to start a new one'),
  }),
  output: z.object({
    response: z.string(),
    model: z.string(),
    provider: z.string(),
    route: z.string(),
    handlers_used: z.array(z.string()),
    pending_actions: z
      .array(
        z.object({
          id: z.string(),
          key: z.string(),
          params: z.record(z.string(), z.unknown()),
          summary: z.string(),
          expires_at: z.string(),
        }),
      )
      .describe('Writes and sends waiting for approval'),
    usage: z.object({ input_tokens: z.number(), cached_input_tokens: z.number(), output_tokens: z.number() }),
    cost_usd: z.number(),
    conversation_id: z.string(),
    turn_id: z.string(),
    latency_ms: z.number(),
    local: z.boolean().describe('Answered by the local tier, without a model'),
    sources: z.array(z.object({ title: z.string(), source: z.string(), heading: z.string().optional() })).optional(),
  }),
  effect: 'write',
  roles: ['admin', 'staff', 'client'],
  callsModel: true,
  examples: [
    {
      description: 'Ask the price of a remote worker KITAS',
      params: { message: 'How much is the E33G remote worker KITAS?' },
    },
    {
      description: 'Domanda di follow-up in italiano',
      params: { message: 'E quanto tempo ci vuole?', conversation_id: '0b6f2f5e-3c1a-4a7e-9d53-2f4b1c9e8a10' },
    },
  ],
  async run(input, ctx): Promise<ChatTurnResult> {
    return ctx.runtime.service(chatTurnPort)(
      ctx.runtime,
      ctx.principal,
      { message: input.message, conversation_id: input.conversation_id, channel: 'api' },
      { signal: ctx.signal, requestId: ctx.requestId },
    );
  },
});
