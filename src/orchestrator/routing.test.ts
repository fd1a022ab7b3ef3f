import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { startFakeModelServer, type FakeModelServer } from '../testing/fake-model-servers/fake-model-server.ts';
import { createOrchestratorTestRuntime } from '../testing/fake-model-servers/orchestrator-test-kit.ts';
import type { ChatTurnResult } from '../runtime/chat-turn.ts';
import { loadOrchestratorConfig, resolveConfig } from './config.ts';
import { classifyQuery, pickArm } from './routing.ts';

describe('the local query classifier', () => {
  const cases: Array<[string, string]> = [
    ['Schedule a meeting in my Google Calendar for Monday', 'google_workspace'],
    ['Fissa una riunione nel calendario per lunedì', 'google_workspace'],
    ['Buat jadwal rapat di kalender', 'google_workspace'],
    ['Send a WhatsApp message to Ana', 'communication'],
    ['Invia un messaggio a Marco', 'communication'],
    ['Kirim pesan ke klien', 'communication'],
    ['How much does the E33G KITAS cost?', 'business_logic'],
    ['Quanto costa aprire una PT PMA?', 'business_logic'],
    ['Berapa harga visa C1?', 'business_logic'],
    ['What is the weather like in Ubud?', 'knowledge'],
    ['Tell me about living in Bali', 'knowledge'],
  ];
  for (const [query, expected] of cases)
    test(`${expected}: ${query}`, () => assert.equal(classifyQuery(query), expected));
});

describe('a/b split', () => {
  const arms = [
    { name: 'a', weight: 70 },
    { name: 'b', weight: 30 },
  ];
  test('is within tolerance of the weights over many principals', () => {
    const counts = { a: 0, b: 0 };
    const n = 4000;
    for (let i = 0; i < n; i++) counts[pickArm(arms, randomUUID()).name as 'a' | 'b']++;
    assert.ok(Math.abs(counts.a / n - 0.7) < 0.04, `a share ${counts.a / n}`);
    assert.ok(Math.abs(counts.b / n - 0.3) < 0.04, `b share ${counts.b / n}`);
  });
  test('is sticky per principal', () => {
    for (let i = 0; i < 200; i++) {
      const id = randomUUID();
      const first = pickArm(arms, id).name;
      for (let j = 0; j < 5; j++) assert.equal(pickArm(arms, id).name, first);
    }
  });
});

describe('config file', () => {
  test('without a file, the chain is the providers with credentials, in the documented order', () => {
    const config = resolveConfig(
      {},
      { GROQ_API_KEY: 'g', ANTHROPIC_API_KEY: 'a', LLAMA_BASE_URL: 'http://127.0.0.1:1/v1', OPENROUTER_API_KEY: 'o' },
      'test',
    );
    assert.deepEqual(config.routing, { mode: 'single', chain: ['llama', 'anthropic', 'groq', 'openrouter'] });
    assert.deepEqual(resolveConfig({}, {}, 'test').routing, { mode: 'none' });
  });

  test('a bad file fails at start with the path and the problem', () => {
    const dir = mkdtempSync(join(tmpdir(), 'zantara-config-'));
    const path = join(dir, 'zantara.config.yaml');
    writeFileSync(
      path,
      'routing:\n  mode: single\n  chain: [gpt5]\nprices:\n  m: { input: -1, output: 2 }\nunknown_key: 1\n',
    );
    assert.throws(
      () => loadOrchestratorConfig({ ZANTARA_CONFIG: path }),
      (error: Error) => {
        assert.match(error.message, new RegExp(path.replaceAll('/', '\\/')));
        assert.match(error.message, /routing\.chain\.0: must be a provider/);
        assert.match(error.message, /prices\.m\.input/);
        assert.match(error.message, /unknown_key/);
        return true;
      },
    );
    writeFileSync(path, 'routing: [unclosed');
    assert.throws(() => loadOrchestratorConfig({ ZANTARA_CONFIG: path }), /not valid YAML/);
    assert.throws(() => loadOrchestratorConfig({ ZANTARA_CONFIG: join(dir, 'missing.yaml') }), /does not exist/);
  });

  test('the shipped zantara.config.example.yaml is valid', () => {
    const path = join(import.meta.dirname, '..', '..', 'zantara.config.example.yaml');
    const config = loadOrchestratorConfig({
      ZANTARA_CONFIG: path,
      LLAMA_BASE_URL: 'http://127.0.0.1:1/v1',
      ANTHROPIC_API_KEY: 'a',
      GOOGLE_GENERATIVE_AI_API_KEY: 'g',
    });
    assert.equal(config.routing.mode, 'hybrid');
    assert.equal(config.providerSettings.llama.protocol, 'text');
  });

  test('routing that names a provider without credentials is rejected', () => {
    assert.throws(
      () => resolveConfig({ routing: { mode: 'single', chain: ['anthropic'] } }, {}, 'test'),
      /without credentials: anthropic/,
    );
  });

  test('provider model and protocol overrides from the file apply', () => {
    const config = resolveConfig(
      { providers: { llama: { model: 'ft-7b', protocol: 'text' } } },
      { LLAMA_BASE_URL: 'http://127.0.0.1:1/v1' },
      'test',
    );
    assert.equal(config.providerSettings.llama.defaultModel, 'ft-7b');
    assert.equal(config.providerSettings.llama.protocol, 'text');
  });
});

