/**
 * A soak with provider faults against the real server (`src/main.ts` in a child process, PGlite in a temp data dir or
 * PostgreSQL): a primary `llama` that fails in turn with 500, 429, a reset, a hang before the first token, a stream
 * that drops, a stream that stalls — and answers in between — and a healthy fallback `groq`, both fake
 * OpenAI-compatible servers on loopback. JSON and streaming clients chat without pause; in the first phase the
 * server is SIGKILLed right after an answer and restarted on the same data. At the end the store is read back.
 * The faults all happen before a streaming caller has been shown anything (the held-back characters), so every turn
 * must be answered while the fallback is healthy. The fault sequence is a fixed cycle, not random.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteStore } from '../../src/store/pglite-store.ts';
import { createPostgresStore } from '../../src/store/postgres-store.ts';
import { createTestPglite } from '../../src/testing/test-stores.ts';
import { startFakeModelServer, type ScriptedReply } from '../../src/testing/fake-model-servers/fake-model-server.ts';
import { percentile } from '../bench-stats.ts';

export type SoakOptions = {
  /** Turns to run after the kill phase (memory is sampled over these). */
  turns: number;
  /** SIGKILL-and-restart cycles in the first phase. */
  kills: number;
  /** Concurrent clients (half JSON, half streaming). */
  clients: number;
  /** The primary's timeouts (ms); the fallback's are generous. */
  primaryTimeoutMs: number;
  /** PGlite only: start from a clone of the migrated test template instead of migrating an empty data dir. */
  fromTemplate?: boolean;
  log?: (line: string) => void;
};

export type SoakResult = {
  turns: number;
  answered: number;
  failed: Array<{ status: number | string; error: string }>;
  lost: string[];
  duplicated: string[];
  usageClients: number;
  usageStored: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  p99_bound_ms: number;
  primaryRequests: number;
  fallbackRequests: number;
  kills: number;
  killedAfterAnswer: number;
  /** VmRSS samples (MB) of the last server process, one a second. */
  rss: number[];
  /** RSS growth over the last half of the memory phase (fraction). */
  rssGrowthLastHalf: number;
  turnsPerSecond: number;
  wallSeconds: number;
};

// SOAK_MAIN: another tree's entry point (a side-by-side run against an older version; with SOAK_LEGACY_CONFIG=1 its
// config file has only the settings that version knows).
const MAIN = process.env.SOAK_MAIN ?? new URL('../../src/main.ts', import.meta.url).pathname;
const ADMIN_KEY = `zt_soak_${'s'.repeat(40)}`;
const ANSWER =
  'Here is a plain answer from the model about your Bali question, long enough to stream in several chunks.';

/** The primary's replies, in a fixed cycle: faults interleaved with good answers. */
const PRIMARY_CYCLE: ScriptedReply[] = [
  { text: ANSWER },
  { status: 500 },
  { text: ANSWER },
  { status: 429 },
  { reset: true },
  { text: ANSWER },
  { text: ANSWER, fault: { kind: 'hang_before_first_token' } },
  { text: ANSWER, fault: { kind: 'drop_after', chunks: 2 } },
  { text: ANSWER },
  { text: ANSWER, fault: { kind: 'stall_after', chunks: 2 } },
];

