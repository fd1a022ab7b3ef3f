import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existingTables } from '../../analytics/store-tables.ts';
import { fixedClock } from '../../runtime/clock.ts';
import { createTestStores, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';

// "Now" is 2026-03-20 12:00 WITA. The default dashboard period is 2026-03-14 00:00 to now (WITA).
const NOW = '2026-03-20T04:00:00Z';
const stores = await createTestStores();
after(async () => {
  for (const store of stores) await store.close();
});

for (const store of stores) {
  describe(`dashboard.main and analytics.report (${store.kind})`, () => {
    let rt: TestRuntime;
    let staff: string;
    let client: string;
    let tables: Set<string>;

    before(async () => {
      await (store as TestStore).reset();
      rt = await createTestRuntime({ store, clock: fixedClock(NOW) });
      const s = await rt.key('staff');
      staff = s.key;
      client = (await rt.key('client')).key;
      const who = s.principal.id;
      tables = await existingTables(store, [
        'conversations',
        'turn_traces',
        'pending_actions',
        'outbox',
        'inbound_messages',
        'memory_facts',
      ]);
      console.log(`# ${store.kind}: optional tables present: ${[...tables].sort().join(', ') || 'none'}`);

      for (const [at, source, status] of [
        ['2026-03-18T01:00:00Z', 'website', 'new'],
        ['2026-03-18T02:00:00Z', 'website', 'new'],
        ['2026-03-19T15:30:00Z', 'whatsapp', 'contacted'],
        ['2026-02-01T00:00:00Z', 'website', 'new'],
      ]) {
        await store.query('INSERT INTO leads (id, created_at, name, source, status) VALUES ($1, $2, $3, $4, $5)', [
          randomUUID(),
          at,
          'Lead',
          source,
          status,
        ]);
      }
      for (const [at, outcome, code] of [
        ['2026-03-18T03:00:00Z', 'ok', null],
        ['2026-03-19T03:00:00Z', 'ok', null],
        ['2026-03-19T04:00:00Z', 'error', 'contact_conflict'],
      ]) {
        await store.query(
          `INSERT INTO audit_log (at, principal_id, role, handler_key, effect, outcome, error_code, duration_ms)
          VALUES ($1, $2, 'staff', 'identity.link_contact', 'write', $3, $4, 5)`,
          [at, who, outcome, code],
        );
      }
      if (tables.has('conversations')) {
        await store.query(
          `INSERT INTO conversations (id, principal_id, channel, created_at, updated_at) VALUES
          ($1, $3, 'web', '2026-03-18T01:00:00Z', '2026-03-18T01:10:00Z'), ($2, $3, 'whatsapp', '2026-03-19T01:00:00Z', '2026-03-19T01:00:00Z')`,
          [randomUUID(), randomUUID(), who],
        );
      }
      if (tables.has('turn_traces')) {
        const turn = (
          at: string,
          route: string,
          local: boolean,
          provider: string | null,
          cost: number,
          input: number,
          output: number,
          latency: number,
          handlers: unknown[],
          outcome: string,
        ) =>
          store.query(
            `INSERT INTO turn_traces (id, principal_id, created_at, route, local, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, handlers, outcome)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)`,
            [
              randomUUID(),
              who,
              at,
              route,
              local,
              provider,
              provider ? 'model-a' : null,
              input,
              output,
              cost,
              latency,
              JSON.stringify(handlers),
              outcome,
            ],
          );
        await turn(
          '2026-03-18T01:01:00Z',
          'local',
          true,
          null,
          0,
          0,
          0,
          20,
          [{ key: 'bali.zero.pricing', duration_ms: 3, outcome: 'ok' }],
          'ok',
        );
        await turn(
          '2026-03-18T01:05:00Z',
          'balanced',
          false,
          'anthropic',
          0.0125,
          1200,
          300,
          900,
          [
            { key: 'whatsapp.send', duration_ms: 0, outcome: 'pending_approval' },
            { key: 'bali.zero.pricing', duration_ms: 2, outcome: 'ok' },
          ],
          'ok',
        );
        await turn(
          '2026-03-19T01:00:00Z',
          'balanced',
          false,
          'anthropic',
          0.0025,
          800,
          0,
          3000,
          [{ key: 'kbli.lookup', duration_ms: 4, outcome: 'error' }],
          'error',
        );
      }
      if (tables.has('pending_actions')) {
        await store.query(
          `INSERT INTO pending_actions (id, principal_id, handler_key, params, summary, status, expires_at, created_at) VALUES
          ($1, $3, 'whatsapp.send', '{}'::jsonb, 'Send', 'pending', '2026-03-21T00:00:00Z', '2026-03-18T01:05:00Z'),
          ($2, $3, 'email.send', '{}'::jsonb, 'Mail', 'executed', '2026-03-19T00:00:00Z', '2026-03-18T02:00:00Z')`,
          [randomUUID(), randomUUID(), who],
        );
      }
      if (tables.has('outbox')) {
        for (const [status, channel, at] of [
          ['sent', 'whatsapp', '2026-03-18T05:00:00Z'],
          ['failed', 'email', '2026-03-19T05:00:00Z'],
          ['sandboxed', 'slack', '2026-03-19T06:00:00Z'],
          ['pending', 'whatsapp', '2026-03-19T07:00:00Z'],
        ]) {
          await store.query(
            `INSERT INTO outbox (id, idempotency_key, channel, destination, payload, status, created_at) VALUES ($1, $2, $3, 'x', '{}'::jsonb, $4, $5)`,
            [randomUUID(), randomUUID(), channel, status, at],
          );
        }
      }
      if (tables.has('memory_facts')) {
        for (const [name, expires] of [
          ['Ana', '2026-03-10'],
          ['Budi', '2026-04-10'],
          ['Carla', '2026-06-01'],
        ]) {
          const id = randomUUID();
          await store.query(`INSERT INTO principals (id, role, display_name) VALUES ($1, 'client', $2)`, [id, name]);
          await store.query(
            `INSERT INTO memory_facts (id, principal_id, type, key, content, data) VALUES ($1, $2, 'profile', 'permit_expiry', 'x', $3::jsonb)`,
            [randomUUID(), id, JSON.stringify({ expires_on: expires, permit: 'E33G' })],
          );
        }
      }
      if (tables.has('inbound_messages')) {
        for (const at of ['2026-03-18T00:30:00Z', '2026-03-19T00:30:00Z']) {
          await store.query(
            `INSERT INTO inbound_messages (id, channel, provider_message_id, sender, text, received_at, status) VALUES ($1, 'whatsapp', $2, '628111', 'Halo', $3, 'done')`,
            [randomUUID(), randomUUID(), at],
          );
        }
      }
    });
    after(async () => {
      await rt.close();
    });

    async function call(key: string, handler: string, params: Record<string, unknown> = {}) {
      const res = await rt.request('/call', { key, body: { key: handler, params } });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    }

    it('dashboard.main counts what is in the store for the last 7 days', async () => {
      const res = await call(staff, 'dashboard.main');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const d = res.body.data;
      assert.deepEqual(d.period, {
        from: '2026-03-13T16:00:00.000Z',
        to: '2026-03-20T04:00:00.000Z',
        timezone: 'Asia/Makassar',
      });
      assert.deepEqual(d.leads, {
        new: 3,
        by_source: { website: 2, whatsapp: 1 },
        by_status: { new: 2, contacted: 1 },
        open_now: 3,
      });
      assert.equal(d.handler_calls.audited_writes.total, 3);
      assert.equal(d.handler_calls.audited_writes.error, 1);
      assert.deepEqual(d.handler_calls.audited_writes.error_codes, { contact_conflict: 1 });

      assert.equal(d.conversations.available, tables.has('conversations'));
      if (tables.has('conversations'))
        assert.deepEqual([d.conversations.started, d.conversations.by_channel], [2, { web: 1, whatsapp: 1 }]);
      assert.equal(d.turns.available, tables.has('turn_traces'));
      if (tables.has('turn_traces')) {
        assert.equal(d.turns.count, 3);
        assert.equal(d.turns.errors, 1);
        assert.equal(d.turns.local, 1);
        assert.equal(d.turns.cost_usd, 0.015);
        assert.deepEqual(d.turns.tokens, { input: 2000, cached_input: 0, output: 300 });
        assert.deepEqual(d.turns.by_route, { balanced: 2, local: 1 });
        assert.deepEqual(d.turns.by_provider, [{ provider: 'anthropic', model: 'model-a', turns: 2, cost_usd: 0.015 }]);
        assert.deepEqual(d.handler_calls.in_chat.by_outcome, { ok: 2, error: 1, pending_approval: 1 });
        assert.deepEqual(d.handler_calls.in_chat.by_handler[0], {
          key: 'bali.zero.pricing',
          calls: 2,
          ok: 2,
          error: 0,
        });
      }
      if (tables.has('pending_actions')) assert.deepEqual([d.approvals.requested, d.approvals.waiting_now], [2, 1]);
      if (tables.has('outbox')) {
        assert.deepEqual(d.outbox.by_status, { failed: 1, pending: 1, sandboxed: 1, sent: 1 });
        assert.deepEqual([d.outbox.queued_now, d.outbox.failed_now], [1, 1]);
      }
      if (tables.has('inbound_messages')) assert.deepEqual(d.inbound.by_channel, { whatsapp: 2 });
      // As of 20 March: Ana's permit has expired, Budi's expires within 30 days, Carla's later.
      assert.deepEqual(
        d.permits,
        tables.has('memory_facts')
          ? { available: true, expired: 1, expiring_30_days: 1 }
          : { available: false, expired: 0, expiring_30_days: 0 },
      );
    });

    it('dashboard.main for a period with nothing in it is all zeros, not demo data', async () => {
      const res = await call(staff, 'dashboard.main', { from: '2025-01-01', to: '2025-01-31' });
      const d = res.body.data;
      assert.deepEqual(
        [
          d.leads.new,
          d.turns.count,
          d.turns.cost_usd,
          d.handler_calls.audited_writes.total,
          d.outbox.created,
          d.inbound.received,
        ],
        [0, 0, 0, 0, 0, 0],
      );
      assert.deepEqual(d.leads.by_source, {});
    });

    it('analytics.report lists every local day with its numbers and totals', async () => {
      const res = await call(staff, 'analytics.report', { from: '2026-03-17', to: '2026-03-20' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const r = res.body.data;
      assert.deepEqual(
        r.rows.map((row: any) => row.day),
        ['2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20'],
      );
      // 2026-03-19T15:30Z is 23:30 on the 19th in WITA; 2026-03-18T01:00Z is 09:00 on the 18th.
      assert.deepEqual(
        r.rows.map((row: any) => row.leads),
        [0, 2, 1, 0],
      );
      assert.deepEqual(
        r.rows.map((row: any) => row.audited_errors),
        [0, 0, 1, 0],
      );
      if (tables.has('turn_traces')) {
        assert.deepEqual(
          r.rows.map((row: any) => row.turns),
          [0, 2, 1, 0],
        );
        assert.deepEqual(
          r.rows.map((row: any) => row.chat_handler_calls),
          [0, 3, 1, 0],
        );
        assert.equal(r.totals.cost_usd, 0.015);
      }
      if (tables.has('outbox'))
        assert.deepEqual([r.totals.outbox_sent, r.totals.outbox_failed, r.totals.outbox_sandboxed], [1, 1, 1]);
      assert.equal(r.totals.leads, 3);
      const metricsOf: Record<string, string[]> = {
        conversations: ['conversations_started'],
        pending_actions: ['approvals_requested'],
        turn_traces: [
          'turns',
          'turn_errors',
          'local_turns',
          'input_tokens',
          'output_tokens',
          'cost_usd',
          'chat_handler_calls',
        ],
        outbox: ['outbox_sent', 'outbox_failed', 'outbox_sandboxed'],
        inbound_messages: ['inbound_messages'],
      };
      const missing = Object.entries(metricsOf)
        .filter(([t]) => !tables.has(t))
        .flatMap(([, m]) => m);
      assert.deepEqual([...r.unavailable].sort(), missing.sort());
    });

    it('days follow the requested time zone', async () => {
      // 2026-03-18T01:00Z and 02:00Z are the morning of the 18th in Bali but the evening of the 17th in Los Angeles.
      const bali = await call(staff, 'analytics.report', { from: '2026-03-17', to: '2026-03-17' });
      assert.deepEqual(
        bali.body.data.rows.map((row: any) => [row.day, row.leads]),
        [['2026-03-17', 0]],
      );
      const la = await call(staff, 'analytics.report', {
        from: '2026-03-17',
        to: '2026-03-17',
        timezone: 'America/Los_Angeles',
      });
      assert.deepEqual(
        la.body.data.rows.map((row: any) => [row.day, row.leads]),
        [['2026-03-17', 2]],
      );
      assert.equal(la.body.data.period.from, '2026-03-17T07:00:00.000Z');
      assert.equal(
        (await call(staff, 'analytics.report', { from: '2026-03-19', timezone: 'Mars/Olympus' })).status,
        400,
      );
    });

    it('is closed to clients', async () => {
      assert.equal((await call(client, 'dashboard.main')).status, 403);
      assert.equal((await call(client, 'analytics.report', { from: '2026-03-01' })).status, 403);
    });

    it('reports a missing table as unavailable with zeros instead of failing', async () => {
      await store.exec('DROP TABLE IF EXISTS inbound_messages CASCADE; DROP TABLE IF EXISTS outbox CASCADE');
      const d = (await call(staff, 'dashboard.main')).body.data;
      assert.deepEqual(d.outbox, {
        available: false,
        created: 0,
        by_status: {},
        by_channel: {},
        queued_now: 0,
        failed_now: 0,
      });
      assert.equal(d.inbound.available, false);
      assert.equal(d.leads.new, 3);
      const r = (await call(staff, 'analytics.report', { from: '2026-03-18', to: '2026-03-19' })).body.data;
      assert.ok(r.unavailable.includes('outbox_sent') && r.unavailable.includes('inbound_messages'));
      assert.equal(r.totals.outbox_sent, 0);
    });
  });
}
