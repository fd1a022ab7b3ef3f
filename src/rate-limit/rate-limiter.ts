import { Redis } from 'ioredis';
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import { parseEnv, type Env } from '../config/env.ts';
import { ZantaraError } from '../errors.ts';

/** Requests allowed per window, per principal, for one handler class. */
export type Limit = { limit: number; windowSeconds: number };

export interface RateLimiter {
  /** Counts one request; throws `rate_limited` (429, with retry_after_seconds) when over the limit. */
  consume(principal: Principal, rateClass: string): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_LIMITS: Record<string, Limit> = {
  read: { limit: 600, windowSeconds: 60 },
  write: { limit: 60, windowSeconds: 60 },
  send: { limit: 30, windowSeconds: 60 },
  ai: { limit: 60, windowSeconds: 60 },
};

const limitsEnv = z.object({
  ZANTARA_RATE_LIMITS: z
    .string()
    .regex(
      /^\s*[a-z_]+=\d+\/\d+\s*(,\s*[a-z_]+=\d+\/\d+\s*)*$/,
      'must look like "read=600/60,write=60/60" (class=requests/seconds)',
    )
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
});

/** Parses ZANTARA_RATE_LIMITS over the defaults (read 600/min, write 60/min, send 30/min, ai 60/min). */
export function limitsFromEnv(env: Env): Record<string, Limit> {
  const { ZANTARA_RATE_LIMITS } = parseEnv(limitsEnv, env);
  const limits = { ...DEFAULT_LIMITS };
  for (const part of ZANTARA_RATE_LIMITS?.split(',') ?? []) {
    const [name, spec] = part.trim().split('=');
    const [limit, windowSeconds] = spec.split('/').map(Number);
    limits[name] = { limit, windowSeconds };
  }
  return limits;
}

/** In memory (one process) by default; shared across replicas through Redis when REDIS_URL is set. */
export function createRateLimiter(env: Env, now: () => number = Date.now): RateLimiter {
  const limits = limitsFromEnv(env);
  const { REDIS_URL } = parseEnv(limitsEnv, env);
  return REDIS_URL ? redisRateLimiter(limits, REDIS_URL, now) : memoryRateLimiter(limits, now);
}

function limitFor(limits: Record<string, Limit>, rateClass: string): Limit {
  return limits[rateClass] ?? limits.read;
}

function rejected(limit: Limit, resetAtMs: number, now: number): ZantaraError {
  const retryAfter = Math.max(1, Math.ceil((resetAtMs - now) / 1000));
  return new ZantaraError(
    'rate_limited',
    `Too many requests: at most ${limit.limit} per ${limit.windowSeconds} s. Retry in ${retryAfter} s.`,
    { status: 429, details: { retry_after_seconds: retryAfter } },
  );
}

/** Fixed windows per principal and class, in this process. */
export function memoryRateLimiter(limits: Record<string, Limit>, now: () => number = Date.now): RateLimiter {
  const windows = new Map<string, { count: number; resetAt: number }>();
  let sweeps = 0;
  return {
    async consume(principal, rateClass) {
      const limit = limitFor(limits, rateClass);
      const t = now();
      const id = `${principal.id}:${rateClass}`;
      let window = windows.get(id);
      if (!window || window.resetAt <= t) {
        window = { count: 0, resetAt: t + limit.windowSeconds * 1000 };
        windows.set(id, window);
      }
      window.count++;
      if (++sweeps % 10_000 === 0) for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      if (window.count > limit.limit) throw rejected(limit, window.resetAt, t);
    },
    async close() {
      windows.clear();
    },
  };
}

/** The same fixed windows in Redis (INCR + PEXPIRE in one MULTI), so all replicas share one count. */
export function redisRateLimiter(
  limits: Record<string, Limit>,
  url: string,
  now: () => number = Date.now,
): RateLimiter {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true });
  redis.on('error', () => {
    /* reported by the failing command */
  });
  return {
    async consume(principal, rateClass) {
      const limit = limitFor(limits, rateClass);
      const t = now();
      const windowMs = limit.windowSeconds * 1000;
      const windowStart = Math.floor(t / windowMs) * windowMs;
      const id = `zantara:rl:${rateClass}:${principal.id}:${windowStart}`;
      const result = await redis
        .multi()
        .incr(id)
        .pexpire(id, windowMs + 1000)
        .exec();
      const count = Number(result?.[0]?.[1] ?? 0);
      if (count > limit.limit) throw rejected(limit, windowStart + windowMs, t);
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
