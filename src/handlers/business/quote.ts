import { z } from 'zod';
import { knowledgeService } from '../../knowledge/knowledge-service.ts';
import { OPTIONS } from '../../knowledge/schemas.ts';
import { defineHandler } from '../handler.ts';
import { packageQuoteOutput, priceListOutput, quoteContactLineOutput, quoteLineOutput } from './business-outputs.ts';

export const quoteOutput = z.object({
  currency: z.literal('IDR'),
  persons: z.number().int(),
  lines: z.array(quoteLineOutput),
  packages: z.array(packageQuoteOutput),
  contact_for_quote: z.array(quoteContactLineOutput),
  total: z.number().int().describe('IDR, lines and packages (contact-for-quote services not included)'),
  total_is_minimum: z.boolean(),
  issued_on: z.string(),
  valid_until: z.string(),
  validity_days: z.number().int(),
  verify: z.boolean(),
  price_list: priceListOutput,
  disclaimer: z.string(),
});
export type QuoteResult = z.infer<typeof quoteOutput>;

export const quoteGenerate = defineHandler({
  key: 'quote.generate',
  category: 'business',
  description:
    'Itemised quote in IDR computed from the official price list: each service with its option (offshore/onshore/extension), ' +
    '1 or 2 years, quantity; packages (remote-worker-year, investor, beach-club) with totals computed from their items; ' +
    'the total, and the date until which the quote is valid. "Contact for quote" services are listed separately and not summed.',
  input: z
    .object({
      services: z
        .array(
          z.object({
            service: z
              .string()
              .trim()
              .min(1)
              .max(200)
              .describe('Service id, code or words, e.g. "e33g-remote-worker", "E28A", "NPWP personal"'),
            option: z
              .enum(OPTIONS)
              .optional()
              .describe(
                'offshore (applied from abroad, cheaper), onshore (inside Indonesia), extension, or standard; default offshore when available',
              ),
            years: z
              .union([z.literal(1), z.literal(2)])
              .optional()
              .describe('Validity in years for services priced per 1 or 2 years'),
            days: z
              .number()
              .int()
              .positive()
              .max(365)
              .optional()
              .describe('Stay length in days for services priced by duration (e.g. 60 or 180)'),
            quantity: z
              .number()
              .int()
              .min(1)
              .max(100)
              .optional()
              .describe('How many; defaults to persons for per-person services, else 1'),
          }),
        )
        .max(30)
        .default([])
        .describe('Services to quote'),
      packages: z
        .array(z.string().trim().min(1).max(100).describe('Package id or name'))
        .max(10)
        .default([])
        .describe('Packages to include, e.g. "investor"'),
      persons: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(1)
        .describe('Number of people for per-person services (visas, permits, personal tax)'),
    })
    .refine((q) => q.services.length + q.packages.length > 0, {
      message: 'Give at least one service or package',
      path: ['services'],
    }),
  output: quoteOutput,
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    {
      description: 'Quote a remote worker KITAS applied offshore plus a personal NPWP',
      params: { services: [{ service: 'E33G', option: 'offshore' }, { service: 'npwp-personal' }] },
    },
    { description: 'Preventivo pacchetto investitore per 2 persone', params: { packages: ['investor'], persons: 2 } },
  ],
  async run(input, ctx) {
    return ctx.runtime.service(knowledgeService).quotes.quote(input, ctx.runtime.clock.now());
  },
});
