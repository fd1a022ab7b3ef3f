import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { fixedClock } from '../../runtime/clock.ts';
import { OutboxWorker } from '../../outbox/outbox-worker.ts';
import { FakeMetaServer, graphError } from '../../testing/fake-meta/fake-meta-server.ts';
import { FakeSlackServer, slackRateLimited } from '../../testing/fake-slack/fake-slack-server.ts';
import { FakeDiscordServer, discordRateLimited } from '../../testing/fake-discord/fake-discord-server.ts';
import { FakeSmtpServer } from '../../testing/fake-smtp/fake-smtp-server.ts';

const store: TestStore = await createTestPglite();
const meta = new FakeMetaServer();
const slack = new FakeSlackServer();
const discord = new FakeDiscordServer();
const smtp = new FakeSmtpServer({ user: 'mailer', pass: 'secret' });
await Promise.all([meta.start(), slack.start(), discord.start(), smtp.start()]);
const clock = fixedClock('2026-03-02T09:00:00Z');

const liveEnv = {
  WHATSAPP_ACCESS_TOKEN: meta.token,
  WHATSAPP_PHONE_NUMBER_ID: meta.phoneNumberId,
  META_GRAPH_BASE_URL: meta.url,
  INSTAGRAM_ACCESS_TOKEN: meta.instagramToken,
  INSTAGRAM_BASE_URL: meta.url,
  WHATSAPP_BULK_PER_MINUTE: '30',
  SLACK_BOT_TOKEN: slack.token,
  SLACK_BASE_URL: `${slack.url}/api`,
  ZANTARA_SLACK_CHANNELS: `ops=C0OPS,alerts=C0ALERTS,standup=${slack.hookUrl()}`,
  ZANTARA_DISCORD_WEBHOOKS: `alerts=${discord.webhookUrl()}`,
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: String(smtp.port),
  SMTP_USER: 'mailer',
  SMTP_PASSWORD: 'secret',
  SMTP_FROM: 'Bali Zero <info@balizero.test>',
  ZANTARA_OUTBOX_BACKOFF_MS: '1000',
};

let rt: TestRuntime;
let staffKey: string;
let worker: OutboxWorker;

async function call(key: string, params: Record<string, unknown>, apiKey = staffKey) {
  const res = await rt.request('/call', { key: apiKey, body: { key, params } });
  return {
    status: res.status,
    body: (await res.json()) as { ok: boolean; data: any; error?: string; message?: string },
  };
}
async function outboxRow(id: string) {
  return (await store.query<any>('SELECT * FROM outbox WHERE id = $1', [id])).rows[0];
}
async function clientWrote(channel: string, sender: string, at: Date) {
  await store.query(
    `INSERT INTO inbound_messages (id, channel, provider_message_id, sender, text, received_at, status) VALUES ($1, $2, $3, $4, 'hello', $5, 'done')`,
    [randomUUID(), channel, `m-${randomUUID()}`, sender, at],
  );
}

before(async () => {
  rt = await createTestRuntime({ store, clock, env: liveEnv });
  staffKey = (await rt.key('staff')).key;
  worker = new OutboxWorker(rt);
});
beforeEach(async () => {
  await store.query('DELETE FROM outbox');
  await store.query('DELETE FROM inbound_messages');
});
after(async () => {
  await rt.close();
  await Promise.all([meta.close(), slack.close(), discord.close(), smtp.close()]);
  await store.close();
});

