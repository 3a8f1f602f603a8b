-- Sessions ended before they expire (sign-out). A row is needed only until the session would
-- have expired anyway; later revocations delete the stale ones.

CREATE TABLE revoked_sessions (
    session_id TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES portal_users (id),
    expires_at TEXT NOT NULL,
    revoked_at TEXT NOT NULL
) STRICT;

CREATE INDEX revoked_sessions_by_expiry ON revoked_sessions (expires_at);
