import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { startFakeGoogle, type FakeGoogle } from '../../testing/fake-google/fake-google.ts';
import { handlers as workspaceHandlers } from '../../handlers/workspace/index.ts';
import type { AnyHandler } from '../../handlers/handler.ts';
import { createGoogleAuth } from './google-auth.ts';
import { loadGoogleConfig } from './google-config.ts';

const DOMAIN = 'balizero.test';
const DEFAULT_USER = `info@${DOMAIN}`;
const handlers = workspaceHandlers as AnyHandler[];

let store: TestStore;
let google: FakeGoogle;
const runtimes: TestRuntime[] = [];

async function runtime(env: Record<string, string>): Promise<{ rt: TestRuntime; staff: string }> {
  const rt = await createTestRuntime({ store, handlers, env });
  runtimes.push(rt);
  return { rt, staff: (await rt.key('staff')).key };
}

async function call(rt: TestRuntime, key: string, handler: string, params: Record<string, unknown>) {
  const res = await rt.request('/call', { key, body: { key: handler, params } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, any> };
}

const inboxMail = (to: string, subject: string) =>
  `From: client@example.com\r\nTo: ${to}\r\nSubject: ${subject}\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\nBody of ${subject}`;

before(async () => {
  store = await createTestPglite();
  google = await startFakeGoogle();
  google.gmail.add(DEFAULT_USER, inboxMail(DEFAULT_USER, 'For info'));
  google.gmail.add(`adit@${DOMAIN}`, inboxMail(`adit@${DOMAIN}`, 'For Adit'));
  google.gmail.add(google.oauthUser, inboxMail(google.oauthUser, 'For the OAuth owner'));
});

after(async () => {
  for (const rt of runtimes) await rt.close();
  await store.close();
  await google.close();
});

beforeEach(() => {
  google.http.requests.length = 0;
  google.token.delegatedUsers = undefined;
});

describe('service account with domain-wide delegation', () => {
  it("signs a JWT-bearer assertion the token endpoint verifies, then reads the default user's mailbox", async () => {
    const { rt, staff } = await runtime(google.serviceAccountEnv(DEFAULT_USER, DOMAIN));
    const res = await call(rt, staff, 'gmail.list', {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.data.messages.map((m: { subject: string }) => m.subject),
      ['For info'],
    );
    const grant = google.token.grants.at(-1)!;
    assert.equal(grant.grant, 'jwt_bearer');
    assert.equal(grant.user, DEFAULT_USER);
    assert.match(grant.scope, /gmail\.readonly/);
    // The API saw the bearer token the fake issued, and one token request served two API calls.
    const api = google.http.calls('/gmail/v1/');
    assert.ok(api.every((r) => r.headers.authorization === `Bearer ${grant.token}`));
    assert.equal(google.http.calls('/token').length, 1);
  });

  it('a key the token endpoint does not trust is refused: 502 google_auth_failed, no data', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const forged = JSON.stringify({ ...JSON.parse(google.serviceAccountJson), private_key: privateKey });
    const { rt, staff } = await runtime({
      ...google.serviceAccountEnv(DEFAULT_USER, DOMAIN),
      GOOGLE_SERVICE_ACCOUNT_JSON: forged,
    });
    const res = await call(rt, staff, 'gmail.list', {});
    assert.equal(res.status, 502);
    assert.equal(res.body.error, 'google_auth_failed');
    assert.match(res.body.message, /Invalid JWT Signature/);
    assert.equal(google.http.calls('/gmail/v1/').length, 0);
  });

  it('staff may act as another user of the domain with as_user', async () => {
    const { rt, staff } = await runtime(google.serviceAccountEnv(DEFAULT_USER, DOMAIN));
    const res = await call(rt, staff, 'gmail.search', { query: 'Adit', as_user: `Adit@${DOMAIN}` });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.data.mailbox, `adit@${DOMAIN}`);
    assert.deepEqual(
      res.body.data.messages.map((m: { subject: string }) => m.subject),
      ['For Adit'],
    );
    assert.equal(google.token.grants.at(-1)!.user, `adit@${DOMAIN}`);
  });

  it('as_user outside the Workspace domain is refused before any token is asked for', async () => {
    const { rt, staff } = await runtime(google.serviceAccountEnv(DEFAULT_USER, DOMAIN));
    for (const outsider of ['boss@gmail.com', `x@evil${DOMAIN}`, `x@sub.${DOMAIN}`]) {
      const res = await call(rt, staff, 'gmail.list', { as_user: outsider });
      assert.equal(res.status, 403, outsider);
      assert.equal(res.body.error, 'impersonation_not_allowed');
    }
    assert.equal(google.http.requests.length, 0);
  });

  it('as_user is disabled when no Workspace domain is configured', async () => {
    const { rt, staff } = await runtime(google.serviceAccountEnv(DEFAULT_USER));
    const res = await call(rt, staff, 'gmail.list', { as_user: `adit@${DOMAIN}` });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'impersonation_not_allowed');
  });

  it("delegation not granted for a user: Google's unauthorized_client becomes 502 google_auth_failed", async () => {
    google.token.delegatedUsers = (user) => user === DEFAULT_USER;
    const { rt, staff } = await runtime(google.serviceAccountEnv(DEFAULT_USER, DOMAIN));
    const res = await call(rt, staff, 'calendar.list', { as_user: `dea@${DOMAIN}` });
    assert.equal(res.status, 502);
    assert.equal(res.body.error, 'google_auth_failed');
    assert.match(res.body.message, /unauthorized_client/);
  });

  it('clients never reach Workspace handlers', async () => {
    const { rt } = await runtime(google.serviceAccountEnv(DEFAULT_USER, DOMAIN));
    const { key } = await rt.key('client');
    for (const handler of ['gmail.list', 'calendar.list', 'drive.search']) {
      const res = await call(rt, key, handler, handler === 'drive.search' ? { query: 'x' } : {});
      assert.equal(res.status, 403, handler);
    }
    assert.equal(google.http.requests.length, 0);
  });
});

