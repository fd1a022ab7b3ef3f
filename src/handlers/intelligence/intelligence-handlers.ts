import { z } from 'zod';
import { DEFAULT_TIMEZONE, localDay } from '../../analytics/period.ts';
import { forbidden, notFound, ZantaraError } from '../../errors.ts';
import { isStaff } from '../../auth/principal.ts';
import { knowledgeService } from '../../knowledge/knowledge-service.ts';
import { detectLanguageWithConfidence } from '../../intelligence/language-confidence.ts';
import { permitExpiries } from '../../intelligence/permit-expiries.ts';
import { conversationLines } from '../../intelligence/conversation-lines.ts';
import { summarize, summaryModelService, type SummaryLine } from '../../intelligence/summarizer.ts';
import { taxCalendarService, upcomingDeadlines } from '../../intelligence/tax-calendar.ts';
import { assessUrgency } from '../../intelligence/urgency.ts';
import { defineHandler, type HandlerContext } from '../handler.ts';
import { URGENCY_LEVELS } from '../../intelligence/urgency.ts';
import { LANGUAGES } from '../../knowledge/schemas.ts';

/** Today in Bali (the business's calendar), from the runtime clock. */
function today(ctx: HandlerContext): string {
  return localDay(ctx.runtime.clock.now(), DEFAULT_TIMEZONE);
}

export const intelligenceUrgency = defineHandler({
  key: 'intelligence.urgency',
  category: 'intelligence',
  description:
    "How urgent a client's message is (low, medium, high, critical) and why: overstay, an expired or expiring visa/KITAS, a deadline or date close to today, deportation or fines, an explicit request for urgency. Works in English, Italian and Indonesian; dates are resolved against today's date in Bali.",
  input: z.object({
    text: z.string().trim().min(1).max(10_000).describe("The client's message"),
  }),
  output: z.object({
    level: z.enum(URGENCY_LEVELS),
    reasons: z.array(
      z.object({
        code: z.enum([
          'overstay',
          'permit_expired',
          'permit_expiring',
          'deadline',
          'date_soon',
          'immigration_trouble',
          'asked_urgent',
        ]),
        level: z.enum(URGENCY_LEVELS),
        detail: z.string(),
        evidence: z.string().describe('The words that triggered it'),
      }),
    ),
    dates: z.array(
      z.object({ text: z.string(), date: z.string(), days_from_today: z.number().int(), approximate: z.boolean() }),
    ),
    today: z.string(),
    warnings: z.array(z.object({ id: z.string(), text: z.string(), verify_note: z.string().nullable() })),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    {
      description: 'Triage a WhatsApp message',
      params: { text: 'Hi, my KITAS expires on 25 March and I am still waiting for the extension' },
    },
    { description: 'Valuta urgenza', params: { text: 'Il mio visto è scaduto ieri, cosa devo fare? È urgente' } },
  ],
  async run(input, ctx) {
    const assessment = assessUrgency(input.text, today(ctx));
    // Warnings from the facts (overstay, …) that staff should pass on when the situation is serious.
    let warnings: Array<{ id: string; text: string; verify_note: string | null }> = [];
    if (assessment.level === 'high' || assessment.level === 'critical') {
      // The warnings' topics are words; a reason adds the words that name it (an expiring permit is an "expiry").
      const topicWords: Record<string, string> = {
        overstay: 'overstay',
        permit_expired: 'expired overstay',
        permit_expiring: 'expiry',
        immigration_trouble: 'deportation fine ban',
      };
      const reasonWords = assessment.reasons.map((r) => `${topicWords[r.code] ?? ''} ${r.evidence}`).join(' ');
      warnings = ctx.runtime
        .service(knowledgeService)
        .warnings.for({ text: `${input.text} ${reasonWords}` })
        .map(({ id, text, verify_note }) => ({ id, text, verify_note }));
    }
    return { ...assessment, warnings };
  },
});

export const intelligenceLanguage = defineHandler({
  key: 'intelligence.language',
  category: 'intelligence',
  description:
    'Which of English (en), Italian (it) or Indonesian (id) a text is written in, with a confidence from 0 to 1, the share of each language, and whether it mixes languages.',
  input: z.object({
    text: z.string().trim().min(1).max(20_000).describe('The text to examine'),
  }),
  output: z.object({
    language: z.enum(LANGUAGES),
    confidence: z.number().min(0).max(1),
    shares: z.object({ en: z.number(), it: z.number(), id: z.number() }).describe('Share of words per language'),
    mixed: z.boolean(),
    words: z.number().int(),
  }),
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    {
      description: 'What language is this message in?',
      params: { text: 'Berapa biaya KITAS investor untuk satu tahun?' },
    },
    { description: 'In che lingua è scritto?', params: { text: 'Buongiorno, vorrei aprire una società a Bali' } },
  ],
  async run(input) {
    return detectLanguageWithConfidence(input.text);
  },
});

