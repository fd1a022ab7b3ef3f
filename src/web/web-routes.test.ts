// The web app's server side through the HTTP app (no browser): pages and assets, sessions, CSRF, guests.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { apiKeysService } from '../identity/api-keys.ts';
import { createTestPglite, type TestStore } from '../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../testing/test-runtime.ts';

let store: TestStore;
const runtimes: TestRuntime[] = [];
before(async () => {
  store = await createTestPglite();
});
after(async () => {
  for (const rt of runtimes) await rt.close();
  await store.close();
});
beforeEach(() => store.reset());

async function runtime(env: Record<string, string> = {}): Promise<TestRuntime> {
  const rt = await createTestRuntime({ store, env: { LOG_LEVEL: 'silent', ...env } });
  runtimes.push(rt);
  return rt;
}

/** The `name=value` pairs of a response's Set-Cookie headers, and their attributes. */
function cookies(res: Response): Map<string, { value: string; attributes: string }> {
  const out = new Map<string, { value: string; attributes: string }>();
  for (const line of res.headers.getSetCookie()) {
    const [pair, ...rest] = line.split(';');
    const at = pair.indexOf('=');
    out.set(pair.slice(0, at).trim(), { value: pair.slice(at + 1), attributes: rest.join(';').trim() });
  }
  return out;
}

async function signIn(rt: TestRuntime, key: string, headers: Record<string, string> = {}) {
  const res = await rt.request('/web/session', { body: { key }, headers });
  const body = (await res.json()) as { csrf: string; principal: { role: string } };
  return { res, body, cookie: `zt_session=${cookies(res).get('zt_session')?.value}` };
}

describe('pages and assets', () => {
  test('serve the chat and the console with a CSP that allows no inline script, gzipped, with ETags', async () => {
    const rt = await runtime();
    for (const path of ['/', '/console']) {
      const res = await rt.request(path);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
      assert.equal(scriptSrc.trim(), "script-src 'self'");
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(await res.text(), /<script type="module" src="\/assets\/(chat|console)\.js"><\/script>/);
    }
    const marked = await rt.request('/vendor/marked.esm.js', { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(marked.headers.get('content-encoding'), 'gzip');
    const again = await rt.request('/vendor/marked.esm.js', {
      headers: { 'if-none-match': marked.headers.get('etag')! },
    });
    assert.equal(again.status, 304);
    const missing = await rt.request('/assets/nope.js');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: string }).error, 'not_found');
  });
});

describe('browser sessions', () => {
  test('an API key becomes an HttpOnly SameSite=Strict cookie; state changes need the CSRF token', async () => {
    const rt = await runtime();
    const { key } = await rt.key('admin');
    assert.equal((await rt.request('/web/session', { body: { key: 'zt_not-a-real-key-0000000000' } })).status, 401);
    const { res, body, cookie } = await signIn(rt, key);
    assert.equal(res.status, 200);
    const attributes = cookies(res).get('zt_session')!.attributes;
    assert.match(attributes, /HttpOnly/);
    assert.match(attributes, /SameSite=Strict/);
    assert.doesNotMatch(attributes, /Secure/);
    assert.match(
      cookies((await signIn(rt, key, { 'x-forwarded-proto': 'https' })).res).get('zt_session')!.attributes,
      /Secure/,
    );
    // Only a hash of the session id is stored.
    const { rows } = await store.query<{ id_hash: string }>('SELECT id_hash FROM web_sessions');
    assert.ok(rows.every((r) => !cookie.includes(r.id_hash)));

    assert.equal((await rt.request('/v1/actions', { headers: { cookie } })).status, 200);
    const call = { key: 'keys.create', params: { role: 'staff', name: 'Reception' } };
    const refused = await rt.request('/call', { body: call, headers: { cookie } });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { error: string }).error, 'csrf_failed');
    assert.equal(
      (await rt.request('/call', { body: call, headers: { cookie, 'x-csrf-token': 'forged' } })).status,
      403,
    );
    assert.equal(
      (await rt.request('/call', { body: call, headers: { cookie, 'x-csrf-token': body.csrf } })).status,
      200,
    );
  });

  test('roles still apply, revoking the key ends the session, and signing out forgets it', async () => {
    const rt = await runtime();
    const client = await rt.key('client');
    const session = await signIn(rt, client.key);
    assert.equal((await rt.request('/v1/usage', { headers: { cookie: session.cookie } })).status, 403);

    const staff = await rt.key('staff');
    const a = await signIn(rt, staff.key);
    assert.equal((await rt.request('/v1/usage', { headers: { cookie: a.cookie } })).status, 200);
    await rt.service(apiKeysService).revoke(staff.principal.keyId!);
    assert.equal((await rt.request('/v1/usage', { headers: { cookie: a.cookie } })).status, 401);

    const admin = await rt.key('admin');
    const b = await signIn(rt, admin.key);
    assert.equal((await rt.request('/web/session', { method: 'DELETE', headers: { cookie: b.cookie } })).status, 403);
    const out = await rt.request('/web/session', {
      method: 'DELETE',
      headers: { cookie: b.cookie, 'x-csrf-token': b.body.csrf },
    });
    assert.equal(out.status, 200);
    assert.match(cookies(out).get('zt_session')!.attributes, /Max-Age=0/);
    assert.equal((await rt.request('/v1/actions', { headers: { cookie: b.cookie } })).status, 401);
  });
});