describe('tokens', () => {
  it('parallel calls needing a token share one token request, and the token is reused until it nears expiry', async () => {
    const config = loadGoogleConfig(google.serviceAccountEnv(DEFAULT_USER, DOMAIN));
    assert.equal(config.mode, 'service_account');
    const auth = createGoogleAuth(config as Exclude<typeof config, { mode: 'none' }>, DEFAULT_USER);
    const before = google.token.grants.length;
    const tokens = await Promise.all([auth.getAccessToken(), auth.getAccessToken(), auth.getAccessToken()]);
    assert.equal(google.token.grants.length, before + 1);
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
    await auth.getAccessToken();
    assert.equal(google.token.grants.length, before + 1);
  });

  it('a service account key that is not JSON is a configuration error naming the variable', async () => {
    const { rt, staff } = await runtime({
      ...google.serviceAccountEnv(DEFAULT_USER, DOMAIN),
      GOOGLE_SERVICE_ACCOUNT_JSON: '{not json',
    });
    const res = await call(rt, staff, 'gmail.list', {});
    assert.equal(res.status, 500);
    assert.equal(res.body.error, 'invalid_config');
    assert.match(res.body.message, /GOOGLE_SERVICE_ACCOUNT_JSON/);
  });
});

describe('OAuth refresh token', () => {
  it("exchanges the refresh token at the token endpoint and reads that user's mailbox", async () => {
    const { rt, staff } = await runtime(google.oauthEnv());
    const res = await call(rt, staff, 'gmail.list', {});
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.data.messages.map((m: { subject: string }) => m.subject),
      ['For the OAuth owner'],
    );
    assert.equal(google.token.grants.at(-1)!.grant, 'refresh_token');
    const form = new URLSearchParams(google.http.calls('/token').at(-1)!.body);
    assert.equal(form.get('grant_type'), 'refresh_token');
    assert.equal(form.get('client_id'), google.token.oauth!.clientId);
  });

  it('a revoked refresh token gives 502 google_auth_failed', async () => {
    const { rt, staff } = await runtime({ ...google.oauthEnv(), GOOGLE_OAUTH_REFRESH_TOKEN: '1//revoked' });
    const res = await call(rt, staff, 'gmail.list', {});
    assert.equal(res.status, 502);
    assert.equal(res.body.error, 'google_auth_failed');
    assert.match(res.body.message, /invalid_grant/);
  });

  it('as_user cannot impersonate with a refresh token: 422 impersonation_unavailable', async () => {
    const { rt, staff } = await runtime({ ...google.oauthEnv(), GOOGLE_WORKSPACE_DOMAIN: DOMAIN });
    const res = await call(rt, staff, 'gmail.list', { as_user: `adit@${DOMAIN}` });
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'impersonation_unavailable');
  });

  it('a token Google stops accepting is refreshed once and the call succeeds', async () => {
    const { rt, staff } = await runtime(google.oauthEnv());
    assert.equal((await call(rt, staff, 'gmail.list', { max_results: 1 })).status, 200);
    google.token.revokeAll();
    const grantsBefore = google.token.grants.length;
    const res = await call(rt, staff, 'gmail.list', { max_results: 1 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(google.token.grants.length, grantsBefore + 1);
  });
});

