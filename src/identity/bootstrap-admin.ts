import { z } from 'zod';
import { parseEnv } from '../config/env.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { apiKeysService } from './api-keys.ts';

const adminEnv = z.object({
  ZANTARA_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters').max(200).optional(),
});

/**
 * Makes sure an admin can get in: registers ZANTARA_ADMIN_KEY when set, otherwise creates an admin key on the
 * first start only (no active admin key yet) and returns it so the caller prints it once.
 */
export async function bootstrapAdmin(runtime: Runtime): Promise<{ createdKey?: string; source: 'env' | 'generated' | 'existing' }> {
  const { ZANTARA_ADMIN_KEY } = parseEnv(adminEnv, runtime.env);
  const keys = runtime.service(apiKeysService);
  if (ZANTARA_ADMIN_KEY) {
    if (!(await keys.exists(ZANTARA_ADMIN_KEY))) await keys.create({ role: 'admin', name: 'ZANTARA_ADMIN_KEY', key: ZANTARA_ADMIN_KEY });
    return { source: 'env' };
  }
  if ((await keys.count('admin')) > 0) return { source: 'existing' };
  const created = await keys.create({ role: 'admin', name: 'first-start admin' });
  return { createdKey: created.key, source: 'generated' };
}
