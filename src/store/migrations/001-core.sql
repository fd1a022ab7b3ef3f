-- Principals: who acts. A key belongs to a principal; channel clients (WhatsApp, Instagram) are principals without keys.
CREATE TABLE principals (
  id uuid PRIMARY KEY,
  role text NOT NULL CHECK (role IN ('admin', 'staff', 'client')),
  display_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  principal_id uuid NOT NULL REFERENCES principals(id),
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'staff', 'client')),
  key_hash text NOT NULL UNIQUE,
  key_prefix text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  last_used_at timestamptz
);

-- Every write and send through the registry, with who, what, when and how it ended.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  principal_id uuid,
  role text,
  handler_key text NOT NULL,
  effect text NOT NULL,
  outcome text NOT NULL,
  error_code text,
  request_id text,
  duration_ms integer NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TABLE leads (
  id uuid PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES principals(id),
  name text NOT NULL,
  email text,
  phone text,
  nationality text,
  language text,
  services text[] NOT NULL DEFAULT '{}',
  message text,
  source text NOT NULL,
  status text NOT NULL DEFAULT 'new'
);
CREATE INDEX leads_created_at ON leads (created_at);

-- KBLI codes imported from the official list (the curated subset ships in knowledge/kbli.yaml).
CREATE TABLE kbli_codes (
  code text PRIMARY KEY,
  level text NOT NULL,
  title text NOT NULL,
  detail text,
  edition text NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now()
);
