import { ZantaraError } from '../../errors.ts';
import { ragService } from '../../rag/rag-index.ts';
import type { Command } from '../command.ts';
import { withCliRuntime } from '../cli-runtime.ts';

export const kbRemove: Command = {
  name: 'kb remove',
  summary: 'Drop indexed documents (a file, or everything under a folder)',
  args: 'PATH...',
  async run({ positionals: positional }, io) {
    if (positional.length === 0)
      throw new ZantaraError('usage', 'Usage: zantara kb remove PATH... (as given to kb ingest)');
    const result = await withCliRuntime(io.env, (rt) => rt.service(ragService).remove(positional));
    for (const source of result.removed) io.out(`removed ${source}\n`);
    for (const path of result.not_found) io.err(`not indexed: ${path}\n`);
    io.out(`Removed ${result.removed.length} document(s).\n`);
    return result.not_found.length && !result.removed.length ? 1 : 0;
  },
};

export const kbRemoveCommands: Command[] = [kbRemove];
