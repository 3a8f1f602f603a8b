-- Evidence documents: the stored file (generated key, type judged by its bytes, SHA-256), what
-- the uploader stated, and the one-way review. A document's property must be its client's:
-- the composite key makes the database refuse anything else.

CREATE UNIQUE INDEX properties_id_client ON properties (id, client_id);

CREATE TABLE documents (
    id                    TEXT PRIMARY KEY,
    client_id             TEXT NOT NULL REFERENCES clients (id),
    property_id           TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('PENDING', 'VERIFIED', 'REJECTED')),
    storage_key           TEXT NOT NULL UNIQUE,
    file_type             TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    size_bytes            INTEGER NOT NULL CHECK (size_bytes >= 0),
    sha256                BLOB NOT NULL,
    stated_requirement    TEXT,
    stated_issue_date     TEXT,
    stated_expiry_date    TEXT,
    stated_epc_rating     TEXT,
    confirmed_requirement TEXT,
    confirmed_issue_date  TEXT,
    confirmed_expiry_date TEXT,
    confirmed_epc_rating  TEXT,
    rejection_reason      TEXT,
    uploaded_by           TEXT REFERENCES portal_users (id),
    reviewed_by           TEXT REFERENCES portal_users (id),
    reviewed_at           TEXT,
    created_at            TEXT NOT NULL,
    FOREIGN KEY (property_id, client_id) REFERENCES properties (id, client_id)
) STRICT;

CREATE INDEX documents_by_client ON documents (client_id, created_at);
CREATE INDEX documents_by_property ON documents (property_id);
