import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ensureClientForContact } from '../../identity/client-contacts.ts';
import { eventBusService, type ZantaraEvent } from '../../realtime/event-bus.ts';
import { createTestStores, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { existingTables } from '../../analytics/store-tables.ts';

const stores = await createTestStores();
after(async () => {
  for (const store of stores) await store.close();
});

for (const store of stores) {
  describe(`identity handlers (${store.kind})`, () => {
    let rt: TestRuntime;
    let staff: string;
    let client: string;
    let clientId: string;

    before(async () => {
      rt = await createTestRuntime({ store });
    });
    after(async () => {
      await rt.close();
    });
    beforeEach(async () => {
      await (store as TestStore).reset();
      staff = (await rt.key('staff', 'Reception')).key;
      const c = await rt.key('client', 'Web client');
      client = c.key;
      clientId = c.principal.id;
    });

    async function call(key: string, body: { key: string; params?: Record<string, unknown> }) {
      const res = await rt.request('/call', { key, body });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    }

    it('whoami returns the principal of the credential, for every role', async () => {
      const res = await call(client, { key: 'identity.whoami' });
      assert.equal(res.status, 200);
      assert.deepEqual(
        { ...res.body.data, key_id: typeof res.body.data.key_id },
        { id: clientId, role: 'client', name: 'Web client', via: 'api_key', key_id: 'string' },
      );
      const asStaff = await call(staff, { key: 'identity.whoami' });
      assert.equal(asStaff.body.data.role, 'staff');
      assert.equal(asStaff.body.data.name, 'Reception');
    });

    it('resolve finds the one client by a phone written any way, with contacts and matching leads', async () => {
      const maria = await ensureClientForContact(store, 'whatsapp', '+62 813-3805-1111', 'Maria');
      await ensureClientForContact(store, 'whatsapp', '+62 813-3805-2222', 'Someone else');
      await store.query(
        `INSERT INTO leads (id, name, phone, source, services) VALUES ($1, 'Maria R.', '0062 813 3805 1111', 'website', '{E33G}'),
        ($2, 'Other', '+62 813 3805 9999', 'website', '{}')`,
        [randomUUID(), randomUUID()],
      );
      // The number as a person would type it: spaces and a plus.
      const res = await call(staff, { key: 'identity.resolve', params: { phone: '+62 813 3805 1111' } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const profile = res.body.data;
      assert.equal(profile.principal.id, maria.id);
      assert.equal(profile.principal.name, 'Maria');
      assert.deepEqual(
        profile.contacts.map((c: any) => [c.kind, c.value]),
        [['whatsapp', '6281338051111']],
      );
      // The lead's '0062 813…' is the same number written with the international prefix; the other lead is not hers.
      assert.deepEqual(
        profile.leads.map((l: any) => l.name),
        ['Maria R.'],
      );
      await store.query(
        `INSERT INTO leads (id, created_at, name, phone, source) VALUES ($1, now() + interval '1 minute', 'Maria', '0813-3805-1111', 'whatsapp')`,
        [randomUUID()],
      );
      const again = await call(staff, { key: 'identity.resolve', params: { phone: '6281338051111' } });
      assert.deepEqual(
        again.body.data.leads.map((l: any) => l.name),
        ['Maria', 'Maria R.'],
      );
    });

    it('resolve reads a number typed the Indonesian way (0…) or with 00 as the stored international form', async () => {
      const wayan = await ensureClientForContact(store, 'whatsapp', '+62 812 3456 7890', 'Wayan');
      for (const phone of ['0812-3456-7890', '0062 812 3456 7890']) {
        const res = await call(staff, { key: 'identity.resolve', params: { phone } });
        assert.equal(res.body.data?.principal.id, wayan.id, phone);
      }
    });

    it('resolve by e-mail ignores case; unknown addresses are 404, never a list', async () => {
      const anna = await ensureClientForContact(store, 'email', 'Anna.B@Example.com', 'Anna');
      const res = await call(staff, { key: 'identity.resolve', params: { email: 'ANNA.b@example.COM' } });
      assert.equal(res.body.data.principal.id, anna.id);
      const miss = await call(staff, { key: 'identity.resolve', params: { email: 'anna@example.com' } });
      assert.equal(miss.status, 404);
      assert.equal(miss.body.error, 'client_not_found');
      assert.equal(miss.body.data, undefined);
    });

    it('resolve needs exactly one of email or phone, and a valid one', async () => {
      assert.equal((await call(staff, { key: 'identity.resolve', params: {} })).status, 400);
      assert.equal(
        (await call(staff, { key: 'identity.resolve', params: { email: 'a@b.co', phone: '12345678' } })).status,
        400,
      );
      const bad = await call(staff, { key: 'identity.resolve', params: { phone: '12' } });
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error, 'invalid_contact');
    });

    it('resolve is for staff only', async () => {
      await ensureClientForContact(store, 'email', 'x@example.com');
      const res = await call(client, { key: 'identity.resolve', params: { email: 'x@example.com' } });
      assert.equal(res.status, 403);
    });

    it('two clients on one number are 409 ambiguous, not a list', async () => {
      const a = await ensureClientForContact(store, 'phone', '+39 333 000 1111', 'A');
      await ensureClientForContact(store, 'whatsapp', '+39 333 000 1111', 'B');
      const res = await call(staff, { key: 'identity.resolve', params: { phone: '393330001111' } });
      assert.equal(res.status, 409);
      assert.equal(res.body.error, 'ambiguous_contact');
      assert.equal(JSON.stringify(res.body).includes(a.id), false);
    });

    it('link_contact attaches an e-mail to a WhatsApp client, then resolve finds them by it; conflicts are 409', async () => {
      const budi = await ensureClientForContact(store, 'whatsapp', '+62 811 222 333', 'Budi');
      const other = await ensureClientForContact(store, 'email', 'taken@example.com', 'Other');
      const events: ZantaraEvent[] = [];
      const off = rt.service(eventBusService).subscribe((e) => events.push(e));
      const linked = await call(staff, {
        key: 'identity.link_contact',
        params: { principal_id: budi.id, kind: 'email', value: ' Budi@Example.com ' },
      });
      off();
      assert.equal(linked.status, 200, JSON.stringify(linked.body));
      assert.deepEqual(linked.body.data, {
        principal_id: budi.id,
        linked: true,
        already_linked: false,
        kind: 'email',
        value: 'budi@example.com',
      });
      assert.deepEqual(
        events.map((e) => e.type),
        ['identity.contact_linked'],
      );
      const found = await call(staff, { key: 'identity.resolve', params: { email: 'budi@example.com' } });
      assert.equal(found.body.data.principal.id, budi.id);
      assert.deepEqual(found.body.data.contacts.map((c: any) => c.kind).sort(), ['email', 'whatsapp']);

      const again = await call(staff, {
        key: 'identity.link_contact',
        params: { principal_id: budi.id, kind: 'email', value: 'budi@example.com' },
      });
      assert.equal(again.body.data.already_linked, true);
      const conflict = await call(staff, {
        key: 'identity.link_contact',
        params: { principal_id: budi.id, kind: 'email', value: 'TAKEN@example.com' },
      });
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.error, 'contact_conflict');
      assert.equal(conflict.body.linked_to, other.id);
      // The write is audited with its outcome.
      const audit = await store.query<{ outcome: string; error_code: string | null }>(
        `SELECT outcome, error_code FROM audit_log WHERE handler_key = 'identity.link_contact' ORDER BY id`,
      );
      assert.deepEqual(
        audit.rows.map((r) => r.error_code ?? r.outcome),
        ['ok', 'ok', 'contact_conflict'],
      );
    });

    it('unlink_contact removes a wrong address but never the last one', async () => {
      const c = await ensureClientForContact(store, 'whatsapp', '+62 811 555 666', 'Komang');
      await call(staff, {
        key: 'identity.link_contact',
        params: { principal_id: c.id, kind: 'email', value: 'wrong@example.com' },
      });
      const removed = await call(staff, {
        key: 'identity.unlink_contact',
        params: { principal_id: c.id, kind: 'email', value: 'WRONG@example.com' },
      });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.equal(
        (await call(staff, { key: 'identity.resolve', params: { email: 'wrong@example.com' } })).status,
        404,
      );
      const last = await call(staff, {
        key: 'identity.unlink_contact',
        params: { principal_id: c.id, kind: 'whatsapp', value: '+62 811 555 666' },
      });
      assert.deepEqual([last.status, last.body.error], [409, 'last_contact']);
      const missing = await call(staff, {
        key: 'identity.unlink_contact',
        params: { principal_id: c.id, kind: 'email', value: 'never@example.com' },
      });
      assert.deepEqual([missing.status, missing.body.error], [404, 'contact_not_found']);
      assert.equal(
        (await call(staff, { key: 'identity.resolve', params: { phone: '0811 555 666' } })).body.data.principal.id,
        c.id,
      );
    });

    it('link_contact refuses staff principals and unknown ids', async () => {
      const staffKey = await rt.key('staff', 'Someone');
      const res = await call(staff, {
        key: 'identity.link_contact',
        params: { principal_id: staffKey.principal.id, kind: 'phone', value: '+62 81' },
      });
      assert.equal(res.body.error, 'invalid_contact');
      const notClient = await call(staff, {
        key: 'identity.link_contact',
        params: { principal_id: staffKey.principal.id, kind: 'phone', value: '+62 811 1234 567' },
      });
      assert.equal(notClient.body.error, 'not_a_client');
      const unknown = await call(staff, {
        key: 'identity.link_contact',
        params: { principal_id: randomUUID(), kind: 'phone', value: '+62 811 1234 567' },
      });
      assert.equal(unknown.status, 404);
    });

    it('profile shows memory facts and conversation counts when those tables exist', async () => {
      const c = await ensureClientForContact(store, 'whatsapp', '+62 812 000 111', 'Luca');
      const tables = await existingTables(store, ['memory_facts', 'conversations']);
      if (tables.has('memory_facts')) {
        await store.query(
          `INSERT INTO memory_facts (id, principal_id, type, key, content, data, source) VALUES ($1, $2, 'profile', 'nationality', 'Italian', '{}'::jsonb, 'chat')`,
          [randomUUID(), c.id],
        );
      }
      if (tables.has('conversations')) {
        await store.query(
          `INSERT INTO conversations (id, principal_id, channel, title) VALUES ($1, $2, 'whatsapp', 'KITAS')`,
          [randomUUID(), c.id],
        );
      }
      const res = await call(staff, { key: 'identity.profile', params: { principal_id: c.id } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const profile = res.body.data;
      assert.equal(profile.memory.available, tables.has('memory_facts'));
      assert.deepEqual(
        profile.memory.facts.map((f: any) => f.content),
        tables.has('memory_facts') ? ['Italian'] : [],
      );
      assert.equal(profile.conversations.available, tables.has('conversations'));
      assert.equal(profile.conversations.total, tables.has('conversations') ? 1 : 0);
      const notClient = await call(staff, {
        key: 'identity.profile',
        params: { principal_id: clientId.replace(/.$/, (d) => (d === '0' ? '1' : '0')) },
      });
      assert.equal(notClient.status, 404);
    });
  });
}
