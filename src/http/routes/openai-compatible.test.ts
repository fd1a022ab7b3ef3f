import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startServer } from '../server.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { startFakeModelServer, type FakeModelServer } from '../../testing/fake-model-servers/fake-model-server.ts';
import { createOrchestratorTestRuntime, settled } from '../../testing/fake-model-servers/orchestrator-test-kit.ts';
import type { TestRuntime } from '../../testing/test-runtime.ts';
import { chatCompletion, chatCompletionChunk, modelList } from './openai-schemas.ts';

const GROQ_MODEL = 'llama-3.3-70b-versatile';
let store: TestStore;
let groq: FakeModelServer;
let openrouter: FakeModelServer;
let rt: TestRuntime & { log: { saved: unknown[] } };
let server: Awaited<ReturnType<typeof startServer>>;
let clientKey: string;
let staffKey: string;
let client: OpenAI;

before(async () => {
  store = await createTestPglite();
  groq = await startFakeModelServer('openai');
  openrouter = await startFakeModelServer('openai');
  rt = await createOrchestratorTestRuntime({
    store,
    env: {
      GROQ_API_KEY: 'test',
      GROQ_BASE_URL: groq.baseURL,
      OPENROUTER_API_KEY: 'test',
      OPENROUTER_BASE_URL: openrouter.baseURL,
    },
    config: {
      routing: { mode: 'single', chain: ['groq', 'openrouter'] },
      prices: { [GROQ_MODEL]: { input: 1, output: 2 } },
    },
  });
  server = await startServer(rt, { port: 0, hostname: '127.0.0.1' });
  clientKey = (await rt.key('client')).key;
  staffKey = (await rt.key('staff')).key;
  client = new OpenAI({ apiKey: clientKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
});
after(async () => {
  await server.close();
  await rt.close();
  await groq.close();
  await openrouter.close();
  await store.close();
});
beforeEach(() => {
  groq.reset();
  openrouter.reset();
});

describe('model "zantara": a full ZANTARA turn', () => {
  it('answers with the turn text, usage and the zantara extension', async () => {
    groq.enqueue({ text: 'Selamat datang at Bali Zero.', usage: { input: 40, output: 7 } });
    const completion = await client.chat.completions.create({
      model: 'zantara',
      messages: [{ role: 'user', content: 'Hello' }],
    });
    chatCompletion.parse(completion);
    assert.equal(completion.choices[0].message.content, 'Selamat datang at Bali Zero.');
    assert.deepEqual([completion.usage?.prompt_tokens, completion.usage?.completion_tokens], [40, 7]);
    const extension = (
      completion as unknown as { zantara: { conversation_id: string; pending_actions: unknown[]; provider: string } }
    ).zantara;
    assert.match(extension.conversation_id, /^[0-9a-f-]{36}$/);
    assert.equal(extension.provider, 'groq');
    assert.deepEqual(extension.pending_actions, []);
  });

  it('proposes a write instead of running it: the text says it awaits approval and the action is pending', async () => {
    groq.enqueue(
      { toolCalls: [{ name: 'test-record_save', args: { name: 'Ana' } }] },
      { text: 'I have prepared saving Ana.' },
    );
    const completion = await client.chat.completions.create({
      model: 'zantara',
      messages: [{ role: 'user', content: 'Save me as Ana' }],
    });
    const extension = (completion as unknown as { zantara: { pending_actions: Array<{ id: string; key: string }> } })
      .zantara;
    assert.equal(extension.pending_actions.length, 1);
    const [action] = extension.pending_actions;
    assert.equal(action.key, 'test.record_save');
    assert.match(completion.choices[0].message.content ?? '', new RegExp(`awaiting approval[\\s\\S]*${action.id}`));
    assert.equal(rt.log.saved.length, 0);
    const res = await rt.request(`/v1/actions/${action.id}`, { key: clientKey });
    assert.equal(((await res.json()) as { action: { status: string } }).action.status, 'pending');
  });

  it('streams OpenAI chunks ending with usage and [DONE]', async () => {
    groq.enqueue({ text: 'Streaming from ZANTARA works.', usage: { input: 12, output: 6 } });
    const stream = await client.chat.completions.create({
      model: 'zantara',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Stream please' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    let finish: string | null = null;
    for await (const chunk of stream) {
      chatCompletionChunk.parse(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'Streaming from ZANTARA works.');
    assert.equal(finish, 'stop');
    assert.equal(usage?.prompt_tokens, 12);
    await settled(rt);
  });
});

describe('model "<provider>/<model>": the gateway', () => {
  it('passes the request to that provider and answers in OpenAI format, recorded in the cost ledger', async () => {
    groq.enqueue({ text: 'Plain gateway answer.', usage: { input: 1_000_000, output: 0 } });
    const completion = await client.chat.completions.create({
      model: `groq/${GROQ_MODEL}`,
      temperature: 0.2,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'greeting', schema: { type: 'object', properties: { text: { type: 'string' } } } },
      },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    chatCompletion.parse(completion);
    assert.equal(completion.choices[0].message.content, 'Plain gateway answer.');
    assert.equal(completion.model, `groq/${GROQ_MODEL}`);
    const sent = groq.requests[0].body as {
      model: string;
      messages: Array<{ role: string; content: unknown }>;
      temperature: number;
    };
    assert.equal(sent.model, GROQ_MODEL);
    assert.equal(sent.temperature, 0.2);
    assert.equal((sent as unknown as { response_format: { type: string } }).response_format.type, 'json_schema');
    assert.deepEqual(
      sent.messages.map((m) => m.role),
      ['system', 'user'],
    );
    await settled(rt);
    const usage = await rt.request('/v1/usage?group_by=route', { key: staffKey });
    const rows = ((await usage.json()) as { rows: Array<{ key: string; turns: number; cost_usd: number }> }).rows;
    const gateway = rows.find((r) => r.key === 'gateway');
    assert.ok(gateway && gateway.turns >= 1);
    assert.ok(gateway.cost_usd >= 1, 'a million input tokens at 1 USD per million');
  });

  it('streams the provider answer as chunks', async () => {
    groq.enqueue({ text: 'Streamed through the gateway.' });
    const stream = await client.chat.completions.create({
      model: `groq/${GROQ_MODEL}`,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Hi' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      chatCompletionChunk.parse(chunk);
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'Streamed through the gateway.');
    assert.equal(usage?.completion_tokens, 5);
    assert.equal(groq.requests[0].stream, true);
  });

  it("returns the caller's tool calls and takes their results back (a round trip), streamed and not", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather in a town',
          parameters: { type: 'object', properties: { town: { type: 'string' } }, required: ['town'] },
        },
      },
    ];
    groq.enqueue({ toolCalls: [{ name: 'get_weather', args: { town: 'Ubud' }, id: 'call_w1' }] });
    const first = await client.chat.completions.create({
      model: `groq/${GROQ_MODEL}`,
      tools,
      messages: [{ role: 'user', content: 'Weather in Ubud?' }],
    });
    assert.equal(first.choices[0].finish_reason, 'tool_calls');
    const call = first.choices[0].message.tool_calls?.[0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { town: 'Ubud' });
    const offered = groq.requests[0].body.tools as Array<{ function: { name: string } }>;
    assert.deepEqual(
      offered.map((t) => t.function.name),
      ['get_weather'],
    );

    groq.enqueue({ text: 'Sunny in Ubud.' });
    const second = await client.chat.completions.create({
      model: `groq/${GROQ_MODEL}`,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Ubud?' },
        first.choices[0].message,
        { role: 'tool', tool_call_id: call.id, content: '{"sky":"sunny"}' },
      ],
    });
    assert.equal(second.choices[0].message.content, 'Sunny in Ubud.');
    const messages = groq.requests[1].body.messages as Array<{ role: string; tool_call_id?: string; content?: string }>;
    const result = messages.find((m) => m.role === 'tool');
    assert.equal(result?.tool_call_id, call.id);
    assert.equal(result?.content, '{"sky":"sunny"}');

    groq.enqueue({ toolCalls: [{ name: 'get_weather', args: { town: 'Canggu' }, id: 'call_w2' }] });
    const stream = await client.chat.completions.create({
      model: `groq/${GROQ_MODEL}`,
      tools,
      stream: true,
      messages: [{ role: 'user', content: 'Weather in Canggu?' }],
    });
    let name = '';
    let args = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        name += delta.function?.name ?? '';
        args += delta.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(name, 'get_weather');
    assert.deepEqual(JSON.parse(args), { town: 'Canggu' });
    assert.equal(finish, 'tool_calls');
  });

  it('falls back to the next provider of the configured chain when the first answers 429', async () => {
    groq.enqueue({ status: 429, message: 'slow down' });
    openrouter.enqueue({ text: 'Answered by the fallback.' });
    const completion = await client.chat.completions.create({
      model: `groq/${GROQ_MODEL}`,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    assert.equal(completion.choices[0].message.content, 'Answered by the fallback.');
    assert.match(completion.model, /^openrouter\//);
    assert.equal(groq.requests.length, 1);
    assert.equal(openrouter.requests.length, 1);
  });

  it("a provider's refusal is the caller's 400 (no fallback), without the provider's own text", async () => {
    groq.enqueue({ status: 400, message: 'invalid request: provider detail sk-test-123' });
    await assert.rejects(
      client.chat.completions.create({ model: `groq/${GROQ_MODEL}`, messages: [{ role: 'user', content: 'Hi' }] }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError &&
        error.code === 'provider_rejected_request' &&
        !/sk-test/.test(error.message),
    );
    groq.enqueue({ status: 404, message: 'model gone' });
    await assert.rejects(
      client.chat.completions.create({ model: 'groq/no-such-model', messages: [{ role: 'user', content: 'Hi' }] }),
      (error: unknown) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found',
    );
    assert.equal(openrouter.requests.length, 0);
  });

  it('answers 503 in the OpenAI error shape when every provider fails', async () => {
    groq.enqueue({ status: 500 });
    openrouter.enqueue({ status: 503 });
    await assert.rejects(
      client.chat.completions.create({ model: `groq/${GROQ_MODEL}`, messages: [{ role: 'user', content: 'Hi' }] }),
      (error: unknown) =>
        error instanceof OpenAI.InternalServerError && error.status === 503 && error.code === 'model_unavailable',
    );
  });
});

describe('errors in the OpenAI shape', () => {
  it('a bad key is a 401 AuthenticationError', async () => {
    const stranger = new OpenAI({ apiKey: 'zk_not_a_real_key', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await assert.rejects(
      stranger.chat.completions.create({ model: 'zantara', messages: [{ role: 'user', content: 'Hi' }] }),
      (error: unknown) =>
        error instanceof OpenAI.AuthenticationError &&
        error.code === 'invalid_api_key' &&
        error.type === 'invalid_request_error',
    );
    await assert.rejects(stranger.models.list(), (error: unknown) => error instanceof OpenAI.AuthenticationError);
    assert.equal(groq.requests.length, 0);
  });

  it('an unknown model is a 404 NotFoundError with code model_not_found', async () => {
    for (const model of ['gpt-9', 'nosuch/model', 'anthropic/claude-haiku-4-5', 'groq/']) {
      await assert.rejects(
        client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] }),
        (error: unknown) => error instanceof OpenAI.NotFoundError && error.code === 'model_not_found',
        model,
      );
    }
    assert.equal(groq.requests.length, 0);
  });

  it('a malformed request is a 400 BadRequestError naming the field', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'zantara', messages: [] }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError && error.code === 'invalid_params' && error.param === 'messages',
    );
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${clientKey}` },
      body: '{not json',
    });
    assert.equal(res.status, 400);
    assert.deepEqual(Object.keys(((await res.json()) as { error: object }).error).sort(), [
      'code',
      'message',
      'param',
      'request_id',
      'type',
    ]);
  });
});

it("GET /v1/models lists zantara and the configured providers' models", async () => {
  const page = await client.models.list();
  const ids = page.data.map((m) => m.id);
  modelList.parse({ object: 'list', data: page.data });
  assert.ok(ids.includes('zantara'));
  assert.ok(ids.includes(`groq/${GROQ_MODEL}`));
  assert.ok(ids.some((id) => id.startsWith('openrouter/')));
  assert.ok(!ids.some((id) => id.startsWith('anthropic/')), 'unconfigured providers are not listed');
});
