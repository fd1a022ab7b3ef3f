import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { generateText, jsonSchema, stepCountIs, tool } from 'ai';
import { createProviderModel, providersFromEnv, type ProviderName } from '../providers/providers.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import {
  startFakeModelServer,
  type FakeModelServer,
  type WireFormat,
} from '../testing/fake-model-servers/fake-model-server.ts';
import { createOrchestratorTestRuntime } from '../testing/fake-model-servers/orchestrator-test-kit.ts';
import type { ChatTurnResult } from '../runtime/chat-turn.ts';

let store: TestStore;
const fakes = {} as Record<WireFormat, FakeModelServer>;

before(async () => {
  store = await createTestPglite();
  for (const format of ['openai', 'anthropic', 'gemini'] as const) fakes[format] = await startFakeModelServer(format);
});
after(async () => {
  for (const fake of Object.values(fakes)) await fake.close();
  await store.close();
});
beforeEach(async () => {
  await store.reset();
  for (const fake of Object.values(fakes)) fake.reset();
});

const env = () => ({
  ANTHROPIC_API_KEY: 'test-anthropic',
  ANTHROPIC_BASE_URL: fakes.anthropic.baseURL,
  ANTHROPIC_MODEL: 'claude-fake',
  GOOGLE_GENERATIVE_AI_API_KEY: 'test-google',
  GOOGLE_BASE_URL: fakes.gemini.baseURL,
  GOOGLE_MODEL: 'gemini-fake',
  GROQ_API_KEY: 'test-groq',
  GROQ_BASE_URL: fakes.openai.baseURL,
  GROQ_MODEL: 'groq-fake',
});

const cases: Array<{ format: WireFormat; provider: ProviderName; model: string }> = [
  { format: 'openai', provider: 'groq', model: 'groq-fake' },
  { format: 'anthropic', provider: 'anthropic', model: 'claude-fake' },
  { format: 'gemini', provider: 'google', model: 'gemini-fake' },
];

/** Where each wire format puts the tool result in the follow-up request. */
function toolResultText(format: WireFormat, body: Record<string, unknown>): string {
  if (format === 'openai')
    return JSON.stringify((body.messages as Array<{ role: string }>).filter((m) => m.role === 'tool'));
  if (format === 'anthropic') {
    return JSON.stringify(
      (body.messages as Array<{ content: unknown }>)
        .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
        .filter((c: { type?: string }) => c.type === 'tool_result'),
    );
  }
  return JSON.stringify(
    (body.contents as Array<{ parts: Array<Record<string, unknown>> }>)
      .flatMap((c) => c.parts)
      .filter((p) => 'functionResponse' in p),
  );
}

describe('the agent loop speaks every wire format (streamed)', () => {
  for (const { format, provider, model } of cases) {
    test(`${format}: tool call → result → final answer`, async () => {
      const rt = await createOrchestratorTestRuntime({
        store,
        env: env(),
        config: { routing: { mode: 'single', chain: [provider] } },
      });
      try {
        const { key } = await rt.key('client');
        const fake = fakes[format];
        fake.enqueue(
          {
            toolCalls: [{ name: 'test-lookup', args: { item: 'gadget' } }],
            usage: { input: 50, output: 5, cached: 10 },
          },
          { text: 'The gadget figure is FIGURE-GADGET.', usage: { input: 80, output: 12 } },
        );
        const res = await rt.request('/v1/chat', { key, body: { message: 'Gadget figure?' } });
        const body = (await res.json()) as ChatTurnResult;
        assert.equal(res.status, 200, JSON.stringify(body));
        assert.equal(body.response, 'The gadget figure is FIGURE-GADGET.');
        assert.equal(body.provider, provider);
        assert.equal(body.model, model);
        assert.deepEqual(body.handlers_used, ['test.lookup']);
        assert.equal(body.usage.input_tokens, 130);
        assert.equal(body.usage.output_tokens, 17);
        assert.equal(body.usage.cached_input_tokens, 10);
        assert.equal(fake.requests.length, 2);
        assert.ok(
          fake.requests.every((r) => r.stream),
          'the turn streams',
        );
        assert.match(toolResultText(format, fake.requests[1].body), /FIGURE-GADGET/);
      } finally {
        await rt.close();
      }
    });
  }
});

describe('the provider models also work without streaming (generateText)', () => {
  for (const { format, provider, model } of cases) {
    test(`${format}: non-streamed tool call and answer`, async () => {
      const settings = providersFromEnv(env())[provider];
      const fake = fakes[format];
      fake.enqueue({ toolCalls: [{ name: 'lookup', args: { item: 'x' } }] }, { text: 'Done: FIGURE-X' });
      const result = await generateText({
        model: createProviderModel(settings, model),
        prompt: 'Look up x',
        tools: {
          lookup: tool({
            description: 'Look up an item',
            inputSchema: jsonSchema<{ item: string }>({
              type: 'object',
              properties: { item: { type: 'string' } },
              required: ['item'],
            }),
            execute: async ({ item }) => ({ figure: `FIGURE-${item.toUpperCase()}` }),
          }),
        },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      });
      assert.equal(result.text, 'Done: FIGURE-X');
      assert.equal(fake.requests.length, 2);
      assert.ok(
        fake.requests.every((r) => !r.stream),
        'no streaming',
      );
      assert.match(toolResultText(format, fake.requests[1].body), /FIGURE-X/);
    });
  }
});

test('a 429 from Anthropic falls back to Gemini', async () => {
  const rt = await createOrchestratorTestRuntime({
    store,
    env: env(),
    config: { routing: { mode: 'single', chain: ['anthropic', 'google'] } },
  });
  try {
    const { key } = await rt.key('client');
    fakes.anthropic.enqueue({ status: 429 });
    fakes.gemini.enqueue({ text: 'Gemini here.' });
    const body = (await (await rt.request('/v1/chat', { key, body: { message: 'Hello' } })).json()) as ChatTurnResult;
    assert.equal(body.response, 'Gemini here.');
    assert.equal(body.provider, 'google');
    assert.equal(fakes.anthropic.requests.length, 1, 'the provider client did not retry on its own');
  } finally {
    await rt.close();
  }
});
