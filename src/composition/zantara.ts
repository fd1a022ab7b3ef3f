/**
 * The composition root: the one place that knows every layer. It builds the kernel runtime and fills its ports with
 * the lists and implementations the lower layers only know by type (handlers, deliverers, routes, the chat turn).
 * `src/main.ts`, the CLI (`src/cli/cli-runtime.ts`) and the test runtime start here.
 */
import type { AnyHandler } from '../handlers/handler.ts';
import { handlerRankerPort } from '../handlers/ai/handlers-search.ts';
import { handlerRegistry, Registry } from '../handlers/registry.ts';
import { httpRoutes } from '../http/app.ts';
import { orchestratorService } from '../orchestrator/orchestrator.ts';
import { runChatTurn } from '../orchestrator/run-chat-turn.ts';
import { outboxDeliverers } from '../outbox/outbox.ts';
import { chatTurnPort } from '../runtime/chat-turn.ts';
import { createRuntime, type Runtime, type RuntimeOptions } from '../runtime/runtime.ts';
import { channelDeliverers } from './deliverers.ts';
import { catalog } from './handlers.ts';
import { routeModules } from './routes.ts';

export type ZantaraOptions = RuntimeOptions & {
  /** Handlers to register; defaults to the full catalogue. */
  handlers?: readonly AnyHandler[];
};

/** A runtime with every port filled: what `npm start`, the CLI and the tests run on. */
export async function createZantara(options: ZantaraOptions = {}): Promise<Runtime> {
  const runtime = await createRuntime(options);
  runtime.provide(handlerRegistry, new Registry().register(...(options.handlers ?? catalog)).bind(runtime));
  runtime.provide(outboxDeliverers, channelDeliverers);
  runtime.provide(httpRoutes, routeModules);
  runtime.provide(chatTurnPort, runChatTurn);
  runtime.provide(handlerRankerPort, (candidates, query, k) =>
    runtime.service(orchestratorService).selectTools(candidates, query, { k }),
  );
  return runtime;
}
