import { z } from 'zod';
import { CATEGORIES, defineHandler } from '../handler.ts';
import { notFound } from '../../errors.ts';
import { handlerRegistry } from '../registry.ts';

export const systemHandlersList = defineHandler({
  key: 'system.handlers.list',
  category: 'admin',
  description:
    'List the handlers you may call, with key, category, effect and description; optionally filtered by category.',
  input: z.object({
    category: z.enum(CATEGORIES).optional().describe('Only handlers of this category'),
  }),
  output: z.object({
    count: z.number().int(),
    handlers: z.array(
      z.object({
        key: z.string(),
        category: z.enum(CATEGORIES),
        effect: z.enum(['read', 'write', 'send']),
        description: z.string(),
      }),
    ),
  }),
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'What can ZANTARA do?', params: {} },
    { description: 'Quali handler ci sono per il business?', params: { category: 'business' } },
  ],
  async run(input, ctx) {
    const handlers = ctx.runtime
      .service(handlerRegistry)
      .listFor(ctx.principal)
      .filter((h) => !input.category || h.category === input.category)
      .map((h) => ({ key: h.key, category: h.category, effect: h.effect, description: h.description }));
    return { count: handlers.length, handlers };
  },
});

export const systemHandlersGet = defineHandler({
  key: 'system.handlers.get',
  category: 'admin',
  description: 'Describe one handler: description, effect, roles, the JSON Schema of its params and its examples.',
  input: z.object({
    key: z.string().min(1).max(200).describe('Handler key, e.g. bali.zero.pricing'),
  }),
  output: z.object({
    key: z.string(),
    tool_name: z.string(),
    category: z.string(),
    description: z.string(),
    effect: z.string(),
    roles: z.array(z.string()),
    params: z.record(z.string(), z.unknown()).describe('JSON Schema of the params'),
    output: z.record(z.string(), z.unknown()).optional().describe('JSON Schema of the result, when declared'),
    examples: z.array(z.object({ description: z.string(), params: z.record(z.string(), z.unknown()) })),
  }),
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'How do I call the pricing handler?', params: { key: 'bali.zero.pricing' } },
    { description: 'Jelaskan handler kbli.lookup', params: { key: 'kbli.lookup' } },
  ],
  async run(input, ctx) {
    const handler = ctx.runtime.service(handlerRegistry).get(input.key);
    if (!handler || !handler.roles.includes(ctx.principal.role))
      throw notFound('handler_not_found', `No handler named "${input.key}".`, { key: input.key });
    return ctx.runtime.service(handlerRegistry).info(input.key);
  },
});
