/**
 * The evaluation set (`evals/cases.jsonl`) and the figures its cases expect, resolved against the knowledge files
 * at test time — cases name facts by id ("e33g-remote-worker.offshore"), never by value, so a price change in
 * `knowledge/` changes what the tests expect with it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { KnowledgeData } from '../knowledge/load-knowledge.ts';
import type { Variant } from '../knowledge/schemas.ts';
import type { Language } from '../text/language.ts';

export const EVAL_CASES_PATH = fileURLToPath(new URL('../../evals/cases.jsonl', import.meta.url));
export const EVAL_CATALOGUE_PATH = fileURLToPath(new URL('../../evals/catalogue.json', import.meta.url));

export type FigureRef =
  | { price_ref: string }
  | { package_ref: string }
  | { time_ref: string }
  | { company_ref: 'phone' | 'whatsapp' | 'email' | 'office' | 'hours' }
  | { kbli_ref: string }
  /** `CODE.field` of visas.yaml (purpose, duration, extensions, eligibility): the text must appear. */
  | { visa_ref: string }
  /** `visa:CODE` (the visa's documents) or `checklist:service-id` (documents.yaml): every document must appear. */
  | { documents_ref: string }
  /** `general:id` or `rule:id` of kbli-requirements.yaml: the note must appear. */
  | { requirement_ref: string }
  /** A team member id (team.yaml): the member's role must appear. */
  | { team_ref: string }
  /** A department id (team.yaml): its name must appear. */
  | { department_ref: string }
  /** A topic id (topics.yaml): its answer in the case's language must appear. */
  | { topic_ref: string }
  /** A deadline id (tax-deadlines.yaml): its short name and its day of the month must appear. */
  | { deadline_ref: string };

export type EvalCase = {
  id: string;
  language: Language;
  /** `handover`: in scope, but not answerable from the facts — any local answer is a wrong one. */
  category: 'knowledge' | 'action' | 'out_of_scope' | 'handover';
  intent: string;
  query: string;
  /** Handlers a correct tool selection offers. */
  expected: string[];
  figures: FigureRef[];
  /** The service is priced on request: a right answer shows no amount. */
  contact_for_quote?: boolean;
  /** Earlier user messages of the same conversation, oldest first (a follow-up is read against them). */
  history?: string[];
  /** The question names one variant: a right answer shows that variant's amount and no other variant of the item. */
  variant_selected?: boolean;
};

export const CLIENT_CASES_PATH = fileURLToPath(new URL('../../evals/client-messages.jsonl', import.meta.url));
export const CLIENT_HOLDOUT_PATH = fileURLToPath(new URL('../../evals/client-holdout.jsonl', import.meta.url));
export const CLIENT_HOLDOUT_2_PATH = fileURLToPath(new URL('../../evals/client-holdout-2.jsonl', import.meta.url));
export const CLIENT_HOLDOUT_3_PATH = fileURLToPath(new URL('../../evals/client-holdout-3.jsonl', import.meta.url));
export const CLIENT_HOLDOUT_4_PATH = fileURLToPath(new URL('../../evals/client-holdout-4.jsonl', import.meta.url));
export const CLIENT_HOLDOUT_5_PATH = fileURLToPath(new URL('../../evals/client-holdout-5.jsonl', import.meta.url));
export const CLIENT_HOLDOUT_6_PATH = fileURLToPath(new URL('../../evals/client-holdout-6.jsonl', import.meta.url));
export const CLIENT_HOLDOUT_7_PATH = fileURLToPath(new URL('../../evals/client-holdout-7.jsonl', import.meta.url));

/**
 * Amounts of the item's other variants, for a case whose question names one variant: a right answer shows none of
 * them (the asked-for price, not the whole list). Amounts shared with the asked-for variant are left out.
 */
export function otherVariantAmounts(c: EvalCase, kb: KnowledgeData): number[] {
  if (!c.variant_selected) return [];
  const refs = c.figures.flatMap((f) => ('price_ref' in f ? [f.price_ref] : []));
  const wanted = new Set(refs.flatMap((ref) => resolveFigure({ price_ref: ref }, kb).amounts ?? []));
  const items = new Set(refs.map((ref) => ref.split('.')[0]));
  return [...new Set(kb.items.filter((i) => items.has(i.id)).flatMap((i) => i.variants.map((v) => v.amount)))].filter(
    (a) => !wanted.has(a),
  );
}

export function loadEvalCases(path = EVAL_CASES_PATH): EvalCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() && !l.trim().startsWith('#'))
    .map((l) => JSON.parse(l) as EvalCase);
}

/** What a figure reference must look like in an answer: IDR amounts, a day range, or a literal string. */
export type ExpectedFigure = {
  ref: string;
  amounts?: number[];
  range?: [number, number];
  text?: string;
  texts?: string[];
  pattern?: RegExp;
};

