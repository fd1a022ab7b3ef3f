import { z } from 'zod';
import { defineHandler, type HandlerContext } from '../handler.ts';
import { FACT_KEY_PATTERN, FACT_TYPES, MAX_FACT_CHARS, memoryService } from '../../memory/memory-facts.ts';
import { memorySubject } from '../../memory/memory-subject.ts';

const ALL_ROLES = ['admin', 'staff', 'client'] as const;
const userId = z
  .uuid()
  .optional()
  .describe(
    'Staff/admin only: the client whose memory to use. Leave out to use your own. A client passing it gets 403.',
  );
const factKey = z
  .string()
  .regex(FACT_KEY_PATTERN, 'lower-case letters, digits, "_", "." or "-", starting with a letter (max 64)');
const factType = z.enum(FACT_TYPES);

const factOutput = z.object({
  id: z.string(),
  type: z.string(),
  key: z.string().nullable(),
  content: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
  source: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

async function subject(ctx: HandlerContext, id: string | undefined): Promise<string> {
  return memorySubject(ctx.runtime.store, ctx.principal, id);
}

export const memorySave = defineHandler({
  key: 'memory.save',
  category: 'memory',
  description:
    'Remember a durable fact about the user (their name, nationality, preferences, the permit they hold, case notes). ' +
    'With a key, an existing fact of that key is replaced instead of duplicated. Returns the fact and whether it was created, updated or unchanged.',
  input: z.object({
    content: z
      .string()
      .trim()
      .min(1, 'content is empty')
      .max(MAX_FACT_CHARS, `a fact holds at most ${MAX_FACT_CHARS} characters`)
      .describe(`The fact in one or two sentences (at most ${MAX_FACT_CHARS} characters)`),
    type: factType
      .default('note')
      .describe('Kind of fact: profile, preference, permit, case, contact, document or note'),
    key: factKey
      .optional()
      .describe('Stable name of the fact (e.g. nationality, permit_expiry); saving the same key again replaces it'),
    data: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Structured details, e.g. {"expires_on": "2026-03-01", "permit": "E33G"}'),
    user_id: userId,
  }),
  output: z.object({ outcome: z.enum(['created', 'updated', 'unchanged']), fact: factOutput }),
  effect: 'write',
  roles: ALL_ROLES,
  examples: [
    {
      description: 'Remember the client prefers e-mail over WhatsApp',
      params: { content: 'Prefers to be contacted by e-mail', type: 'preference', key: 'contact_channel' },
    },
    {
      description: 'Ricorda che il cliente vuole aprire una PT PMA',
      params: { content: 'Vuole aprire una PT PMA a Canggu', type: 'case' },
    },
  ],
  async run(input, ctx) {
    const id = await subject(ctx, input.user_id);
    const result = await ctx.runtime
      .service(memoryService)
      .save(id, { content: input.content, type: input.type, key: input.key, data: input.data, source: 'api' });
    return { outcome: result.outcome, fact: result.fact };
  },
});

export const memoryRetrieve = defineHandler({
  key: 'memory.retrieve',
  category: 'memory',
  description:
    'Read what ZANTARA remembers about the user, optionally only facts of one type or the fact with one key (e.g. permit_expiry). Newest first.',
  input: z.object({
    type: factType.optional().describe('Only facts of this type'),
    key: factKey.optional().describe('Only the fact with this key'),
    limit: z.number().int().min(1).max(200).default(50).describe('At most this many facts (1-200)'),
    user_id: userId,
  }),
  output: z.object({ count: z.number().int(), facts: z.array(factOutput) }),
  effect: 'read',
  roles: ALL_ROLES,
  examples: [
    { description: 'When does my permit expire?', params: { key: 'permit_expiry' } },
    { description: 'Apa saja preferensi saya?', params: { type: 'preference' } },
  ],
  async run(input, ctx) {
    const id = await subject(ctx, input.user_id);
    const facts = await ctx.runtime
      .service(memoryService)
      .retrieve(id, { type: input.type, key: input.key, limit: input.limit });
    return { count: facts.length, facts };
  },
});

export const memorySearch = defineHandler({
  key: 'memory.search',
  category: 'memory',
  description:
    "Search the user's own remembered facts with free text (accent- and case-insensitive), best match first. Never searches other users.",
  input: z.object({
    query: z
      .string()
      .trim()
      .min(1, 'query is empty')
      .max(500, 'a query holds at most 500 characters')
      .describe('Words to look for, e.g. "passport expiry"'),
    type: factType.optional().describe('Only facts of this type'),
    limit: z.number().int().min(1).max(50).default(10).describe('At most this many results (1-50)'),
    user_id: userId,
  }),
  output: z.object({ count: z.number().int(), results: z.array(factOutput.extend({ score: z.number() })) }),
  effect: 'read',
  roles: ALL_ROLES,
  examples: [
    { description: 'What do we know about his company?', params: { query: 'company' } },
    { description: 'Cerca le note sul visto', params: { query: 'visto KITAS', type: 'case' } },
  ],
  async run(input, ctx) {
    const id = await subject(ctx, input.user_id);
    const results = await ctx.runtime
      .service(memoryService)
      .search(id, input.query, { type: input.type, limit: input.limit });
    return { count: results.length, results };
  },
});

export const memoryList = defineHandler({
  key: 'memory.list',
  category: 'memory',
  description:
    'List everything ZANTARA remembers about the user, a page at a time, with the total, so they can review and delete facts.',
  input: z.object({
    type: factType.optional().describe('Only facts of this type'),
    limit: z.number().int().min(1).max(200).default(50).describe('Page size (1-200)'),
    offset: z.number().int().min(0).max(1_000_000).default(0).describe('Facts to skip (for the next page)'),
    user_id: userId,
  }),
  output: z.object({ total: z.number().int(), facts: z.array(factOutput) }),
  effect: 'read',
  roles: ALL_ROLES,
  examples: [
    { description: 'What do you remember about me?', params: {} },
    { description: 'Tampilkan halaman kedua', params: { limit: 50, offset: 50 } },
  ],
  async run(input, ctx) {
    const id = await subject(ctx, input.user_id);
    return ctx.runtime.service(memoryService).list(id, { type: input.type, limit: input.limit, offset: input.offset });
  },
});

export const memoryDelete = defineHandler({
  key: 'memory.delete',
  category: 'memory',
  description:
    'Delete one remembered fact of the user, by its id (from memory.list) or by its key. Returns the deleted fact; 404 if the user has no such fact.',
  input: z
    .object({
      id: z.uuid().optional().describe('The fact id from memory.list'),
      key: factKey.optional().describe('Or the fact key, e.g. nationality'),
      user_id: userId,
    })
    .refine((v) => (v.id === undefined) !== (v.key === undefined), { message: 'Give exactly one of id or key' }),
  output: z.object({ deleted: factOutput }),
  effect: 'write',
  roles: ALL_ROLES,
  examples: [
    { description: 'Forget my nationality', params: { key: 'nationality' } },
    { description: 'Hapus fakta ini', params: { id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc' } },
  ],
  async run(input, ctx) {
    const id = await subject(ctx, input.user_id);
    const deleted = await ctx.runtime.service(memoryService).delete(id, { id: input.id, key: input.key });
    return { deleted };
  },
});

export const memoryForget = defineHandler({
  key: 'memory.forget',
  category: 'memory',
  description:
    'Erase everything ZANTARA keeps about the user: remembered facts, conversations and their messages, the message text of ' +
    'turn traces and the details of pending actions. Irreversible; needs confirm: true. Returns what was removed, with counts.',
  input: z.object({
    confirm: z
      .literal(true, 'confirm must be true: this erases the whole memory of the user')
      .describe('Must be true: the erasure cannot be undone'),
    user_id: userId,
  }),
  output: z.object({
    user_id: z.string(),
    removed: z.object({
      facts: z.number().int(),
      conversations: z.number().int(),
      conversation_messages: z.number().int(),
      turn_traces_text_cleared: z.number().int(),
      pending_actions_cleared: z.number().int(),
      not_present: z.array(z.string()).describe('Tables that did not exist yet'),
    }),
  }),
  effect: 'write',
  roles: ALL_ROLES,
  examples: [
    { description: 'Delete all my data', params: { confirm: true } },
    {
      description: 'Cancella tutto quello che sai di questo cliente',
      params: { confirm: true, user_id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc' },
    },
  ],
  async run(input, ctx) {
    const id = await subject(ctx, input.user_id);
    const removed = await ctx.runtime.service(memoryService).forget(id);
    return { user_id: id, removed };
  },
});
