// End to end: a route that names a provider without credentials stops `npm start` with one clear line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { guardChild, killGuardedChildren } from '../src/testing/child-guard.ts';

const dir = mkdtempSync(join(tmpdir(), 'zantara-config-start-'));
after(() => {
  killGuardedChildren();
  rmSync(dir, { recursive: true, force: true });
});

test('a route naming a provider without credentials: exit 1 and one line naming it', { timeout: 120_000 }, async () => {
  writeFileSync(join(dir, 'zantara.config.yaml'), 'routing: { mode: single, chain: [groq] }\n');
  const child = guardChild(
    spawn(process.execPath, [new URL('../src/main.ts', import.meta.url).pathname], {
      env: {
        PATH: process.env.PATH,
        PORT: '0',
        HOST: '127.0.0.1',
        ZANTARA_DATA_DIR: join(dir, 'data'),
        ZANTARA_CONFIG: join(dir, 'zantara.config.yaml'),
        LOG_LEVEL: 'warn',
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
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 1);
  assert.doesNotMatch(stdout, /listening/);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0], /^zantara: Invalid orchestrator config .*routing names providers without credentials: groq/);
});
