-- The scheduled jobs. Each requirement's last evaluation (a snapshot): a status change is a
-- difference from it, across days as within one, and a RED spell keeps the day it began. Every
-- reminder and digest sent, under a key that makes it once ever (kept until it cannot come up
-- again). And each job run, once per (job, period), under a lease that a crashed run loses.

CREATE TABLE requirement_snapshots (
    property_id  UUID NOT NULL REFERENCES properties (id),
    requirement  TEXT NOT NULL,
    client_id    UUID NOT NULL REFERENCES clients (id),
    status       TEXT NOT NULL,
    due_date     DATE,
    evaluated_on DATE NOT NULL,
    red_since    DATE,
    PRIMARY KEY (property_id, requirement)
);
CREATE INDEX requirement_snapshots_by_client ON requirement_snapshots (client_id);

CREATE TABLE reminders_sent (
    client_id      UUID NOT NULL REFERENCES clients (id),
    key            TEXT NOT NULL,
    sent_on        DATE NOT NULL,
    relevant_until DATE NOT NULL,
    message_id     UUID REFERENCES message_logs (id),
    PRIMARY KEY (client_id, key)
);
CREATE INDEX reminders_sent_by_client ON reminders_sent (client_id, relevant_until);

CREATE TABLE job_runs (
    job         TEXT NOT NULL CHECK (job IN ('daily', 'monthly')),
    period      TEXT NOT NULL,
    run_id      UUID NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('running', 'completed', 'failed')),
    started_at  TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    counts      JSONB,
    error       TEXT,
    PRIMARY KEY (job, period)
);
CREATE INDEX job_runs_by_finish ON job_runs (job, finished_at) WHERE outcome = 'completed';
