import type { Readable } from 'node:stream';
import type { Env } from '../config/env.ts';

/** Where a command writes (and an interactive one reads: stdin unless given), so tests can capture it. */
export type CommandIo = {
  out(text: string): void;
  err(text: string): void;
  env: Env;
  isTTY: boolean;
  input?: Readable;
};

/** One option, as util.parseArgs reads it and as `--help` shows it. */
export type OptionSpec = {
  type: 'string' | 'boolean';
  short?: string;
  /** The placeholder shown after a string option (`--role ROLE`). */
  value?: string;
  description: string;
};

/** What parseArgs found: option values by name, then the positional arguments. */
export type ParsedArgs = { values: Record<string, string | boolean | undefined>; positionals: string[] };

/**
 * One CLI command. `name` may have two words (`kb ingest`); `args` names its positional arguments in the usage line;
 * `options` are parsed strictly (an unknown option is a usage error) and listed by `zantara NAME --help`, which every
 * command answers without running. `run` returns the exit code. Commands that need the database open it with
 * `withCliRuntime` (and close it).
 */
export type Command = {
  name: string;
  summary: string;
  args?: string;
  options?: Record<string, OptionSpec>;
  run(parsed: ParsedArgs, io: CommandIo): Promise<number>;
};

/** A string option's value, or undefined. */
export function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
