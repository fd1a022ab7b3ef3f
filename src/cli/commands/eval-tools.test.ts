import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { runCli } from '../main.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../../evals/fixtures/${name}`, import.meta.url));

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env: { NODE_ENV: 'test' },
    isTTY: false,
  });
  return { code, out, err };
}

test('eval tools prints recall@1/@5/@k for an external catalogue and names the misses', async () => {
  const { code, out } = await cli([
    'eval',
    'tools',
    '--tools',
    fixture('tools-small.json'),
    '--cases',
    fixture('cases-small.jsonl'),
    '--k',
    '1',
    '--misses',
  ]);
  assert.equal(code, 0);
  assert.match(out, /4 tools, 4 cases \(1 without a known expected tool skipped\), k = 1/);
  // Three of the four cases find their tool first; the translation case ranks the email tool above it.
  assert.match(out, /recall@1 +0\.750/);
  assert.match(out, /recall@5 +1\.000/);
  assert.match(out, /"translate this email subject into Italian" missing translate_text; offered send_email/);
});

test('eval tools with k = 2 recovers the second-ranked tool', async () => {
  const { code, out } = await cli([
    'eval',
    'tools',
    '--tools',
    fixture('tools-small.json'),
    '--cases',
    fixture('cases-small.jsonl'),
    '--k',
    '2',
  ]);
  assert.equal(code, 0);
  assert.match(out, /recall@2 +1\.000/);
  assert.match(out, /misses at k: 0/);
});

test('eval tools explains bad usage and unreadable files instead of crashing', async () => {
  const missing = await cli(['eval', 'tools', '--tools', fixture('tools-small.json')]);
  assert.equal(missing.code, 1);
  assert.match(missing.err, /Usage: zantara eval tools/);
  const unreadable = await cli([
    'eval',
    'tools',
    '--tools',
    fixture('does-not-exist.json'),
    '--cases',
    fixture('cases-small.jsonl'),
  ]);
  assert.equal(unreadable.code, 1);
  assert.match(unreadable.err, /Cannot read .*does-not-exist\.json: ENOENT/);
  const badK = await cli([
    'eval',
    'tools',
    '--tools',
    fixture('tools-small.json'),
    '--cases',
    fixture('cases-small.jsonl'),
    '--k',
    '0',
  ]);
  assert.equal(badK.code, 1);
  assert.match(badK.err, /--k must be a positive integer/);
});
