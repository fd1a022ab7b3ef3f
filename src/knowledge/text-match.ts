/**
 * Matching what people type ("KITAS lavoro", "E23 working", "kitas kerja") against the entries of the fact files:
 * accent- and case-insensitive tokens, stop words in English, Italian and Indonesian dropped, rare words weigh more
 * than common ones (a light IDF), prefixes count ("retire" finds "retirement"), codes count most.
 */

import { foldWords, STOP_WORDS } from '../text/analysis.ts';

/** Lower case, accents removed, anything but letters and digits becomes a space (the shared fold). */
export const normalize = foldWords;

/**
 * Words that ask about any entry ("price", "bali", "harga") on top of the shared function words: a fact lookup
 * ignores them. "it" stays meaningful here ("IT consulting").
 */
const QUERY_FILLER = new Set(
  'much cost price prices bali indonesia info information costa prezzo harga biaya'.split(' '),
);

function isFiller(token: string): boolean {
  return token !== 'it' && (STOP_WORDS.has(token) || QUERY_FILLER.has(token));
}

/** Meaningful tokens of a text (stop words dropped unless nothing else is left). */
export function tokenize(text: string): string[] {
  const all = normalize(text).split(' ').filter(Boolean);
  const kept = all.filter((t) => !isFiller(t));
  return kept.length ? kept : all;
}

export type MatchDocument<T> = {
  value: T;
  /** Codes ("E33G", "PT PMA"): the whole query or one of its tokens equal to a code scores highest. */
  codes: string[];
  /** Stable ids ("e23-working"): match only when the whole query is the id. */
  ids?: string[];
  /** Phrases that describe the entry (names, aliases, keywords) in any language. */
  phrases: string[];
};

export type Match<T> = { value: T; score: number };

/**
 * A small search index over fact entries.
 * @example
 * const index = new TextIndex(items.map((i) => ({ value: i, codes: [i.code], phrases: [i.name, ...i.aliases.en] })));
 * index.search('KITAS lavoro')[0].value.id; // 'e23-working'
 */
export class TextIndex<T> {
  readonly #docs: Array<IndexedDoc<T>>;
  readonly #idf = new Map<string, number>();

  constructor(documents: Array<MatchDocument<T>>) {
    this.#docs = documents.map((d) => {
      const phrases = d.phrases.map(normalize).filter(Boolean);
      const codes = new Set(
        d.codes.flatMap((c) => [normalize(c).replaceAll(' ', ''), ...normalize(c).split(' ')]).filter(Boolean),
      );
      const tokens = new Set(phrases.flatMap((p) => p.split(' ')));
      const ids = new Set((d.ids ?? []).map((i) => normalize(i).replaceAll(' ', '')));
      const multiWord = phrases.filter((p) => p.includes(' ')).map((p) => ` ${p} `);
      return { value: d.value, codes, ids, tokens, phrases: new Set(phrases), multiWord };
    });
    const df = new Map<string, number>();
    for (const doc of this.#docs)
      for (const t of new Set([...doc.tokens, ...doc.codes])) df.set(t, (df.get(t) ?? 0) + 1);
    for (const [t, n] of df) this.#idf.set(t, Math.log(1 + this.#docs.length / n));
  }

  /**
   * Entries sorted by score (best first). An entry must match at least `minCoverage` of the query's meaningful
   * words (or its code), so "quantum teleportation licence" does not answer with the alcohol licence.
   */
  search(query: string, limit = 10, minCoverage = 0.5): Array<Match<T>> {
    const tokens = tokenize(query);
    const joined = normalize(query);
    const compact = joined.replaceAll(' ', '');
    const padded = ` ${joined} `;
    if (!tokens.length) return [];
    const n = this.#docs.length;
    const scores = new Float64Array(n);
    const matched = new Uint16Array(n);
    const exact = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const doc = this.#docs[i];
      if (doc.codes.has(compact) || doc.ids.has(compact)) {
        exact[i] = 1;
        scores[i] = 10;
      }
    }
    for (const token of tokens) {
      for (const [i, s] of this.#scoresOf(token)) {
        scores[i] += s;
        matched[i]++;
      }
    }
    const results: Array<Match<T>> = [];
    for (let i = 0; i < n; i++) {
      let score = scores[i];
      if (score === 0 || (!exact[i] && matched[i] / tokens.length < minCoverage)) continue;
      const doc = this.#docs[i];
      // A whole phrase typed as it is written ("kitas kerja") is a strong signal.
      if (tokens.length > 1 && (doc.phrases.has(joined) || doc.multiWord.some((p) => padded.includes(p)))) score += 3;
      results.push({ value: doc.value, score: Math.round(score * 100) / 100 });
    }
    return results.sort((a, b) => b.score - a.score).slice(0, limit);
  }

  readonly #tokenScores = new Map<string, Array<[doc: number, score: number]>>();

  /** The entries one query word scores in, with its score in each; remembered per word (the index never changes). */
  #scoresOf(token: string): Array<[doc: number, score: number]> {
    let scores = this.#tokenScores.get(token);
    if (!scores) {
      scores = [];
      for (let i = 0; i < this.#docs.length; i++) {
        const s = this.#tokenScore(this.#docs[i], token);
        if (s > 0) scores.push([i, s]);
      }
      // A word no entry knows may be another form of one that an entry does ("affittare" ~ "affitto").
      if (!scores.length && token.length >= 5) {
        for (let i = 0; i < this.#docs.length; i++) {
          let best = 0;
          for (const t of this.#docs[i].tokens)
            if (sameWordOtherForm(token, t)) best = Math.max(best, (this.#idf.get(t) ?? 1) * 0.5);
          if (best > 0) scores.push([i, best]);
        }
      }
      if (this.#tokenScores.size >= 20_000) this.#tokenScores.clear();
      this.#tokenScores.set(token, scores);
    }
    return scores;
  }

  #tokenScore(doc: IndexedDoc<T>, token: string): number {
    if (doc.codes.has(token)) return 4 + (this.#idf.get(token) ?? 1);
    if (doc.tokens.has(token)) return this.#idf.get(token) ?? 1;
    if (token.length >= 4) {
      // Prefix either way: "retire" ~ "retirement", "restaurants" ~ "restaurant".
      let best = 0;
      for (const t of doc.tokens) {
        if (t.length >= 4 && (t.startsWith(token) || token.startsWith(t)))
          best = Math.max(best, (this.#idf.get(t) ?? 1) * 0.7);
      }
      return best;
    }
    return 0;
  }
}

/**
 * Two forms of one word: a shared stem of five letters or more and endings of at most three letters on both sides
 * ("affittare" / "affitto", "pensionato" / "pensionati"), so "professor" is not "professional".
 */
export function sameWordOtherForm(a: string, b: string): boolean {
  if (b.length < 5 || a === b) return false;
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  // The endings must look like endings: empty or starting with a vowel ("-are", "-o"), not "-sor" against "-i".
  const ending = (w: string) => w.length - n <= 3 && (w.length === n || /[aeiou]/.test(w[n]));
  // Italian number and gender: one final vowel for another ("visti" / "visto", "ville" / "villa").
  const vowel = (w: string) => w.length === n + 1 && /[aeio]/.test(w[n]);
  return (n >= 5 && ending(a) && ending(b)) || (n >= 4 && vowel(a) && vowel(b));
}

type IndexedDoc<T> = {
  value: T;
  codes: Set<string>;
  ids: Set<string>;
  tokens: Set<string>;
  phrases: Set<string>;
  /** Phrases of several words, padded with spaces, to find one whole inside the padded query. */
  multiWord: string[];
};
