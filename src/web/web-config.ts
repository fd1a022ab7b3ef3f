import { z } from 'zod';
import { parseEnv, type Env } from '../config/env.ts';

const rate = z
  .string()
  .regex(/^\d+\/\d+$/, 'must look like "6/600" (requests/seconds)')
  .transform((s) => {
    const [limit, windowSeconds] = s.split('/').map(Number);
    return { limit, windowSeconds };
  });

const webEnv = z.object({
  ZANTARA_PUBLIC_CHAT: z.enum(['0', '1']).default('0').describe('1: visitors without a key may chat as guests'),
  ZANTARA_SESSION_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .describe('Signs guest cookies and CSRF tokens; generated once and kept in the store when unset'),
  ZANTARA_WEB_SESSION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(12)
    .describe('How long a console sign-in lasts'),
  ZANTARA_GUEST_RATE: z
    .string()
    .default('6/600')
    .pipe(rate)
    .describe('Chat turns (and contact requests) per guest per window'),
  ZANTARA_GUEST_GLOBAL_RATE: z
    .string()
    .default('120/3600')
    .pipe(rate)
    .describe('Chat turns and contact requests of all guests together per window'),
});

export type WebConfig = {
  publicChat: boolean;
  sessionSecret?: string;
  sessionHours: number;
  guestRate: { limit: number; windowSeconds: number };
  guestGlobalRate: { limit: number; windowSeconds: number };
};

/** The web app's settings (docs/web-app.md); a bad value stops the start with the variable's name. */
export function webConfig(env: Env): WebConfig {
  const parsed = parseEnv(webEnv, env);
  return {
    publicChat: parsed.ZANTARA_PUBLIC_CHAT === '1',
    sessionSecret: parsed.ZANTARA_SESSION_SECRET,
    sessionHours: parsed.ZANTARA_WEB_SESSION_HOURS,
    guestRate: parsed.ZANTARA_GUEST_RATE,
    guestGlobalRate: parsed.ZANTARA_GUEST_GLOBAL_RATE,
  };
}
