-- Admins' second factor: a TOTP secret with the last time step accepted, and recovery codes
-- (only their SHA-256 is stored).

CREATE TABLE second_factors (
    user_id        TEXT PRIMARY KEY REFERENCES portal_users (id),
    totp_secret    BLOB NOT NULL,
    last_used_step INTEGER,
    enrolled_at    TEXT NOT NULL
) STRICT;

CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL REFERENCES portal_users (id),
    code_hash BLOB NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
) STRICT;
