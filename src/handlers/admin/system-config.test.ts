import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createTestPglite, type TestStore } from '../../testing/test-stores.ts';
import { createTestRuntime, type TestRuntime } from '../../testing/test-runtime.ts';
import { redactValue, REDACTED } from './system-config.ts';

// Fake secrets: each must never appear in the answer. The PEM markers are assembled at run time so the source
// never contains something that looks like a real key.
const PEM = (edge: 'BEGIN' | 'END') => `-----${edge} ${'PRIVATE'} KEY-----`;
const SECRETS = {
  ANTHROPIC_API_KEY: 'fake-anthropic-0123456789abcdef',
  WHATSAPP_ACCESS_TOKEN: 'EAAGfakeWhatsappToken42',
  META_APP_SECRET: 'metasecret-fake',
  SMTP_PASSWORD: 'hunter2-smtp',
  REDIS_URL: 'redis://default:redispass-fake@127.0.0.1:6379/0',
  ZANTARA_ADMIN_KEY: 'zt_fakeadminkey_abcdefghijklmnop',
  GOOGLE_SERVICE_ACCOUNT_JSON: JSON.stringify({
    type: 'service_account',
    private_key: `${PEM('BEGIN')}\nMIIfake\n${PEM('END')}\n`,
  }),
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/fakeWebhookSecretPart123456789abc',
  WHATSAPP_BASE_URL: 'https://graph.example.test/v21.0?access_token=tok-fake-in-query',
};

let store: TestStore;
let rt: TestRuntime;
before(async () => {
  store = await createTestPglite();
  rt = await createTestRuntime({
    store,
    env: {
      ...SECRETS,
      WHATSAPP_PHONE_NUMBER_ID: '1234567890',
      ZANTARA_SANDBOX: '1',
      ZANTARA_RATE_LIMITS: 'read=100/60,write=10/60',
      PATH: '/usr/bin',
      HOME: '/root',
    },
  });
});
after(async () => {
  await rt.close();
  await store.close();
});

describe('system.config', () => {
  it('reports what is configured and never prints a secret', async () => {
    const admin = (await rt.key('admin')).key;
    const res = await rt.request('/call', { key: admin, body: { key: 'system.config' } });
    assert.equal(res.status, 200);
    const text = await res.text();
    for (const [name, secret] of Object.entries(SECRETS)) {
      for (const fragment of [
        secret,
        'redispass-fake',
        'hunter2',
        'fakeWebhookSecretPart',
        'tok-fake-in-query',
        'MIIfake',
      ]) {
        assert.equal(text.includes(fragment) && secret.includes(fragment), false, `${name} leaked`);
      }
    }
    const data = JSON.parse(text).data;
    assert.equal(data.sandbox, true);
    assert.equal(data.store.kind, 'pglite');
    assert.deepEqual(data.rate_limits.classes.write, { requests: 10, per_seconds: 60 });
    assert.equal(data.rate_limits.shared_via_redis, true);
    const find = (list: any[], name: string) => list.find((i: any) => i.name === name);
    assert.equal(find(data.channels, 'whatsapp').configured, true);
    assert.equal(find(data.channels, 'email').configured, false);
    assert.equal(find(data.providers, 'anthropic').configured, true);
    assert.equal(find(data.providers, 'groq').configured, false);
    // The fake service-account JSON is not a valid key: reported as a problem, without the key.
    assert.equal(find(data.services, 'google_workspace').configured, false);
    assert.equal(find(data.services, 'redis').configured, true);
    assert.equal(find(data.services, 'utility_model').model, 'anthropic:claude-haiku-4-5');
    const variables = Object.fromEntries(data.variables.map((v: any) => [v.name, v.value]));
    assert.equal(variables.ANTHROPIC_API_KEY, REDACTED);
    assert.equal(variables.REDIS_URL, 'redis://default:***@127.0.0.1:6379/0');
    assert.equal(variables.WHATSAPP_PHONE_NUMBER_ID, '1234567890');
    assert.equal(variables.WHATSAPP_BASE_URL, 'https://graph.example.test/v21.0?access_token=***');
    assert.equal(variables.PATH, undefined);
  });

  it('is for admins only', async () => {
    const staff = (await rt.key('staff')).key;
    const res = await rt.request('/call', { key: staff, body: { key: 'system.config' } });
    assert.equal(res.status, 403);
  });
});

describe('redactValue', () => {
  it('redacts by name, by look and inside URLs, and keeps plain settings', () => {
    assert.equal(redactValue('STRIPE_SECRET', 'abc'), REDACTED);
    assert.equal(redactValue('SOME_PASSWORD', 'x'), REDACTED);
    assert.equal(
      redactValue('ZANTARA_SLACK_CHANNELS', 'ops=C0123ABC,standup=https://hooks.example.test/services/T0/B0/abcdefgh'),
      REDACTED,
    );
    assert.equal(redactValue('ZANTARA_SLACK_CHANNELS', 'ops=C0123ABC,alerts=#alerts'), 'ops=C0123ABC,alerts=#alerts');
    assert.equal(redactValue('CUSTOM_SETTING', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl'), REDACTED);
    assert.equal(
      redactValue('DATABASE_URL', 'postgres://app:pw-secret@db:5432/zantara'),
      'postgres://app:***@db:5432/zantara',
    );
    assert.equal(redactValue('DATABASE_URL', 'postgres://db:5432/zantara'), 'postgres://db:5432/zantara');
    assert.equal(redactValue('CUSTOM_BLOB', `${PEM('BEGIN')}\nMIIfake\n${PEM('END')}`), REDACTED);
    assert.equal(redactValue('LOG_LEVEL', 'info'), 'info');
  });
});