function pickVariant(
  variants: Variant[],
  option: string | undefined,
  years?: number,
  days?: number,
): Variant | undefined {
  const chosen = option ?? (variants.some((v) => v.option === 'offshore') ? 'offshore' : 'standard');
  return variants
    .filter(
      (v) =>
        v.option === chosen &&
        (years === undefined || v.years === undefined || v.years === years) &&
        (days === undefined || v.days === undefined || v.days === days),
    )
    .sort((a, b) => (a.years ?? 0) - (b.years ?? 0) || (a.days ?? 0) - (b.days ?? 0))[0];
}

/**
 * Resolves one reference against the knowledge data.
 * @throws Error when the reference names nothing in the files (a broken eval case must fail loudly)
 */
export function resolveFigure(ref: FigureRef, kb: KnowledgeData, language: Language = 'en'): ExpectedFigure {
  if ('topic_ref' in ref) {
    const topic = kb.topics.find((t) => t.id === ref.topic_ref);
    if (!topic) throw new Error(`topic_ref ${ref.topic_ref}: no such topic`);
    return { ref: `topic.${ref.topic_ref}`, text: topic.answer[language] };
  }
  if ('deadline_ref' in ref) {
    const file = parseYaml(readFileSync(join(kb.dir, 'tax-deadlines.yaml'), 'utf8')) as {
      deadlines: Array<{ id: string; name: string; day: number | 'last'; month?: number }>;
    };
    const deadline = file.deadlines.find((d) => d.id === ref.deadline_ref);
    if (!deadline) throw new Error(`deadline_ref ${ref.deadline_ref}: no such deadline`);
    // `day: last` is written as a date: the last day of the deadline's month (any month's when it has none).
    const day =
      deadline.day !== 'last'
        ? String(deadline.day)
        : deadline.month
          ? String(new Date(Date.UTC(2001, deadline.month, 0)).getUTCDate())
          : '(?:28|29|30|31)';
    return {
      ref: `deadline.${ref.deadline_ref}`,
      // Italian and Indonesian answers name the filing as translations.yaml translates it.
      texts: [nameIn(kb, deadline.name.split(' (')[0], language)],
      pattern: new RegExp(`\\b${day}\\b`),
    };
  }
  if ('price_ref' in ref) {
    const [itemId, option, span] = ref.price_ref.split('.');
    const item = kb.items.find((i) => i.id === itemId);
    if (!item) throw new Error(`price_ref ${ref.price_ref}: no item ${itemId}`);
    const years = span?.endsWith('y') ? Number(span.slice(0, -1)) : undefined;
    const days = span?.endsWith('d') ? Number(span.slice(0, -1)) : undefined;
    const variant = pickVariant(item.variants, option, years, days);
    if (!variant) throw new Error(`price_ref ${ref.price_ref}: no such variant`);
    return { ref: ref.price_ref, amounts: [variant.amount] };
  }
  if ('package_ref' in ref) {
    const pkg = kb.packages.find((p) => p.id === ref.package_ref);
    if (!pkg) throw new Error(`package_ref ${ref.package_ref}: no such package`);
    let total = 0;
    for (const line of pkg.items) {
      const item = kb.items.find((i) => i.id === line.item)!;
      if (item.contact_for_quote) continue;
      total += pickVariant(item.variants, line.option, line.years, line.days)!.amount;
    }
    return { ref: ref.package_ref, amounts: [total] };
  }
  if ('time_ref' in ref) {
    const pt = kb.processingTimes.find((p) => p.id === ref.time_ref);
    if (!pt) throw new Error(`time_ref ${ref.time_ref}: no such processing time`);
    return { ref: ref.time_ref, range: [pt.min, pt.max] };
  }
  if ('company_ref' in ref) {
    const value = kb.company[ref.company_ref];
    if (typeof value !== 'string') throw new Error(`company_ref ${ref.company_ref}: no such field`);
    return { ref: `company.${ref.company_ref}`, text: value };
  }
  if ('visa_ref' in ref) {
    const [code, field] = ref.visa_ref.split('.') as [string, 'purpose' | 'duration' | 'extensions' | 'eligibility'];
    const visa = kb.visas.find((v) => v.code === code);
    const value = visa?.[field];
    if (typeof value !== 'string') throw new Error(`visa_ref ${ref.visa_ref}: no such visa or field`);
    // Italian and Indonesian answers quote the field as translations.yaml translates it.
    const text = language === 'en' || !kb.translations ? value : kb.translations.get(value)?.[language];
    if (!text) throw new Error(`visa_ref ${ref.visa_ref}: no ${language} translation`);
    return { ref: `visa.${ref.visa_ref}`, text };
  }
  if ('documents_ref' in ref) {
    const [kind, id] = ref.documents_ref.split(':');
    const documents =
      kind === 'visa'
        ? kb.visas.find((v) => v.code === id)?.documents
        : kb.checklists.find((c) => c.service === id)?.documents;
    if (!documents?.length) throw new Error(`documents_ref ${ref.documents_ref}: no documents`);
    // Italian and Indonesian answers list the documents as translations.yaml translates them.
    const texts =
      language === 'en'
        ? documents
        : documents.map((d) => {
            // Data loaded by an older loader has no translations: the documents are checked as written.
            const translated = kb.translations ? kb.translations.get(d)?.[language] : d;
            if (!translated)
              throw new Error(`documents_ref ${ref.documents_ref}: "${d}" has no ${language} translation`);
            return translated;
          });
    return { ref: `documents.${ref.documents_ref}`, texts };
  }
  if ('requirement_ref' in ref) {
    const [kind, id] = ref.requirement_ref.split(':');
    const note = (kind === 'general' ? kb.kbliRequirements.general : kb.kbliRequirements.rules).find(
      (n) => n.id === id,
    );
    if (!note) throw new Error(`requirement_ref ${ref.requirement_ref}: no such note`);
    // Italian and Indonesian answers quote the note as translations.yaml translates it.
    const text = language === 'en' || !kb.translations ? note.text : kb.translations.get(note.text)?.[language];
    if (!text) throw new Error(`requirement_ref ${ref.requirement_ref}: no ${language} translation`);
    return { ref: `requirement.${ref.requirement_ref}`, text };
  }
  if ('team_ref' in ref) {
    const member = kb.team.members.find((m) => m.id === ref.team_ref);
    if (!member) throw new Error(`team_ref ${ref.team_ref}: no such member`);
    return { ref: `team.${ref.team_ref}`, text: nameIn(kb, member.role, language) };
  }
  if ('department_ref' in ref) {
    const department = kb.team.departments.find((d) => d.id === ref.department_ref);
    if (!department) throw new Error(`department_ref ${ref.department_ref}: no such department`);
    return { ref: `department.${ref.department_ref}`, text: nameIn(kb, department.name, language) };
  }
  const entry = kb.kbli.codes.find((c) => c.code === ref.kbli_ref);
  if (!entry) throw new Error(`kbli_ref ${ref.kbli_ref}: not in kbli.yaml`);
  return { ref: `kbli.${ref.kbli_ref}`, text: entry.code };
}

