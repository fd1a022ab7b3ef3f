/**
 * The agent loop runs on generateText over the provider's streaming API: a streaming caller gets the text deltas as
 * they arrive, and both kinds of caller get the same answer, tool records and usage.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { jsonSchema, tool, type ModelMessage } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { ZantaraError } from '../errors.ts';
import { collectStream, runAgentLoop, type StepUsage } from './agent-loop.ts';

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input - 10, cacheRead: 10, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});
const streamOf = (parts: LanguageModelV4StreamPart[]) =>
  new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });

/** Step 1: some text and two tool calls; step 2 (tool results in the prompt): the answer in two deltas. */
function scriptedModel(calls: LanguageModelV4CallOptions[]) {
  return new MockLanguageModelV4({
    provider: 'mock',
    modelId: 'scripted',
    doStream: async (options) => {
      calls.push(options);
      const second = options.prompt.some((m) => m.role === 'tool');
      return {
        stream: streamOf(
          second
            ? [
                { type: 'stream-start', warnings: [] },
                { type: 'text-start', id: 'b' },
                { type: 'text-delta', id: 'b', delta: 'The widget ' },
                { type: 'text-delta', id: 'b', delta: 'costs 10.' },
                { type: 'text-end', id: 'b' },
                { type: 'finish', usage: usage(200, 20), finishReason: { unified: 'stop', raw: 'stop' } },
              ]
            : [
                { type: 'stream-start', warnings: [] },
                { type: 'text-start', id: 'a' },
                { type: 'text-delta', id: 'a', delta: 'Let me check.' },
                { type: 'text-end', id: 'a' },
                { type: 'tool-call', toolCallId: 'c1', toolName: 'test-lookup', input: '{"item":"widget"}' },
                { type: 'tool-call', toolCallId: 'c2', toolName: 'test-broken', input: '{}' },
                { type: 'finish', usage: usage(100, 10), finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
              ],
        ),
      };
    },
    doGenerate: async () => {
      throw new Error('the loop must call the provider through its stream');
    },
  });
}

const tools = {
  'test-lookup': tool({
    description: 'lookup',
    inputSchema: jsonSchema<{ item: string }>({ type: 'object', properties: { item: { type: 'string' } } }),
    execute: async ({ item }) => ({ ok: true, figure: `FIGURE-${item}` }),
  }),
  'test-broken': tool({
    description: 'broken',
    inputSchema: jsonSchema<Record<string, unknown>>({ type: 'object', properties: {} }),
    execute: async (): Promise<unknown> => {
      throw new Error('handler exploded');
    },
  }),
};

async function run(streaming: boolean, signal?: AbortSignal) {
  const calls: LanguageModelV4CallOptions[] = [];
  const deltas: string[] = [];
  const usages: StepUsage[] = [];
  const messages: ModelMessage[] = [{ role: 'user', content: 'How much is the widget?' }];
  const result = await runAgentLoop({
    model: scriptedModel(calls),
    instructions: 'You are a test.',
    messages,
    tools,
    activeTools: () => Object.keys(tools),
    maxSteps: 4,
    toolConcurrency: 2,
    signal,
    onText: streaming ? (text) => deltas.push(text) : undefined,
    onStepUsage: (u) => usages.push(u),
  });
  return { result, calls, deltas, usages };
}

describe('agent loop with and without a streaming caller', () => {
  test('the same answer, tool records and usage either way; the provider is called streaming; deltas keep the step separator', async () => {
    const streamed = await run(true);
    const collected = await run(false);
    assert.equal(streamed.result.text, 'Let me check.\n\nThe widget costs 10.');
    assert.equal(collected.result.text, streamed.result.text);
    assert.deepEqual(streamed.deltas, ['Let me check.', '\n\nThe widget ', 'costs 10.']);
    assert.deepEqual(collected.deltas, []);
    const records = (r: typeof streamed) =>
      [...r.result.toolRecords].sort((a, b) => a.tool_call_id.localeCompare(b.tool_call_id));
    assert.deepEqual(records(collected), records(streamed));
    assert.deepEqual(records(collected), [
      {
        tool_call_id: 'c1',
        key: 'test.lookup',
        input: { item: 'widget' },
        output: { ok: true, figure: 'FIGURE-widget' },
      },
      { tool_call_id: 'c2', key: 'test.broken', input: {}, error: 'handler exploded' },
    ]);
    const expectedUsage = [
      { input_tokens: 100, cached_input_tokens: 10, output_tokens: 10 },
      { input_tokens: 200, cached_input_tokens: 10, output_tokens: 20 },
    ];
    assert.deepEqual(streamed.usages, expectedUsage);
    assert.deepEqual(collected.usages, expectedUsage);
    assert.equal(collected.calls.length, 2);
    assert.equal(streamed.calls.length, 2);
  });

  test('a delta reaches the caller while the provider is still streaming', async () => {
    let seen!: () => void;
    const firstDeltaSeen = new Promise<void>((resolve) => {
      seen = resolve;
    });
    const model: LanguageModelV4 = new MockLanguageModelV4({
      provider: 'mock',
      modelId: 'slow',
      doStream: async () => ({
        stream: new ReadableStream<LanguageModelV4StreamPart>({
          async start(controller) {
            controller.enqueue({ type: 'stream-start', warnings: [] });
            controller.enqueue({ type: 'text-start', id: 't' });
            controller.enqueue({ type: 'text-delta', id: 't', delta: 'First ' });
            // The rest of the answer only comes once the caller has shown the first delta.
            const shown = await Promise.race([
              firstDeltaSeen.then(() => true),
              new Promise<false>((resolve) => setTimeout(() => resolve(false), 2000)),
            ]);
            controller.enqueue({ type: 'text-delta', id: 't', delta: shown ? 'then the rest.' : 'too late.' });
            controller.enqueue({ type: 'text-end', id: 't' });
            controller.enqueue({ type: 'finish', usage: usage(10, 5), finishReason: { unified: 'stop', raw: 'stop' } });
            controller.close();
          },
        }),
      }),
    });
    const deltas: string[] = [];
    const { text } = await runAgentLoop({
      model,
      instructions: 'test',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: {},
      activeTools: () => [],
      maxSteps: 2,
      toolConcurrency: 1,
      onText: (delta) => {
        deltas.push(delta);
        seen();
      },
      onStepUsage: () => undefined,
    });
    assert.deepEqual(deltas, ['First ', 'then the rest.']);
    assert.equal(text, 'First then the rest.');
  });

  test('a caller that went away gets `cancelled` with and without streaming', async () => {
    const controller = new AbortController();
    controller.abort(new Error('client disconnected'));
    for (const streaming of [true, false]) {
      await assert.rejects(
        run(streaming, controller.signal),
        (error: unknown) => ZantaraError.isInstance(error) && error.code === 'cancelled',
      );
    }
  });
});

describe('collectStream', () => {
  test('joins text and reasoning per block, keeps tool calls in order, and carries usage, finish reason, warnings and metadata', async () => {
    const warnings = [{ type: 'other' as const, message: 'note' }];
    const result = await collectStream({
      stream: streamOf([
        { type: 'stream-start', warnings },
        { type: 'response-metadata', id: 'resp-1', modelId: 'm-1' },
        { type: 'reasoning-start', id: 'r' },
        { type: 'reasoning-delta', id: 'r', delta: 'think ' },
        { type: 'reasoning-delta', id: 'r', delta: 'hard' },
        { type: 'reasoning-end', id: 'r' },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Hello ' },
        { type: 'tool-input-start', id: 'x', toolName: 'a' },
        { type: 'tool-input-delta', id: 'x', delta: '{}' },
        { type: 'tool-input-end', id: 'x' },
        { type: 'text-delta', id: 't', delta: 'there' },
        { type: 'text-end', id: 't' },
        { type: 'tool-call', toolCallId: 'x', toolName: 'a', input: '{}' },
        { type: 'finish', usage: usage(5, 3), finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
      ]),
      response: { headers: { 'x-test': '1' } },
    });
    assert.deepEqual(result.content, [
      { type: 'reasoning', text: 'think hard' },
      { type: 'text', text: 'Hello there' },
      { type: 'tool-call', toolCallId: 'x', toolName: 'a', input: '{}' },
    ]);
    assert.deepEqual(result.finishReason, { unified: 'tool-calls', raw: 'tool_calls' });
    assert.deepEqual(result.usage, usage(5, 3));
    assert.deepEqual(result.warnings, warnings);
    assert.deepEqual(result.response, { id: 'resp-1', modelId: 'm-1', headers: { 'x-test': '1' } });
  });

  test('keeps the provider metadata a block gets after its start (Gemini signs the last chunk)', async () => {
    const signed = (signature: string) => ({ google: { thoughtSignature: signature } });
    const result = await collectStream({
      stream: streamOf([
        { type: 'stream-start', warnings: [] },
        { type: 'reasoning-start', id: 'r' },
        { type: 'reasoning-delta', id: 'r', delta: 'think' },
        { type: 'reasoning-end', id: 'r', providerMetadata: signed('sig-r') },
        { type: 'text-start', id: 't' },
        { type: 'text-delta', id: 't', delta: 'Let me ' },
        { type: 'text-delta', id: 't', delta: 'check.', providerMetadata: signed('sig-t') },
        { type: 'text-delta', id: 't', delta: '' },
        { type: 'text-end', id: 't' },
        { type: 'tool-call', toolCallId: 'x', toolName: 'a', input: '{}', providerMetadata: signed('sig-x') },
        { type: 'finish', usage: usage(5, 3), finishReason: { unified: 'tool-calls', raw: 'STOP' } },
      ]),
    });
    assert.deepEqual(result.content, [
      { type: 'reasoning', text: 'think', providerMetadata: signed('sig-r') },
      { type: 'text', text: 'Let me check.', providerMetadata: signed('sig-t') },
      { type: 'tool-call', toolCallId: 'x', toolName: 'a', input: '{}', providerMetadata: signed('sig-x') },
    ]);
  });

  test('an error part fails the call', async () => {
    await assert.rejects(
      collectStream({
        stream: streamOf([
          { type: 'stream-start', warnings: [] },
          { type: 'error', error: new Error('overloaded') },
        ]),
      }),
      /overloaded/,
    );
  });
});
