import type { Queryable } from './store.ts';

/** Dimensions pgvector's HNSW index accepts for `vector`. */
export const MAX_INDEXED_DIM = 2000;

export const CREATE_EMBEDDINGS_TABLE = `CREATE TABLE IF NOT EXISTS rag_chunk_embeddings (
  chunk_id bigint PRIMARY KEY REFERENCES rag_chunks(id) ON DELETE CASCADE,
  model text NOT NULL,
  dim integer NOT NULL CHECK (dim > 0 AND dim <= ${MAX_INDEXED_DIM}),
  embedding vector NOT NULL
)`;

/** The HNSW index for one dimension; the search repeats the same `embedding::vector(N)` expression so it is used. */
export async function ensureDimensionIndex(db: Queryable, dim: number): Promise<void> {
  if (!Number.isInteger(dim) || dim <= 0 || dim > MAX_INDEXED_DIM)
    throw new Error(`Unsupported embedding dimension ${dim}`);
  await db.query(`CREATE INDEX IF NOT EXISTS rag_chunk_embeddings_hnsw_${dim} ON rag_chunk_embeddings
    USING hnsw ((embedding::vector(${dim})) vector_cosine_ops) WHERE dim = ${dim}`);
}
