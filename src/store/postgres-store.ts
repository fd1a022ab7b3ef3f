import pg from 'pg';
import type { Queryable, Row, Store } from './store.ts';

export type PostgresOptions = { connectionString: string; schema?: string; max?: number };

/**
 * PostgreSQL through a pool. `schema` (tests, multi-tenant set-ups) sets the search_path of every connection.
 * pgvector is used when the extension is installed; otherwise `hasVector` is false and search stays full-text.
 */
export async function createPostgresStore(options: PostgresOptions): Promise<Store> {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.max ?? 10,
    options: options.schema ? `-c search_path=${options.schema},public` : undefined,
  });
  pool.on('error', () => {
    /* an idle client died; the pool replaces it */
  });
  const wrap = (client: Pick<pg.Pool, 'query'>): Queryable => ({
    async query<T extends Row>(sql: string, params: unknown[] = []) {
      const result = await client.query<T>(sql, params);
      return { rows: result.rows, rowCount: result.rowCount ?? result.rows.length };
    },
  });
  if (options.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(options.schema)}`);
  await pool.query('CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public').catch(() => undefined);
  const hasVector = await enableVector(pool);
  return {
    kind: 'postgres',
    hasVector,
    query: wrap(pool).query,
    async exec(sql) {
      await pool.query(sql);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
    listen: (channel, onMessage, onState) => listen(options, channel, onMessage, onState),
  };
}

// Kept between attempts so a database restart costs at most this long without notifications.
const RELISTEN_MS = 500;

function listen(
  options: PostgresOptions,
  channel: string,
  onMessage: (payload: string) => void,
  onState: (connected: boolean) => void,
): () => Promise<void> {
  let stopped = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    onState(false);
    if (!stopped) timer = setTimeout(() => void connect(), RELISTEN_MS);
  };
  const connect = async () => {
    const current = new pg.Client({ connectionString: options.connectionString });
    client = current;
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      void current.end().catch(() => undefined);
      retry();
    };
    current.on('error', fail);
    current.on('end', fail);
    current.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '');
    });
    try {
      await current.connect();
      await current.query(`LISTEN ${quoteIdent(channel)}`);
      if (stopped) {
        await current.end();
        return;
      }
      onState(true);
    } catch {
      fail();
    }
  };
  void connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await client?.end().catch(() => undefined);
  };
}

async function enableVector(pool: pg.Pool): Promise<boolean> {
  const available = await pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  if (available.rowCount === 0) return false;
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA public');
    return true;
  } catch {
    return false;
  }
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Unsafe identifier: ${name}`);
  return `"${name}"`;
}
