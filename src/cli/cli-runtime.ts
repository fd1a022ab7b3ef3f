import type { Env } from '../config/env.ts';
import { createRuntime, type Runtime } from '../runtime/runtime.ts';

/** Opens the same store the server uses (ZANTARA_DATA_DIR or DATABASE_URL) for one CLI command, then closes it. */
export async function withCliRuntime<T>(env: Env, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const runtime = await createRuntime({ env: { LOG_LEVEL: 'warn', ...env } });
  try {
    return await fn(runtime);
  } finally {
    await runtime.close();
  }
}
