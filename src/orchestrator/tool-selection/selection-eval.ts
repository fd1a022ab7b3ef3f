import { LexicalRanker } from './lexical-ranker.ts';
import type { ToolDocument } from './tool-documents.ts';

/** One evaluation query: the tools a correct selection must include. */
export type SelectionCase = { query: string; expected: string[]; id?: string };

export type SelectionMiss = { id?: string; query: string; missing: string[]; offered: string[] };

export type SelectionReport = {
  cases: number;
  tools: number;
  k: number;
  /** Mean share of each case's expected tools found in the top 1 / 5 / k. */
  recallAt1: number;
  recallAt5: number;
  recallAtK: number;
  /** Cases whose expected tools were not all in the top k. */
  misses: SelectionMiss[];
};

/**
 * Runs the lexical ranker over cases and measures recall: for each case, the share of its expected tools that
 * appear among the first 1, 5 and k ranked tools, averaged over the cases. Cases with no expected tool
 * (out-of-scope queries) are skipped.
 */
export function evaluateSelection(
  documents: readonly ToolDocument[],
  cases: readonly SelectionCase[],
  k: number,
): SelectionReport {
  const ranker = new LexicalRanker(documents);
  const known = new Set(documents.map((d) => d.name));
  let n = 0;
  let at1 = 0;
  let at5 = 0;
  let atK = 0;
  const misses: SelectionMiss[] = [];
  const depth = Math.max(k, 5);
  for (const c of cases) {
    const expected = c.expected.filter((name) => known.has(name));
    if (expected.length === 0) continue;
    n++;
    const ranked = ranker.rank(c.query, depth).map((r) => r.name);
    const share = (top: number) =>
      expected.filter((name) => ranked.slice(0, top).includes(name)).length / expected.length;
    at1 += share(1);
    at5 += share(5);
    const recall = share(k);
    atK += recall;
    if (recall < 1)
      misses.push({
        id: c.id,
        query: c.query,
        missing: expected.filter((name) => !ranked.slice(0, k).includes(name)),
        offered: ranked.slice(0, k),
      });
  }
  const mean = (x: number) => (n ? x / n : 0);
  return {
    cases: n,
    tools: documents.length,
    k,
    recallAt1: mean(at1),
    recallAt5: mean(at5),
    recallAtK: mean(atK),
    misses,
  };
}

/** Parses JSONL cases (`{query, expected: [names]}` per line; blank lines and `#` comments ignored). */
export function parseCases(text: string): SelectionCase[] {
  const cases: SelectionCase[] = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new Error(`cases line ${index + 1}: not valid JSON`);
    }
    const c = parsed as { query?: unknown; expected?: unknown; id?: unknown };
    if (typeof c.query !== 'string' || !Array.isArray(c.expected) || !c.expected.every((e) => typeof e === 'string')) {
      throw new Error(`cases line ${index + 1}: expected {"query": string, "expected": [string]}`);
    }
    cases.push({ query: c.query, expected: c.expected as string[], id: typeof c.id === 'string' ? c.id : undefined });
  });
  return cases;
}
