/**
 * The document index: ingest files into `rag_documents` + `rag_chunks` (+ `rag_chunk_embeddings` with pgvector
 * and an embedder), remove them, and search them (full-text always, fused with vector search by reciprocal
 * rank fusion when available).
 *
 * A file is identified by its path (relative to the working directory when inside it). Its content hash decides:
 * unchanged → nothing is written; changed → its old chunks are replaced in one transaction, so a reader sees the
 * old version or the new one, never half of each. Embeddings are computed before that transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { parseEnv } from '../config/env.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { defineService } from '../runtime/service.ts';
import type { Store } from '../store/store.ts';
import type { Logger } from '../telemetry/logger.ts';
import { chunkSections, type Chunk } from './chunker.ts';
import { BadDocumentError, formatOf, parseDocument, type ParsedDocument } from './document-parsers.ts';
import { embedderFromEnv, embedTexts, vectorLiteral, type Embedder } from './embeddings.ts';
import { foldText } from '../text/analysis.ts';
import { coverageFor, requireQueryWords, snippetOf, tsqueryFor } from './search-query.ts';
import { CREATE_EMBEDDINGS_TABLE, ensureDimensionIndex } from '../store/vector-schema.ts';

/** Bumped when parsing or chunking changes, so every file is re-cut on the next ingest. */
const CHUNKER_VERSION = 'c1';
const RRF_K = 60;
export const DEFAULT_EF_SEARCH = 200;
const EMBED_BATCH = 64;
/** A word in more than this share of all chunks does not select rows on its own (it still ranks them). */
const COMMON_SHARE = 0.2;
const COMMON_MIN_CHUNKS = 5000;

export type DocumentKind = 'document' | 'knowledge';
export type IngestOutcome = { source: string; status: 'ingested' | 'unchanged'; chunks: number };
export type IngestSummary = {
  files: number;
  ingested: number;
  unchanged: number;
  chunks: number;
  skipped: Array<{ path: string; reason: string }>;
  errors: Array<{ path: string; message: string }>;
};
export type SearchFilters = { source?: string; type?: DocumentKind };
export type SearchHit = {
  chunk_id: number;
  source: string;
  title: string;
  heading: string;
  snippet: string;
  content: string;
  type: DocumentKind;
  file_mtime: string | null;
  score: number;
  matched_by: Array<'full-text' | 'vector'>;
};
export type SearchResult = { mode: 'full-text' | 'hybrid'; vector: string; results: SearchHit[] };
export type VectorStatus = { available: boolean; note: string; model?: string };

export const ragEnv = z.object({
  ZANTARA_KNOWLEDGE_DIR: z
    .string()
    .default('knowledge')
    .describe('Folder of the YAML fact files indexed as kind "knowledge"'),
  ZANTARA_RAG_EF_SEARCH: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(200)
    .describe('HNSW candidate list size per vector search (recall vs speed)'),
  ZANTARA_RAG_MIN_SIMILARITY: z.coerce
    .number()
    .min(-1)
    .max(1)
    .default(0.35)
    .describe('Cosine similarity below which a vector-only hit is dropped'),
});

type ChunkRow = {
  id: string | number;
  source: string;
  title: string;
  heading: string;
  content: string;
  kind: DocumentKind;
  file_mtime: Date | string | null;
};

export class RagIndex {
  readonly store: Store;
  readonly embedder?: Embedder;
  readonly #logger?: Logger;
  readonly #cwd: string;
  readonly #knowledgeDir: string;
  readonly #minSimilarity: number;
  readonly #efSearch: number;
  #vectorReady?: Promise<void>;

  constructor(
    store: Store,
    options: {
      embedder?: Embedder;
      logger?: Logger;
      cwd?: string;
      knowledgeDir?: string;
      minSimilarity?: number;
      efSearch?: number;
    } = {},
  ) {
    this.store = store;
    this.embedder = options.embedder;
    this.#logger = options.logger;
    this.#cwd = options.cwd ?? process.cwd();
    this.#knowledgeDir = resolve(this.#cwd, options.knowledgeDir ?? 'knowledge');
    this.#minSimilarity = options.minSimilarity ?? 0.35;
    this.#efSearch = Math.max(1, Math.min(1000, Math.floor(options.efSearch ?? DEFAULT_EF_SEARCH)));
  }

