-- Each client's portfolio as last evaluated, so a dashboard is one read by key. The client's
-- evidence version moves on with every document written or reviewed for any of its properties
-- (in the same transaction); a stored portfolio serves only while it was evaluated from the
-- current version, on the same day, by the same engine. Otherwise it is evaluated again.

ALTER TABLE clients ADD COLUMN evidence_version INTEGER NOT NULL DEFAULT 0;

CREATE TABLE stored_portfolios (
    client_id        TEXT PRIMARY KEY REFERENCES clients (id),
    evidence_version INTEGER NOT NULL,
    evaluated_on     TEXT NOT NULL,
    engine           TEXT NOT NULL,
    portfolio        TEXT NOT NULL
) STRICT;