describe('not configured', () => {
  it('every Workspace read and write answers 503 integration_not_configured, never data', async () => {
    const { rt, staff } = await runtime({});
    for (const handler of handlers.filter((h) => h.key !== 'gmail.send')) {
      const res = await call(rt, staff, handler.key, handler.examples[0].params);
      assert.equal(res.status, 503, `${handler.key}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error, 'integration_not_configured', handler.key);
      assert.match(res.body.message, /GOOGLE_SERVICE_ACCOUNT_JSON/);
      assert.equal(res.body.data, undefined);
    }
  });

  it('a half-configured OAuth setup says what is missing', async () => {
    const { rt, staff } = await runtime({ GOOGLE_OAUTH_CLIENT_ID: 'x.apps.googleusercontent.com' });
    const res = await call(rt, staff, 'calendar.list', {});
    assert.equal(res.status, 503);
    assert.match(res.body.message, /GOOGLE_OAUTH_REFRESH_TOKEN/);
  });

  it('a service account without a user to act as answers 503 naming GOOGLE_IMPERSONATE_USER', async () => {
    const env: Record<string, string> = google.serviceAccountEnv(DEFAULT_USER, DOMAIN);
    delete env.GOOGLE_IMPERSONATE_USER;
    const { rt, staff } = await runtime(env);
    const res = await call(rt, staff, 'drive.list', {});
    assert.equal(res.status, 503);
    assert.match(res.body.message, /GOOGLE_IMPERSONATE_USER/);
  });
});

describe('Google errors become ZANTARA errors', () => {
  let rt: TestRuntime;
  let staff: string;
  before(async () => ({ rt, staff } = await runtime(google.serviceAccountEnv(DEFAULT_USER, DOMAIN))));

  it('429 → 429 rate_limited with Retry-After, and no hidden retries underneath', async () => {
    google.http.failNext({ pathIncludes: '/calendar/v3/', status: 429, retryAfter: '17' });
    const res = await call(rt, staff, 'calendar.list', {});
    assert.equal(res.status, 429);
    assert.equal(res.body.error, 'rate_limited');
    assert.equal(res.body.retry_after_seconds, 17);
    assert.equal(res.headers.get('retry-after'), '17');
    assert.equal(google.http.calls('/calendar/v3/').length, 1);
  });

  it('500 → 502 google_unavailable, tried once', async () => {
    google.http.failNext({ pathIncludes: '/drive/v3/files', status: 500 });
    const res = await call(rt, staff, 'drive.list', {});
    assert.equal(res.status, 502);
    assert.equal(res.body.error, 'google_unavailable');
    assert.equal(google.http.calls('/drive/v3/files').length, 1);
  });

  it('404 → 404 google_not_found', async () => {
    const res = await call(rt, staff, 'gmail.read', { message_id: 'does-not-exist' });
    assert.equal(res.status, 404);
    assert.equal(res.body.error, 'google_not_found');
  });

  it('403 → 403 google_forbidden', async () => {
    google.http.failNext({
      pathIncludes: '/v1/documents/',
      status: 403,
      message: 'The caller does not have permission',
      times: 2,
    });
    const res = await call(rt, staff, 'docs.read', { document_id: '1AbCdEfGhIjKlMnOp' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error, 'google_forbidden');
    assert.match(res.body.message, /does not have permission/);
  });

  it('401 that survives a fresh token → 502 google_auth_failed', async () => {
    google.http.failNext({ pathIncludes: '/v1/people', status: 401, times: 2 });
    const res = await call(rt, staff, 'contacts.list', {});
    assert.equal(res.status, 502);
    assert.equal(res.body.error, 'google_auth_failed');
  });

  it("400 from Google → 422 google_invalid_request with Google's reason", async () => {
    const res = await call(rt, staff, 'sheets.read', {
      spreadsheet_id: google.sheets.add('Leads', { Leads: [['a']] }),
      range: 'Nope!A1:B2',
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'google_invalid_request');
    assert.match(res.body.message, /Unable to parse range/);
  });
});
