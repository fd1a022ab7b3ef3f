import type { Env } from '../config/env.ts';
import { createZantara } from '../composition/zantara.ts';
import type { Runtime, RuntimeOptions } from '../runtime/runtime.ts';

/** A runtime on the server's store with every port filled, for a CLI command that manages its own lifetime. */
export function openCliRuntime(env: Env, options: Pick<RuntimeOptions, 'logger'> = {}): Promise<Runtime> {
  return createZantara({ env, ...options });
}

/** Opens the same store the server uses (ZANTARA_DATA_DIR or DATABASE_URL) for one CLI command, then closes it. */
export async function withCliRuntime<T>(env: Env, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createZantara({ env: { LOG_LEVEL: 'warn', ...env } });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