describe('routing modes end to end', () => {
  let store: TestStore;
  let llama: FakeModelServer;
  let gemini: FakeModelServer;
  before(async () => {
    store = await createTestPglite();
    llama = await startFakeModelServer('openai');
    gemini = await startFakeModelServer('gemini');
    llama.setDefault({ text: 'from llama' });
    gemini.setDefault({ text: 'from gemini' });
  });
  after(async () => {
    await llama.close();
    await gemini.close();
    await store.close();
  });
  beforeEach(async () => {
    await store.reset();
    llama.requests.length = 0;
    gemini.requests.length = 0;
  });
  const env = { LLAMA_BASE_URL: '', GOOGLE_GENERATIVE_AI_API_KEY: 'g' };
  const envFor = () => ({ ...env, LLAMA_BASE_URL: llama.baseURL, GOOGLE_BASE_URL: gemini.baseURL });

  async function ask(rt: Awaited<ReturnType<typeof createOrchestratorTestRuntime>>, key: string, message: string) {
    const res = await rt.request('/v1/chat', { key, body: { message } });
    return (await res.json()) as ChatTurnResult;
  }

  test('hybrid: workspace queries to one chain, the rest to the other', async () => {
    const rt = await createOrchestratorTestRuntime({
      store,
      env: envFor(),
      config: { routing: { mode: 'hybrid', workspace: ['google'], other: ['llama'] } },
    });
    try {
      const { key } = await rt.key('client');
      const workspace = await ask(rt, key, 'What meetings are in my calendar tomorrow?');
      assert.equal(workspace.route, 'hybrid:workspace');
      assert.equal(workspace.provider, 'google');
      const other = await ask(rt, key, 'How much is a KITAS?');
      assert.equal(other.route, 'hybrid:other');
      assert.equal(other.provider, 'llama');
    } finally {
      await rt.close();
    }
  });

  test('classify: each class has its own chain, and the class is on the trace', async () => {
    const rt = await createOrchestratorTestRuntime({
      store,
      env: envFor(),
      config: {
        routing: {
          mode: 'classify',
          classes: {
            google_workspace: ['google'],
            business_logic: ['llama'],
            communication: ['google', 'llama'],
            knowledge: ['llama'],
          },
        },
      },
    });
    try {
      const { key } = await rt.key('client');
      const business = await ask(rt, key, 'Quanto costa il visto C1?');
      assert.equal(business.route, 'classify:business_logic');
      assert.equal(business.provider, 'llama');
      const comms = await ask(rt, key, 'Kirim pesan WhatsApp ke Ana');
      assert.equal(comms.route, 'classify:communication');
      assert.equal(comms.provider, 'google');
      const trace = (await rt.store.query('SELECT query_class FROM turn_traces WHERE id = $1', [comms.turn_id]))
        .rows[0];
      assert.equal(trace.query_class, 'communication');
    } finally {
      await rt.close();
    }
  });

  test('classify with classifier: model asks the knowledge chain for the class', async () => {
    const rt = await createOrchestratorTestRuntime({
      store,
      env: envFor(),
      config: {
        routing: {
          mode: 'classify',
          classifier: 'model',
          classes: {
            google_workspace: ['llama'],
            business_logic: ['llama'],
            communication: ['google'],
            knowledge: ['llama'],
          },
        },
      },
    });
    try {
      const { key } = await rt.key('client');
      llama.enqueue({ text: 'communication' });
      const result = await ask(rt, key, 'Hello there, can you help?');
      assert.equal(result.route, 'classify:communication');
      assert.equal(result.provider, 'google');
      assert.match(JSON.stringify(llama.requests[0].body.messages), /Classify the user's request/);
    } finally {
      await rt.close();
    }
  });

  test('ab: a principal always gets its arm, and the arm is recorded', async () => {
    const rt = await createOrchestratorTestRuntime({
      store,
      env: envFor(),
      config: {
        routing: {
          mode: 'ab',
          arms: [
            { name: 'llama', weight: 1, chain: ['llama'] },
            { name: 'gemini', weight: 1, chain: ['google'] },
          ],
        },
      },
    });
    try {
      for (let i = 0; i < 6; i++) {
        const { key, principal } = await rt.key('client', `client ${i}`);
        const expected = pickArm(
          [
            { name: 'llama', weight: 1 },
            { name: 'gemini', weight: 1 },
          ],
          principal.id,
        ).name;
        for (let j = 0; j < 2; j++) {
          const result = await ask(rt, key, 'Hello');
          assert.equal(result.route, `ab:${expected}`);
          assert.equal(result.provider, expected === 'llama' ? 'llama' : 'google');
          const trace = (await rt.store.query('SELECT ab_arm FROM turn_traces WHERE id = $1', [result.turn_id]))
            .rows[0];
          assert.equal(trace.ab_arm, expected);
        }
      }
    } finally {
      await rt.close();
    }
  });
});
