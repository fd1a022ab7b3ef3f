import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { ZantaraError } from '../../errors.ts';
import { importKbliFile, type ImportSummary } from '../../kbli/import-kbli.ts';
import type { Command, CommandIo } from '../command.ts';
import { parseArgs, withCliRuntime } from '../cli-runtime.ts';

/** One summary line: rows read, codes by level, duplicates skipped. */
export function formatImportSummary(summary: ImportSummary): string {
  const levels = Object.entries(summary.by_level).map(([level, n]) => `${level} ${n}`).join(', ');
  const dupes = summary.duplicates_skipped.length ? ` (${summary.duplicates_skipped.map((d) => d.code).join(', ')})` : '';
  return `Imported ${summary.imported} ${summary.edition} codes from ${summary.rows} rows: ${levels}; duplicates skipped: ${summary.duplicates_skipped.length}${dupes}.\n`;
}

/** Runs the import with a progress bar on a terminal, dots otherwise. */
export async function runKbliImport(file: string, io: CommandIo): Promise<number> {
  const bar = io.isTTY ? new cliProgress.SingleBar({ format: 'KBLI import [{bar}] {value}/{total} codes', hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  const summary = await withCliRuntime(io.env, (rt) => importKbliFile(rt.store, file, {
    onProgress: ({ done, total }) => {
      if (bar) { if (done === 0) bar.start(total, 0); else bar.update(done); } else if (done > 0) io.out(`  ${done}/${total}\n`);
    },
  }).finally(() => bar?.stop()));
  io.out(formatImportSummary(summary));
  return 0;
}

export const kbImportKbli: Command = {
  name: 'kb import-kbli',
  usage: 'kb import-kbli FILE',
  summary: 'Import the official KBLI 2020 list (JSON) into the database',
  async run(args, io) {
    const file = parseArgs(args).positional[0];
    if (!file) throw new ZantaraError('usage', 'Usage: zantara kb import-kbli FILE (a JSON array of {code, title, detail}, e.g. kbli.json)');
    return runKbliImport(resolve(file), io);
  },
};
