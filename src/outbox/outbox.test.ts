import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestStores, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';
import { fixedClock } from '../runtime/clock.ts';
import { eventBusService, type ZantaraEvent } from '../realtime/event-bus.ts';
import type { ChannelDeliverer, OutboxRow } from './channel-deliverer.ts';
import { PermanentError, RetryableError } from './delivery-errors.ts';
import { Outbox } from './outbox.ts';
import { OutboxWorker } from './outbox-worker.ts';

/** A provider double: records what it accepted and fails on demand. */
function scriptedDeliverer(channel = 'test') {
  const accepted: Array<{ id: string; destination: string }> = [];
  const failures: Error[] = [];
  let configured = true;
  const deliverer: ChannelDeliverer & {
    accepted: typeof accepted;
    failures: Error[];
    setConfigured(v: boolean): void;
  } = {
    channel,
    accepted,
    failures,
    setConfigured(v) {
      configured = v;
    },
    isConfigured: () => configured,
    async deliver(_rt, row: OutboxRow) {
      const failure = failures.shift();
      if (failure) throw failure;
      accepted.push({ id: row.id, destination: row.destination });
      return { providerMessageId: `prov-${accepted.length}` };
    },
  };
  return deliverer;
}

const stores = await createTestStores();

for (const store of stores) {
  describe(`outbox on ${store.kind}`, () => {
    let rt: TestRuntime;
    const clock = fixedClock('2026-03-01T08:00:00Z');
    before(async () => {
      rt = await createTestRuntime({
        store,
        clock,
        env: { ZANTARA_OUTBOX_BACKOFF_MS: '1000', ZANTARA_OUTBOX_MAX_ATTEMPTS: '3', ZANTARA_OUTBOX_LEASE_MS: '30000' },
      });
    });
    after(async () => {
      await rt.close();
    });

    async function fresh() {
      await (store as TestStore).reset();
      const deliverer = scriptedDeliverer();
      const outbox = new Outbox(rt, [deliverer]);
      return { deliverer, outbox, worker: new OutboxWorker(rt, { outbox, id: 'worker-a' }) };
    }

    test('the same idempotency key gives the same row and one delivery', async () => {
      const { deliverer, outbox, worker } = await fresh();
      const first = await outbox.enqueue({
        channel: 'test',
        destination: 'ops',
        payload: { text: 'hi' },
        idempotencyKey: 'k-1',
      });
      const second = await outbox.enqueue({
        channel: 'test',
        destination: 'ops',
        payload: { text: 'hi' },
        idempotencyKey: 'k-1',
      });
      assert.equal(first.status, 'pending');
      assert.equal(second.id, first.id);
      assert.equal(second.duplicate, true);
      await worker.drain();
      await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'hi' }, idempotencyKey: 'k-1' });
      await worker.drain();
      assert.equal(deliverer.accepted.length, 1);
      const row = await outbox.get(first.id);
      assert.equal(row?.status, 'sent');
      assert.equal(row?.provider_message_id, 'prov-1');
    });

    test('reusing a key for another destination is refused', async () => {
      const { outbox } = await fresh();
      await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'a' }, idempotencyKey: 'k-2' });
      await assert.rejects(
        outbox.enqueue({ channel: 'test', destination: 'sales', payload: { text: 'a' }, idempotencyKey: 'k-2' }),
        { code: 'idempotency_key_reused' },
      );
    });

    test('an unconfigured channel is sandboxed and never delivered', async () => {
      const { deliverer, outbox, worker } = await fresh();
      deliverer.setConfigured(false);
      const result = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'hi' } });
      assert.equal(result.status, 'sandboxed');
      assert.match(result.note, /would send/);
      await worker.drain();
      assert.equal(deliverer.accepted.length, 0);
      assert.equal((await outbox.get(result.id))?.status, 'sandboxed');
      await assert.rejects(outbox.retry(result.id), { code: 'channel_sandboxed' });
    });

    test('ZANTARA_SANDBOX=1 sandboxes a configured channel', async () => {
      await (store as TestStore).reset();
      const sandboxRt = await createTestRuntime({ store, clock, env: { ZANTARA_SANDBOX: '1' } });
      try {
        const deliverer = scriptedDeliverer();
        const outbox = new Outbox(sandboxRt, [deliverer]);
        const result = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'hi' } });
        assert.equal(result.status, 'sandboxed');
        await new OutboxWorker(sandboxRt, { outbox }).drain();
        assert.equal(deliverer.accepted.length, 0);
      } finally {
        await sandboxRt.close();
      }
    });

    test('an unknown channel is a 422', async () => {
      const { outbox } = await fresh();
      await assert.rejects(outbox.enqueue({ channel: 'pigeon', destination: 'x', payload: {} }), {
        code: 'unknown_channel',
        status: 422,
      });
    });

    test('a retryable failure waits for Retry-After, then delivers', async () => {
      const { deliverer, outbox, worker } = await fresh();
      deliverer.failures.push(new RetryableError('429', { retryAfterMs: 120_000 }));
      const { id } = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'hi' } });
      await worker.drain();
      let row = await outbox.get(id);
      assert.equal(row?.status, 'pending');
      assert.equal(row?.attempts, 1);
      assert.equal(row?.last_error, '429');
      assert.ok(new Date(row!.next_attempt_at).getTime() >= clock.now().getTime() + 120_000);
      clock.advance(60_000);
      assert.equal(await worker.drain(), 0, 'not due before Retry-After');
      clock.advance(61_000);
      await worker.drain();
      row = await outbox.get(id);
      assert.equal(row?.status, 'sent');
      assert.equal(deliverer.accepted.length, 1);
    });

    test('backoff grows with attempts and the row fails after max attempts', async () => {
      const { deliverer, outbox, worker } = await fresh();
      deliverer.failures.push(new RetryableError('503'), new RetryableError('503'), new RetryableError('503'));
      const { id } = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'hi' } });
      const delays: number[] = [];
      for (let i = 0; i < 3; i++) {
        await worker.drain();
        const row = (await outbox.get(id))!;
        if (row.status === 'pending') {
          delays.push(new Date(row.next_attempt_at).getTime() - clock.now().getTime());
          clock.advance(10 * 60_000);
        }
      }
      const row = (await outbox.get(id))!;
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 3);
      assert.match(row.last_error ?? '', /gave up after 3 attempts/);
      assert.equal(delays.length, 2);
      assert.ok(delays[1] > delays[0], `second delay ${delays[1]} should exceed first ${delays[0]}`);
      assert.equal(deliverer.accepted.length, 0);
    });

    test('a permanent failure stops at once; staff retry sends it', async () => {
      const { deliverer, outbox, worker } = await fresh();
      deliverer.failures.push(new PermanentError('invalid recipient'));
      const { id } = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'hi' } });
      await worker.drain();
      clock.advance(24 * 3600_000);
      await worker.drain();
      assert.equal((await outbox.get(id))?.status, 'failed');
      assert.equal((await outbox.get(id))?.attempts, 1);
      await outbox.retry(id);
      await worker.drain();
      assert.equal((await outbox.get(id))?.status, 'sent');
      assert.equal(deliverer.accepted.length, 1);
    });

    test('cancel stops a pending message; a sent one cannot be cancelled', async () => {
      const { deliverer, outbox, worker } = await fresh();
      const a = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'a' } });
      await outbox.cancel(a.id);
      const b = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'b' } });
      await worker.drain();
      assert.deepEqual(
        deliverer.accepted.map((x) => x.id),
        [b.id],
      );
      await assert.rejects(outbox.cancel(b.id), { code: 'outbox_not_cancellable', status: 409 });
      await assert.rejects(outbox.cancel(randomUUID()), { code: 'outbox_not_found', status: 404 });
    });

    test('a sending row whose worker died is reclaimed after the lease, and not before', async () => {
      const { deliverer, outbox } = await fresh();
      const { id } = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'hi' } });
      const claimed = await outbox.claim('dead-worker');
      assert.equal(claimed.length, 1);
      const other = new OutboxWorker(rt, { outbox, id: 'worker-b' });
      assert.equal(await other.drain(), 0, 'a live lease is respected');
      clock.advance(31_000);
      await other.drain();
      const row = await outbox.get(id);
      assert.equal(row?.status, 'sent');
      assert.equal(row?.attempts, 2);
      assert.equal(deliverer.accepted.length, 1);
      // The dead worker wakes up late: its fenced update changes nothing.
      assert.equal(await outbox.markSent(claimed[0], 'dead-worker', 'late'), false);
      assert.equal((await outbox.get(id))?.provider_message_id, 'prov-1');
    });

    test('a reclaimed row the provider already has is marked sent without sending again', async () => {
      await (store as TestStore).reset();
      const deliverer = scriptedDeliverer();
      const seen = new Map<string, string>();
      const reconciling: ChannelDeliverer = {
        ...deliverer,
        async deliver(r, row) {
          const out = await deliverer.deliver(r, row);
          seen.set(row.id, out.providerMessageId);
          return out;
        },
        async findDelivered(_r, row) {
          const p = seen.get(row.id);
          return p ? { providerMessageId: p } : undefined;
        },
      };
      const outbox = new Outbox(rt, [reconciling]);
      const { id } = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'hi' } });
      const [row] = await outbox.claim('dies-after-send');
      await reconciling.deliver(rt, row); // provider accepted; the worker "dies" before recording it
      clock.advance(31_000);
      await new OutboxWorker(rt, { outbox, id: 'survivor' }).drain();
      assert.equal((await outbox.get(id))?.status, 'sent');
      assert.equal(deliverer.accepted.length, 1);
    });

    test('status changes are published as outbox.status events', async () => {
      const { outbox, worker } = await fresh();
      const events: ZantaraEvent[] = [];
      const off = rt.service(eventBusService).subscribe((e) => {
        if (e.type === 'outbox.status') events.push(e);
      });
      const { id } = await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'hi' } });
      await worker.drain();
      off();
      assert.deepEqual(
        events.filter((e) => e.data.id === id).map((e) => e.data.status),
        ['pending', 'sent'],
      );
    });

    test('the in-process worker delivers as soon as a message is queued', async () => {
      const { deliverer, outbox } = await fresh();
      const worker = new OutboxWorker(rt, { outbox });
      worker.start();
      try {
        const sent = new Promise<void>((resolve) => {
          const off = rt.service(eventBusService).subscribe((e) => {
            if (e.type === 'outbox.status' && e.data.status === 'sent') {
              off();
              resolve();
            }
          });
        });
        await outbox.enqueue({ channel: 'test', destination: 'ops', payload: { text: 'now' } });
        await sent;
        assert.equal(deliverer.accepted.length, 1);
      } finally {
        await worker.stop();
      }
    });
  });
}

after(async () => {
  for (const s of stores) await s.close();
});
