#!/usr/bin/env node
// The CLI entry point: checks the Node version first (plain JavaScript), then runs the TypeScript sources directly.
import './require-node.js';

const { runCli } = await import('../src/cli/main.ts');
runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
}).then((code) => {
  process.exitCode = code;
});
