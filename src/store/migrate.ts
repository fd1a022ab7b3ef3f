import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Store } from './store.ts';

const migrationsDir = join(import.meta.dirname, 'migrations');

/** A migration written in TypeScript, for steps that depend on the store (e.g. pgvector present or not). */
export type MigrationModule = { up(store: Store): Promise<void> };

/**
 * Applies the migrations in `src/store/migrations` in file-name order (`NNN-name.sql` or `NNN-name.ts`),
 * each in its own transaction for SQL files, recording each in `schema_migrations`. Safe to run at every start.
 */
export async function migrate(store: Store): Promise<string[]> {
  await store.exec(
    `CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
  );
  const done = new Set(
    (await store.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name),
  );
  const files = readdirSync(migrationsDir)
    .filter((f) => /^\d{3}-[a-z0-9-]+\.(sql|ts)$/.test(f) && !f.endsWith('.test.ts'))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    if (file.endsWith('.sql')) {
      const sql = readFileSync(join(migrationsDir, file), 'utf8');
      await store.transaction(async (tx) => {
        for (const statement of splitStatements(sql)) await tx.query(statement);
        await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      });
    } else {
      const mod = (await import(pathToFileURL(join(migrationsDir, file)).href)) as MigrationModule;
      await mod.up(store);
      await store.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
    }
    applied.push(file);
  }
  return applied;
}

/** Splits a migration file on semicolons at line ends, outside $$ bodies. */
function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    if (/^\s*--/.test(line) && !inDollar) continue;
    current += line + '\n';
    if ((line.match(/\$\$/g) ?? []).length % 2 === 1) inDollar = !inDollar;
    if (!inDollar && /;\s*$/.test(line)) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
