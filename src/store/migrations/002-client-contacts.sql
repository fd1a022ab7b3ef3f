-- How a client principal is reached: phone numbers, e-mail addresses, WhatsApp and Instagram ids.
-- An inbound message from a known address acts as that principal; a new address creates a client principal.
CREATE TABLE client_contacts (
  kind text NOT NULL CHECK (kind IN ('phone', 'email', 'whatsapp', 'instagram')),
  value text NOT NULL,
  principal_id uuid NOT NULL REFERENCES principals(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value)
);
CREATE INDEX client_contacts_principal ON client_contacts (principal_id);
