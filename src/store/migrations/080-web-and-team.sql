-- Browser sessions of the web console and chat: a session stands for the API key it was opened with (revoking the
-- key ends it). Only a SHA-256 hash of the session id is stored.
CREATE TABLE web_sessions (
  id_hash text PRIMARY KEY,
  key_id uuid NOT NULL REFERENCES api_keys(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

-- Server-side settings generated once (e.g. the web session secret when ZANTARA_SESSION_SECRET is not set).
CREATE TABLE server_settings (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- The team directory, managed by staff (team.* handlers); seeded once from knowledge/team.yaml.
CREATE TABLE team_members (
  id text PRIMARY KEY,
  name text NOT NULL,
  placeholder boolean NOT NULL DEFAULT false,
  department text NOT NULL,
  role text NOT NULL,
  languages text[] NOT NULL DEFAULT '{}',
  services text[] NOT NULL DEFAULT '{}',
  email text,
  phone text,
  source text NOT NULL,
  last_verified date NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid
);
