import { z } from 'zod';
import { DATE_RANGE_MESSAGE, isDateInRange } from '../../input-safety.ts';
import { knowledgeService } from '../../knowledge/knowledge-service.ts';
import { defineHandler } from '../handler.ts';
import { processingTimeOutput, warningOutput } from './business-outputs.ts';

export const timelineOutput = z.object({
  query: z.string(),
  estimate: z.literal(true),
  label: z.string(),
  service: z.object({ id: z.string(), code: z.string().nullable(), name: z.string() }),
  urgency: z.enum(['flexible', 'normal', 'urgent']),
  complexity: z.enum(['simple', 'standard', 'complex']),
  working_days: z.object({ min: z.number().int(), likely: z.number().int(), max: z.number().int() }),
  dates: z.object({ start: z.string(), earliest: z.string(), likely: z.string(), latest: z.string() }),
  deadline: z
    .object({
      needed_by: z.string(),
      working_days_available: z.number().int(),
      likely_in_time: z.boolean(),
      start_by: z.string().nullable(),
    })
    .nullable(),
  basis: processingTimeOutput,
  warnings: z.array(warningOutput),
  notes: z.array(z.string()),
});
export type TimelineResult = z.infer<typeof timelineOutput>;

export const timelineEstimate = defineHandler({
  key: 'timeline.estimate',
  aliases: ['oracle.predict'],
  category: 'business',
  description:
    'Timeline estimate for a service (visa, KITAS, PT PMA, alcohol licence, NPWP…): working days (min, likely, max) and ' +
    'dates from today in Bali, derived from the processing times in the facts and labelled as an estimate with its basis. ' +
    'Complexity picks the point in the range; urgency cannot shorten government processing. Optional needed_by checks a deadline. Deterministic.',
  input: z.object({
    service: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('The service in any words or a code: "E33G", "PT PMA", "alcohol licence"'),
    urgency: z.enum(['flexible', 'normal', 'urgent']).default('normal').describe('How urgent it is for the client'),
    complexity: z
      .enum(['simple', 'standard', 'complex'])
      .default('standard')
      .describe('simple (complete documents), standard, complex (sponsors, changes, missing documents)'),
    needed_by: z.iso
      .date()
      .refine(isDateInRange, DATE_RANGE_MESSAGE)
      .optional()
      .describe('Date the client needs it by (YYYY-MM-DD)'),
  }),
  output: timelineOutput,
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'How long will a PT PMA take?', params: { service: 'PT PMA', complexity: 'standard' } },
    {
      description: 'Quanto tempo per il KITAS pensionato? È urgente',
      params: { service: 'KITAS pensionato', urgency: 'urgent' },
    },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    const item = kb.prices.resolve(input.service);
    return { query: input.service, ...kb.timelines.estimate(item, input, ctx.runtime.clock.now()) };
  },
});
