import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { startFakeGoogle, type FakeGoogle } from '../../testing/fake-google/fake-google.ts';
import { handlers } from '../../handlers/workspace/index.ts';
import { OutboxWorker } from '../../outbox/outbox-worker.ts';
import { outboxService } from '../../outbox/outbox.ts';
import { gmailDeliverer } from './gmail-deliverer.ts';

const DOMAIN = 'balizero.test';
const USER = `info@${DOMAIN}`;

let store: TestStore;
let google: FakeGoogle;
let rt: TestRuntime;
let staff: string;

async function send(params: Record<string, unknown>, runtime = rt, key = staff) {
  const res = await runtime.request('/call', { key, body: { key: 'gmail.send', params } });
  const body = (await res.json()) as Record<string, any>;
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.data as { outbox_id: string; status: string; duplicate: boolean; note: string; from: string };
}

const row = async (id: string) => (await rt.service(outboxService).get(id))!;

before(async () => {
  store = await createTestPglite();
  google = await startFakeGoogle();
  rt = await createTestRuntime({ store, handlers, env: google.serviceAccountEnv(USER, DOMAIN) });
  staff = (await rt.key('staff')).key;
});

after(async () => {
  await rt.close();
  await store.close();
  await google.close();
});

beforeEach(async () => {
  google.gmail.messages.length = 0;
  google.http.requests.length = 0;
  await store.query('DELETE FROM outbox');
});

