import { z } from 'zod';
import { defineHandler } from '../handler.ts';
import type { AnyHandler } from '../handler.ts';
import { handlerRegistry } from '../registry.ts';
import { definePort } from '../../runtime/service.ts';

/** Ranks handlers for a need in words; the orchestrator's tool selection, provided by the composition root. */
export type HandlerRanker = (candidates: AnyHandler[], query: string, k: number) => AnyHandler[];
export const handlerRankerPort = definePort<HandlerRanker>('handler ranker');

/**
 * Finds handlers for a need described in words, so a model that was offered only a few tools can discover the
 * right one (found handlers become callable in the next step of the same turn). Lists only what the caller may call.
 */
export const systemHandlersSearch = defineHandler({
  key: 'system.handlers.search',
  category: 'ai',
  description:
    'Search the handlers you may call by what you need (any language); returns the best matches with key, effect, description and params schema. Use it when none of the offered tools fits.',
  input: z.object({
    query: z
      .string()
      .min(2)
      .max(500)
      .describe('What you need to do or look up, in words, e.g. "schedule a meeting" or "prezzo KITAS"'),
    limit: z.number().int().min(1).max(20).optional().describe('How many handlers to return (default 5)'),
  }),
  output: z.object({
    count: z.number().int(),
    handlers: z.array(
      z.object({
        key: z.string(),
        effect: z.enum(['read', 'write', 'send']),
        description: z.string(),
        params: z.record(z.string(), z.unknown()).describe('JSON Schema of the params'),
      }),
    ),
  }),
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'Find a handler to check visa prices', params: { query: 'visa price list' } },
    {
      description: 'Cerca un handler per fissare un appuntamento',
      params: { query: 'fissare un appuntamento in calendario', limit: 3 },
    },
  ],
  async run(input, ctx) {
    const registry = ctx.runtime.service(handlerRegistry);
    const candidates = registry
      .listForModel(ctx.principal)
      .filter((h) => h.key !== 'system.handlers.search' && h.key !== 'ai.chat');
    const found = ctx.runtime
      .service(handlerRankerPort)(candidates, input.query, input.limit ?? 5)
      .slice(0, input.limit ?? 5);
    return {
      count: found.length,
      handlers: found.map((h) => ({
        key: h.key,
        effect: h.effect,
        description: h.description,
        params: registry.paramsSchema(h.key),
      })),
    };
  },
});