function rssMb(pid: number): number {
  try {
    const kb = Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1]);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const probe = env.SOAK_MEMORY_PROBE ? ['--import', new URL('./memory-probe.ts', import.meta.url).pathname] : [];
  const child = spawn(process.execPath, [...probe, MAIN], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      output += d;
      const url = output.match(/listening on (http:\/\/[\d.:]+)/)?.[1];
      if (url) {
        child.stdout!.off('data', onData);
        resolve({ child, url });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => {
      output += d;
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`server exited (${code ?? signal}) before listening: ${output.slice(-2000)}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', () => r()));
}

type Answered = { turnId: string; tokens: number };

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const log = options.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'zantara-soak-'));
  const primary = await startFakeModelServer('openai');
  const fallback = await startFakeModelServer('openai');
  let cycle = 0;
  // SOAK_FAULTS=0: a healthy primary (memory and throughput without faults).
  const faults = process.env.SOAK_FAULTS !== '0';
  primary.setDefault(() => (faults ? PRIMARY_CYCLE[cycle++ % PRIMARY_CYCLE.length] : { text: ANSWER }));
  fallback.setDefault({ text: ANSWER });
  // The fakes keep every request; a long soak only needs their count.
  const forget = setInterval(() => {
    primaryCount += primary.requests.length;
    primary.requests.length = 0;
    fallbackCount += fallback.requests.length;
    fallback.requests.length = 0;
  }, 1000);
  let primaryCount = 0;
  let fallbackCount = 0;
  const t = options.primaryTimeoutMs;
  // SOAK_DATABASE_URL: the server on PostgreSQL (a schema of its own, dropped at the end) instead of PGlite.
  const postgres = process.env.SOAK_DATABASE_URL;
  writeFileSync(
    join(dir, 'zantara.config.yaml'),
    [
      'routing: { mode: single, chain: [llama, groq] }',
      ...(process.env.SOAK_LEGACY_CONFIG === '1'
        ? [`agent: { first_token_timeout_ms: ${t} }`]
        : [
            'providers:',
            `  llama: { timeouts: { connect_ms: ${t}, first_token_ms: ${t}, stall_ms: ${t} } }`,
            'agent: { connect_timeout_ms: 30000, first_token_timeout_ms: 30000, stall_timeout_ms: 30000, stream_hold_back_chars: 24 }',
          ]),
      'cooldown: { failures: 3, seconds: 2 }',
      'conversation: { summarize: false }',
    ].join('\n'),
  );
  const env: Record<string, string> = {
    ZANTARA_DATA_DIR: join(dir, 'data'),
    ZANTARA_ADMIN_KEY: ADMIN_KEY,
    ZANTARA_CONFIG: join(dir, 'zantara.config.yaml'),
    ZANTARA_RATE_LIMITS: 'ai=100000000/60,read=100000000/60,write=100000000/60',
    ...(process.env.SOAK_MEMORY_PROBE ? { SOAK_MEMORY_PROBE: process.env.SOAK_MEMORY_PROBE } : {}),
    ...(postgres ? { DATABASE_URL: postgres, DATABASE_SCHEMA: `soak_${process.pid}` } : {}),
    LLAMA_BASE_URL: primary.baseURL,
    LLAMA_MODEL: 'soak-llama',
    GROQ_API_KEY: 'soak',
    GROQ_BASE_URL: fallback.baseURL,
    GROQ_MODEL: 'soak-groq',
  };
  if (options.fromTemplate && !postgres) await (await createTestPglite(env.ZANTARA_DATA_DIR)).close();
  const answered: Answered[] = [];
  const failed: SoakResult['failed'] = [];
  const latencies: number[] = [];
  let server = await startServer(env);
  let killedAfterAnswer = 0;
  const rss: number[] = [];
  let sampler: NodeJS.Timeout | undefined;
  const started = performance.now();
  let memoryPhaseStarted = 0;
  let memoryPhaseTurns = 0;
  try {
    const chat = async (client: number, n: number): Promise<'ok' | 'down'> => {
      const streaming = client % 2 === 1;
      const t0 = performance.now();
      let res: Response;
      try {
        res = await fetch(`${server.url}/v1/chat`, {
          method: 'POST',
          headers: {
            'x-api-key': ADMIN_KEY,
            'content-type': 'application/json',
            ...(streaming ? { accept: 'text/event-stream' } : {}),
          },
          body: JSON.stringify({
            message: `Soak client ${client} turn ${n}: what should I know about staying in Bali?`,
          }),
        });
      } catch {
        return 'down';
      }
      let body: {
        turn_id?: string;
        usage?: { input_tokens: number; output_tokens: number };
        error?: string;
        message?: string;
      };
      try {
        if (streaming) {
          const text = await res.text();
          const last = text.trim().split('\n\n').at(-1) ?? '';
          const event = last.match(/^event: (.*)$/m)?.[1];
          body = JSON.parse(
            last
              .split('\n')
              .find((l) => l.startsWith('data: '))
              ?.slice(6) ?? '{}',
          );
          if (event !== 'done') body.error ??= `sse:${event}`;
        } else {
          body = (await res.json()) as typeof body;
        }
      } catch {
        return 'down';
      }
      if (res.status === 200 && body.turn_id && !body.error) {
        latencies.push(performance.now() - t0);
        answered.push({
          turnId: body.turn_id,
          tokens: (body.usage?.input_tokens ?? 0) + (body.usage?.output_tokens ?? 0),
        });
        return 'ok';
      }
      failed.push({ status: res.status, error: `${body.error}: ${body.message ?? ''}`.slice(0, 200) });
      if (failed.length <= 20)
        log(`failed turn (${streaming ? 'sse' : 'json'}): ${res.status} ${failed.at(-1)!.error}`);
      return 'ok';
    };

    // Phase 1: kill right after an answer, restart, continue.
    for (let k = 0; k < options.kills; k++) {
      let n = 0;
      let killed = false;
      await Promise.all(
        Array.from({ length: options.clients }, async (_, client) => {
          while (!killed) {
            const before = answered.length;
            const outcome = await chat(client, n++);
            if (outcome === 'down') return;
            if (!killed && answered.length > before && answered.length >= (k + 1) * 20) {
              killed = true;
              killedAfterAnswer++;
              server.child.kill('SIGKILL');
            }
          }
        }),
      );
      await exited(server.child);
      log(`kill ${k + 1}: ${answered.length} answered so far; restarting`);
      server = await startServer(env);
    }

    // Phase 2: the memory phase — no kills, RSS sampled every second.
    const pid = server.child.pid!;
    sampler = setInterval(() => rss.push(rssMb(pid)), 1000);
    memoryPhaseStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.clients }, async (_, client) => {
        for (;;) {
          const n = next++;
          if (n >= options.turns) return;
          await chat(client, n);
          memoryPhaseTurns++;
          if (n % 1000 === 0 && n) log(`${n} turns, rss ${rssMb(pid)} MB, ${failed.length} failed`);
        }
      }),
    );
    clearInterval(sampler);
    rss.push(rssMb(pid));
    server.child.kill('SIGTERM');
    await exited(server.child);
  } finally {
    clearInterval(sampler);
    clearInterval(forget);
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await exited(server.child);
    }
    primaryCount += primary.requests.length;
    fallbackCount += fallback.requests.length;
    await primary.close();
    await fallback.close();
  }

  // Read the store back: every answered turn stored once, complete, with the usage the client saw.
  const store = postgres
    ? await createPostgresStore({ connectionString: postgres, schema: env.DATABASE_SCHEMA })
    : await createPgliteStore(env.ZANTARA_DATA_DIR);
  let lost: string[] = [];
  let duplicated: string[] = [];
  let usageStored = 0;
  try {
    const ids = answered.map((a) => a.turnId);
    const { rows } = await store.query<{
      id: string;
      outcome: string;
      tokens: number;
      answers: number;
      questions: number;
    }>(
      `SELECT t.id, t.outcome, (t.input_tokens + t.output_tokens)::int AS tokens,
         (SELECT count(*)::int FROM conversation_messages m WHERE m.conversation_id = t.conversation_id AND m.role = 'assistant' AND m.parts->>'turn_id' = t.id::text) AS answers,
         (SELECT count(*)::int FROM conversation_messages m WHERE m.conversation_id = t.conversation_id AND m.role = 'user' AND m.parts->>'turn_id' = t.id::text) AS questions
       FROM turn_traces t WHERE t.id = ANY($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    lost = ids.filter((id) => {
      const r = byId.get(id);
      return r?.outcome !== 'ok' || r.answers < 1 || r.questions < 1;
    });
    duplicated = rows.filter((r) => r.answers > 1 || r.questions > 1).map((r) => r.id);
    if (new Set(ids).size !== ids.length) duplicated.push('(a turn id was answered twice)');
    usageStored = rows.reduce((sum, r) => sum + r.tokens, 0);
  } finally {
    if (postgres) await store.query(`DROP SCHEMA IF EXISTS ${env.DATABASE_SCHEMA} CASCADE`);
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const half = Math.floor(rss.length / 2);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  // Growth over the last half: the median of the last tenth against the median around the middle.
  const window = Math.max(1, Math.floor(rss.length / 10));
  const mid = median(rss.slice(half, half + window));
  const end = median(rss.slice(-window));
  const sorted = [...latencies].sort((a, b) => a - b);
  const memorySeconds = (performance.now() - memoryPhaseStarted) / 1000;
  return {
    turns: answered.length + failed.length,
    answered: answered.length,
    failed,
    lost,
    duplicated,
    usageClients: answered.reduce((sum, a) => sum + a.tokens, 0),
    usageStored,
    p50_ms: Math.round(percentile(sorted, 50)),
    p99_ms: Math.round(percentile(sorted, 99)),
    max_ms: Math.round(sorted.at(-1) ?? 0),
    // The worst a turn may wait on the primary: first token (or connect), then one stall, then the fallback's answer.
    p99_bound_ms: 2 * options.primaryTimeoutMs + 2000,
    primaryRequests: primaryCount,
    fallbackRequests: fallbackCount,
    kills: options.kills,
    killedAfterAnswer,
    rss,
    rssGrowthLastHalf: mid ? (end - mid) / mid : 0,
    turnsPerSecond: Math.round(memoryPhaseTurns / memorySeconds),
    wallSeconds: Math.round((performance.now() - started) / 1000),
  };
}
