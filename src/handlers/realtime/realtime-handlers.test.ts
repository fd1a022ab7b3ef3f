import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventBusService } from '../../realtime/event-bus.ts';
import { SseReader } from '../../realtime/sse-reader.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';

let store: TestStore;
let rt: TestRuntime;
let admin: string;
let staff: string;
before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({ store });
  admin = (await rt.key('admin', 'Owner')).key;
  staff = (await rt.key('staff', 'Dewi')).key;
});
after(async () => {
  await rt.close();
  await store.close();
});

async function call(key: string, handler: string, params: Record<string, unknown> = {}) {
  const res = await rt.request('/call', { key, body: { key: handler, params } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

describe('realtime.broadcast and realtime.stats', () => {
  it('an admin announcement reaches the staff feed and is counted by type', async () => {
    const feed = new SseReader(await rt.request('/v1/events', { key: staff }));
    await feed.nextEvent();
    const sent = await call(admin, 'realtime.broadcast', {
      message: 'Office closes at 14:00 today.',
      level: 'warning',
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.equal(sent.body.data.connections_on_this_server, 1);
    const event = await feed.nextEvent();
    assert.equal(event.type, 'announcement');
    assert.equal(event.id, sent.body.data.event_id);
    assert.deepEqual(event.data.data, {
      message: 'Office closes at 14:00 today.',
      level: 'warning',
      from: { id: event.data.data.from.id, name: 'Owner' },
    });

    const stats = await call(staff, 'realtime.stats');
    assert.equal(stats.body.data.connected_subscribers, 1);
    assert.equal(stats.body.data.connections[0].principal_name, 'Dewi');
    assert.equal(stats.body.data.events_published_by_type.announcement, 1);
    assert.equal(stats.body.data.fan_out.enabled, false);
    const metrics = await (await rt.request('/metrics', { key: staff })).text();
    assert.match(metrics, /zantara_event_feed_connections 1/);
    assert.match(metrics, /zantara_events_published\{type="announcement"\} 1/);
    await feed.cancel();
    while (rt.service(eventBusService).stats().subscribers > 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal((await call(staff, 'realtime.stats')).body.data.connected_subscribers, 0);
  });

  it('an admin-only announcement does not reach staff', async () => {
    const staffFeed = new SseReader(await rt.request('/v1/events', { key: staff }));
    const adminFeed = new SseReader(await rt.request('/v1/events', { key: admin }));
    await staffFeed.nextEvent();
    await adminFeed.nextEvent();
    const sent = await call(admin, 'realtime.broadcast', { message: 'DB maintenance at 22:00', audience: 'admin' });
    assert.equal(sent.body.data.connections_on_this_server, 1);
    assert.equal((await adminFeed.nextEvent()).id, sent.body.data.event_id);
    const marker = rt.service(eventBusService).publish('lead.created', { marker: true });
    // The staff feed's next event is the lead, not the admin-only announcement before it.
    assert.equal((await staffFeed.nextEvent()).id, marker.id);
    await staffFeed.cancel();
    await adminFeed.cancel();
  });

  it('broadcast is admin only and audited as a send', async () => {
    assert.equal((await call(staff, 'realtime.broadcast', { message: 'hi' })).status, 403);
    const { rows } = await store.query<{ effect: string; outcome: string }>(
      `SELECT effect, outcome FROM audit_log WHERE handler_key = 'realtime.broadcast' ORDER BY id`,
    );
    assert.deepEqual(
      rows.map((r) => `${r.effect}:${r.outcome}`),
      ['send:ok', 'send:ok'],
    );
  });
});
