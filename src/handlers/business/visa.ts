import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { knowledgeService } from '../../knowledge/knowledge-service.ts';
import { defineHandler } from '../handler.ts';
import { checklistOutput, visaOutput } from './business-outputs.ts';

export const visaInfoOutput = z.object({
  query: z.string(),
  visa: visaOutput,
  alternatives: z.array(z.object({ code: z.string(), name: z.string(), purpose: z.string() })),
  disclaimer: z.string(),
});
export type VisaResult = z.infer<typeof visaInfoOutput>;

export const visaInfo = defineHandler({
  key: 'visa.info',
  category: 'business',
  description:
    'What a visa or stay permit is for and what it takes: purpose, duration, extensions, eligibility, requirements, ' +
    'processing time and the price reference (IDR), with warnings and verify flags. Accepts a code (C1, C2, D12, E23, E28A, ' +
    'E33F, E33G, E31A, KITAP…) or a description of the person\'s situation ("I want to retire in Bali", "voglio lavorare da remoto"). ' +
    'Nothing matching → 404 visa_not_found with the codes we know.',
  input: z.object({
    query: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .describe("A visa code or the situation in the person's words, in English, Italian or Indonesian"),
  }),
  output: visaInfoOutput,
  effect: 'read',
  pure: true,
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'Which visa do I need to retire in Bali?', params: { query: 'I want to retire in Bali' } },
    { description: 'Informazioni sul visto E33G', params: { query: 'E33G' } },
    { description: 'Info visa untuk menikah dengan WNI', params: { query: 'menikah dengan WNI' } },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    const matches = kb.visas.find(input.query);
    if (!matches.length) {
      throw notFound('visa_not_found', `No visa or permit matches "${input.query}".`, {
        query: input.query,
        known_codes: kb.data.visas.map((v) => v.code),
      });
    }
    const [best, ...others] = matches;
    return {
      query: input.query,
      visa: kb.visas.info(best.value),
      alternatives: others
        .slice(0, 3)
        .map((m) => ({ code: m.value.code, name: m.value.name, purpose: m.value.purpose })),
      disclaimer: kb.disclaimer,
    };
  },
});

export const checklistResultOutput = checklistOutput;
export type ChecklistResult = z.infer<typeof checklistResultOutput>;

export const documentChecklist = defineHandler({
  key: 'document.checklist',
  category: 'business',
  description:
    'The documents a client prepares for a service (visa, KITAS, KITAP, PT PMA, NPWP, alcohol licence…), with the ' +
    'requirements. Checklists are Bali Zero intake lists and carry verify: true with a "please confirm with our team" note. ' +
    'Unknown service → 404 service_not_found with suggestions.',
  input: z.object({
    service: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('Service code, id or words: "E33G", "working kitas", "PT PMA", "NPWP pribadi"'),
  }),
  output: checklistResultOutput,
  effect: 'read',
  pure: true,
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'Documents for a remote worker KITAS', params: { service: 'remote worker kitas' } },
    { description: 'Dokumen untuk pendirian PT PMA', params: { service: 'pendirian pt' } },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    const list = kb.visas.checklist(input.service);
    if (!list) throw kb.prices.notFound(input.service);
    return { query: input.service, ...list };
  },
});
