import type { AnyHandler } from '../../handlers/handler.ts';
import { LexicalRanker, type RankedTool } from './lexical-ranker.ts';
import { documentFromHandler } from './tool-documents.ts';

export type SelectToolsOptions = {
  /** How many relevant handlers to offer besides the pinned ones. */
  k: number;
  /** Keys always offered (when present in `handlers`), before the ranked ones, e.g. `system.handlers.search`. */
  pinned?: string[];
};

type CachedIndex = { handlers: readonly AnyHandler[]; ranker: LexicalRanker; positions: Map<string, number> };

// Built once per handler list. By array identity first; `registry.listFor()` returns a fresh array on each call,
// so also by the list of keys, checked against the very same handler objects.
const byArray = new WeakMap<readonly AnyHandler[], CachedIndex>();
const byKeys = new Map<string, CachedIndex>();
const MAX_KEYED_INDEXES = 32;

/** The ranker for a handler list, built on first use and cached. */
export function rankerFor(handlers: readonly AnyHandler[]): CachedIndex {
  const cached = byArray.get(handlers);
  if (cached) return cached;
  const signature = handlers.map((h) => h.key).join('\n');
  const keyed = byKeys.get(signature);
  if (keyed && keyed.handlers.every((h, i) => h === handlers[i])) {
    byArray.set(handlers, keyed);
    return keyed;
  }
  const index: CachedIndex = {
    handlers: [...handlers],
    ranker: new LexicalRanker(handlers.map(documentFromHandler)),
    positions: new Map(handlers.map((h, i) => [h.key, i])),
  };
  byArray.set(handlers, index);
  if (byKeys.size >= MAX_KEYED_INDEXES) byKeys.delete(byKeys.keys().next().value!);
  byKeys.set(signature, index);
  return index;
}

/**
 * Picks the handlers to offer a model for one query: the pinned ones, then up to `k` others ranked by lexical
 * relevance (BM25F over key, description, field names and descriptions, and examples; English, Italian and
 * Indonesian with accent folding, light stemming and a synonym map). Handlers with no overlap at all with the
 * query are not offered, so an off-topic query gets only the pinned set.
 *
 * @example selectTools(registry.listFor(principal), 'Quanto costa il KITAS E33G?', { k: 8, pinned: ['system.handlers.search'] })
 */
export function selectTools(
  handlers: AnyHandler[],
  query: string,
  options: { k: number; pinned?: string[] },
): AnyHandler[] {
  const { handlers: indexed, ranker, positions } = rankerFor(handlers);
  const pinnedPositions = new Set<number>();
  for (const key of options.pinned ?? []) {
    const position = positions.get(key);
    if (position !== undefined) pinnedPositions.add(position);
  }
  const ranked = ranker.rank(query, options.k, pinnedPositions);
  return [...[...pinnedPositions].map((i) => indexed[i]), ...ranked.map((r) => indexed[r.index])];
}

/** The ranking behind `selectTools`, with scores (for `system.handlers.search`, evals and debugging). */
export function rankHandlers(
  handlers: AnyHandler[],
  query: string,
  k: number,
): Array<RankedTool & { handler: AnyHandler }> {
  const { handlers: indexed, ranker } = rankerFor(handlers);
  return ranker.rank(query, k).map((r) => ({ ...r, handler: indexed[r.index] }));
}
