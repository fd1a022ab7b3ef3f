import type { Runtime } from './runtime.ts';

/**
 * Long-running work the server process runs beside the HTTP API (outbox delivery, inbound processing…).
 * A task starts, runs until the runtime closes, and registers its own cleanup with `runtime.onClose`.
 * The list of tasks is built in the composition root (src/composition/background-tasks.ts).
 */
export type BackgroundTask = { name: string; start(runtime: Runtime): Promise<void> | void };

export async function startBackgroundTasks(runtime: Runtime, tasks: readonly BackgroundTask[]): Promise<void> {
  for (const task of tasks) {
    await task.start(runtime);
    runtime.logger.info({ task: task.name }, 'background task started');
  }
}
