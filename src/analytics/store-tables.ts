import type { Queryable } from '../store/store.ts';

/**
 * Which of the named tables exist in the current schema (the one migrations write to). Other areas (conversations, traces, outbox, memory)
 * add their tables through their own migrations; readers of those tables ask first and report "not available"
 * instead of failing when a table is missing.
 *
 * @example
 * const present = await existingTables(store, ['outbox', 'turn_traces']);
 * if (present.has('outbox')) …
 */
export async function existingTables(db: Queryable, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const { rows } = await db.query<{ name: string }>(
    `SELECT name FROM unnest($1::text[]) AS t(name)
     WHERE to_regclass(quote_ident(current_schema()) || '.' || quote_ident(name)) IS NOT NULL`,
    [names],
  );
  return new Set(rows.map((r) => r.name));
}

export async function tableExists(db: Queryable, name: string): Promise<boolean> {
  return (await existingTables(db, [name])).has(name);
}

/** Which of the named columns `table` has (for tables whose optional columns vary between versions). */
export async function existingColumns(db: Queryable, table: string, columns: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 AND column_name = ANY($2::text[])`,
    [table, columns],
  );
  return new Set(rows.map((r) => r.column_name));
}
