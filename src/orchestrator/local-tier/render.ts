/**
 * Renders handler results as answers in English, Italian or Indonesian. Every figure, name, note and date
 * comes from the result; the words around them come from `phrases.ts`. Each answer cites the source and
 * `last_verified` of what it quotes, keeps verify notes, and ends with the price-list disclaimer when it shows prices.
 */
import type { Language } from '../../text/language.ts';
import type { KbliLookupResult, KbliRequirementsResult } from '../../handlers/business/kbli.ts';
import type { PricingResult } from '../../handlers/business/pricing.ts';
import type { QuoteResult } from '../../handlers/business/quote.ts';
import type { ContactResult, DepartmentsResult, TeamListResult } from '../../handlers/business/team.ts';
import type { TimelineResult } from '../../handlers/business/timeline.ts';
import type { TopicResult } from '../../handlers/business/topics.ts';
import type { ChecklistResult, VisaResult } from '../../handlers/business/visa.ts';
import type { HandlerOutput } from '../../handlers/handler.ts';
import type { taxDeadlines } from '../../handlers/intelligence/intelligence-handlers.ts';
import { PHRASES, unitIn, type Phrases } from './phrases.ts';

type Note = { text: string; verify?: boolean; source?: string; last_verified?: string | null };
type DeadlineResult = HandlerOutput<typeof taxDeadlines>;
type PriceEntry = PricingResult['services'][number];
type ProcessingTimeInfo = NonNullable<PriceEntry['processing_time']>;
type QuoteLine = QuoteResult['lines'][number];
type MemberView = TeamListResult['members'][number];

/** An answer being assembled from one or more handler results; sources, verify notes and disclaimer appear once. */
export class AnswerBuilder {
  readonly language: Language;
  readonly p: Phrases;
  readonly #sections: string[] = [];
  readonly #sources = new Map<string, string>();
  #verify = false;
  #disclaimer?: { text: string; list: string };

  readonly #translations: ReadonlyMap<string, { it: string; id: string }>;

  constructor(language: Language, translations: ReadonlyMap<string, { it: string; id: string }> = new Map()) {
    this.language = language;
    this.p = PHRASES[language];
    this.#translations = translations;
  }

  /**
   * An English fact text (a note, a warning, a document) in the answer's language, from translations.yaml; null
   * when it has no translation — an Italian or Indonesian answer leaves it out rather than show it in English.
   */
  fact(text: string): string | null {
    if (this.language === 'en') return text;
    return this.#translations.get(text.trim())?.[this.language] ?? null;
  }

  /** A name (a service, a visa, a role) in the answer's language; the English name when it has no translation. */
  name(text: string): string {
    return this.fact(text) ?? text;
  }

  section(lines: Array<string | null | undefined | false>): void {
    const kept = lines.filter((l): l is string => typeof l === 'string' && l.length > 0);
    if (kept.length) this.#sections.push(kept.join('\n'));
  }

