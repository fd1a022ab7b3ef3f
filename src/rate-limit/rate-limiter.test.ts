import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Principal } from '../auth/principal.ts';
import type { ZantaraError } from '../errors.ts';
import { limitsFromEnv, memoryRateLimiter, redisRateLimiter, type RateLimiter } from './rate-limiter.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const principal = (): Principal => ({ id: randomUUID(), role: 'client', name: 'c', via: 'api_key' });

async function rejection(limiter: RateLimiter, p: Principal, cls: string): Promise<ZantaraError | undefined> {
  try {
    await limiter.consume(p, cls);
    return undefined;
  } catch (error) {
    return error as ZantaraError;
  }
}

async function redisReachable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

describe('rate limits', () => {
  it('parses ZANTARA_RATE_LIMITS over the defaults and rejects a malformed value', () => {
    const limits = limitsFromEnv({ ZANTARA_RATE_LIMITS: 'read=5/10, send=1/60' });
    assert.deepEqual(limits.read, { limit: 5, windowSeconds: 10 });
    assert.deepEqual(limits.send, { limit: 1, windowSeconds: 60 });
    assert.ok(limits.write.limit > 0);
    assert.throws(() => limitsFromEnv({ ZANTARA_RATE_LIMITS: 'read=lots' }), /ZANTARA_RATE_LIMITS/);
  });

  it('in memory: counts per principal and class, 429 with a retry time, resets with the window', async () => {
    let now = 1_000_000;
    const limiter = memoryRateLimiter(
      { read: { limit: 2, windowSeconds: 10 }, send: { limit: 1, windowSeconds: 60 } },
      () => now,
    );
    const a = principal();
    const b = principal();
    await limiter.consume(a, 'read');
    await limiter.consume(a, 'read');
    const error = await rejection(limiter, a, 'read');
    assert.equal(error?.code, 'rate_limited');
    assert.equal(error?.status, 429);
    assert.equal(error?.details?.retry_after_seconds, 10);
    assert.equal(await rejection(limiter, b, 'read'), undefined, 'another principal has its own budget');
    assert.equal(await rejection(limiter, a, 'send'), undefined, 'another class has its own budget');
    now += 10_001;
    assert.equal(await rejection(limiter, a, 'read'), undefined, 'a new window starts');
  });

  it('through Redis: replicas share one count', async (t) => {
    if (!(await redisReachable())) {
      t.diagnostic(`Redis at ${REDIS_URL} not reachable: Redis variant skipped`);
      console.log('# Redis not reachable: skipped');
      return;
    }
    const limits = { send: { limit: 3, windowSeconds: 60 } };
    const one = redisRateLimiter(limits, REDIS_URL);
    const two = redisRateLimiter(limits, REDIS_URL);
    after(async () => {
      await one.close();
      await two.close();
    });
    const p = principal();
    await one.consume(p, 'send');
    await two.consume(p, 'send');
    await one.consume(p, 'send');
    const error = await rejection(two, p, 'send');
    assert.equal(error?.code, 'rate_limited');
    assert.ok(Number(error?.details?.retry_after_seconds) >= 1);
  });
});
