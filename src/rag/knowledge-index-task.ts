import type { BackgroundTask } from '../runtime/background.ts';
import { indexKnowledge } from './rag-index.ts';

/**
 * Indexes the fact files for free-text search at start, in the background so the server is ready at once
 * (unchanged files cost one hash each). Closing the runtime waits for it.
 */
export const knowledgeIndexTask: BackgroundTask = {
  name: 'knowledge-index',
  start(runtime) {
    const done = indexKnowledge(runtime).catch((error: unknown) =>
      runtime.logger.error({ err: error }, 'indexing the knowledge files failed'),
    );
    runtime.onClose(() => done.then(() => undefined));
  },
};
