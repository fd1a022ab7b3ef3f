/**
 * The knowledge base: the fact files loaded once per runtime, with the questions handlers ask of them —
 * which service did the person mean, what does it cost, what does a quote add up to, which visa fits, which KBLI
 * code, who handles it, how long it takes. Everything is computed from the files; nothing is written here.
 */
import { z } from 'zod';
import { parseEnv } from '../config/env.ts';
import { notFound, ZantaraError } from '../errors.ts';
import { defineService } from '../runtime/service.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { getKbliCode, searchKbliTable, type KbliRow } from '../kbli/kbli-table.ts';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge, type KnowledgeData, type ResolvedPriceItem } from './load-knowledge.ts';
import type {
  Category,
  KbliEntry,
  Package,
  PriceOption,
  ProcessingTime,
  Topic,
  Variant,
  Visa,
  Warning,
} from './schemas.ts';
import { normalize, TextIndex, tokenize, type Match } from './text-match.ts';
import { addCalendarDays, addWorkingDays, baliDate, workingDaysBetween } from './working-days.ts';

export const knowledgeEnv = z.object({
  ZANTARA_KNOWLEDGE_DIR: z.string().default(DEFAULT_KNOWLEDGE_DIR).describe('Directory of the fact files'),
  ZANTARA_OFFICE_ADDRESS: z.string().optional().describe('Office address shown to clients (overrides company.yaml)'),
  ZANTARA_PHONE: z.string().optional().describe('Phone / WhatsApp number shown to clients (overrides company.yaml)'),
  ZANTARA_HOURS: z.string().optional().describe('Opening hours shown to clients (overrides company.yaml)'),
  ZANTARA_QUOTE_VALIDITY_DAYS: z.coerce.number().int().min(1).max(365).default(30).describe('Days a quote stays valid'),
});
export type KnowledgeConfig = z.infer<typeof knowledgeEnv>;

export const KBLI_EDITION = 'KBLI 2020';

/** One price variant as served: amounts in IDR integers, with a label a person can read. */
export type PriceVariant = Variant & { label: string };

export type PriceEntry = {
  id: string;
  code: string | null;
  name: string;
  category: Category;
  currency: 'IDR';
  contact_for_quote: boolean;
  price_note: string | null;
  variants: PriceVariant[];
  /** The lowest list amount, for "from" answers; null for contact-for-quote items. */
  price_from: number | null;
  per_person: boolean;
  included: string[];
  notes: string | null;
  processing_time: ProcessingTimeInfo | null;
  verify: boolean;
  verify_note: string | null;
  source: string;
  last_verified: string;
};

export type ProcessingTimeInfo = {
  id: string;
  name: string;
  min: number;
  max: number;
  unit: 'working_days' | 'days';
  source: string;
  last_verified: string;
};

export type QuoteRequestLine = {
  service: string;
  option?: PriceOption;
  years?: 1 | 2;
  days?: number;
  quantity?: number;
};

export type QuoteLine = {
  item_id: string;
  code: string | null;
  name: string;
  option: PriceOption;
  years: number | null;
  days: number | null;
  unit_price: number;
  quantity: number;
  amount: number;
  from: boolean;
  verify: boolean;
  note: string | null;
  last_verified: string;
};
export type QuoteContactLine = { item_id: string; code: string | null; name: string; quantity: number; note: string };
export type PackageQuote = {
  id: string;
  name: string;
  lines: QuoteLine[];
  contact_for_quote: QuoteContactLine[];
  total: number;
  total_is_minimum: boolean;
  notes: string | null;
  verify: boolean;
  verify_note: string | null;
  source: string;
  last_verified: string;
};

export class Knowledge {
  readonly data: KnowledgeData;
  readonly config: KnowledgeConfig;
  readonly #runtime?: Runtime;
  readonly #items: TextIndex<ResolvedPriceItem>;
  readonly #visas: TextIndex<Visa>;
  readonly #kbli: TextIndex<KbliEntry>;
  readonly #packages: TextIndex<Package>;
  readonly #itemsById: Map<string, ResolvedPriceItem>;

