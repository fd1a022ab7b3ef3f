/**
 * A turn is answered first and stored just after: these tests hold the save statement back (or make it fail) and
 * check that nothing a user can notice goes missing — the next turn, the conversation routes, `continue_recent`,
 * `memory.forget`, the runtime's close — and that a failed save is logged and counted.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { memoryService } from '../memory/memory-facts.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { startFakeModelServer, type FakeModelServer } from '../testing/fake-model-servers/fake-model-server.ts';
import { createOrchestratorTestRuntime, settled } from '../testing/fake-model-servers/orchestrator-test-kit.ts';
import type { ChatTurnResult } from './chat-types.ts';
import { runChatTurn } from './run-chat-turn.ts';

let store: TestStore;
let model: FakeModelServer;
let originalQuery: TestStore['query'];

before(async () => {
  store = await createTestPglite();
  model = await startFakeModelServer('openai');
  originalQuery = store.query;
});
after(async () => {
  await model.close();
  await store.close();
});
beforeEach(async () => {
  await store.reset();
  model.reset();
});
afterEach(() => { store.query = originalQuery; });

const isTurnSave = (sql: string) => sql.trimStart().startsWith('WITH conversation AS');

let releaseHeld: (() => void) | undefined;
afterEach(() => releaseHeld?.());

/** Holds every turn save at the store until `release()`; other statements run as usual. */
function holdTurnSaves() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => { release = resolve; });
  releaseHeld = release;
  let held = 0;
  store.query = (async (sql: string, params?: unknown[]) => {
    if (isTurnSave(sql)) { held++; await released; }
    return originalQuery.call(store, sql, params);
  }) as TestStore['query'];
  return { release, held: () => held };
}

const messagesIn = async (conversationId: string) =>
  (await originalQuery.call(store, 'SELECT role, content FROM conversation_messages WHERE conversation_id = $1 ORDER BY id', [conversationId])).rows as
    Array<{ role: string; content: string }>;
const tick = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));

async function setup() {
  const rt = await createOrchestratorTestRuntime({
    store, env: { LLAMA_BASE_URL: model.baseURL, LLAMA_MODEL: 'fake-llama', LLAMA_API_KEY: 'test' },
    config: { routing: { mode: 'single', chain: ['llama'] } },
  });
  const { key, principal } = await rt.key('client');
  const chat = async (body: Record<string, unknown>) => {
    const res = await rt.request('/v1/chat', { key, body });
    return { status: res.status, body: await res.json() as ChatTurnResult };
  };
  return { rt, key, principal, chat };
}

