import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';
import { eventBusService, type ZantaraEvent } from '../realtime/event-bus.ts';
import type { Principal } from '../auth/principal.ts';
import type { ChatTurnRequest, ChatTurnResult, PendingAction } from '../runtime/chat-turn.ts';
import { OutboxWorker } from '../outbox/outbox-worker.ts';
import { outboxService } from '../outbox/outbox.ts';
import {
  FakeMetaServer,
  instagramTextWebhook,
  metaSignature,
  whatsappStatusWebhook,
  whatsappTextWebhook,
} from '../testing/fake-meta/fake-meta-server.ts';
import { InboundProcessor, TurnUnavailableError, splitMessage } from './inbound-processor.ts';

const SECRET = 'app-secret-for-tests';
const VERIFY = 'verify-me-please';
const store: TestStore = await createTestPglite();
const meta = new FakeMetaServer();
await meta.start();
const env = {
  META_APP_SECRET: SECRET,
  META_VERIFY_TOKEN: VERIFY,
  WHATSAPP_ACCESS_TOKEN: meta.token,
  WHATSAPP_PHONE_NUMBER_ID: meta.phoneNumberId,
  META_GRAPH_BASE_URL: meta.url,
  INSTAGRAM_ACCESS_TOKEN: meta.instagramToken,
  INSTAGRAM_BASE_URL: meta.url,
};

/** A stand-in for the orchestrator: records the turns and answers what the test says. */
function scriptedTurns() {
  const calls: Array<{ principal: Principal; request: ChatTurnRequest }> = [];
  let answer = (request: ChatTurnRequest) => `Reply to: ${request.message}`;
  let pending: PendingAction[] = [];
  return {
    calls,
    answerWith(fn: (r: ChatTurnRequest) => string) {
      answer = fn;
    },
    withPending(actions: PendingAction[]) {
      pending = actions;
    },
    async run(_rt: unknown, principal: Principal, request: ChatTurnRequest): Promise<ChatTurnResult> {
      calls.push({ principal, request });
      return {
        response: answer(request),
        model: 'fake',
        provider: 'fake',
        route: 'test',
        handlers_used: [],
        pending_actions: pending,
        usage: { input_tokens: 1, cached_input_tokens: 0, output_tokens: 1 },
        cost_usd: 0,
        conversation_id: randomUUID(),
        turn_id: randomUUID(),
        latency_ms: 1,
        local: true,
      };
    },
  };
}

let rt: TestRuntime;
let autoRt: TestRuntime;
const events: ZantaraEvent[] = [];

async function post(runtime: TestRuntime, channel: string, body: unknown, signature?: string | null) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature ?? metaSignature(SECRET, raw);
  const res = await runtime.request(`/webhooks/${channel}`, { method: 'POST', body: raw, headers });
  return { status: res.status, body: (await res.json()) as any };
}
async function inboundRows() {
  return (await store.query<any>('SELECT * FROM inbound_messages ORDER BY received_at')).rows;
}

before(async () => {
  rt = await createTestRuntime({ store, env });
  autoRt = await createTestRuntime({ store, env: { ...env, ZANTARA_AUTO_REPLY: '1' } });
  for (const r of [rt, autoRt]) r.service(eventBusService).subscribe((e) => events.push(e));
});
beforeEach(async () => {
  await store.reset();
  events.length = 0;
});
after(async () => {
  await rt.close();
  await autoRt.close();
  await meta.close();
  await store.close();
});

describe('webhook verification (GET)', () => {
  test('the configured token gets the challenge back', async () => {
    const res = await rt.request(
      `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=1158201444`,
    );
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '1158201444');
    const ig = await rt.request(`/webhooks/instagram?hub.mode=subscribe&hub.verify_token=${VERIFY}&hub.challenge=42`);
    assert.equal(await ig.text(), '42');
  });

  test('a wrong token or mode is refused with the error envelope', async () => {
    const wrong = await rt.request('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1');
    assert.equal(wrong.status, 403);
    assert.equal(((await wrong.json()) as any).error, 'verification_failed');
    const mode = await rt.request(`/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=${VERIFY}&hub.challenge=1`);
    assert.equal(mode.status, 403);
  });
});

