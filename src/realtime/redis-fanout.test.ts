import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { eventBusService } from './event-bus.ts';
import { redisFanoutService } from './redis-fanout.ts';
import { SseReader } from './sse-reader.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisReachable(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

const reachable = await redisReachable();
if (!reachable) console.log(`# Redis at ${REDIS_URL} is not reachable: fan-out tests skipped`);

if (reachable)
  describe('Redis event fan-out between two replicas', () => {
    let store: TestStore;
    let a: TestRuntime;
    let b: TestRuntime;
    before(async () => {
      store = await createTestPglite();
      // A channel of its own, so parallel test runs never see each other's events.
      const env = {
        REDIS_URL,
        ZANTARA_EVENTS_CHANNEL: `zantara:test:${randomUUID()}`,
        ZANTARA_RATE_LIMITS: 'read=1000/60,send=1000/60',
      };
      a = await createTestRuntime({ store, env });
      b = await createTestRuntime({ store, env });
      await a.service(redisFanoutService)!.start();
      await b.service(redisFanoutService)!.start();
    });
    after(async () => {
      await a.close();
      await b.close();
      await store.close();
    });

    it('an event published on replica A reaches a feed on replica B with the same id, once', async () => {
      const staffB = (await b.key('staff')).key;
      const feed = new SseReader(await b.request('/v1/events', { key: staffB }));
      await feed.nextEvent();
      const event = a.service(eventBusService).publish('lead.created', { name: 'Giulia' });
      const got = await feed.nextEvent();
      assert.equal(got.id, event.id);
      assert.equal(got.data.data.name, 'Giulia');
      // B can resume after it, as if A's event were its own; A never receives its own event back.
      assert.deepEqual(b.service(eventBusService).since(event.id), { events: [], complete: true });
      const marker = b.service(eventBusService).publish('outbox.status', { status: 'sent' });
      assert.equal((await feed.nextEvent()).id, marker.id);
      await feed.cancel();
      while (a.service(redisFanoutService)!.stats().received < 1) await new Promise((r) => setTimeout(r, 5));
      assert.equal(a.service(eventBusService).stats().received_remote, 1); // B's outbox.status only
      assert.equal(b.service(eventBusService).stats().received_remote, 1); // A's lead only
    });

    it('realtime.stats reports the fan-out, and a broadcast on A reaches B', async () => {
      const adminA = (await a.key('admin')).key;
      const staffB = (await b.key('staff')).key;
      const feed = new SseReader(await b.request('/v1/events', { key: staffB }));
      await feed.nextEvent();
      const res = await a.request('/call', {
        key: adminA,
        body: { key: 'realtime.broadcast', params: { message: 'Hello from A' } },
      });
      const sent = ((await res.json()) as any).data;
      assert.equal(sent.other_replicas, 'shared through Redis');
      const got = await feed.nextEvent();
      assert.deepEqual([got.type, got.id], ['announcement', sent.event_id]);
      await feed.cancel();
      const stats = await a.request('/call', { key: adminA, body: { key: 'realtime.stats' } });
      const fanOut = ((await stats.json()) as any).data.fan_out;
      assert.equal(fanOut.enabled, true);
      assert.equal(fanOut.connected, true);
      assert.ok(fanOut.sent >= 2);
    });
  });
