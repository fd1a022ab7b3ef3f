-- Durable facts ZANTARA keeps about one principal (a client, or a staff member for themselves).
-- A fact with a key (name, nationality, permit_expiry…) is unique per principal: saving it again replaces it.
CREATE TABLE memory_facts (
  id uuid PRIMARY KEY,
  principal_id uuid NOT NULL REFERENCES principals(id) ON DELETE CASCADE,
  type text NOT NULL,
  key text,
  content text NOT NULL,
  data jsonb,
  source text NOT NULL DEFAULT 'api',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  tsv tsvector GENERATED ALWAYS AS (
    to_tsvector('simple'::regconfig, zantara_unaccent(coalesce(key, '') || ' ' || type || ' ' || content))
  ) STORED
);
CREATE UNIQUE INDEX memory_facts_principal_key ON memory_facts (principal_id, key) WHERE key IS NOT NULL;
CREATE INDEX memory_facts_principal_updated ON memory_facts (principal_id, updated_at DESC);
CREATE INDEX memory_facts_tsv ON memory_facts USING gin (tsv);
