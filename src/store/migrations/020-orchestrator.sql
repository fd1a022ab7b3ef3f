-- Conversations with ZANTARA, per principal (a principal never sees another's conversation).
CREATE TABLE conversations (
  id uuid PRIMARY KEY,
  principal_id uuid NOT NULL,
  channel text NOT NULL DEFAULT 'api',
  title text,
  summary text,
  -- Messages up to this id are folded into `summary`.
  summarized_through bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversations_principal ON conversations (principal_id, updated_at);

CREATE TABLE conversation_messages (
  id bigserial PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  principal_id uuid NOT NULL,
  role text NOT NULL CHECK (role IN ('user', 'assistant', 'tool')),
  content text NOT NULL DEFAULT '',
  parts jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX conversation_messages_conversation ON conversation_messages (conversation_id, id);

-- One row per chat turn: what was routed where, what it cost, which handlers ran.
CREATE TABLE turn_traces (
  id uuid PRIMARY KEY,
  conversation_id uuid,
  principal_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  route text NOT NULL,
  query_class text,
  local boolean NOT NULL DEFAULT false,
  provider text,
  model text,
  ab_arm text,
  attempts jsonb NOT NULL DEFAULT '[]',
  input_tokens integer NOT NULL DEFAULT 0,
  cached_input_tokens integer NOT NULL DEFAULT 0,
  output_tokens integer NOT NULL DEFAULT 0,
  cost_usd double precision NOT NULL DEFAULT 0,
  latency_ms integer NOT NULL DEFAULT 0,
  handlers jsonb NOT NULL DEFAULT '[]',
  tools_offered jsonb NOT NULL DEFAULT '[]',
  outcome text NOT NULL,
  error text,
  message_text text
);
CREATE INDEX turn_traces_created_at ON turn_traces (created_at);

-- Writes and sends a model asked for, waiting for a person's decision.
CREATE TABLE pending_actions (
  id uuid PRIMARY KEY,
  turn_id uuid,
  conversation_id uuid,
  principal_id uuid NOT NULL,
  handler_key text NOT NULL,
  params jsonb NOT NULL,
  summary text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'executed', 'rejected', 'expired', 'failed')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  decided_by uuid,
  decided_at timestamptz,
  result jsonb
);
CREATE INDEX pending_actions_principal ON pending_actions (principal_id, status);
