import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';
import { ZantaraError } from '../errors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { apiKeysService, hashKey } from './api-keys.ts';

const adminEnv = z.object({
  ZANTARA_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters').max(200).optional(),
  ZANTARA_DATA_DIR: z.string().default('./data'),
});

const revokedMessage =
  'The key in ZANTARA_ADMIN_KEY was revoked. Remove the variable (an admin key is then kept or created) ' +
  'or set a new key of at least 24 characters.';

/**
 * Makes sure an admin can get in: registers ZANTARA_ADMIN_KEY when set, otherwise creates an admin key on the
 * first start only (no active admin key yet) and returns it so the caller shows it once. Errors carry no key or hash.
 * @throws ZantaraError admin_key_revoked when ZANTARA_ADMIN_KEY names a revoked key | admin_key_failed
 */
export async function bootstrapAdmin(
  runtime: Runtime,
): Promise<{ createdKey?: string; source: 'env' | 'generated' | 'existing' }> {
  const { ZANTARA_ADMIN_KEY } = parseEnv(adminEnv, runtime.env);
  const keys = runtime.service(apiKeysService);
  if (ZANTARA_ADMIN_KEY) {
    const state = async (): Promise<{ revoked: boolean } | undefined> =>
      (
        await runtime.store.query<{ revoked: boolean }>(
          'SELECT revoked_at IS NOT NULL AS revoked FROM api_keys WHERE key_hash = $1',
          [hashKey(ZANTARA_ADMIN_KEY)],
        )
      ).rows[0];
    let known = await state();
    if (!known) {
      try {
        await keys.create({ role: 'admin', name: 'ZANTARA_ADMIN_KEY', key: ZANTARA_ADMIN_KEY });
      } catch (error) {
        // Another replica may have registered it at the same moment; any other failure must not print the key's hash.
        known = await state().catch(() => undefined);
        if (!known)
          throw new ZantaraError('admin_key_failed', 'Could not register ZANTARA_ADMIN_KEY in the database.', {
            status: 500,
            expose: true,
            cause: error,
          });
      }
    }
    if (known?.revoked) throw new ZantaraError('admin_key_revoked', revokedMessage, { status: 500, expose: true });
    return { source: 'env' };
  }
  if ((await keys.count('admin')) > 0) return { source: 'existing' };
  const created = await keys.create({ role: 'admin', name: 'first-start admin' });
  return { createdKey: created.key, source: 'generated' };
}

/** Writes a first-start admin key to `<ZANTARA_DATA_DIR>/admin-key.txt`, readable only by the owner; returns the path. */
export function saveAdminKey(env: Env, key: string): string {
  const { ZANTARA_DATA_DIR } = parseEnv(adminEnv, env);
  mkdirSync(ZANTARA_DATA_DIR, { recursive: true });
  const path = resolve(join(ZANTARA_DATA_DIR, 'admin-key.txt'));
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  // A file left from an earlier start keeps its old mode through writeFileSync: set it again.
  chmodSync(path, 0o600);
  return path;
}
