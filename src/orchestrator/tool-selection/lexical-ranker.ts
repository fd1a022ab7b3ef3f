import { foldText } from '../../text/analysis.ts';
import { analyse } from './text-analysis.ts';
import type { ToolDocument } from './tool-documents.ts';

/**
 * How much one occurrence of a term counts in each part of a tool document (BM25F-style field weights). These and
 * k1/b below were chosen by a sweep on the main evaluation set (recall@1 + recall@8), never on the held-out set.
 */
export const FIELD_WEIGHTS = { name: 8, description: 1, params: 0.4, examples: 1 } as const;

export type RankerOptions = { weights?: Partial<Record<keyof typeof FIELD_WEIGHTS, number>>; k1?: number; b?: number };

export type RankedTool = { index: number; name: string; score: number };

/**
 * A BM25F-style lexical index over a fixed list of tool documents, built once and queried many times.
 * Field-weighted term frequencies and lengths feed the usual BM25 saturation and length normalisation; a query
 * that names a tool outright (`kbli.lookup`, `kbli-lookup`) puts that tool first.
 *
 * @example
 * const ranker = new LexicalRanker(handlers.map(documentFromHandler));
 * ranker.rank('Quanto costa il KITAS E33G?', 8) // [{ name: 'bali.zero.pricing', ... }, ...]
 */
export class LexicalRanker {
  readonly size: number;
  readonly #names: string[];
  readonly #postings = new Map<string, Array<{ doc: number; tf: number }>>();
  readonly #lengths: Float64Array;
  readonly #averageLength: number;
  readonly #nameLookup = new Map<string, number>();
  readonly #k1: number;
  readonly #b: number;

  constructor(documents: readonly ToolDocument[], options: RankerOptions = {}) {
    const fieldWeights = { ...FIELD_WEIGHTS, ...options.weights };
    this.#k1 = options.k1 ?? 2;
    this.#b = options.b ?? 0.3;
    this.size = documents.length;
    this.#names = documents.map((d) => d.name);
    this.#lengths = new Float64Array(documents.length);
    documents.forEach((doc, index) => {
      const weights = new Map<string, number>();
      let length = 0;
      const add = (text: string, weight: number) => {
        for (const term of analyse(text)) {
          weights.set(term, (weights.get(term) ?? 0) + weight);
          length += weight;
        }
      };
      add(doc.name, fieldWeights.name);
      add(doc.description, fieldWeights.description);
      for (const p of doc.params) add(p, fieldWeights.params);
      for (const e of doc.examples) add(e, fieldWeights.examples);
      this.#lengths[index] = length;
      for (const [term, tf] of weights) {
        const list = this.#postings.get(term) ?? [];
        list.push({ doc: index, tf });
        this.#postings.set(term, list);
      }
      // Only compound names (`kbli.lookup`, `get_weather`) count as named outright: a plain word is just a word.
      const folded = foldText(doc.name);
      if (/[._-]/.test(folded)) this.#nameLookup.set(folded.replace(/[.-]/g, '_'), index);
    });
    const total = this.#lengths.reduce((sum, l) => sum + l, 0);
    this.#averageLength = documents.length ? total / documents.length || 1 : 1;
  }

  /** Scores of every document for a query (0 for no overlap). */
  scores(query: string): Float64Array {
    const scores = new Float64Array(this.size);
    const terms = new Map<string, number>();
    for (const term of analyse(query)) terms.set(term, (terms.get(term) ?? 0) + 1);
    for (const [term, queryCount] of terms) {
      const postings = this.#postings.get(term);
      if (!postings) continue;
      const idf = Math.log(1 + (this.size - postings.length + 0.5) / (postings.length + 0.5));
      // Repeating a word in the query counts, but less than once per repetition.
      const queryWeight = 1 + Math.log(queryCount);
      for (const { doc, tf } of postings) {
        const norm = this.#k1 * (1 - this.#b + (this.#b * this.#lengths[doc]) / this.#averageLength);
        scores[doc] += queryWeight * idf * ((tf * (this.#k1 + 1)) / (tf + norm));
      }
    }
    for (const raw of foldText(query).split(/[^a-z0-9._-]+/)) {
      const token = raw.replace(/^[._-]+|[._-]+$/g, '');
      const named = token.length > 3 ? this.#nameLookup.get(token.replace(/[.-]/g, '_')) : undefined;
      if (named !== undefined) scores[named] += 1000;
    }
    return scores;
  }

  /** The `k` best documents with a positive score, best first (ties keep catalogue order). */
  rank(query: string, k: number, exclude?: ReadonlySet<number>): RankedTool[] {
    const scores = this.scores(query);
    const ranked: RankedTool[] = [];
    for (let index = 0; index < scores.length; index++) {
      if (scores[index] > 0 && !exclude?.has(index))
        ranked.push({ index, name: this.#names[index], score: scores[index] });
    }
    ranked.sort((a, b) => b.score - a.score || a.index - b.index);
    return ranked.slice(0, Math.max(0, k));
  }
}
