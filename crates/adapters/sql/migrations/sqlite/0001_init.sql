-- Clients, their properties, and the append-only, hash-chained audit log.

CREATE TABLE clients (
    id                     TEXT PRIMARY KEY,
    full_name              TEXT NOT NULL,
    email                  TEXT NOT NULL UNIQUE,
    client_type            TEXT NOT NULL,
    company_name           TEXT,
    phone                  TEXT,
    preferred_contact      TEXT NOT NULL,
    billing_plan           TEXT NOT NULL,
    consent_communications INTEGER NOT NULL,
    onboarding_status      TEXT NOT NULL,
    subscription_status    TEXT NOT NULL,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
) STRICT;

CREATE TABLE properties (
    id                 TEXT PRIMARY KEY,
    client_id          TEXT NOT NULL REFERENCES clients (id),
    address_line_1     TEXT NOT NULL,
    address_line_2     TEXT,
    city               TEXT NOT NULL,
    postcode           TEXT NOT NULL,
    nation             TEXT NOT NULL,
    has_gas_supply     INTEGER NOT NULL,
    is_hmo             INTEGER NOT NULL,
    has_communal_areas INTEGER NOT NULL,
    tenancy_start_date TEXT,
    created_at         TEXT NOT NULL
) STRICT;

CREATE INDEX properties_by_client ON properties (client_id, created_at);

-- `pos` orders entries as they were committed; `seq`, `prev_hash` and `hash` are set once, by
-- the sealer, when the entry joins the chain.
CREATE TABLE audit_log (
    pos           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    occurred_at   TEXT NOT NULL,
    action        TEXT NOT NULL,
    actor_role    TEXT NOT NULL,
    actor_id      TEXT,
    client_id     TEXT,
    resource_type TEXT,
    resource_id   TEXT,
    before_state  TEXT,
    after_state   TEXT,
    metadata      TEXT,
    request_id    TEXT,
    seq           INTEGER UNIQUE,
    prev_hash     BLOB,
    hash          BLOB
) STRICT;

CREATE INDEX audit_log_unsealed ON audit_log (pos) WHERE seq IS NULL;
CREATE INDEX audit_log_by_client ON audit_log (client_id, pos);

CREATE TABLE audit_chain_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
) STRICT;

-- The log is append-only: no deletes, and a sealed entry never changes.
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_sealed_is_final BEFORE UPDATE ON audit_log
WHEN OLD.seq IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'a sealed audit entry cannot change');
END;
