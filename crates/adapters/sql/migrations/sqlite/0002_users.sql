-- Portal users and their password tokens (only a SHA-256 of each token is stored).

CREATE TABLE portal_users (
    id                   TEXT PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE,
    role                 TEXT NOT NULL,
    client_id            TEXT REFERENCES clients (id),
    status               TEXT NOT NULL,
    password_status      TEXT NOT NULL,
    password_hash        TEXT,
    sessions_valid_after TEXT NOT NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;

CREATE INDEX portal_users_by_client ON portal_users (client_id);

CREATE TABLE password_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES portal_users (id),
    kind       TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT,
    revoked_at TEXT
) STRICT;

CREATE INDEX password_tokens_open ON password_tokens (user_id, kind) WHERE used_at IS NULL AND revoked_at IS NULL;
