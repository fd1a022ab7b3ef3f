-- Messages received on WhatsApp and Instagram. One row per provider message id (duplicates and replays are
-- ignored by the unique constraint). The row is also the durable work queue: the webhook stores it as 'queued'
-- and answers 200 at once; a background processor turns it into a chat turn (status processing → done | waiting | failed).
CREATE TABLE inbound_messages (
  id uuid PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('whatsapp', 'instagram')),
  provider_message_id text NOT NULL,
  sender text NOT NULL,
  sender_name text,
  principal_id uuid,
  text text NOT NULL,
  message_type text NOT NULL DEFAULT 'text',
  payload jsonb,
  sent_at timestamptz,
  received_at timestamptz NOT NULL DEFAULT now(),
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'processing', 'done', 'waiting', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  lease_until timestamptz,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  conversation_id uuid,
  turn_id text,
  language text,
  draft_reply text,
  reply_outbox_id uuid,
  pending_action_ids jsonb,
  error text,
  processed_at timestamptz,
  UNIQUE (channel, provider_message_id)
);
CREATE INDEX inbound_messages_queue ON inbound_messages (next_attempt_at) WHERE status IN ('queued', 'processing');
CREATE INDEX inbound_messages_sender ON inbound_messages (channel, sender, received_at);
CREATE INDEX inbound_messages_principal ON inbound_messages (principal_id, received_at);
