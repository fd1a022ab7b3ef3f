/**
 * Provider faults against real wire formats on loopback: resets, hangs before the headers or the first token, streams
 * that drop or stall after some tokens — for a JSON caller (nothing seen until the answer: every fault falls back)
 * and a streaming caller (a fault after tokens were shown ends with a plain error event). Hanging fakes hang forever;
 * only the hanging provider gets a short timeout, the healthy one a generous one, so a busy machine changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fixedClock } from '../runtime/clock.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import {
  startFakeModelServer,
  type FakeModelServer,
  type ScriptedReply,
} from '../testing/fake-model-servers/fake-model-server.ts';
import { createOrchestratorTestRuntime } from '../testing/fake-model-servers/orchestrator-test-kit.ts';
import { createTestRuntime } from '../testing/test-runtime.ts';
import type { ChatTurnResult } from '../runtime/chat-turn.ts';
import type { OrchestratorConfigFile } from './config.ts';

let store: TestStore;
let primary: FakeModelServer;
let backup: FakeModelServer;

before(async () => {
  store = await createTestPglite();
  primary = await startFakeModelServer('openai');
  backup = await startFakeModelServer('openai');
});
after(async () => {
  await primary.close();
  await backup.close();
  await store.close();
});
beforeEach(async () => {
  await store.reset();
  primary.reset();
  backup.reset();
});

const GENEROUS = 60_000;
const SHORT = 250;
// A stall is a silence between parts already on their way: a little longer, so a busy event loop is not one.
const STALL = 1000;
const config: OrchestratorConfigFile = {
  routing: { mode: 'single', chain: ['llama', 'openrouter'] },
  providers: { llama: { timeouts: { stall_ms: STALL } } },
  agent: {
    connect_timeout_ms: GENEROUS,
    first_token_timeout_ms: GENEROUS,
    stall_timeout_ms: GENEROUS,
    stream_hold_back_chars: 24,
  },
  cooldown: { failures: 1, seconds: 60 },
  prices: { 'fake-llama': { input: 1, output: 2 }, 'fake-router': { input: 3, output: 6 } },
};
// 60 characters: the fake streams it in chunks of 6.
const LONG = 'The primary provider had started to answer this question ok.';
const BACKUP = 'Answer from the backup.';

async function setup(clock = fixedClock('2026-11-22T02:00:00Z'), file = config) {
  const rt = await createOrchestratorTestRuntime({
    store,
    clock,
    config: file,
    env: {
      LLAMA_BASE_URL: primary.baseURL,
      LLAMA_MODEL: 'fake-llama',
      LLAMA_API_KEY: 'test',
      OPENROUTER_API_KEY: 'test',
      OPENROUTER_BASE_URL: backup.baseURL,
      OPENROUTER_MODEL: 'fake-router',
    },
  });
  const { key } = await rt.key('client');
  const staff = await rt.key('staff');
  const json = async (message: string) => {
    const res = await rt.request('/v1/chat', { key, body: { message } });
    return { status: res.status, body: (await res.json()) as ChatTurnResult & { error?: string; message?: string } };
  };
  const sse = async (message: string) => {
    const res = await rt.request('/v1/chat', { key, body: { message }, headers: { accept: 'text/event-stream' } });
    return parseSse(await res.text());
  };
  const attempts = async (turnId?: string) => {
    const { rows } = turnId
      ? await rt.store.query<{ attempts: Array<Record<string, unknown>> }>(
          'SELECT attempts FROM turn_traces WHERE id = $1',
          [turnId],
        )
      : await rt.store.query<{ attempts: Array<Record<string, unknown>> }>(
          'SELECT attempts FROM turn_traces ORDER BY created_at DESC LIMIT 1',
        );
    return rows[0].attempts.map((a) => [a.provider, a.outcome, a.reason ?? null]);
  };
  const metrics = async () => (await rt.request('/metrics', { key: staff.key })).text();
  return { rt, json, sse, attempts, metrics, clock };
}

describe('a JSON caller falls back on every fault before the answer is complete', () => {
  // Only the timeout a fault should trip is short; the others stay generous.
  const faults: Array<[string, ScriptedReply, string, Record<string, number>]> = [
    ['a reset connection (tried once more first)', { reset: true }, 'connection', {}],
    ['a hang before the headers', { text: 'never', delayMs: 600_000 }, 'connect_timeout', { connect_ms: SHORT }],
    [
      'a hang before the first token',
      { text: 'never', fault: { kind: 'hang_before_first_token' } },
      'first_token_timeout',
      { first_token_ms: SHORT },
    ],
    ['a drop after three tokens', { text: LONG, fault: { kind: 'drop_after', chunks: 3 } }, 'stream_dropped', {}],
    [
      'a stall after three tokens',
      { text: LONG, fault: { kind: 'stall_after', chunks: 3 } },
      'stall_timeout',
      { stall_ms: STALL },
    ],
  ];
  for (const [label, reply, reason, timeouts] of faults) {
    test(label, async () => {
      const { rt, json, attempts, metrics } = await setup(undefined, { ...config, providers: { llama: { timeouts } } });
      try {
        const reset = 'reset' in reply;
        primary.enqueue(reply, ...(reset ? [reply] : []));
        backup.enqueue({ text: BACKUP });
        const { status, body } = await json('Hello');
        assert.equal(status, 200);
        assert.equal(body.response, BACKUP);
        assert.equal(body.provider, 'openrouter');
        assert.deepEqual(await attempts(body.turn_id), [
          ...(reset ? [['llama', 'failed', reason]] : []),
          ['llama', 'failed', reason],
          ['openrouter', 'ok', null],
        ]);
        assert.match(
          await metrics(),
          new RegExp(
            `zantara_provider_attempts_total\\{provider="llama",outcome="failed",reason="${reason}"\\} ${reset ? 2 : 1}`,
          ),
        );
        // The failure counts for the breaker: the next turn skips the primary.
        backup.enqueue({ text: 'second' });
        const second = await json('Again');
        assert.equal(second.body.provider, 'openrouter');
        assert.deepEqual((await attempts(second.body.turn_id))[0], ['llama', 'skipped_cooldown', 'cooldown']);
        assert.equal(primary.requests.length, reset ? 2 : 1);
      } finally {
        await rt.close();
      }
    });
  }
});

describe('a streaming caller', () => {
  test("a drop before the held-back characters were shown falls back; the caller sees only the backup's answer", async () => {
    const { rt, sse, attempts } = await setup();
    try {
      primary.enqueue({ text: LONG, fault: { kind: 'drop_after', chunks: 2 } });
      backup.enqueue({ text: BACKUP });
      const events = await sse('Hello');
      assert.equal(events.at(-1)?.event, 'done');
      assert.equal(
        events
          .filter((e) => e.event === 'token')
          .map((e) => (e.data as { text: string }).text)
          .join(''),
        BACKUP,
      );
      assert.deepEqual(await attempts(), [
        ['llama', 'failed', 'stream_dropped'],
        ['openrouter', 'ok', null],
      ]);
    } finally {
      await rt.close();
    }
  });

  for (const [label, fault, reason] of [
    ['drops', 'drop_after', 'stream_dropped'],
    ['stalls', 'stall_after', 'stall_timeout'],
  ] as const) {
    test(`a stream that ${label} after tokens were shown ends with a plain error event offering a retry, recorded as failed`, async () => {
      const { rt, sse, attempts, metrics } = await setup();
      try {
        primary.enqueue({ text: LONG, fault: { kind: fault, chunks: 6 } });
        backup.enqueue({ text: BACKUP });
        const events = await sse('Hello');
        const tokens = events
          .filter((e) => e.event === 'token')
          .map((e) => (e.data as { text: string }).text)
          .join('');
        assert.equal(tokens, LONG.slice(0, 36));
        const last = events.at(-1)!;
        assert.equal(last.event, 'error');
        const error = last.data as { error: string; message: string };
        assert.equal(error.error, 'model_interrupted');
        assert.match(error.message, /cut off.*send your message again/);
        assert.doesNotMatch(error.message, /llama|terminated|fake/i, 'no provider detail reaches the caller');
        assert.equal(backup.requests.length, 0, 'no fallback once the caller has seen tokens');
        assert.deepEqual(await attempts(), [['llama', 'failed', reason]]);
        const trace = (
          await rt.store.query<{ outcome: string; error: string }>('SELECT outcome, error FROM turn_traces')
        ).rows[0];
        assert.equal(trace.outcome, 'error');
        assert.match(trace.error, new RegExp(`llama: ${reason}`));
        assert.match(
          await metrics(),
          new RegExp(`zantara_provider_attempts_total\\{provider="llama",outcome="failed",reason="${reason}"\\} 1`),
        );
        assert.match(await metrics(), /zantara_provider_circuit_state\{provider="llama",state="open"\} 1/);
      } finally {
        await rt.close();
      }
    });
  }
});

test('a connection reset once is tried again on the same provider, and does not count against it', async () => {
  const { rt, json, attempts } = await setup();
  try {
    primary.enqueue({ reset: true }, { text: 'primary after all' });
    const { body } = await json('Hello');
    assert.equal(body.provider, 'llama');
    assert.deepEqual(await attempts(body.turn_id), [
      ['llama', 'failed', 'connection'],
      ['llama', 'ok', null],
    ]);
    const ready = (await (await rt.request('/ready')).json()) as { orchestrator: { circuits: Record<string, string> } };
    assert.deepEqual(ready.orchestrator.circuits, {});
  } finally {
    await rt.close();
  }
});

describe('circuit breaking that recovers', () => {
  test('after the cooldown one probe goes to the provider (half-open in /ready and metrics); its success closes the circuit', async () => {
    // The probe must stay in flight while another turn starts: here the primary's timeouts are generous too.
    const { rt, json, metrics, clock } = await setup(undefined, { ...config, providers: {} });
    try {
      primary.enqueue({ status: 500 });
      backup.setDefault({ text: BACKUP });
      await json('first');
      let ready = (await (await rt.request('/ready')).json()) as { orchestrator: { circuits: Record<string, string> } };
      assert.deepEqual(ready.orchestrator.circuits, { llama: 'open' });
      clock.advance(61_000);
      ready = (await (await rt.request('/ready')).json()) as { orchestrator: { circuits: Record<string, string> } };
      assert.deepEqual(ready.orchestrator.circuits, { llama: 'half_open' });
      assert.match(await metrics(), /zantara_provider_circuit_state\{provider="llama",state="half_open"\} 1/);
      // The probe is slow: while it runs, a second turn does not go to the half-open provider.
      primary.enqueue({ text: 'primary is back', delayMs: 5_000 });
      const probe = json('probe');
      while (primary.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
      const other = await json('meanwhile');
      assert.equal(other.body.provider, 'openrouter');
      assert.equal((await probe).body.provider, 'llama');
      assert.equal(primary.requests.length, 2, 'one failure, then exactly one probe');
      ready = (await (await rt.request('/ready')).json()) as { orchestrator: { circuits: Record<string, string> } };
      assert.deepEqual(ready.orchestrator.circuits, {});
      assert.doesNotMatch(await metrics(), /zantara_provider_circuit_state\{/);
    } finally {
      await rt.close();
    }
  });

  test('a failed probe opens the circuit for another cooldown', async () => {
    const { rt, json, clock } = await setup();
    try {
      primary.enqueue({ status: 500 }, { status: 503 });
      backup.setDefault({ text: BACKUP });
      await json('first');
      clock.advance(61_000);
      assert.equal((await json('probe')).body.provider, 'openrouter');
      assert.equal(primary.requests.length, 2);
      await json('still open');
      assert.equal(primary.requests.length, 2);
      const ready = (await (await rt.request('/ready')).json()) as {
        orchestrator: { circuits: Record<string, string> };
      };
      assert.deepEqual(ready.orchestrator.circuits, { llama: 'open' });
    } finally {
      await rt.close();
    }
  });
});

describe('a broken orchestrator config', () => {
  test('/ready says so (503) instead of ready; the first chat would have been a 500', async () => {
    const rt = await createTestRuntime({
      store,
      env: { GROQ_API_KEY: '', ZANTARA_CONFIG: '/nonexistent/zantara.config.yaml' },
    });
    try {
      const res = await rt.request('/ready');
      assert.equal(res.status, 503);
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, 'not_ready');
      assert.match(
        body.message,
        /orchestrator config is broken: ZANTARA_CONFIG points to \/nonexistent\/zantara.config.yaml, which does not exist/,
      );
    } finally {
      await rt.close();
    }
  });
});

function parseSse(text: string): Array<{ event: string; data: unknown }> {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      const event = block.match(/^event: (.*)$/m)?.[1] ?? 'message';
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { event, data: JSON.parse(data) };
    });
}
