-- A property's evidence moves on with every document written for it: a change computed from a
-- snapshot of its documents is written only if the version is still the one it read.

ALTER TABLE properties ADD COLUMN evidence_version BIGINT NOT NULL DEFAULT 0;