  /** Whether vector search is on, and if not, why (for /ready and logs). */
  vectorStatus(): VectorStatus {
    if (!this.embedder)
      return {
        available: false,
        note: 'not configured (set ZANTARA_EMBEDDINGS=provider:model): search is full-text only',
      };
    if (!this.store.hasVector)
      return {
        available: false,
        note: `unavailable: pgvector is not installed in this PostgreSQL, so ${this.embedder.id} is not used; search is full-text only`,
      };
    return { available: true, note: `available (${this.embedder.id})`, model: this.embedder.id };
  }

  get #vectors(): boolean {
    return Boolean(this.embedder && this.store.hasVector);
  }

  #ensureVectorTable(): Promise<void> {
    this.#vectorReady ??= this.store.query(CREATE_EMBEDDINGS_TABLE).then(() => undefined);
    return this.#vectorReady;
  }

  /** The stored source name of a path: relative to the working directory when inside it, with `/` separators. */
  sourceOf(path: string): string {
    const absolute = resolve(this.#cwd, path);
    const rel = relative(this.#cwd, absolute);
    const name = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
    return name.split(sep).join('/');
  }

  kindOf(path: string): DocumentKind {
    const absolute = resolve(this.#cwd, path);
    return absolute === this.#knowledgeDir || absolute.startsWith(this.#knowledgeDir + sep) ? 'knowledge' : 'document';
  }

  /** Files under `paths` (directories walked, hidden folders and node_modules skipped), plus named files as given. */
  listFiles(paths: string[]): { files: string[]; missing: string[] } {
    const files: string[] = [];
    const missing: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.isFile() && formatOf(full)) files.push(full);
      }
    };
    for (const path of paths) {
      const absolute = resolve(this.#cwd, path);
      let stat;
      try {
        stat = statSync(absolute);
      } catch {
        missing.push(path);
        continue;
      }
      if (stat.isDirectory()) walk(absolute);
      else files.push(absolute);
    }
    return { files: [...new Set(files)], missing };
  }

  /**
   * Ingests every file under `paths`; bad files are skipped with a reason, failures recorded, never half-written.
   * `onFile` is called after each file (for a progress bar).
   */
  async ingestPaths(
    paths: string[],
    options: { onFile?: (done: number, total: number, path: string) => void; signal?: AbortSignal } = {},
  ): Promise<IngestSummary> {
    const { files, missing } = this.listFiles(paths);
    const summary: IngestSummary = {
      files: files.length,
      ingested: 0,
      unchanged: 0,
      chunks: 0,
      skipped: [],
      errors: [],
    };
    for (const path of missing) summary.errors.push({ path, message: 'no such file or directory' });
    for (const [i, file] of files.entries()) {
      options.signal?.throwIfAborted();
      const shown = this.sourceOf(file);
      try {
        const outcome = await this.ingestFile(file);
        if (outcome.status === 'unchanged') summary.unchanged++;
        else {
          summary.ingested++;
          summary.chunks += outcome.chunks;
        }
      } catch (error) {
        if (BadDocumentError.isInstance(error)) summary.skipped.push({ path: shown, reason: error.reason });
        else {
          summary.errors.push({ path: shown, message: (error as Error).message ?? String(error) });
          this.#logger?.error({ err: error, path: shown }, 'ingest failed');
        }
      }
      options.onFile?.(i + 1, files.length, shown);
    }
    if (summary.ingested > 0) await this.refreshStatistics();
    return summary;
  }

  /** Ingests one file (skipped when its content and embedding model are unchanged). @throws BadDocumentError */
  async ingestFile(path: string): Promise<IngestOutcome> {
    const absolute = resolve(this.#cwd, path);
    const source = this.sourceOf(absolute);
    const stat = statSync(absolute);
    if (!stat.isFile()) throw new BadDocumentError('not a regular file');
    if (!formatOf(absolute)) throw new BadDocumentError(`unsupported file type (${source})`);
    const bytes = readFileSync(absolute);
    const hash = `${CHUNKER_VERSION}:${createHash('sha256').update(bytes).digest('hex')}`;
    if (await this.#isCurrent(source, hash)) return { source, status: 'unchanged', chunks: 0 };
    const parsed = await parseDocument(absolute, bytes);
    const chunks = await this.writeDocument({ source, kind: this.kindOf(absolute), parsed, hash, mtime: stat.mtime });
    return { source, status: 'ingested', chunks };
  }

  async #isCurrent(source: string, hash: string): Promise<boolean> {
    const { rows } = await this.store.query<{ content_hash: string; embedding_model: string | null }>(
      'SELECT content_hash, embedding_model FROM rag_documents WHERE source = $1',
      [source],
    );
    const doc = rows[0];
    if (!doc || doc.content_hash !== hash) return false;
    // A new embedding model re-embeds on the next ingest, even when the text did not change.
    return !this.#vectors || doc.embedding_model === this.embedder!.id;
  }

  /**
   * Replaces the document `source` with the chunks of `parsed` in one transaction. Returns the number of chunks.
   * Also used directly (tests, benchmarks) for text that does not come from a file.
   */
  async writeDocument(doc: {
    source: string;
    kind: DocumentKind;
    parsed: ParsedDocument;
    hash: string;
    mtime?: Date;
  }): Promise<number> {
    const chunks: Chunk[] = chunkSections(doc.parsed.sections);
    if (chunks.length === 0) throw new BadDocumentError('no text in the file');
    let vectors: number[][] | undefined;
    if (this.#vectors) {
      await this.#ensureVectorTable();
      vectors = [];
      const texts = chunks.map((c) => `${doc.parsed.title}${c.heading ? ` — ${c.heading}` : ''}\n${c.content}`);
      for (let i = 0; i < texts.length; i += EMBED_BATCH)
        vectors.push(...(await embedTexts(this.embedder!, texts.slice(i, i + EMBED_BATCH))));
      await ensureDimensionIndex(this.store, vectors[0].length);
    }
    const mtime = doc.mtime ?? null;
    await this.store.transaction(async (tx) => {
      await tx.query('DELETE FROM rag_documents WHERE source = $1', [doc.source]);
      const id = randomUUID();
      await tx.query(
        `INSERT INTO rag_documents (id, source, kind, format, title, content_hash, file_mtime, chunk_count, embedding_model, embedding_dim)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          id,
          doc.source,
          doc.kind,
          doc.parsed.format,
          doc.parsed.title,
          doc.hash,
          mtime,
          chunks.length,
          vectors ? this.embedder!.id : null,
          vectors ? vectors[0].length : null,
        ],
      );
      const inserted = await tx.query<{ id: string | number; ordinal: number }>(
        `INSERT INTO rag_chunks (document_id, ordinal, source, kind, title, heading, content, file_mtime)
         SELECT $1, o, $2, $3, $4, h, c, $5 FROM unnest($6::int[], $7::text[], $8::text[]) AS t(o, h, c)
         RETURNING id, ordinal`,
        [
          id,
          doc.source,
          doc.kind,
          doc.parsed.title,
          mtime,
          chunks.map((_, i) => i),
          chunks.map((c) => c.heading),
          chunks.map((c) => c.content),
        ],
      );
      if (vectors) {
        const byOrdinal = new Map(inserted.rows.map((r) => [Number(r.ordinal), String(r.id)]));
        await tx.query(
          `INSERT INTO rag_chunk_embeddings (chunk_id, model, dim, embedding)
           SELECT c, $1, $2, e::vector FROM unnest($3::bigint[], $4::text[]) AS t(c, e)`,
          [this.embedder!.id, vectors[0].length, chunks.map((_, i) => byOrdinal.get(i)), vectors.map(vectorLiteral)],
        );
      }
    });
    return chunks.length;
  }

  /** Removes documents by path: a file's document, or every document under a folder. */
  async remove(paths: string[]): Promise<{ removed: string[]; not_found: string[] }> {
    const removed: string[] = [];
    const notFound: string[] = [];
    for (const path of paths) {
      const source = this.sourceOf(path);
      const { rows } = await this.store.query<{ source: string }>(
        `DELETE FROM rag_documents WHERE source = $1 OR starts_with(source, $2) RETURNING source`,
        [source, source.replace(/\/?$/, '/')],
      );
      if (rows.length) removed.push(...rows.map((r) => r.source).sort());
      else notFound.push(path);
    }
    return { removed, not_found: notFound };
  }

  /** Documents whose source starts with `prefix` but whose file no longer exists. */
  async removeVanished(prefix: string): Promise<string[]> {
    const { rows } = await this.store.query<{ source: string }>(
      'SELECT source FROM rag_documents WHERE starts_with(source, $1)',
      [prefix],
    );
    const gone = rows
      .map((r) => r.source)
      .filter((s) => {
        try {
          return !statSync(resolve(this.#cwd, s)).isFile();
        } catch {
          return true;
        }
      });
    if (gone.length) await this.store.query('DELETE FROM rag_documents WHERE source = ANY($1::text[])', [gone]);
    return gone;
  }

  /**
   * The `k` best passages for `query`. Full-text always; with vectors, the two rankings are fused (RRF) and
   * vector-only hits below the similarity floor are dropped, so an unrelated question finds nothing.
   * @throws ZantaraError invalid_query (400) when the query has no words
   */
  async search(
    query: string,
    options: { k?: number; filters?: SearchFilters; signal?: AbortSignal } = {},
  ): Promise<SearchResult> {
    const words = requireQueryWords(query);
    const k = options.k ?? 5;
    // Fusion needs deeper lists than the k shown; full-text alone needs only k.
    const pool = this.#vectors ? Math.max(k * 4, 40) : k;
    const fts = await this.#fullText(words, pool, options.filters ?? {});
    let vector: Array<{ row: ChunkRow; similarity: number }> = [];
    let note = this.vectorStatus().note;
    if (this.#vectors) {
      try {
        vector = await this.#nearest(query, pool, options.filters ?? {}, options.signal);
      } catch (error) {
        note = `error (${(error as Error).message?.slice(0, 120)}): this search was full-text only`;
        this.#logger?.warn({ err: error }, 'vector search failed; full-text only');
      }
    }
    const hits = new Map<
      string,
      { row: ChunkRow; score: number; matched: Set<'full-text' | 'vector'>; rank: number }
    >();
    const mode: SearchResult['mode'] = this.#vectors && !note.startsWith('error') ? 'hybrid' : 'full-text';
    fts.forEach(({ row, rank }, i) =>
      hits.set(String(row.id), {
        row,
        rank,
        score: mode === 'hybrid' ? 1 / (RRF_K + i + 1) : rank,
        matched: new Set(['full-text']),
      }),
    );
    vector.forEach(({ row, similarity }, i) => {
      const existing = hits.get(String(row.id));
      if (existing) {
        existing.score += 1 / (RRF_K + i + 1);
        existing.matched.add('vector');
        return;
      }
      if (similarity < this.#minSimilarity) return;
      hits.set(String(row.id), { row, rank: 0, score: 1 / (RRF_K + i + 1), matched: new Set(['vector']) });
    });
    const results = [...hits.values()]
      .sort((a, b) => b.score - a.score || Number(a.row.id) - Number(b.row.id))
      .slice(0, k)
      .map(({ row, score, matched }) => ({
        chunk_id: Number(row.id),
        source: row.source,
        title: row.title,
        heading: row.heading,
        snippet: snippetOf(row.content, words),
        content: row.content,
        type: row.kind,
        file_mtime: row.file_mtime ? new Date(row.file_mtime).toISOString() : null,
        score: Math.round(score * 1e6) / 1e6,
        matched_by: [...matched],
      }));
    return { mode, vector: note, results };
  }

  async #fullText(
    words: string[],
    limit: number,
    filters: SearchFilters,
  ): Promise<Array<{ row: ChunkRow; rank: number }>> {
    // Words found in a large share of all chunks (learned from the table statistics, like stopwords) still count in
    // the ranking but do not select rows: matching half the corpus and ranking it all is what makes a search slow.
    const common = await this.#commonWords();
    const selective = words.filter((w) => !common.has(foldText(w)));
    const matchWords = selective.length ? selective : words;
    const q = tsqueryFor(matchWords, 2);
    const coverage = coverageFor(words, 2 + matchWords.length, 'c.tsv');
    const params: unknown[] = [limit, ...q.params, ...words];
    const where = ['c.tsv @@ q.q'];
    if (filters.source) {
      params.push(filters.source);
      where.push(`starts_with(c.source, $${params.length})`);
    }
    if (filters.type) {
      params.push(filters.type);
      where.push(`c.kind = $${params.length}`);
    }
    // Rank on ids only, then fetch the text of the winners: sorting wide rows costs more than ranking them.
    const { rows } = await this.store.query<ChunkRow & { rank: number }>(
      `SELECT c.id, c.source, c.title, c.heading, c.content, c.kind, c.file_mtime, top.rank
       FROM (SELECT c.id, ${coverage} + ts_rank(c.tsv, q.q) AS rank
             FROM rag_chunks c, (SELECT ${q.sql} AS q) q
             WHERE ${where.join(' AND ')}
             ORDER BY rank DESC, c.id LIMIT $1) top
       JOIN rag_chunks c ON c.id = top.id
       ORDER BY top.rank DESC, c.id`,
      params,
    );
    return rows.map((row) => ({ row, rank: Number(row.rank) }));
  }

  async #nearest(
    query: string,
    limit: number,
    filters: SearchFilters,
    signal?: AbortSignal,
  ): Promise<Array<{ row: ChunkRow; similarity: number }>> {
    await this.#ensureVectorTable();
    const [embedding] = await embedTexts(this.embedder!, [query], signal);
    const dim = embedding.length;
    if (!Number.isInteger(dim) || dim <= 0 || dim > 2000) throw new Error(`unsupported embedding dimension ${dim}`);
    const params: unknown[] = [vectorLiteral(embedding), this.embedder!.id, limit];
    const where = [`e.dim = ${dim}`, 'e.model = $2'];
    if (filters.source) {
      params.push(filters.source);
      where.push(`starts_with(c.source, $${params.length})`);
    }
    if (filters.type) {
      params.push(filters.type);
      where.push(`c.kind = $${params.length}`);
    }
    // A wider HNSW candidate list than pgvector's default (40) for better recall; SET LOCAL keeps it to this query.
    const { rows } = await this.store.transaction(async (tx) => {
      await tx.query(`SET LOCAL hnsw.ef_search = ${this.#efSearch}`);
      return tx.query<ChunkRow & { distance: number }>(
        `SELECT c.id, c.source, c.title, c.heading, c.content, c.kind, c.file_mtime, e.embedding::vector(${dim}) <=> $1::vector(${dim}) AS distance
         FROM rag_chunk_embeddings e JOIN rag_chunks c ON c.id = e.chunk_id
         WHERE ${where.join(' AND ')}
         ORDER BY e.embedding::vector(${dim}) <=> $1::vector(${dim}) LIMIT $3`,
        params,
      );
    });
    return rows.map((row) => ({ row, similarity: 1 - Number(row.distance) }));
  }

  #common?: { at: number; words: Promise<Set<string>> };

  /** Lexemes in more than COMMON_SHARE of chunks, from pg_stats (refreshed by ANALYZE after each ingest). */
  #commonWords(): Promise<Set<string>> {
    if (!this.#common || Date.now() - this.#common.at > 5 * 60_000) {
      const words = this.store
        .query<{ elems: string[] | null; freqs: number[] | null; rows: number }>(
          `SELECT s.most_common_elems::text::text[] AS elems, s.most_common_elem_freqs AS freqs, c.reltuples::float8 AS rows
         FROM pg_stats s JOIN pg_class c ON c.oid = to_regclass('rag_chunks')
         WHERE s.schemaname = current_schema() AND s.tablename = 'rag_chunks' AND s.attname = 'tsv'`,
        )
        .then(({ rows }) => {
          const { elems, freqs, rows: size } = rows[0] ?? { elems: null, freqs: null, rows: 0 };
          // A small corpus is ranked whole: it is fast, and a few documents make every word look common.
          if (Number(size) < COMMON_MIN_CHUNKS) return new Set<string>();
          return new Set((elems ?? []).filter((_, i) => Number(freqs?.[i] ?? 0) > COMMON_SHARE));
        })
        .catch(() => new Set<string>());
      this.#common = { at: Date.now(), words };
    }
    return this.#common.words;
  }

  /** Refreshes the planner statistics (and the common-word list) after the corpus changed. */
  async refreshStatistics(): Promise<void> {
    // Merges any GIN pending list left from before fastupdate was turned off, then refreshes the statistics.
    await this.store.query(`SELECT gin_clean_pending_list('rag_chunks_tsv'::regclass)`).catch(() => undefined);
    await this.store.query('ANALYZE rag_chunks');
    this.#common = undefined;
  }

  /** Counts for the CLI and /ready. */
  async stats(): Promise<{ documents: number; chunks: number }> {
    const { rows } = await this.store.query<{ documents: number; chunks: number }>(
      'SELECT (SELECT count(*)::int FROM rag_documents) AS documents, (SELECT count(*)::int FROM rag_chunks) AS chunks',
    );
    return rows[0];
  }
}

export const ragService = defineService('rag', (runtime) => {
  const env = parseEnv(ragEnv, runtime.env);
  const index = new RagIndex(runtime.store, {
    embedder: embedderFromEnv(runtime.env),
    logger: runtime.logger,
    knowledgeDir: env.ZANTARA_KNOWLEDGE_DIR,
    minSimilarity: env.ZANTARA_RAG_MIN_SIMILARITY,
    efSearch: env.ZANTARA_RAG_EF_SEARCH,
  });
  const status = index.vectorStatus();
  if (index.embedder && !status.available)
    runtime.logger.warn({ embeddings: index.embedder.id }, `vector search ${status.note}`);
  return index;
});

/** For /ready: whether vector search is available and why not. */
export function ragReadiness(runtime: Runtime): { vector_search: string; available: boolean } {
  const status = runtime.service(ragService).vectorStatus();
  return { vector_search: status.note, available: status.available };
}

/**
 * Indexes the fact files (ZANTARA_KNOWLEDGE_DIR, YAML) so free-text questions find them: unchanged files cost one
 * hash each, changed ones are replaced, removed ones dropped. Meant to run at start and after the files change.
 */
export async function indexKnowledge(runtime: Runtime): Promise<IngestSummary & { removed: string[] }> {
  const index = runtime.service(ragService);
  const env = parseEnv(ragEnv, runtime.env);
  const dir = resolve(env.ZANTARA_KNOWLEDGE_DIR);
  let exists = false;
  try {
    exists = statSync(dir).isDirectory();
  } catch {
    /* no knowledge folder */
  }
  const summary = exists
    ? await index.ingestPaths([dir])
    : { files: 0, ingested: 0, unchanged: 0, chunks: 0, skipped: [], errors: [] };
  const removed = await index.removeVanished(index.sourceOf(dir) + '/');
  if (summary.ingested || removed.length || summary.skipped.length || summary.errors.length) {
    runtime.logger.info(
      {
        ingested: summary.ingested,
        chunks: summary.chunks,
        removed: removed.length,
        skipped: summary.skipped,
        errors: summary.errors,
      },
      'knowledge files indexed',
    );
  }
  return { ...summary, removed };
}
