// The per-request access line and the request id, through the real app with a logger that keeps its lines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';
import { createApp } from './app.ts';

let store: TestStore;
let rt: TestRuntime;
let key: string;
const lines: Array<Record<string, unknown>> = [];
let app: ReturnType<typeof createApp>;
before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({ store });
  key = (await rt.key('client')).key;
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        lines.push(JSON.parse(line));
      },
    },
  );
  app = createApp({ ...rt, logger });
});
after(async () => {
  await rt.close();
  await store.close();
});

describe('access line and request id', () => {
  it('writes one line per request with only its fixed fields: no header, body or key', async () => {
    lines.length = 0;
    const body = JSON.stringify({ key: 'system.handlers.get', params: { key: 'secret-looking-param' } });
    const res = await app.request('/call', {
      method: 'POST',
      body,
      headers: { 'x-api-key': key, 'content-type': 'application/json', 'x-request-id': 'abc-123' },
    });
    assert.equal(res.headers.get('x-request-id'), 'abc-123');
    const access = lines.filter((l) => l.msg === 'request');
    assert.equal(access.length, 1);
    const { level, time, pid, hostname, ms, principal, ...rest } = access[0];
    assert.deepEqual(rest, {
      requestId: 'abc-123',
      method: 'POST',
      route: '/call',
      status: res.status,
      msg: 'request',
    });
    assert.equal(typeof ms, 'number');
    assert.match(String(principal), /^[0-9a-f-]{36}$/);
    const text = JSON.stringify(lines);
    assert.ok(!text.includes(key) && !text.includes('secret-looking-param') && !text.includes('x-api-key'), text);
  });

  it('replaces an incoming request id that is not a plain token, and answers 404 in the envelope with it', async () => {
    const res = await app.request('/nowhere', { headers: { 'x-request-id': 'bad id\u0007' } });
    const id = res.headers.get('x-request-id');
    assert.match(String(id), /^[0-9a-f-]{36}$/);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { request_id: string }).request_id, id);
  });
});
