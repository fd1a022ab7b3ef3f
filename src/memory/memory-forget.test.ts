import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestStores, type TestStore } from '../testing/test-stores.ts';
import type { Store } from '../store/store.ts';
import { MemoryFacts } from './memory-facts.ts';

const stores = await createTestStores();

async function seedUser(store: Store, memory: MemoryFacts, label: string): Promise<string> {
  const id = randomUUID();
  await store.query(`INSERT INTO principals (id, role, display_name) VALUES ($1, 'client', $2)`, [id, label]);
  await memory.save(id, { content: `${label} is from Milan`, key: 'city', type: 'profile' });
  await memory.save(id, { content: `${label} wants a KITAS`, type: 'case' });
  const conversation = randomUUID();
  await store.query(`INSERT INTO conversations (id, principal_id, channel) VALUES ($1, $2, 'web')`, [conversation, id]);
  for (const role of ['user', 'assistant', 'tool']) {
    await store.query(
      `INSERT INTO conversation_messages (conversation_id, principal_id, role, content) VALUES ($1, $2, $3, $4)`,
      [conversation, id, role, `${label} message`],
    );
  }
  await store.query(
    `INSERT INTO turn_traces (id, conversation_id, principal_id, route, outcome, message_text) VALUES ($1, $2, $3, 'local', 'ok', $4)`,
    [randomUUID(), conversation, id, `${label} said hi`],
  );
  await store.query(
    `INSERT INTO pending_actions (id, conversation_id, principal_id, handler_key, params, summary, expires_at)
    VALUES ($1, $2, $3, 'email.send', $4, $5, now() + interval '1 day')`,
    [randomUUID(), conversation, id, JSON.stringify({ to: `${label}@example.com` }), `Send e-mail to ${label}`],
  );
  return id;
}

for (const store of stores) {
  describe(`memory.forget (${store.kind})`, () => {
    it('removes facts, conversations, messages, trace text and pending-action details of one user only, with counts', async () => {
      await store.reset();
      const memory = new MemoryFacts(store);
      const alice = await seedUser(store, memory, 'alice');
      const bob = await seedUser(store, memory, 'bob');
      const report = await memory.forget(alice);
      assert.deepEqual(report, {
        facts: 2,
        conversations: 1,
        conversation_messages: 3,
        turn_traces_text_cleared: 1,
        pending_actions_cleared: 1,
        not_present: [],
      });
      const dump = JSON.stringify(
        (
          await Promise.all([
            store.query('SELECT * FROM memory_facts'),
            store.query('SELECT * FROM conversations'),
            store.query('SELECT * FROM conversation_messages'),
            store.query('SELECT * FROM turn_traces'),
            store.query('SELECT * FROM pending_actions'),
          ])
        ).map((r) => r.rows),
      );
      assert.doesNotMatch(dump, /alice/);
      assert.match(dump, /bob said hi/);
      const pending = await store.query<{ status: string; params: unknown }>(
        'SELECT status, params FROM pending_actions WHERE principal_id = $1',
        [alice],
      );
      assert.deepEqual(pending.rows, [{ status: 'expired', params: {} }]);
      const traces = await store.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM turn_traces WHERE principal_id = $1',
        [alice],
      );
      assert.equal(traces.rows[0].n, 1, 'the accounting part of the trace stays');
      assert.equal((await memory.list(bob)).total, 2);
      // Forgetting twice is harmless and reports zeros.
      assert.deepEqual(await memory.forget(alice), {
        facts: 0,
        conversations: 0,
        conversation_messages: 0,
        turn_traces_text_cleared: 0,
        pending_actions_cleared: 0,
        not_present: [],
      });
    });
  });
}

after(async () => {
  for (const s of stores as TestStore[]) await s.close();
});
