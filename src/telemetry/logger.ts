import { pino, type Logger } from 'pino';
import type { Env } from '../config/env.ts';
import { BatchedDestination } from './batched-destination.ts';

export type { Logger };

/**
 * JSON logs to stdout; LOG_LEVEL sets the level (default info, `silent` in tests unless set).
 * Lines are gathered for up to 10 ms (or 64 KiB) and written together in one synchronous write (see
 * batched-destination.ts); what is still gathered is written when the process exits.
 */
export function createLogger(env: Env): Logger {
  const level = env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info');
  const destination = level === 'silent' ? undefined : new BatchedDestination(pino.destination({ dest: 1, sync: true }));
  if (destination) process.once('exit', () => { try { destination.flushSync(); } catch { /* stdout already closed */ } });
  return pino({ level, redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.api_key', '*.key_hash'], censor: '[redacted]' } },
    destination ?? pino.destination({ dest: 1, sync: true }));
}
