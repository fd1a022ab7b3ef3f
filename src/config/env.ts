import type { z } from 'zod';
import { ZantaraError } from '../errors.ts';

export type Env = Record<string, string | undefined>;

/**
 * The one config loader: every module describes the environment variables it reads with a zod object and
 * parses them here, so a bad value fails at start with a message naming the variable.
 *
 * @example
 * const { PORT } = parseEnv(z.object({ PORT: z.coerce.number().int().default(8080) }), process.env);
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ZantaraError('invalid_config', `Invalid configuration:\n${lines.join('\n')}`, {
    status: 500,
    expose: true,
  });
}

/** Treats empty strings as unset, so `FOO=` in a .env file behaves like no FOO. */
export function cleanEnv(env: Env): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') out[k] = v;
  return out;
}
