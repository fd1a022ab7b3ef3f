import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { gmail_v1 } from '@googleapis/gmail';

export type OutgoingMail = {
  from?: string;
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  text: string;
  html?: string;
  replyTo?: string;
  /** Message-ID of the mail being answered: sets In-Reply-To and References. */
  inReplyTo?: string;
  /** Our own Message-ID, derived from the outbox id so a crashed delivery can be found again. */
  messageId: string;
};

/**
 * Builds the RFC 2822 message Gmail's `users.messages.send` takes, base64url-encoded (`raw`). MIME encoding
 * (RFC 2047 headers, quoted-printable bodies, multipart/alternative) is left to nodemailer's composer.
 */
export async function buildRawMessage(mail: OutgoingMail): Promise<string> {
  const composer = new MailComposer({
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    bcc: mail.bcc,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    replyTo: mail.replyTo,
    inReplyTo: mail.inReplyTo,
    references: mail.inReplyTo,
    messageId: mail.messageId,
  });
  const node = composer.compile();
  // Gmail reads Bcc from the raw message and removes it before delivery; without it Bcc recipients get nothing.
  (node as unknown as { keepBcc: boolean }).keepBcc = true;
  const message = await node.build();
  return message.toString('base64url');
}

export type MessageSummary = {
  id: string;
  thread_id: string;
  from: string;
  to: string;
  subject: string;
  date: string;
  snippet: string;
  unread: boolean;
  labels: string[];
};

export function headerOf(message: gmail_v1.Schema$Message, name: string): string {
  return message.payload?.headers?.find((h) => h.name?.toLowerCase() === name.toLowerCase())?.value ?? '';
}

export function summarizeMessage(message: gmail_v1.Schema$Message): MessageSummary {
  return {
    id: message.id ?? '',
    thread_id: message.threadId ?? '',
    from: headerOf(message, 'From'),
    to: headerOf(message, 'To'),
    subject: headerOf(message, 'Subject'),
    date: headerOf(message, 'Date'),
    snippet: message.snippet ?? '',
    unread: message.labelIds?.includes('UNREAD') ?? false,
    labels: message.labelIds ?? [],
  };
}

/** The readable text of a message: its text/plain part, else its HTML part with tags removed. */
export function messageText(payload: gmail_v1.Schema$MessagePart | undefined): { text: string; attachments: string[] } {
  const attachments: string[] = [];
  let plain: string | undefined;
  let html: string | undefined;
  const walk = (part: gmail_v1.Schema$MessagePart) => {
    if (part.filename) {
      attachments.push(part.filename);
      return;
    }
    const data = part.body?.data ? Buffer.from(part.body.data, 'base64url').toString('utf8') : undefined;
    if (part.mimeType === 'text/plain' && data !== undefined) plain ??= data;
    else if (part.mimeType === 'text/html' && data !== undefined) html ??= data;
    for (const child of part.parts ?? []) walk(child);
  };
  if (payload) walk(payload);
  return { text: plain ?? (html ? htmlToText(html) : ''), attachments };
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
