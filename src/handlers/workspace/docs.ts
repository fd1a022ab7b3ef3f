import { z } from 'zod';
import type { docs_v1 } from '@googleapis/docs';
import { defineHandler } from '../handler.ts';
import { callGoogle } from '../../integrations/google/google-workspace.ts';
import { asUserField, WORKSPACE_ROLES, workspaceFor } from './workspace-input.ts';

const documentId = z.string().min(10).max(200).describe('The document id (the long part of its link)');
const link = (id: string) => `https://docs.google.com/document/d/${id}/edit`;

/** The text of a document body: paragraphs' text runs, table cells, in order. */
export function documentText(content: docs_v1.Schema$StructuralElement[] | undefined): string {
  let out = '';
  for (const element of content ?? []) {
    for (const run of element.paragraph?.elements ?? []) out += run.textRun?.content ?? '';
    for (const row of element.table?.tableRows ?? []) {
      out += `${row.tableCells?.map((c) => documentText(c.content).trim()).join('\t') ?? ''}\n`;
    }
  }
  return out;
}

export const docsCreate = defineHandler({
  key: 'docs.create',
  category: 'workspace',
  description:
    'Create a Google Doc with a title and optional starting text (a letter, meeting notes, a proposal draft). Returns its id and link.',
  input: z.object({
    title: z.string().min(1).max(200).describe('Document title'),
    content: z.string().max(500_000).optional().describe('Text to put in the new document'),
    as_user: asUserField,
  }),
  output: z.object({ created: z.literal(true), document_id: z.string(), title: z.string(), link: z.string() }),
  effect: 'write',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'Create a proposal draft for Mr Rossi',
      params: { title: 'Proposal PT PMA — Rossi', content: 'Dear Mr Rossi,\nThank you for your interest.' },
    },
    { description: 'Buat dokumen catatan rapat', params: { title: 'Catatan rapat 22 November' } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    // documents.create uses only the title; text goes in with a batchUpdate, as Google documents it.
    const created = await callGoogle('Google Docs', () =>
      google.docs.documents.create({ requestBody: { title: input.title } }),
    );
    if (input.content) {
      await callGoogle('Google Docs', () =>
        google.docs.documents.batchUpdate({
          documentId: created.documentId!,
          requestBody: {
            requests: [{ insertText: { location: { index: 1 }, text: input.content } }],
          },
        }),
      );
    }
    return {
      created: true,
      document_id: created.documentId ?? '',
      title: created.title ?? input.title,
      link: link(created.documentId ?? ''),
    };
  },
});

export const docsRead = defineHandler({
  key: 'docs.read',
  category: 'workspace',
  description: 'Read the text of a Google Doc by id: its title and body text (paragraphs and tables).',
  input: z.object({
    document_id: documentId,
    max_chars: z
      .number()
      .int()
      .min(100)
      .max(200_000)
      .default(50_000)
      .describe('Cut the text after this many characters'),
    as_user: asUserField,
  }),
  output: z.object({
    document_id: z.string(),
    title: z.string(),
    link: z.string(),
    text: z.string(),
    truncated: z.boolean(),
    chars: z.number().int(),
  }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'Read the proposal document', params: { document_id: '1AbCdEfGhIjKlMnOp' } },
    { description: 'Leggi il documento del contratto', params: { document_id: '1AbCdEfGhIjKlMnOp', max_chars: 5000 } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const doc = await callGoogle('Google Docs', () => google.docs.documents.get({ documentId: input.document_id }));
    const text = documentText(doc.body?.content);
    return {
      document_id: doc.documentId ?? input.document_id,
      title: doc.title ?? '',
      link: link(input.document_id),
      text: text.slice(0, input.max_chars),
      truncated: text.length > input.max_chars,
      chars: text.length,
    };
  },
});

export const docsAppend = defineHandler({
  key: 'docs.append',
  category: 'workspace',
  description: 'Append text at the end of a Google Doc (add a note, a paragraph, a follow-up to meeting minutes).',
  input: z.object({
    document_id: documentId,
    text: z.string().min(1).max(500_000).describe('Text to add at the end'),
    new_paragraph: z.boolean().default(true).describe('Start the text on a new line'),
    as_user: asUserField,
  }),
  output: z.object({
    appended: z.literal(true),
    document_id: z.string(),
    link: z.string(),
    chars_added: z.number().int(),
  }),
  effect: 'write',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: "Add the outcome of today's call to the notes",
      params: { document_id: '1AbCdEfGhIjKlMnOp', text: 'Call 22 Nov: client confirmed the E33G application.' },
    },
    {
      description: 'Tambahkan catatan ke dokumen',
      params: { document_id: '1AbCdEfGhIjKlMnOp', text: 'Klien sudah mengirim paspor.' },
    },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const text = input.new_paragraph ? `\n${input.text}` : input.text;
    await callGoogle('Google Docs', () =>
      google.docs.documents.batchUpdate({
        documentId: input.document_id,
        requestBody: {
          requests: [{ insertText: { endOfSegmentLocation: {}, text } }],
        },
      }),
    );
    return { appended: true, document_id: input.document_id, link: link(input.document_id), chars_added: text.length };
  },
});
