/** Processing times from the facts: which range applies to a price item, or one range by id. */
import type { KnowledgeData, ResolvedPriceItem } from './load-knowledge.ts';
import type { ProcessingTime } from './schemas.ts';

export type ProcessingTimeInfo = {
  id: string;
  name: string;
  min: number;
  max: number;
  unit: 'working_days' | 'days';
  source: string;
  last_verified: string;
};

export class ProcessingTimes {
  readonly #data: KnowledgeData;

  constructor(data: KnowledgeData) {
    this.#data = data;
  }

  /** The range for an item: one naming the item itself first, else one naming its category. */
  forItem(item: ResolvedPriceItem): ProcessingTimeInfo | null {
    const pt =
      this.#data.processingTimes.find((p) => p.applies_to.items.includes(item.id)) ??
      this.#data.processingTimes.find((p) => p.applies_to.categories.includes(item.category));
    return pt ? processingInfo(pt) : null;
  }

  byId(id: string): ProcessingTimeInfo | null {
    const pt = this.#data.processingTimes.find((p) => p.id === id);
    return pt ? processingInfo(pt) : null;
  }
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
