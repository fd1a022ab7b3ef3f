/** Warnings from the facts that apply to an item, a category, or the topics a text mentions. */
import type { KnowledgeData } from './load-knowledge.ts';
import type { Warning } from './schemas.ts';
import { normalize, tokenize } from './text-match.ts';

export type WarningInfo = Pick<Warning, 'id' | 'text' | 'verify' | 'source' | 'last_verified'> & {
  verify_note: string | null;
};

export class Warnings {
  readonly #data: KnowledgeData;

  constructor(data: KnowledgeData) {
    this.#data = data;
  }

  /** Warnings that apply to an item or category, or whose topics a text mentions. */
  for(target: { itemId?: string; category?: string; text?: string }): WarningInfo[] {
    const tokens = new Set(target.text ? tokenize(target.text) : []);
    return this.#data.warnings
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
        verify_note: w.verify ? this.#data.priceMeta.verify_note : null,
        source: w.source,
        last_verified: w.last_verified,
      }));
  }
}