describe('webhook signatures (POST)', () => {
  const body = whatsappTextWebhook({ from: '6281234567890', id: 'wamid.sig1', text: 'Halo, saya butuh KITAS' });

  test('a valid signature over the raw body is accepted and stored once', async () => {
    const { status, body: answer } = await post(rt, 'whatsapp', body);
    assert.equal(status, 200);
    assert.deepEqual(answer.data, { received: 1, duplicates: 0 });
    const rows = await inboundRows();
    assert.equal(rows.length, 1);
    assert.equal(rows[0].sender, '6281234567890');
    assert.equal(rows[0].text, 'Halo, saya butuh KITAS');
    assert.equal(rows[0].status, 'queued');
    assert.equal(events.filter((e) => e.type === 'inbound.message').length, 1);
  });

  test('missing, wrong and re-serialised signatures are 401 and store nothing', async () => {
    const raw = JSON.stringify(body, null, 2);
    const missing = await post(rt, 'whatsapp', raw, null);
    const wrongSecret = await post(rt, 'whatsapp', raw, metaSignature('not-the-secret', raw));
    const otherBody = await post(rt, 'whatsapp', raw, metaSignature(SECRET, JSON.stringify(body)));
    const garbage = await post(rt, 'whatsapp', raw, 'sha256=zzzz');
    for (const r of [missing, wrongSecret, otherBody, garbage]) {
      assert.equal(r.status, 401);
      assert.equal(r.body.ok, false);
      assert.equal(r.body.error, 'invalid_signature');
    }
    assert.equal((await inboundRows()).length, 0);
    assert.match(
      await rt.metrics.registry.metrics(),
      /zantara_webhook_requests_total\{channel="whatsapp",outcome="invalid_signature"\} 4/,
    );
  });

  test('duplicates and replays are acknowledged but stored once', async () => {
    await post(rt, 'whatsapp', body);
    const again = await post(rt, 'whatsapp', body);
    assert.deepEqual(again.body.data, { received: 0, duplicates: 1 });
    // The same message id inside a differently formatted (but validly signed) body is still a duplicate.
    const replay = await post(rt, 'whatsapp', JSON.stringify(body, null, 1));
    assert.deepEqual(replay.body.data, { received: 0, duplicates: 1 });
    assert.equal((await inboundRows()).length, 1);
  });

  test('without META_APP_SECRET nothing is accepted', async () => {
    const bare = await createTestRuntime({ store });
    try {
      const raw = JSON.stringify(body);
      const res = await bare.request('/webhooks/whatsapp', {
        method: 'POST',
        body: raw,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(SECRET, raw) },
      });
      assert.equal(res.status, 503);
      assert.equal((await inboundRows()).length, 0);
    } finally {
      await bare.close();
    }
  });
});

