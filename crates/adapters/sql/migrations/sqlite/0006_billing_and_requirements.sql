-- Payments and provisioning: the provider's ids for a client, the time of the newest subscription
-- event applied (older ones change nothing), why provisioning last failed; every provider event
-- recorded once; and the requirements provisioning creates, one per property and type.

ALTER TABLE clients ADD COLUMN stripe_customer_id TEXT;
ALTER TABLE clients ADD COLUMN stripe_subscription_id TEXT;
ALTER TABLE clients ADD COLUMN subscription_event_at TEXT;
ALTER TABLE clients ADD COLUMN provisioning_error TEXT;
CREATE INDEX clients_by_subscription ON clients (stripe_subscription_id) WHERE stripe_subscription_id IS NOT NULL;

CREATE TABLE payment_events (
    event_id    TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    received_at TEXT NOT NULL,
    outcome     TEXT NOT NULL
) STRICT;

CREATE TABLE requirements (
    id          TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients (id),
    property_id TEXT NOT NULL REFERENCES properties (id),
    requirement TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (property_id, requirement)
) STRICT;

CREATE INDEX requirements_by_client ON requirements (client_id);
