import { pino, type Logger } from 'pino';
import type { Env } from '../config/env.ts';
import { TickBatchedDestination } from './tick-batched-destination.ts';

export type { Logger };

/**
 * JSON logs to stdout; LOG_LEVEL sets the level (default info, `silent` in tests unless set).
 * The lines of one turn of the event loop go out together in one asynchronous write (a write per line, and even
 * more a synchronous one, costs more than a /call); what is still queued is flushed when the process exits.
 */
export function createLogger(env: Env): Logger {
  const level = env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info');
  const destination = level === 'silent' ? undefined : new TickBatchedDestination(pino.destination({ dest: 1, sync: false }));
  if (destination) process.once('exit', () => { try { destination.flushSync(); } catch { /* stdout already closed */ } });
  return pino({ level, redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.api_key', '*.key_hash'], censor: '[redacted]' } },
    destination ?? pino.destination({ dest: 1, sync: true }));
}
