-- An approved action runs as the principal who proposed it: remember how it authenticated and with which key.
ALTER TABLE pending_actions ADD COLUMN proposer_via text;
ALTER TABLE pending_actions ADD COLUMN proposer_key_id uuid;

-- Results stored before secret fields were redacted: a created API key never stays in plaintext.
UPDATE pending_actions SET result = jsonb_set(result, '{key}', '"[redacted]"')
WHERE handler_key = 'keys.create' AND jsonb_typeof(result) = 'object' AND result ? 'key';
