/**
 * `npm run bench:rag`: document ingest throughput (chunks/s) and rag.search latency (p50/p95) on PGlite, full-text
 * and vector, each against a sequential-scan baseline measured in the same run (the same full-text query with index
 * scans disabled; exact brute-force distance instead of the HNSW index, with the HNSW recall@k against it).
 * Options: --chunks N (default 10000; 100000 for the large run), --dim N (vector dimension, default 384),
 * --queries N (default 200), --no-vector, --vector-only.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { createPgliteStore } from '../src/store/pglite-store.ts';
import { migrate } from '../src/store/migrate.ts';
import { DEFAULT_EF_SEARCH, RagIndex } from '../src/rag/rag-index.ts';
import { fakeEmbedder } from '../src/testing/fake-embeddings.ts';
import type { ParsedDocument } from '../src/rag/document-parsers.ts';
import { queryWords } from '../src/rag/search-query.ts';
import { percentile, prng, syntheticVocabulary } from './bench-stats.ts';

const { values: opts } = parseArgs({
  options: {
    chunks: { type: 'string', default: '10000' },
    dim: { type: 'string', default: '384' },
    queries: { type: 'string', default: '200' },
    'no-vector': { type: 'boolean', default: false },
    'vector-only': { type: 'boolean', default: false },
  },
});
const CHUNKS = Number(opts.chunks);
const DIM = Number(opts.dim);
const QUERIES = Number(opts.queries);
const CHUNKS_PER_DOC = 10;
const K = 5;

const rand = prng(42);
const { vocabulary, word } = syntheticVocabulary(rand, 8000);
const sentence = (n: number) => Array.from({ length: n }, word).join(' ') + '.';

function document(i: number): ParsedDocument {
  const sections = Array.from({ length: CHUNKS_PER_DOC }, (_, s) => ({
    headings: [`Section ${s} ${word()}`],
    body: `${sentence(40)} ${sentence(40)}`,
  }));
  return { title: `Guide ${i} ${word()} ${word()}`, format: 'markdown', sections };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const result = await fn();
  return [performance.now() - t0, result];
}

async function main(): Promise<void> {
  // Two query sets: "mixed" words drawn like the text (often a frequent word that matches half the chunks), and
  // "selective" words from the rarer half of the vocabulary (what names, codes and topics look like).
  const queries = Array.from({ length: QUERIES }, () =>
    Array.from({ length: 2 + Math.floor(rand() * 3) }, word).join(' '),
  );
  const rareWord = () => vocabulary[Math.floor(vocabulary.length * (0.5 + rand() / 2))];
  const selective = Array.from({ length: QUERIES }, () =>
    Array.from({ length: 2 + Math.floor(rand() * 2) }, rareWord).join(' '),
  );
  const lines: string[] = [];
  const report = (line: string) => {
    lines.push(line);
    console.log(line);
  };
  report(
    `rag bench — ${new Date().toISOString()} — node ${process.version} — ${cpus()[0]?.model} ×${cpus().length} — ${CHUNKS} chunks, ${QUERIES} queries, k=${K}`,
  );

  const docs = CHUNKS / CHUNKS_PER_DOC;
  if (!opts['vector-only']) await fullText(queries, selective, report, docs);
  if (!opts['no-vector']) await hybrid(queries, report, docs);
}

async function fullText(
  queries: string[],
  selective: string[],
  report: (line: string) => void,
  docs: number,
): Promise<void> {
  const store = await createPgliteStore();
  await migrate(store);
  const index = new RagIndex(store);
  const [ingestMs] = await time(async () => {
    for (let i = 0; i < docs; i++)
      await index.writeDocument({
        source: `bench/doc-${i}.md`,
        kind: 'document',
        parsed: document(i),
        hash: String(i),
      });
  });
  report(
    `| full-text ingest | ${CHUNKS} chunks in ${(ingestMs / 1000).toFixed(1)} s | ${Math.round(CHUNKS / (ingestMs / 1000))} chunks/s |`,
  );
  await store.query('ANALYZE');

  for (const q of queries.slice(0, 20)) await index.search(q, { k: K }); // warm-up
  for (const [name, set] of [
    ['mixed', queries],
    ['selective', selective],
  ] as const) {
    const searchTimes: number[] = [];
    let hits = 0;
    for (const q of set) {
      const [t, r] = await time(() => index.search(q, { k: K }));
      searchTimes.push(t);
      hits += r.results.length ? 1 : 0;
    }
    // Baseline: the same rag.search with index scans off, so PostgreSQL reads every chunk.
    const seqTimes: number[] = [];
    await store.query('SET enable_bitmapscan = off');
    await store.query('SET enable_indexscan = off');
    for (const q of set) seqTimes.push((await time(() => index.search(q, { k: K })))[0]);
    await store.query('RESET enable_bitmapscan');
    await store.query('RESET enable_indexscan');
    const ilikeTimes: number[] = [];
    for (const q of set.slice(0, Math.min(50, set.length))) {
      const words = queryWords(q);
      const [t] = await time(() =>
        store.query(
          `SELECT id FROM rag_chunks WHERE ${words.map((_, i) => `content ILIKE $${i + 2}`).join(' OR ')} LIMIT $1`,
          [K, ...words.map((w) => `%${w}%`)],
        ),
      );
      ilikeTimes.push(t);
    }
    report(
      `| rag.search full-text (GIN), ${name} queries | p50 ${ms(percentile(searchTimes, 50))} | p95 ${ms(percentile(searchTimes, 95))} | ${hits}/${set.length} queries with results |`,
    );
    report(
      `| baseline: same rag.search, sequential scan, ${name} | p50 ${ms(percentile(seqTimes, 50))} | p95 ${ms(percentile(seqTimes, 95))} | |`,
    );
    report(
      `| baseline: ILIKE any word (unranked, stops at ${K} hits), ${name}, ${ilikeTimes.length} queries | p50 ${ms(percentile(ilikeTimes, 50))} | p95 ${ms(percentile(ilikeTimes, 95))} | |`,
    );
  }
  await store.close();
}

async function hybrid(queries: string[], report: (line: string) => void, docs: number): Promise<void> {
  // Hybrid: the same corpus with vectors (bag-of-words hashing: generated here, no model).
  const vstore = await createPgliteStore();
  await migrate(vstore);
  const embedder = fakeEmbedder(DIM, `bench:bow-${DIM}`);
  const vindex = new RagIndex(vstore, { embedder, minSimilarity: 0 });
  const [vIngestMs] = await time(async () => {
    for (let i = 0; i < docs; i++)
      await vindex.writeDocument({
        source: `bench/doc-${i}.md`,
        kind: 'document',
        parsed: document(i),
        hash: String(i),
      });
  });
  report(
    `| hybrid ingest (embedding + HNSW, dim ${DIM}) | ${CHUNKS} chunks in ${(vIngestMs / 1000).toFixed(1)} s | ${Math.round(CHUNKS / (vIngestMs / 1000))} chunks/s |`,
  );
  await vstore.query('ANALYZE');
  for (const q of queries.slice(0, 20)) await vindex.search(q, { k: K }); // warm-up
  const hybridTimes: number[] = [];
  for (const q of queries) hybridTimes.push((await time(() => vindex.search(q, { k: K })))[0]);
  // Vector part alone: HNSW vs exact distance, and the recall of HNSW against exact.
  const { fakeEmbedding } = await import('../src/testing/fake-embeddings.ts');
  const hnswTimes: number[] = [];
  const exactTimes: number[] = [];
  let recall = 0;
  const nearest = (vec: string) =>
    vstore.query<{ chunk_id: string }>(
      `SELECT chunk_id FROM rag_chunk_embeddings e WHERE e.dim = ${DIM} AND e.model = $2 ORDER BY e.embedding::vector(${DIM}) <=> $1::vector(${DIM}) LIMIT 10`,
      [vec, embedder.id],
    );
  const vectors = queries.map((q) => `[${fakeEmbedding(q, DIM).join(',')}]`);
  // The same candidate list size rag.search uses (SET LOCAL there; session-wide here, PGlite has one session).
  await vstore.query(`SET hnsw.ef_search = ${DEFAULT_EF_SEARCH}`);
  for (const v of vectors) hnswTimes.push((await time(() => nearest(v)))[0]);
  await vstore.query('SET enable_indexscan = off');
  for (const v of vectors) {
    const [t, exact] = await time(() => nearest(v));
    exactTimes.push(t);
    await vstore.query('RESET enable_indexscan');
    const approx = await nearest(v);
    await vstore.query('SET enable_indexscan = off');
    const truth = new Set(exact.rows.map((r) => String(r.chunk_id)));
    recall += approx.rows.filter((r) => truth.has(String(r.chunk_id))).length / Math.max(1, truth.size);
  }
  await vstore.query('RESET enable_indexscan');
  report(
    `| rag.search hybrid (GIN + HNSW + RRF, incl. query embedding) | p50 ${ms(percentile(hybridTimes, 50))} | p95 ${ms(percentile(hybridTimes, 95))} | |`,
  );
  report(
    `| vector top-10, HNSW | p50 ${ms(percentile(hnswTimes, 50))} | p95 ${ms(percentile(hnswTimes, 95))} | recall@10 vs exact ${(recall / vectors.length).toFixed(3)} (ef_search ${DEFAULT_EF_SEARCH}) |`,
  );
  report(
    `| baseline: vector top-10, exact (sequential scan) | p50 ${ms(percentile(exactTimes, 50))} | p95 ${ms(percentile(exactTimes, 95))} | |`,
  );
  await vstore.close();
}

await main();
