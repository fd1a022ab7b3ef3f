/**
 * A deterministic stand-in for an embedding model (tests and benchmarks; never used in production): a hashed
 * bag of words, L2-normalised, so texts sharing words are close and unrelated texts are nearly orthogonal.
 */
import { createHash } from 'node:crypto';
import { MockEmbeddingModelV4 } from 'ai/test';
import type { Embedder } from '../rag/embeddings.ts';
import { foldText } from '../text/analysis.ts';

export function fakeEmbedding(text: string, dim: number): number[] {
  const v = new Array<number>(dim).fill(0);
  for (const word of foldText(text).match(/[\p{L}\p{N}]+/gu) ?? []) {
    const h = createHash('sha1').update(word).digest();
    v[h.readUInt32LE(0) % dim] += h[4] & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

export function fakeEmbedder(dim: number, id = `fake:bow-${dim}`): Embedder & { calls: () => number } {
  let calls = 0;
  const model = new MockEmbeddingModelV4({
    modelId: id,
    maxEmbeddingsPerCall: 100,
    doEmbed: async ({ values }) => {
      calls++;
      return { embeddings: values.map((v) => fakeEmbedding(v, dim)), warnings: [] };
    },
  });
  return { id, model, calls: () => calls };
}