describe('whatsapp.send', () => {
  test('a text inside the 24-hour window reaches the Cloud API with the documented body', async () => {
    await clientWrote('whatsapp', '6281234567890', new Date(clock.now().getTime() - 3600_000));
    const { status, body } = await call('whatsapp.send', {
      to: '+62 812-3456-7890',
      text: 'Your KITAS was submitted.',
    });
    assert.equal(status, 200);
    assert.equal(body.data.status, 'pending');
    assert.equal(body.data.destination, '6281234567890');
    await worker.drain();
    const sent = meta.whatsapp.at(-1)!;
    assert.deepEqual(sent.body, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '6281234567890',
      type: 'text',
      text: { preview_url: false, body: 'Your KITAS was submitted.' },
      biz_opaque_callback_data: body.data.outbox_id,
    });
    const row = await outboxRow(body.data.outbox_id);
    assert.equal(row.status, 'sent');
    assert.equal(row.provider_message_id, sent.id);
  });

  test('a text outside the window is refused and points to templates', async () => {
    await clientWrote('whatsapp', '6281234567890', new Date(clock.now().getTime() - 25 * 3600_000));
    const { status, body } = await call('whatsapp.send', { to: '+6281234567890', text: 'Hello again' });
    assert.equal(status, 422);
    assert.equal(body.error, 'outside_customer_window');
    assert.match(body.message!, /template/);
    const never = await call('whatsapp.send', { to: '+393331234567', text: 'Ciao' });
    assert.equal(never.body.error, 'outside_customer_window');
  });

  test('a template may be sent any time, with its body parameters', async () => {
    const { body } = await call('whatsapp.send', {
      to: '+393331234567',
      template: { name: 'visa_expiry_reminder', language: 'it', parameters: ['Mario'] },
    });
    await worker.drain();
    assert.equal((await outboxRow(body.data.outbox_id)).status, 'sent');
    assert.deepEqual(meta.whatsapp.at(-1)!.body.template, {
      name: 'visa_expiry_reminder',
      language: { code: 'it' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Mario' }] }],
    });
  });

  test('the same idempotency key sends once', async () => {
    const before = meta.whatsapp.length;
    const params = { to: '+393331234567', template: { name: 'welcome' }, idempotency_key: 'welcome-mario' };
    const a = await call('whatsapp.send', params);
    const b = await call('whatsapp.send', params);
    assert.equal(b.body.data.outbox_id, a.body.data.outbox_id);
    assert.equal(b.body.data.duplicate, true);
    await worker.drain();
    assert.equal(meta.whatsapp.length, before + 1);
  });

  test('429 waits for Retry-After, 5xx retries, a bad token fails for good', async () => {
    meta.failNext({ ...graphError(429, 130429, 'Rate limit hit'), headers: { 'retry-after': '30' } });
    const { body } = await call('whatsapp.send', { to: '+393331234567', template: { name: 'welcome' } });
    await worker.drain();
    let row = await outboxRow(body.data.outbox_id);
    assert.equal(row.status, 'pending');
    assert.match(row.last_error, /130429/);
    assert.ok(new Date(row.next_attempt_at).getTime() >= clock.now().getTime() + 30_000);
    meta.failNext(graphError(500, 2, 'Service temporarily unavailable', 'OAuthException'));
    clock.advance(31_000);
    await worker.drain();
    assert.equal((await outboxRow(body.data.outbox_id)).status, 'pending');
    clock.advance(5 * 60_000);
    await worker.drain();
    row = await outboxRow(body.data.outbox_id);
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 3);

    const badRt = await createTestRuntime({ store, clock, env: { ...liveEnv, WHATSAPP_ACCESS_TOKEN: 'expired' } });
    try {
      const key = (await badRt.key('staff')).key;
      const res = await badRt.request('/call', {
        key,
        body: { key: 'whatsapp.send', params: { to: '+393331234567', template: { name: 'welcome' } } },
      });
      const id = ((await res.json()) as any).data.outbox_id;
      await new OutboxWorker(badRt).drain();
      clock.advance(3600_000);
      await new OutboxWorker(badRt).drain();
      row = await outboxRow(id);
      assert.equal(row.status, 'failed');
      assert.equal(row.attempts, 1);
      assert.match(row.last_error, /190/);
    } finally {
      await badRt.close();
    }
  });

  test('clients may not send WhatsApp messages', async () => {
    const client = await rt.key('client');
    const { status } = await call('whatsapp.send', { to: '+393331234567', template: { name: 'welcome' } }, client.key);
    assert.equal(status, 403);
  });
});

describe('whatsapp.send_bulk', () => {
  test('one row per distinct number, paced at the configured rate', async () => {
    const { body } = await call('whatsapp.send_bulk', {
      to: ['+628111111111', '+62 811 1111 111', '+628122222222', '+393331234567'],
      template: { name: 'regulation_update' },
    });
    assert.equal(body.data.count, 3);
    const rows = (await store.query<any>('SELECT destination, next_attempt_at FROM outbox ORDER BY next_attempt_at'))
      .rows;
    assert.deepEqual(
      rows.map((r) => r.destination),
      ['628111111111', '628122222222', '393331234567'],
    );
    const gaps = rows
      .slice(1)
      .map((r, i) => new Date(r.next_attempt_at).getTime() - new Date(rows[i].next_attempt_at).getTime());
    assert.deepEqual(gaps, [2000, 2000]);
    const before = meta.whatsapp.length;
    await worker.drain();
    assert.equal(meta.whatsapp.length, before + 1, 'only the first is due now');
    clock.advance(4000);
    await worker.drain();
    assert.equal(meta.whatsapp.length, before + 3);
  });
});

