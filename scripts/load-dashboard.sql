-- pgbench script for `just load`: the three statements a dashboard request makes (the session's
-- user, revocation and client; the properties; the documents), for a random one of the seeded
-- clients, so the SQL's own cost on this machine stands beside the server's.
\set n random(1, :clients)
SELECT user_id AS uid, client_id AS cid FROM load_clients WHERE n = :n \gset
SELECT u.*, c.*, EXISTS (SELECT 1 FROM revoked_sessions r WHERE r.session_id = gen_random_uuid()) AS session_revoked FROM portal_users u LEFT JOIN clients c ON c.id = u.client_id WHERE u.id = :uid;
SELECT * FROM properties WHERE client_id = :cid ORDER BY created_at, id;
SELECT * FROM documents WHERE client_id = :cid ORDER BY created_at DESC, id DESC;
