#!/usr/bin/env node
// The CLI entry point: Node 22.18+ / 24 runs the TypeScript sources directly (type stripping).
import { runCli } from '../src/cli/main.ts';

runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
}).then((code) => { process.exitCode = code; });
