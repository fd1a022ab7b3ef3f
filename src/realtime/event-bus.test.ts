import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../runtime/clock.ts';
import { EventBus } from './event-bus.ts';

describe('EventBus', () => {
  it('delivers to subscribers, counts by type, stamps events with the clock', () => {
    const bus = new EventBus({ clock: fixedClock('2026-03-01T01:02:03Z') });
    const seen: string[] = [];
    const off = bus.subscribe((e) => seen.push(e.type));
    const event = bus.publish('lead.created', { id: 'l1' });
    bus.publish('outbox.status', { status: 'sent' });
    bus.publish('lead.created', { id: 'l2' });
    off();
    bus.publish('lead.created', { id: 'l3' });
    assert.deepEqual(seen, ['lead.created', 'outbox.status', 'lead.created']);
    assert.equal(event.at, '2026-03-01T01:02:03.000Z');
    const stats = bus.stats();
    assert.deepEqual(stats.published_by_type, { 'lead.created': 3, 'outbox.status': 1 });
    assert.equal(stats.published, 4);
    assert.equal(stats.subscribers, 0);
  });

  it('a throwing subscriber does not stop the others', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe(() => {
      throw new Error('broken console');
    });
    bus.subscribe((e) => seen.push(e.type));
    bus.publish('action.pending', {});
    assert.deepEqual(seen, ['action.pending']);
  });

  it('keeps a bounded buffer and resumes after a known id', () => {
    const bus = new EventBus({ bufferSize: 3 });
    const ids = ['a', 'b', 'c', 'd', 'e'].map((n) => bus.publish('test.n', { n }).id);
    assert.equal(bus.stats().buffered, 3);
    assert.deepEqual(
      bus.since(ids[2]).events.map((e) => e.data.n),
      ['d', 'e'],
    );
    assert.equal(bus.since(ids[2]).complete, true);
    assert.deepEqual(bus.since(ids[4]).events, []);
    // Evicted: everything still buffered, flagged incomplete.
    const old = bus.since(ids[0]);
    assert.equal(old.complete, false);
    assert.deepEqual(
      old.events.map((e) => e.data.n),
      ['c', 'd', 'e'],
    );
    assert.deepEqual(bus.since(undefined), { events: [], complete: true });
  });

  it('delivers remote events once, keeping their id', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribe((e) => seen.push(e.id));
    const remote = {
      id: 'remote-1',
      type: 'lead.created',
      at: '2026-03-01T00:00:00.000Z',
      audience: ['staff', 'admin'] as Array<'staff' | 'admin'>,
      data: {},
    };
    assert.equal(bus.deliver(remote), true);
    assert.equal(bus.deliver(remote), false);
    assert.deepEqual(seen, ['remote-1']);
    assert.equal(bus.stats().received_remote, 1);
    assert.equal(bus.stats().published, 0);
    assert.deepEqual(bus.since('remote-1'), { events: [], complete: true });
  });
});
