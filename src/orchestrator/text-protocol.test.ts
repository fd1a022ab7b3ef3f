import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { LanguageModelV4FunctionTool } from '@ai-sdk/provider';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { startFakeModelServer, type FakeModelServer } from '../testing/fake-model-servers/fake-model-server.ts';
import { createOrchestratorTestRuntime } from '../testing/fake-model-servers/orchestrator-test-kit.ts';
import type { ChatTurnResult } from '../runtime/chat-turn.ts';
import { parseHandlerCalls, visibleText } from './text-protocol.ts';

const tools: LanguageModelV4FunctionTool[] = [
  {
    type: 'function',
    name: 'bali-zero-pricing',
    description: 'Prices',
    inputSchema: {
      type: 'object',
      properties: { service: { type: 'string' }, count: { type: 'integer', minimum: 1 } },
      required: ['service'],
      additionalProperties: false,
    },
  },
  {
    type: 'function',
    name: 'team-recent_activity',
    description: 'Team',
    inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  },
];

describe('parseHandlerCalls', () => {
  test('reads the three marker forms, with keys or tool names, and keeps the text before the first call', () => {
    const out = parseHandlerCalls(
      'Let me check.\n[HANDLER CALL] bali.zero.pricing({"service": "E33G"})\n[HANDLER_CALL] team.recent_activity({})\nTOOL_CALL: bali-zero-pricing({"service":"C1","count":2})',
      tools,
    );
    assert.equal(out.problem, undefined);
    assert.equal(out.text, 'Let me check.');
    assert.deepEqual(out.calls, [
      { toolName: 'bali-zero-pricing', input: { service: 'E33G' } },
      { toolName: 'team-recent_activity', input: {} },
      { toolName: 'bali-zero-pricing', input: { service: 'C1', count: 2 } },
    ]);
  });

  test('handles braces and parentheses inside JSON strings, and empty params', () => {
    const out = parseHandlerCalls('[HANDLER CALL] bali.zero.pricing({"service": "a } b ) c \\" {"})', tools);
    assert.deepEqual(out.calls, [{ toolName: 'bali-zero-pricing', input: { service: 'a } b ) c " {' } }]);
    assert.deepEqual(parseHandlerCalls('TOOL_CALL: team.recent_activity()', tools).calls, [
      { toolName: 'team-recent_activity', input: {} },
    ]);
  });

  test('plain text without markers is just text', () => {
    assert.deepEqual(parseHandlerCalls('Halo! Apa kabar?', tools), { text: 'Halo! Apa kabar?', calls: [] });
  });

  test('reports malformed calls instead of guessing — and never evaluates them', () => {
    assert.match(
      parseHandlerCalls('[HANDLER CALL] bali.zero.pricing({service: "E33G"})', tools).problem ?? '',
      /not valid JSON/,
    );
    assert.match(
      parseHandlerCalls('[HANDLER CALL] bali.zero.pricing({"service": process.exit(1)})', tools).problem ?? '',
      /not valid JSON/,
    );
    assert.match(
      parseHandlerCalls('[HANDLER CALL] bali.zero.pricing({"service": "E33G"', tools).problem ?? '',
      /not a complete JSON object/,
    );
    assert.match(
      parseHandlerCalls('[HANDLER CALL] shell.exec({"cmd": "rm -rf /"})', tools).problem ?? '',
      /unknown handler "shell.exec"/,
    );
    assert.match(
      parseHandlerCalls('[HANDLER CALL] bali.zero.pricing({"count": 0})', tools).problem ?? '',
      /service: required.*count: below 1|count: below 1.*service: required/,
    );
    assert.match(
      parseHandlerCalls('[HANDLER CALL] bali.zero.pricing({"service": "x", "admin": true})', tools).problem ?? '',
      /admin: unknown field/,
    );
    assert.match(parseHandlerCalls('[HANDLER CALL] ({"a":1})', tools).problem ?? '', /expected key/);
  });
});

