/**
 * `npm run bench:orchestrator`: what ZANTARA's orchestrator adds to a model turn.
 * A two-step turn (the model calls bali.zero.pricing, then answers) against an in-process, zero-latency mock model
 * (`MockLanguageModelV4` from `ai/test`), through the real turn (`runChatTurn`: conversation, local tier attempt,
 * routing, memory hook, tool selection, provider chain, agent loop, handler call through the registry, trace) on
 * in-memory PGlite, compared in the same run — alternating, so drift hits both — with a bare AI SDK `generateText`
 * given ALL the principal's tools whose `execute` calls the same handler through the same registry.
 * Overhead = turn time − bare time, per interleaved pair. The turn's time is what its caller waits for (`runChatTurn`
 * resolving with the answer; the turn is stored before it answers); the work the turn does after answering (after-turn
 * hooks) is waited for between the turn and the bare call — outside both timings, so it does not slow the bare call — and
 * reported on its own row. The main pairs call the turn as a JSON caller does (no onEvent); a second set of pairs
 * calls it as a streaming caller does (onEvent: every text delta is delivered as it arrives). Options (env): BENCH_ITERATIONS (default 400), BENCH_WARMUP (100),
 * BENCH_STORE=postgres to run the same turn on PostgreSQL (TEST_DATABASE_URL, a schema of its own) instead of PGlite;
 * ZANTARA_MEMORY_PROFILE_CACHE_SECONDS=0 to read the memory profile on every turn (no cache).
 */
import { cpus } from 'node:os';
import { generateText, jsonSchema, stepCountIs, streamText, tool, type ToolSet } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import type { LanguageModelV4CallOptions, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import type { JSONSchema7 } from '@ai-sdk/provider';
import { toolNameForKey } from '../src/handlers/tool-names.ts';
import { resolveConfig } from '../src/orchestrator/config.ts';
import { tryLocalAnswer } from '../src/orchestrator/local-tier/local-tier.ts';
import { orchestratorService } from '../src/orchestrator/orchestrator.ts';
import { runChatTurn } from '../src/orchestrator/run-chat-turn.ts';
import { selectTools } from '../src/orchestrator/tool-selection/select-tools.ts';
import { createTestPglite, createTestPostgres } from '../src/testing/test-stores.ts';
import { createTestRuntime } from '../src/testing/test-runtime.ts';
import { percentile } from './bench-stats.ts';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 400);
const warmup = Number(process.env.BENCH_WARMUP ?? 100);
// Escalates from the local tier (a vague cost question it cannot pin to one service), so the model is called.
const MESSAGE = "We're moving to Bali with the kids next year; roughly what would the permits cost us?";
const TOOL = toolNameForKey('bali.zero.pricing');
const TOOL_INPUT = JSON.stringify({ service_type: 'kitas', specific_service: 'dependent kitas' });
const ANSWER =
  'For a family, the dependent KITAS is the usual route; see the prices above (last verified on the price list date).';
const usage = {
  inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 20, text: 20, reasoning: 0 },
};

/** First call: a tool call; once a tool result is in the prompt: the answer. Zero latency. */
const hasToolResult = (options: LanguageModelV4CallOptions) => options.prompt.some((m) => m.role === 'tool');

function mockModel(): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    provider: 'mock',
    modelId: 'zero-latency',
    doStream: async (options) => {
      const parts: LanguageModelV4StreamPart[] = hasToolResult(options)
        ? [
            { type: 'stream-start', warnings: [] },
            { type: 'text-start', id: 't' },
            { type: 'text-delta', id: 't', delta: ANSWER },
            { type: 'text-end', id: 't' },
            { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' } },
          ]
        : [
            { type: 'stream-start', warnings: [] },
            { type: 'tool-call', toolCallId: 'call-1', toolName: TOOL, input: TOOL_INPUT },
            { type: 'finish', usage, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
          ];
      return {
        stream: new ReadableStream({
          start(controller) {
            for (const p of parts) controller.enqueue(p);
            controller.close();
          },
        }),
      };
    },
    doGenerate: async (options) =>
      hasToolResult(options)
        ? {
            content: [{ type: 'text', text: ANSWER }],
            finishReason: { unified: 'stop', raw: 'stop' },
            usage,
            warnings: [],
          }
        : {
            content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: TOOL, input: TOOL_INPUT }],
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            usage,
            warnings: [],
          },
  });
}

