/** Timeline estimates: working-day ranges from the processing times in the facts, checked against a deadline. */
import { ZantaraError } from '../errors.ts';
import type { ResolvedPriceItem } from './load-knowledge.ts';
import type { ProcessingTimes } from './processing-times.ts';
import type { Warnings } from './warnings.ts';
import { addWorkingDays, baliDate, workingDaysBetween } from './working-days.ts';

export class TimelineEstimates {
  readonly #processingTimes: ProcessingTimes;
  readonly #warnings: Warnings;

  constructor(processingTimes: ProcessingTimes, warnings: Warnings) {
    this.#processingTimes = processingTimes;
    this.#warnings = warnings;
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
    const pt = this.#processingTimes.forItem(item);
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
      warnings: this.#warnings.for({ itemId: item.id, category: item.category }),
      notes,
    };
  }
}
