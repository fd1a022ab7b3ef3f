/**
 * Chunk embeddings, only where pgvector is installed (always in PGlite; not on the CI PostgreSQL). The column has
 * no fixed dimension so a model change never needs a migration; each row records its model and dimension, and
 * the search uses a per-dimension HNSW index created on first use. The rag index creates the table later if
 * pgvector is installed after this migration ran.
 */
import type { Store } from '../store.ts';
import { CREATE_EMBEDDINGS_TABLE } from '../vector-schema.ts';

export async function up(store: Store): Promise<void> {
  if (!store.hasVector) return;
  await store.exec(CREATE_EMBEDDINGS_TABLE);
}
