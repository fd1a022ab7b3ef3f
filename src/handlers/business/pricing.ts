import { z } from 'zod';
import { knowledgeService } from '../../knowledge/knowledge-service.ts';
import { CATEGORIES } from '../../knowledge/schemas.ts';
import { defineHandler } from '../handler.ts';
import { packageQuoteOutput, priceEntryOutput, priceListOutput, warningOutput } from './business-outputs.ts';

export const pricingOutput = z.object({
  service_type: z.enum([...CATEGORIES, 'all']),
  query: z.string().nullable(),
  count: z.number().int(),
  services: z.array(priceEntryOutput.extend({ match_score: z.number().optional() })),
  packages: z.array(packageQuoteOutput),
  warnings: z.array(warningOutput).optional(),
  currency: z.literal('IDR'),
  price_list: priceListOutput,
  disclaimer: z.string(),
  verify_note: z.string(),
});
export type PricingResult = z.infer<typeof pricingOutput>;

export const baliZeroPricing = defineHandler({
  key: 'bali.zero.pricing',
  category: 'business',
  description:
    'Bali Zero official prices (IDR) for visas, KITAS, KITAP, company set-up and tax services, from the 2025 price list. ' +
    'Give a service type and/or the service in the client\'s words ("working kitas", "KITAS lavoro", "kitas kerja", "E33G"). ' +
    'Returns each matching service with its price variants (offshore/onshore/extension, 1 or 2 years, duration), what is included, ' +
    'processing time, last_verified, a disclaimer, and verify flags for figures to confirm; "contact for quote" services say so. ' +
    'Unknown service → 404 service_not_found with suggestions.',
  input: z.object({
    service_type: z
      .enum([...CATEGORIES, 'all'])
      .default('all')
      .describe('Kind of service: visa, kitas, kitap, business (company/legal), tax, or all'),
    specific_service: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe('The service in any words or language, or a code: "E23 working", "visto pensionato", "PT PMA", "NPWP"'),
  }),
  output: pricingOutput,
  effect: 'read',
  pure: true,
  roles: ['admin', 'staff', 'client'],
  examples: [
    {
      description: 'How much is a working KITAS?',
      params: { service_type: 'kitas', specific_service: 'working kitas' },
    },
    { description: 'Quanto costa il KITAS lavoro?', params: { specific_service: 'KITAS lavoro' } },
    { description: 'Daftar harga layanan pajak', params: { service_type: 'tax' } },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    const base = {
      currency: 'IDR' as const,
      price_list: kb.priceList,
      disclaimer: kb.disclaimer,
      verify_note: kb.verifyNote,
    };
    if (!input.specific_service) {
      const services = kb.prices.items(input.service_type).map((item) => kb.prices.entry(item));
      return {
        service_type: input.service_type,
        query: null,
        count: services.length,
        services,
        packages: input.service_type === 'all' ? kb.quotes.packages() : [],
        ...base,
      };
    }
    let matches = kb.prices.match(input.specific_service, input.service_type);
    // A service named clearly but filed under another type (a model asking "visa" for a KITAS) is still found.
    if (!matches.length && input.service_type !== 'all') matches = kb.prices.match(input.specific_service);
    if (!matches.length) throw kb.prices.notFound(input.specific_service, input.service_type);
    const services = matches.slice(0, 5).map((m) => ({ ...kb.prices.entry(m.value), match_score: m.score }));
    return {
      service_type: input.service_type,
      query: input.specific_service,
      count: services.length,
      services,
      packages: [],
      warnings: kb.warnings.for({ itemId: services[0].id, category: services[0].category }),
      ...base,
    };
  },
});
