import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import { startServer } from '../../http/server.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { startFakeModelServer, type FakeModelServer } from '../../testing/fake-model-servers/fake-model-server.ts';
import { createOrchestratorTestRuntime } from '../../testing/fake-model-servers/orchestrator-test-kit.ts';
import { runCli } from '../main.ts';

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

test('zantara chat --url --key --message streams the answer from a running server and shows pending actions', async () => {
  const rt = await createOrchestratorTestRuntime({ store, env: { LLAMA_BASE_URL: fake.baseURL } });
  const server = await startServer(rt, { port: 0, hostname: '127.0.0.1' });
  try {
    const { key } = await rt.key('client');
    fake.enqueue(
      { toolCalls: [{ name: 'test-record_save', args: { name: 'Ana' } }] },
      { text: 'Saving Ana is proposed and awaits approval.' },
    );
    let out = '';
    let err = '';
    const code = await runCli(['chat', '--url', server.url, '--key', key, '--message', 'Save me as Ana'], {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      env: {},
      isTTY: false,
    });
    assert.equal(code, 0, err);
    assert.match(out, /zantara> Saving Ana is proposed and awaits approval\./);
    assert.match(out, /pending [0-9a-f-]{36}: test\.record_save \{"name":"Ana"\}/);
    assert.match(out, /conversation [0-9a-f-]{36}/);
    assert.equal(rt.log.saved.length, 0);
  } finally {
    await server.close();
    await rt.close();
  }
});

test('zantara chat --url without a key is a usage error', async () => {
  let err = '';
  const code = await runCli(['chat', '--url', 'http://127.0.0.1:9', '--message', 'hi'], {
    out: () => undefined,
    err: (t) => {
      err += t;
    },
    env: {},
    isTTY: false,
  });
  assert.equal(code, 1);
  assert.match(err, /--key KEY/);
});

test('interactive zantara chat answers /help and unknown slash commands locally, then /quit', async () => {
  const rt = await createOrchestratorTestRuntime({ store, env: { LLAMA_BASE_URL: fake.baseURL } });
  const server = await startServer(rt, { port: 0, hostname: '127.0.0.1' });
  try {
    const { key } = await rt.key('client');
    const input = new PassThrough();
    const modelCalls = fake.requests.length;
    let out = '';
    let err = '';
    const running = runCli(['chat', '--url', server.url, '--key', key], {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
      env: {},
      isTTY: false,
      input,
    });
    input.end('/help\n/frob\n/quit\n');
    assert.equal(await running, 0, err);
    assert.match(out, /\/help lists the commands/);
    assert.match(out, /\/approve ID +run an action/);
    assert.match(err, /unknown command \/frob; \/help lists them/);
    assert.equal(fake.requests.length, modelCalls, 'no slash command reaches the model');
  } finally {
    await server.close();
    await rt.close();
  }
});
