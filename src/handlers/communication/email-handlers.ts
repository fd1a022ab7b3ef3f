import { z } from 'zod';
import { outboxService } from '../../outbox/outbox.ts';
import { defineHandler } from '../handler.ts';
import { idempotencyKeyDescription, sendIdempotencyKey, sendOutput, sendResult } from './send-result.ts';
import { handlerRegistry } from '../registry.ts';
import { gmailSend } from '../workspace/gmail.ts';

export const emailSend = defineHandler({
  key: 'email.send',
  category: 'communication',
  description:
    'Send an e-mail through the outbox: with the Gmail API when Google Workspace is configured, otherwise SMTP. Returns the outbox id, the channel used (gmail or email) and status (sandboxed = would send, nothing sent).',
  input: z.object({
    to: z.email().describe('Recipient e-mail address'),
    subject: z.string().trim().min(1).max(300).describe('Subject line'),
    text: z.string().trim().min(1).max(100_000).describe('Plain-text body'),
    html: z.string().max(200_000).optional().describe('Optional HTML body (the text body stays as the fallback)'),
    cc: z.array(z.email()).max(20).optional().describe('Carbon-copy recipients'),
    reply_to: z.email().optional().describe('Reply-To address, e.g. the consultant handling the case'),
    idempotency_key: z.string().min(1).max(200).optional().describe(idempotencyKeyDescription),
  }),
  output: sendOutput.extend({
    from: z.string().optional().describe('The Workspace account Gmail sends from, on the Gmail path'),
    reply_to_ignored: z.string().optional().describe('Why Reply-To was not set, on the Gmail path'),
  }),
  effect: 'send',
  roles: ['staff', 'admin'],
  examples: [
    {
      description: 'Send a quote by e-mail',
      params: {
        to: 'client@example.com',
        subject: 'Your PT PMA quote',
        text: 'Dear client, please find the details below.',
      },
    },
    {
      description: 'Invia un promemoria via e-mail',
      params: {
        to: 'mario.rossi@example.it',
        subject: 'Documenti per il KITAS',
        text: 'Gentile Mario, ci servono passaporto e foto.',
        reply_to: 'consulenti@example.com',
      },
    },
  ],
  async run(input, ctx) {
    const outbox = ctx.runtime.service(outboxService);
    const idempotencyKey = sendIdempotencyKey(ctx, 'email.send', input.idempotency_key, [
      input.to,
      input.subject,
      input.text,
      input.html,
      input.cc,
      input.reply_to,
    ]);
    // With Google Workspace configured, Gmail sends (through the Workspace engineer's gmail.send and its 'gmail' channel).
    if (
      outbox.deliverer('gmail')?.isConfigured(ctx.runtime, input.to) &&
      ctx.runtime.service(handlerRegistry).get('gmail.send')
    ) {
      const queued = await ctx.call(gmailSend, {
        to: [input.to],
        cc: input.cc ?? [],
        subject: input.subject,
        body: input.text,
        html: input.html,
        idempotency_key: idempotencyKey,
      });
      return {
        outbox_id: queued.outbox_id,
        status: queued.status,
        channel: 'gmail',
        destination: input.to,
        note: queued.note,
        duplicate: queued.duplicate,
        from: queued.from,
        ...(input.reply_to
          ? { reply_to_ignored: 'Gmail sends from the Workspace account; Reply-To is not set on this path' }
          : {}),
      };
    }
    const payload = {
      subject: input.subject,
      text: input.text,
      html: input.html,
      cc: input.cc,
      reply_to: input.reply_to,
    };
    const result = await outbox.enqueue({
      channel: 'email',
      destination: input.to,
      payload,
      createdBy: ctx.principal.id,
      idempotencyKey,
    });
    return sendResult(result, input.to);
  },
});
