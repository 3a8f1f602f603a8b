-- Every email: queued in the transaction of the change that causes it, delivered after commit by
-- a worker. `model` holds the template model (links whole, tokens included) only until the email
-- is handed over or given up; then it is cleared.

CREATE TABLE message_logs (
    id              TEXT PRIMARY KEY,
    client_id       TEXT REFERENCES clients (id),
    template        TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    model           TEXT,
    status          TEXT NOT NULL CHECK (status IN ('QUEUED', 'SENT', 'FAILED', 'DELIVERED', 'BOUNCED')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    provider_id     TEXT,
    error           TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
) STRICT;

CREATE INDEX message_logs_due ON message_logs (next_attempt_at, id) WHERE status = 'QUEUED';
CREATE INDEX message_logs_by_provider_id ON message_logs (provider_id) WHERE provider_id IS NOT NULL;
CREATE INDEX message_logs_by_client ON message_logs (client_id, created_at);
CREATE INDEX message_logs_by_time ON message_logs (created_at);
