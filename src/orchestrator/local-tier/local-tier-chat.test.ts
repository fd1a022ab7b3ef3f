/**
 * The local tier inside a real chat turn (POST /v1/chat, full handler catalogue, PGlite): knowledge questions in
 * three languages are answered with zero requests reaching the model server; out-of-scope questions go to the
 * model when there is one, and with no provider get the no-model message, never a Bali Zero fact.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatTurnResult } from '../../runtime/chat-turn.ts';
import { Knowledge, knowledgeEnv } from '../../knowledge/knowledge-service.ts';
import { parseEnv } from '../../config/env.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { startFakeModelServer, type FakeModelServer } from '../../testing/fake-model-servers/fake-model-server.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { amountsIn } from '../../testing/eval-figures.ts';

let store: TestStore;
let fake: FakeModelServer;
const kb = new Knowledge(parseEnv(knowledgeEnv, {}));

before(async () => {
  store = await createTestPglite();
  fake = await startFakeModelServer('openai');
});
after(async () => {
  await fake?.close();
  await store?.close();
});

async function chat(rt: TestRuntime, key: string, message: string): Promise<ChatTurnResult> {
  const res = await rt.request('/v1/chat', { key, body: { message } });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as ChatTurnResult;
}

test('knowledge questions in English, Italian and Indonesian are answered locally: zero model requests, zero cost', async () => {
  fake.reset();
  const rt = await createTestRuntime({
    store,
    env: { LLAMA_BASE_URL: fake.baseURL, LLAMA_MODEL: 'fake-llama', LLAMA_API_KEY: 'test' },
  });
  try {
    const { key } = await rt.key('client');
    const offshore = kb.prices.item('e33f-retirement')!.variants.find((v) => v.option === 'offshore')!.amount;
    for (const message of [
      'How much is a retirement kitas?',
      'Prezzo del KITAS pensionati',
      'Berapa biaya KITAS pensiun?',
    ]) {
      const body = await chat(rt, key, message);
      assert.equal(body.local, true, message);
      assert.equal(body.model, 'zantara-local');
      assert.deepEqual(body.handlers_used, ['bali.zero.pricing']);
      assert.equal(body.cost_usd, 0);
      assert.ok(amountsIn(body.response).includes(offshore), body.response);
    }
    assert.equal(fake.requests.length, 0, 'no request reached the model server');
  } finally {
    await rt.close();
  }
});

test('an out-of-scope question goes to the model, not to the facts', async () => {
  fake.reset();
  fake.enqueue({ text: 'I can only help with Indonesian visas and Bali Zero services.' });
  const rt = await createTestRuntime({
    store,
    env: { LLAMA_BASE_URL: fake.baseURL, LLAMA_MODEL: 'fake-llama', LLAMA_API_KEY: 'test' },
  });
  try {
    const { key } = await rt.key('client');
    const body = await chat(rt, key, 'How much is a Schengen visa for Indonesians?');
    assert.equal(body.local, false);
    assert.equal(fake.requests.length, 1);
    assert.equal(body.response, 'I can only help with Indonesian visas and Bali Zero services.');
  } finally {
    await rt.close();
  }
});

test('with no provider, an out-of-scope question gets the no-model message with the team contact, in its language', async () => {
  const rt = await createTestRuntime({ store, env: {} });
  try {
    const { key } = await rt.key('client');
    const body = await chat(rt, key, 'Che tempo farà domani a Ubud?');
    assert.equal(body.local, true);
    assert.equal(body.route, 'none');
    assert.deepEqual(body.handlers_used, []);
    assert.deepEqual(amountsIn(body.response), [], 'no Bali Zero price');
    assert.ok(body.response.includes(kb.data.company.whatsapp), body.response);
    assert.match(body.response, /team/);
    assert.match(body.response, /non posso|Per contattare/);
  } finally {
    await rt.close();
  }
});

test('a follow-up in the same conversation is read against the previous turn, in the conversation language', async () => {
  fake.reset();
  const rt = await createTestRuntime({
    store,
    env: { LLAMA_BASE_URL: fake.baseURL, LLAMA_MODEL: 'fake-llama', LLAMA_API_KEY: 'test' },
  });
  try {
    const { key } = await rt.key('client');
    const first = await chat(rt, key, 'harga kitas pasangan offshore brp?');
    assert.equal(first.local, true, first.response);
    const res = await rt.request('/v1/chat', {
      key,
      body: { message: 'kalau 2 tahun?', conversation_id: first.conversation_id },
    });
    const second = (await res.json()) as ChatTurnResult;
    assert.equal(second.local, true, second.response);
    const twoYears = kb.prices
      .item('e31a-spouse')!
      .variants.find((v) => v.option === 'offshore' && v.years === 2)!.amount;
    const others = kb.prices
      .item('e31a-spouse')!
      .variants.filter((v) => v.amount !== twoYears)
      .map((v) => v.amount);
    assert.ok(amountsIn(second.response).includes(twoYears), second.response);
    assert.ok(!amountsIn(second.response).some((a) => others.includes(a)), 'only the asked-for variant');
    assert.match(second.response, /Rp /, 'Indonesian formatting');
    // The same words with no earlier turn name nothing: handed over to the model, with no guess.
    fake.enqueue({ text: 'Which service do you mean?' });
    const alone = await chat(rt, key, 'kalau 2 tahun?');
    assert.equal(alone.local, false);
    assert.equal(fake.requests.length, 1);
  } finally {
    await rt.close();
  }
});

test('a hand-over carries what the local tier found to the model, as quoted data', async () => {
  fake.reset();
  fake.enqueue({ text: 'The investor KITAS is for shareholders; land ownership needs a separate answer.' });
  const rt = await createTestRuntime({
    store,
    env: { LLAMA_BASE_URL: fake.baseURL, LLAMA_MODEL: 'fake-llama', LLAMA_API_KEY: 'test' },
  });
  try {
    const { key } = await rt.key('client');
    // A second question the facts cannot answer sends the whole message on; the price lookup already made goes too.
    const body = await chat(rt, key, 'how much is the investor kitas, and is it possible to sponsor my cousin?');
    assert.equal(body.local, false, body.response);
    const system = JSON.stringify(fake.requests[0].body.messages);
    assert.match(system, /<local_findings>/);
    assert.match(system, /quoted data/);
    assert.match(system, /e28a-investor/);
  } finally {
    await rt.close();
  }
});
