-- Documents indexed for search: one row per source file (or knowledge file), replaced whole when its content changes.
CREATE TABLE rag_documents (
  id uuid PRIMARY KEY,
  source text NOT NULL UNIQUE,
  kind text NOT NULL CHECK (kind IN ('document', 'knowledge')),
  format text NOT NULL,
  title text NOT NULL,
  content_hash text NOT NULL,
  file_mtime timestamptz,
  chunk_count integer NOT NULL,
  embedding_model text,
  embedding_dim integer,
  ingested_at timestamptz NOT NULL DEFAULT now()
);

-- Passages of a document, cut along its headings. The heading path and title weigh more in ranking than the body.
CREATE TABLE rag_chunks (
  id bigserial PRIMARY KEY,
  document_id uuid NOT NULL REFERENCES rag_documents(id) ON DELETE CASCADE,
  ordinal integer NOT NULL,
  source text NOT NULL,
  kind text NOT NULL,
  title text NOT NULL,
  heading text NOT NULL DEFAULT '',
  content text NOT NULL,
  file_mtime timestamptz,
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple'::regconfig, zantara_unaccent(title || ' ' || heading)), 'A')
    || setweight(to_tsvector('simple'::regconfig, zantara_unaccent(content)), 'D')
  ) STORED,
  UNIQUE (document_id, ordinal)
);
CREATE INDEX rag_chunks_tsv ON rag_chunks USING gin (tsv);
CREATE INDEX rag_chunks_source ON rag_chunks (source);
