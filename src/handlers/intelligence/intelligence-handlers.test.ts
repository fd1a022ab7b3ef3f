import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { MockLanguageModelV4 } from 'ai/test';
import { existingTables } from '../../analytics/store-tables.ts';
import { ensureClientForContact } from '../../identity/client-contacts.ts';
import { summaryModelService } from '../../intelligence/summarizer.ts';
import { fixedClock } from '../../runtime/clock.ts';
import { createTestStores, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';

// 2026-03-20 01:00 UTC is 09:00 on 20 March in Bali.
const NOW = '2026-03-20T01:00:00Z';
const stores = await createTestStores();
after(async () => {
  for (const store of stores) await store.close();
});

for (const store of stores) {
  describe(`intelligence handlers (${store.kind})`, () => {
    let rt: TestRuntime;
    let staff: string;
    let client: { key: string; id: string };
    let tables: Set<string>;

    before(async () => {
      rt = await createTestRuntime({
        store,
        clock: fixedClock(NOW),
        env: { ZANTARA_RATE_LIMITS: 'read=1000/60,ai=1000/60' },
      });
      tables = await existingTables(store, ['memory_facts', 'conversations', 'conversation_messages']);
    });
    after(async () => {
      await rt.close();
    });
    beforeEach(async () => {
      await (store as TestStore).reset();
      rt.service(summaryModelService).current = undefined;
      staff = (await rt.key('staff')).key;
      const c = await rt.key('client', 'Marco');
      client = { key: c.key, id: c.principal.id };
    });

    async function call(key: string, handler: string, params: Record<string, unknown> = {}) {
      const res = await rt.request('/call', { key, body: { key: handler, params } });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    }

    it('intelligence.urgency resolves dates against the clock and adds the overstay warning from the facts', async () => {
      const res = await call(staff, 'intelligence.urgency', { text: 'Il mio visto è scaduto ieri, è urgente!' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.level, 'critical');
      assert.equal(res.body.data.today, '2026-03-20');
      assert.deepEqual(
        res.body.data.dates.map((d: any) => d.date),
        ['2026-03-19'],
      );
      assert.ok(
        res.body.data.warnings.some((w: any) => w.id === 'overstay'),
        JSON.stringify(res.body.data.warnings),
      );
      const expiring = await call(staff, 'intelligence.urgency', { text: 'Il mio KITAS scade dopodomani' });
      assert.equal(expiring.body.data.level, 'critical');
      assert.ok(expiring.body.data.warnings.some((w: any) => w.id === 'overstay'));
      const calm = await call(staff, 'intelligence.urgency', { text: 'Quanto costa il KITAS E33G?' });
      assert.deepEqual([calm.body.data.level, calm.body.data.warnings], ['low', []]);
      assert.equal((await call(client.key, 'intelligence.urgency', { text: 'hi' })).status, 403);
    });

    it('intelligence.language answers with a confidence', async () => {
      const res = await call(client.key, 'intelligence.language', {
        text: 'Selamat siang, saya mau tanya berapa biaya KITAS investor untuk dua tahun?',
      });
      assert.equal(res.body.data.language, 'id');
      assert.ok(res.body.data.confidence > 0.8);
    });

    it('intelligence.summarize a text without a model is extractive and says so; with a model it is the model', async () => {
      const text =
        'Dear team. My company PT Maju Jaya must file the LKPM for Q1. We opened the PT PMA in January 2026 with two shareholders. Thanks and regards.';
      const res = await call(staff, 'intelligence.summarize', { text, max_sentences: 1 });
      assert.equal(res.body.data.method, 'extractive');
      assert.match(res.body.data.note, /not a written summary/);
      assert.equal(res.body.data.sentences.length, 1);
      assert.ok(text.includes(res.body.data.summary));

      rt.service(summaryModelService).current = {
        id: 'mock:summary',
        model: new MockLanguageModelV4({
          modelId: 'm',
          doGenerate: async () => ({
            content: [{ type: 'text', text: 'PT Maju Jaya needs its Q1 LKPM filed.' }],
            finishReason: { unified: 'stop', raw: 'stop' },
            warnings: [],
            usage: {
              inputTokens: { total: 50, noCache: 50, cacheRead: 0, cacheWrite: 0 },
              outputTokens: { total: 9, text: 9, reasoning: 0 },
            },
          }),
        }),
      };
      const byModel = await call(staff, 'intelligence.summarize', { text });
      assert.deepEqual(
        [byModel.body.data.method, byModel.body.data.summary, byModel.body.data.model],
        ['model', 'PT Maju Jaya needs its Q1 LKPM filed.', 'mock:summary'],
      );
      assert.equal((await call(staff, 'intelligence.summarize', {})).status, 400);
      assert.equal((await call(client.key, 'intelligence.summarize', { text })).status, 403);
    });

    it('intelligence.summarize a stored conversation; a client only their own', async () => {
      if (!tables.has('conversations') || !tables.has('conversation_messages')) {
        const res = await call(staff, 'intelligence.summarize', { conversation_id: randomUUID() });
        assert.equal(res.body.error, 'not_available');
        return;
      }
      const id = randomUUID();
      await store.query(
        `INSERT INTO conversations (id, principal_id, channel, title) VALUES ($1, $2, 'whatsapp', 'KITAS renewal')`,
        [id, client.id],
      );
      const messages: Array<[string, string]> = [
        ['user', 'Hi, I am Marco. My E33G KITAS expires on 15 April 2026 and I want to renew it.'],
        ['assistant', 'The E33G renewal needs your passport and three months of bank statements.'],
        ['user', 'Thanks, bye.'],
      ];
      for (const [role, content] of messages) {
        await store.query(
          'INSERT INTO conversation_messages (conversation_id, principal_id, role, content) VALUES ($1, $2, $3, $4)',
          [id, client.id, role, content],
        );
      }
      const res = await call(staff, 'intelligence.summarize', { conversation_id: id, max_sentences: 2 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        [res.body.data.source.kind, res.body.data.source.messages, res.body.data.source.channel],
        ['conversation', 3, 'whatsapp'],
      );
      assert.ok(
        res.body.data.sentences.some((s: string) => s.startsWith('Marco: ') && s.includes('15 April 2026')),
        JSON.stringify(res.body.data.sentences),
      );
      assert.equal((await call(client.key, 'intelligence.summarize', { conversation_id: id })).status, 200);
      const other = (await rt.key('client', 'Someone else')).key;
      const denied = await call(other, 'intelligence.summarize', { conversation_id: id });
      assert.deepEqual([denied.status, denied.body.error], [404, 'conversation_not_found']);
    });

    it('tax.deadlines lists what is due from today, LKPM with its verify note', async () => {
      const res = await call(client.key, 'tax.deadlines', { within_days: 60 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.data.today, '2026-03-20');
      const lkpm = res.body.data.deadlines.find((d: any) => d.id === 'lkpm-quarterly');
      assert.equal(lkpm.covers, '2026-Q1');
      assert.equal(lkpm.verify, true);
      assert.ok(lkpm.verify_note.length > 20);
      assert.ok(res.body.data.deadlines.every((d: any) => d.days_left <= 60));
      const only = await call(staff, 'tax.deadlines', { only: ['nope'] });
      assert.equal(only.status, 404);
    });

    it('permit.expiries lists clients whose remembered permit expires soon, with contacts', async () => {
      if (!tables.has('memory_facts')) {
        const res = await call(staff, 'permit.expiries');
        assert.deepEqual([res.body.data.available, res.body.data.count], [false, 0]);
        return;
      }
      const fact = (principal: string, expires: string, permit = 'E33G') =>
        store.query(
          `INSERT INTO memory_facts (id, principal_id, type, key, content, data, source) VALUES ($1, $2, 'profile', 'permit_expiry', $3, $4::jsonb, 'chat')`,
          [randomUUID(), principal, `Permit expires on ${expires}`, JSON.stringify({ expires_on: expires, permit })],
        );
      const ana = await ensureClientForContact(store, 'whatsapp', '+62 811 000 111', 'Ana');
      const budi = await ensureClientForContact(store, 'email', 'budi@example.com', 'Budi');
      const carla = await ensureClientForContact(store, 'phone', '+39 333 111 222', 'Carla');
      const dave = await ensureClientForContact(store, 'phone', '+61 400 111 222', 'Dave');
      await fact(ana.id, '2026-04-01');
      await fact(budi.id, '2026-03-10', 'E28A');
      await fact(carla.id, '2026-08-01');
      await fact(dave.id, 'soon'); // not a date: ignored
      const res = await call(staff, 'permit.expiries', { within_days: 30 });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(
        res.body.data.clients.map((c: any) => [c.name, c.status, c.days_left, c.permit]),
        [
          ['Budi', 'expired', -10, 'E28A'],
          ['Ana', 'expiring', 12, 'E33G'],
        ],
      );
      assert.deepEqual(res.body.data.clients[1].contacts, [{ kind: 'whatsapp', value: '62811000111' }]);
      const ahead = await call(staff, 'permit.expiries', { within_days: 180, include_expired: false });
      assert.deepEqual(
        ahead.body.data.clients.map((c: any) => c.name),
        ['Ana', 'Carla'],
      );
      assert.equal((await call(client.key, 'permit.expiries')).status, 403);
    });
  });
}
