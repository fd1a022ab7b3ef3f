/** `zantara <command>`: the CLI. Each command lives in src/cli/commands/ and is listed here. */
import { parseArgs } from 'node:util';
import { ZantaraError } from '../errors.ts';
import { version } from '../version.ts';
import type { Command, CommandIo, ParsedArgs } from './command.ts';
import { keysCommands } from './commands/keys.ts';
import { chatCommand } from './commands/chat.ts';
import { evalToolsCommand } from './commands/eval-tools.ts';
import { kbIngestCommands } from './commands/kb-ingest.ts';
import { kbRemoveCommands } from './commands/kb-remove.ts';
import { kbImportKbli } from './commands/kb-import-kbli.ts';
import { eventsCommand } from './commands/events.ts';
import { mcpCommand } from './commands/mcp.ts';
import { stylerFor } from './style.ts';

/** All commands, in the order `zantara --help` lists them. Add new commands here. */
const commands: Command[] = [
  ...keysCommands,
  chatCommand,
  evalToolsCommand,
  ...kbIngestCommands,
  ...kbRemoveCommands,
  kbImportKbli,
  eventsCommand,
  mcpCommand,
];

const HELP_OPTION = { help: { type: 'boolean', short: 'h' } } as const;

function usageOf(command: Command): string {
  const options = Object.entries(command.options ?? {}).map(([name, o]) =>
    o.type === 'string' ? `--${name} ${o.value ?? 'VALUE'}` : `--${name}`,
  );
  return [command.name, command.args, options.length ? `[${options.join('] [')}]` : ''].filter(Boolean).join(' ');
}

/** Two aligned columns. */
function table(rows: Array<[string, string]>): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`).join('\n');
}

export function globalHelp(io: CommandIo): string {
  const style = stylerFor(io);
  return (
    `${style('bold', 'Usage:')} zantara <command> [options]\n\n${style('bold', 'Commands:')}\n` +
    `${table(commands.map((c) => [c.name, c.summary]))}\n\n${style('bold', 'Options:')}\n` +
    `${table([
      ['-h, --help', 'Show help (also after any command: zantara keys list --help)'],
      ['-v, --version', 'Show the version'],
    ])}\n`
  );
}

export function commandHelp(command: Command, io: CommandIo): string {
  const style = stylerFor(io);
  const rows: Array<[string, string]> = Object.entries(command.options ?? {}).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`,
    o.description,
  ]);
  rows.push(['-h, --help', 'Show this help']);
  return `${style('bold', 'Usage:')} zantara ${usageOf(command)}\n\n${command.summary}\n\n${style('bold', 'Options:')}\n${table(rows)}\n`;
}

/** Edit distance with adjacent transpositions (`chta` is one edit from `chat`), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The command names closest to what was typed (within a third of its length), best first. */
export function suggestions(typed: string): string[] {
  const names = [...new Set(commands.flatMap((c) => [c.name, c.name.split(' ')[0]]))];
  const scored = names
    .map((name) => ({ name, d: distance(typed, name) }))
    .filter(({ d, name }) => d <= Math.max(1, Math.floor(name.length / 3)));
  return scored
    .sort((x, y) => x.d - y.d)
    .map(({ name }) => name)
    .slice(0, 3);
}

function findCommand(argv: string[]): Command | undefined {
  return commands
    .filter((c) => c.name.split(' ').every((word, i) => argv[i] === word))
    .sort((a, b) => b.name.length - a.name.length)[0];
}

function parseFor(command: Command, args: string[]): ParsedArgs & { help: boolean } {
  const options = Object.fromEntries(
    Object.entries(command.options ?? {}).map(([name, o]) => [
      name,
      { type: o.type, ...(o.short ? { short: o.short } : {}) },
    ]),
  );
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...options, ...HELP_OPTION },
      allowPositionals: true,
      strict: true,
    });
    const { help, ...rest } = values as Record<string, string | boolean | undefined>;
    return { values: rest, positionals, help: help === true };
  } catch (error) {
    // Help wins over any other mistake on the line: `zantara chat --bogus --help` still shows help.
    if (args.includes('--help') || args.includes('-h')) return { values: {}, positionals: [], help: true };
    // parseArgs explains '--' after its first sentence; the first sentence is what was wrong.
    const first = (error as Error).message.split(/\. |\n/)[0];
    const typed = /Unknown option '--([^'=]+)/.exec(first)?.[1];
    const near = typed ? Object.keys(command.options ?? {}).find((name) => distance(typed, name) <= 2) : undefined;
    throw new ZantaraError(
      'usage',
      `${first}${near ? ` (did you mean --${near}?)` : ''}; see zantara ${command.name} --help`,
    );
  }
}

export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const style = stylerFor(io);
  const fail = (message: string) => io.err(`${style('red', 'zantara:')} ${message}\n`);
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help' || argv[0] === '-h') {
    const command = argv[0] === 'help' && argv.length > 1 ? findCommand(argv.slice(1)) : undefined;
    io.out(command ? commandHelp(command, io) : globalHelp(io));
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(`zantara ${version}\n`);
    return 0;
  }
  const command = findCommand(argv);
  if (!command) {
    const group = commands.filter((c) => c.name.startsWith(`${argv[0]} `));
    if (group.length && (argv.length === 1 || argv[1].startsWith('-'))) {
      // A group word alone (`zantara keys`): its commands, as help or as the answer to a missing subcommand.
      const listing = `${style('bold', 'Commands:')}\n${table(group.map((c) => [c.name, c.summary]))}\n`;
      if (argv.includes('--help') || argv.includes('-h')) {
        io.out(listing);
        return 0;
      }
      io.err(listing);
      return 2;
    }
    const typed = group.length ? argv.slice(0, 2).join(' ') : argv[0];
    const close = suggestions(typed);
    const hint = close.length ? ` Did you mean ${close.map((c) => `"zantara ${c}"`).join(' or ')}?` : '';
    fail(`unknown command "${typed}".${hint} See zantara --help.`);
    return 2;
  }
  try {
    const parsed = parseFor(command, argv.slice(command.name.split(' ').length));
    if (parsed.help) {
      io.out(commandHelp(command, io));
      return 0;
    }
    return await command.run(parsed, io);
  } catch (error) {
    if (ZantaraError.isInstance(error) && error.expose) {
      fail(error.message);
      return 1;
    }
    fail(String((error as Error).stack ?? error));
    return 1;
  }
}
