/**
 * `npm run bench:events`: the live feed under load. N staff consoles follow GET /v1/events over loopback HTTP;
 * the bench publishes M events and measures how long until every console has every event (events delivered per
 * second) and the publish → receive latency (p50, p99). With Redis reachable, the same across two replicas
 * (publish on A, consoles on B).
 * Options (env): BENCH_CLIENTS (default 50), BENCH_EVENTS (default 2000), TEST_REDIS_URL (default redis://127.0.0.1:6379).
 */
import { randomUUID } from 'node:crypto';
import { startServer } from '../src/http/server.ts';
import { eventBusService } from '../src/realtime/event-bus.ts';
import { eventFeedService } from '../src/realtime/event-feed.ts';
import { redisFanoutService } from '../src/realtime/redis-fanout.ts';
import { SseReader } from '../src/realtime/sse-reader.ts';
import { createTestPglite } from '../src/testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../src/testing/test-runtime.ts';
import { percentile } from './bench-stats.ts';

const clients = Number(process.env.BENCH_CLIENTS ?? 50);
const events = Number(process.env.BENCH_EVENTS ?? 2000);
const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function run(label: string, publisher: TestRuntime, consoles: TestRuntime): Promise<void> {
  const server = await startServer(consoles, { port: 0, hostname: '127.0.0.1' });
  const { key } = await consoles.key('staff');
  const latencies: number[] = [];
  const readers = await Promise.all(
    Array.from({ length: clients }, async () => {
      const reader = new SseReader(
        await fetch(`${server.url}/v1/events?types=bench.*`, { headers: { 'x-api-key': key } }),
      );
      await reader.nextEvent();
      return reader;
    }),
  );
  while (consoles.service(eventFeedService).connections().length < clients) await new Promise((r) => setTimeout(r, 5));
  const done = readers.map(async (reader) => {
    for (let i = 0; i < events; i++) {
      const event = await reader.nextEvent();
      latencies.push(performance.now() - event.data.data.t);
    }
  });
  const started = performance.now();
  const bus = publisher.service(eventBusService);
  for (let i = 0; i < events; i++) {
    bus.publish('bench.tick', { i, t: performance.now() });
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(done);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    `${label}: ${clients} consoles × ${events} events in ${seconds.toFixed(2)} s = ${Math.round((clients * events) / seconds)} deliveries/s; ` +
      `publish→receive p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
  );
  await Promise.all(readers.map((r) => r.cancel()));
  await server.close();
}

const store = await createTestPglite();
const single = await createTestRuntime({ store });
await run('one server', single, single);
await single.close();

const env = {
  REDIS_URL: redisUrl,
  ZANTARA_EVENTS_CHANNEL: `zantara:bench:${randomUUID()}`,
  ZANTARA_EVENTS_BUFFER: String(events + 10),
};
const a = await createTestRuntime({ store, env });
const b = await createTestRuntime({ store, env });
try {
  await Promise.race([
    Promise.all([a.service(redisFanoutService)!.start(), b.service(redisFanoutService)!.start()]),
    new Promise((_, reject) => setTimeout(() => reject(new Error('Redis not reachable')), 3000)),
  ]);
  await run('two replicas via Redis', a, b);
} catch (error) {
  console.log(`two replicas via Redis: skipped (${(error as Error).message})`);
}
await a.close();
await b.close();
await store.close();
