/** `zantara <command>`: the CLI. Each command lives in src/cli/commands/ and is listed here. */
import { ZantaraError } from '../errors.ts';
import type { Command, CommandIo } from './command.ts';
import { keysCommands } from './commands/keys.ts';
import { chatCommand } from './commands/chat.ts';
import { evalToolsCommand } from './commands/eval-tools.ts';
import { kbIngestCommands } from './commands/kb-ingest.ts';
import { kbRemoveCommands } from './commands/kb-remove.ts';
import { kbImportKbli } from './commands/kb-import-kbli.ts';
import { eventsCommand } from './commands/events.ts';
import { mcpCommand } from './commands/mcp.ts';

/** All commands, in the order `zantara help` lists them. Add new commands here. */
const commands: Command[] = [...keysCommands, chatCommand, evalToolsCommand, ...kbIngestCommands, ...kbRemoveCommands, kbImportKbli, eventsCommand, mcpCommand];

export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const match = commands
    .filter((c) => { const words = c.name.split(' '); return words.every((w, i) => argv[i] === w); })
    .sort((a, b) => b.name.length - a.name.length)[0];
  if (!match) {
    const unknown = argv.length > 0 && argv[0] !== 'help' && argv[0] !== '--help';
    (unknown ? io.err : io.out)(`${unknown ? `Unknown command: ${argv.join(' ')}\n\n` : ''}Usage: zantara <command>\n\n${commands.map((c) => `  ${c.usage.padEnd(48)} ${c.summary}`).join('\n')}\n`);
    return unknown ? 2 : 0;
  }
  try {
    return await match.run(argv.slice(match.name.split(' ').length), io);
  } catch (error) {
    io.err(`zantara: ${ZantaraError.isInstance(error) && error.expose ? error.message : String((error as Error).stack ?? error)}\n`);
    return 1;
  }
}

if (import.meta.main) {
  const io: CommandIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: process.env, isTTY: Boolean(process.stdout.isTTY) };
  runCli(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}
