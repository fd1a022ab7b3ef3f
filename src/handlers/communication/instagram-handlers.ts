import { z } from 'zod';
import { withinCustomerWindow } from '../../channels/customer-window.ts';
import { ZantaraError } from '../../errors.ts';
import { outboxService } from '../../outbox/outbox.ts';
import { defineHandler } from '../handler.ts';
import { idempotencyKeyDescription, sendIdempotencyKey, sendOutput, sendResult } from './send-result.ts';

export const instagramSend = defineHandler({
  key: 'instagram.send',
  category: 'communication',
  description:
    "Reply to a client on Instagram Direct through the outbox. Instagram allows replies only within 24 hours of the client's last message. Returns the outbox id and status (sandboxed = would send, nothing sent).",
  input: z.object({
    recipient_id: z
      .string()
      .trim()
      .regex(/^\d{5,32}$/, 'the Instagram-scoped id from an inbound message')
      .describe('Instagram-scoped user id (IGSID) of the client, from the inbound thread'),
    text: z.string().trim().min(1).max(1000).describe('Message text (Instagram allows up to 1000 characters)'),
    idempotency_key: z.string().min(1).max(200).optional().describe(idempotencyKeyDescription),
  }),
  output: sendOutput,
  effect: 'send',
  roles: ['staff', 'admin'],
  examples: [
    {
      description: 'Answer an Instagram question',
      params: {
        recipient_id: '6812345678901234',
        text: 'Yes, we can help with your company setup. What is your nationality?',
      },
    },
    {
      description: 'Rispondi su Instagram',
      params: { recipient_id: '6812345678901234', text: 'Certo, ti mandiamo il preventivo oggi.' },
    },
  ],
  async run(input, ctx) {
    const window = await withinCustomerWindow(
      ctx.runtime.store,
      'instagram',
      input.recipient_id,
      ctx.runtime.clock.now(),
    );
    if (!window.open) {
      throw new ZantaraError(
        'outside_customer_window',
        "Instagram allows replies only within 24 hours of the client's last message; this client has not written in that time.",
        { status: 422, details: { last_inbound_at: window.lastInboundAt?.toISOString() ?? null } },
      );
    }
    const payload = { text: input.text };
    const result = await ctx.runtime.service(outboxService).enqueue({
      channel: 'instagram',
      destination: input.recipient_id,
      payload,
      createdBy: ctx.principal.id,
      idempotencyKey: sendIdempotencyKey(ctx, 'instagram.send', input.idempotency_key, [input.recipient_id, payload]),
    });
    return sendResult(result, input.recipient_id);
  },
});
