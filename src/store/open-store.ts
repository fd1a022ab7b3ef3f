import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';
import { createPgliteStore } from './pglite-store.ts';
import { createPostgresStore } from './postgres-store.ts';
import { migrate } from './migrate.ts';
import type { Store } from './store.ts';

const storeEnv = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a lower-case identifier')
    .optional(),
  ZANTARA_DATA_DIR: z.string().default('./data'),
});

/**
 * Opens the configured store and brings its schema up to date: PostgreSQL when DATABASE_URL is set,
 * otherwise embedded PGlite in ZANTARA_DATA_DIR (default ./data).
 */
export async function openStore(env: Env): Promise<Store> {
  const config = parseEnv(storeEnv, env);
  const store = config.DATABASE_URL
    ? await createPostgresStore({ connectionString: config.DATABASE_URL, schema: config.DATABASE_SCHEMA })
    : await createPgliteStore(config.ZANTARA_DATA_DIR);
  try {
    await migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
