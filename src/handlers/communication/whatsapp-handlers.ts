import { z } from 'zod';
import { withinCustomerWindow } from '../../channels/customer-window.ts';
import { ZantaraError } from '../../errors.ts';
import { metaConfig } from '../../integrations/meta/meta-config.ts';
import { outboxService } from '../../outbox/outbox.ts';
import { defineHandler } from '../handler.ts';
import { idempotencyKeyDescription, sendIdempotencyKey, sendOutput, sendResult } from './send-result.ts';

const phone = z
  .string()
  .trim()
  .transform((v) => v.replace(/[\s\-().]/g, '').replace(/^\+/, ''))
  .pipe(z.string().regex(/^[1-9]\d{7,14}$/, 'an international phone number with country code, e.g. +62 812 3456 7890'));

const template = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[a-z0-9_]{1,512}$/, 'the approved template name (lower case, digits, _)')
    .describe('Approved WhatsApp template name, e.g. "visa_expiry_reminder"'),
  language: z
    .string()
    .trim()
    .regex(/^[a-z]{2,3}(_[A-Z]{2})?$/)
    .default('en')
    .describe('Template language code as approved in Meta, e.g. en, en_US, it, id'),
  parameters: z
    .array(z.string().max(1024))
    .max(20)
    .default([])
    .describe('Values for the template body placeholders {{1}}, {{2}}… in order'),
});

function templateMessage(t: z.infer<typeof template>) {
  return {
    type: 'template' as const,
    template: {
      name: t.name,
      language: t.language,
      components: t.parameters.length
        ? [{ type: 'body', parameters: t.parameters.map((text) => ({ type: 'text', text })) }]
        : [],
    },
  };
}

export const whatsappSend = defineHandler({
  key: 'whatsapp.send',
  category: 'communication',
  description:
    "Send a WhatsApp message to a client through the outbox. Free text is allowed only within 24 hours of the client's last WhatsApp message; outside that window use an approved template. Returns the outbox id and status (pending = queued, sandboxed = would send, nothing sent).",
  input: z.object({
    to: phone.describe('Recipient phone number with country code, e.g. +62 812 3456 7890'),
    text: z.string().trim().min(1).max(4096).optional().describe('Message text (only within the 24-hour window)'),
    template: template.optional().describe('An approved template, required outside the 24-hour window'),
    idempotency_key: z.string().min(1).max(200).optional().describe(idempotencyKeyDescription),
  }),
  output: sendOutput,
  effect: 'send',
  roles: ['staff', 'admin'],
  examples: [
    {
      description: 'Reply to a client who just wrote',
      params: { to: '+62 812 3456 7890', text: 'Your KITAS application was submitted today.' },
    },
    {
      description: 'Kirim template pengingat ke klien',
      params: {
        to: '+628123456789',
        template: { name: 'visa_expiry_reminder', language: 'id', parameters: ['Budi', '12 Maret'] },
      },
    },
  ],
  async run(input, ctx) {
    if (Boolean(input.text) === Boolean(input.template)) {
      throw new ZantaraError('invalid_params', 'Give either text or template, not both and not neither.', {
        status: 400,
        details: { issues: [{ path: 'text', message: 'text or template' }] },
      });
    }
    if (input.text) {
      const window = await withinCustomerWindow(ctx.runtime.store, 'whatsapp', input.to, ctx.runtime.clock.now());
      if (!window.open) {
        throw new ZantaraError(
          'outside_customer_window',
          window.lastInboundAt
            ? `The client last wrote on ${window.lastInboundAt.toISOString()}; the 24-hour window closed at ${window.closesAt!.toISOString()}. Send an approved template instead.`
            : 'This number has never written to us on WhatsApp, so only an approved template may be sent.',
          { status: 422, details: { last_inbound_at: window.lastInboundAt?.toISOString() ?? null } },
        );
      }
    }
    const payload = input.text ? { type: 'text', text: input.text } : templateMessage(input.template!);
    const result = await ctx.runtime.service(outboxService).enqueue({
      channel: 'whatsapp',
      destination: input.to,
      payload,
      createdBy: ctx.principal.id,
      idempotencyKey: sendIdempotencyKey(ctx, 'whatsapp.send', input.idempotency_key, [input.to, payload]),
    });
    return sendResult(result, input.to);
  },
});

export const whatsappSendBulk = defineHandler({
  key: 'whatsapp.send_bulk',
  category: 'communication',
  description:
    'Send one approved WhatsApp template to a list of phone numbers (max 500), paced by WHATSAPP_BULK_PER_MINUTE through the outbox. Duplicated numbers are sent once. Returns one outbox id and status per number.',
  input: z.object({
    to: z.array(phone).min(1).max(500).describe('Recipient phone numbers with country code'),
    template: template.describe('The approved template to send'),
    idempotency_key: z.string().min(1).max(150).optional().describe(idempotencyKeyDescription),
  }),
  output: z.object({
    count: z.number().int().describe('Messages queued (one per distinct recipient)'),
    counts: z.record(z.string(), z.number().int()).describe('How many messages per status'),
    per_minute: z.number().describe('Sending rate'),
    estimated_minutes: z.number().int().describe('Minutes until the last message goes out'),
    messages: z.array(sendOutput),
  }),
  effect: 'send',
  roles: ['staff', 'admin'],
  examples: [
    {
      description: 'Remind three clients about the new regulation',
      params: {
        to: ['+628111111111', '+628122222222', '+393331234567'],
        template: { name: 'regulation_update', language: 'en' },
      },
    },
    {
      description: 'Invia il template di promemoria a due clienti',
      params: {
        to: ['+393331234567', '+393471234567'],
        template: { name: 'promemoria_scadenza', language: 'it', parameters: ['marzo'] },
        idempotency_key: 'promemoria-marzo',
      },
    },
  ],
  async run(input, ctx) {
    const outbox = ctx.runtime.service(outboxService);
    const perMinute = metaConfig(ctx.runtime.env).WHATSAPP_BULK_PER_MINUTE;
    const spacingMs = Math.ceil(60_000 / perMinute);
    const start = ctx.runtime.clock.now().getTime();
    const payload = templateMessage(input.template);
    const batchKey = sendIdempotencyKey(ctx, 'whatsapp.send_bulk', input.idempotency_key, [input.to, payload]);
    const recipients = [...new Set(input.to)];
    const results = [];
    for (const [i, to] of recipients.entries()) {
      const result = await outbox.enqueue({
        channel: 'whatsapp',
        destination: to,
        payload,
        createdBy: ctx.principal.id,
        idempotencyKey: `${batchKey}:${to}`,
        notBefore: new Date(start + i * spacingMs),
      });
      results.push(sendResult(result, to));
    }
    const counts: Record<string, number> = {};
    for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
    return {
      count: results.length,
      counts,
      per_minute: perMinute,
      estimated_minutes: Math.ceil(results.length / perMinute),
      messages: results,
    };
  },
});
