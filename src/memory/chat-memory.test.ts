/**
 * Memory and document search through /v1/chat, end to end with the real orchestrator and a fake model server:
 * a returning user's profile reaches the system prompt, and an answer that used rag.search cites the document.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';
import { startFakeModelServer, type FakeModelServer } from '../testing/fake-model-servers/fake-model-server.ts';
import { escalate, offerAll } from '../testing/fake-model-servers/orchestrator-test-kit.ts';
import { orchestratorService } from '../orchestrator/orchestrator.ts';
import { resolveConfig } from '../orchestrator/config.ts';
import { handlers as memoryHandlers } from '../handlers/memory/index.ts';
import { handlers as ragHandlers } from '../handlers/rag/index.ts';
import { toolNameForKey } from '../handlers/tool-names.ts';
import { memoryTurnHook } from '../orchestrator/memory-turn-hook.ts';
import { ragService } from '../rag/rag-index.ts';

let store: TestStore;
let model: FakeModelServer;
let rt: TestRuntime;
const dir = mkdtempSync(join(tmpdir(), 'zantara-chat-mem-'));

before(async () => {
  store = await createTestPglite();
  model = await startFakeModelServer('openai');
  rt = await createTestRuntime({
    store,
    handlers: [...memoryHandlers, ...ragHandlers],
    env: { LLAMA_BASE_URL: model.baseURL, LLAMA_MODEL: 'fake-llama', LLAMA_API_KEY: 'test' },
  });
  rt.service(orchestratorService).configure({
    config: resolveConfig(
      { routing: { mode: 'single', chain: ['llama'] }, prices: { 'fake-llama': { input: 1, output: 2 } } },
      rt.env,
      'test',
    ),
    tryLocalAnswer: escalate,
    selectTools: offerAll,
    hooks: [memoryTurnHook],
  });
  writeFileSync(
    join(dir, 'renewal.md'),
    '# Stay Permit Handbook\n\n## Renewing a KITAS\n\nStart the renewal at the immigration office before the permit expires, with passport and sponsor letter.\n',
  );
  await rt.service(ragService).ingestPaths([join(dir, 'renewal.md')]);
});
after(async () => {
  await rt.close();
  await model.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('memory and search in /v1/chat', () => {
  it("remembers what a user said, puts it in the next turn's prompt, and cites a document the answer used", async () => {
    const { key } = await rt.key('client', 'Chat client');
    const chat = async (message: string) => {
      const res = await rt.request('/v1/chat', { key, body: { message } });
      const body = (await res.json()) as Record<string, any>;
      assert.equal(res.status, 200, JSON.stringify(body));
      await rt.service(orchestratorService).idle();
      return body;
    };

    model.enqueue({ text: 'Nice to meet you, Marco.' });
    await chat("Hi, my name is Marco Rossi and I'm Italian. My KITAS expires on 2027-03-15.");
    const facts = await rt.request('/call', { key, body: { key: 'memory.list', params: {} } });
    const listed = ((await facts.json()) as any).data;
    assert.deepEqual(listed.facts.map((f: any) => f.key).sort(), ['name', 'nationality', 'permit_expiry']);

    // A new conversation: the profile is in the system prompt the model receives.
    model.enqueue({ text: 'Welcome back, Marco!' });
    await chat('Hello again');
    const system = JSON.stringify(model.requests.at(-1)!.body.messages);
    assert.match(system, /Name: Marco Rossi/);
    assert.match(system, /Permit KITAS expires on 2027-03-15/);

    // The model searches the documents; the answer carries the document as a source.
    model.enqueue(
      { toolCalls: [{ name: toolNameForKey('rag.search'), args: { query: 'renew KITAS' } }] },
      { text: 'Renew at the immigration office before it expires [Stay Permit Handbook].' },
    );
    const answer = await chat('How do I renew my KITAS?');
    assert.deepEqual(answer.sources, [
      { title: 'Stay Permit Handbook', source: answer.sources[0].source, heading: 'Renewing a KITAS' },
    ]);
    assert.match(answer.sources[0].source, /renewal\.md$/);

    // After forgetting, the next turn's prompt carries no profile.
    await rt.request('/call', { key, body: { key: 'memory.forget', params: { confirm: true } } });
    model.enqueue({ text: 'Hello!' });
    await chat('Hi');
    assert.doesNotMatch(JSON.stringify(model.requests.at(-1)!.body.messages), /Marco Rossi/);
  });
});