/** A name (a role, a department) as an answer in `language` shows it: translated where translations.yaml has it. */
function nameIn(kb: KnowledgeData, name: string, language: Language): string {
  return language === 'en' ? name : (kb.translations?.get(name)?.[language] ?? name);
}

/** Every IDR amount written in an answer ("IDR 12,500,000", "Rp 12.500.000"). */
export function amountsIn(text: string): number[] {
  // Only written-out amounts: "IDR 10 billion" in a note is a rule, not a price.
  return [...text.matchAll(/(?:IDR|Rp)\s?(\d{1,3}(?:[.,\u00a0]\d{3})+)(?![.,]?\d)/g)].map((m) =>
    Number(m[1].replace(/[^\d]/g, '')),
  );
}

/** The expected figures missing from an answer (empty when every figure is right). */
export function missingFigures(answer: string, expected: ExpectedFigure[]): string[] {
  const amounts = new Set(amountsIn(answer));
  const missing: string[] = [];
  for (const figure of expected) {
    if (figure.amounts && !figure.amounts.every((a) => amounts.has(a))) missing.push(figure.ref);
    if (figure.range && !new RegExp(`\\b${figure.range[0]}\\s*[–-]\\s*${figure.range[1]}\\b`).test(answer))
      missing.push(figure.ref);
    if (figure.text && !answer.includes(figure.text)) missing.push(figure.ref);
    if (figure.texts && !figure.texts.every((t) => answer.includes(t))) missing.push(figure.ref);
    if (figure.pattern && !figure.pattern.test(answer)) missing.push(figure.ref);
  }
  return missing;
}

/**
 * Amounts in an answer that the price list cannot account for: every amount must be a list price, a package
 * total, a multiple of a list price (quantity) or the sum of the other amounts shown (a quote total).
 */
export function unexplainedAmounts(answer: string, kb: KnowledgeData): number[] {
  const listed = new Set<number>(kb.items.flatMap((i) => i.variants.map((v) => v.amount)));
  const amounts = amountsIn(answer);
  // Government fees stated in topics.yaml (the visa-on-arrival fee) are facts too, but never multiplied or summed.
  const stated = new Set((kb.topics ?? []).flatMap((t) => [t.answer.en, t.answer.it, t.answer.id].flatMap(amountsIn)));
  return amounts.filter((amount, index) => {
    if (listed.has(amount) || stated.has(amount)) return false;
    if ([...listed].some((price) => amount % price === 0 && amount / price <= 100)) return false;
    const others = amounts.filter((_, j) => j !== index);
    // A total (or a package subtotal) is the sum of some of the amounts before it.
    const before = others.slice(0, index);
    for (let start = 0; start < before.length; start++) {
      let sum = 0;
      for (let end = start; end < before.length; end++) {
        sum += before[end];
        if (sum === amount) return false;
      }
    }
    return true;
  });
}
