import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../main.ts';

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await runCli(args, {
    out: () => undefined,
    err: (t) => {
      err += t;
    },
    env,
    isTTY: false,
  });
  return { code, err };
}

test('zantara mcp refuses to start without an API key, and names both ways to give one', async () => {
  const { code, err } = await run(['mcp']);
  assert.equal(code, 1);
  assert.match(err, /--key KEY or ZANTARA_API_KEY/);
});

test('zantara mcp rejects unknown options, pointing to the one meant and to its help', async () => {
  const { code, err } = await run(['mcp', '--keys', 'x']);
  assert.equal(code, 1);
  assert.match(err, /Unknown option '--keys' \(did you mean --key\?\); see zantara mcp --help/);
});
