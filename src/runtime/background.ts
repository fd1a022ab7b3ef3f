import type { Runtime } from './runtime.ts';
import { outboxWorkerTask } from '../outbox/outbox-worker.ts';
import { knowledgeCheckTask } from '../knowledge/knowledge-check-task.ts';
import { inboundProcessorTask } from '../channels/inbound-processor.ts';
import { eventFanoutTask } from '../realtime/redis-fanout.ts';
import { knowledgeIndexTask } from '../rag/knowledge-index-task.ts';

/**
 * Long-running work the server process runs beside the HTTP API (outbox delivery, inbound processing…).
 * A task starts, runs until the runtime closes, and registers its own cleanup with `runtime.onClose`.
 */
export type BackgroundTask = { name: string; start(runtime: Runtime): Promise<void> | void };

/** Tasks started by `npm start`, in order. Add new workers here. */
const tasks: BackgroundTask[] = [knowledgeCheckTask, knowledgeIndexTask, outboxWorkerTask, inboundProcessorTask, eventFanoutTask];

export async function startBackgroundTasks(runtime: Runtime): Promise<void> {
  for (const task of tasks) {
    await task.start(runtime);
    runtime.logger.info({ task: task.name }, 'background task started');
  }
}
