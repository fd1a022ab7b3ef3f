import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStores, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { MAX_FACT_CHARS } from '../../memory/memory-facts.ts';

const stores = await createTestStores();

for (const store of stores) {
  describe(`memory handlers (${store.kind})`, () => {
    let rt: TestRuntime;
    let clientA: { key: string; principal: { id: string } };
    let clientB: { key: string; principal: { id: string } };
    let staff: { key: string; principal: { id: string } };

    const call = async (key: string, params: Record<string, unknown>, as: string) => {
      const res = await rt.request('/call', { key: as, body: { key: 'memory.' + key, params } });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };

    before(async () => {
      await store.reset();
      rt = await createTestRuntime({ store });
      clientA = await rt.key('client', 'Client A');
      clientB = await rt.key('client', 'Client B');
      staff = await rt.key('staff', 'Staff');
    });
    after(async () => {
      await rt.close();
    });

    it('saves, retrieves by key and upserts a keyed fact instead of duplicating it', async () => {
      const first = await call(
        'save',
        { content: 'Nationality: Italian', type: 'profile', key: 'nationality' },
        clientA.key,
      );
      assert.equal(first.status, 200);
      assert.equal(first.body.data.outcome, 'created');
      const again = await call(
        'save',
        { content: 'Nationality: Italian', type: 'profile', key: 'nationality' },
        clientA.key,
      );
      assert.equal(again.body.data.outcome, 'unchanged');
      const changed = await call(
        'save',
        { content: 'Nationality: Australian', type: 'profile', key: 'nationality' },
        clientA.key,
      );
      assert.equal(changed.body.data.outcome, 'updated');
      assert.equal(changed.body.data.fact.id, first.body.data.fact.id);
      const got = await call('retrieve', { key: 'nationality' }, clientA.key);
      assert.equal(got.body.data.count, 1);
      assert.equal(got.body.data.facts[0].content, 'Nationality: Australian');
    });

    it("searches only the caller's facts, accent- and case-insensitively, best match first", async () => {
      await call('save', { content: 'Wants to open a PT PMA in Canggu for a café', type: 'case' }, clientA.key);
      await call('save', { content: 'Has a villa rental business in Ubud', type: 'case' }, clientA.key);
      await call('save', { content: 'Also wants a PT PMA for his cafe chain', type: 'case' }, clientB.key);
      const found = await call('search', { query: 'CAFE pt pma' }, clientA.key);
      assert.equal(found.status, 200);
      assert.equal(found.body.data.count, 1);
      assert.match(found.body.data.results[0].content, /Canggu/);
      const other = await call('search', { query: 'cafe' }, clientB.key);
      assert.equal(other.body.data.count, 1);
      assert.match(other.body.data.results[0].content, /chain/);
    });

    it('lists with a total and deletes one fact; another client cannot delete it', async () => {
      const listed = await call('list', {}, clientA.key);
      assert.equal(listed.body.data.total, 3);
      const target = listed.body.data.facts.find((f: any) => /villa/.test(f.content));
      const stolen = await call('delete', { id: target.id }, clientB.key);
      assert.equal(stolen.status, 404);
      const deleted = await call('delete', { id: target.id }, clientA.key);
      assert.equal(deleted.status, 200);
      assert.equal(deleted.body.data.deleted.id, target.id);
      assert.equal((await call('list', {}, clientA.key)).body.data.total, 2);
      assert.equal((await call('delete', { key: 'no_such_key' }, clientA.key)).status, 404);
    });

    it('a client passing user_id gets 403, even its own id, and sees nothing of the other client', async () => {
      for (const [handler, params] of [
        ['list', {}],
        ['search', { query: 'cafe' }],
        ['retrieve', {}],
        ['save', { content: 'x' }],
        ['forget', { confirm: true }],
      ] as const) {
        const res = await call(handler, { ...params, user_id: clientB.principal.id }, clientA.key);
        assert.equal(res.status, 403, handler);
        assert.equal(res.body.error, 'forbidden');
      }
      assert.equal((await call('list', { user_id: clientA.principal.id }, clientA.key)).status, 403);
    });

    it('staff may act for a client with user_id, but not for another staff member or an unknown id', async () => {
      const forA = await call('search', { query: 'canggu', user_id: clientA.principal.id }, staff.key);
      assert.equal(forA.status, 200);
      assert.equal(forA.body.data.count, 1);
      const saved = await call(
        'save',
        { content: 'Passport renewal in progress', type: 'case', user_id: clientB.principal.id },
        staff.key,
      );
      assert.equal(saved.status, 200);
      assert.equal((await call('list', {}, clientB.key)).body.data.total, 2);
      const otherStaff = await rt.key('staff', 'Other staff');
      assert.equal((await call('list', { user_id: otherStaff.principal.id }, staff.key)).status, 422);
      assert.equal((await call('list', { user_id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc' }, staff.key)).status, 404);
      // Staff without user_id see their own (empty) memory, never the clients'.
      assert.equal((await call('list', {}, staff.key)).body.data.total, 0);
    });

    it('reading never writes: updated_at and row count stay the same', async () => {
      const before = await store.query(`SELECT id, updated_at FROM memory_facts ORDER BY id`);
      await call('list', {}, clientA.key);
      await call('retrieve', { type: 'case' }, clientA.key);
      await call('search', { query: 'canggu' }, clientA.key);
      const afterRows = await store.query(`SELECT id, updated_at FROM memory_facts ORDER BY id`);
      assert.deepEqual(afterRows.rows, before.rows);
    });

    it('rejects bad input with clear 400s, never a 500', async () => {
      const huge = await call('save', { content: 'x'.repeat(MAX_FACT_CHARS + 1) }, clientA.key);
      assert.equal(huge.status, 400);
      assert.match(JSON.stringify(huge.body), /at most 4000 characters/);
      assert.equal((await call('save', { content: '   ' }, clientA.key)).status, 400);
      const bigData = await call('save', { content: 'ok', data: { blob: 'y'.repeat(MAX_FACT_CHARS) } }, clientA.key);
      assert.equal(bigData.status, 400);
      assert.equal(bigData.body.error, 'fact_too_long');
      assert.equal((await call('save', { content: 'x', key: 'Bad Key!' }, clientA.key)).status, 400);
      assert.equal((await call('save', { content: 'x', type: 'secret' }, clientA.key)).status, 400);
      assert.equal((await call('delete', {}, clientA.key)).status, 400);
      assert.equal((await call('forget', {}, clientA.key)).status, 400);
      for (const query of ['', '   ', '&|!', ':*', '"\'', '!!!', '()<->']) {
        const res = await call('search', { query }, clientA.key);
        assert.equal(res.status, 400, `query ${JSON.stringify(query)}`);
      }
      for (const query of [
        'pt & pma',
        'cafe | villa',
        '!canggu',
        'canggu:*',
        "'canggu'",
        'canggu" OR 1=1 --',
        'Кафе café 咖啡 canggu',
      ]) {
        const res = await call('search', { query }, clientA.key);
        assert.equal(res.status, 200, `query ${JSON.stringify(query)}: ${JSON.stringify(res.body)}`);
        assert.ok(
          res.body.data.results.every((r: any) => !/chain/.test(r.content)),
          "never another user's fact",
        );
      }
      assert.equal((await call('search', { query: 'canggu:*' }, clientA.key)).body.data.count, 1);
    });

    it("forget removes all of the user's facts and reports counts, leaving other users alone", async () => {
      const res = await call('forget', { confirm: true }, clientA.key);
      assert.equal(res.status, 200);
      assert.equal(res.body.data.removed.facts, 2);
      assert.equal((await call('list', {}, clientA.key)).body.data.total, 0);
      assert.equal((await call('list', {}, clientB.key)).body.data.total, 2);
    });
  });
}

after(async () => {
  for (const s of stores as TestStore[]) await s.close();
});