describe('gmail.send through the outbox channel gmail', () => {
  it('queues the mail, and the worker sends an RFC 2822 message (base64url raw) that Gmail accepts', async () => {
    const queued = await send({
      to: ['marco@example.it'],
      cc: ['anna@example.it'],
      bcc: ['archive@balizero.test'],
      subject: 'Il tuo KITAS è pronto',
      body: 'Buongiorno Marco, il KITAS è pronto.',
      html: '<p>Buongiorno Marco</p>',
    });
    assert.equal(queued.status, 'pending');
    assert.equal(google.gmail.sent().length, 0, 'nothing leaves before the worker runs');
    assert.equal((await row(queued.outbox_id)).channel, 'gmail');

    await new OutboxWorker(rt).drain();
    const sent = google.gmail.sent(USER);
    assert.equal(sent.length, 1);
    const [mail] = sent;
    assert.equal(mail.headers.to, 'marco@example.it');
    assert.equal(mail.headers.cc, 'anna@example.it');
    assert.equal(mail.headers.bcc, 'archive@balizero.test');
    assert.equal(mail.headers.from, USER);
    assert.equal(mail.headers.subject, 'Il tuo KITAS è pronto');
    assert.equal(mail.headers['message-id'], `<outbox-${queued.outbox_id}@zantara.invalid>`);
    assert.equal(mail.text.trim(), 'Buongiorno Marco, il KITAS è pronto.');
    const posted = JSON.parse(google.http.calls('/messages/send', 'POST')[0].body) as { raw: string };
    assert.match(posted.raw, /^[A-Za-z0-9_-]+$/, 'raw is base64url without padding');

    const done = await row(queued.outbox_id);
    assert.equal(done.status, 'sent');
    assert.equal(done.provider_message_id, mail.id);
  });

  it('the same idempotency key twice queues and sends one e-mail', async () => {
    const first = await send({
      to: ['a@example.com'],
      subject: 'Once',
      body: 'Only once',
      idempotency_key: 'reply-123-abc',
    });
    const second = await send({
      to: ['a@example.com'],
      subject: 'Once',
      body: 'Only once',
      idempotency_key: 'reply-123-abc',
    });
    assert.equal(second.outbox_id, first.outbox_id);
    assert.equal(second.duplicate, true);
    await new OutboxWorker(rt).drain();
    assert.equal(google.gmail.sent().length, 1);
  });

  it("as_user sends from that staff member's mailbox; outside the domain is refused before queueing", async () => {
    const queued = await send({ to: ['b@example.com'], subject: 'From Adit', body: 'Hi', as_user: `adit@${DOMAIN}` });
    assert.equal(queued.from, `adit@${DOMAIN}`);
    await new OutboxWorker(rt).drain();
    assert.equal(google.gmail.sent(`adit@${DOMAIN}`)[0].headers.from, `adit@${DOMAIN}`);
    const res = await rt.request('/call', {
      key: staff,
      body: { key: 'gmail.send', params: { to: ['b@example.com'], subject: 'x', body: 'y', as_user: 'ceo@gmail.com' } },
    });
    assert.equal(res.status, 403);
    assert.equal((await store.query('SELECT count(*)::int AS n FROM outbox')).rows[0].n, 1);
  });

  it('a 429 from Gmail leaves the row pending with the error; the next attempt sends it once', async () => {
    google.http.failNext({ pathIncludes: '/messages/send', status: 429, retryAfter: '30' });
    const queued = await send({ to: ['c@example.com'], subject: 'Retry me', body: 'Hi' });
    await new OutboxWorker(rt).drain();
    const waiting = await row(queued.outbox_id);
    assert.equal(waiting.status, 'pending');
    assert.match(waiting.last_error ?? '', /429/);
    assert.ok(new Date(waiting.next_attempt_at).getTime() >= Date.now() + 20_000, 'honours Retry-After');
    await store.query('UPDATE outbox SET next_attempt_at = now() WHERE id = $1', [queued.outbox_id]);
    await new OutboxWorker(rt).drain();
    assert.equal((await row(queued.outbox_id)).status, 'sent');
    assert.equal(google.gmail.sent().length, 1);
  });

  it('a 400 from Gmail is permanent: the row fails, no retry', async () => {
    google.http.failNext({ pathIncludes: '/messages/send', status: 400, message: 'Invalid To header' });
    const queued = await send({ to: ['d@example.com'], subject: 'Bad', body: 'Hi' });
    await new OutboxWorker(rt).drain();
    const failed = await row(queued.outbox_id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.last_error ?? '', /Invalid To header/);
    assert.equal(google.gmail.sent().length, 0);
  });

  it('a worker that died after Gmail accepted the mail: the next worker finds it by Message-ID and does not send again', async () => {
    const queued = await send({ to: ['e@example.com'], subject: 'Crash', body: 'Hi' });
    const outbox = rt.service(outboxService);
    const [claimed] = await outbox.claim('worker-that-dies');
    await gmailDeliverer.deliver(rt, claimed);
    // The worker dies before recording "sent"; its lease runs out.
    await store.query(`UPDATE outbox SET lease_until = now() - interval '1 second' WHERE id = $1`, [queued.outbox_id]);
    await new OutboxWorker(rt).drain();
    const done = await row(queued.outbox_id);
    assert.equal(done.status, 'sent');
    assert.equal(google.gmail.sent().length, 1);
    assert.equal(done.provider_message_id, google.gmail.sent()[0].id);
  });

  it('when Gmail replaced our Message-ID, the next worker still finds the sent mail by recipient, subject and time', async () => {
    google.gmail.rewriteMessageIds = true;
    try {
      const queued = await send({ to: ['h@example.com'], subject: 'Crash "again"', body: 'Hi' });
      const [claimed] = await rt.service(outboxService).claim('worker-that-dies');
      await gmailDeliverer.deliver(rt, claimed);
      assert.notEqual(google.gmail.sent()[0].headers['message-id'], `<outbox-${queued.outbox_id}@zantara.invalid>`);
      await store.query(`UPDATE outbox SET lease_until = now() - interval '1 second' WHERE id = $1`, [
        queued.outbox_id,
      ]);
      await new OutboxWorker(rt).drain();
      assert.equal((await row(queued.outbox_id)).status, 'sent');
      assert.equal(google.gmail.sent().length, 1);
    } finally {
      google.gmail.rewriteMessageIds = false;
    }
  });

  it('sandbox mode records the mail as sandboxed and never sends it', async () => {
    const sandboxed = await createTestRuntime({
      store,
      handlers,
      env: { ...google.serviceAccountEnv(USER, DOMAIN), ZANTARA_SANDBOX: '1' },
    });
    try {
      const key = (await sandboxed.key('staff')).key;
      const queued = await send({ to: ['f@example.com'], subject: 'Sandbox', body: 'Hi' }, sandboxed, key);
      assert.equal(queued.status, 'sandboxed');
      assert.match(queued.note, /would/i);
      await new OutboxWorker(sandboxed).drain();
      assert.equal(google.gmail.sent().length, 0);
      assert.equal(google.http.calls('/gmail/').length, 0);
    } finally {
      await sandboxed.close();
    }
  });

  it('without Google credentials the gmail channel is sandboxed, not sent', async () => {
    const bare = await createTestRuntime({ store, handlers, env: {} });
    try {
      const key = (await bare.key('staff')).key;
      const queued = await send({ to: ['g@example.com'], subject: 'No creds', body: 'Hi' }, bare, key);
      assert.equal(queued.status, 'sandboxed');
    } finally {
      await bare.close();
    }
  });
});
