import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { Queryable, Row, Store } from './store.ts';
import { lockDataDir } from './data-dir-lock.ts';

/** A PGlite store can also write its whole data directory as a tarball (the test template). */
export type PgliteStore = Store & { dumpDataDir(): Promise<Uint8Array> };

/**
 * The embedded store: real PostgreSQL (with pgvector and unaccent) in WebAssembly.
 * `dataDir` undefined means in memory (tests); a directory is locked against a second process.
 * `loadDataDir` starts from a tarball of a data directory (`dumpDataDir`) instead of an empty database.
 */
export async function createPgliteStore(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<PgliteStore> {
  const lock = dataDir ? lockDataDir(dataDir) : undefined;
  let db: PGlite;
  try {
    db = new PGlite({ dataDir, loadDataDir: options.loadDataDir, extensions: { vector, unaccent } });
    await db.waitReady;
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector; CREATE EXTENSION IF NOT EXISTS unaccent;');
  } catch (error) {
    lock?.release();
    throw error;
  }
  const asQueryable = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<T extends Row>(sql: string, params: unknown[] = []) {
      const result = await q.query<T>(sql, params as never[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
  });
  const base = asQueryable(db);
  // PGlite runs one statement at a time; a transaction holds it, so queries from elsewhere wait their turn.
  return {
    kind: 'pglite',
    hasVector: true,
    query: base.query,
    async exec(sql) {
      await db.exec(sql);
    },
    async transaction(fn) {
      return db.transaction((tx) => fn(asQueryable(tx)));
    },
    async close() {
      try {
        await db.close();
      } finally {
        lock?.release();
      }
    },
    async dumpDataDir() {
      return new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer());
    },
  };
}
