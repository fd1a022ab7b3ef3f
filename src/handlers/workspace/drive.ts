import { z } from 'zod';
import type { drive_v3 } from '@googleapis/drive';
import { defineHandler } from '../handler.ts';
import { ZantaraError } from '../../errors.ts';
import { callGoogle, googleWorkspaceService } from '../../integrations/google/google-workspace.ts';
import { asUserField, WORKSPACE_ROLES, workspaceFor } from './workspace-input.ts';
import { BadDocumentError, parseDocument } from '../../rag/document-parsers.ts';

const FILE_FIELDS = 'id,name,mimeType,size,modifiedTime,webViewLink,parents,owners(displayName,emailAddress)';
/** Docs Editors files and the text format each is exported as. */
const EXPORTS: Record<string, string> = {
  'application/vnd.google-apps.document': 'text/plain',
  'application/vnd.google-apps.spreadsheet': 'text/csv',
  'application/vnd.google-apps.presentation': 'text/plain',
};
const TEXT_TYPES = /^(text\/|application\/(json|xml|csv|x-yaml|yaml|javascript|x-ndjson))/;

const fileOutput = z.object({
  id: z.string(),
  name: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().nullable(),
  modified: z.string(),
  link: z.string(),
  owner: z.string(),
});

function fileView(f: drive_v3.Schema$File) {
  return {
    id: f.id ?? '',
    name: f.name ?? '',
    mime_type: f.mimeType ?? '',
    size_bytes: f.size ? Number(f.size) : null,
    modified: f.modifiedTime ?? '',
    link: f.webViewLink ?? '',
    owner: f.owners?.[0]?.emailAddress ?? '',
  };
}

/** Quotes a value for Drive's query language. */
function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export const driveSearch = defineHandler({
  key: 'drive.search',
  category: 'workspace',
  description:
    'Search Google Drive for files whose name or content contains the words (contracts, passports scans, client folders). Returns name, type, link, owner and last change.',
  input: z.object({
    query: z.string().min(1).max(200).describe('Words to look for in file names and contents'),
    name_only: z.boolean().default(false).describe('Match file names only, not contents'),
    max_results: z.number().int().min(1).max(100).default(20).describe('How many files (1-100)'),
    as_user: asUserField,
  }),
  output: z.object({ query: z.string(), count: z.number().int(), files: z.array(fileOutput) }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'Find the PT PMA deed of Mr Rossi', params: { query: 'Rossi akta' } },
    { description: 'Cerca il file del KITAS di Maria', params: { query: 'KITAS Maria', name_only: true } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const field = input.name_only ? 'name' : 'fullText';
    const files = await callGoogle('Google Drive', () =>
      google.drive.files.list({
        q: `${field} contains ${quote(input.query)} and trashed = false`,
        pageSize: input.max_results,
        fields: `files(${FILE_FIELDS})`,
      }),
    );
    const list = (files.files ?? []).map(fileView);
    return { query: input.query, count: list.length, files: list };
  },
});

export const driveList = defineHandler({
  key: 'drive.list',
  category: 'workspace',
  description: 'List the files in a Google Drive folder (default: the whole Drive), most recently changed first.',
  input: z.object({
    folder_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('Folder id (from a drive link or drive.search); omit for everything'),
    max_results: z.number().int().min(1).max(100).default(20).describe('How many files (1-100)'),
    as_user: asUserField,
  }),
  output: z.object({ folder_id: z.string().nullable(), count: z.number().int(), files: z.array(fileOutput) }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'What changed recently in Drive?', params: { max_results: 10 } },
    { description: 'Isi folder klien 1AbCdEf', params: { folder_id: '1AbCdEf' } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const q = [input.folder_id ? `${quote(input.folder_id)} in parents` : '', 'trashed = false']
      .filter(Boolean)
      .join(' and ');
    const files = await callGoogle('Google Drive', () =>
      google.drive.files.list({
        q,
        orderBy: 'modifiedTime desc',
        pageSize: input.max_results,
        fields: `files(${FILE_FIELDS})`,
      }),
    );
    const list = (files.files ?? []).map(fileView);
    return { folder_id: input.folder_id ?? null, count: list.length, files: list };
  },
});

