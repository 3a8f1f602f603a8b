-- The scheduled jobs. Each requirement's last evaluation (a snapshot): a status change is a
-- difference from it, across days as within one, and a RED spell keeps the day it began. Every
-- reminder and digest sent, under a key that makes it once ever (kept until it cannot come up
-- again). And each job run, once per (job, period), under a lease that a crashed run loses.

CREATE TABLE requirement_snapshots (
    property_id  TEXT NOT NULL REFERENCES properties (id),
    requirement  TEXT NOT NULL,
    client_id    TEXT NOT NULL REFERENCES clients (id),
    status       TEXT NOT NULL,
    due_date     TEXT,
    evaluated_on TEXT NOT NULL,
    red_since    TEXT,
    PRIMARY KEY (property_id, requirement)
) STRICT;
CREATE INDEX requirement_snapshots_by_client ON requirement_snapshots (client_id);

CREATE TABLE reminders_sent (
    client_id      TEXT NOT NULL REFERENCES clients (id),
    key            TEXT NOT NULL,
    sent_on        TEXT NOT NULL,
    relevant_until TEXT NOT NULL,
    message_id     TEXT REFERENCES message_logs (id),
    PRIMARY KEY (client_id, key)
) STRICT;
CREATE INDEX reminders_sent_by_client ON reminders_sent (client_id, relevant_until);

CREATE TABLE job_runs (
    job         TEXT NOT NULL CHECK (job IN ('daily', 'monthly')),
    period      TEXT NOT NULL,
    run_id      TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('running', 'completed', 'failed')),
    started_at  TEXT NOT NULL,
    lease_until TEXT NOT NULL,
    finished_at TEXT,
    counts      TEXT,
    error       TEXT,
    PRIMARY KEY (job, period)
) STRICT;
CREATE INDEX job_runs_by_finish ON job_runs (job, finished_at) WHERE outcome = 'completed';
