import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixedClock } from '../runtime/clock.ts';
import { createTestStores, type TestStore } from '../testing/test-stores.ts';
import { startFakeModelServer, type FakeModelServer } from '../testing/fake-model-servers/fake-model-server.ts';
import { createOrchestratorTestRuntime } from '../testing/fake-model-servers/orchestrator-test-kit.ts';
import type { ChatTurnResult } from '../runtime/chat-turn.ts';
import { orchestratorService } from './orchestrator.ts';

// The orchestrator's SQL (conversations, approvals, traces, usage) on PGlite and on PostgreSQL.
let stores: TestStore[];
let fake: FakeModelServer;
before(async () => {
  stores = await createTestStores();
  fake = await startFakeModelServer('openai');
});
after(async () => {
  await fake.close();
  for (const store of stores) await store.close();
});

describe('orchestrator tables on every store', () => {
  test('a turn with an approval, a follow-up, a summary and a usage report', async () => {
    for (const store of stores) {
      fake.reset();
      const clock = fixedClock('2026-11-22T03:00:00Z');
      const rt = await createOrchestratorTestRuntime({
        store,
        env: { LLAMA_BASE_URL: fake.baseURL, LLAMA_MODEL: 'm' },
        clock,
        config: {
          prices: { m: { input: 2, output: 4 } },
          conversation: { history_token_budget: 100, summarize: true },
        },
      });
      try {
        const { key } = await rt.key('client');
        const staff = await rt.key('staff');
        fake.enqueue(
          { toolCalls: [{ name: 'test-record_save', args: { name: 'Ana' } }], usage: { input: 100, output: 10 } },
          { text: 'Proposed.', usage: { input: 100, output: 10 } },
        );
        const first = (await (
          await rt.request('/v1/chat', { key, body: { message: 'save me' } })
        ).json()) as ChatTurnResult;
        assert.equal(first.pending_actions.length, 1, store.kind);
        const listed = (await (await rt.request('/v1/actions', { key: staff.key })).json()) as {
          actions: Array<{ id: string }>;
        };
        assert.deepEqual(
          listed.actions.map((a) => a.id),
          [first.pending_actions[0].id],
        );
        const approved = await rt.request(`/v1/actions/${first.pending_actions[0].id}/approve`, { key, body: {} });
        assert.equal(approved.status, 200, store.kind);
        assert.deepEqual(rt.log.saved, [{ name: 'Ana' }]);

        fake.setDefault((req) =>
          String((req.body.messages as Array<{ content: string }>)[0].content).startsWith('Summarise')
            ? { text: 'SUMMARY-OK' }
            : { text: 'z'.repeat(300) },
        );
        let conversation = first.conversation_id;
        for (let i = 0; i < 3; i++) {
          const next = (await (
            await rt.request('/v1/chat', {
              key,
              body: { message: `more ${i} ${'q'.repeat(200)}`, conversation_id: conversation },
            })
          ).json()) as ChatTurnResult;
          assert.equal(next.conversation_id, conversation);
          conversation = next.conversation_id;
        }
        await rt.service(orchestratorService).idle();
        const summary = (await rt.store.query('SELECT summary FROM conversations WHERE id = $1', [conversation]))
          .rows[0] as { summary: string };
        assert.equal(summary.summary, 'SUMMARY-OK', store.kind);

        const usage = (await (
          await rt.request('/v1/usage?group_by=route&from=2026-11-22&to=2026-11-23', { key: staff.key })
        ).json()) as { rows: Array<{ key: string; turns: number; cost_usd: number }> };
        assert.equal(usage.rows.length, 1, store.kind);
        assert.equal(usage.rows[0].key, 'single');
        assert.equal(usage.rows[0].turns, 4);
      } finally {
        await rt.close();
      }
    }
  });
});
