import { ZantaraError } from '../../errors.ts';
import { ragService, type IngestSummary } from '../../rag/rag-index.ts';
import type { Command, CommandIo } from '../command.ts';
import { withCliRuntime } from '../cli-runtime.ts';
import { progressBar } from '../progress.ts';

export const kbIngest: Command = {
  name: 'kb ingest',
  summary: 'Index documents (Markdown, text, HTML, PDF, YAML) for search',
  args: 'PATH...',
  async run({ positionals: positional }, io) {
    if (positional.length === 0) throw new ZantaraError('usage', 'Usage: zantara kb ingest PATH... (files or folders)');
    return withCliRuntime(io.env, async (rt) => {
      const index = rt.service(ragService);
      io.out(`Vector search: ${index.vectorStatus().note}\n`);
      const bar = progressBar(io, 'Ingest', 'files');
      const summary = await index
        .ingestPaths(positional, { onFile: (done, total, path) => bar.update(done, total, path) })
        .finally(() => bar.stop());
      printSummary(summary, io);
      return summary.errors.length ? 1 : 0;
    });
  },
};

export function printSummary(summary: IngestSummary, io: CommandIo): void {
  io.out(
    `Files: ${summary.files} (ingested ${summary.ingested}, unchanged ${summary.unchanged}, skipped ${summary.skipped.length}, errors ${summary.errors.length})\n`,
  );
  io.out(`Chunks written: ${summary.chunks}\n`);
  for (const s of summary.skipped) io.out(`  skipped ${s.path}: ${s.reason}\n`);
  for (const e of summary.errors) io.err(`  error   ${e.path}: ${e.message}\n`);
}

export const kbIngestCommands: Command[] = [kbIngest];
