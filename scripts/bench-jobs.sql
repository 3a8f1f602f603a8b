-- A generated portfolio for `just bench-jobs`: :clients ACTIVE clients of two properties each,
-- five requirements a property, each evidenced by one verified document. About one requirement
-- in ten falls on a reminder threshold (60, 30, 7 or 0 days before its due date) on :'day'.
-- psql variables: clients, day.

\set ON_ERROR_STOP on

INSERT INTO clients (id, full_name, email, client_type, preferred_contact, billing_plan, consent_communications,
                     onboarding_status, subscription_status, created_at, updated_at)
SELECT gen_random_uuid(), 'Bench Client ' || i, 'bench-' || i || '@example.com', 'INDIVIDUAL', 'EMAIL',
       'PLAN_2_5', true, 'PROVISIONED', 'ACTIVE', now(), now()
FROM generate_series(1, :clients) AS i;

INSERT INTO properties (id, client_id, address_line_1, city, postcode, nation, has_gas_supply, is_hmo,
                        has_communal_areas, tenancy_start_date, created_at)
SELECT gen_random_uuid(), c.id, n || ' Bench Street', 'London', 'SW1A 1AA', 'ENGLAND', true, false, false,
       DATE '2025-06-01', now()
FROM clients c CROSS JOIN generate_series(1, 2) AS n;

-- Per requirement: the months its evidence lasts; the alarms are checked on the tenancy's start.
CREATE TEMP TABLE kinds (requirement TEXT, months INT, rating TEXT);
INSERT INTO kinds VALUES ('GAS_SAFETY', 12, NULL), ('EICR', 60, NULL), ('EPC', 120, 'C'),
                         ('LEGIONELLA', 24, NULL), ('SMOKE_CO_ALARMS', 0, NULL);

INSERT INTO documents (id, client_id, property_id, status, storage_key, file_type, display_name, size_bytes, sha256,
                       confirmed_requirement, confirmed_issue_date, confirmed_epc_rating, reviewed_at, created_at)
SELECT gen_random_uuid(), p.client_id, p.id, 'VERIFIED', 'documents/bench/' || gen_random_uuid(), 'application/pdf',
       'certificate.pdf', 100000, decode(repeat('00', 32), 'hex'), k.requirement,
       CASE
           WHEN k.months = 0 THEN DATE '2025-06-01'
           -- One dated requirement in eight (one requirement in ten of all five) is due on a
           -- threshold's day; the others 100 to 299 days after the run, outside every window.
           ELSE ((:'day'::date + CASE WHEN random() < 0.125 THEN (ARRAY[60, 30, 7, 0])[1 + floor(random() * 4)::int]
                                      ELSE 100 + floor(random() * 200)::int END)
                 - make_interval(months => k.months))::date
       END,
       k.rating, now(), now()
FROM properties p CROSS JOIN kinds k;

ANALYZE;
