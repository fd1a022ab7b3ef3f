/** Tasks started by `npm start`, in order (composition root). Add new workers here. */
import type { BackgroundTask } from '../runtime/background.ts';
import { outboxWorkerTask } from '../outbox/outbox-worker.ts';
import { knowledgeCheckTask } from '../knowledge/knowledge-check-task.ts';
import { inboundProcessorTask } from '../channels/inbound-processor.ts';
import { eventFanoutTask } from '../realtime/redis-fanout.ts';
import { knowledgeIndexTask } from '../rag/knowledge-index-task.ts';

export const backgroundTasks: BackgroundTask[] = [
  knowledgeCheckTask,
  knowledgeIndexTask,
  outboxWorkerTask,
  inboundProcessorTask,
  eventFanoutTask,
];