describe('visibleText', () => {
  test('drops thinking blocks and protocol markers, keeps the answer', () => {
    assert.equal(
      visibleText('[THINKING] the user wants E33G prices\n[RESPONSE] The E33G costs IDR 12,500,000.'),
      'The E33G costs IDR 12,500,000.',
    );
    assert.equal(visibleText('[RESPONSE] Halo!'), 'Halo!');
    assert.equal(visibleText('[THINKING]a[/THINKING]\nCiao.'), 'Ciao.');
    assert.equal(visibleText('Plain answer, [no marker] here.'), 'Plain answer, [no marker] here.');
    // An unclosed thinking block is never shown.
    assert.equal(visibleText('[THINKING] still thinking about it'), '');
  });

  test('for a stream, every prefix gives a prefix of the whole and never half a marker', () => {
    const whole = 'Sure. [THINKING] check prices [RESPONSE] The fee is IDR 2,300,000. [ANSWER]Done.';
    const final = visibleText(whole);
    assert.equal(final, 'Sure. The fee is IDR 2,300,000. Done.');
    for (let i = 0; i <= whole.length; i++) {
      const shown = visibleText(whole.slice(0, i), true);
      assert.ok(final.startsWith(shown), `prefix ${i}: "${shown}"`);
      assert.doesNotMatch(shown, /\[(T|TH|THI|R|RE|RES|A|AN)/, `prefix ${i} shows part of a marker: "${shown}"`);
      assert.doesNotMatch(shown, /check prices/);
    }
  });
});

describe('a text-protocol provider runs the same agent loop', () => {
  let store: TestStore;
  let fake: FakeModelServer;
  before(async () => {
    store = await createTestPglite();
    fake = await startFakeModelServer('openai');
  });
  after(async () => {
    await fake.close();
    await store.close();
  });
  beforeEach(async () => {
    await store.reset();
    fake.reset();
  });
  const env = () => ({ LLAMA_BASE_URL: fake.baseURL, LLAMA_MODEL: 'zantara-llama-ft', LLAMA_PROTOCOL: 'text' });

  test('the tool list goes in the prompt, a [HANDLER CALL] runs the handler, its result comes back as text', async () => {
    const rt = await createOrchestratorTestRuntime({ store, env: env() });
    try {
      const { key } = await rt.key('client');
      fake.enqueue(
        { text: 'Let me check.\n[HANDLER CALL] test.lookup({"item": "widget"})' },
        { text: 'The figure is FIGURE-WIDGET.' },
      );
      const res = await rt.request('/v1/chat', {
        key,
        body: { message: 'widget figure?' },
        headers: { accept: 'text/event-stream' },
      });
      const text = await res.text();
      const done = JSON.parse(text.split('event: done\ndata: ')[1].split('\n')[0]) as ChatTurnResult;
      assert.deepEqual(done.handlers_used, ['test.lookup']);
      assert.match(done.response, /FIGURE-WIDGET/);
      assert.doesNotMatch(text, /HANDLER CALL/, 'the call syntax never reaches the user');
      const first = fake.requests[0].body;
      assert.equal(first.tools, undefined, 'no native tools are sent');
      const system = (first.messages as Array<{ role: string; content: string }>)[0];
      assert.equal(system.role, 'system');
      assert.match(system.content, /\[HANDLER CALL\] handler\.key/);
      assert.match(system.content, /- test\.lookup: /);
      const second = JSON.stringify(fake.requests[1].body.messages);
      assert.match(second, /\[HANDLER RESULT\] test\.lookup: .*FIGURE-WIDGET/);
      assert.match(second, /\[HANDLER CALL\] test\.lookup\(\{\\"item\\":\\"widget\\"\}\)/);
    } finally {
      await rt.close();
    }
  });

  test('[THINKING] never reaches the user and [RESPONSE] loses its marker, streamed or final', async () => {
    const rt = await createOrchestratorTestRuntime({ store, env: env() });
    try {
      const { key } = await rt.key('client');
      fake.enqueue(
        { text: '[THINKING] I should look it up.\n[HANDLER CALL] test.lookup({"item": "widget"})' },
        { text: '[THINKING] The tool said FIGURE-WIDGET; answer briefly.\n[RESPONSE] The figure is FIGURE-WIDGET.' },
      );
      const res = await rt.request('/v1/chat', {
        key,
        body: { message: 'widget figure?' },
        headers: { accept: 'text/event-stream' },
      });
      const text = await res.text();
      const done = JSON.parse(text.split('event: done\ndata: ')[1].split('\n')[0]) as ChatTurnResult;
      assert.equal(done.response.trim(), 'The figure is FIGURE-WIDGET.');
      assert.doesNotMatch(
        text,
        /THINKING|RESPONSE|look it up|answer briefly/,
        'neither the stream nor the final answer shows the protocol',
      );
      fake.enqueue({ text: '[THINKING] short one\n[RESPONSE] Final FIGURE.' });
      const body = (await (
        await rt.request('/v1/chat', { key, body: { message: 'again, no stream' } })
      ).json()) as ChatTurnResult;
      assert.equal(body.response.trim(), 'Final FIGURE.');
    } finally {
      await rt.close();
    }
  });

  test('a malformed call gets one repair round', async () => {
    const rt = await createOrchestratorTestRuntime({ store, env: env() });
    try {
      const { key } = await rt.key('client');
      fake.enqueue(
        { text: '[HANDLER CALL] test.lookup({item: widget})' },
        { text: '[HANDLER CALL] test.lookup({"item": "widget"})' },
        { text: 'Repaired: FIGURE-WIDGET.' },
      );
      const body = (await (
        await rt.request('/v1/chat', { key, body: { message: 'widget figure?' } })
      ).json()) as ChatTurnResult;
      assert.equal(body.response, 'Repaired: FIGURE-WIDGET.');
      assert.deepEqual(body.handlers_used, ['test.lookup']);
      assert.match(
        JSON.stringify(fake.requests[1].body.messages),
        /could not be read: the params of test.lookup are not valid JSON/,
      );
    } finally {
      await rt.close();
    }
  });

  test('malformed twice is a clear failure, and nothing runs', async () => {
    const rt = await createOrchestratorTestRuntime({ store, env: env() });
    try {
      const { key } = await rt.key('client');
      fake.enqueue(
        { text: '[HANDLER CALL] test.record_save({"name": ' },
        { text: 'TOOL_CALL: test.record_save(name=Ana)' },
      );
      const res = await rt.request('/v1/chat', { key, body: { message: 'save Ana' } });
      assert.equal(res.status, 502);
      const body = (await res.json()) as { error: string; message: string };
      assert.equal(body.error, 'model_output_invalid');
      assert.match(body.message, /even after a repair round/);
      assert.equal(rt.log.saved.length, 0);
      assert.equal(fake.requests.length, 2);
    } finally {
      await rt.close();
    }
  });
});