describe('turns stored just after their answer', () => {
  test('the answer comes before the save; the next turn of the conversation waits for it and sees the history', async () => {
    const { rt, chat } = await setup();
    try {
      const gate = holdTurnSaves();
      model.enqueue({ text: 'First answer.' }, { text: 'Second answer.' });
      const first = await chat({ message: 'First question' });
      assert.equal(first.status, 200);
      assert.equal(first.body.response, 'First answer.');
      await tick();
      assert.equal(gate.held(), 1, 'the save has started and is held');
      assert.deepEqual(await messagesIn(first.body.conversation_id), []);

      let secondDone = false;
      const second = chat({ message: 'Second question', conversation_id: first.body.conversation_id }).finally(() => { secondDone = true; });
      await tick();
      assert.equal(secondDone, false);
      assert.equal(model.requests.length, 1, 'the follow-up must not reach the model before the first turn is stored');
      gate.release();
      const { status, body } = await second;
      assert.equal(status, 200, JSON.stringify(body));
      assert.equal(body.conversation_id, first.body.conversation_id);
      const sent = JSON.stringify(model.requests[1].body.messages);
      assert.match(sent, /First question/);
      assert.match(sent, /First answer\./);
      await settled(rt);
      assert.deepEqual((await messagesIn(first.body.conversation_id)).map((m) => m.content),
        ['First question', 'First answer.', 'Second question', 'Second answer.']);
    } finally { releaseHeld?.(); await rt.close(); }
  });

  test('the conversation routes right after an answer include that turn', async () => {
    const { rt, key, chat } = await setup();
    try {
      const gate = holdTurnSaves();
      model.enqueue({ text: 'Stored answer.' });
      const { body } = await chat({ message: 'Please remember this turn' });
      const messages = rt.request(`/v1/conversations/${body.conversation_id}/messages`, { key });
      const list = rt.request('/v1/conversations', { key });
      await tick();
      gate.release();
      const read = await messages;
      assert.equal(read.status, 200);
      assert.deepEqual(((await read.json()) as { messages: Array<{ content: string }> }).messages.map((m) => m.content),
        ['Please remember this turn', 'Stored answer.']);
      assert.deepEqual(((await (await list).json()) as { conversations: Array<{ id: string }> }).conversations.map((c) => c.id), [body.conversation_id]);
    } finally { releaseHeld?.(); await rt.close(); }
  });

  test('continue_recent waits for the channel\'s pending save and continues the same conversation', async () => {
    const { rt, principal } = await setup();
    try {
      const gate = holdTurnSaves();
      model.enqueue({ text: 'Hello from WhatsApp.' }, { text: 'Still the same chat.' });
      const first = await runChatTurn(rt, principal, { message: 'Ciao', channel: 'whatsapp' });
      const second = runChatTurn(rt, principal, { message: 'Ci sei?', channel: 'whatsapp' });
      await tick();
      gate.release();
      assert.equal((await second).conversation_id, first.conversation_id);
    } finally { releaseHeld?.(); await rt.close(); }
  });

  test('memory.forget waits for a turn still being saved, so the save cannot put the conversation back', async () => {
    const { rt, principal, chat } = await setup();
    try {
      const gate = holdTurnSaves();
      model.enqueue({ text: 'Noted.' });
      const { body } = await chat({ message: 'My passport number is in this message' });
      const forgotten = rt.service(memoryService).forget(principal.id);
      await tick();
      gate.release();
      const report = await forgotten;
      assert.equal(report.conversations, 1);
      assert.equal(report.conversation_messages, 2);
      await settled(rt);
      assert.deepEqual(await messagesIn(body.conversation_id), []);
    } finally { releaseHeld?.(); await rt.close(); }
  });

  test('closing the runtime stores the turns still being saved', async () => {
    const { rt, chat } = await setup();
    const gate = holdTurnSaves();
    model.enqueue({ text: 'Answered before shutdown.' });
    const { body } = await chat({ message: 'Last question before a deploy' });
    let closed = false;
    const closing = rt.close().then(() => { closed = true; });
    await tick();
    assert.equal(closed, false, 'close must wait for the pending save');
    gate.release();
    await closing;
    assert.deepEqual((await messagesIn(body.conversation_id)).map((m) => m.role), ['user', 'assistant']);
  });

  test('a failed save is logged and counted; the answer was already given', async () => {
    const { rt, chat } = await setup();
    try {
      const logged: Array<{ context: Record<string, unknown>; message: string }> = [];
      rt.logger.error = ((context: Record<string, unknown>, message: string) => { logged.push({ context, message }); }) as typeof rt.logger.error;
      store.query = (async (sql: string, params?: unknown[]) => {
        if (isTurnSave(sql)) throw new Error('disk full');
        return originalQuery.call(store, sql, params);
      }) as TestStore['query'];
      model.enqueue({ text: 'You still get this answer.' });
      const { status, body } = await chat({ message: 'Does this get stored?' });
      assert.equal(status, 200);
      assert.equal(body.response, 'You still get this answer.');
      await settled(rt);
      assert.equal(logged.length, 1);
      assert.match(logged[0].message, /turn save failed/);
      assert.equal(logged[0].context.turn_id, body.turn_id);
      assert.match(String((logged[0].context.err as Error).message), /disk full/);
      assert.match(await rt.metrics.registry.metrics(), /zantara_chat_turn_save_failures_total 1/);
      assert.deepEqual(await messagesIn(body.conversation_id), []);
    } finally { releaseHeld?.(); await rt.close(); }
  });
});