describe('guests of the public chat', () => {
  test('off by default: no guest cookie, nothing reachable without a key', async () => {
    const rt = await runtime();
    const res = await rt.request('/web/session?guest=1');
    assert.deepEqual(await res.json(), { ok: true, signed_in: false, public_chat: false });
    assert.equal(cookies(res).size, 0);
  });

  test('a signed cookie per browser, read handlers only, no /call, a contact proposed for approval, strict limits', async () => {
    const rt = await runtime({ ZANTARA_PUBLIC_CHAT: '1', ZANTARA_GUEST_RATE: '2/600' });
    const res = await rt.request('/web/session?guest=1');
    const body = (await res.json()) as { csrf: string; principal: { id: string; role: string; guest: boolean } };
    assert.deepEqual({ role: body.principal.role, guest: body.principal.guest }, { role: 'client', guest: true });
    const guest = cookies(res).get('zt_guest')!;
    assert.match(guest.attributes, /HttpOnly/);
    assert.match(guest.attributes, /SameSite=Strict/);
    const cookie = `zt_guest=${guest.value}`;
    assert.equal((await rt.request('/v1/conversations', { headers: { cookie } })).status, 200);
    const stored = async () =>
      (await store.query('SELECT 1 FROM principals WHERE id = $1', [body.principal.id])).rows.length;
    assert.equal(await stored(), 0, 'opening the page stores nothing');
    const tampered = `zt_guest=${guest.value.replace(/^.{8}/, '00000000')}`;
    assert.equal((await rt.request('/v1/conversations', { headers: { cookie: tampered } })).status, 401);
    assert.equal(
      (await rt.request('/call', { body: { key: 'team.list' }, headers: { cookie, 'x-csrf-token': body.csrf } }))
        .status,
      401,
    );
    const offered = rt.registry.listFor({ id: body.principal.id, role: 'client', name: 'guest', via: 'guest' });
    assert.ok(offered.length > 0 && offered.every((h) => h.effect === 'read'));
    assert.ok(
      rt.registry
        .listFor({ id: body.principal.id, role: 'client', name: 'client', via: 'api_key' })
        .some((h) => h.effect !== 'read'),
    );

    const send = (contact: Record<string, unknown>, token = body.csrf) =>
      rt.request('/web/contact', { body: contact, headers: { cookie, 'x-csrf-token': token } });
    assert.equal((await send({ name: 'Ana', email: 'ana@example.com' }, 'forged')).status, 403);
    const bad = await send({ name: 'Ana' });
    assert.equal(bad.status, 400);
    const ok = await send({ name: 'Ana', email: 'ana@example.com', message: 'KITAS please' });
    assert.equal(ok.status, 200);
    assert.equal(await stored(), 1);
    const { rows } = await store.query<{ handler_key: string; principal_id: string; status: string }>(
      'SELECT handler_key, principal_id, status FROM pending_actions',
    );
    assert.deepEqual(rows, [{ handler_key: 'lead.save', principal_id: body.principal.id, status: 'pending' }]);
    const limited = await send({ name: 'Ana', email: 'ana@example.com' });
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });

  test('the signing secret is generated once and kept in the store; a short ZANTARA_SESSION_SECRET stops the start', async () => {
    const first = await runtime({ ZANTARA_PUBLIC_CHAT: '1' });
    const cookie = `zt_guest=${cookies(await first.request('/web/session?guest=1')).get('zt_guest')!.value}`;
    const second = await runtime({ ZANTARA_PUBLIC_CHAT: '1' });
    assert.equal((await second.request('/v1/conversations', { headers: { cookie } })).status, 200);
    const { rows } = await store.query<{ value: string }>(
      `SELECT value FROM server_settings WHERE name = 'web_session_secret'`,
    );
    assert.equal(rows.length, 1);
    assert.ok(rows[0].value.length >= 43);
    await assert.rejects(runtime({ ZANTARA_SESSION_SECRET: 'short' }), /ZANTARA_SESSION_SECRET/);
  });
});
