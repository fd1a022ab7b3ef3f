/**
 * End to end with the real orchestrator (its offline local tier answers without a model): a signed WhatsApp
 * webhook → the background processor started as the server starts it → a chat turn for the client principal
 * → the reply queued through the outbox in the client's language (sandboxed here: no WhatsApp credentials).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPglite } from '../testing/test-stores.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import { eventBusService, type ZantaraEvent } from '../realtime/event-bus.ts';
import { metaSignature, whatsappTextWebhook } from '../testing/fake-meta/fake-meta-server.ts';
import { detectLanguage } from '../text/language.ts';
import { inboundProcessorTask } from './inbound-processor.ts';

const store = await createTestPglite();
const rt = await createTestRuntime({
  store,
  env: { META_APP_SECRET: 'e2e-secret', ZANTARA_AUTO_REPLY: '1', ZANTARA_INBOUND_POLL_MS: '50' },
});
after(async () => {
  await rt.close();
  await store.close();
});

test('a signed WhatsApp message becomes a turn and a sandboxed reply in Italian, with no staff action', async () => {
  const processed = new Promise<ZantaraEvent>((resolve) => {
    rt.service(eventBusService).subscribe((e) => {
      if (e.type === 'inbound.processed') resolve(e);
    });
  });
  await inboundProcessorTask.start(rt);
  const raw = JSON.stringify(
    whatsappTextWebhook({
      from: '393331234567',
      id: 'wamid.e2e1',
      text: 'Ciao, quanto costa il KITAS E33G?',
      name: 'Mario',
    }),
  );
  const res = await rt.request('/webhooks/whatsapp', {
    method: 'POST',
    body: raw,
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature('e2e-secret', raw) },
  });
  assert.equal(res.status, 200);
  const event = await processed;
  assert.equal(event.data.status, 'done', JSON.stringify(event.data));
  const [row] = (await store.query<any>('SELECT * FROM inbound_messages')).rows;
  assert.equal(row.language, 'it');
  assert.ok(row.conversation_id);
  const principal = (await store.query<any>('SELECT role FROM principals WHERE id = $1', [row.principal_id])).rows[0];
  assert.equal(principal.role, 'client');
  const [reply] = (await store.query<any>('SELECT * FROM outbox WHERE id = $1', [row.reply_outbox_id])).rows;
  assert.equal(reply.channel, 'whatsapp');
  assert.equal(reply.destination, '393331234567');
  assert.equal(reply.status, 'sandboxed', 'no WhatsApp credentials: recorded, not sent');
  assert.equal(detectLanguage(reply.payload.text), 'it', reply.payload.text);
});
