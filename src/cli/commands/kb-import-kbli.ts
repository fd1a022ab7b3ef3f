import { resolve } from 'node:path';
import { ZantaraError } from '../../errors.ts';
import { importKbliFile, type ImportSummary } from '../../kbli/import-kbli.ts';
import type { Command, CommandIo } from '../command.ts';
import { withCliRuntime } from '../cli-runtime.ts';
import { progressBar } from '../progress.ts';

/** One summary line: rows read, codes by level, duplicates skipped. */
export function formatImportSummary(summary: ImportSummary): string {
  const levels = Object.entries(summary.by_level)
    .map(([level, n]) => `${level} ${n}`)
    .join(', ');
  const dupes = summary.duplicates_skipped.length
    ? ` (${summary.duplicates_skipped.map((d) => d.code).join(', ')})`
    : '';
  return `Imported ${summary.imported} ${summary.edition} codes from ${summary.rows} rows: ${levels}; duplicates skipped: ${summary.duplicates_skipped.length}${dupes}.\n`;
}

/** Runs the import with the CLI's progress bar on a terminal. */
export async function runKbliImport(file: string, io: CommandIo): Promise<number> {
  const bar = progressBar(io, 'KBLI import', 'codes');
  const summary = await withCliRuntime(io.env, (rt) =>
    importKbliFile(rt.store, file, {
      onProgress: ({ done, total }) => bar.update(done, total),
    }).finally(() => bar.stop()),
  );
  io.out(formatImportSummary(summary));
  return 0;
}

export const kbImportKbli: Command = {
  name: 'kb import-kbli',
  summary: 'Import the official KBLI 2020 list (JSON) into the database (docs/knowledge.md)',
  args: 'FILE',
  async run({ positionals }, io) {
    const file = positionals[0];
    if (!file)
      throw new ZantaraError(
        'usage',
        'Usage: zantara kb import-kbli FILE (a JSON array of {code, title, detail}, e.g. kbli.json)',
      );
    return runKbliImport(resolve(file), io);
  },
};
