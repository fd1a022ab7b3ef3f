import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { KBLI_EDITION } from '../../knowledge/kbli-codes.ts';
import { knowledgeService } from '../../knowledge/knowledge-service.ts';
import { defineHandler } from '../handler.ts';
import { kbliEntryOutput, priceEntryOutput } from './business-outputs.ts';

const kbliCode = z
  .string()
  .trim()
  .regex(/^\d{5}$/, 'a KBLI business code has 5 digits');

export const kbliLookupOutput = z.object({
  edition: z.string(),
  edition_note: z.string(),
  query: z.string().nullable(),
  count: z.number().int(),
  results: z.array(kbliEntryOutput.extend({ score: z.number().optional() })),
});
export type KbliLookupResult = z.infer<typeof kbliLookupOutput>;

export const kbliLookup = defineHandler({
  key: 'kbli.lookup',
  category: 'business',
  description:
    'KBLI 2020 business classification codes: look up a 5-digit code, or search by business activity in English, ' +
    'Italian or Indonesian ("IT consulting", "villa rental", "ristorante", "sewa mobil"). Returns the official Indonesian title, ' +
    'an English title where known, notes and the edition (KBLI 2020). Curated codes for Bali come first; the full official list ' +
    'answers once imported. Unknown code → 404 kbli_not_found.',
  input: z
    .object({
      code: kbliCode.optional().describe('A 5-digit KBLI 2020 code, e.g. 56101'),
      query: z
        .string()
        .trim()
        .min(2)
        .max(200)
        .optional()
        .describe('The business activity in any of English, Italian or Indonesian'),
      limit: z.number().int().min(1).max(25).default(8).describe('Maximum results for a search'),
    })
    .refine((v) => v.code !== undefined || v.query !== undefined, {
      message: 'Give a code or a query',
      path: ['query'],
    }),
  output: kbliLookupOutput,
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'Which KBLI for IT consulting?', params: { query: 'IT consulting' } },
    { description: 'Codice KBLI per un ristorante', params: { query: 'ristorante' } },
    { description: 'Cek kode KBLI 55130', params: { code: '55130' } },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    if (input.code) {
      const entry = await kb.kbli.byCode(input.code);
      if (!entry)
        throw notFound('kbli_not_found', `No KBLI 2020 code ${input.code} is known.`, {
          code: input.code,
          edition: KBLI_EDITION,
        });
      return {
        edition: KBLI_EDITION,
        edition_note: kb.data.kbli.edition_note,
        query: null,
        count: 1,
        results: [entry],
      };
    }
    const results = await kb.kbli.search(input.query!, input.limit);
    return {
      edition: KBLI_EDITION,
      edition_note: kb.data.kbli.edition_note,
      query: input.query!,
      count: results.length,
      results,
    };
  },
});

export const kbliRequirementsOutput = z.object({
  edition: z.string(),
  kbli: kbliEntryOutput,
  general: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      services: z.array(z.string()),
      verify: z.boolean(),
      verify_note: z.string().nullable(),
      source: z.string(),
      last_verified: z.string(),
    }),
  ),
  specific: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      codes: z.array(z.string()),
      services: z.array(priceEntryOutput),
      verify: z.boolean(),
      verify_note: z.string().nullable(),
      source: z.string(),
      last_verified: z.string(),
    }),
  ),
  services: z.array(priceEntryOutput),
  disclaimer: z.string(),
});
export type KbliRequirementsResult = z.infer<typeof kbliRequirementsOutput>;

export const kbliRequirements = defineHandler({
  key: 'kbli.requirements',
  category: 'business',
  description:
    'Investment and licensing notes for a KBLI code or business type ("beach club", "villa rental"): PT PMA minimum ' +
    'investment and capital notes, licences the activity needs (e.g. alcohol licence), related Bali Zero services with prices, ' +
    'and verify flags. Risk levels per code are not in our data and are confirmed by the team.',
  input: z
    .object({
      code: kbliCode.optional().describe('A 5-digit KBLI 2020 code'),
      business_type: z
        .string()
        .trim()
        .min(2)
        .max(200)
        .optional()
        .describe('The business in words, any language, used when no code is given'),
    })
    .refine((v) => v.code !== undefined || v.business_type !== undefined, {
      message: 'Give a code or a business type',
      path: ['business_type'],
    }),
  output: kbliRequirementsOutput,
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'What do I need to open a beach club?', params: { business_type: 'beach club' } },
    { description: 'Requisiti per il codice 56101', params: { code: '56101' } },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    let entry = input.code
      ? await kb.kbli.byCode(input.code)
      : ((await kb.kbli.search(input.business_type!, 1))[0] ?? null);
    if (!entry) {
      throw notFound(
        'kbli_not_found',
        input.code ? `No KBLI 2020 code ${input.code} is known.` : `No KBLI code matches "${input.business_type}".`,
        { code: input.code ?? null, query: input.business_type ?? null, edition: KBLI_EDITION },
      );
    }
    if ('score' in entry) {
      const { score: _score, ...rest } = entry;
      entry = rest;
    }
    return { edition: KBLI_EDITION, kbli: entry, ...kb.kbli.requirements(entry.code), disclaimer: kb.disclaimer };
  },
});
