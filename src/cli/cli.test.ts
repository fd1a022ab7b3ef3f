// The CLI as a newcomer meets it: help for every command without side effects, version, errors, colour.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { version } from '../version.ts';
import { runCli } from './main.ts';

const dir = mkdtempSync(join(tmpdir(), 'zantara-cli-help-'));
const dataDir = join(dir, 'data');
after(() => rmSync(dir, { recursive: true, force: true }));

async function cli(argv: string[], options: { isTTY?: boolean; env?: Record<string, string> } = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env: { ZANTARA_DATA_DIR: dataDir, NODE_ENV: 'test', ...options.env },
    isTTY: options.isTTY ?? false,
  });
  return { code, out, err };
}

const ALL = [
  ['keys', 'create'],
  ['keys', 'list'],
  ['keys', 'revoke'],
  ['chat'],
  ['eval', 'tools'],
  ['kb', 'ingest'],
  ['kb', 'remove'],
  ['kb', 'import-kbli'],
  ['events'],
  ['mcp'],
];

describe('zantara CLI', () => {
  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-v'])
      assert.deepEqual(await cli([flag]), { code: 0, out: `zantara ${version}\n`, err: '' });
  });

  it('--help lists every command in aligned columns', async () => {
    const { code, out } = await cli(['--help']);
    assert.equal(code, 0);
    for (const words of ALL) assert.match(out, new RegExp(`^  ${words.join(' ')} +\\S`, 'm'));
    const columns = out
      .split('\n')
      .filter((l) => /^ {2}(keys|chat|eval|kb|events)/.test(l))
      .map((l) => l.search(/(?<=\S {2,})\S/));
    assert.equal(new Set(columns).size, 1, out);
  });

  it('every command answers -h and --help with its usage and options, and touches nothing', async () => {
    for (const words of ALL) {
      for (const flag of ['--help', '-h']) {
        const { code, out, err } = await cli([...words, flag]);
        assert.equal(code, 0, err);
        assert.match(out, new RegExp(`^Usage: zantara ${words.join(' ')}`));
        assert.match(out, /-h, --help +Show this help/);
      }
    }
    // `chat --help` would otherwise open a chat, `keys list --help` a database in ./data.
    assert.equal(existsSync(dataDir), false, 'help created the data directory');
    assert.match((await cli(['chat', '--message', 'hi', '--help'])).out, /--conversation ID/);
    assert.equal(existsSync(dataDir), false);
  });

  it('a group word alone lists its commands; "did you mean" for a typo; an unknown option names the command', async () => {
    const group = await cli(['kb']);
    assert.equal(group.code, 2);
    assert.match(group.err, /kb ingest[\s\S]*kb import-kbli/);
    assert.equal((await cli(['kb', '--help'])).code, 0);
    const typo = await cli(['keys', 'lst']);
    assert.equal(typo.code, 2);
    assert.match(typo.err, /unknown command "keys lst"\. Did you mean "zantara keys list"\?/);
    assert.match((await cli(['chta'])).err, /Did you mean "zantara chat"\?/);
    assert.doesNotMatch((await cli(['frobnicate'])).err, /Did you mean/);
    const option = await cli(['keys', 'list', '--bogus']);
    assert.equal(option.code, 1);
    assert.equal(option.err, "zantara: Unknown option '--bogus'; see zantara keys list --help\n");
    assert.match(
      (await cli(['keys', 'list', '--jsno'])).err,
      /Unknown option '--jsno' \(did you mean --json\?\); see zantara keys list --help/,
    );
    assert.equal(existsSync(dataDir), false);
  });

  it('an unreachable server is named with the cause, not "fetch failed"', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve)); // a port nothing listens on
    const chat = await cli(['chat', '--url', `http://127.0.0.1:${port}`, '--key', 'k', '-m', 'hi']);
    assert.equal(chat.code, 1);
    assert.equal(chat.err, `zantara: Cannot reach http://127.0.0.1:${port}/v1/chat: ECONNREFUSED 127.0.0.1:${port}\n`);
    assert.equal(chat.out, '');
  });

  it('colour only on a terminal without NO_COLOR', async () => {
    const esc = '\u001b[';
    assert.ok((await cli(['--help'], { isTTY: true, env: { TERM: 'xterm' } })).out.includes(esc));
    assert.ok(!(await cli(['--help'], { isTTY: true, env: { NO_COLOR: '1', TERM: 'xterm' } })).out.includes(esc));
    assert.ok(!(await cli(['--help'], { isTTY: false })).out.includes(esc));
    assert.ok(!(await cli(['frobnicate'], { isTTY: false })).err.includes(esc));
  });
});
