import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

export const channelsEnv = z.object({
  ZANTARA_AUTO_REPLY: flag
    .default(false)
    .describe('1: answer inbound messages automatically when the turn needs no approval'),
  ZANTARA_INBOUND_LEASE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(120_000)
    .describe('How long one processor owns an inbound message'),
  ZANTARA_INBOUND_POLL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(1000)
    .describe('How often an idle processor looks for queued messages'),
  ZANTARA_INBOUND_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(20)
    .default(5)
    .describe('Turn attempts before a message is marked failed'),
});

export type ChannelsConfig = z.infer<typeof channelsEnv>;

export function channelsConfig(env: Env): ChannelsConfig {
  return parseEnv(channelsEnv, env);
}
