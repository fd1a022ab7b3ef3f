import type { BackgroundTask } from '../runtime/background.ts';
import { knowledgeService } from './knowledge-service.ts';

/**
 * Loads the fact files when the server starts, so a broken price or code stops `npm start` with the file, path and
 * message instead of failing a client's question later.
 */
export const knowledgeCheckTask: BackgroundTask = {
  name: 'knowledge-check',
  start(runtime) {
    const kb = runtime.service(knowledgeService);
    runtime.logger.info(
      {
        dir: kb.data.dir,
        items: kb.data.items.length,
        visas: kb.data.visas.length,
        kbli: kb.data.kbli.codes.length,
        price_list: kb.priceList.last_updated,
      },
      'knowledge files loaded',
    );
  },
};