const sortedCopy = (list: number[]) => [...list].sort((a, b) => a - b);

async function main(): Promise<void> {
  const onPostgres = process.env.BENCH_STORE === 'postgres';
  const store = onPostgres ? await createTestPostgres() : await createTestPglite();
  if (!store) throw new Error('BENCH_STORE=postgres but no PostgreSQL is reachable at TEST_DATABASE_URL');
  const storeName = onPostgres ? 'PostgreSQL' : 'PGlite';
  const env = {
    ...(process.env.ZANTARA_MEMORY_PROFILE_CACHE_SECONDS
      ? { ZANTARA_MEMORY_PROFILE_CACHE_SECONDS: process.env.ZANTARA_MEMORY_PROFILE_CACHE_SECONDS }
      : {}),
    LOG_LEVEL: 'warn',
    LLAMA_BASE_URL: 'http://127.0.0.1:9/v1',
    ZANTARA_RATE_LIMITS: 'read=100000000/60,write=100000000/60,send=100000000/60,ai=100000000/60',
  };
  // Time inside the store during a turn (conversation, messages, trace, memory profile): the embedded database's share.
  let storeMs = 0;
  let storeQueries = 0;
  const query = store.query.bind(store);
  store.query = (async (...args: Parameters<typeof query>) => {
    const t0 = performance.now();
    try {
      return await query(...args);
    } finally {
      storeMs += performance.now() - t0;
      storeQueries++;
    }
  }) as typeof store.query;
  const transaction = store.transaction.bind(store);
  store.transaction = (async (...args: Parameters<typeof transaction>) => {
    const t0 = performance.now();
    try {
      return await transaction(...args);
    } finally {
      storeMs += performance.now() - t0;
      storeQueries++;
    }
  }) as typeof store.transaction;
  const rt = await createTestRuntime({ store, env });
  const { principal } = await rt.key('client');
  const model = mockModel();
  const orchestrator = rt.service(orchestratorService);
  orchestrator.configure({
    config: resolveConfig({ routing: { mode: 'single', chain: ['llama'] } }, rt.env, 'bench'),
    modelFactory: () => model,
  });

  // The bare baseline: every tool the principal may use, executed through the same registry.
  const allowed = rt.registry.listFor(principal).filter((h) => h.key !== 'ai.chat');
  const allTools: ToolSet = Object.fromEntries(
    allowed.map((h) => [
      toolNameForKey(h.key),
      tool({
        description: h.description,
        inputSchema: jsonSchema<Record<string, unknown>>(rt.registry.paramsSchema(h.key) as JSONSchema7),
        execute: (input: Record<string, unknown>) => rt.registry.call(h.key, input, { principal }),
      }),
    ]),
  );
  const bare = () => generateText({ model, tools: allTools, prompt: MESSAGE, stopWhen: stepCountIs(5), maxRetries: 0 });
  // For attribution only: the SDK's streaming path (which the turn uses), consumed part by part.
  const bareStream = async () => {
    const result = streamText({ model, tools: allTools, prompt: MESSAGE, stopWhen: stepCountIs(5), maxRetries: 0 });
    for await (const part of result.fullStream) void part;
  };

  // Sanity: both do the same two steps.
  const check = await runChatTurn(rt, principal, { message: MESSAGE });
  if (check.local || !check.handlers_used.includes('bali.zero.pricing') || !check.response.includes(ANSWER)) {
    throw new Error(
      `the turn did not run the two steps: ${JSON.stringify({ local: check.local, handlers: check.handlers_used, response: check.response.slice(0, 200) })}`,
    );
  }
  const bareCheck = await bare();
  if (bareCheck.steps.length !== 2 || bareCheck.text !== ANSWER)
    throw new Error('the bare call did not run the two steps');

  await orchestrator.idle();
  for (let i = 0; i < warmup; i++) {
    await runChatTurn(rt, principal, { message: MESSAGE });
    await orchestrator.idle();
    await bare();
  }
  const ours: number[] = [];
  const base: number[] = [];
  const overhead: number[] = [];
  const inStore: number[] = [];
  const queriesPerTurn: number[] = [];
  const withoutStore: number[] = [];
  const afterAnswer: number[] = [];
  const afterAnswerStore: number[] = [];
  const afterAnswerQueries: number[] = [];
  for (let i = 0; i < iterations; i++) {
    storeMs = 0;
    storeQueries = 0;
    let t0 = performance.now();
    await runChatTurn(rt, principal, { message: MESSAGE });
    const a = performance.now() - t0;
    inStore.push(storeMs);
    queriesPerTurn.push(storeQueries);
    // The turn's work after its answer (after-turn hooks): finished before the bare call starts, timed on its own.
    storeMs = 0;
    storeQueries = 0;
    t0 = performance.now();
    await orchestrator.idle();
    afterAnswer.push(performance.now() - t0);
    afterAnswerStore.push(storeMs);
    afterAnswerQueries.push(storeQueries);
    t0 = performance.now();
    await bare();
    const b = performance.now() - t0;
    ours.push(a);
    base.push(b);
    overhead.push(a - b);
    withoutStore.push(a - inStore[inStore.length - 1] - b);
  }

  // The same pairs with a caller that streams (onEvent: SSE, the CLI), receiving the text deltas.
  const oursStreaming: number[] = [];
  const overheadStreaming: number[] = [];
  let tokens = 0;
  const onEvent = (event: { type: string }) => {
    if (event.type === 'token') tokens++;
  };
  for (let i = 0; i < warmup; i++) {
    await runChatTurn(rt, principal, { message: MESSAGE }, { onEvent });
    await orchestrator.idle();
    await bare();
  }
  for (let i = 0; i < iterations; i++) {
    let t0 = performance.now();
    await runChatTurn(rt, principal, { message: MESSAGE }, { onEvent });
    const a = performance.now() - t0;
    await orchestrator.idle();
    t0 = performance.now();
    await bare();
    const b = performance.now() - t0;
    oursStreaming.push(a);
    overheadStreaming.push(a - b);
  }
  if (tokens === 0) throw new Error('the streaming caller received no token events');

  // Parts of the overhead measured on their own (same message, same runtime).
  const local: number[] = [];
  const select: number[] = [];
  const streamed: number[] = [];
  for (let i = 0; i < warmup; i++) await bareStream();
  for (let i = 0; i < iterations; i++) {
    let t0 = performance.now();
    await bareStream();
    streamed.push(performance.now() - t0);
    t0 = performance.now();
    await tryLocalAnswer(rt, principal, MESSAGE);
    local.push(performance.now() - t0);
    t0 = performance.now();
    selectTools(rt.registry.listFor(principal), MESSAGE, { k: 8, pinned: ['system.handlers.search'] });
    select.push(performance.now() - t0);
  }

  const o = sortedCopy(ours);
  const b = sortedCopy(base);
  const d = sortedCopy(overhead);
  const l = sortedCopy(local);
  const bs = sortedCopy(streamed);
  const st = sortedCopy(inStore);
  const ws = sortedCopy(withoutStore);
  const s = sortedCopy(select);
  const os = sortedCopy(oursStreaming);
  const ds = sortedCopy(overheadStreaming);
  const aa = sortedCopy(afterAnswer);
  const aas = sortedCopy(afterAnswerStore);
  const mean = (list: number[]) => (list.reduce((x, y) => x + y, 0) / list.length).toFixed(1);
  const ms = (x: number) => `${x.toFixed(3)} ms`;
  console.log(
    `# Orchestrator overhead — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'})`,
  );
  console.log(
    `Two-step turn (tool call to bali.zero.pricing, then the answer), zero-latency mock model, ${onPostgres ? 'PostgreSQL (TEST_DATABASE_URL, loopback)' : 'in-memory PGlite'}; ${iterations} interleaved pairs after ${warmup} warm-up pairs.`,
  );
  console.log(
    `Tools: the turn offers its selection (k = 8 + pinned system.handlers.search); the bare call gets all ${allowed.length} tools of the principal.`,
  );
  const cacheSeconds = env.ZANTARA_MEMORY_PROFILE_CACHE_SECONDS ?? '30 (default)';
  console.log(
    `Memory profile cache: ZANTARA_MEMORY_PROFILE_CACHE_SECONDS=${cacheSeconds} — ${
      Number.parseFloat(cacheSeconds) === 0
        ? 'the profile is read on every turn'
        : "the same principal's turns, milliseconds apart, reuse one read while it lasts"
    }.\n`,
  );
  console.log('| measure | p50 | p99 | target |');
  console.log('|---|---|---|---|');
  console.log(
    `| ZANTARA turn (runChatTurn, caller not streaming: JSON /v1/chat, /call, channels) | ${ms(percentile(o, 50))} | ${ms(percentile(o, 99))} | |`,
  );
  console.log(`| bare AI SDK generateText, all tools | ${ms(percentile(b, 50))} | ${ms(percentile(b, 99))} | |`);
  console.log(
    `| overhead (turn − bare, per pair) | ${ms(percentile(d, 50))} | ${ms(percentile(d, 99))} | p50 ≤ 2 ms, p99 ≤ 10 ms |`,
  );
  console.log(`| ratio turn / bare (p50) | ${(percentile(o, 50) / percentile(b, 50)).toFixed(2)}× | | |`);
  console.log(
    `| of which: time inside the store (${storeName}; ${mean(queriesPerTurn)} queries or transactions per turn before the answer) | ${ms(percentile(st, 50))} | ${ms(percentile(st, 99))} | |`,
  );
  console.log(
    `| overhead without the store's time (turn − store − bare) | ${ms(percentile(ws, 50))} | ${ms(percentile(ws, 99))} | |`,
  );
  console.log(
    `| not in the turn's time: work after the answer (after-turn hooks), until idle | ${ms(percentile(aa, 50))} | ${ms(percentile(aa, 99))} | |`,
  );
  console.log(
    `| … of which inside the store (${mean(afterAnswerQueries)} queries or transactions per turn) | ${ms(percentile(aas, 50))} | ${ms(percentile(aas, 99))} | |`,
  );
  console.log(
    `| ZANTARA turn, caller streaming (onEvent: SSE, CLI), ${iterations} more pairs | ${ms(percentile(os, 50))} | ${ms(percentile(os, 99))} | |`,
  );
  console.log(
    `| overhead with a streaming caller (turn − bare generateText, per pair) | ${ms(percentile(ds, 50))} | ${ms(percentile(ds, 99))} | |`,
  );
  console.log(
    `| for comparison: bare AI SDK streamText, all tools (the SDK's streaming path; the turn no longer uses it) | ${ms(percentile(bs, 50))} | ${ms(percentile(bs, 99))} | |`,
  );
  console.log(`| of which: local tier attempt (escalates) | ${ms(percentile(l, 50))} | ${ms(percentile(l, 99))} | |`);
  console.log(`| of which: tool selection | ${ms(percentile(s, 50))} | ${ms(percentile(s, 99))} | |`);
  await rt.close();
  await store.close();
}

await main();
