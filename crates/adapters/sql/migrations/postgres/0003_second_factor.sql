-- Admins' second factor: a TOTP secret with the last time step accepted, and recovery codes
-- (only their SHA-256 is stored).

CREATE TABLE second_factors (
    user_id        UUID PRIMARY KEY REFERENCES portal_users (id),
    totp_secret    BYTEA NOT NULL,
    last_used_step BIGINT,
    enrolled_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE recovery_codes (
    user_id   UUID NOT NULL REFERENCES portal_users (id),
    code_hash BYTEA NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);
