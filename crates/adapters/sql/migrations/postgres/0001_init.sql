-- Clients, their properties, and the append-only, hash-chained audit log.

CREATE TABLE clients (
    id                     UUID PRIMARY KEY,
    full_name              TEXT NOT NULL,
    email                  TEXT NOT NULL UNIQUE,
    client_type            TEXT NOT NULL,
    company_name           TEXT,
    phone                  TEXT,
    preferred_contact      TEXT NOT NULL,
    billing_plan           TEXT NOT NULL,
    consent_communications BOOLEAN NOT NULL,
    onboarding_status      TEXT NOT NULL,
    subscription_status    TEXT NOT NULL,
    created_at             TIMESTAMPTZ NOT NULL,
    updated_at             TIMESTAMPTZ NOT NULL
);

CREATE TABLE properties (
    id                 UUID PRIMARY KEY,
    client_id          UUID NOT NULL REFERENCES clients (id),
    address_line_1     TEXT NOT NULL,
    address_line_2     TEXT,
    city               TEXT NOT NULL,
    postcode           TEXT NOT NULL,
    nation             TEXT NOT NULL,
    has_gas_supply     BOOLEAN NOT NULL,
    is_hmo             BOOLEAN NOT NULL,
    has_communal_areas BOOLEAN NOT NULL,
    tenancy_start_date DATE,
    created_at         TIMESTAMPTZ NOT NULL
);

CREATE INDEX properties_by_client ON properties (client_id, created_at);

-- `pos` orders entries as they were inserted; `seq`, `prev_hash` and `hash` are set once, by the
-- sealer, when the entry joins the chain. JSON is kept as the exact text that was hashed.
CREATE TABLE audit_log (
    pos           BIGSERIAL PRIMARY KEY,
    id            UUID NOT NULL UNIQUE,
    occurred_at   TIMESTAMPTZ NOT NULL,
    action        TEXT NOT NULL,
    actor_role    TEXT NOT NULL,
    actor_id      TEXT,
    client_id     UUID,
    resource_type TEXT,
    resource_id   TEXT,
    before_state  TEXT,
    after_state   TEXT,
    metadata      TEXT,
    request_id    TEXT,
    seq           BIGINT UNIQUE,
    prev_hash     BYTEA,
    hash          BYTEA
);

CREATE INDEX audit_log_unsealed ON audit_log (pos) WHERE seq IS NULL;
CREATE INDEX audit_log_by_client ON audit_log (client_id, pos);

CREATE TABLE audit_chain_head (
    id   SMALLINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL
);

-- The log is append-only: no deletes or truncation, and a sealed entry never changes.
CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'audit_log is append-only';
    END IF;
    IF OLD.seq IS NOT NULL THEN
        RAISE EXCEPTION 'a sealed audit entry cannot change';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_guard();
