/**
 * Imports the official KBLI 2020 list (JSON array of `{id, code, title, detail}`, the format of
 * `shared/data/kbli-2020/kbli.json`) into `kbli_codes`: all rows in one transaction, in batches, upserting so a
 * re-import changes nothing. Duplicate codes (the list has 8421 twice) keep the row whose description matches
 * the code's level ("Subgolongan ini…" for a 4-digit code); the other is counted as skipped.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ZantaraError } from '../errors.ts';
import type { Store } from '../store/store.ts';

export const KBLI_IMPORT_EDITION = 'KBLI 2020';

const rowSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  code: z.string().regex(/^([A-U]|\d{2,5})$/, 'code must be a section letter or 2–5 digits'),
  title: z.string().trim().min(1),
  detail: z.string().nullable().optional(),
});
export type KbliSourceRow = z.infer<typeof rowSchema>;

export const LEVELS = { 1: 'kategori', 2: 'golongan_pokok', 3: 'golongan', 4: 'subgolongan', 5: 'kelompok' } as const;
const LEVEL_WORD: Record<string, string> = {
  kategori: 'kategori',
  golongan_pokok: 'golongan pokok',
  golongan: 'golongan',
  subgolongan: 'subgolongan',
  kelompok: 'kelompok',
};

export function levelOf(code: string): string {
  return /^[A-Z]$/.test(code) ? LEVELS[1] : LEVELS[code.length as 2 | 3 | 4 | 5];
}

export type ImportProgress = { done: number; total: number };
export type ImportSummary = {
  rows: number;
  imported: number;
  by_level: Record<string, number>;
  duplicates_skipped: Array<{ code: string; title: string }>;
  edition: string;
};

/** Parses and validates the source rows; problems name the row index and field. */
export function parseKbliRows(json: unknown): KbliSourceRow[] {
  const parsed = z.array(rowSchema).min(1).safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => `  [${i.path.join('.')}] ${i.message}`);
    throw new ZantaraError(
      'invalid_kbli_file',
      `The KBLI file is not a list of {code, title, detail}:\n${lines.join('\n')}`,
      { status: 422 },
    );
  }
  return parsed.data;
}

function fitsLevel(row: KbliSourceRow): boolean {
  const word = LEVEL_WORD[levelOf(row.code)];
  return (row.detail ?? '').trim().toLowerCase().startsWith(word);
}

/** One row per code; for duplicates the row describing the code's own level wins, else the first. */
export function dedupeKbliRows(rows: KbliSourceRow[]): { unique: KbliSourceRow[]; skipped: KbliSourceRow[] } {
  const byCode = new Map<string, KbliSourceRow>();
  const skipped: KbliSourceRow[] = [];
  for (const row of rows) {
    const existing = byCode.get(row.code);
    if (!existing) {
      byCode.set(row.code, row);
      continue;
    }
    if (!fitsLevel(existing) && fitsLevel(row)) {
      skipped.push(existing);
      byCode.set(row.code, row);
    } else skipped.push(row);
  }
  return { unique: [...byCode.values()], skipped };
}

/**
 * Imports rows into `kbli_codes` in one transaction.
 * @example
 * await importKbli(store, rows, { onProgress: ({ done, total }) => bar.update(done) });
 */
export async function importKbli(
  store: Store,
  rows: KbliSourceRow[],
  options: { batchSize?: number; onProgress?: (p: ImportProgress) => void } = {},
): Promise<ImportSummary> {
  const { unique, skipped } = dedupeKbliRows(rows);
  const batchSize = options.batchSize ?? 250;
  const byLevel: Record<string, number> = {};
  for (const row of unique) byLevel[levelOf(row.code)] = (byLevel[levelOf(row.code)] ?? 0) + 1;
  options.onProgress?.({ done: 0, total: unique.length });
  await store.transaction(async (tx) => {
    for (let start = 0; start < unique.length; start += batchSize) {
      const batch = unique.slice(start, start + batchSize);
      const params: unknown[] = [];
      const values = batch.map((row) => {
        params.push(row.code, levelOf(row.code), row.title.trim(), row.detail?.trim() || null, KBLI_IMPORT_EDITION);
        const n = params.length;
        return `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
      });
      await tx.query(
        `INSERT INTO kbli_codes (code, level, title, detail, edition) VALUES ${values.join(', ')}
         ON CONFLICT (code) DO UPDATE SET level = EXCLUDED.level, title = EXCLUDED.title, detail = EXCLUDED.detail,
           edition = EXCLUDED.edition, imported_at = now()`,
        params,
      );
      options.onProgress?.({ done: Math.min(start + batchSize, unique.length), total: unique.length });
    }
  });
  return {
    rows: rows.length,
    imported: unique.length,
    by_level: byLevel,
    duplicates_skipped: skipped.map((r) => ({ code: r.code, title: r.title })),
    edition: KBLI_IMPORT_EDITION,
  };
}

/** Reads a KBLI JSON file and imports it. */
export async function importKbliFile(
  store: Store,
  file: string,
  options: Parameters<typeof importKbli>[2] = {},
): Promise<ImportSummary> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ZantaraError(
      'invalid_kbli_file',
      code === 'ENOENT' ? `No such file: ${file}` : `Cannot read ${file}: ${(error as Error).message}`,
      { status: 422 },
    );
  }
  return importKbli(store, parseKbliRows(json), options);
}
