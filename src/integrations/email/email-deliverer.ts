import nodemailer from 'nodemailer';
import type { ChannelDeliverer } from '../../outbox/channel-deliverer.ts';
import { PermanentError, RetryableError } from '../../outbox/delivery-errors.ts';
import { smtpConfig } from './smtp-config.ts';

export type EmailPayload = { subject: string; text: string; html?: string; cc?: string[]; reply_to?: string };

/**
 * Outbox channel `email` (SMTP with nodemailer): destination is the recipient address, payload `EmailPayload`.
 * The Message-ID is derived from the outbox id, so a message re-sent after a crash carries the same Message-ID
 * (many mail stores, Gmail included, collapse duplicates by it). SMTP 4xx replies retry, 5xx are permanent.
 */
export const emailDeliverer: ChannelDeliverer = {
  channel: 'email',
  isConfigured(runtime) {
    const config = smtpConfig(runtime.env);
    return Boolean(config.SMTP_HOST && config.SMTP_FROM);
  },
  async deliver(runtime, row) {
    const config = smtpConfig(runtime.env);
    const payload = row.payload as EmailPayload;
    if (!payload.subject || !payload.text) throw new PermanentError('Email payload needs subject and text');
    const transport = nodemailer.createTransport({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: config.SMTP_SECURE ?? config.SMTP_PORT === 465,
      auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    try {
      const fromDomain = /@([^>\s]+)/.exec(config.SMTP_FROM ?? '')?.[1] ?? 'zantara.local';
      const info = await transport.sendMail({
        from: config.SMTP_FROM,
        to: row.destination,
        cc: payload.cc,
        replyTo: payload.reply_to,
        subject: payload.subject,
        text: payload.text,
        html: payload.html,
        messageId: `<${row.id}@${fromDomain}>`,
      });
      return { providerMessageId: info.messageId };
    } catch (error) {
      throw smtpError(error);
    } finally {
      transport.close();
    }
  },
};

function smtpError(error: unknown): Error {
  const e = error as { responseCode?: number; code?: string; message?: string };
  const message = `SMTP send failed: ${e.message ?? String(error)}`;
  if (e.code === 'EAUTH' || e.code === 'EENVELOPE')
    return new PermanentError(message, { providerCode: e.code, cause: error });
  if (typeof e.responseCode === 'number' && e.responseCode >= 500)
    return new PermanentError(message, { providerCode: String(e.responseCode), cause: error });
  return new RetryableError(message, {
    providerCode: e.code ?? (e.responseCode ? String(e.responseCode) : undefined),
    cause: error,
  });
}
