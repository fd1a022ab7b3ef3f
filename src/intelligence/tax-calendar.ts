/**
 * Upcoming tax and reporting deadlines, computed from `knowledge/tax-deadlines.yaml` and the clock. Each
 * deadline links to the price-list item (through the knowledge service) that covers the work, and carries its
 * verify note when the facts are not confirmed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { addDays } from '../analytics/period.ts';
import { ZantaraError } from '../errors.ts';
import { knowledgeService, type Knowledge } from '../knowledge/knowledge-service.ts';
import { defineService } from '../runtime/service.ts';
import { daysBetween } from './message-dates.ts';

export const TAX_DEADLINES_FILE = 'tax-deadlines.yaml';

const day = z.union([z.number().int().min(1).max(31), z.literal('last')]);
const deadlineSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(3),
    who: z.string().min(3),
    service: z.string().min(1),
    every: z.enum(['month', 'quarter', 'year']),
    month: z.number().int().min(1).max(12).optional(),
    day,
    alternative_day: day.optional(),
    verify: z.boolean().default(false),
    verify_note: z.string().optional(),
    source: z.string().min(3),
    last_verified: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  })
  .strict()
  .refine((d) => d.every !== 'year' || d.month !== undefined, 'a yearly deadline needs a month');
const fileSchema = z.object({ deadlines: z.array(deadlineSchema).min(1) }).strict();

export type DeadlineRule = z.infer<typeof deadlineSchema>;

export type UpcomingDeadline = {
  id: string;
  name: string;
  who: string;
  /** YYYY-MM-DD. */
  due: string;
  days_left: number;
  /** What the filing covers: "2026-02", "2026-Q1", "2025". */
  covers: string;
  falls_on_weekend: boolean;
  /** The other reading of the rule, when sources disagree (e.g. LKPM). */
  alternative_due: string | null;
  service: { id: string; name: string; price_from: number | null; currency: 'IDR'; notes: string | null };
  verify: boolean;
  verify_note: string | null;
  source: string;
  last_verified: string;
};

/** Reads and validates the deadline file; every service must exist in the price list. */
export function loadDeadlineRules(knowledge: Knowledge): DeadlineRule[] {
  const file = join(knowledge.config.ZANTARA_KNOWLEDGE_DIR, TAX_DEADLINES_FILE);
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ZantaraError('invalid_knowledge', `${TAX_DEADLINES_FILE} cannot be read: ${(error as Error).message}`, {
      status: 500,
      expose: true,
    });
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ZantaraError(
      'invalid_knowledge',
      `${TAX_DEADLINES_FILE} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      { status: 500, expose: true },
    );
  }
  const unknown = parsed.data.deadlines.filter((d) => !knowledge.prices.item(d.service)).map((d) => d.service);
  if (unknown.length)
    throw new ZantaraError(
      'invalid_knowledge',
      `${TAX_DEADLINES_FILE} names unknown price-list items: ${unknown.join(', ')}`,
      { status: 500, expose: true },
    );
  return parsed.data.deadlines;
}

function dateOf(year: number, month: number, d: number | 'last'): string {
  // Month overflow is normalised by Date.UTC (month 13 → January of the next year).
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const first = new Date(Date.UTC(year, month - 1, 1));
  return addDays(first.toISOString().slice(0, 10), (d === 'last' ? last : Math.min(d, last)) - 1);
}

/** The periods a rule covers whose due dates may fall near `from`: [covers, due, alternative]. */
function occurrences(
  rule: DeadlineRule,
  fromYear: number,
  toYear: number,
): Array<{ covers: string; due: string; alternative: string | null }> {
  const out: Array<{ covers: string; due: string; alternative: string | null }> = [];
  for (let year = fromYear - 1; year <= toYear; year++) {
    if (rule.every === 'year') {
      out.push({
        covers: String(year),
        due: dateOf(year + 1, rule.month!, rule.day),
        alternative: rule.alternative_day ? dateOf(year + 1, rule.month!, rule.alternative_day) : null,
      });
    } else if (rule.every === 'quarter') {
      for (let q = 1; q <= 4; q++) {
        const [y, m] = q === 4 ? [year + 1, 1] : [year, q * 3 + 1];
        out.push({
          covers: `${year}-Q${q}`,
          due: dateOf(y, m, rule.day),
          alternative: rule.alternative_day ? dateOf(y, m, rule.alternative_day) : null,
        });
      }
    } else {
      for (let month = 1; month <= 12; month++) {
        const [y, m] = month === 12 ? [year + 1, 1] : [year, month + 1];
        out.push({
          covers: `${year}-${String(month).padStart(2, '0')}`,
          due: dateOf(y, m, rule.day),
          alternative: rule.alternative_day ? dateOf(y, m, rule.alternative_day) : null,
        });
      }
    }
  }
  return out;
}

/**
 * Deadlines due from `today` to `today + withinDays` (inclusive), soonest first. A deadline whose alternative
 * reading is still ahead (LKPM: the 10th passed, the end of the month not yet) is listed while either is ahead.
 */
export function upcomingDeadlines(
  rules: DeadlineRule[],
  knowledge: Knowledge,
  today: string,
  withinDays: number,
): UpcomingDeadline[] {
  const until = addDays(today, withinDays);
  const year = Number(today.slice(0, 4));
  const list: UpcomingDeadline[] = [];
  for (const rule of rules) {
    const item = knowledge.prices.item(rule.service)!;
    const entry = knowledge.prices.entry(item);
    for (const o of occurrences(rule, year, Number(until.slice(0, 4)))) {
      const latest = o.alternative && o.alternative > o.due ? o.alternative : o.due;
      if (latest < today || o.due > until) continue;
      const weekday = new Date(`${o.due}T00:00:00Z`).getUTCDay();
      const verify = rule.verify || entry.verify;
      list.push({
        id: rule.id,
        name: rule.name,
        who: rule.who,
        due: o.due,
        days_left: daysBetween(today, o.due),
        covers: o.covers,
        falls_on_weekend: weekday === 0 || weekday === 6,
        alternative_due: o.alternative,
        service: {
          id: entry.id,
          name: entry.name,
          price_from: entry.price_from,
          currency: entry.currency,
          notes: entry.notes,
        },
        verify,
        verify_note: verify
          ? [rule.verify_note, entry.verify_note ?? knowledge.verifyNote].filter(Boolean).join(' ')
          : null,
        source: rule.source,
        last_verified: rule.last_verified,
      });
    }
  }
  return list.sort((a, b) => a.due.localeCompare(b.due) || a.id.localeCompare(b.id));
}

/** The rules of a runtime, loaded once. */
export const taxCalendarService = defineService('intelligence.tax-calendar', (runtime) => {
  const knowledge = runtime.service(knowledgeService);
  let rules: DeadlineRule[] | undefined;
  return {
    knowledge,
    rules(): DeadlineRule[] {
      return (rules ??= loadDeadlineRules(knowledge));
    },
  };
});
