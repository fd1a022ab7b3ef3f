import type { Env } from '../config/env.ts';

/** Where a command writes, so tests can capture it. */
export type CommandIo = { out(text: string): void; err(text: string): void; env: Env; isTTY: boolean };

/**
 * One CLI command. `name` may have two words (`kb ingest`); `run` returns the exit code.
 * Commands that need the database open it with `openCliRuntime` (and close it).
 */
export type Command = {
  name: string;
  usage: string;
  summary: string;
  run(args: string[], io: CommandIo): Promise<number>;
};
