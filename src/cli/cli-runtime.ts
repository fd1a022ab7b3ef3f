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

/** Parses `--name value` and `--flag` options; the rest are positional. */
export function parseArgs(args: string[]): { positional: string[]; options: Record<string, string | true> } {
  const positional: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split('=', 2);
      if (inline !== undefined) options[name] = inline;
      else if (i + 1 < args.length && !args[i + 1].startsWith('--')) options[name] = args[++i];
      else options[name] = true;
    } else positional.push(arg);
  }
  return { positional, options };
}
