-- What /metrics counts on every scrape without reading whole tables: provisioning outcomes in the
-- audit log by action, and setup links by kind and issue time.

CREATE INDEX audit_log_by_action ON audit_log (action);
CREATE INDEX password_tokens_by_kind ON password_tokens (kind, created_at);
