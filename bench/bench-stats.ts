/** What every benchmark shares: nearest-rank percentiles and a seeded random source for synthetic data. */

/** The p-th percentile (nearest rank) of the samples: the smallest value with at least p% of them at or below it. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run builds the same data. */
export function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = [
  'ka',
  'ti',
  'sa',
  'lo',
  'mi',
  'ra',
  'pe',
  'nu',
  'ba',
  'li',
  'zo',
  'ge',
  'ta',
  'vi',
  'do',
  'ku',
  'se',
  'ma',
  'ne',
  'ri',
];

/**
 * `size` distinct made-up words of 3–4 syllables, and a word picker skewed like text after stopword removal
 * (a few words frequent, most rare).
 */
export function syntheticVocabulary(rand: () => number, size: number): { vocabulary: string[]; word: () => string } {
  const words = new Set<string>();
  while (words.size < size)
    words.add(
      Array.from({ length: 3 + Math.floor(rand() * 2) }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join(
        '',
      ),
    );
  const vocabulary = [...words];
  return { vocabulary, word: () => vocabulary[Math.floor(vocabulary.length * rand() ** 2)] };
}
