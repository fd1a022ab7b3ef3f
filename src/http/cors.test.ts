import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { createApp } from './app.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';

let store: TestStore;
let rt: TestRuntime;
before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({
    store,
    env: { ZANTARA_CORS_ORIGINS: 'https://app.example.com, https://admin.example.com' },
  });
});
after(async () => {
  await rt.close();
  await store.close();
});

const preflight = {
  method: 'OPTIONS',
  headers: {
    origin: 'https://app.example.com',
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'authorization, content-type',
  },
};

it('answers preflights and marks responses for the configured origins only', async () => {
  const app = createApp(rt);
  const ok = await app.request('/v1/chat/completions', preflight);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.com');
  assert.match(ok.headers.get('access-control-allow-headers') ?? '', /authorization/i);
  assert.equal(ok.headers.get('access-control-allow-credentials'), null);
  const other = await app.request('/health', { headers: { origin: 'https://evil.example.com' } });
  assert.equal(other.headers.get('access-control-allow-origin'), null);
  const health = await app.request('/health', { headers: { origin: 'https://admin.example.com' } });
  assert.equal(health.headers.get('access-control-allow-origin'), 'https://admin.example.com');
  assert.match(health.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
});

it('is off by default: no CORS headers at all', async () => {
  const plain = await createTestRuntime({ store });
  try {
    const res = await createApp(plain).request('/health', { headers: { origin: 'https://app.example.com' } });
    assert.equal(res.headers.get('access-control-allow-origin'), null);
    const options = await createApp(plain).request('/v1/chat/completions', preflight);
    assert.equal(options.headers.get('access-control-allow-origin'), null);
  } finally {
    await plain.close();
  }
});
