import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';

let store: TestStore;
let rt: TestRuntime;
before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({ store, env: { ZANTARA_RATE_LIMITS: 'read=3/60' } });
});
after(async () => {
  await rt.close();
  await store.close();
});

it('/call answers 429 rate_limited with Retry-After once a key is over its limit', async () => {
  const { key } = await rt.key('client');
  const call = () => rt.request('/call', { key, body: { key: 'system.handlers.list' } });
  for (let i = 0; i < 3; i++) assert.equal((await call()).status, 200);
  const res = await call();
  assert.equal(res.status, 429);
  assert.ok(Number(res.headers.get('retry-after')) >= 1);
  const body = await res.json();
  assert.equal(body.ok, false);
  assert.equal(body.error, 'rate_limited');
  const other = await rt.key('client');
  assert.equal((await rt.request('/call', { key: other.key, body: { key: 'system.handlers.list' } })).status, 200);
});
