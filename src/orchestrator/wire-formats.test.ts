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

/** The tool both non-streamed tests give generateText. */
const lookup = tool({
  description: 'Look up an item',
  inputSchema: jsonSchema<{ item: string }>({
    type: 'object',
    properties: { item: { type: 'string' } },
    required: ['item'],
  }),
  execute: async ({ item }) => ({ figure: `FIGURE-${item.toUpperCase()}` }),
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
          lookup,
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

/** The parts of the model's turns in a Gemini request (what the client replays of earlier steps). */
function modelParts(body: Record<string, unknown>): Array<Record<string, unknown>> {
  return (body.contents as Array<{ role: string; parts: Array<Record<string, unknown>> }>)
    .filter((c) => c.role === 'model')
    .flatMap((c) => c.parts);
}

/** What `run` resolves to, and the process warnings about thought signatures it caused (the AI SDK's fallback). */
async function signatureWarnings<T>(run: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const listener = (warning: Error) => {
    if (/thoughtSignature/.test(warning.message)) warnings.push(warning.message);
  };
  process.on('warning', listener);
  try {
    const result = await run();
    // process.emitWarning delivers on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    return { result, warnings };
  } finally {
    process.off('warning', listener);
  }
}

describe('Gemini 3 thought signatures go back unchanged on the parts that carried them', () => {
  const gemini3 = 'gemini-3-flash-preview';

  test('streamed turn: parallel calls, then a second step, then a follow-up turn', async () => {
    const rt = await createOrchestratorTestRuntime({
      store,
      env: { ...env(), GOOGLE_MODEL: gemini3 },
      config: { routing: { mode: 'single', chain: ['google'] } },
    });
    try {
      const { key } = await rt.key('client');
      const fake = fakes.gemini;
      fake.enqueue(
        {
          toolCalls: [
            { name: 'test-lookup', args: { item: 'gadget' } },
            { name: 'test-lookup', args: { item: 'widget' } },
          ],
        },
        { toolCalls: [{ name: 'test-lookup', args: { item: 'gizmo' } }] },
        { text: 'FIGURE-GADGET, FIGURE-WIDGET and FIGURE-GIZMO.' },
      );
      const { result: body, warnings } = await signatureWarnings(async () => {
        const res = await rt.request('/v1/chat', { key, body: { message: 'Gadget, widget and gizmo figures?' } });
        return (await res.json()) as ChatTurnResult;
      });
      assert.equal(body.response, 'FIGURE-GADGET, FIGURE-WIDGET and FIGURE-GIZMO.', JSON.stringify(body));
      assert.equal(body.model, gemini3);
      assert.equal(fake.requests.length, 3);
      const [first, second, third] = fake.requests;
      assert.ok(
        fake.requests.every((r) => r.stream && r.path.includes(`models/${gemini3}:streamGenerateContent`)),
        'every step streams from the Gemini 3 model',
      );
      const firstSignature = first.thoughtSignature;
      const secondSignature = second.thoughtSignature;
      assert.ok(firstSignature && secondSignature && firstSignature !== secondSignature, 'each reply has its own');
      // Step 2 replays step 1: the signature on the first call only, as Gemini sent it (no stand-in on the second).
      assert.deepEqual(
        modelParts(second.body).map((p) => [(p.functionCall as { name: string }).name, p.thoughtSignature]),
        [
          ['test-lookup', firstSignature],
          ['test-lookup', undefined],
        ],
      );
      // Step 3 replays both steps, each call with its own signature.
      assert.deepEqual(
        modelParts(third.body).map((p) => p.thoughtSignature),
        [firstSignature, undefined, secondSignature],
      );
      assert.deepEqual(warnings, [], 'the AI SDK did not have to stand in for a dropped signature');

      // The next turn replays the conversation as text (no tool calls), so there is no signature to carry over.
      fake.enqueue({ text: 'Still the same figures.' });
      const next = await signatureWarnings(async () => {
        const res = await rt.request('/v1/chat', {
          key,
          body: { message: 'Still the same?', conversation_id: body.conversation_id },
        });
        return (await res.json()) as ChatTurnResult;
      });
      assert.equal(next.result.response, 'Still the same figures.', JSON.stringify(next.result));
      const followUp = fake.requests[3].body;
      assert.match(JSON.stringify(followUp.contents), /FIGURE-GIZMO/, 'the earlier answer is in the history');
      assert.deepEqual(
        modelParts(followUp).filter((p) => 'functionCall' in p),
        [],
      );
      assert.deepEqual(next.warnings, []);
    } finally {
      await rt.close();
    }
  });

  test('non-streamed (generateText): the follow-up request carries the call’s signature', async () => {
    const fake = fakes.gemini;
    fake.enqueue({ toolCalls: [{ name: 'lookup', args: { item: 'x' } }] }, { text: 'Done: FIGURE-X' });
    const { result, warnings } = await signatureWarnings(() =>
      generateText({
        model: createProviderModel(providersFromEnv(env()).google, gemini3),
        prompt: 'Look up x',
        tools: {
          lookup,
        },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      }),
    );
    assert.equal(result.text, 'Done: FIGURE-X');
    assert.equal(fake.requests.length, 2);
    assert.ok(fake.requests.every((r) => !r.stream));
    const signature = fake.requests[0].thoughtSignature;
    assert.ok(signature, 'the reply with the call was signed');
    assert.deepEqual(
      modelParts(fake.requests[1].body).map((p) => [(p.functionCall as { name: string }).name, p.thoughtSignature]),
      [['lookup', signature]],
    );
    assert.deepEqual(warnings, []);
  });
});
