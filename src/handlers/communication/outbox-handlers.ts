import { z } from 'zod';
import { OUTBOX_STATUSES } from '../../outbox/channel-deliverer.ts';
import { DATE_RANGE_MESSAGE, isDateInRange } from '../../input-safety.ts';
import { outboxService, outboxView } from '../../outbox/outbox.ts';
import { defineHandler } from '../handler.ts';

const STATUSES = OUTBOX_STATUSES;

/** One outbox message as staff see it (payload only on request). */
const messageOutput = z.object({
  id: z.string(),
  channel: z.string(),
  destination: z.string(),
  status: z.enum(OUTBOX_STATUSES),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  provider_message_id: z.string().nullable(),
  next_attempt_at: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  sent_at: z.string().nullable(),
  created_by: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()).optional(),
});

export const outboxList = defineHandler({
  key: 'outbox.list',
  category: 'communication',
  description:
    'List outgoing messages (WhatsApp, Instagram, Slack, Discord, email) newest first, with status (pending, sending, sent, failed, sandboxed, cancelled), attempts, last error and counts per status.',
  input: z.object({
    status: z.enum(STATUSES).optional().describe('Only messages in this status'),
    channel: z.string().max(40).optional().describe('Only this channel, e.g. whatsapp, slack, email'),
    limit: z.number().int().min(1).max(200).default(50).describe('How many messages to return'),
    before: z.iso
      .datetime()
      .refine(isDateInRange, DATE_RANGE_MESSAGE)
      .optional()
      .describe('Only messages created before this time (for paging)'),
    include_payload: z.boolean().default(false).describe('Also return each message body'),
  }),
  output: z.object({
    counts: z.record(z.string(), z.number().int()).describe('Messages per status, all time'),
    messages: z.array(messageOutput),
  }),
  effect: 'read',
  roles: ['staff', 'admin'],
  examples: [
    { description: 'Which messages failed?', params: { status: 'failed' } },
    { description: 'Ultimi messaggi WhatsApp in uscita', params: { channel: 'whatsapp', limit: 20 } },
  ],
  async run(input, ctx) {
    const outbox = ctx.runtime.service(outboxService);
    const rows = await outbox.list(input);
    return { counts: await outbox.counts(), messages: rows.map((r) => outboxView(r, input.include_payload)) };
  },
});

export const outboxRetry = defineHandler({
  key: 'outbox.retry',
  category: 'communication',
  description:
    'Queue a failed, cancelled or sandboxed outgoing message again (attempts restart). Refused while the channel is in sandbox.',
  input: z.object({ id: z.uuid().describe('Outbox message id from outbox.list') }),
  output: messageOutput,
  effect: 'send',
  roles: ['staff', 'admin'],
  examples: [
    { description: 'Retry a failed WhatsApp message', params: { id: '6d7f3f0e-2a7c-4a57-9a55-1f3c0f1b9e21' } },
    { description: 'Kirim ulang pesan yang gagal', params: { id: '6d7f3f0e-2a7c-4a57-9a55-1f3c0f1b9e21' } },
  ],
  async run(input, ctx) {
    return outboxView(await ctx.runtime.service(outboxService).retry(input.id));
  },
});

export const outboxCancel = defineHandler({
  key: 'outbox.cancel',
  category: 'communication',
  description:
    'Cancel an outgoing message that has not started sending (pending or sandboxed). A message being sent or already sent cannot be cancelled.',
  input: z.object({ id: z.uuid().describe('Outbox message id from outbox.list') }),
  output: messageOutput,
  effect: 'write',
  roles: ['staff', 'admin'],
  examples: [
    { description: 'Cancel a queued message', params: { id: '6d7f3f0e-2a7c-4a57-9a55-1f3c0f1b9e21' } },
    { description: 'Annulla il messaggio in coda', params: { id: '6d7f3f0e-2a7c-4a57-9a55-1f3c0f1b9e21' } },
  ],
  async run(input, ctx) {
    return outboxView(await ctx.runtime.service(outboxService).cancel(input.id));
  },
});