describe('instagram.send', () => {
  test('a reply inside the window reaches the Instagram messages endpoint', async () => {
    await clientWrote('instagram', '6812345678901234', new Date(clock.now().getTime() - 60_000));
    const { body } = await call('instagram.send', {
      recipient_id: '6812345678901234',
      text: 'We can help, what is your nationality?',
    });
    await worker.drain();
    const sent = meta.instagram.at(-1)!;
    assert.deepEqual(
      { recipient: sent.recipientId, text: sent.text, account: sent.accountId },
      { recipient: '6812345678901234', text: 'We can help, what is your nationality?', account: 'me' },
    );
    assert.equal((await outboxRow(body.data.outbox_id)).provider_message_id, sent.id);
    const closed = await call('instagram.send', { recipient_id: '6899999999999999', text: 'hi' });
    assert.equal(closed.body.error, 'outside_customer_window');
  });
});

describe('slack.notify and discord.notify', () => {
  test('a named Slack channel gets chat.postMessage with the bot token and the outbox id in metadata', async () => {
    const { body } = await call('slack.notify', { destination: '#ops', text: 'New lead: PT PMA' });
    await worker.drain();
    const posted = slack.posted.at(-1)!;
    assert.equal(posted.channel, 'C0OPS');
    assert.equal(posted.text, 'New lead: PT PMA');
    assert.deepEqual(posted.metadata?.event_payload, { outbox_id: body.data.outbox_id });
    assert.equal((await outboxRow(body.data.outbox_id)).provider_message_id, `C0OPS:${posted.ts}`);
  });

  test('a name mapped to an incoming webhook posts there', async () => {
    await call('slack.notify', { destination: 'standup', text: 'Daily: 3 new leads' });
    await worker.drain();
    assert.deepEqual(slack.webhookPosts.at(-1), { hook: 'T000/B000/XXXX', text: 'Daily: 3 new leads' });
  });

  test('unknown names and URLs are refused before anything is queued', async () => {
    const unknown = await call('slack.notify', { destination: 'random', text: 'x' });
    assert.equal(unknown.status, 422);
    assert.equal(unknown.body.error, 'unknown_destination');
    const url = await call('discord.notify', { destination: 'https://evil.example/hook', text: 'x' });
    assert.equal(url.status, 400);
    assert.equal((await store.query('SELECT 1 FROM outbox')).rowCount, 0);
  });

  test('Slack 429 waits for Retry-After; invalid_auth fails for good', async () => {
    slack.failNext(slackRateLimited(20));
    const { body } = await call('slack.notify', { destination: 'alerts', text: 'disk almost full' });
    await worker.drain();
    const row = await outboxRow(body.data.outbox_id);
    assert.equal(row.status, 'pending');
    assert.ok(new Date(row.next_attempt_at).getTime() >= clock.now().getTime() + 20_000);
    clock.advance(21_000);
    await worker.drain();
    assert.equal((await outboxRow(body.data.outbox_id)).status, 'sent');
    slack.failNext({ status: 200, body: { ok: false, error: 'invalid_auth' } });
    const second = await call('slack.notify', { destination: 'alerts', text: 'again' });
    await worker.drain();
    const failed = await outboxRow(second.body.data.outbox_id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.last_error, /invalid_auth/);
  });

  test('Discord gets the webhook with wait=true and mentions disabled; 429 honours retry_after', async () => {
    discord.failNext(discordRateLimited(2.5));
    const { body } = await call('discord.notify', { destination: 'alerts', text: '@everyone 3 new leads' });
    await worker.drain();
    assert.equal((await outboxRow(body.data.outbox_id)).status, 'pending');
    clock.advance(3000);
    await worker.drain();
    const posted = discord.posted.at(-1)!;
    assert.equal(posted.waited, true);
    assert.deepEqual(posted.allowedMentions, { parse: [] });
    const row = await outboxRow(body.data.outbox_id);
    assert.equal(row.status, 'sent');
    assert.equal(row.provider_message_id, posted.id);
  });
});

