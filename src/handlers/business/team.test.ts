/** The team directory in the store (team.*) and lead.set_status, on both stores (PGlite, and PostgreSQL when reachable). */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadKnowledge } from '../../knowledge/load-knowledge.ts';
import { createTestStores, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { handlers } from './index.ts';

const facts = loadKnowledge('knowledge');
let stores: TestStore[] = [];
before(async () => {
  stores = await createTestStores();
});
after(async () => {
  for (const s of stores) await s.close();
});

async function withRuntime(
  store: TestStore,
  fn: (
    rt: TestRuntime,
    post: (key: string, params: unknown, apiKey: string) => Promise<{ status: number; body: any }>,
  ) => Promise<void>,
) {
  const rt = await createTestRuntime({ store, handlers });
  const post = async (key: string, params: unknown, apiKey: string) => {
    const res = await rt.request('/call', { key: apiKey, body: { key, params } });
    return { status: res.status, body: await res.json() };
  };
  try {
    await fn(rt, post);
  } finally {
    await rt.close();
  }
}

describe('team directory on every store', () => {
  it('starts from team.yaml, lets staff name a member, and team.* answers from the store across restarts', async () => {
    for (const store of stores) {
      await store.reset();
      let staff = '';
      await withRuntime(store, async (rt, post) => {
        staff = (await rt.key('staff')).key;
        const client = (await rt.key('client')).key;
        const listed = await post('team.list', {}, client);
        assert.equal(listed.body.data.count, facts.team.members.length, store.kind);
        const manager = facts.team.members.find((m) => m.role === 'Tax manager')!;
        const saved = await post(
          'team.member_save',
          {
            id: manager.id,
            name: 'Dewi Lestari',
            department: 'tax',
            role: 'Tax manager',
            languages: ['id', 'en'],
            services: ['tax'],
            email: 'Dewi@Example.com',
          },
          staff,
        );
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
        assert.deepEqual(
          { name: saved.body.data.name, placeholder: saved.body.data.placeholder, email: saved.body.data.email },
          { name: 'Dewi Lestari', placeholder: false, email: 'dewi@example.com' },
        );
        assert.equal(
          (
            await post(
              'team.member_save',
              { id: 'x', name: 'X', department: 'moon', role: 'R', languages: ['en'] },
              staff,
            )
          ).status,
          400,
        );
        assert.equal(
          (
            await post(
              'team.member_save',
              { id: 'x', name: 'X', department: 'tax', role: 'R', languages: ['en'] },
              client,
            )
          ).status,
          403,
        );
        const removed = facts.team.members.find((m) => m.id !== manager.id)!;
        assert.equal((await post('team.member_remove', { id: removed.id }, staff)).status, 200);
        assert.equal((await post('team.member_remove', { id: removed.id }, staff)).body.error, 'team_member_not_found');
      });
      // A new runtime (a restart) keeps the edits and does not copy the fact file in again.
      await withRuntime(store, async (_rt, post) => {
        const found = await post('team.get', { who: 'Dewi Lestari' }, staff);
        assert.equal(found.body.data.role, 'Tax manager', store.kind);
        assert.equal((await post('team.list', {}, staff)).body.data.count, facts.team.members.length - 1, store.kind);
        const tax = await post('team.list', { department: 'tax', language: 'en' }, staff);
        assert.ok(tax.body.data.members.some((m: any) => m.name === 'Dewi Lestari'));
      });
    }
  });

  it('moves a lead along the pipeline (staff only) and says when the lead does not exist', async () => {
    for (const store of stores) {
      await store.reset();
      await withRuntime(store, async (rt, post) => {
        const staff = (await rt.key('staff')).key;
        const client = (await rt.key('client')).key;
        const lead = await post('lead.save', { name: 'Giulia', email: 'giulia@example.com' }, staff);
        const id = lead.body.data.id;
        const moved = await post('lead.set_status', { id, status: 'contacted' }, staff);
        assert.deepEqual(moved.body.data, { id, previous_status: 'new', status: 'contacted' }, store.kind);
        assert.equal((await post('lead.list', { status: 'contacted' }, staff)).body.data.total, 1);
        assert.equal((await post('lead.set_status', { id, status: 'won' }, client)).status, 403);
        assert.equal((await post('lead.set_status', { id, status: 'sleeping' }, staff)).status, 400);
        assert.equal(
          (await post('lead.set_status', { id: '00000000-0000-4000-8000-000000000009', status: 'won' }, staff)).body
            .error,
          'lead_not_found',
        );
      });
    }
  });
});
