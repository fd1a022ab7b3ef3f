import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServer } from '../../http/server.ts';
import { eventBusService } from '../../realtime/event-bus.ts';
import { eventFeedService } from '../../realtime/event-feed.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { runCli } from '../main.ts';

let store: TestStore;
let rt: TestRuntime;
let server: Awaited<ReturnType<typeof startServer>>;
before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({ store });
  server = await startServer(rt, { port: 0, hostname: '127.0.0.1' });
});
after(async () => {
  await server.close();
  await rt.close();
  await store.close();
});

async function connections(n: number): Promise<void> {
  while (rt.service(eventFeedService).connections().length !== n) await new Promise((r) => setTimeout(r, 10));
}

test('zantara events prints the feed, reconnects with Last-Event-ID and misses nothing', async () => {
  const { key } = await rt.key('staff');
  let out = '';
  let err = '';
  const running = runCli(['events', '--url', server.url, '--key', key, '--types', 'lead.*', '--count', '2'], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env: {},
    isTTY: false,
  });
  await connections(1);
  const bus = rt.service(eventBusService);
  bus.publish('outbox.status', { status: 'sent' }); // filtered out
  bus.publish('lead.created', { name: 'Anna' });
  while (!out.includes('Anna')) await new Promise((r) => setTimeout(r, 10));
  // The server drops the feed; the event published meanwhile comes with the reconnection.
  rt.service(eventFeedService).close();
  bus.publish('lead.created', { name: 'Budi' });
  assert.equal(await running, 0, err);
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0], /^\S+ lead\.created \{"name":"Anna"\}$/);
  assert.match(lines[1], /^\S+ lead\.created \{"name":"Budi"\}$/);
  assert.match(err, /reconnecting in 1 s/);
});

test('zantara events refuses a client key', async () => {
  const { key } = await rt.key('client');
  let err = '';
  const code = await runCli(['events', '--url', server.url, '--key', key, '--count', '1'], {
    out: () => undefined,
    err: (t) => {
      err += t;
    },
    env: {},
    isTTY: false,
  });
  assert.equal(code, 1);
  assert.match(err, /403/);
});
