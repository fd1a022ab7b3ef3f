/** lead.save / lead.list on both stores (PGlite, and PostgreSQL when reachable): the SQL must work on both. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestStores, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { handlers } from './index.ts';

let stores: TestStore[] = [];
before(async () => {
  stores = await createTestStores();
});
after(async () => {
  for (const s of stores) await s.close();
});

describe('leads on every store', () => {
  it('saves, filters and pages leads; staff only for the list', async () => {
    for (const store of stores) {
      await store.reset();
      const rt: TestRuntime = await createTestRuntime({ store, handlers });
      try {
        const client = (await rt.key('client')).key;
        const staff = (await rt.key('staff')).key;
        const post = async (key: string, params: Record<string, unknown>, apiKey: string) => {
          const res = await rt.request('/call', { key: apiKey, body: { key, params } });
          return { status: res.status, body: (await res.json()) as { ok: boolean; data: any; error?: string } };
        };
        for (const [name, source, services] of [
          ['Giulia Bianchi', 'web', ['E33F']],
          ['Wayan Sudarta', 'whatsapp', ['PT PMA', 'E28A']],
          ['Li Wei', 'web', ['C1']],
        ] as const) {
          const saved = await post(
            'lead.save',
            { name, email: `${name.split(' ')[0].toLowerCase()}@example.com`, source, services: [...services] },
            client,
          );
          assert.equal(saved.status, 200, `${store.kind}: ${JSON.stringify(saved.body)}`);
        }
        const web = await post('lead.list', { source: 'web', since: '2000-01-01' }, staff);
        assert.equal(web.body.data.total, 2, store.kind);
        const investor = await post('lead.list', { service: 'pt pma' }, staff);
        assert.deepEqual(
          investor.body.data.leads.map((l: any) => l.name),
          ['Wayan Sudarta'],
          store.kind,
        );
        const page = await post('lead.list', { limit: 2, offset: 2 }, staff);
        assert.equal(page.body.data.count, 1, store.kind);
        const wild = await post('lead.list', { search: '%' }, staff);
        assert.equal(wild.body.data.total, 0, `${store.kind}: % is matched literally`);
        assert.equal((await post('lead.list', {}, client)).status, 403);
      } finally {
        await rt.close();
      }
    }
  });
});