describe('inbound message → chat turn', () => {
  test('the webhook answers before the turn; the turn runs as a client principal for the sender', async () => {
    const turns = scriptedTurns();
    await post(
      rt,
      'whatsapp',
      whatsappTextWebhook({ from: '393331234567', id: 'wamid.t1', text: 'Quanto costa il KITAS?', name: 'Mario' }),
    );
    assert.equal(turns.calls.length, 0, 'acknowledged before any processing');
    await new InboundProcessor(rt, { runTurn: turns.run.bind(turns) }).drain();
    assert.equal(turns.calls.length, 1);
    const { principal, request } = turns.calls[0];
    assert.equal(principal.role, 'client');
    assert.deepEqual(request, { message: 'Quanto costa il KITAS?', channel: 'whatsapp' });
    const contact = await store.query<any>(
      `SELECT principal_id FROM client_contacts WHERE kind = 'whatsapp' AND value = '393331234567'`,
    );
    assert.equal(contact.rows[0].principal_id, principal.id);
    // Auto-reply is off: the reply waits for staff as a draft, nothing is queued.
    const [row] = await inboundRows();
    assert.equal(row.status, 'waiting');
    assert.equal(row.draft_reply, 'Reply to: Quanto costa il KITAS?');
    assert.equal(row.language, 'it');
    assert.equal((await store.query('SELECT 1 FROM outbox')).rowCount, 0);
    const processed = events.find((e) => e.type === 'inbound.processed');
    assert.match(String(processed?.data.reason), /auto-reply is off/);
    // A second message from the same number is the same principal.
    await post(rt, 'whatsapp', whatsappTextWebhook({ from: '393331234567', id: 'wamid.t2', text: 'Grazie' }));
    await new InboundProcessor(rt, { runTurn: turns.run.bind(turns) }).drain();
    assert.equal(turns.calls[1].principal.id, principal.id);
  });

  test('with auto-reply on, the answer goes out once through the outbox, even if processed twice', async () => {
    const turns = scriptedTurns();
    turns.answerWith(() => 'Il KITAS costa secondo il listino: te lo mando subito.');
    await post(
      autoRt,
      'whatsapp',
      whatsappTextWebhook({ from: '393331234567', id: 'wamid.a1', text: 'Quanto costa il KITAS?' }),
    );
    const processor = new InboundProcessor(autoRt, { runTurn: turns.run.bind(turns) });
    await processor.drain();
    const [row] = await inboundRows();
    assert.equal(row.status, 'done');
    assert.ok(row.reply_outbox_id);
    // Simulate a crash after the reply was queued but before the row was finished: processed again.
    await store.query(`UPDATE inbound_messages SET status = 'queued'`);
    await processor.drain();
    const outbox = (await store.query<any>('SELECT * FROM outbox')).rows;
    assert.equal(outbox.length, 1);
    assert.equal(outbox[0].destination, '393331234567');
    assert.deepEqual(outbox[0].payload, {
      type: 'text',
      text: 'Il KITAS costa secondo il listino: te lo mando subito.',
    });
    const before = meta.whatsapp.length;
    await new OutboxWorker(autoRt).drain();
    assert.equal(meta.whatsapp.length, before + 1);
    assert.equal(meta.whatsapp.at(-1)!.to, '393331234567');
  });

  test('a turn with pending actions never auto-replies: it waits for staff', async () => {
    const turns = scriptedTurns();
    turns.withPending([
      {
        id: randomUUID(),
        key: 'email.send',
        params: {},
        summary: 'Send the quote by e-mail',
        expires_at: new Date().toISOString(),
      },
    ]);
    await post(
      autoRt,
      'whatsapp',
      whatsappTextWebhook({ from: '393331234567', id: 'wamid.p1', text: 'Mandami il preventivo via email' }),
    );
    await new InboundProcessor(autoRt, { runTurn: turns.run.bind(turns) }).drain();
    const [row] = await inboundRows();
    assert.equal(row.status, 'waiting');
    assert.equal(row.pending_action_ids.length, 1);
    assert.equal((await store.query('SELECT 1 FROM outbox')).rowCount, 0);
  });

  test('when the turn runner is unavailable the message waits for staff; other failures are retried later', async () => {
    await post(rt, 'whatsapp', whatsappTextWebhook({ from: '393331234567', id: 'wamid.u1', text: 'ciao' }));
    await new InboundProcessor(rt, {
      runTurn: async () => {
        throw new TurnUnavailableError('no orchestrator');
      },
    }).drain();
    assert.equal((await inboundRows())[0].status, 'waiting');
    await store.reset();
    await post(rt, 'whatsapp', whatsappTextWebhook({ from: '393331234567', id: 'wamid.u2', text: 'ciao' }));
    await new InboundProcessor(rt, {
      runTurn: async () => {
        throw new Error('model down');
      },
    }).drain();
    const [row] = await inboundRows();
    assert.equal(row.status, 'queued');
    assert.equal(row.error, 'model down');
    assert.ok(new Date(row.next_attempt_at) > new Date(row.received_at));
  });

  test('Instagram messages become turns and replies go to the Instagram sender', async () => {
    const turns = scriptedTurns();
    const res = await post(
      autoRt,
      'instagram',
      instagramTextWebhook({ sender: '6812345678901234', mid: 'aWdfZAG1', text: 'Do you help with company setup?' }),
    );
    assert.deepEqual(res.body.data, { received: 1, duplicates: 0 });
    await new InboundProcessor(autoRt, { runTurn: turns.run.bind(turns) }).drain();
    assert.equal(turns.calls[0].request.channel, 'instagram');
    await new OutboxWorker(autoRt).drain();
    assert.equal(meta.instagram.at(-1)!.recipientId, '6812345678901234');
    assert.equal(meta.instagram.at(-1)!.text, 'Reply to: Do you help with company setup?');
  });
});

