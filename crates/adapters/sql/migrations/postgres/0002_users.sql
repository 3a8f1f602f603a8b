-- Portal users and their password tokens (only a SHA-256 of each token is stored).

CREATE TABLE portal_users (
    id                   UUID PRIMARY KEY,
    email                TEXT NOT NULL UNIQUE,
    role                 TEXT NOT NULL,
    client_id            UUID REFERENCES clients (id),
    status               TEXT NOT NULL,
    password_status      TEXT NOT NULL,
    password_hash        TEXT,
    sessions_valid_after TIMESTAMPTZ NOT NULL,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);

CREATE INDEX portal_users_by_client ON portal_users (client_id);

CREATE TABLE password_tokens (
    id         UUID PRIMARY KEY,
    user_id    UUID NOT NULL REFERENCES portal_users (id),
    kind       TEXT NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);

CREATE INDEX password_tokens_open ON password_tokens (user_id, kind) WHERE used_at IS NULL AND revoked_at IS NULL;
