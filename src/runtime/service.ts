import type { Runtime, ServiceDefinition } from './runtime.ts';

export type { ServiceDefinition };

/**
 * A lazily built, per-runtime singleton (the knowledge base, memory, the outbox…). Each module declares its own
 * service next to its code, so there is no central list to edit; `runtime.service(def)` builds it once.
 * A service with `close()` is closed when the runtime closes.
 *
 * @example
 * export const knowledgeService = defineService('knowledge', (rt) => loadKnowledge(rt));
 * const kb = ctx.runtime.service(knowledgeService);
 */
export function defineService<T>(name: string, create: (runtime: Runtime) => T): ServiceDefinition<T> {
  return { name, create };
}

/**
 * A service a lower layer needs and a higher one implements (the handler registry, the chat turn runner): the
 * composition root fills it with `runtime.provide(port, value)`; using it unfilled is a wiring bug and says so.
 *
 * @example
 * export const chatTurnPort = definePort<ChatTurnRunner>('chat turn runner');
 * runtime.provide(chatTurnPort, runChatTurn); // in src/composition/
 */
export function definePort<T>(name: string): ServiceDefinition<T> {
  return defineService<T>(name, () => {
    throw new Error(`No ${name}: the composition root (src/composition/) provides it with runtime.provide()`);
  });
}
