/** traces.search and traces.stats over known turn traces, on both stores (PGlite, and PostgreSQL when reachable). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fixedClock } from '../../runtime/clock.ts';
import { createTestStores, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime } from '../../testing/test-runtime.ts';
import { handlers } from './index.ts';

let stores: TestStore[] = [];
before(async () => {
  stores = await createTestStores();
});
after(async () => {
  for (const s of stores) await s.close();
});

type Turn = {
  at: string;
  who: string;
  channel: string;
  route: string;
  latency: number;
  cost: number;
  local?: boolean;
  attempts?: Array<{ provider: string; outcome: string }>;
  handlers?: Array<{ key: string; outcome: string }>;
  message?: string;
};

async function seed(store: TestStore, turns: Turn[]): Promise<Record<string, string>> {
  const principals: Record<string, string> = {};
  for (const t of turns) {
    principals[t.who] ??= randomUUID();
    await store.query(
      `INSERT INTO principals (id, role, display_name) VALUES ($1, 'client', $2) ON CONFLICT DO NOTHING`,
      [principals[t.who], t.who],
    );
    const conversation = randomUUID();
    await store.query('INSERT INTO conversations (id, principal_id, channel, created_at) VALUES ($1, $2, $3, $4)', [
      conversation,
      principals[t.who],
      t.channel,
      t.at,
    ]);
    await store.query(
      `INSERT INTO turn_traces (id, conversation_id, principal_id, created_at, route, local, provider, model, attempts, cost_usd, latency_ms, handlers, outcome, message_text)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'm', $8, $9, $10, $11, 'ok', $12)`,
      [
        randomUUID(),
        conversation,
        principals[t.who],
        t.at,
        t.route,
        t.local ?? false,
        t.local ? null : (t.attempts?.at(-1)?.provider ?? 'llama'),
        JSON.stringify(t.attempts ?? []),
        t.cost,
        t.latency,
        JSON.stringify((t.handlers ?? []).map((h) => ({ ...h, duration_ms: 5 }))),
        t.message ?? 'hi',
      ],
    );
  }
  return principals;
}

describe('traces.search and traces.stats on every store', () => {
  it('find turns by client, channel and date, and sum spend, local hits, latency percentiles, tools and provider errors', async () => {
    for (const store of stores) {
      await store.reset();
      const rt = await createTestRuntime({ store, handlers, clock: fixedClock('2026-11-20T12:00:00Z') });
      try {
        const principals = await seed(store, [
          {
            at: '2026-11-19T01:00:00Z',
            who: 'Marco Rossi',
            channel: 'web',
            route: 'single',
            latency: 100,
            cost: 0.01,
            attempts: [
              { provider: 'groq', outcome: 'failed' },
              { provider: 'llama', outcome: 'ok' },
            ],
            handlers: [{ key: 'team.list', outcome: 'ok' }],
          },
          {
            at: '2026-11-19T02:00:00Z',
            who: 'Marco Rossi',
            channel: 'whatsapp',
            route: 'single',
            latency: 200,
            cost: 0.02,
            attempts: [
              { provider: 'groq', outcome: 'skipped_cooldown' },
              { provider: 'llama', outcome: 'ok' },
            ],
            handlers: [{ key: 'team.list', outcome: 'error' }],
          },
          {
            at: '2026-11-20T03:00:00Z',
            who: 'Ayu',
            channel: 'web',
            route: 'single',
            latency: 300,
            cost: 0.04,
            message: 'KITAS?',
          },
          {
            at: '2026-11-20T04:00:00Z',
            who: 'Ayu',
            channel: 'web',
            route: 'single',
            latency: 400,
            cost: 0,
            local: true,
          },
          { at: '2026-10-01T04:00:00Z', who: 'Old', channel: 'web', route: 'single', latency: 9000, cost: 1 },
        ]);
        const { key: staff } = await rt.key('staff');
        const { key: client } = await rt.key('client');
        const call = async (key: string, params: unknown, apiKey = staff) =>
          (await (await rt.request('/call', { key: apiKey, body: { key, params } })).json()) as any;

        const marco = (await call('traces.search', { client: 'marco' })).data;
        assert.equal(marco.count, 2, store.kind);
        assert.deepEqual(
          marco.turns.map((t: any) => t.channel),
          ['whatsapp', 'web'],
        );
        assert.deepEqual(
          marco.turns[1].attempts.map((a: any) => a.outcome),
          ['failed', 'ok'],
        );
        assert.equal(
          (await call('traces.search', { client: principals.Ayu, channel: 'web', from: '2026-11-20' })).data.count,
          2,
        );
        assert.equal((await call('traces.search', { channel: 'whatsapp' })).data.turns[0].client, 'Marco Rossi');
        assert.equal((await call('traces.search', { from: '2026-09-01', to: '2026-10-02' })).data.count, 1);
        assert.equal((await call('traces.search', {}, client)).error, 'forbidden');

        const stats = (await call('traces.stats', { days: 2 })).data;
        assert.deepEqual(
          stats.spend,
          [
            { day: '2026-11-19', provider: 'llama', cost_usd: 0.03, turns: 2 },
            { day: '2026-11-20', provider: 'llama', cost_usd: 0.04, turns: 1 },
            { day: '2026-11-20', provider: 'local', cost_usd: 0, turns: 1 },
          ],
          store.kind,
        );
        assert.deepEqual(
          stats.daily.map((d: any) => d.local_hit_rate),
          [0, 0.5],
        );
        // percentile_cont over 100, 200, 300, 400 ms (the October turn is outside the two days).
        assert.deepEqual(stats.latency, [{ route: 'single', turns: 4, p50: 250, p95: 385, p99: 397 }]);
        assert.deepEqual(stats.tools, [{ key: 'team.list', calls: 2, ok: 1, success_rate: 0.5 }]);
        assert.deepEqual(stats.providers, [
          { provider: 'groq', attempts: 2, errors: 1, cooldowns: 1 },
          { provider: 'llama', attempts: 2, errors: 0, cooldowns: 0 },
        ]);
      } finally {
        await rt.close();
      }
    }
  });
});
