import type { Runtime } from './runtime.ts';

/**
 * A lazily built, per-runtime singleton (the knowledge base, memory, the outbox…). Each module declares its own
 * service next to its code, so there is no central list to edit; `runtime.service(def)` builds it once.
 * A service with `close()` is closed when the runtime closes.
 *
 * @example
 * export const knowledgeService = defineService('knowledge', (rt) => loadKnowledge(rt));
 * const kb = ctx.runtime.service(knowledgeService);
 */
export type ServiceDefinition<T> = { readonly name: string; readonly create: (runtime: Runtime) => T };

export function defineService<T>(name: string, create: (runtime: Runtime) => T): ServiceDefinition<T> {
  return { name, create };
}