export const intelligenceSummarize = defineHandler({
  key: 'intelligence.summarize',
  category: 'intelligence',
  description:
    'Summarise a conversation (by id) or, for staff, a text: by the configured model when there is one, otherwise an extractive summary (the most informative sentences, copied and labelled as such). Says which method was used.',
  input: z.object({
    conversation_id: z.uuid().optional().describe('A conversation to summarise (its messages, in order)'),
    text: z
      .string()
      .trim()
      .min(1)
      .max(60_000)
      .optional()
      .describe('A text or thread to summarise, when no conversation_id is given'),
    language: z.enum(['en', 'it', 'id']).default('en').describe('Language of the summary (model summaries only)'),
    max_sentences: z.number().int().min(1).max(10).default(3).describe('About how many sentences the summary may have'),
  }),
  output: z.object({
    method: z.enum(['model', 'extractive']),
    summary: z.string(),
    note: z.string().optional(),
    model: z.string().optional(),
    usage: z.object({ input_tokens: z.number(), output_tokens: z.number() }).optional(),
    sentences: z.array(z.string()).optional(),
    source: z
      .record(z.string(), z.unknown())
      .describe('What was summarised: a conversation (id, channel, messages…) or text'),
  }),
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  callsModel: true,
  examples: [
    {
      description: 'Summarise this conversation for the handover',
      params: { conversation_id: '3f1c2a4e-1b2c-4d5e-8f90-123456789abc' },
    },
    {
      description: 'Riassumi questa email in italiano',
      params: {
        text: 'Dear team, I need to renew my E33G before 15 April. My passport expires next year…',
        language: 'it',
      },
    },
  ],
  async run(input, ctx) {
    if ((input.conversation_id === undefined) === (input.text === undefined)) {
      throw new ZantaraError('invalid_params', 'Give exactly one of conversation_id or text.', {
        status: 400,
        details: { issues: [{ path: '', message: 'conversation_id or text' }] },
      });
    }
    // Clients may summarise their own conversations, not use the summary model on arbitrary text.
    if (input.text !== undefined && !isStaff(ctx.principal))
      throw forbidden('Clients can summarise their own conversations only (conversation_id).');
    let lines: SummaryLine[];
    let source: Record<string, unknown>;
    if (input.conversation_id) {
      const loaded = await conversationLines(ctx.runtime.store, ctx.principal, input.conversation_id);
      lines = loaded.lines;
      source = loaded.source;
    } else {
      lines = [{ text: input.text! }];
      source = { kind: 'text', characters: input.text!.length };
    }
    const model = ctx.runtime.service(summaryModelService).current;
    const summary = await summarize(lines, {
      model,
      language: input.language,
      maxSentences: input.max_sentences,
      signal: ctx.signal,
    });
    return { ...summary, source };
  },
});

