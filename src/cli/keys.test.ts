import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestPglite } from '../testing/test-stores.ts';
import { runCli } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'zantara-cli-'));
// The CLI's data directory starts as a clone of the migrated test template (no initdb in the test).
before(async () => {
  await (await createTestPglite(dir)).close();
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env: { ZANTARA_DATA_DIR: dir, NODE_ENV: 'test' },
    isTTY: false,
  });
  return { code, out, err };
}

describe('zantara keys', () => {
  it('creates (printing the key once), lists without the key, and revokes', async () => {
    const created = await cli('keys', 'create', '--role', 'staff', '--name', 'Tax team');
    assert.equal(created.code, 0, created.err);
    const key = created.out.match(/zt_[A-Za-z0-9_-]+/)?.[0];
    const id = created.out.match(/key ([0-9a-f-]{36})/)?.[1];
    assert.ok(key && id, created.out);
    const listed = await cli('keys', 'list');
    assert.match(listed.out, /staff\s+zt_\S+…\s+Tax team/);
    assert.ok(!listed.out.includes(key!), 'the list never shows a key');
    const json = await cli('keys', 'list', '--json');
    const listed2 = JSON.parse(json.out) as Array<{ id: string; role: string; name: string }>;
    assert.deepEqual(
      listed2.map((k) => [k.id, k.role, k.name]),
      [[id, 'staff', 'Tax team']],
    );
    assert.ok(!json.out.includes(key!), 'the JSON list never shows a key');
    // util.parseArgs keeps everything after the first '=' (the hand-written parser dropped it after a second one).
    const eq = await cli('keys', 'create', '--role=client', '--name=a=b=c');
    assert.match(eq.out, /for "a=b=c"/);
    assert.equal((await cli('keys', 'revoke', eq.out.match(/key ([0-9a-f-]{36})/)![1])).code, 0);
    assert.equal((await cli('keys', 'revoke', id!)).code, 0);
    assert.doesNotMatch((await cli('keys', 'list')).out, /Tax team/);
    assert.match((await cli('keys', 'list', '--all')).out, /Tax team.*revoked/);
  });

  it('explains bad usage with a non-zero exit', async () => {
    const bad = await cli('keys', 'create', '--role', 'owner', '--name', 'x');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /--role must be one of admin, staff, client/);
    const unknown = await cli('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command/);
    const missing = await cli('keys', 'revoke', '3f1c2a4e-1b2c-4d5e-8f90-123456789abc');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /No API key with id/);
  });
});
