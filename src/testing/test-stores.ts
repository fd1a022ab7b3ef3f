/**
 * Stores for tests: one in-memory PGlite per test file and, when a server answers, a PostgreSQL schema of its own per
 * test file (so parallel test files never collide). `reset()` empties every table between tests. The PostgreSQL
 * variant is skipped, with a printed reason, only when no server is reachable.
 *
 * A PGlite is cloned from a migrated template (see `pgliteTemplate`): initdb and the migrations run once per machine
 * and migration set, not once per test file (creating one costs 10-30 s on a busy 2-core machine, a clone 1-2 s).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createPgliteStore } from '../store/pglite-store.ts';
import { createPostgresStore } from '../store/postgres-store.ts';
import { migrate } from '../store/migrate.ts';
import type { Store } from '../store/store.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestStore = Store & { reset(): Promise<void> };

const migrationsDir = new URL('../store/migrations/', import.meta.url);
const pgliteVersion = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve('@electric-sql/pglite')), 'utf8')) as {
    version: string;
  }
).version;

/**
 * The path of a tarball of a migrated PGlite data directory (PGlite's `dumpDataDir`), built on first use. Its name
 * carries a hash of the PGlite version and every migration file, so a changed migration builds a new one; it is
 * written under a temporary name and renamed, so test files starting together never read half a file.
 */
export async function pgliteTemplate(): Promise<string> {
  const hash = createHash('sha256').update(pgliteVersion);
  for (const name of readdirSync(migrationsDir).sort())
    hash.update(name).update(readFileSync(new URL(name, migrationsDir)));
  const dir = join(tmpdir(), 'zantara-test-templates');
  const path = join(dir, `pglite-${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(path)) return path;
  mkdirSync(dir, { recursive: true });
  const store = await createPgliteStore();
  try {
    await migrate(store);
    const tarball = await store.dumpDataDir();
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, tarball);
    renameSync(partial, path);
  } finally {
    await store.close();
  }
  return path;
}

/** A migrated in-memory PGlite, cloned from the template; `dataDir` puts the clone on disk instead (spawned servers). */
export async function createTestPglite(dataDir?: string): Promise<TestStore> {
  const store = await createPgliteStore(dataDir, { loadDataDir: new Blob([readFileSync(await pgliteTemplate())]) });
  await migrate(store); // nothing to do when the template is current; a safety net when it is not
  return withReset(store);
}

let reachable: Promise<boolean> | undefined;
/** True when the test PostgreSQL answers within two seconds. */
export function postgresReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
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
        `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'schema_migrations'`,
      );
      if (tables.rows.length === 0) return;
      await store.exec(`TRUNCATE ${tables.rows.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
    },
  });
}
