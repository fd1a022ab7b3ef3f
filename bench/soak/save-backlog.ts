/**
 * `node bench/soak/save-backlog.ts`: does storing turns keep up with answering them? Clients send turns back to back
 * (each a new conversation, zero-latency in-process model, in-memory PGlite) and, every few hundred turns, the number
 * of answered turns is compared with the number of traces stored, next to the process's memory. When turns are
 * answered before they are stored, a store slower than the answers builds a backlog that only grows — the memory
 * growth under load — and `idle()` at the end shows how long it takes to drain. Options (env): BACKLOG_TURNS (2000),
 * BACKLOG_CLIENTS (8).
 */
import { MockLanguageModelV4 } from 'ai/test';
import type { LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { resolveConfig } from '../../src/orchestrator/config.ts';
import { orchestratorService } from '../../src/orchestrator/orchestrator.ts';
import { runChatTurn } from '../../src/orchestrator/run-chat-turn.ts';
import { createTestPglite } from '../../src/testing/test-stores.ts';
import { createTestRuntime } from '../../src/testing/test-runtime.ts';

const turns = Number(process.env.BACKLOG_TURNS ?? 2000);
const clients = Number(process.env.BACKLOG_CLIENTS ?? 8);
const usage = {
  inputTokens: { total: 100, noCache: 100, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 20, text: 20, reasoning: 0 },
};
const ANSWER = 'A plain answer about staying in Bali, as long as a short model answer usually is.';
const model = new MockLanguageModelV4({
  provider: 'mock',
  modelId: 'zero-latency',
  doStream: async () => {
    const parts: LanguageModelV4StreamPart[] = [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: ANSWER },
      { type: 'text-end', id: 't' },
      { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' } },
    ];
    return {
      stream: new ReadableStream({
        start(c) {
          for (const p of parts) c.enqueue(p);
          c.close();
        },
      }),
    };
  },
});

const store = await createTestPglite();
const rt = await createTestRuntime({ store, env: { LOG_LEVEL: 'warn', LLAMA_BASE_URL: 'http://127.0.0.1:9/v1' } });
const { principal } = await rt.key('client');
const orchestrator = rt.service(orchestratorService);
orchestrator.configure({
  config: resolveConfig({ routing: { mode: 'single', chain: ['llama'] } }, rt.env, 'bench'),
  modelFactory: () => model,
  tryLocalAnswer: async () => ({ status: 'escalate', reason: 'not_confident', language: 'en' }),
  hooks: [],
});

const mb = (x: number) => Math.round(x / 1048576);
let answered = 0;
let next = 0;
const t0 = performance.now();
console.log('| answered | stored | backlog | rss MB | heap used MB | external MB | seconds |');
console.log('|---|---|---|---|---|---|---|');
await Promise.all(
  Array.from({ length: clients }, async (_, client) => {
    for (;;) {
      const n = next++;
      if (n >= turns) return;
      await runChatTurn(rt, principal, {
        message: `Client ${client}, turn ${n}: what should I know about staying in Bali?`,
      });
      answered++;
      if (answered % Math.max(1, Math.floor(turns / 8)) === 0) {
        const stored = Number(
          (await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM turn_traces WHERE outcome = 'ok'`)).rows[0]
            .n,
        );
        const m = process.memoryUsage();
        console.log(
          `| ${answered} | ${stored} | ${answered - stored} | ${mb(m.rss)} | ${mb(m.heapUsed)} | ${mb(m.external)} | ${((performance.now() - t0) / 1000).toFixed(1)} |`,
        );
      }
    }
  }),
);
const answeredAt = performance.now();
await orchestrator.idle();
const stored = Number(
  (await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM turn_traces WHERE outcome = 'ok'`)).rows[0].n,
);
const m = process.memoryUsage();
console.log(
  `\n${answered} turns answered in ${((answeredAt - t0) / 1000).toFixed(1)} s; the store caught up ${((performance.now() - answeredAt) / 1000).toFixed(1)} s later` +
    ` (${stored} stored; rss ${mb(m.rss)} MB, external ${mb(m.external)} MB).`,
);
await rt.close();
await store.close();
