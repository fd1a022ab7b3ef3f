/**
 * Findings 1 and 2 of the security review, performed through the HTTP API on PGlite and PostgreSQL: a model may not
 * reach administrative handlers, secrets never stay in stored actions or turns, only the proposer and those who may
 * approve see an action, and an approved action runs as the person whose turn proposed it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { z } from 'zod';
import { handlers as adminHandlers } from '../../src/handlers/admin/index.ts';
import { aiChat } from '../../src/handlers/ai/chat.ts';
import { defineHandler, type AnyHandler } from '../../src/handlers/handler.ts';
import { handlers as memoryHandlers } from '../../src/handlers/memory/index.ts';
import { resolveConfig } from '../../src/orchestrator/config.ts';
import { orchestratorService } from '../../src/orchestrator/orchestrator.ts';
import { createTestStores, type TestStore } from '../../src/testing/test-stores.ts';
import { escalate, offerAll } from '../../src/testing/fake-model-servers/orchestrator-test-kit.ts';
import { startFakeModelServer, type FakeModelServer } from '../../src/testing/fake-model-servers/fake-model-server.ts';
import { createTestRuntime, type TestRuntime } from '../../src/testing/test-runtime.ts';

const TOKEN = 'tok_live_secret_value_0123456789';
// A handler whose result carries a secret, callable by models (it is not administrative).
const tokenIssue = defineHandler({
  key: 'test.token_issue',
  category: 'business',
  description: 'Test-only write that issues an access token and returns it once.',
  input: z.object({ label: z.string().min(1).describe('What the token is for') }),
  effect: 'write',
  roles: ['admin', 'staff', 'client'],
  secretOutput: ['token'],
  examples: [
    { description: 'Issue a token', params: { label: 'a' } },
    { description: 'Buat token', params: { label: 'b' } },
  ],
  async run(input) {
    return { label: input.label, token: TOKEN };
  },
});
const tokenPeek = defineHandler({
  key: 'test.token_peek',
  category: 'business',
  description: 'Test-only read that returns a secret token, as a model tool would see it.',
  input: z.object({}),
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  secretOutput: ['token'],
  examples: [
    { description: 'Peek', params: {} },
    { description: 'Lihat', params: {} },
  ],
  async run() {
    return { token: TOKEN, note: 'visible' };
  },
});
const adminWrite = defineHandler({
  key: 'test.admin_write',
  category: 'business',
  description: 'Test-only write that only the admin role may run.',
  input: z.object({ note: z.string().min(1).describe('A note') }),
  effect: 'write',
  roles: ['admin'],
  examples: [
    { description: 'Write', params: { note: 'a' } },
    { description: 'Tulis', params: { note: 'b' } },
  ],
  async run(input) {
    return { written: input.note };
  },
});

const handlers = [...adminHandlers, ...memoryHandlers, aiChat, tokenIssue, tokenPeek, adminWrite] as AnyHandler[];
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

async function withRuntime(store: TestStore, fn: (rt: TestRuntime) => Promise<void>): Promise<void> {
  await store.reset();
  fake.reset();
  const rt = await createTestRuntime({ store, handlers, env: { LLAMA_BASE_URL: fake.baseURL, LLAMA_MODEL: 'm' } });
  rt.service(orchestratorService).configure({
    config: resolveConfig({}, rt.env, 'test'),
    tryLocalAnswer: escalate,
    selectTools: offerAll,
    hooks: [],
  });
  try {
    await fn(rt);
  } finally {
    await rt.service(orchestratorService).idle();
    await rt.close();
  }
}

type Turn = { pending_actions: Array<{ id: string }>; conversation_id: string };
async function chat(rt: TestRuntime, key: string, tool: string, args: Record<string, unknown>): Promise<Turn> {
  fake.enqueue({ toolCalls: [{ name: tool, args }] }, { text: 'Done what I could.' });
  const res = await rt.request('/v1/chat', { key, body: { message: `please run ${tool}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as Turn;
}
const call = async (rt: TestRuntime, key: string, handler: string, params: Record<string, unknown>) =>
  rt.request('/call', { key, body: { key: handler, params } });
const count = async (rt: TestRuntime, sql: string, params: unknown[] = []) =>
  (await rt.store.query<{ n: number }>(sql, params)).rows[0].n;

describe('finding 1: a staff key can no longer become an admin key', () => {
  test('keys.* and system.config are never offered to a model, and a model asking for them gets nothing', async () => {
    for (const store of stores) {
      await withRuntime(store, async (rt) => {
        const admin = await rt.key('admin');
        const turn = await chat(rt, admin.key, 'keys-create', { role: 'admin', name: 'from the model' });
        assert.deepEqual(turn.pending_actions, [], store.kind);
        const offered = (fake.requests[0].body.tools as Array<{ function: { name: string } }>).map(
          (t) => t.function.name,
        );
        for (const name of ['keys-create', 'keys-list', 'keys-revoke', 'system-config'])
          assert.ok(!offered.includes(name), `${name} offered`);
        assert.ok(offered.includes('memory-save'));
        assert.equal(await count(rt, 'SELECT count(*)::int AS n FROM pending_actions'), 0, store.kind);
        assert.equal(
          await count(rt, `SELECT count(*)::int AS n FROM api_keys WHERE name = 'from the model'`),
          0,
          store.kind,
        );
      });
    }
  });

  test('a keys.create action stored before the fix is hidden from staff and refused to admin', async () => {
    for (const store of stores) {
      await withRuntime(store, async (rt) => {
        const admin = await rt.key('admin');
        const staff = await rt.key('staff');
        const id = randomUUID();
        await rt.store.query(
          `INSERT INTO pending_actions (id, principal_id, handler_key, params, summary, status, expires_at)
          VALUES ($1, $2, 'keys.create', $3, 'keys.create', 'pending', now() + interval '1 hour')`,
          [id, admin.principal.id, JSON.stringify({ role: 'admin', name: 'sneaky' })],
        );
        assert.equal((await rt.request(`/v1/actions/${id}`, { key: staff.key })).status, 404, store.kind);
        assert.deepEqual((await (await rt.request('/v1/actions', { key: staff.key })).json()).actions, []);
        const approved = await rt.request(`/v1/actions/${id}/approve`, { key: admin.key, body: {} });
        assert.equal(approved.status, 403, store.kind);
        assert.equal(await count(rt, `SELECT count(*)::int AS n FROM api_keys WHERE name = 'sneaky'`), 0);
      });
    }
  });

  test('a secret output is answered once to the direct caller and stored redacted everywhere else', async () => {
    for (const store of stores) {
      await withRuntime(store, async (rt) => {
        const admin = await rt.key('admin');
        const client = await rt.key('client');
        const staff = await rt.key('staff');
        // The direct, synchronous answer carries the key once.
        const created = await (await call(rt, admin.key, 'keys.create', { role: 'staff', name: 'Reception' })).json();
        assert.match(created.data.key, /^zt_/);

        // Through an approval: the result stored, listed and returned to the approver is redacted.
        const turn = await chat(rt, client.key, 'test-token_issue', { label: 'portal' });
        const id = turn.pending_actions[0].id;
        const approved = await (await rt.request(`/v1/actions/${id}/approve`, { key: staff.key, body: {} })).json();
        assert.equal(approved.action.status, 'executed', store.kind);
        assert.deepEqual(approved.action.result, { label: 'portal', token: '[redacted]' });
        const shown = await (await rt.request(`/v1/actions/${id}`, { key: client.key })).json();
        assert.equal(shown.action.result.token, '[redacted]');

        // Run by the model: neither the model nor the stored turn sees the secret.
        fake.reset();
        await chat(rt, client.key, 'test-token_peek', {});
        await rt.service(orchestratorService).idle();
        assert.ok(!JSON.stringify(fake.requests[1].body).includes(TOKEN), 'the model saw the secret');
        assert.ok(JSON.stringify(fake.requests[1].body).includes('visible'));
        for (const table of ['pending_actions', 'conversation_messages', 'turn_traces', 'audit_log']) {
          const { rows } = await rt.store.query(`SELECT * FROM ${table}`);
          assert.ok(!JSON.stringify(rows).includes(TOKEN), `${table} holds the secret (${store.kind})`);
          assert.ok(!JSON.stringify(rows).includes(created.data.key), `${table} holds the API key (${store.kind})`);
        }
      });
    }
  });

  test('an action is visible only to its proposer and to those whose role may approve it', async () => {
    for (const store of stores) {
      await withRuntime(store, async (rt) => {
        const admin = await rt.key('admin');
        const staff = await rt.key('staff');
        const otherClient = await rt.key('client');
        const turn = await chat(rt, admin.key, 'test-admin_write', { note: 'payroll' });
        const id = turn.pending_actions[0].id;
        assert.equal((await rt.request(`/v1/actions/${id}`, { key: admin.key })).status, 200);
        assert.equal((await rt.request(`/v1/actions/${id}`, { key: staff.key })).status, 404, store.kind);
        assert.equal((await rt.request(`/v1/actions/${id}`, { key: otherClient.key })).status, 404);
        assert.equal((await rt.request(`/v1/actions/${id}/approve`, { key: staff.key, body: {} })).status, 404);
      });
    }
  });
});

describe('finding 2: an approved action runs as its proposer, never as the approver', () => {
  test("a client's memory.forget approved by staff erases the client's memory, not the staff member's", async () => {
    for (const store of stores) {
      await withRuntime(store, async (rt) => {
        const staff = await rt.key('staff');
        const client = await rt.key('client');
        assert.equal(
          (await call(rt, staff.key, 'memory.save', { content: 'Staff desk is on the second floor', key: 'desk' }))
            .status,
          200,
        );
        assert.equal(
          (await call(rt, client.key, 'memory.save', { content: 'Holds an E33G KITAS', key: 'permit' })).status,
          200,
        );
        const turn = await chat(rt, client.key, 'memory-forget', { confirm: true });
        const approved = await rt.request(`/v1/actions/${turn.pending_actions[0].id}/approve`, {
          key: staff.key,
          body: {},
        });
        assert.equal(approved.status, 200, store.kind);
        const action = (await approved.json()).action;
        assert.equal(action.status, 'executed');
        assert.equal(action.decided_by, staff.principal.id);
        assert.equal(action.result.user_id, client.principal.id);
        const staffFacts = await (await call(rt, staff.key, 'memory.list', {})).json();
        assert.equal(staffFacts.data.total ?? staffFacts.data.facts.length, 1, `staff memory erased (${store.kind})`);
        const clientFacts = await (await call(rt, client.key, 'memory.list', {})).json();
        assert.equal(clientFacts.data.facts.length, 0);
        // The audit row names the proposer as the one who ran it.
        const audit = await rt.store.query<{ principal_id: string }>(
          `SELECT principal_id FROM audit_log WHERE handler_key = 'memory.forget'`,
        );
        assert.deepEqual(
          audit.rows.map((r) => r.principal_id),
          [client.principal.id],
        );
      });
    }
  });

  test("a client cannot reach another user's memory through staff approval, proposed or edited", async () => {
    for (const store of stores) {
      await withRuntime(store, async (rt) => {
        const staff = await rt.key('staff');
        const client = await rt.key('client');
        const victim = await rt.key('client');
        await call(rt, victim.key, 'memory.save', { content: 'Passport number kept by the office', key: 'passport' });
        const victimFacts = async () =>
          JSON.stringify(
            (await (await call(rt, victim.key, 'memory.list', {})).json()).data.facts.map(
              (f: { content: string }) => f.content,
            ),
          );
        const before = await victimFacts();

        const proposed = await chat(rt, client.key, 'memory-save', {
          content: 'overwritten',
          key: 'passport',
          user_id: victim.principal.id,
        });
        const first = await (
          await rt.request(`/v1/actions/${proposed.pending_actions[0].id}/approve`, { key: staff.key, body: {} })
        ).json();
        assert.equal(first.action.status, 'failed', store.kind);
        assert.equal(first.action.result.error, 'forbidden');

        const innocent = await chat(rt, client.key, 'memory-save', { content: 'likes mornings', key: 'slot' });
        const edited = await (
          await rt.request(`/v1/actions/${innocent.pending_actions[0].id}/approve`, {
            key: staff.key,
            body: { params: { content: 'overwritten', key: 'passport', user_id: victim.principal.id } },
          })
        ).json();
        assert.equal(edited.action.status, 'failed', store.kind);
        assert.equal(await victimFacts(), before, `the victim's memory changed (${store.kind})`);
      });
    }
  });

  test('an action whose proposer key was revoked does not run', async () => {
    for (const store of stores) {
      await withRuntime(store, async (rt) => {
        const admin = await rt.key('admin');
        const staff = await rt.key('staff');
        const client = await rt.key('client');
        const turn = await chat(rt, client.key, 'memory-save', { content: 'late fact', key: 'late' });
        const keyId = client.principal.keyId!;
        assert.equal((await call(rt, admin.key, 'keys.revoke', { id: keyId })).status, 200);
        const res = await rt.request(`/v1/actions/${turn.pending_actions[0].id}/approve`, { key: staff.key, body: {} });
        assert.equal(res.status, 409, store.kind);
        assert.equal((await res.json()).error, 'proposer_revoked');
      });
    }
  });
});
