/**
 * Stores for tests: one in-memory PGlite per test file (creating one takes seconds) and, when a server answers,
 * a PostgreSQL schema of its own per test file (so parallel test files never collide). `reset()` empties every
 * table between tests. The PostgreSQL variant is skipped, with a printed reason, only when no server is reachable.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createPgliteStore } from './pglite-store.ts';
import { createPostgresStore } from './postgres-store.ts';
import { migrate } from './migrate.ts';
import type { Store } from './store.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestStore = Store & { reset(): Promise<void> };

export async function createTestPglite(): Promise<TestStore> {
  const store = await createPgliteStore();
  await migrate(store);
  return withReset(store);
}

let reachable: Promise<boolean> | undefined;
/** True when the test PostgreSQL answers within two seconds. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    try { await client.connect(); await client.query('SELECT 1'); return true; } catch { return false; } finally { await client.end().catch(() => undefined); }
  })();
  return reachable;
}

/** A migrated PostgreSQL store in a fresh schema, dropped on close; undefined when no server is reachable. */
export async function createTestPostgres(): Promise<TestStore | undefined> {
  if (!(await postgresReachable())) {
    console.log(`# PostgreSQL at ${TEST_DATABASE_URL} is not reachable: PostgreSQL variant skipped`);
    return undefined;
  }
  const schema = `zt_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema, max: 5 });
  await migrate(store);
  const close = store.close;
  return withReset({
    ...store,
    async close() {
      await store.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await close();
    },
  });
}

/** Both stores for a `for (const kind of ...)` loop over the same tests. */
export async function createTestStores(): Promise<TestStore[]> {
  const stores: TestStore[] = [await createTestPglite()];
  const postgres = await createTestPostgres();
  if (postgres) stores.push(postgres);
  return stores;
}

function withReset(store: Store): TestStore {
  return Object.assign(store, {
    async reset() {
      const tables = await store.query<{ tablename: string }>(
        `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`);
      if (tables.rows.length === 0) return;
      await store.exec(`TRUNCATE ${tables.rows.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
    },
  });
}
