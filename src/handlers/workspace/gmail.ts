import { z } from 'zod';
import { OUTBOX_STATUSES } from '../../outbox/channel-deliverer.ts';
import { defineHandler, type HandlerContext } from '../handler.ts';
import { callGoogle } from '../../integrations/google/google-workspace.ts';
import { messageText, summarizeMessage, headerOf } from '../../integrations/google/gmail-message.ts';
import { googleWorkspaceService } from '../../integrations/google/google-workspace.ts';
import { outboxService } from '../../outbox/outbox.ts';
import { asUserField, WORKSPACE_ROLES, workspaceFor } from './workspace-input.ts';

const METADATA_HEADERS = ['From', 'To', 'Subject', 'Date'];

const messageSummary = z.object({
  id: z.string(),
  thread_id: z.string(),
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  date: z.string(),
  snippet: z.string(),
  unread: z.boolean(),
  labels: z.array(z.string()),
});
const messageList = z.object({
  mailbox: z.string(),
  count: z.number().int(),
  estimated_total: z.number().int(),
  next_page_token: z.string().nullable(),
  messages: z.array(messageSummary),
});

async function listMessages(
  ctx: HandlerContext,
  input: { as_user?: string; max_results: number; page_token?: string; q?: string; labelIds?: string[] },
) {
  const google = workspaceFor(ctx, input.as_user);
  const list = await callGoogle('Gmail', () =>
    google.gmail.users.messages.list({
      userId: 'me',
      maxResults: input.max_results,
      pageToken: input.page_token,
      q: input.q,
      labelIds: input.labelIds,
    }),
  );
  const messages = await Promise.all(
    (list.messages ?? []).map((m) =>
      callGoogle('Gmail', () =>
        google.gmail.users.messages.get({
          userId: 'me',
          id: m.id!,
          format: 'metadata',
          metadataHeaders: METADATA_HEADERS,
        }),
      ),
    ),
  );
  return {
    mailbox: google.user,
    count: messages.length,
    estimated_total: list.resultSizeEstimate ?? messages.length,
    next_page_token: list.nextPageToken ?? null,
    messages: messages.map(summarizeMessage),
  };
}

export const gmailList = defineHandler({
  key: 'gmail.list',
  category: 'workspace',
  description:
    'List the most recent e-mails in a Gmail mailbox (default: the inbox of the configured account): sender, subject, date, snippet, unread flag. Use gmail.read for the full text.',
  input: z.object({
    label: z
      .string()
      .min(1)
      .max(100)
      .default('INBOX')
      .describe('Gmail label id to list, e.g. INBOX, SENT, STARRED, IMPORTANT'),
    unread_only: z.boolean().default(false).describe('Only unread messages'),
    max_results: z.number().int().min(1).max(50).default(10).describe('How many messages (1-50)'),
    page_token: z.string().max(200).optional().describe('next_page_token from a previous answer, for the next page'),
    as_user: asUserField,
  }),
  output: messageList,
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'Show the latest 5 e-mails in the inbox', params: { max_results: 5 } },
    { description: 'Email belum dibaca di inbox', params: { unread_only: true } },
  ],
  run: (input, ctx) =>
    listMessages(ctx, { ...input, labelIds: input.unread_only ? [input.label, 'UNREAD'] : [input.label] }),
});

export const gmailSearch = defineHandler({
  key: 'gmail.search',
  category: 'workspace',
  description:
    'Search a Gmail mailbox with Gmail search syntax (from:, to:, subject:, newer_than:7d, has:attachment, plain words). Returns sender, subject, date and snippet of each match.',
  input: z.object({
    query: z
      .string()
      .min(1)
      .max(500)
      .describe('Gmail search query, e.g. "from:imigrasi.go.id newer_than:30d" or "KITAS Rossi"'),
    max_results: z.number().int().min(1).max(50).default(10).describe('How many messages (1-50)'),
    page_token: z.string().max(200).optional().describe('next_page_token from a previous answer'),
    as_user: asUserField,
  }),
  output: messageList,
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'Find e-mails about the PT PMA of Mr Rossi', params: { query: 'PT PMA Rossi' } },
    {
      description: 'Cerca le email di ieri da notaio',
      params: { query: 'from:notaris newer_than:2d', max_results: 5 },
    },
  ],
  run: (input, ctx) => listMessages(ctx, { ...input, q: input.query }),
});

