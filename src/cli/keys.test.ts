import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'zantara-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => { out += t; }, err: (t) => { err += t; }, env: { ZANTARA_DATA_DIR: dir, NODE_ENV: 'test' }, isTTY: false });
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
    assert.match(unknown.err, /Unknown command/);
    const missing = await cli('keys', 'revoke', '3f1c2a4e-1b2c-4d5e-8f90-123456789abc');
    assert.equal(missing.code, 1);
    assert.match(missing.err, /No API key with id/);
  });
});
