import { z } from 'zod';
import { defineHandler } from '../handler.ts';
import { callGoogle } from '../../integrations/google/google-workspace.ts';
import { asUserField, WORKSPACE_ROLES, workspaceFor } from './workspace-input.ts';

const spreadsheetId = z.string().min(10).max(200).describe('The spreadsheet id (the long part of its link)');
const cell = z.union([z.string().max(50_000), z.number(), z.boolean()]);

export const sheetsRead = defineHandler({
  key: 'sheets.read',
  category: 'workspace',
  description:
    'Read cells from a Google Sheet in A1 notation (e.g. Leads!A1:F50, or a sheet name for all of it), as rows of displayed values.',
  input: z.object({
    spreadsheet_id: spreadsheetId,
    range: z.string().min(1).max(200).describe('A1 range, e.g. Sheet1!A1:D20 or Leads'),
    as_user: asUserField,
  }),
  output: z.object({ range: z.string(), row_count: z.number().int(), rows: z.array(z.array(z.string())) }),
  effect: 'read',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'Read the first 20 rows of the leads sheet',
      params: { spreadsheet_id: '1AbCdEfGhIjKlMnOp', range: 'Leads!A1:F20' },
    },
    { description: 'Baca sheet Klien', params: { spreadsheet_id: '1AbCdEfGhIjKlMnOp', range: 'Klien' } },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const answer = await callGoogle('Google Sheets', () =>
      google.sheets.spreadsheets.values.get({
        spreadsheetId: input.spreadsheet_id,
        range: input.range,
        valueRenderOption: 'FORMATTED_VALUE',
      }),
    );
    const rows = (answer.values ?? []) as string[][];
    return { range: answer.range ?? input.range, row_count: rows.length, rows };
  },
});

export const sheetsAppend = defineHandler({
  key: 'sheets.append',
  category: 'workspace',
  description:
    'Append rows after the last row of a table in a Google Sheet (e.g. log a lead or a payment). Values are entered as if typed (numbers and dates are recognised).',
  input: z.object({
    spreadsheet_id: spreadsheetId,
    range: z.string().min(1).max(200).describe('The table to append to, e.g. Leads or Leads!A:F'),
    rows: z.array(z.array(cell).min(1).max(200)).min(1).max(1000).describe('Rows to add, each a list of cell values'),
    as_user: asUserField,
  }),
  output: z.object({
    appended: z.literal(true),
    updated_range: z.string(),
    updated_rows: z.number().int(),
    updated_cells: z.number().int(),
  }),
  effect: 'write',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'Log a new lead in the leads sheet',
      params: {
        spreadsheet_id: '1AbCdEfGhIjKlMnOp',
        range: 'Leads',
        rows: [['2026-11-22', 'Marco Rossi', 'marco@example.com', 'PT PMA']],
      },
    },
    {
      description: 'Tambah baris pembayaran',
      params: { spreadsheet_id: '1AbCdEfGhIjKlMnOp', range: 'Pembayaran!A:C', rows: [['2026-11-22', 'Dewi', 'lunas']] },
    },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const answer = await callGoogle('Google Sheets', () =>
      google.sheets.spreadsheets.values.append({
        spreadsheetId: input.spreadsheet_id,
        range: input.range,
        valueInputOption: 'USER_ENTERED',
        insertDataOption: 'INSERT_ROWS',
        requestBody: { majorDimension: 'ROWS', values: input.rows },
      }),
    );
    return {
      appended: true,
      updated_range: answer.updates?.updatedRange ?? '',
      updated_rows: answer.updates?.updatedRows ?? 0,
      updated_cells: answer.updates?.updatedCells ?? 0,
    };
  },
});

export const sheetsCreate = defineHandler({
  key: 'sheets.create',
  category: 'workspace',
  description:
    'Create a new Google Sheet with a title, optional tab names and an optional header row on the first tab. Returns its id and link.',
  input: z.object({
    title: z.string().min(1).max(200).describe('Spreadsheet title'),
    sheet_names: z
      .array(z.string().min(1).max(100))
      .min(1)
      .max(20)
      .optional()
      .describe('Tab names (default one tab, Sheet1)'),
    header: z.array(z.string().max(200)).min(1).max(200).optional().describe('Column headings for the first tab'),
    as_user: asUserField,
  }),
  output: z.object({
    created: z.literal(true),
    spreadsheet_id: z.string(),
    title: z.string(),
    link: z.string(),
    sheets: z.array(z.string()),
  }),
  effect: 'write',
  roles: WORKSPACE_ROLES,
  examples: [
    {
      description: 'Create a tracker for KITAS renewals',
      params: { title: 'KITAS renewals 2027', header: ['Client', 'Permit', 'Expires', 'Status'] },
    },
    {
      description: 'Buat spreadsheet baru untuk pajak',
      params: { title: 'Pajak 2026', sheet_names: ['PPh 21', 'PPN'] },
    },
  ],
  async run(input, ctx) {
    const google = workspaceFor(ctx, input.as_user);
    const created = await callGoogle('Google Sheets', () =>
      google.sheets.spreadsheets.create({
        requestBody: {
          properties: { title: input.title },
          ...(input.sheet_names ? { sheets: input.sheet_names.map((title) => ({ properties: { title } })) } : {}),
        },
      }),
    );
    const firstTab = created.sheets?.[0]?.properties?.title ?? 'Sheet1';
    if (input.header) {
      await callGoogle('Google Sheets', () =>
        google.sheets.spreadsheets.values.append({
          spreadsheetId: created.spreadsheetId!,
          range: `'${firstTab.replace(/'/g, "''")}'!A1`,
          valueInputOption: 'RAW',
          insertDataOption: 'INSERT_ROWS',
          requestBody: { values: [input.header!] },
        }),
      );
    }
    return {
      created: true,
      spreadsheet_id: created.spreadsheetId ?? '',
      title: created.properties?.title ?? input.title,
      link: created.spreadsheetUrl ?? '',
      sheets: (created.sheets ?? []).map((s) => s.properties?.title ?? ''),
    };
  },
});