describe('WhatsApp status webhooks', () => {
  test('a status carrying our outbox id confirms a row whose worker died mid-delivery', async () => {
    const outbox = autoRt.service(outboxService);
    const { id } = await outbox.enqueue({
      channel: 'whatsapp',
      destination: '393331234567',
      payload: { type: 'text', text: 'hi' },
    });
    await outbox.claim('worker-that-dies');
    await post(
      autoRt,
      'whatsapp',
      whatsappStatusWebhook({ id: 'wamid.status1', recipient: '393331234567', status: 'sent', callbackData: id }),
    );
    const row = await outbox.get(id);
    assert.equal(row?.status, 'sent');
    assert.equal(row?.provider_message_id, 'wamid.status1');
    const before = meta.whatsapp.length;
    await new OutboxWorker(autoRt).drain();
    assert.equal(meta.whatsapp.length, before, 'not sent again');
  });
});

describe('staff thread and reply', () => {
  test('staff see the thread with the draft and send it; clients may not look', async () => {
    const turns = scriptedTurns();
    await post(
      rt,
      'whatsapp',
      whatsappTextWebhook({ from: '6281234567890', id: 'wamid.s1', text: 'Berapa biaya KITAS?' }),
    );
    await new InboundProcessor(rt, { runTurn: turns.run.bind(turns) }).drain();
    const staff = (await rt.key('staff')).key;
    const waiting = await rt.request('/call', { key: staff, body: { key: 'channels.thread', params: {} } });
    const waitingList = ((await waiting.json()) as any).data.waiting;
    assert.equal(waitingList.length, 1);
    const reply = await rt.request('/call', {
      key: staff,
      body: { key: 'channels.reply', params: { inbound_id: waitingList[0].id } },
    });
    const replyData = ((await reply.json()) as any).data;
    assert.equal(replyData.status, 'pending');
    const thread = await rt.request('/call', {
      key: staff,
      body: { key: 'channels.thread', params: { channel: 'whatsapp', sender: '+62 812 3456 7890' } },
    });
    const entries = ((await thread.json()) as any).data.entries;
    assert.deepEqual(
      entries.map((e: any) => [e.direction, e.text, e.status]),
      [
        ['in', 'Berapa biaya KITAS?', 'done'],
        ['out', 'Reply to: Berapa biaya KITAS?', 'pending'],
      ],
    );
    const client = (await rt.key('client')).key;
    const denied = await rt.request('/call', { key: client, body: { key: 'channels.thread', params: {} } });
    assert.equal(denied.status, 403);
  });
});

test('long replies are split at word boundaries within the channel limit', () => {
  const text = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
  const parts = splitMessage(text, 1000);
  assert.ok(parts.length > 1);
  assert.ok(parts.every((p) => p.length <= 1000));
  assert.equal(parts.join(' '), text);
});
