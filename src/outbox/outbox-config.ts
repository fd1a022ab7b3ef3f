import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const outboxEnv = z.object({
  ZANTARA_SANDBOX: flag.default(false).describe('1: record every message as sandboxed ("would send"), never deliver'),
  ZANTARA_OUTBOX_LEASE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(60_000)
    .describe('How long a claimed row belongs to one worker'),
  ZANTARA_OUTBOX_POLL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(1000)
    .describe('How often an idle worker looks for due rows'),
  ZANTARA_OUTBOX_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(50)
    .default(8)
    .describe('Attempts before a row is failed'),
  ZANTARA_OUTBOX_BACKOFF_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(5000)
    .describe('First retry delay; doubles each attempt'),
  ZANTARA_OUTBOX_BATCH: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('Rows one worker claims at a time'),
});

export type OutboxConfig = z.infer<typeof outboxEnv>;

export function outboxConfig(env: Env): OutboxConfig {
  return parseEnv(outboxEnv, env);
}
