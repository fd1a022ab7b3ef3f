import { z } from 'zod';
import { notFound } from '../../errors.ts';
import { knowledgeService } from '../../knowledge/knowledge-service.ts';
import { defineHandler } from '../handler.ts';

export const topicOutput = z.object({
  topics: z.array(
    z.object({
      id: z.string(),
      matched: z.string().describe('The phrase of the query that named the topic'),
      answer: z.object({ en: z.string(), it: z.string(), id: z.string() }),
      verify: z.boolean(),
      verify_note: z.string().nullable(),
      related: z.array(z.object({ id: z.string(), name: z.string() })).describe('Related price-list services'),
      source: z.string(),
      last_verified: z.string(),
    }),
  ),
});
export type TopicResult = z.infer<typeof topicOutput>;

export const knowledgeTopic = defineHandler({
  key: 'knowledge.topic',
  category: 'business',
  description:
    'Short answers, in English, Italian and Indonesian, to general questions that are not one price: entering ' +
    'Indonesia without a Bali Zero visa (visa on arrival, visa exemption), KITAS vs KITAP, overstay, the PT PMA minimum ' +
    'investment, BPJS, bringing a spouse and children. Each with source, last_verified and a verify flag; related ' +
    'price-list services. No topic named → 404 topic_not_found.',
  input: z.object({
    query: z.string().trim().min(1).max(500).describe("The question in the client's words, any of the three languages"),
  }),
  output: topicOutput,
  effect: 'read',
  pure: true,
  roles: ['admin', 'staff', 'client'],
  examples: [
    {
      description: 'Do I need a visa to travel to Indonesia?',
      params: { query: 'do i need a visa to travel to indonesia' },
    },
    { description: 'Differenza tra KITAS e KITAP?', params: { query: 'differenza tra kitas e kitap' } },
    { description: 'Bedanya KITAS dan KITAP apa?', params: { query: 'bedanya kitas dan kitap' } },
  ],
  async run(input, ctx) {
    const kb = ctx.runtime.service(knowledgeService);
    const found = kb.topics.find(input.query);
    if (!found.length)
      throw notFound('topic_not_found', `No topic matches "${input.query}".`, {
        topics: kb.data.topics.map((t) => t.id),
      });
    return {
      topics: found.map(({ topic, phrase }) => ({
        id: topic.id,
        matched: phrase,
        answer: topic.answer,
        verify: topic.verify,
        verify_note: topic.verify_note ?? null,
        related: topic.related_items.map((id) => ({ id, name: kb.prices.item(id)?.name ?? id })),
        source: topic.source,
        last_verified: topic.last_verified,
      })),
    };
  },
});