describe('email.send', () => {
  test('SMTP with auth delivers the message with a Message-ID derived from the outbox id', async () => {
    const { body } = await call('email.send', {
      to: 'client@example.com',
      subject: 'Your quote',
      text: 'Dear client, details below.',
      reply_to: 'consultant@balizero.test',
    });
    assert.equal(body.data.channel, 'email');
    await worker.drain();
    const message = smtp.messages.at(-1)!;
    assert.deepEqual(message.to, ['client@example.com']);
    assert.equal(message.user, 'mailer');
    assert.match(message.data, /Subject: Your quote/);
    assert.match(message.data, new RegExp(`Message-ID: <${body.data.outbox_id}@balizero.test>`, 'i'));
    assert.equal((await outboxRow(body.data.outbox_id)).status, 'sent');
  });

  test('550 fails for good, 451 retries', async () => {
    smtp.rejectRecipients.add('nobody@example.com');
    const rejected = await call('email.send', { to: 'nobody@example.com', subject: 'x', text: 'y' });
    smtp.failNextData.push('451 4.3.0 Try again later');
    const later = await call('email.send', { to: 'client@example.com', subject: 'x', text: 'later' });
    await worker.drain();
    assert.equal((await outboxRow(rejected.body.data.outbox_id)).status, 'failed');
    assert.equal((await outboxRow(later.body.data.outbox_id)).status, 'pending');
  });
});

describe('sandbox honesty', () => {
  test('without credentials every channel answers "would send" and nothing reaches a provider', async () => {
    const bare = await createTestRuntime({ store, clock });
    try {
      const key = (await bare.key('staff')).key;
      const requestsBefore = meta.requests.length + slack.requests.length + discord.requests.length;
      const smtpBefore = smtp.messages.length;
      const calls: Array<[string, Record<string, unknown>]> = [
        ['whatsapp.send', { to: '+393331234567', template: { name: 'welcome' } }],
        ['slack.notify', { destination: 'ops', text: 'x' }],
        ['discord.notify', { destination: 'alerts', text: 'x' }],
        ['email.send', { to: 'a@example.com', subject: 's', text: 't' }],
      ];
      for (const [handler, params] of calls) {
        const res = await bare.request('/call', { key, body: { key: handler, params } });
        const data = ((await res.json()) as any).data;
        assert.equal(data.status, 'sandboxed', handler);
        assert.match(data.note, /would send/, handler);
        assert.doesNotMatch(data.note, /^sent/, handler);
      }
      await new OutboxWorker(bare).drain();
      assert.equal(meta.requests.length + slack.requests.length + discord.requests.length, requestsBefore);
      assert.equal(smtp.messages.length, smtpBefore);
      const statuses = (await store.query<{ status: string }>('SELECT status FROM outbox')).rows.map((r) => r.status);
      assert.deepEqual(statuses, ['sandboxed', 'sandboxed', 'sandboxed', 'sandboxed']);
    } finally {
      await bare.close();
    }
  });

  test('ZANTARA_SANDBOX=1 sandboxes configured channels too', async () => {
    const sandbox = await createTestRuntime({ store, clock, env: { ...liveEnv, ZANTARA_SANDBOX: '1' } });
    try {
      const key = (await sandbox.key('staff')).key;
      const before = slack.requests.length;
      const res = await sandbox.request('/call', {
        key,
        body: { key: 'slack.notify', params: { destination: 'ops', text: 'x' } },
      });
      assert.equal(((await res.json()) as any).data.status, 'sandboxed');
      await new OutboxWorker(sandbox).drain();
      assert.equal(slack.requests.length, before);
    } finally {
      await sandbox.close();
    }
  });
});

describe('outbox handlers', () => {
  test('staff list, cancel and retry; clients may not', async () => {
    meta.failNext(graphError(400, 131026, 'Message undeliverable'));
    const { body } = await call('whatsapp.send', { to: '+393331234567', template: { name: 'welcome' } });
    await worker.drain();
    const list = await call('outbox.list', { status: 'failed' });
    assert.deepEqual(
      list.body.data.messages.map((m: any) => m.id),
      [body.data.outbox_id],
    );
    assert.equal(list.body.data.counts.failed, 1);
    const retried = await call('outbox.retry', { id: body.data.outbox_id });
    assert.equal(retried.body.data.status, 'pending');
    await worker.drain();
    assert.equal((await outboxRow(body.data.outbox_id)).status, 'sent');
    const queued = await call('whatsapp.send', { to: '+393331234567', template: { name: 'later' } });
    const cancelled = await call('outbox.cancel', { id: queued.body.data.outbox_id });
    assert.equal(cancelled.body.data.status, 'cancelled');
    const client = await rt.key('client');
    assert.equal((await call('outbox.list', {}, client.key)).status, 403);
  });
});
