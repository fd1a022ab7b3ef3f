/** Visas and documents: which visa a code or description names, what it needs, what it costs. */
import type { KnowledgeData } from './load-knowledge.ts';
import type { PriceList } from './price-list.ts';
import type { ProcessingTimes } from './processing-times.ts';
import type { Visa } from './schemas.ts';
import { normalize, TextIndex, type Match } from './text-match.ts';
import type { Warnings } from './warnings.ts';

export class Visas {
  readonly #data: KnowledgeData;
  readonly #prices: PriceList;
  readonly #processingTimes: ProcessingTimes;
  readonly #warnings: Warnings;
  readonly #index: TextIndex<Visa>;

  constructor(data: KnowledgeData, prices: PriceList, processingTimes: ProcessingTimes, warnings: Warnings) {
    this.#data = data;
    this.#prices = prices;
    this.#processingTimes = processingTimes;
    this.#warnings = warnings;
    this.#index = new TextIndex(
      data.visas.map((visa) => ({
        value: visa,
        codes: [visa.code],
        phrases: [
          visa.name,
          visa.purpose,
          ...visa.keywords.en,
          ...visa.keywords.it,
          ...visa.keywords.id,
          ...visa.price_items.flatMap((id) => {
            const i = prices.item(id)!;
            return [i.name, ...i.aliases.en, ...i.aliases.it, ...i.aliases.id];
          }),
        ],
      })),
    );
  }

  /** A visa by code ("E33G", "c1", "kitap") or by description ("I want to retire in Bali"), best first. */
  find(query: string): Array<Match<Visa>> {
    const compact = normalize(query).replaceAll(' ', '');
    const exact = this.#data.visas.find((v) => normalize(v.code).replaceAll(' ', '') === compact);
    if (exact) return [{ value: exact, score: 100 }];
    const matches = this.#index.search(query, 10);
    if (!matches.length) return [];
    return matches.filter((m) => m.score >= matches[0].score * 0.75);
  }

  info(visa: Visa) {
    const prices = visa.price_items.map((id) => this.#prices.entry(this.#prices.item(id)!));
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
      processing_time: this.#processingTimes.byId(visa.processing),
      prices,
      warnings: this.#warnings.for({ category: visa.category }),
      verify,
      verify_note: verify ? this.#data.priceMeta.verify_note : null,
      source: visa.source,
      last_verified: visa.last_verified,
    };
  }

  /** Documents for a service: a visa code, a price item or free text. Null when nothing matches. */
  checklist(query: string) {
    const item = this.#prices.match(query)[0]?.value;
    const visa =
      this.find(query)[0]?.value ?? (item ? this.#data.visas.find((v) => v.price_items.includes(item.id)) : undefined);
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
        verify_note: visa.documents_verify ? this.#data.priceMeta.verify_note : null,
        source: visa.source,
        last_verified: visa.last_verified,
      };
    }
    if (!item) return null;
    const list = this.#data.checklists.find((c) => c.service === item.id);
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
      verify_note: list.verify ? this.#data.priceMeta.verify_note : null,
      source: list.source,
      last_verified: list.last_verified,
    };
  }
}
