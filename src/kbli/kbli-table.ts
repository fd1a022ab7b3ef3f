/** Reading the imported official KBLI list (`kbli_codes`). Empty until `zantara kb import-kbli` has run. */
import type { Queryable } from '../store/store.ts';

export type KbliRow = { code: string; level: string; title: string; detail: string | null; edition: string };

export async function getKbliCode(db: Queryable, code: string): Promise<KbliRow | null> {
  const { rows } = await db.query<KbliRow>(
    'SELECT code, level, title, detail, edition FROM kbli_codes WHERE code = $1',
    [code],
  );
  return rows[0] ?? null;
}

export async function countKbliCodes(db: Queryable): Promise<Record<string, number>> {
  const { rows } = await db.query<{ level: string; n: number }>(
    'SELECT level, count(*)::int AS n FROM kbli_codes GROUP BY level',
  );
  return Object.fromEntries(rows.map((r) => [r.level, r.n]));
}

/**
 * Five-digit codes whose title (or description) contains the query's words, scored: a word in the title counts
 * three times a word in the description. Words are matched as substrings, case-insensitively.
 */
export async function searchKbliTable(
  db: Queryable,
  tokens: string[],
  limit = 20,
): Promise<Array<KbliRow & { score: number }>> {
  const words = tokens.filter((t) => t.length >= 3).slice(0, 8);
  if (!words.length) return [];
  const patterns = words.map((w) => `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const { rows } = await db.query<KbliRow>(
    `SELECT code, level, title, detail, edition FROM kbli_codes
     WHERE length(code) = 5 AND (title ILIKE ANY($1::text[]) OR detail ILIKE ANY($1::text[]))
     ORDER BY code LIMIT 500`,
    [patterns],
  );
  return rows
    .map((row) => {
      const title = row.title.toLowerCase();
      const detail = (row.detail ?? '').toLowerCase();
      const score = words.reduce((s, w) => s + (title.includes(w) ? 3 : 0) + (detail.includes(w) ? 1 : 0), 0);
      return { ...row, score };
    })
    .sort((a, b) => b.score - a.score || a.code.localeCompare(b.code))
    .slice(0, limit);
}
