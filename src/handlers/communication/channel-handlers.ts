import { z } from 'zod';
import { withinCustomerWindow } from '../../channels/customer-window.ts';
import { enqueueReply } from '../../channels/inbound-processor.ts';
import { inboundQueueService } from '../../channels/inbound-queue.ts';
import { channelThread, waitingInbound } from '../../channels/thread.ts';
import { notFound, ZantaraError } from '../../errors.ts';
import { noteFor, outboxService } from '../../outbox/outbox.ts';
import { defineHandler } from '../handler.ts';
import { OUTBOX_STATUSES } from '../../outbox/channel-deliverer.ts';

export const channelsThread = defineHandler({
  key: 'channels.thread',
  category: 'communication',
  description:
    "Show a client's WhatsApp or Instagram thread, oldest first: messages received (with status and any draft reply waiting for staff) and messages sent or queued through the outbox. Without a sender, lists inbound messages waiting for staff.",
  input: z.object({
    channel: z.enum(['whatsapp', 'instagram']).default('whatsapp').describe('The channel of the thread'),
    sender: z
      .string()
      .trim()
      .max(40)
      .optional()
      .describe("The client's WhatsApp number (digits) or Instagram id; omit to list messages waiting for staff"),
    limit: z.number().int().min(1).max(500).default(100).describe('Most recent entries to return'),
  }),
  output: z.union([
    z.object({
      waiting: z
        .array(
          z.object({
            id: z.string(),
            channel: z.string(),
            sender: z.string(),
            sender_name: z.string().nullable(),
            principal_id: z.string().nullable(),
            text: z.string(),
            status: z.string(),
            received_at: z.string(),
            draft_reply: z.string().nullable(),
            error: z.string().nullable(),
          }),
        )
        .describe('Inbound messages waiting for staff, newest first'),
    }),
    z.object({
      channel: z.enum(['whatsapp', 'instagram']),
      sender: z.string(),
      entries: z
        .array(
          z.object({
            direction: z.enum(['in', 'out']),
            at: z.string(),
            text: z.string(),
            status: z.string(),
            id: z.string(),
            draft_reply: z.string().nullable().optional(),
            pending_action_ids: z.array(z.string()).nullable().optional(),
            provider_message_id: z.string().nullable().optional(),
          }),
        )
        .describe('The thread, oldest first'),
    }),
  ]),
  effect: 'read',
  roles: ['staff', 'admin'],
  examples: [
    {
      description: 'Show the WhatsApp conversation with a client',
      params: { channel: 'whatsapp', sender: '6281234567890' },
    },
    { description: 'Quali messaggi aspettano una risposta?', params: {} },
  ],
  async run(input, ctx) {
    if (!input.sender) return { waiting: await waitingInbound(ctx.runtime.store, input.limit) };
    const sender = input.channel === 'whatsapp' ? input.sender.replace(/\D/g, '') : input.sender;
    return {
      channel: input.channel,
      sender,
      entries: await channelThread(ctx.runtime.store, input.channel, sender, input.limit),
    };
  },
});

export const channelsReply = defineHandler({
  key: 'channels.reply',
  category: 'communication',
  description:
    "Answer an inbound WhatsApp or Instagram message as staff: sends the given text, or the draft ZANTARA prepared, through the outbox, and marks the message answered. Only within 24 hours of the client's last message.",
  input: z.object({
    inbound_id: z.uuid().describe('The inbound message id from channels.thread'),
    text: z.string().trim().min(1).max(8000).optional().describe('The reply; omit to send the prepared draft as is'),
  }),
  output: z.object({
    inbound_id: z.string(),
    outbox_ids: z.array(z.string()),
    status: z.enum(OUTBOX_STATUSES).optional(),
    note: z.string(),
  }),
  effect: 'send',
  roles: ['staff', 'admin'],
  examples: [
    { description: 'Send the prepared draft', params: { inbound_id: '0b8e5c1e-8d1f-4a4e-9a77-3c2b1f0e9d10' } },
    {
      description: 'Balas dengan teks sendiri',
      params: {
        inbound_id: '0b8e5c1e-8d1f-4a4e-9a77-3c2b1f0e9d10',
        text: 'Terima kasih, dokumen Anda sudah kami terima.',
      },
    },
  ],
  async run(input, ctx) {
    const queue = ctx.runtime.service(inboundQueueService);
    const row = await queue.get(input.inbound_id);
    if (!row) throw notFound('inbound_not_found', `No inbound message ${input.inbound_id}.`, { id: input.inbound_id });
    const text = input.text ?? row.draft_reply;
    if (!text)
      throw new ZantaraError('no_draft', 'There is no prepared draft for this message; give the text to send.', {
        status: 422,
      });
    const window = await withinCustomerWindow(ctx.runtime.store, row.channel, row.sender, ctx.runtime.clock.now());
    if (!window.open)
      throw new ZantaraError(
        'outside_customer_window',
        "The 24-hour window after the client's last message has closed; send an approved template with whatsapp.send instead.",
        { status: 422 },
      );
    const ids = await enqueueReply(ctx.runtime, row, text, ctx.principal.id, 'staff-reply');
    await queue.update(row.id, { status: 'done', reply_outbox_id: ids[0], processed_at: ctx.runtime.clock.now() });
    const outbox = ctx.runtime.service(outboxService);
    const rows = await Promise.all(ids.map((id) => outbox.get(id)));
    return {
      inbound_id: row.id,
      outbox_ids: ids,
      status: rows[0]?.status,
      note: rows[0] ? noteFor(rows[0].status) : '',
    };
  },
});
