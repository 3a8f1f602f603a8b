-- Evidence documents: the stored file (generated key, type judged by its bytes, SHA-256), what
-- the uploader stated, and the one-way review. A document's property must be its client's:
-- the composite key makes the database refuse anything else.

ALTER TABLE properties ADD CONSTRAINT properties_id_client UNIQUE (id, client_id);

CREATE TABLE documents (
    id                    UUID PRIMARY KEY,
    client_id             UUID NOT NULL REFERENCES clients (id),
    property_id           UUID NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('PENDING', 'VERIFIED', 'REJECTED')),
    storage_key           TEXT NOT NULL UNIQUE,
    file_type             TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    size_bytes            BIGINT NOT NULL CHECK (size_bytes >= 0),
    sha256                BYTEA NOT NULL,
    stated_requirement    TEXT,
    stated_issue_date     DATE,
    stated_expiry_date    DATE,
    stated_epc_rating     TEXT,
    confirmed_requirement TEXT,
    confirmed_issue_date  DATE,
    confirmed_expiry_date DATE,
    confirmed_epc_rating  TEXT,
    rejection_reason      TEXT,
    uploaded_by           UUID REFERENCES portal_users (id),
    reviewed_by           UUID REFERENCES portal_users (id),
    reviewed_at           TIMESTAMPTZ,
    created_at            TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (property_id, client_id) REFERENCES properties (id, client_id)
);

CREATE INDEX documents_by_client ON documents (client_id, created_at);
CREATE INDEX documents_by_property ON documents (property_id);
