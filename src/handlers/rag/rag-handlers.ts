import { z } from 'zod';
import { defineHandler } from '../handler.ts';
import { ragService } from '../../rag/rag-index.ts';
import { answerFromDocuments, ragAnswerModelService } from '../../rag/grounded-answer.ts';

const ALL_ROLES = ['admin', 'staff', 'client'] as const;
const query = z.string().trim().min(1, 'query is empty').max(1000, 'a query holds at most 1000 characters');
const filters = z
  .object({
    source: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe('Only documents whose path starts with this, e.g. "docs/tax/"'),
    type: z
      .enum(['document', 'knowledge'])
      .optional()
      .describe('document: ingested guides; knowledge: the fact files (prices, visas, KBLI, team)'),
  })
  .optional()
  .describe('Narrow the search');

export const ragSearch = defineHandler({
  key: 'rag.search',
  category: 'rag',
  description:
    "Search Bali Zero's guides and fact files (KITAS, tax, PT PMA, regulations, prices) with free text in English, Italian or " +
    'Indonesian. Returns the best passages with source, title, heading, snippet and score; cite them by title and heading.',
  input: z.object({
    query: query.describe('The question or keywords, e.g. "KITAS to KITAP conversion"'),
    k: z.number().int().min(1).max(20).default(5).describe('How many passages (1-20)'),
    filters,
  }),
  output: z.object({
    query: z.string(),
    mode: z.enum(['full-text', 'hybrid']),
    vector_search: z.string().describe('Whether vector search took part, and why not when it did not'),
    count: z.number().int(),
    results: z.array(
      z.object({
        chunk_id: z.number().int(),
        source: z.string(),
        title: z.string(),
        heading: z.string(),
        snippet: z.string(),
        type: z.enum(['document', 'knowledge']),
        file_mtime: z.string().nullable(),
        score: z.number(),
        matched_by: z.array(z.enum(['full-text', 'vector'])),
      }),
    ),
  }),
  effect: 'read',
  roles: ALL_ROLES,
  examples: [
    { description: 'Find the guide on converting a KITAS', params: { query: 'convert KITAS to KITAP', k: 3 } },
    { description: 'Cari aturan pajak untuk PT PMA', params: { query: 'pajak PT PMA', filters: { type: 'document' } } },
  ],
  async run(input, ctx) {
    const found = await ctx.runtime
      .service(ragService)
      .search(input.query, { k: input.k, filters: input.filters, signal: ctx.signal });
    return {
      query: input.query,
      mode: found.mode,
      vector_search: found.vector,
      count: found.results.length,
      results: found.results.map(({ content: _content, ...hit }) => hit),
    };
  },
});

export const ragQuery = defineHandler({
  key: 'rag.query',
  category: 'rag',
  description:
    "Answer a question only from Bali Zero's documents, with numbered citations [1], [2]. Without a configured model it returns the best " +
    'passages with citations instead of an answer; when nothing relevant is found it says so rather than guessing.',
  input: z.object({
    question: query.describe('The question, e.g. "What do I need to convert an investor KITAS?"'),
    k: z.number().int().min(1).max(10).default(5).describe('How many passages to ground the answer on (1-10)'),
    language: z.enum(['en', 'it', 'id']).optional().describe('Language of the "nothing found" message: en, it or id'),
    filters,
  }),
  output: z.object({
    answer: z.string(),
    grounded: z.boolean().describe('True when the answer rests on cited passages'),
    mode: z.enum(['model', 'passages', 'none']),
    citations: z.array(
      z.object({
        n: z.number().int(),
        title: z.string(),
        source: z.string(),
        heading: z.string().optional(),
        snippet: z.string(),
      }),
    ),
    model: z.string().optional(),
  }),
  effect: 'read',
  roles: ALL_ROLES,
  callsModel: true,
  examples: [
    {
      description: 'What are the obligations of a PT PMA?',
      params: { question: 'What are the reporting obligations of a PT PMA?' },
    },
    { description: 'Come si rinnova il KITAS?', params: { question: 'Come si rinnova il KITAS?', language: 'it' } },
  ],
  async run(input, ctx) {
    const model = ctx.runtime.service(ragAnswerModelService).model;
    return answerFromDocuments(ctx.runtime.service(ragService), input.question, {
      k: input.k,
      filters: input.filters,
      model,
      language: input.language,
      signal: ctx.signal,
    });
  },
});
