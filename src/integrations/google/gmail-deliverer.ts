import { z } from 'zod';
import { ZantaraError } from '../../errors.ts';
import type { ChannelDeliverer, OutboxRow } from '../../outbox/channel-deliverer.ts';
import { PermanentError, RetryableError, retryAfterMs, type DeliveryError } from '../../outbox/delivery-errors.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { buildRawMessage } from './gmail-message.ts';
import { googleErrorParts } from './google-errors.ts';
import { googleWorkspaceService } from './google-workspace.ts';

/** What `gmail.send` puts in an outbox row's payload. */
export const gmailPayload = z.object({
  user: z.string().min(1),
  to: z.array(z.string()).min(1),
  cc: z.array(z.string()).default([]),
  bcc: z.array(z.string()).default([]),
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
  in_reply_to: z.string().optional(),
});

/** A Message-ID derived from the outbox id: how a reclaimed row finds out whether Gmail already accepted it. */
export function messageIdFor(row: Pick<OutboxRow, 'id'>): string {
  return `<outbox-${row.id}@zantara.invalid>`;
}

/**
 * The outbox channel `gmail`: sends the row as an RFC 2822 message (base64url `raw`) with `users.messages.send`,
 * acting as the user resolved when the mail was queued.
 */
export const gmailDeliverer: ChannelDeliverer = {
  channel: 'gmail',
  isConfigured(runtime: Runtime) {
    try {
      return runtime.service(googleWorkspaceService).configured;
    } catch {
      return false;
    }
  },
  async deliver(runtime, row) {
    const parsed = gmailPayload.safeParse(row.payload);
    if (!parsed.success)
      throw new PermanentError('The outbox payload is not a gmail message.', { providerCode: 'invalid_payload' });
    const mail = parsed.data;
    const raw = await buildRawMessage({
      from: mail.user.includes('@') ? mail.user : undefined,
      to: mail.to,
      cc: mail.cc,
      bcc: mail.bcc,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      inReplyTo: mail.in_reply_to,
      messageId: messageIdFor(row),
    });
    try {
      const gmail = runtime.service(googleWorkspaceService).clients(mail.user).gmail;
      const sent = await gmail.users.messages.send({ userId: 'me', requestBody: { raw } });
      return { providerMessageId: sent.data.id ?? '' };
    } catch (error) {
      throw deliveryError(error);
    }
  },
  async findDelivered(runtime, row) {
    const parsed = gmailPayload.safeParse(row.payload);
    if (!parsed.success) return undefined;
    const mail = parsed.data;
    // First by our Message-ID; Gmail may replace it with its own, so then by recipient, subject and time in Sent.
    const subject = mail.subject.replace(/["\\]/g, ' ').trim();
    const queries = [
      `rfc822msgid:${messageIdFor(row).replace(/[<>]/g, '')}`,
      `in:sent to:${mail.to[0]} subject:"${subject}" after:${Math.floor(new Date(row.created_at).getTime() / 1000) - 5}`,
    ];
    try {
      const gmail = runtime.service(googleWorkspaceService).clients(mail.user).gmail;
      for (const q of queries) {
        const found = await gmail.users.messages.list({ userId: 'me', q, maxResults: 1 });
        const message = found.data.messages?.[0];
        if (message?.id) return { providerMessageId: message.id };
      }
      return undefined;
    } catch (error) {
      throw deliveryError(error);
    }
  },
};

/** 429, 5xx and network failures are worth another try; a refused credential or a bad message is not. */
function deliveryError(error: unknown): DeliveryError {
  if (ZantaraError.isInstance(error)) {
    const retryable = error.code === 'google_unavailable' || error.code === 'rate_limited';
    const seconds = error.details?.retry_after_seconds;
    return retryable
      ? new RetryableError(error.message, {
          providerCode: error.code,
          retryAfterMs: typeof seconds === 'number' ? seconds * 1000 : undefined,
          cause: error,
        })
      : new PermanentError(error.message, { providerCode: error.code, cause: error });
  }
  const { status, retryAfter, message, reason } = googleErrorParts(error);
  const text = `Gmail ${status ?? 'network error'}: ${message}`;
  if (
    status === undefined ||
    status === 429 ||
    status >= 500 ||
    (status === 403 && reason && /rateLimitExceeded|userRateLimitExceeded/.test(reason))
  ) {
    return new RetryableError(text, { retryAfterMs: retryAfterMs(retryAfter), providerCode: reason, cause: error });
  }
  return new PermanentError(text, { providerCode: reason ?? String(status), cause: error });
}
