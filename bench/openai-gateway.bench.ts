/**
 * `npm run bench:gateway`: what ZANTARA's OpenAI-compatible gateway (`model: "groq/<model>"`) adds to a model call.
 * The official `openai` client calls a fake Groq server on loopback (the same wire format, a fixed short answer, no
 * delay) directly, and through ZANTARA (`src/main.ts` in its own process: auth, validation, the `ai` rate limit, the
 * provider chain, the cost-ledger row). Calls alternate direct / gateway so drift hits both; overhead is the median of
 * the per-pair differences. Non-streamed and streamed (time to the last chunk). Also ZANTARA's CPU per gateway call
 * (its process's CPU over the whole loop, ledger writes and idle background tasks included, divided by the calls).
 * Options (env): BENCH_ITERATIONS (default 400), BENCH_WARMUP (50), BENCH_STORE=postgres (TEST_DATABASE_URL, a schema
 * of its own) instead of PGlite in a temporary data dir.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import pg from 'pg';
import { TEST_DATABASE_URL } from '../src/testing/test-stores.ts';
import { startFakeModelServer } from '../src/testing/fake-model-servers/fake-model-server.ts';
import { percentile } from './bench-stats.ts';
import { BENCH_ADMIN_KEY, cpuNanos, launch, stop, zantaraEnv } from './server-process.ts';

const iterations = Number(process.env.BENCH_ITERATIONS ?? 400);
const warmup = Number(process.env.BENCH_WARMUP ?? 50);
const MODEL = 'llama-3.3-70b-versatile';
const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'What is a KITAS?' },
];

const fake = await startFakeModelServer('openai');
fake.setDefault({
  text: 'A KITAS is a limited stay permit for foreigners in Indonesia.',
  usage: { input: 20, output: 14 },
});
const dataDir = mkdtempSync(join(tmpdir(), 'zantara-bench-gateway-'));
const schema = `bench_gateway_${process.pid}`;
const postgres: Record<string, string> =
  process.env.BENCH_STORE === 'postgres' ? { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: schema } : {};
const server = await launch(
  'src/main.ts',
  {
    ...zantaraEnv(dataDir),
    ...postgres,
    GROQ_API_KEY: 'bench',
    GROQ_BASE_URL: fake.baseURL,
    ZANTARA_RATE_LIMITS: 'read=100000000/60,ai=100000000/60',
  },
  join(dataDir, 'server.log'),
);

const direct = new OpenAI({ apiKey: 'bench', baseURL: fake.baseURL, maxRetries: 0 });
const gateway = new OpenAI({ apiKey: BENCH_ADMIN_KEY, baseURL: `${server.url}/v1`, maxRetries: 0 });

async function once(client: OpenAI, model: string, stream: boolean): Promise<number> {
  const started = performance.now();
  if (!stream) {
    const answer = await client.chat.completions.create({ model, messages });
    if (!answer.choices[0].message.content) throw new Error('empty answer');
  } else {
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model, messages, stream: true }))
      text += chunk.choices[0]?.delta.content ?? '';
    if (!text) throw new Error('empty stream');
  }
  return performance.now() - started;
}

type Row = { label: string; direct: number[]; gateway: number[]; overhead: number[]; cpuMs?: number };
const rows: Row[] = [];
for (const stream of [false, true]) {
  for (let i = 0; i < warmup; i++) {
    await once(direct, MODEL, stream);
    await once(gateway, `groq/${MODEL}`, stream);
  }
  const row: Row = {
    label: stream ? 'streamed (to last chunk)' : 'non-streamed',
    direct: [],
    gateway: [],
    overhead: [],
  };
  // ZANTARA's CPU over the whole loop: its ledger writes run after the answers, during the next direct calls.
  const cpuBefore = cpuNanos(server.child.pid!);
  for (let i = 0; i < iterations; i++) {
    const d = await once(direct, MODEL, stream);
    const g = await once(gateway, `groq/${MODEL}`, stream);
    row.direct.push(d);
    row.gateway.push(g);
    row.overhead.push(g - d);
  }
  await new Promise((resolve) => setTimeout(resolve, 100)); // the last ledger batch
  const cpuAfter = cpuNanos(server.child.pid!);
  row.cpuMs = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / 1e6 / iterations : undefined;
  rows.push(row);
}
await stop(server.child);
await fake.close();
rmSync(dataDir, { recursive: true, force: true });
if (process.env.BENCH_STORE === 'postgres') {
  const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await db.end();
}

const f = (n: number) => n.toFixed(2);
console.log(
  `OpenAI-compatible gateway vs direct (store: ${process.env.BENCH_STORE === 'postgres' ? 'postgres' : 'pglite'}), ` +
    `${iterations} interleaved pairs after ${warmup} warm-up pairs; ${cpus().length} CPUs (${cpus()[0]?.model})`,
);
console.log(
  '| call | direct p50 / p95 ms | via ZANTARA p50 / p95 ms | overhead p50 (pairwise) ms | ZANTARA CPU per call ms |',
);
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  console.log(
    `| ${r.label} | ${f(percentile(r.direct, 50))} / ${f(percentile(r.direct, 95))} | ${f(percentile(r.gateway, 50))} / ` +
      `${f(percentile(r.gateway, 95))} | ${f(percentile(r.overhead, 50))} | ${r.cpuMs === undefined ? 'n/a' : f(r.cpuMs)} |`,
  );
}