export const taxDeadlines = defineHandler({
  key: 'tax.deadlines',
  category: 'intelligence',
  description:
    'Upcoming tax and reporting deadlines (LKPM, monthly tax payment and return, annual personal and company returns) from the facts, with due dates computed from today, days left, what each filing covers, the Bali Zero service and price, and a verify note where the facts are not confirmed.',
  input: z.object({
    within_days: z.number().int().min(1).max(400).default(60).describe('How far ahead to look, in days (default 60)'),
    only: z
      .array(z.string().regex(/^[a-z0-9-]+$/))
      .max(10)
      .optional()
      .describe('Only these deadline ids, e.g. ["lkpm-quarterly"]'),
  }),
  output: z.object({
    today: z.string(),
    within_days: z.number().int(),
    count: z.number().int(),
    deadlines: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        who: z.string(),
        due: z.string(),
        days_left: z.number().int(),
        covers: z.string(),
        falls_on_weekend: z.boolean(),
        alternative_due: z.string().nullable(),
        service: z.object({
          id: z.string(),
          name: z.string(),
          price_from: z.number().nullable(),
          currency: z.literal('IDR'),
          notes: z.string().nullable(),
        }),
        verify: z.boolean(),
        verify_note: z.string().nullable(),
        source: z.string(),
        last_verified: z.string(),
      }),
    ),
    note: z.string(),
  }),
  effect: 'read',
  roles: ['admin', 'staff', 'client'],
  examples: [
    { description: 'What tax deadlines are coming up?', params: {} },
    { description: 'Kapan batas waktu LKPM berikutnya?', params: { only: ['lkpm-quarterly'], within_days: 120 } },
  ],
  async run(input, ctx) {
    const calendar = ctx.runtime.service(taxCalendarService);
    const rules = calendar.rules().filter((r) => !input.only || input.only.includes(r.id));
    if (input.only && rules.length === 0) {
      throw notFound('deadline_not_found', `No deadline with id ${input.only.join(', ')}.`, {
        known: calendar.rules().map((r) => r.id),
      });
    }
    const day = today(ctx);
    const deadlines = upcomingDeadlines(rules, calendar.knowledge, day, input.within_days);
    return {
      today: day,
      within_days: input.within_days,
      count: deadlines.length,
      deadlines,
      note: 'Dates are computed from the rules in the facts; public holidays are not known, and a deadline on a weekend or holiday usually moves to the next working day.',
    };
  },
});

export const permitExpiriesHandler = defineHandler({
  key: 'permit.expiries',
  category: 'intelligence',
  description:
    'Clients whose stay permit (as remembered from their messages: memory fact permit_expiry) expires within N days, soonest first, with their contacts — and, optionally, those already expired. For proactive renewal reminders.',
  input: z.object({
    within_days: z
      .number()
      .int()
      .min(1)
      .max(365)
      .default(60)
      .describe('Expiring from today up to this many days ahead (default 60)'),
    include_expired: z.boolean().default(true).describe('Also list permits that have already expired'),
    limit: z.number().int().min(1).max(500).default(100).describe('At most this many clients'),
  }),
  output: z.object({
    today: z.string(),
    within_days: z.number().int(),
    available: z.boolean().describe('False when client memory is not stored on this server'),
    count: z.number().int(),
    clients: z.array(
      z.object({
        principal_id: z.string(),
        name: z.string(),
        permit: z.string().nullable(),
        expires_on: z.string(),
        days_left: z.number().int(),
        status: z.enum(['expired', 'expiring']),
        contacts: z.array(z.object({ kind: z.string(), value: z.string() })),
        noted_at: z.string(),
      }),
    ),
    note: z.string().optional(),
  }),
  effect: 'read',
  roles: ['admin', 'staff'],
  examples: [
    { description: 'Whose KITAS expires in the next 30 days?', params: { within_days: 30 } },
    {
      description: 'Klien yang izin tinggalnya habis dalam 90 hari',
      params: { within_days: 90, include_expired: false },
    },
  ],
  async run(input, ctx) {
    const day = today(ctx);
    const result = await permitExpiries(ctx.runtime.store, day, {
      withinDays: input.within_days,
      includeExpired: input.include_expired,
      limit: input.limit,
    });
    return {
      today: day,
      within_days: input.within_days,
      available: result.available,
      count: result.clients.length,
      clients: result.clients,
      ...(result.available
        ? {}
        : { note: 'Client memory is not stored on this server, so no permit dates are known.' }),
    };
  },
});