export const driveRead = defineHandler({
  key: 'drive.read',
  category: 'workspace',
  description:
    'Read the text of a Drive file: Google Docs and Slides as plain text, Google Sheets as CSV, PDFs (their text layer), and text files (txt, csv, json, md…) as they are. Files above the size cap and other binaries (images, Office files) are refused.',
  input: z.object({
    file_id: z.string().min(1).max(200).describe('The Drive file id'),
    max_chars: z
      .number()
      .int()
      .min(100)
      .max(200_000)
      .default(50_000)
      .describe('Cut the text after this many characters'),
    as_user: asUserField,
  }),
  output: fileOutput.extend({ text: z.string(), truncated: z.boolean(), chars: z.number().int() }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    { description: 'Read the document 1AbCdEfGh', params: { file_id: '1AbCdEfGh' } },
    { description: 'Baca file 1AbCdEfGh', params: { file_id: '1AbCdEfGh', max_chars: 10_000 } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const cap = ctx.runtime.service(googleWorkspaceService).requireConfigured().driveReadMaxBytes;
    const meta = await callGoogle('Google Drive', () =>
      google.drive.files.get({ fileId: input.file_id, fields: FILE_FIELDS }),
    );
    const mime = meta.mimeType ?? '';
    let bytes: ArrayBuffer;
    if (EXPORTS[mime]) {
      bytes = await callGoogle(
        'Google Drive',
        () =>
          google.drive.files.export(
            { fileId: input.file_id, mimeType: EXPORTS[mime] },
            { responseType: 'arraybuffer' },
          ) as unknown as Promise<{ data: ArrayBuffer }>,
      );
    } else if (TEXT_TYPES.test(mime) || mime === 'application/pdf') {
      if (Number(meta.size ?? 0) > cap) {
        throw new ZantaraError(
          'file_too_large',
          `${meta.name} is ${meta.size} bytes; drive.read reads at most ${cap}.`,
          { status: 413, details: { size_bytes: Number(meta.size), max_bytes: cap } },
        );
      }
      bytes = await callGoogle(
        'Google Drive',
        () =>
          google.drive.files.get(
            { fileId: input.file_id, alt: 'media' },
            { responseType: 'arraybuffer' },
          ) as unknown as Promise<{ data: ArrayBuffer }>,
      );
    } else {
      throw new ZantaraError(
        'unsupported_file_type',
        `${meta.name} is ${mime || 'binary'}; drive.read reads Google Docs, Sheets, Slides, PDFs and text files.`,
        { status: 415, details: { mime_type: mime } },
      );
    }
    const text =
      mime === 'application/pdf'
        ? await pdfText(meta.name ?? 'file', bytes)
        : Buffer.from(bytes).subarray(0, cap).toString('utf8');
    const limit = Math.min(input.max_chars, text.length);
    return {
      ...fileView(meta),
      text: text.slice(0, limit),
      truncated: bytes.byteLength > cap || text.length > input.max_chars,
      chars: text.length,
    };
  },
});

/** The text of a PDF (the same reader the RAG ingest uses); scanned PDFs without a text layer have none. */
async function pdfText(name: string, bytes: ArrayBuffer): Promise<string> {
  try {
    const parsed = await parseDocument(`${name}.pdf`, new Uint8Array(bytes));
    return parsed.sections.map((s) => [...s.headings, s.body].join('\n')).join('\n\n');
  } catch (error) {
    if (BadDocumentError.isInstance(error))
      throw new ZantaraError('unreadable_file', `${name}: ${error.reason}.`, { status: 422 });
    throw error;
  }
}

export const driveUpload = defineHandler({
  key: 'drive.upload',
  category: 'workspace',
  description:
    "Upload a text file to Google Drive (a note, a CSV, a checklist), optionally into a folder, optionally converted to a Google Doc. Returns the new file's id and link.",
  input: z.object({
    name: z.string().min(1).max(250).describe('File name, e.g. checklist-kitas-rossi.txt'),
    content: z.string().min(1).max(1_000_000).describe('The text content'),
    mime_type: z
      .string()
      .max(100)
      .regex(/^(text\/[\w.+-]+|application\/(json|xml|csv))$/)
      .default('text/plain')
      .describe('Content type: text/plain, text/csv, text/markdown, application/json…'),
    folder_id: z.string().min(1).max(200).optional().describe('Folder id to put the file in'),
    convert_to_google_doc: z.boolean().default(false).describe('Store as an editable Google Doc (text) or Sheet (CSV)'),
    as_user: asUserField,
  }),
  output: fileOutput.extend({ uploaded: z.literal(true) }),
  effect: 'write',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'Save the meeting notes to Drive',
      params: { name: 'meeting-notes-rossi.txt', content: 'Met Mr Rossi, wants a PT PMA.' },
    },
    {
      description: 'Carica la lista documenti nella cartella cliente',
      params: {
        name: 'lista-documenti.csv',
        content: 'documento,stato\npassaporto,ricevuto',
        mime_type: 'text/csv',
        folder_id: '1AbCdEf',
      },
    },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const target = input.convert_to_google_doc
      ? input.mime_type === 'text/csv'
        ? 'application/vnd.google-apps.spreadsheet'
        : 'application/vnd.google-apps.document'
      : undefined;
    const file = await callGoogle('Google Drive', () =>
      google.drive.files.create(
        {
          requestBody: {
            name: input.name,
            ...(target ? { mimeType: target } : {}),
            ...(input.folder_id ? { parents: [input.folder_id] } : {}),
          },
          media: { mimeType: input.mime_type, body: input.content },
          fields: FILE_FIELDS,
        },
        google.methodOptions,
      ),
    );
    return { uploaded: true, ...fileView(file) };
  },
});
