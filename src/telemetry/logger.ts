import { pino, type Logger } from 'pino';
import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';

export type { Logger };

/**
 * JSON logs to stdout; LOG_LEVEL sets the level (default info, `silent` in tests unless set).
 * pino's own asynchronous destination: lines that come while a write is in flight are written together after it,
 * and pino writes what is still waiting when the process exits.
 */
const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const loggerEnv = z.object({ LOG_LEVEL: z.enum(LEVELS, { error: `must be one of ${LEVELS.join(', ')}` }).optional() });

export function createLogger(env: Env): Logger {
  const level = parseEnv(loggerEnv, env).LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info');
  return pino(
    {
      level,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.api_key', '*.key_hash'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 1, sync: level === 'silent' }),
  );
}
