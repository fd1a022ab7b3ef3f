// End to end: every start-up mistake a newcomer can make stops `npm start`'s entry point with one clear line and exit 1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { guardChild, killGuardedChildren } from '../src/testing/child-guard.ts';
import { createTestPglite } from '../src/testing/test-stores.ts';

const root = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'zantara-start-errors-'));
const dataDir = join(dir, 'data');
let busy: Server;
let busyPort: number;

before(async () => {
  // A migrated data directory cloned from the test template, so the servers below get to listen() in seconds.
  await (await createTestPglite(dataDir)).close();
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  busyPort = (busy.address() as { port: number }).port;
});
after(() => {
  killGuardedChildren();
  busy?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `node src/main.ts` until it exits; its stdout and stderr. */
function start(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = guardChild(
    spawn(process.execPath, [join(root, 'src/main.ts')], {
      cwd: dir,
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
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

function assertOneLine(result: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.stdout, '');
  const lines = result.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(lines[0], /\bat \S+:\d+/); // no stack frame
}

describe('start-up mistakes', { timeout: 240_000 }, () => {
  it('an unknown LOG_LEVEL', async () => {
    assertOneLine(
      await start({ LOG_LEVEL: 'verbose' }),
      /^zantara: Invalid configuration: LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent$/,
    );
  });

  it('a ZANTARA_CONFIG file that does not exist', async () => {
    assertOneLine(
      await start({ ZANTARA_CONFIG: 'nowhere.yaml' }),
      /^zantara: ZANTARA_CONFIG points to .*nowhere\.yaml, which does not exist\.$/,
    );
  });

  it('a HOST that is not an address', async () => {
    assertOneLine(
      await start({ HOST: '999.1.1.1' }),
      /^zantara: Cannot listen on 999\.1\.1\.1:0: (ENOTFOUND|EAI_AGAIN|EADDRNOTAVAIL) \(HOST .*\)\.$/,
    );
  });

  it('a fact file that is not valid YAML', async () => {
    const knowledge = join(dir, 'knowledge');
    cpSync(join(root, 'knowledge'), knowledge, { recursive: true });
    writeFileSync(join(knowledge, 'visas.yaml'), 'visas: [C1, {code: E33G\n');
    assertOneLine(
      await start({ ZANTARA_KNOWLEDGE_DIR: knowledge }),
      /^zantara: The knowledge files are invalid: visas\.yaml: YAML syntax: /,
    );
  });

  it('a port another process listens on', async () => {
    assertOneLine(
      await start({ PORT: String(busyPort) }),
      new RegExp(`^zantara: Cannot listen on 127\\.0\\.0\\.1:${busyPort}: EADDRINUSE \\(another process`),
    );
  });
});

describe('an older Node', () => {
  // The machine's own Node, when it is older than the engines range (this project's CI machines ship Node 20).
  const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => existsSync(path));
  it('bin/require-node.js lets this Node through and stops an older one with one line naming the version needed', async () => {
    const run = (node: string) =>
      new Promise<{ code: number; stderr: string; version: string }>((resolve) => {
        execFile(node, ['-p', 'process.versions.node'], (_e, version) => {
          execFile(node, [join(root, 'bin/require-node.js')], (error, _out, stderr) =>
            resolve({ code: error ? Number(error.code) : 0, stderr, version: version.trim() }),
          );
        });
      });
    assert.equal((await run(process.execPath)).code, 0);
    if (!oldNode) return;
    const old = await run(oldNode);
    if (Number(old.version.split('.')[0]) >= 24) return;
    assert.equal(old.code, 1);
    assert.match(old.stderr, /^zantara: needs Node >=24 \(this is Node v\d+\.\d+\.\d+ at .*\); .*\n$/);
  });
});
