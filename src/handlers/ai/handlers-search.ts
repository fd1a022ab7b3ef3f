import { z } from 'zod';
import { defineHandler } from '../handler.ts';
import { orchestratorService } from '../../orchestrator/orchestrator.ts';

/**
 * Finds handlers for a need described in words, so a model that was offered only a few tools can discover the
 * right one (found handlers become callable in the next step of the same turn). Lists only what the caller may call.
 */
export const systemHandlersSearch = defineHandler({
  key: 'system.handlers.search',
  category: 'ai',
  description: 'Search the handlers you may call by what you need (any language); returns the best matches with key, effect, description and params schema. Use it when none of the offered tools fits.',
  input: z.object({
    query: z.string().min(2).max(500).describe('What you need to do or look up, in words, e.g. "schedule a meeting" or "prezzo KITAS"'),
    limit: z.number().int().min(1).max(20).optional().describe('How many handlers to return (default 5)'),
  }),
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'Find a handler to check visa prices', params: { query: 'visa price list' } },
    { description: 'Cerca un handler per fissare un appuntamento', params: { query: 'fissare un appuntamento in calendario', limit: 3 } },
  ],
  async run(input, ctx) {
    const candidates = ctx.runtime.registry.listForModel(ctx.principal).filter((h) => h.key !== 'system.handlers.search' && h.key !== 'ai.chat');
    const found = ctx.runtime.service(orchestratorService).selectTools(candidates, input.query, { k: input.limit ?? 5 }).slice(0, input.limit ?? 5);
    return {
      count: found.length,
      handlers: found.map((h) => ({ key: h.key, effect: h.effect, description: h.description, params: ctx.runtime.registry.paramsSchema(h.key) })),
    };
  },
});
