import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../../runtime/clock.ts';
import { createTestStores, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';

const stores = await createTestStores();
after(async () => {
  for (const store of stores) await store.close();
});

for (const store of stores) {
  describe(`audit.list (${store.kind})`, () => {
    let rt: TestRuntime;
    let admin: string;
    let staff: string;
    let client: string;
    let staffId: string;
    let adminId: string;

    before(async () => {
      rt = await createTestRuntime({ store, clock: fixedClock('2026-03-20T04:00:00Z') });
    });
    after(async () => {
      await rt.close();
    });
    beforeEach(async () => {
      await (store as TestStore).reset();
      const a = await rt.key('admin', 'Owner');
      admin = a.key;
      adminId = a.principal.id;
      const s = await rt.key('staff', 'Dewi');
      staff = s.key;
      staffId = s.principal.id;
      client = (await rt.key('client')).key;
      const rows: Array<[string, string | null, string, string, string | null]> = [
        ['2026-03-01T02:00:00Z', staffId, 'identity.link_contact', 'ok', null],
        ['2026-03-02T02:00:00Z', staffId, 'identity.link_contact', 'error', 'contact_conflict'],
        ['2026-03-10T02:00:00Z', adminId, 'keys.create', 'ok', null],
        ['2026-03-15T02:00:00Z', null, 'outbox.retry', 'ok', null],
        ['2026-01-05T02:00:00Z', adminId, 'keys.revoke', 'ok', null],
      ];
      for (const [at, principal, key, outcome, code] of rows) {
        await store.query(
          `INSERT INTO audit_log (at, principal_id, role, handler_key, effect, outcome, error_code, request_id, duration_ms)
          VALUES ($1, $2, 'staff', $3, 'write', $4, $5, 'req', 3)`,
          [at, principal, key, outcome, code],
        );
      }
    });

    async function list(key: string, params: Record<string, unknown> = {}) {
      const res = await rt.request('/call', { key, body: { key: 'audit.list', params } });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    }

    it('lists the last 30 days newest first, with who did it', async () => {
      const res = await list(staff);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const entries = res.body.data.entries;
      assert.deepEqual(
        entries.map((e: any) => e.handler_key),
        ['outbox.retry', 'keys.create', 'identity.link_contact', 'identity.link_contact'],
      );
      assert.equal(entries[0].principal_name, 'system');
      assert.equal(entries[1].principal_name, 'Owner');
      assert.equal(entries[2].error_code, 'contact_conflict');
      assert.equal(entries[2].at, '2026-03-02T02:00:00.000Z');
    });

    it('filters by principal, handler prefix, outcome and period', async () => {
      assert.deepEqual(
        (await list(admin, { principal_id: staffId })).body.data.entries.map((e: any) => e.outcome),
        ['error', 'ok'],
      );
      assert.deepEqual(
        (await list(admin, { handler: 'keys.*', from: '2026-01-01' })).body.data.entries.map((e: any) => e.handler_key),
        ['keys.create', 'keys.revoke'],
      );
      assert.equal((await list(admin, { handler: 'keys' })).body.data.count, 0);
      assert.deepEqual(
        (await list(admin, { outcome: 'error' })).body.data.entries.map((e: any) => e.error_code),
        ['contact_conflict'],
      );
      // A day as "to" includes that whole day (WITA): 2026-03-02T02:00Z is 10:00 local on the 2nd.
      assert.equal((await list(admin, { from: '2026-03-02', to: '2026-03-02' })).body.data.count, 1);
    });

    it('pages with next_cursor until the end', async () => {
      const first = await list(admin, { limit: 3, from: '2026-01-01' });
      assert.equal(first.body.data.count, 3);
      assert.ok(first.body.data.next_cursor);
      const second = await list(admin, { limit: 3, from: '2026-01-01', cursor: first.body.data.next_cursor });
      assert.deepEqual(
        second.body.data.entries.map((e: any) => e.at.slice(0, 10)),
        ['2026-03-01', '2026-01-05'],
      );
      assert.equal(second.body.data.next_cursor, null);
    });

    it('records real writes made through /call, and is closed to clients', async () => {
      await store.query('DELETE FROM audit_log');
      await rt.request('/call', { key: admin, body: { key: 'keys.create', params: { role: 'staff', name: 'New' } } });
      const res = await list(admin, { from: '2026-01-01', to: new Date(Date.now() + 60_000).toISOString() });
      assert.deepEqual(
        res.body.data.entries.map((e: any) => [e.handler_key, e.outcome, e.principal_id]),
        [['keys.create', 'ok', adminId]],
      );
      assert.equal((await list(client)).status, 403);
    });

    it('rejects a period that ends before it starts', async () => {
      const res = await list(admin, { from: '2026-03-10', to: '2026-03-01' });
      assert.equal(res.status, 422);
      assert.equal(res.body.error, 'invalid_period');
    });
  });
}
