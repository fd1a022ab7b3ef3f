/** KBLI business codes: the curated file first, then the imported official table when the runtime has one. */
import { getKbliCode, searchKbliTable, type KbliRow } from '../kbli/kbli-table.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { KnowledgeData } from './load-knowledge.ts';
import type { PriceList } from './price-list.ts';
import type { KbliEntry } from './schemas.ts';
import { TextIndex, tokenize } from './text-match.ts';

export const KBLI_EDITION = 'KBLI 2020';

export class KbliCodes {
  readonly #data: KnowledgeData;
  readonly #prices: PriceList;
  readonly #runtime?: Runtime;
  readonly #index: TextIndex<KbliEntry>;

  constructor(data: KnowledgeData, prices: PriceList, runtime?: Runtime) {
    this.#data = data;
    this.#prices = prices;
    this.#runtime = runtime;
    this.#index = new TextIndex(
      data.kbli.codes.map((entry) => ({
        value: entry,
        codes: [entry.code],
        phrases: [entry.title, entry.title_en, ...entry.aliases.en, ...entry.aliases.it, ...entry.aliases.id],
      })),
    );
  }

  curated(code: string): KbliEntry | undefined {
    return this.#data.kbli.codes.find((c) => c.code === code);
  }

  /** One KBLI code from the curated file and, when imported, the official table. Null when neither has it. */
  async byCode(code: string) {
    const curated = this.curated(code);
    const row = this.#runtime ? await getKbliCode(this.#runtime.store, code) : null;
    if (!curated && !row) return null;
    return kbliResult(code, curated, row);
  }

  /** KBLI codes for a query in Indonesian, English or Italian: curated codes first, then the imported table. */
  async search(query: string, limit = 10) {
    const curated = this.#index.search(query, limit);
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

  requirements(code: string) {
    const { general, rules } = this.#data.kbliRequirements;
    const withNote = <T extends { verify: boolean; verify_note?: string }>(n: T) => ({
      ...n,
      verify_note: n.verify ? (n.verify_note ?? this.#data.priceMeta.verify_note) : null,
    });
    const specific = rules
      .filter((r) => r.codes.includes(code))
      .map((r) => ({
        ...withNote(r),
        services: r.services.map((id) => this.#prices.entry(this.#prices.item(id)!)),
      }));
    const serviceIds = [...new Set(general.flatMap((g) => g.services))];
    return {
      general: general.map(withNote),
      specific,
      services: serviceIds.map((id) => this.#prices.entry(this.#prices.item(id)!)),
    };
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