  cite(source: string, lastVerified: string | null | undefined): void {
    if (!lastVerified) return;
    const key = `${source}|${lastVerified}`;
    if (!this.#sources.has(key)) this.#sources.set(key, this.p.sourceLine(source, lastVerified));
  }

  verify(flag: boolean | undefined): void {
    if (flag) this.#verify = true;
  }

  /** The price list's disclaimer; `listName` names the list in the translated versions. */
  disclaimer(text: string, listName: string): void {
    this.#disclaimer = { text, list: listName };
  }

  get empty(): boolean {
    return this.#sections.length === 0;
  }

  toString(): string {
    const footer = [
      ...this.#sources.values(),
      this.#verify ? this.p.verify : null,
      this.#disclaimer ? this.p.disclaimer(this.#disclaimer.text, this.#disclaimer.list) : null,
    ].filter((l): l is string => l !== null);
    return [...this.#sections, footer.join('\n')].filter(Boolean).join('\n\n');
  }
}

function variantLine(p: Phrases, language: Language, v: PriceEntry['variants'][number]): string {
  const parts = [p.option[v.option]];
  if (v.years) parts.push(p.years(v.years));
  if (v.days) parts.push(p.days(v.days));
  if (v.unit) parts.push(unitIn(language, v.unit));
  return `• ${parts.join(', ')}: ${v.from ? `${p.from} ` : ''}${p.idr(v.amount)}${v.verify ? ' *' : ''}`;
}

function titleOf(a: AnswerBuilder, entry: { code: string | null; name: string }): string {
  const name = a.name(entry.name);
  return entry.code && !name.includes(entry.code) ? `${name} (${entry.code})` : name;
}

function processingLine(p: Phrases, pt: ProcessingTimeInfo | null): string | null {
  return pt ? `${p.processing(pt.min, pt.max, pt.unit)}.` : null;
}

/** What a price question asked for: a variant, a number of people, the visa together with its extension. */
export type WantedPrice = {
  option?: PriceEntry['variants'][number]['option'];
  years?: number;
  days?: number;
  persons?: number;
  withBase?: boolean;
};

/**
 * The variants to show for what was asked, and a line saying so: the asked-for variant alone ("You asked for:
 * onshore, 2 years"), every variant with "the list has no …" when it does not exist, or every variant and "which one?"
 * when the question named none and there are several.
 */
function chooseVariants(
  a: AnswerBuilder,
  entry: PriceEntry,
  wanted: WantedPrice,
): { variants: PriceEntry['variants']; line: string | null } {
  const { p } = a;
  const all = entry.variants;
  // "C2 visa from abroad": an entry with one list price has no offshore/onshore to choose between.
  if (
    (wanted.option === 'offshore' || wanted.option === 'onshore') &&
    !all.some((v) => v.option === 'offshore' || v.option === 'onshore')
  ) {
    wanted = { ...wanted, option: undefined };
  }
  // A stay length only singles out a variant on an entry priced by length ("internship visa 6 months").
  if (wanted.days && !all.some((v) => v.days !== undefined && v.days !== all[0].days))
    wanted = { ...wanted, days: undefined };
  if (!wanted.option && !wanted.years && !wanted.days) {
    return {
      variants: all,
      line: new Set(all.map((v) => `${v.option}/${v.years ?? ''}/${v.days ?? ''}`)).size > 1 ? p.whichOne : null,
    };
  }
  const label = [
    wanted.option ? p.option[wanted.option] : null,
    wanted.years ? p.years(wanted.years) : null,
    wanted.days ? p.days(wanted.days) : null,
  ]
    .filter(Boolean)
    .join(', ');
  let picked = all.filter(
    (v) =>
      !wanted.option ||
      v.option === wanted.option ||
      (wanted.withBase && wanted.option === 'extension' && v.option !== 'extension'),
  );
  // A 2-year question on an entry priced per year only is not answered with a 1-year price as if it were the same.
  const yearsKnown = !wanted.years || all.some((v) => v.years === wanted.years);
  if (wanted.years)
    picked = picked.filter((v) => v.years === wanted.years || (wanted.withBase && v.years === undefined));
  const daysKnown = !wanted.days || all.some((v) => v.days === wanted.days);
  if (wanted.days) picked = picked.filter((v) => v.days === wanted.days);
  if (!picked.length || !yearsKnown || !daysKnown) return { variants: all, line: p.noSuchVariant(label) };
  if (wanted.withBase) return { variants: picked, line: null };
  return { variants: picked, line: p.selected(label) };
}

/** One price-list entry: its variants (or "price on request"), what is included, processing time, notes. */
export function addPriceEntry(
  a: AnswerBuilder,
  entry: PriceEntry,
  options: { withNotes?: boolean; withProcessing?: boolean; wanted?: WantedPrice } = {},
): void {
  const { p, language } = a;
  const { variants, line } =
    options.wanted && !entry.contact_for_quote
      ? chooseVariants(a, entry, options.wanted)
      : { variants: entry.variants, line: null };
  const persons = options.wanted?.persons;
  const perPerson =
    persons && variants.length === 1 && entry.per_person
      ? p.forPersons(persons, p.idr(variants[0].amount * persons))
      : null;
  a.section([
    `${titleOf(a, entry)} — ${p.fee}:`,
    line,
    ...(entry.contact_for_quote ? [`• ${p.contactForQuote}`] : variants.map((v) => variantLine(p, language, v))),
    perPerson,
    included(a, entry.included),
    options.withProcessing === false ? null : processingLine(p, entry.processing_time),
    options.withNotes !== false && entry.notes && a.fact(entry.notes) ? `${p.notes}: ${a.fact(entry.notes)}` : null,
  ]);
  a.cite(entry.source, entry.last_verified);
  a.verify(entry.verify);
}

function included(a: AnswerBuilder, items: string[]): string | null {
  const shown = items.map((i) => a.fact(i)).filter((i): i is string => i !== null);
  return shown.length ? `${a.p.included}: ${shown.join(', ')}.` : null;
}

/** The entry with the lowest first-time price (extensions left out), for "which is cheaper?". */
export function renderCheapest(a: AnswerBuilder, entries: PriceEntry[]): void {
  const firstTime = entries
    .map((e) => ({ e, min: Math.min(...e.variants.filter((v) => v.option !== 'extension').map((v) => v.amount)) }))
    .filter((x) => Number.isFinite(x.min))
    .sort((x, y) => x.min - y.min);
  if (firstTime.length < 2 || firstTime[0].min === firstTime[1].min) return;
  a.section([a.p.cheapest(titleOf(a, firstTime[0].e), a.p.idr(firstTime[0].min))]);
}

export function renderPricing(a: AnswerBuilder, result: PricingResult, wanted: WantedPrice = {}): void {
  for (const entry of result.services) addPriceEntry(a, entry, { wanted });
  addWarnings(a, result.warnings);
  a.disclaimer(result.disclaimer, result.price_list.title);
}

function addWarnings(a: AnswerBuilder, warnings: Note[] | undefined, limit = 2): void {
  const shown = (warnings ?? []).filter((w) => a.fact(w.text) !== null).slice(0, limit);
  if (!shown.length) return;
  a.section(shown.map((w) => `${a.p.warning}: ${a.fact(w.text)}`));
  for (const w of shown) {
    if (w.source) a.cite(w.source, w.last_verified);
    a.verify(w.verify);
  }
}

function quoteLine(a: AnswerBuilder, line: QuoteLine): string {
  const { p } = a;
  const detail = [
    line.option === 'standard' ? null : p.option[line.option],
    line.years ? p.years(line.years) : null,
    line.days ? p.days(line.days) : null,
  ]
    .filter(Boolean)
    .join(', ');
  const quantity = line.quantity > 1 ? ` × ${line.quantity} = ${p.idr(line.amount)}` : '';
  return `• ${titleOf(a, { code: line.code, name: line.name })}${detail ? ` (${detail})` : ''}: ${line.from ? `${p.from} ` : ''}${p.idr(line.unit_price)}${quantity}${line.verify ? ' *' : ''}`;
}

export function renderQuote(a: AnswerBuilder, result: QuoteResult): void {
  const { p } = a;
  const lines: string[] = [`${p.quoteTitle}${result.persons > 1 ? ` — ${p.persons(result.persons)}` : ''}:`];
  for (const line of result.lines) {
    lines.push(quoteLine(a, line));
    a.cite(result.price_list.source, line.last_verified);
  }
  for (const pkg of result.packages) {
    lines.push(`${p.package}: ${pkg.name}`);
    for (const line of pkg.lines) lines.push(`  ${quoteLine(a, line)}`);
    lines.push(`  = ${p.idr(pkg.total)}`);
    a.cite(pkg.source, pkg.last_verified);
    a.verify(pkg.verify);
  }
  if (result.contact_for_quote.length)
    lines.push(`${p.quoteContactItems}: ${result.contact_for_quote.map((c) => titleOf(a, c)).join(', ')}`);
  lines.push(`${p.quoteTotal(result.total_is_minimum)}: ${p.idr(result.total)}`);
  lines.push(p.quoteValidity(result.valid_until));
  a.section(lines);
  a.verify(result.verify);
  a.disclaimer(result.disclaimer, result.price_list.title);
}

function labelled(label: string, text: string | null): string | null {
  return text ? `${label}: ${text}` : null;
}

function requirementsLine(a: AnswerBuilder, requirements: string[]): string | null {
  const shown = requirements.map((r) => a.fact(r)).filter((r): r is string => r !== null);
  return shown.length ? `${a.p.requirements}: ${shown.join('; ')}.` : null;
}

export function renderVisa(a: AnswerBuilder, result: VisaResult): void {
  const { p } = a;
  const v = result.visa;
  a.section([
    p.visaTitle(v.code, a.name(v.name)),
    labelled(p.purpose, a.fact(v.purpose)),
    labelled(p.duration, a.fact(v.duration)),
    labelled(p.extensions, a.fact(v.extensions)),
    labelled(p.eligibility, a.fact(v.eligibility)),
    requirementsLine(a, v.requirements),
    processingLine(p, v.processing_time),
  ]);
  a.cite(v.source, v.last_verified);
  a.verify(v.verify);
  for (const entry of v.prices) addPriceEntry(a, entry, { withNotes: false, withProcessing: false });
  if (result.alternatives.length)
    a.section([
      `${p.alsoConsider}: ${result.alternatives.map((alt) => `${alt.code} (${a.name(alt.name)})`).join(', ')}`,
    ]);
  addWarnings(a, v.warnings, 1);
  if (v.prices.length) a.disclaimer(result.disclaimer, v.prices[0].source);
}

/** The documents to prepare; false (nothing rendered) when one of them has no translation: half a list misleads. */
export function renderChecklist(a: AnswerBuilder, result: ChecklistResult): boolean {
  const { p } = a;
  const documents = result.documents.map((d) => a.fact(d));
  if (documents.some((d) => d === null)) return false;
  const requirements = result.requirements.map((r) => a.fact(r)).filter((r): r is string => r !== null);
  a.section([
    p.documentsTitle(titleOf(a, result.service)),
    ...(documents.length ? documents.map((d) => `• ${d}`) : [p.noChecklist]),
    requirements.length ? `${p.requirements}: ${requirements.join('; ')}.` : null,
  ]);
  a.cite(result.source, result.last_verified);
  a.verify(result.verify);
  return true;
}

export function renderKbli(a: AnswerBuilder, result: KbliLookupResult, limit = 3): void {
  const { p } = a;
  const shown = result.results.slice(0, limit);
  a.section([
    p.kbliTitle(result.edition),
    ...shown.map((r) => {
      // The official title is Indonesian; the English gloss and note show only where translated.
      const gloss = r.title_en ? a.fact(r.title_en) : null;
      const note = r.notes ? a.fact(r.notes) : null;
      return `• ${r.code} — ${r.title}${gloss ? ` (${gloss})` : ''}${note ? `. ${note}` : ''}`;
    }),
  ]);
  for (const r of shown) a.cite(r.source, r.last_verified);
}

/** The investment notes of a KBLI code; false (nothing rendered) when a note has no translation. */
export function renderKbliRequirements(a: AnswerBuilder, result: KbliRequirementsResult): boolean {
  const { p } = a;
  const k = result.kbli;
  const note = (n: { text: string; verify?: boolean }) => {
    const text = a.fact(n.text);
    return text === null ? null : `• ${text}${n.verify ? ' *' : ''}`;
  };
  const specific = result.specific.map(note);
  const general = result.general.map(note);
  if ([...specific, ...general].some((n) => n === null)) return false;
  const gloss = k.title_en ? a.fact(k.title_en) : null;
  a.section([
    p.kbliRequirementsTitle(k.code, `${k.title}${gloss ? ` — ${gloss}` : ''}, ${result.edition}`),
    result.specific.length ? `${p.kbliSpecific}:` : null,
    ...specific,
    `${p.kbliGeneral}:`,
    ...general,
  ]);
  for (const n of [...result.specific, ...result.general]) {
    if (n.source) a.cite(n.source, n.last_verified);
    a.verify(n.verify);
  }
  if (k.last_verified) a.cite(k.source, k.last_verified);
  const services = [...result.specific.flatMap((n) => n.services), ...result.services];
  const seen = new Set<string>();
  const unique = services.filter((s) => (seen.has(s.id) ? false : (seen.add(s.id), true)));
  if (unique.length) {
    a.section([`${p.relatedServices}:`]);
    for (const entry of unique) addPriceEntry(a, entry, { withNotes: false });
    a.disclaimer(result.disclaimer, unique[0].source);
  }
  return true;
}

const LANGUAGE_NAMES: Record<Language, Record<string, string>> = {
  en: { en: 'English', it: 'Italian', id: 'Indonesian' },
  it: { en: 'inglese', it: 'italiano', id: 'indonesiano' },
  id: { en: 'Inggris', it: 'Italia', id: 'Indonesia' },
};

function memberLine(a: AnswerBuilder, m: MemberView): string {
  const { p, language } = a;
  const who = m.placeholder
    ? `${a.name(m.role)} (${a.name(m.department.name)}; ${p.toBeConfigured})`
    : `${m.name} — ${a.name(m.role)} (${a.name(m.department.name)})`;
  const speaks = `${p.speaks} ${m.languages.map((l) => LANGUAGE_NAMES[language][l] ?? l).join(', ')}`;
  return `• ${who}: ${speaks}${m.services.length ? `; ${p.handles} ${m.services.join(', ')}` : ''}${m.email ? `; ${m.email}` : ''}`;
}

export function renderTeam(a: AnswerBuilder, result: TeamListResult, limit = 5): void {
  const { p } = a;
  if (!result.members.length) {
    a.section([p.teamNone(result.handover)]);
    return;
  }
  a.section([p.teamTitle, ...result.members.slice(0, limit).map((m) => memberLine(a, m))]);
  for (const m of result.members.slice(0, limit)) a.cite(m.source, m.last_verified);
}

export function renderDepartments(a: AnswerBuilder, result: DepartmentsResult): void {
  const { p } = a;
  a.section([
    p.departmentsTitle,
    ...result.departments.map(
      (d) =>
        `• ${a.name(d.name)}: ${a.name(d.description)} (${d.roles.map((r) => a.name(r)).join(', ')}; ${p.members(d.member_count)})`,
    ),
  ]);
  for (const d of result.departments) a.cite(d.source, d.last_verified);
}

export function renderContact(a: AnswerBuilder, c: ContactResult): void {
  const { p, language } = a;
  a.section([
    p.contactTitle(`${c.trading_name} (${c.legal_name})`),
    `• ${p.whatsapp}: ${c.whatsapp}`,
    c.phone !== c.whatsapp ? `• ${p.phone}: ${c.phone}` : null,
    `• ${p.email}: ${c.email}`,
    `• ${p.office}: ${c.office}`,
    `• ${p.hours}: ${c.hours}`,
    `• ${p.languagesServed}: ${c.languages.map((l) => LANGUAGE_NAMES[language][l] ?? l).join(', ')}`,
  ]);
  a.cite(c.source, c.last_verified);
}

export function renderTimeline(a: AnswerBuilder, r: TimelineResult): void {
  const { p } = a;
  a.section([
    `${p.timelineTitle(titleOf(a, r.service))} (${p.estimateLabel})`,
    p.timelineRange(r.working_days.min, r.working_days.likely, r.working_days.max),
    p.timelineDates(r.dates.earliest, r.dates.latest),
    processingLine(p, r.basis),
    // The handler's notes (what the estimate leaves out) are written in English.
    a.language === 'en' ? r.notes.slice(1).join(' ') || null : null,
  ]);
  a.cite(r.basis.source, r.basis.last_verified);
}

/** A general topic, answered with the text written for the answer's language in topics.yaml. */
export function renderTopic(a: AnswerBuilder, topic: TopicResult['topics'][number]): void {
  a.section([topic.answer[a.language]]);
  a.cite(topic.source, topic.last_verified);
  a.verify(topic.verify);
}

/** The next due date of a filing (and the other reading, where the sources disagree). */
export function renderDeadline(a: AnswerBuilder, d: DeadlineResult['deadlines'][number]): void {
  const { p } = a;
  // The short name ("LKPM") is the filing's own name; the English gloss in brackets is left to English answers, and
  // an English short name is shown as translations.yaml translates it.
  const name = a.language === 'en' ? d.name : a.name(d.name.split(' (')[0]);
  a.section([
    p.deadlineLine(name, d.due),
    d.alternative_due && d.alternative_due !== d.due ? p.deadlineAlternative(d.alternative_due) : null,
  ]);
  a.cite(d.source, d.last_verified);
  a.verify(d.verify);
}
