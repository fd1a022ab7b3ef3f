import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventBusService } from '../../realtime/event-bus.ts';
import { SseReader } from '../../realtime/sse-reader.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { startServer } from '../server.ts';

let store: TestStore;
let rt: TestRuntime;
let staff: string;
let admin: string;
let client: string;

before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({
    store,
    env: { ZANTARA_EVENTS_HEARTBEAT_SECONDS: '0.05', ZANTARA_EVENTS_BUFFER: '5', ZANTARA_EVENTS_MAX_CONNECTIONS: '3' },
  });
  staff = (await rt.key('staff', 'Dewi')).key;
  admin = (await rt.key('admin', 'Owner')).key;
  client = (await rt.key('client')).key;
});
after(async () => {
  await rt.close();
  await store.close();
});

const bus = () => rt.service(eventBusService);
/** Waits until the bus has `n` subscribers (the feed subscribes once the stream starts). */
async function subscribers(n: number): Promise<void> {
  while (bus().stats().subscribers !== n) await new Promise((r) => setTimeout(r, 5));
}

async function open(key: string, headers: Record<string, string> = {}, query = ''): Promise<SseReader> {
  const res = await rt.request(`/v1/events${query}`, { key, headers });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/event-stream');
  return new SseReader(res);
}

describe('GET /v1/events', () => {
  it('requires a staff or admin key', async () => {
    assert.equal((await rt.request('/v1/events')).status, 401);
    const res = await rt.request('/v1/events', { key: client });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: string }).error, 'forbidden');
  });

  it('streams ready, then live events staff may see, with heartbeats; cleans up on disconnect', async () => {
    const before = bus().stats().subscribers;
    const feed = await open(staff);
    const ready = await feed.nextEvent();
    assert.equal(ready.type, 'ready');
    assert.equal(ready.data.resumed, false);
    await subscribers(before + 1);
    bus().publish('announcement', { message: 'admins only' }, ['admin']);
    const lead = bus().publish('lead.created', { id: 'lead-1', name: 'Maria' });
    const got = await feed.nextEvent();
    assert.deepEqual([got.type, got.id, got.data.data.name], ['lead.created', lead.id, 'Maria']);
    // Heartbeats are comments between events.
    let frame;
    do frame = await feed.next();
    while (!frame.comment);
    assert.match(frame.comment, /^heartbeat /);
    await feed.cancel();
    await subscribers(before);
  });

  it('a lead saved through /call reaches the feed as lead.created', async () => {
    const feed = await open(staff, {}, '?types=lead.*');
    await feed.nextEvent();
    const saved = await rt.request('/call', {
      key: staff,
      body: { key: 'lead.save', params: { name: 'Anna Smith', email: 'anna@example.com', source: 'web' } },
    });
    assert.equal(saved.status, 200);
    const id = ((await saved.json()) as { data: { id: string } }).data.id;
    const event = await feed.nextEvent();
    assert.deepEqual([event.type, event.data.data.id, event.data.data.name], ['lead.created', id, 'Anna Smith']);
    await feed.cancel();
    await subscribers(0);
  });

  it('filters by type', async () => {
    const feed = await open(admin, {}, '?types=outbox.*,action.pending');
    await feed.nextEvent();
    await subscribers(1);
    bus().publish('lead.created', {});
    bus().publish('outbox.status', { status: 'sent' });
    bus().publish('action.pending', { key: 'whatsapp.send' });
    assert.equal((await feed.nextEvent()).type, 'outbox.status');
    assert.equal((await feed.nextEvent()).type, 'action.pending');
    await feed.cancel();
    await subscribers(0);
    assert.equal((await rt.request('/v1/events?types=DROP%20TABLE', { key: admin })).status, 400);
  });

  it('resumes after Last-Event-ID from the buffer, and says so when the id is too old', async () => {
    const first = bus().publish('lead.created', { n: 1 });
    bus().publish('lead.created', { n: 2 });
    bus().publish('lead.created', { n: 3 });
    const feed = await open(staff, { 'Last-Event-ID': first.id });
    const ready = await feed.nextEvent();
    assert.equal(ready.data.resumed, true);
    assert.deepEqual([(await feed.nextEvent()).data.data.n, (await feed.nextEvent()).data.data.n], [2, 3]);
    await feed.cancel();

    for (let n = 4; n < 12; n++) bus().publish('lead.created', { n });
    const late = await open(staff, {}, `?last_event_id=${first.id}`);
    assert.equal((await late.nextEvent()).data.resumed, false);
    assert.equal((await late.nextEvent()).type, 'resync');
    // The buffer holds the last 5 events.
    const replayed = [];
    for (let i = 0; i < 5; i++) replayed.push((await late.nextEvent()).data.data.n);
    assert.deepEqual(replayed, [7, 8, 9, 10, 11]);
    await late.cancel();
    await subscribers(0);
  });

  it('refuses connections over the limit with 503', async () => {
    const feeds = [await open(staff), await open(staff), await open(staff)];
    for (const f of feeds) await f.nextEvent();
    const res = await rt.request('/v1/events', { key: staff });
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { error: string }).error, 'too_many_connections');
    for (const f of feeds) await f.cancel();
    await subscribers(0);
  });

  it('over a real socket: a client that disconnects is unsubscribed, and closing the runtime ends open feeds', async () => {
    const server = await startServer(rt, { port: 0, hostname: '127.0.0.1' });
    try {
      const controller = new AbortController();
      const res = await fetch(`${server.url}/v1/events`, {
        headers: { 'x-api-key': staff },
        signal: controller.signal,
      });
      assert.equal(res.status, 200);
      const feed = new SseReader(res);
      assert.equal((await feed.nextEvent()).type, 'ready');
      await subscribers(1);
      const published = bus().publish('inbound.message', { channel: 'whatsapp', text: 'Halo' });
      assert.equal((await feed.nextEvent()).id, published.id);
      controller.abort();
      await subscribers(0);

      const second = new SseReader(await fetch(`${server.url}/v1/events`, { headers: { 'x-api-key': staff } }));
      await second.nextEvent();
      await subscribers(1);
      const { eventFeedService } = await import('../../realtime/event-feed.ts');
      rt.service(eventFeedService).close();
      assert.equal(await second.ended(), true);
      await subscribers(0);
    } finally {
      await server.close();
    }
  });
});