export const gmailRead = defineHandler({
  key: 'gmail.read',
  category: 'workspace',
  description:
    'Read one e-mail by its id (from gmail.list or gmail.search): headers, the plain text of the body (HTML converted to text) and attachment names.',
  input: z.object({
    message_id: z.string().min(1).max(200).describe('The Gmail message id'),
    max_chars: z
      .number()
      .int()
      .min(100)
      .max(100_000)
      .default(20_000)
      .describe('Cut the body after this many characters'),
    as_user: asUserField,
  }),
  output: messageSummary.extend({
    mailbox: z.string(),
    cc: z.string(),
    message_id_header: z.string(),
    body: z.string(),
    truncated: z.boolean(),
    attachments: z.array(z.string()),
  }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'Read e-mail 18c2f0a1b2c3d4e5', params: { message_id: '18c2f0a1b2c3d4e5' } },
    { description: 'Leggi la mail 18c2f0a1b2c3d4e5', params: { message_id: '18c2f0a1b2c3d4e5', max_chars: 5000 } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const message = await callGoogle('Gmail', () =>
      google.gmail.users.messages.get({ userId: 'me', id: input.message_id, format: 'full' }),
    );
    const { text, attachments } = messageText(message.payload);
    return {
      ...summarizeMessage(message),
      mailbox: google.user,
      cc: headerOf(message, 'Cc'),
      message_id_header: headerOf(message, 'Message-ID'),
      body: text.slice(0, input.max_chars),
      truncated: text.length > input.max_chars,
      attachments,
    };
  },
});

const emails = (what: string) => z.array(z.string().email().max(254)).max(50).describe(what);

export const gmailSend = defineHandler({
  key: 'gmail.send',
  category: 'workspace',
  description:
    "Send an e-mail from the company Gmail account (or a staff member's own, with as_user). The mail goes through the outbox: the answer says whether it is queued, already sent, or only recorded because sending is disabled (sandbox).",
  input: z.object({
    to: emails('Recipients (1-50 addresses)').min(1),
    cc: emails('Cc recipients').default([]),
    bcc: emails('Bcc recipients').default([]),
    subject: z.string().min(1).max(300).describe('Subject line'),
    body: z.string().min(1).max(100_000).describe('Plain-text body'),
    html: z.string().max(200_000).optional().describe('Optional HTML version of the body'),
    in_reply_to: z
      .string()
      .max(500)
      .optional()
      .describe('Message-ID header of the e-mail being answered (from gmail.read message_id_header)'),
    idempotency_key: z
      .string()
      .min(8)
      .max(200)
      .optional()
      .describe('Same key again → the same outbox message, never a second e-mail'),
    as_user: asUserField,
  }),
  output: z.object({
    outbox_id: z.string(),
    status: z.enum(OUTBOX_STATUSES),
    duplicate: z.boolean(),
    note: z.string(),
    from: z.string().describe('The account it is sent as'),
    to: z.array(z.string()),
  }),
  effect: 'send',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'Send the KITAS checklist to a client',
      params: {
        to: ['client@example.com'],
        subject: 'Your KITAS checklist',
        body: 'Dear client, please find the checklist below.',
      },
    },
    {
      description: 'Kirim email konfirmasi ke klien',
      params: {
        to: ['klien@example.co.id'],
        subject: 'Konfirmasi janji temu',
        body: 'Terima kasih, janji temu Anda sudah dikonfirmasi.',
      },
    },
  ],
  async run(input, ctx) {
    const workspace = ctx.runtime.service(googleWorkspaceService);
    // Resolve (and check) who sends now, while we know the caller; the worker later sends as exactly this user.
    const user = workspace.configured ? workspace.resolveUser(ctx.principal, input.as_user) : (input.as_user ?? 'me');
    const queued = await ctx.runtime.service(outboxService).enqueue({
      channel: 'gmail',
      destination: input.to.join(', '),
      payload: {
        user,
        to: input.to,
        cc: input.cc,
        bcc: input.bcc,
        subject: input.subject,
        text: input.body,
        html: input.html,
        in_reply_to: input.in_reply_to,
      },
      idempotencyKey: input.idempotency_key ? `gmail:${ctx.principal.id}:${input.idempotency_key}` : undefined,
      createdBy: ctx.principal.via === 'system' ? null : ctx.principal.id,
    });
    return {
      outbox_id: queued.id,
      status: queued.status,
      duplicate: queued.duplicate,
      note: queued.note,
      from: user,
      to: input.to,
    };
  },
});
