// End to end: `npm start`'s entry point on a fresh data directory, as a newcomer runs it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = new URL('../src/main.ts', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'zantara-start-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function start(env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [main], { env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ZANTARA_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env } });
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const url = output.match(/listening on (http:\/\/[\d.:]+)/)?.[1];
      const done = url && (!/First start/.test(output) || /zt_\S+/.test(output.split('First start')[1] ?? ''));
      if (url && done) { clearInterval(timer); resolve({ child, url, output: () => output }); }
    }, 50);
    child.once('exit', (code) => { clearInterval(timer); reject(new Error(`exited ${code}: ${output}`)); });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => { child.once('exit', (code) => resolve(code)); child.kill('SIGTERM'); });
}

describe('npm start', () => {
  it('starts on an empty data dir, prints an admin key once, serves /call, and keeps data across restarts', async () => {
    const first = await start();
    const key = first.output().match(/\b(zt_[A-Za-z0-9_-]{40,})\b/)?.[1];
    assert.ok(key, first.output());
    assert.equal((await (await fetch(`${first.url}/health`)).json()).status, 'ok');
    const created = await fetch(`${first.url}/call`, { method: 'POST', headers: { 'x-api-key': key!, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'keys.create', params: { role: 'staff', name: 'Reception' } }) });
    assert.equal(created.status, 200);
    assert.equal(await stop(first.child), 0);

    const second = await start();
    assert.doesNotMatch(second.output(), /First start/);
    const list = await fetch(`${second.url}/call`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ key: 'keys.list' }) });
    const names = (await list.json()).data.keys.map((k: { name: string }) => k.name);
    assert.ok(names.includes('Reception'));
    assert.equal(await stop(second.child), 0);
  });

  it('uses ZANTARA_ADMIN_KEY when set and refuses a weak one', async () => {
    const adminKey = `zt_${'k'.repeat(40)}`;
    const run = await start({ ZANTARA_ADMIN_KEY: adminKey });
    assert.doesNotMatch(run.output(), /First start/);
    const res = await fetch(`${run.url}/call`, { method: 'POST', headers: { 'x-api-key': adminKey, 'content-type': 'application/json' }, body: JSON.stringify({ key: 'keys.list' }) });
    assert.equal(res.status, 200);
    await stop(run.child);
    await assert.rejects(start({ ZANTARA_ADMIN_KEY: 'short' }), /ZANTARA_ADMIN_KEY: must be at least 24 characters/);
  });
});
