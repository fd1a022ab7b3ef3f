import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { createApp } from '../app.ts';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { documentedResponse } from './openapi.ts';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, unknown>;
        requestBody?: { content: Record<string, { schema: { oneOf?: Array<{ title: string }> } }> };
      }
    >
  >;
};

let store: TestStore;
let rt: TestRuntime;
const keys: Record<string, string> = {};
const SECRET = 'test-app-secret';

before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({ store, env: { META_VERIFY_TOKEN: 'verify-me', META_APP_SECRET: SECRET } });
  for (const role of ['client', 'staff', 'admin'] as const) keys[role] = (await rt.key(role)).key;
});
after(async () => {
  await rt.close();
  await store.close();
});

async function doc(key?: string): Promise<Doc> {
  const res = await rt.request('/openapi.json', { key });
  assert.equal(res.status, 200);
  return (await res.json()) as Doc;
}

function handlerKeys(d: Doc): string[] {
  return (d.paths['/call']?.post.requestBody?.content['application/json'].schema.oneOf ?? []).map((o) => o.title);
}

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document for every audience', async () => {
    for (const key of [undefined, keys.client, keys.staff, keys.admin]) {
      const validator = new Validator();
      const result = await validator.validate((await doc(key)) as unknown as Parameters<Validator['validate']>[0]);
      assert.equal(result.valid, true, JSON.stringify(result.errors, null, 1)?.slice(0, 2000));
      assert.equal(validator.version, '3.1');
    }
  });

  it('without a key lists only the public surface; with a key, what that role may call', async () => {
    const publicDoc = await doc();
    assert.deepEqual(Object.keys(publicDoc.paths).sort(), [
      '/',
      '/console',
      '/docs',
      '/health',
      '/openapi.json',
      '/ready',
      '/web/contact',
      '/web/session',
      '/webhooks/instagram',
      '/webhooks/whatsapp',
    ]);
    const client = await doc(keys.client);
    const admin = await doc(keys.admin);
    assert.ok(!handlerKeys(client).includes('keys.create'), 'a client does not see admin handlers');
    assert.ok(handlerKeys(admin).includes('keys.create'));
    const principal = (await rt.key('client')).principal;
    assert.deepEqual(
      handlerKeys(client),
      rt.registry.listFor(principal).map((h) => h.key),
    );
    assert.ok(!client.paths['/v1/usage'] && !client.paths['/metrics'] && !client.paths['/v1/events']);
    assert.ok(
      admin.paths['/v1/usage'] && admin.paths['/metrics'] && admin.paths['/v1/chat/completions'] && admin.paths['/mcp'],
    );
    const bad = await rt.request('/openapi.json', { key: 'zk_unknown' });
    assert.equal(bad.status, 401);
  });

  it('documents every route the app serves', async () => {
    const admin = await doc(keys.admin);
    // Static files (the reference page's and the web app's assets) are not API routes.
    const served = new Set(
      createApp(rt)
        .routes.filter((r) => r.method !== 'ALL' && !r.path.endsWith('/*') && !r.path.startsWith('/docs/'))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
    );
    const documented = new Set(
      Object.entries(admin.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    assert.deepEqual(
      [...served].filter((r) => !documented.has(r)),
      [],
      'served but not documented',
    );
    assert.deepEqual(
      [...documented].filter((r) => !served.has(r)),
      [],
      'documented but not served',
    );
  });

  it('each route answers as documented (status and body schema)', async () => {
    const admin = await doc(keys.admin);
    const missingId = '00000000-0000-4000-8000-000000000000';
    const signed = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const webhookBody = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
    const samples: Record<
      string,
      { path?: string; body?: unknown; headers?: Record<string, string>; stream?: boolean }
    > = {
      'get /v1/conversations/{id}/messages': { path: `/v1/conversations/${missingId}/messages` },
      'get /v1/actions/{id}': { path: `/v1/actions/${missingId}` },
      'post /v1/actions/{id}/approve': { path: `/v1/actions/${missingId}/approve`, body: {} },
      'post /v1/actions/{id}/reject': { path: `/v1/actions/${missingId}/reject`, body: {} },
      'post /v1/chat': { body: { message: 'Hello' } },
      'post /v1/chat/completions': { body: { model: 'zantara', messages: [{ role: 'user', content: 'Hello' }] } },
      'get /v1/usage': { path: '/v1/usage?group_by=day' },
      'get /v1/events': { stream: true },
      'post /mcp': {
        body: { jsonrpc: '2.0', id: 1, method: 'ping' },
        headers: { accept: 'application/json, text/event-stream' },
      },
      'post /call': { body: { key: 'bali.zero.pricing', params: {} } },
      'post /call/batch': { body: { calls: [{ key: 'bali.zero.pricing' }, { key: 'no.such_handler' }] } },
      'get /webhooks/whatsapp': {
        path: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42',
      },
      'get /webhooks/instagram': {
        path: '/webhooks/instagram?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42',
      },
      'post /web/session': { body: { key: keys.admin } },
      'delete /web/session': {},
      'post /web/contact': { body: { name: 'Ana', email: 'ana@example.com' } },
      'post /webhooks/whatsapp': { body: webhookBody, headers: { 'x-hub-signature-256': signed(webhookBody) } },
      'post /webhooks/instagram': {
        body: '{"object":"instagram","entry":[]}',
        headers: { 'x-hub-signature-256': signed('{"object":"instagram","entry":[]}') },
      },
    };
    let checked = 0;
    for (const [path, operations] of Object.entries(admin.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const sample = samples[`${method} ${path}`] ?? {};
        const res = await rt.request(sample.path ?? path, {
          method: method.toUpperCase(),
          key: keys.admin,
          body: sample.body,
          headers: sample.headers,
        });
        const label = `${method.toUpperCase()} ${path} → ${res.status}`;
        assert.ok(String(res.status) in operation.responses, `${label} is not a documented status`);
        if (sample.stream) {
          assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/, label);
          await res.body?.cancel();
        } else if (res.status === 200 && (res.headers.get('content-type') ?? '').includes('application/json')) {
          const schema = documentedResponse(path, method, 200);
          const body = await res.json();
          if (schema) {
            const parsed = schema.safeParse(body);
            assert.ok(parsed.success, `${label}: ${parsed.error?.message}`);
          }
        } else await res.arrayBuffer();
        checked++;
      }
    }
    assert.ok(checked >= 25, `checked ${checked} operations`);
  });
});

describe('/docs', () => {
  it('serves Swagger UI from the installed package with no inline script and a strict CSP', async () => {
    const page = await rt.request('/docs');
    assert.equal(page.status, 200);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length >= 2);
    for (const [, attributes, body] of scripts) {
      assert.match(attributes, /src="\/docs\//);
      assert.equal(body.trim(), '', 'no inline script');
    }
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    for (const asset of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs/init.js']) {
      const res = await rt.request(asset);
      assert.equal(res.status, 200, asset);
      assert.ok((await res.text()).length > 100, asset);
    }
    assert.equal((await rt.request('/docs/package.json')).status, 404);
  });
});
