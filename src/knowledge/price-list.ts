/** The price list: finding a service from free text, and serving an item with its variants and processing time. */
import { notFound, ZantaraError } from '../errors.ts';
import type { KnowledgeData, ResolvedPriceItem } from './load-knowledge.ts';
import type { ProcessingTimeInfo, ProcessingTimes } from './processing-times.ts';
import type { Category, PriceOption, Variant } from './schemas.ts';
import { TextIndex, type Match } from './text-match.ts';

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

export class PriceList {
  readonly #data: KnowledgeData;
  readonly #processingTimes: ProcessingTimes;
  readonly #index: TextIndex<ResolvedPriceItem>;
  readonly #byId: Map<string, ResolvedPriceItem>;

  constructor(data: KnowledgeData, processingTimes: ProcessingTimes) {
    this.#data = data;
    this.#processingTimes = processingTimes;
    this.#byId = new Map(data.items.map((i) => [i.id, i]));
    this.#index = new TextIndex(
      data.items.map((item) => ({
        value: item,
        codes: item.code ? [item.code] : [],
        ids: [item.id],
        phrases: [item.name, item.category, ...item.aliases.en, ...item.aliases.it, ...item.aliases.id],
      })),
    );
  }

  item(id: string): ResolvedPriceItem | undefined {
    return this.#byId.get(id);
  }

  items(category?: Category | 'all'): ResolvedPriceItem[] {
    return !category || category === 'all' ? this.#data.items : this.#data.items.filter((i) => i.category === category);
  }

  /**
   * Price items matching free text in English, Italian or Indonesian, best first. Keeps only the matches close to
   * the best one, so "kitas kerja" answers with the working KITAS, not every KITAS.
   */
  match(query: string, category?: Category | 'all'): Array<Match<ResolvedPriceItem>> {
    const exact = this.#byId.get(query.trim().toLowerCase());
    if (exact && (!category || category === 'all' || exact.category === category))
      return [{ value: exact, score: 100 }];
    const all = this.#index
      .search(query, 50)
      .filter((m) => !category || category === 'all' || m.value.category === category)
      // On equal scores, an item with a list price comes before a contact-for-quote one ("investor" → E28A before KITAP).
      .sort((a, b) => b.score - a.score || Number(a.value.contact_for_quote) - Number(b.value.contact_for_quote));
    if (!all.length) return [];
    const best = all[0].score;
    return all.filter((m) => m.score >= best * 0.75);
  }

  /** Suggestions for a query that matched nothing well: loose matches, or the category's items. */
  suggest(
    query: string,
    category?: Category | 'all',
    limit = 5,
  ): Array<{ id: string; code: string | null; name: string }> {
    const loose = this.#index.search(query, limit, 0).map((m) => m.value);
    const list = loose.length ? loose : this.items(category).slice(0, limit);
    return list.map((i) => ({ id: i.id, code: i.code ?? null, name: i.name }));
  }

  /** Resolves one service reference (item id, code or free text) or throws 404 service_not_found with suggestions. */
  resolve(query: string, category?: Category | 'all'): ResolvedPriceItem {
    const matches = this.match(query, category);
    if (!matches.length) throw this.notFound(query, category);
    return matches[0].value;
  }

  notFound(query: string, category?: Category | 'all'): ZantaraError {
    return notFound('service_not_found', `No service in the price list matches "${query}".`, {
      query,
      suggestions: this.suggest(query, category),
    });
  }

  entry(item: ResolvedPriceItem): PriceEntry {
    const meta = this.#data.priceMeta;
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
      per_person: this.perPerson(item),
      included: item.included,
      notes: item.notes ?? null,
      processing_time: this.#processingTimes.forItem(item),
      verify: item.verify || item.variants.some((v) => v.verify),
      verify_note: item.verify || item.variants.some((v) => v.verify) ? meta.verify_note : null,
      source: item.source,
      last_verified: item.last_verified,
    };
  }

  perPerson(item: ResolvedPriceItem): boolean {
    return item.per_person || this.#data.priceMeta.per_person_categories.includes(item.category);
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
}

/** What the price list is, as every price answer cites it. */
export function priceListInfo(data: KnowledgeData): {
  title: string;
  source: string;
  last_updated: string;
  currency: 'IDR';
} {
  const m = data.priceMeta;
  return { title: m.title, source: m.source, last_updated: m.last_updated, currency: m.currency };
}

export function variantLabel(v: Variant): string {
  const parts: string[] = [v.option];
  if (v.years) parts.push(`${v.years} year${v.years > 1 ? 's' : ''}`);
  if (v.days) parts.push(`${v.days} days`);
  if (v.unit) parts.push(v.unit);
  return (v.from ? 'from: ' : '') + parts.join(', ');
}
