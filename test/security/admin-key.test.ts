/**
 * Finding 3 of the security review, and the first-start key: revoking the key given in ZANTARA_ADMIN_KEY must not
 * make the server unable to start with a stack that prints the key's hash; the first-start key goes to stderr and an
 * owner-only file, never to the JSON log on stdout.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { apiKeysService, hashKey } from '../../src/identity/api-keys.ts';
import { bootstrapAdmin } from '../../src/identity/bootstrap-admin.ts';
import { createTestPglite, createTestStores } from '../../src/testing/test-stores.ts';
import { guardChild, killGuardedChildren } from '../../src/testing/child-guard.ts';
import { createTestRuntime } from '../../src/testing/test-runtime.ts';

const main = new URL('../../src/main.ts', import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  killGuardedChildren();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const ADMIN_KEY = `zt_${'r'.repeat(40)}`;

describe('finding 3: a revoked ZANTARA_ADMIN_KEY', () => {
  test('stops the start with a clear error naming the variable, never a hash, on every store', async () => {
    for (const store of await createTestStores()) {
      const rt = await createTestRuntime({ store, env: { ZANTARA_ADMIN_KEY: ADMIN_KEY } });
      try {
        assert.deepEqual(await bootstrapAdmin(rt), { source: 'env' });
        const id = (
          await rt.store.query<{ id: string }>('SELECT id FROM api_keys WHERE key_hash = $1', [hashKey(ADMIN_KEY)])
        ).rows[0].id;
        await rt.service(apiKeysService).revoke(id);
        await assert.rejects(bootstrapAdmin(rt), (error: Error & { code?: string }) => {
          assert.equal(error.code, 'admin_key_revoked', store.kind);
          assert.match(error.message, /ZANTARA_ADMIN_KEY was revoked/);
          assert.ok(!error.message.includes(hashKey(ADMIN_KEY)) && !error.message.includes(ADMIN_KEY));
          return true;
        });
        // A second start with the variable still set gives the same answer: nothing was half-written.
        await assert.rejects(bootstrapAdmin(rt), /was revoked/);
      } finally {
        await rt.close();
        await store.close();
      }
    }
  });
});

type Run = { code: number | null; stdout: string; stderr: string };
function run(
  dataDir: string,
  env: Record<string, string>,
  untilListening: boolean,
): Promise<Run & { url?: string; stop(): Promise<void> }> {
  const child = guardChild(
    spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        ZANTARA_DATA_DIR: dataDir,
        LOG_LEVEL: 'info',
        ...env,
      },
    }),
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no start within 90 s: ${stdout}${stderr}`));
    }, 90_000);
    if (untilListening) {
      child.stdout!.on('data', () => {
        const url = stdout.match(/listening on (http:\/\/[\d.:]+)/)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve({ code: null, stdout, stderr, url, stop });
        }
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, stop });
    });
  });
}

describe('npm start and the admin key', { timeout: 240_000 }, () => {
  test('the first-start key is on stderr and in an owner-only file, not on stdout; a revoked env key is one line', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'zantara-admin-key-'));
    dirs.push(dataDir);
    // Cloned from the migrated test template: the first migration itself is covered by test/server-start.test.ts.
    await (await createTestPglite(dataDir)).close();
    const first = await run(dataDir, {}, true);
    const key = first.stderr.match(/\b(zt_[A-Za-z0-9_-]{40,})\b/)?.[1];
    assert.ok(key, first.stderr);
    assert.ok(!first.stdout.includes(key!), 'the key was written to stdout');
    const file = join(dataDir, 'admin-key.txt');
    assert.match(first.stderr, new RegExp(file.replaceAll('/', '\\/')));
    assert.equal(readFileSync(file, 'utf8').trim(), key);
    assert.equal(statSync(file).mode & 0o777, 0o600);

    // Register ZANTARA_ADMIN_KEY, then revoke it through the API, then start again with it.
    await first.stop();
    const second = await run(dataDir, { ZANTARA_ADMIN_KEY: ADMIN_KEY }, true);
    const post = (body: unknown) =>
      fetch(`${second.url}/call`, {
        method: 'POST',
        headers: { 'x-api-key': key!, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    const keys = (await post({ key: 'keys.list' })).data.keys as Array<{ id: string; name: string }>;
    const envKey = keys.find((k) => k.name === 'ZANTARA_ADMIN_KEY')!;
    assert.equal((await post({ key: 'keys.revoke', params: { id: envKey.id } })).ok, true);
    await second.stop();

    const third = await run(dataDir, { ZANTARA_ADMIN_KEY: ADMIN_KEY }, false);
    assert.equal(third.code, 1);
    const output = (third.stdout + third.stderr).trim();
    assert.match(output, /^zantara: The key in ZANTARA_ADMIN_KEY was revoked\. Remove the variable/);
    assert.equal(output.split('\n').length, 1, output);
    assert.ok(!output.includes(hashKey(ADMIN_KEY)) && !output.includes(ADMIN_KEY));
  });
});