  constructor(config: KnowledgeConfig, runtime?: Runtime) {
    this.config = config;
    this.#runtime = runtime;
    this.data = loadKnowledge(config.ZANTARA_KNOWLEDGE_DIR);
    this.#itemsById = new Map(this.data.items.map((i) => [i.id, i]));
    this.#items = new TextIndex(
      this.data.items.map((item) => ({
        value: item,
        codes: item.code ? [item.code] : [],
        ids: [item.id],
        phrases: [item.name, item.category, ...item.aliases.en, ...item.aliases.it, ...item.aliases.id],
      })),
    );
    this.#visas = new TextIndex(
      this.data.visas.map((visa) => ({
        value: visa,
        codes: [visa.code],
        phrases: [
          visa.name,
          visa.purpose,
          ...visa.keywords.en,
          ...visa.keywords.it,
          ...visa.keywords.id,
          ...visa.price_items.flatMap((id) => {
            const i = this.#itemsById.get(id)!;
            return [i.name, ...i.aliases.en, ...i.aliases.it, ...i.aliases.id];
          }),
        ],
      })),
    );
    this.#kbli = new TextIndex(
      this.data.kbli.codes.map((entry) => ({
        value: entry,
        codes: [entry.code],
        phrases: [entry.title, entry.title_en, ...entry.aliases.en, ...entry.aliases.it, ...entry.aliases.id],
      })),
    );
    this.#packages = new TextIndex(
      this.data.packages.map((p) => ({ value: p, codes: [], ids: [p.id], phrases: [p.name, ...p.aliases] })),
    );
  }

  get priceList(): { title: string; source: string; last_updated: string; currency: 'IDR' } {
    const m = this.data.priceMeta;
    return { title: m.title, source: m.source, last_updated: m.last_updated, currency: m.currency };
  }

  get disclaimer(): string {
    return this.data.priceMeta.disclaimer;
  }
  get verifyNote(): string {
    return this.data.priceMeta.verify_note;
  }

  // ---------- price list ----------

  item(id: string): ResolvedPriceItem | undefined {
    return this.#itemsById.get(id);
  }

  items(category?: Category | 'all'): ResolvedPriceItem[] {
    return !category || category === 'all' ? this.data.items : this.data.items.filter((i) => i.category === category);
  }

  /**
   * Price items matching free text in English, Italian or Indonesian, best first. Keeps only the matches close to
   * the best one, so "kitas kerja" answers with the working KITAS, not every KITAS.
   */
  matchServices(query: string, category?: Category | 'all'): Array<Match<ResolvedPriceItem>> {
    const exact = this.#itemsById.get(query.trim().toLowerCase());
    if (exact && (!category || category === 'all' || exact.category === category))
      return [{ value: exact, score: 100 }];
    const all = this.#items
      .search(query, 50)
      .filter((m) => !category || category === 'all' || m.value.category === category)
      // On equal scores, an item with a list price comes before a contact-for-quote one ("investor" → E28A before KITAP).
      .sort((a, b) => b.score - a.score || Number(a.value.contact_for_quote) - Number(b.value.contact_for_quote));
    if (!all.length) return [];
    const best = all[0].score;
    return all.filter((m) => m.score >= best * 0.75);
  }

  /** Suggestions for a query that matched nothing well: loose matches, or the category's items. */
  suggestServices(
    query: string,
    category?: Category | 'all',
    limit = 5,
  ): Array<{ id: string; code: string | null; name: string }> {
    const loose = this.#items.search(query, limit, 0).map((m) => m.value);
    const list = loose.length ? loose : this.items(category).slice(0, limit);
    return list.map((i) => ({ id: i.id, code: i.code ?? null, name: i.name }));
  }

  /** Resolves one service reference (item id, code or free text) or throws 404 service_not_found with suggestions. */
  resolveService(query: string, category?: Category | 'all'): ResolvedPriceItem {
    const matches = this.matchServices(query, category);
    if (!matches.length) throw this.serviceNotFound(query, category);
    return matches[0].value;
  }

  serviceNotFound(query: string, category?: Category | 'all'): ZantaraError {
    return notFound('service_not_found', `No service in the price list matches "${query}".`, {
      query,
      suggestions: this.suggestServices(query, category),
    });
  }

  priceEntry(item: ResolvedPriceItem): PriceEntry {
    const meta = this.data.priceMeta;
    const amounts = item.variants.filter((v) => v.option !== 'extension').map((v) => v.amount);
    return {
      id: item.id,
      code: item.code ?? null,
      name: item.name,
      category: item.category,
      currency: 'IDR',
      contact_for_quote: item.contact_for_quote,
      price_note: item.contact_for_quote ? meta.contact_note : null,
      variants: item.variants.map((v) => ({ ...v, label: variantLabel(v) })),
      price_from: amounts.length ? Math.min(...amounts) : null,
      per_person: this.#perPerson(item),
      included: item.included,
      notes: item.notes ?? null,
      processing_time: this.processingTimeFor(item),
      verify: item.verify || item.variants.some((v) => v.verify),
      verify_note: item.verify || item.variants.some((v) => v.verify) ? meta.verify_note : null,
      source: item.source,
      last_verified: item.last_verified,
    };
  }

  #perPerson(item: ResolvedPriceItem): boolean {
    return item.per_person || this.data.priceMeta.per_person_categories.includes(item.category);
  }

  /**
   * Picks the variant a quote line asks for. Defaults: offshore when the item has it (cheaper), else the standard
   * price; the shortest duration. Extensions only when asked for.
   * @throws ZantaraError 422 option_not_available, listing what is available
   */
  selectVariant(item: ResolvedPriceItem, wanted: { option?: PriceOption; years?: number; days?: number }): Variant {
    let candidates = item.variants;
    const option = wanted.option ?? (candidates.some((v) => v.option === 'offshore') ? 'offshore' : 'standard');
    candidates = candidates.filter((v) => v.option === option);
    if (wanted.years !== undefined && candidates.some((v) => v.years !== undefined))
      candidates = candidates.filter((v) => v.years === wanted.years);
    if (wanted.days !== undefined && candidates.some((v) => v.days !== undefined))
      candidates = candidates.filter((v) => v.days === wanted.days);
    candidates = [...candidates].sort((a, b) => (a.years ?? 0) - (b.years ?? 0) || (a.days ?? 0) - (b.days ?? 0));
    if (!candidates.length) {
      throw new ZantaraError(
        'option_not_available',
        `${item.name} is not available as ${[option, wanted.years && `${wanted.years} year(s)`, wanted.days && `${wanted.days} days`].filter(Boolean).join(', ')}.`,
        {
          status: 422,
          details: { service: item.id, available: item.variants.map(variantLabel) },
        },
      );
    }
    return candidates[0];
  }

  #quoteLine(item: ResolvedPriceItem, wanted: QuoteRequestLine, persons: number): QuoteLine | QuoteContactLine {
    const quantity = wanted.quantity ?? (this.#perPerson(item) ? persons : 1);
    if (item.contact_for_quote)
      return {
        item_id: item.id,
        code: item.code ?? null,
        name: item.name,
        quantity,
        note: this.data.priceMeta.contact_note,
      };
    const v = this.selectVariant(item, wanted);
    const verify = item.verify || v.verify;
    return {
      item_id: item.id,
      code: item.code ?? null,
      name: item.name,
      option: v.option,
      years: v.years ?? null,
      days: v.days ?? null,
      unit_price: v.amount,
      quantity,
      amount: v.amount * quantity,
      from: v.from,
      verify,
      note: verify ? [v.verify_note, this.data.priceMeta.verify_note].filter(Boolean).join(' — ') : null,
      last_verified: item.last_verified,
    };
  }

  /** A package with its total computed from the price list (contact-for-quote items listed, not summed). */
  packageQuote(pkg: Package, persons = 1): PackageQuote {
    const lines: QuoteLine[] = [];
    const contact: QuoteContactLine[] = [];
    for (const line of pkg.items) {
      const item = this.#itemsById.get(line.item)!;
      const quoted = this.#quoteLine(
        item,
        { service: line.item, option: line.option, years: line.years, days: line.days },
        persons,
      );
      if ('amount' in quoted) lines.push(quoted);
      else contact.push(quoted);
    }
    return {
      id: pkg.id,
      name: pkg.name,
      lines,
      contact_for_quote: contact,
      total: sum(lines.map((l) => l.amount)),
      total_is_minimum: lines.some((l) => l.from) || contact.length > 0,
      notes: pkg.notes ?? null,
      verify: pkg.verify,
      verify_note: pkg.verify ? this.verifyNote : null,
      source: pkg.source,
      last_verified: pkg.last_verified,
    };
  }

  packages(): PackageQuote[] {
    return this.data.packages.map((p) => this.packageQuote(p));
  }

  findPackage(query: string): Package | undefined {
    return (
      this.data.packages.find((p) => p.id === query.trim().toLowerCase()) ?? this.#packages.search(query, 1)[0]?.value
    );
  }

  /**
   * An itemised quote from the price list: lines, packages, contact-for-quote items apart, total, validity.
   * @throws ZantaraError 404 service_not_found / package_not_found, 422 option_not_available
   */
  quote(request: { services: QuoteRequestLine[]; packages: string[]; persons: number }, now: Date) {
    const lines: QuoteLine[] = [];
    const contact: QuoteContactLine[] = [];
    for (const wanted of request.services) {
      const quoted = this.#quoteLine(this.resolveService(wanted.service), wanted, request.persons);
      if ('amount' in quoted) lines.push(quoted);
      else contact.push(quoted);
    }
    const packages = request.packages.map((ref) => {
      const pkg = this.findPackage(ref);
      if (!pkg)
        throw notFound('package_not_found', `No package matches "${ref}".`, {
          query: ref,
          packages: this.data.packages.map((p) => ({ id: p.id, name: p.name })),
        });
      return this.packageQuote(pkg, request.persons);
    });
    const total = sum(lines.map((l) => l.amount)) + sum(packages.map((p) => p.total));
    return {
      currency: 'IDR' as const,
      persons: request.persons,
      lines,
      packages,
      contact_for_quote: [...contact, ...packages.flatMap((p) => p.contact_for_quote)],
      total,
      total_is_minimum: lines.some((l) => l.from) || packages.some((p) => p.total_is_minimum) || contact.length > 0,
      issued_on: baliDate(now),
      valid_until: addCalendarDays(now, this.config.ZANTARA_QUOTE_VALIDITY_DAYS),
      validity_days: this.config.ZANTARA_QUOTE_VALIDITY_DAYS,
      verify: lines.some((l) => l.verify) || packages.some((p) => p.verify || p.lines.some((l) => l.verify)),
      price_list: this.priceList,
      disclaimer: this.disclaimer,
    };
  }

  // ---------- processing times, warnings ----------

  processingTimeFor(item: ResolvedPriceItem): ProcessingTimeInfo | null {
    const pt =
      this.data.processingTimes.find((p) => p.applies_to.items.includes(item.id)) ??
      this.data.processingTimes.find((p) => p.applies_to.categories.includes(item.category));
    return pt ? processingInfo(pt) : null;
  }

  processingTime(id: string): ProcessingTimeInfo | null {
    const pt = this.data.processingTimes.find((p) => p.id === id);
    return pt ? processingInfo(pt) : null;
  }

  /** Warnings that apply to an item or category, or whose topics a text mentions. */
  warningsFor(target: {
    itemId?: string;
    category?: string;
    text?: string;
  }): Array<Pick<Warning, 'id' | 'text' | 'verify' | 'source' | 'last_verified'> & { verify_note: string | null }> {
    const tokens = new Set(target.text ? tokenize(target.text) : []);
    return this.data.warnings
      .filter(
        (w) =>
          w.applies_to.includes('all') ||
          (target.itemId && w.applies_to.includes(target.itemId)) ||
          (target.category && w.applies_to.includes(target.category)) ||
          w.topics.some((t) => tokens.has(normalize(t))),
      )
      .map((w) => ({
        id: w.id,
        text: w.text,
        verify: w.verify,
        verify_note: w.verify ? this.verifyNote : null,
        source: w.source,
        last_verified: w.last_verified,
      }));
  }

  /**
   * A deterministic timeline estimate from the processing times in the facts. Complexity picks the point in the
   * range (simple: low end, standard: middle, complex: high end); urgency cannot shorten government processing.
   */
  estimate(
    item: ResolvedPriceItem,
    input: {
      urgency: 'flexible' | 'normal' | 'urgent';
      complexity: 'simple' | 'standard' | 'complex';
      needed_by?: string;
    },
    now: Date,
  ) {
    const pt = this.processingTimeFor(item);
    if (!pt)
      throw new ZantaraError(
        'no_processing_time',
        `The facts hold no processing time for ${item.name}; our team will estimate it.`,
        { status: 422, details: { service: item.id } },
      );
    const likely =
      input.complexity === 'simple'
        ? pt.min
        : input.complexity === 'complex'
          ? pt.max
          : Math.ceil((pt.min + pt.max) / 2);
    const today = baliDate(now);
    const dates = {
      start: today,
      earliest: addWorkingDays(today, pt.min),
      likely: addWorkingDays(today, likely),
      latest: addWorkingDays(today, pt.max),
    };
    const notes = [
      `Estimate only, based on "${pt.name}: ${pt.min}–${pt.max} ${pt.unit === 'working_days' ? 'working days' : 'days'}" (${pt.source}, last verified ${pt.last_verified}).`,
      pt.unit === 'days'
        ? 'The source gives days without saying working days; we count them as working days, the cautious reading.'
        : null,
      'Weekends are skipped; Indonesian public holidays and document preparation time are not included.',
      input.urgency === 'urgent'
        ? 'Government processing cannot be shortened; start as soon as possible and apply offshore where the service allows it.'
        : null,
    ].filter((n): n is string => n !== null);
    let deadline: {
      needed_by: string;
      working_days_available: number;
      likely_in_time: boolean;
      start_by: string | null;
    } | null = null;
    if (input.needed_by) {
      const available = workingDaysBetween(today, input.needed_by);
      deadline = {
        needed_by: input.needed_by,
        working_days_available: available,
        likely_in_time: available >= pt.max,
        start_by: null,
      };
      if (available < pt.max)
        notes.push(
          `${input.needed_by} leaves ${available} working days, fewer than the ${pt.max} the upper estimate needs.`,
        );
    }
    return {
      estimate: true as const,
      label: 'Estimate — not a guarantee',
      service: { id: item.id, code: item.code ?? null, name: item.name },
      urgency: input.urgency,
      complexity: input.complexity,
      working_days: { min: pt.min, likely, max: pt.max },
      dates,
      deadline,
      basis: pt,
      warnings: this.warningsFor({ itemId: item.id, category: item.category }),
      notes,
    };
  }

  // ---------- visas and documents ----------

  /** A visa by code ("E33G", "c1", "kitap") or by description ("I want to retire in Bali"), best first. */
  findVisas(query: string): Array<Match<Visa>> {
    const compact = normalize(query).replaceAll(' ', '');
    const exact = this.data.visas.find((v) => normalize(v.code).replaceAll(' ', '') === compact);
    if (exact) return [{ value: exact, score: 100 }];
    const matches = this.#visas.search(query, 10);
    if (!matches.length) return [];
    return matches.filter((m) => m.score >= matches[0].score * 0.75);
  }

  visaInfo(visa: Visa) {
    const prices = visa.price_items.map((id) => this.priceEntry(this.#itemsById.get(id)!));
    const verify = visa.verify || prices.some((p) => p.verify);
    return {
      code: visa.code,
      name: visa.name,
      category: visa.category,
      purpose: visa.purpose,
      duration: visa.duration,
      extensions: visa.extensions,
      eligibility: visa.eligibility,
      requirements: visa.requirements,
      processing_time: this.processingTime(visa.processing),
      prices,
      warnings: this.warningsFor({ category: visa.category }),
      verify,
      verify_note: verify ? this.verifyNote : null,
      source: visa.source,
      last_verified: visa.last_verified,
    };
  }

  /** Documents for a service: a visa code, a price item or free text. Null when nothing matches. */
  checklist(query: string) {
    const item = this.matchServices(query)[0]?.value;
    const visa =
      this.findVisas(query)[0]?.value ??
      (item ? this.data.visas.find((v) => v.price_items.includes(item.id)) : undefined);
    if (
      visa &&
      (!item ||
        visa.price_items.includes(item.id) ||
        normalize(visa.code).replaceAll(' ', '') === normalize(query).replaceAll(' ', ''))
    ) {
      return {
        service: { code: visa.code, name: visa.name, category: visa.category },
        documents: visa.documents,
        requirements: visa.requirements,
        verify: visa.documents_verify,
        verify_note: visa.documents_verify ? this.verifyNote : null,
        source: visa.source,
        last_verified: visa.last_verified,
      };
    }
    if (!item) return null;
    const list = this.data.checklists.find((c) => c.service === item.id);
    if (!list)
      return {
        service: { code: item.code ?? null, name: item.name, category: item.category, id: item.id },
        documents: [],
        requirements: [],
        verify: true,
        verify_note: 'We hold no checklist for this service yet; our team will send you the list.',
        source: item.source,
        last_verified: item.last_verified,
      };
    return {
      service: { code: item.code ?? null, name: item.name, category: item.category, id: item.id },
      documents: list.documents,
      requirements: [],
      verify: list.verify,
      verify_note: list.verify ? this.verifyNote : null,
      source: list.source,
      last_verified: list.last_verified,
    };
  }

  // ---------- KBLI ----------

  curatedKbli(code: string): KbliEntry | undefined {
    return this.data.kbli.codes.find((c) => c.code === code);
  }

  /** One KBLI code from the curated file and, when imported, the official table. Null when neither has it. */
  async kbliByCode(code: string) {
    const curated = this.curatedKbli(code);
    const row = this.#runtime ? await getKbliCode(this.#runtime.store, code) : null;
    if (!curated && !row) return null;
    return kbliResult(code, curated, row);
  }

  /** KBLI codes for a query in Indonesian, English or Italian: curated codes first, then the imported table. */
  async searchKbli(query: string, limit = 10) {
    const curated = this.#kbli.search(query, limit);
    const best = curated[0]?.score ?? 0;
    const results = curated
      .filter((m) => m.score >= best * 0.5)
      .map((m) => ({ ...kbliResult(m.value.code, m.value, null), score: m.score }));
    if (this.#runtime && results.length < limit) {
      const rows = await searchKbliTable(this.#runtime.store, tokenize(query), limit * 2);
      for (const row of rows) {
        if (results.length >= limit) break;
        if (results.some((r) => r.code === row.code)) continue;
        results.push({ ...kbliResult(row.code, undefined, row), score: row.score });
      }
    }
    // Curated entries that also exist in the table get the official detail.
    if (this.#runtime) {
      for (const r of results) {
        if (r.curated && r.detail === null) r.detail = (await getKbliCode(this.#runtime.store, r.code))?.detail ?? null;
      }
    }
    return results;
  }

  kbliRequirements(code: string) {
    const { general, rules } = this.data.kbliRequirements;
    const withNote = <T extends { verify: boolean; verify_note?: string }>(n: T) => ({
      ...n,
      verify_note: n.verify ? (n.verify_note ?? this.verifyNote) : null,
    });
    const specific = rules
      .filter((r) => r.codes.includes(code))
      .map((r) => ({
        ...withNote(r),
        services: r.services.map((id) => this.priceEntry(this.#itemsById.get(id)!)),
      }));
    const serviceIds = [...new Set(general.flatMap((g) => g.services))];
    return {
      general: general.map(withNote),
      specific,
      services: serviceIds.map((id) => this.priceEntry(this.#itemsById.get(id)!)),
    };
  }

  // ---------- general topics (topics.yaml) ----------

  /**
   * The topics a message names through one of their phrases (any language, whole words, accents folded), in the
   * file's order: a more specific topic (visa exemption) comes before a broader one (visa on arrival).
   */
  findTopics(text: string): Array<{ topic: Topic; phrase: string }> {
    const padded = ` ${normalize(text)
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()} `;
    const found: Array<{ topic: Topic; phrase: string }> = [];
    for (const topic of this.data.topics) {
      const phrases = [...topic.match.en, ...topic.match.it, ...topic.match.id].map((m) =>
        normalize(m)
          .replace(/[^a-z0-9]+/g, ' ')
          .trim(),
      );
      const hit = phrases.filter((m) => padded.includes(` ${m} `)).sort((a, b) => b.length - a.length)[0];
      if (hit) found.push({ topic, phrase: hit });
    }
    return found;
  }

  // ---------- team and contact ----------

  contact() {
    const c = this.data.company;
    const overridden = {
      office: this.config.ZANTARA_OFFICE_ADDRESS,
      phone: this.config.ZANTARA_PHONE,
      hours: this.config.ZANTARA_HOURS,
    };
    return {
      legal_name: c.legal_name,
      trading_name: c.trading_name,
      motto: c.motto,
      email: c.email,
      languages: c.languages,
      office: overridden.office ?? c.office,
      phone: overridden.phone ?? c.phone,
      whatsapp: overridden.phone ?? c.whatsapp,
      hours: overridden.hours ?? c.hours,
      timezone: c.timezone,
      timezone_label: c.timezone_label,
      configured_from_env: Object.entries(overridden)
        .filter(([, v]) => v !== undefined)
        .map(([k]) => k),
      source: c.source,
      last_verified: c.last_verified,
    };
  }

  /** Team members who handle a service (item id or category), best fit first. */
  teamFor(service: { itemId?: string; category?: string }) {
    return this.data.team.members
      .filter(
        (m) =>
          (service.itemId && m.services.includes(service.itemId)) ||
          (service.category && m.services.includes(service.category)),
      )
      .sort(
        (a, b) => Number(b.services.includes(service.itemId ?? '')) - Number(a.services.includes(service.itemId ?? '')),
      );
  }
}

function kbliResult(code: string, curated: KbliEntry | undefined, row: KbliRow | null) {
  return {
    code,
    level: row?.level ?? 'kelompok',
    title: row?.title ?? curated!.title,
    title_en: curated?.title_en ?? null,
    detail: row?.detail ?? null,
    notes: curated?.notes ?? null,
    curated: Boolean(curated),
    edition: KBLI_EDITION,
    source: curated ? curated.source : 'BPS KBLI 2020 (imported official list)',
    last_verified: curated?.last_verified ?? null,
  };
}

function processingInfo(pt: ProcessingTime): ProcessingTimeInfo {
  return {
    id: pt.id,
    name: pt.name,
    min: pt.min,
    max: pt.max,
    unit: pt.unit,
    source: pt.source,
    last_verified: pt.last_verified,
  };
}

export function variantLabel(v: Variant): string {
  const parts: string[] = [v.option];
  if (v.years) parts.push(`${v.years} year${v.years > 1 ? 's' : ''}`);
  if (v.days) parts.push(`${v.days} days`);
  if (v.unit) parts.push(v.unit);
  return (v.from ? 'from: ' : '') + parts.join(', ');
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** The knowledge base of a runtime, loaded (and validated) on first use. */
export const knowledgeService = defineService(
  'knowledge',
  (runtime) => new Knowledge(parseEnv(knowledgeEnv, runtime.env), runtime),
);
