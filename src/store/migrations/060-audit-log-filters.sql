-- audit.list filters by principal and by handler over a period, newest first; keyset paging on (at, id).
CREATE INDEX audit_log_principal_at ON audit_log (principal_id, at DESC, id DESC);
CREATE INDEX audit_log_handler_at ON audit_log (handler_key, at DESC, id DESC);
CREATE INDEX audit_log_at_id ON audit_log (at DESC, id DESC);
