-- pgbench script for `just load`: the one statement a dashboard request makes (the session's
-- user, revocation and client, with the client's evidence version and stored portfolio), for a
-- random one of the seeded clients, so the SQL's own cost on this machine stands beside the
-- server's. (The first statement only picks the client.)
\set n random(1, :clients)
SELECT user_id AS uid, client_id AS cid FROM load_clients WHERE n = :n \gset
SELECT u.*, c.*, EXISTS (SELECT 1 FROM revoked_sessions r WHERE r.session_id = gen_random_uuid()) AS session_revoked, c.evidence_version AS evidence_now, s.evidence_version AS s_evidence_version, s.evaluated_on, s.engine, s.portfolio FROM portal_users u LEFT JOIN clients c ON c.id = u.client_id LEFT JOIN stored_portfolios s ON s.client_id = c.id WHERE u.id = :uid;
