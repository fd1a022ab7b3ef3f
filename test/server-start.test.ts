// End to end: `npm start`'s entry point on a fresh data directory, as a newcomer runs it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardChild, killGuardedChildren } from '../src/testing/child-guard.ts';
import { createTestPglite } from '../src/testing/test-stores.ts';

const main = new URL('../src/main.ts', import.meta.url).pathname;
const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zantara-start-'));
  dirs.push(dir);
  return dir;
}
/** A data directory holding a clone of the migrated test template: for cases that are not about the first migration. */
async function migratedDir(): Promise<string> {
  const dir = freshDir();
  await (await createTestPglite(dir)).close();
  return dir;
}
// Whatever happens in a test, no server outlives this file: a child left running would keep the runner waiting forever.
after(() => {
  killGuardedChildren();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const START_TIMEOUT_MS = 60_000;

function start(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = guardChild(
    spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        ZANTARA_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ...env,
      },
    }),
  );
  let output = '';
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "listening" line within ${START_TIMEOUT_MS} ms: ${output}`));
    }, START_TIMEOUT_MS);
    const onData = (d: Buffer) => {
      output += d;
      // The server writes its banner (the admin key first, when one was created) and the listening line in one write.
      const url = output.match(/listening on (http:\/\/[\d.:]+) \(store: \w+\)\n/)?.[1];
      if (url) {
        clearTimeout(timeout);
        resolve({ child, url, output: () => output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timeout);
      reject(new Error(`exited ${code}: ${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('npm start', { timeout: 180_000 }, () => {
  it('starts on an empty data dir, prints an admin key once, serves /call, and keeps data across restarts', async () => {
    const dataDir = freshDir();
    const first = await start(dataDir);
    const key = first.output().match(/\b(zt_[A-Za-z0-9_-]{40,})\b/)?.[1];
    assert.ok(key, first.output());
    assert.equal((await (await fetch(`${first.url}/health`)).json()).status, 'ok');
    const created = await fetch(`${first.url}/call`, {
      method: 'POST',
      headers: { 'x-api-key': key!, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'keys.create', params: { role: 'staff', name: 'Reception' } }),
    });
    assert.equal(created.status, 200);
    assert.equal(await stop(first.child), 0);

    const second = await start(dataDir);
    assert.doesNotMatch(second.output(), /First start/);
    const list = await fetch(`${second.url}/call`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'keys.list' }),
    });
    const names = (await list.json()).data.keys.map((k: { name: string }) => k.name);
    assert.ok(names.includes('Reception'));
    assert.equal(await stop(second.child), 0);
  });

  it('uses ZANTARA_ADMIN_KEY when set and refuses a weak one', async () => {
    const adminKey = `zt_${'k'.repeat(40)}`;
    const dataDir = await migratedDir();
    const run = await start(dataDir, { ZANTARA_ADMIN_KEY: adminKey });
    assert.doesNotMatch(run.output(), /First start/);
    const res = await fetch(`${run.url}/call`, {
      method: 'POST',
      headers: { 'x-api-key': adminKey, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'keys.list' }),
    });
    assert.equal(res.status, 200);
    assert.equal(await stop(run.child), 0);
    await assert.rejects(
      start(await migratedDir(), { ZANTARA_ADMIN_KEY: 'short' }),
      /ZANTARA_ADMIN_KEY: must be at least 24 characters/,
    );
  });
});
