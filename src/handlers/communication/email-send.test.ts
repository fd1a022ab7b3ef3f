import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { startFakeGoogle, type FakeGoogle } from '../../testing/fake-google/fake-google.ts';
import { FakeSmtpServer } from '../../testing/fake-smtp/fake-smtp-server.ts';
import { OutboxWorker } from '../../outbox/outbox-worker.ts';

const USER = 'info@balizero.test';
let store: TestStore;
let google: FakeGoogle;
const smtp = new FakeSmtpServer();
let rt: TestRuntime;

before(async () => {
  store = await createTestPglite();
  google = await startFakeGoogle();
  await smtp.start();
  // Both configured: Gmail must win.
  rt = await createTestRuntime({
    store,
    env: {
      ...google.serviceAccountEnv(USER, 'balizero.test'),
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      SMTP_FROM: USER,
    },
  });
});
after(async () => {
  await rt.close();
  await store.close();
  await google.close();
  await smtp.close();
});

test('email.send uses Gmail when Google Workspace is configured, and SMTP receives nothing', async () => {
  const key = (await rt.key('staff')).key;
  const res = await rt.request('/call', {
    key,
    body: {
      key: 'email.send',
      params: { to: 'client@example.com', subject: 'Your quote', text: 'Dear client, the quote is attached.' },
    },
  });
  const body = (await res.json()) as any;
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.data.channel, 'gmail');
  assert.equal(body.data.status, 'pending');
  await new OutboxWorker(rt).drain();
  const sent = google.gmail.sent(USER);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].headers.to, 'client@example.com');
  assert.equal(sent[0].headers.subject, 'Your quote');
  assert.equal(smtp.messages.length, 0);
  const again = await rt.request('/call', {
    key,
    body: {
      key: 'email.send',
      params: { to: 'client@example.com', subject: 'Your quote', text: 'x', idempotency_key: 'quote-42' },
    },
  });
  const twice = await rt.request('/call', {
    key,
    body: {
      key: 'email.send',
      params: { to: 'client@example.com', subject: 'Your quote', text: 'x', idempotency_key: 'quote-42' },
    },
  });
  assert.equal(((await twice.json()) as any).data.outbox_id, ((await again.json()) as any).data.outbox_id);
});
