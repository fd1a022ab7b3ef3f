/** Quotes and packages: itemised totals computed from the price list, never stored. */
import { notFound } from '../errors.ts';
import type { KnowledgeData, ResolvedPriceItem } from './load-knowledge.ts';
import { priceListInfo, type PriceList } from './price-list.ts';
import type { Package, PriceOption } from './schemas.ts';
import { TextIndex } from './text-match.ts';
import { addCalendarDays, baliDate } from './working-days.ts';

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

export class Quotes {
  readonly #data: KnowledgeData;
  readonly #prices: PriceList;
  readonly #validityDays: number;
  readonly #packages: TextIndex<Package>;

  constructor(data: KnowledgeData, prices: PriceList, validityDays: number) {
    this.#data = data;
    this.#prices = prices;
    this.#validityDays = validityDays;
    this.#packages = new TextIndex(
      data.packages.map((p) => ({ value: p, codes: [], ids: [p.id], phrases: [p.name, ...p.aliases] })),
    );
  }

  #quoteLine(item: ResolvedPriceItem, wanted: QuoteRequestLine, persons: number): QuoteLine | QuoteContactLine {
    const quantity = wanted.quantity ?? (this.#prices.perPerson(item) ? persons : 1);
    if (item.contact_for_quote)
      return {
        item_id: item.id,
        code: item.code ?? null,
        name: item.name,
        quantity,
        note: this.#data.priceMeta.contact_note,
      };
    const v = this.#prices.selectVariant(item, wanted);
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
      note: verify ? [v.verify_note, this.#data.priceMeta.verify_note].filter(Boolean).join(' — ') : null,
      last_verified: item.last_verified,
    };
  }

  /** A package with its total computed from the price list (contact-for-quote items listed, not summed). */
  packageQuote(pkg: Package, persons = 1): PackageQuote {
    const lines: QuoteLine[] = [];
    const contact: QuoteContactLine[] = [];
    for (const line of pkg.items) {
      const item = this.#prices.item(line.item)!;
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
      verify_note: pkg.verify ? this.#data.priceMeta.verify_note : null,
      source: pkg.source,
      last_verified: pkg.last_verified,
    };
  }

  packages(): PackageQuote[] {
    return this.#data.packages.map((p) => this.packageQuote(p));
  }

  findPackage(query: string): Package | undefined {
    return (
      this.#data.packages.find((p) => p.id === query.trim().toLowerCase()) ?? this.#packages.search(query, 1)[0]?.value
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
      const quoted = this.#quoteLine(this.#prices.resolve(wanted.service), wanted, request.persons);
      if ('amount' in quoted) lines.push(quoted);
      else contact.push(quoted);
    }
    const packages = request.packages.map((ref) => {
      const pkg = this.findPackage(ref);
      if (!pkg)
        throw notFound('package_not_found', `No package matches "${ref}".`, {
          query: ref,
          packages: this.#data.packages.map((p) => ({ id: p.id, name: p.name })),
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
      valid_until: addCalendarDays(now, this.#validityDays),
      validity_days: this.#validityDays,
      verify: lines.some((l) => l.verify) || packages.some((p) => p.verify || p.lines.some((l) => l.verify)),
      price_list: priceListInfo(this.#data),
      disclaimer: this.#data.priceMeta.disclaimer,
    };
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
