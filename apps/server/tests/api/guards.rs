//! The route guards: every signed-in route for every kind of caller, and the admin's second
//! factor in production.

use serde_json::{Value, json};

use crate::access_helpers::{
    PASSWORD, client_with_password, create_admin, invited_client_user, session_for, totp_key, with_services,
};
use crate::helpers::{Backend, PRODUCTION, spawn_app};

/// The routes that need no session, each guarded its own way (a limit, a signature, a token).
/// With the matrix below they list every JSON route; a test holds the OpenAPI document to both.
const PUBLIC_ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/health"),
    ("POST", "/api/intake/submit"),
    ("GET", "/api/intake/{client_id}/status"),
    ("POST", "/api/intake/{client_id}/checkout"),
    ("POST", "/api/auth/login"),
    ("POST", "/api/auth/forgot-password"),
    ("POST", "/api/auth/set-password"),
    ("POST", "/api/webhook/stripe"),
    ("POST", "/api/webhook/postmark"),
];

/// Whether the concrete `path` (its query left aside) fills the OpenAPI `pattern`.
fn matches_pattern(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or_default();
    let (pattern, path): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    pattern.len() == path.len()
        && pattern
            .iter()
            .zip(&path)
            .all(|(p, s)| (p.starts_with('{') && p.ends_with('}')) || p == s)
}

/// Every route that needs a session, for every kind of caller, and with the public routes the
/// whole OpenAPI document.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_route_guard_matrix() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let admin = create_admin(&app, "admin@example.com").await;
    let target = invited_client_user(&app, "target@example.com").await;
    let without_password = invited_client_user(&app, "nopassword@example.com").await;
    let good = client_with_password(&app, "good@example.com").await;
    let disabled = client_with_password(&app, "disabled@example.com").await;
    let admin_token = app.token("admin@example.com").await;
    assert_eq!(app.switch_user(&admin_token, &disabled, "disable").await.status(), 200);

    let provisioned = crate::payments::provisioned_client(&app, "provisioned@example.com").await;

    let callers: [(&str, Option<String>); 6] = [
        ("anonymous", None),
        ("client without password", Some(session_for(&without_password))),
        ("client not provisioned", Some(session_for(&good))),
        ("disabled client", Some(session_for(&disabled))),
        ("good client", Some(session_for(&provisioned))),
        ("admin", Some(session_for(&admin))),
    ];
    let target_client = target.client_id.unwrap();
    let note = json!({ "subject": "Hello", "message": "A note." });
    let nothing = uuid::Uuid::now_v7();
    let verify = json!({ "requirement": "GAS_SAFETY", "issue_date": "2026-06-01" });
    let reject = json!({ "reason": "Illegible" });
    let routes = [
        ("GET", "/api/auth/me".to_owned(), None, [401, 200, 200, 403, 200, 200]),
        (
            "POST",
            format!("/api/admin/users/{}/disable", target.id),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        (
            "POST",
            format!("/api/admin/users/{}/enable", target.id),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        (
            "GET",
            "/api/admin/messages".to_owned(),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        (
            "POST",
            format!("/api/admin/clients/{target_client}/email"),
            Some(&note),
            [401, 403, 403, 403, 403, 202],
        ),
        (
            "POST",
            format!("/api/admin/clients/{target_client}/resend-password-setup"),
            None,
            [401, 403, 403, 403, 403, 202],
        ),
        (
            "POST",
            format!("/api/admin/clients/{target_client}/provision"),
            None,
            [401, 403, 403, 403, 403, 409],
        ),
        (
            "GET",
            "/api/admin/clients?limit=5".to_owned(),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        (
            "GET",
            format!("/api/admin/clients/{target_client}"),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        (
            "GET",
            "/api/admin/documents?status=PENDING".to_owned(),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        (
            "GET",
            "/api/admin/users?role=CLIENT".to_owned(),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        (
            "GET",
            "/api/admin/audit".to_owned(),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        // The pack: the signed-in callers' plans lack it (403 plan_upgrade_required, the pack
        // test shows a plan with it); the key is public.
        (
            "GET",
            format!("/api/admin/clients/{target_client}/compliance-pack"),
            None,
            [401, 403, 403, 403, 403, 403],
        ),
        (
            "GET",
            "/api/client/compliance-pack".to_owned(),
            None,
            [401, 403, 403, 403, 403, 403],
        ),
        ("GET", "/api/pack-key".to_owned(), None, [200, 200, 200, 200, 200, 200]),
        (
            "GET",
            "/api/client/documents".to_owned(),
            None,
            [401, 403, 403, 403, 200, 403],
        ),
        (
            "GET",
            "/api/client/dashboard".to_owned(),
            None,
            [401, 403, 403, 403, 200, 403],
        ),
        // Documents: an id that names nothing, so a caller the guard lets through gets 404, and
        // uploads without a file, so one let through gets the form's own refusal.
        (
            "GET",
            format!("/api/admin/clients/{target_client}/documents"),
            None,
            [401, 403, 403, 403, 403, 200],
        ),
        (
            "POST",
            format!("/api/admin/clients/{target_client}/documents"),
            None,
            [401, 403, 403, 403, 403, 400],
        ),
        (
            "GET",
            format!("/api/admin/documents/{nothing}/download"),
            None,
            [401, 403, 403, 403, 403, 404],
        ),
        (
            "GET",
            format!("/api/admin/documents/{nothing}/suggestions"),
            None,
            [401, 403, 403, 403, 403, 404],
        ),
        (
            "POST",
            format!("/api/admin/documents/{nothing}/verify"),
            Some(&verify),
            [401, 403, 403, 403, 403, 404],
        ),
        (
            "POST",
            format!("/api/admin/documents/{nothing}/reject"),
            Some(&reject),
            [401, 403, 403, 403, 403, 404],
        ),
        (
            "POST",
            "/api/client/documents".to_owned(),
            None,
            [401, 403, 403, 403, 400, 403],
        ),
        (
            "GET",
            format!("/api/client/documents/{nothing}/download"),
            None,
            [401, 403, 403, 403, 404, 403],
        ),
        (
            "POST",
            "/api/auth/logout".to_owned(),
            None,
            [401, 204, 204, 403, 204, 204],
        ),
    ];
    let mut wrong = Vec::new();
    for (method, path, body, expected) in &routes {
        for ((caller, token), status) in callers.iter().zip(expected) {
            let mut request = app
                .http
                .request(method.parse().unwrap(), format!("{}{path}", app.address));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if let Some(body) = body {
                request = request.json(body);
            }
            let got = request.send().await.unwrap().status().as_u16();
            if got != *status {
                wrong.push(format!("{caller}: {method} {path}: {got}, expected {status}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The matrix and the public routes together are every route the OpenAPI document describes,
    // and nothing it does not.
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let documented: std::collections::BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let mut tabled = std::collections::BTreeSet::new();
    for (method, path, _, _) in &routes {
        let pattern = documented
            .iter()
            .find(|(m, pattern)| m == method && matches_pattern(pattern, path))
            .unwrap_or_else(|| panic!("{method} {path} in the matrix is not in the OpenAPI document"));
        tabled.insert(pattern.clone());
    }
    for (method, pattern) in PUBLIC_ROUTES {
        tabled.insert(((*method).to_owned(), (*pattern).to_owned()));
    }
    assert_eq!(documented, tabled, "the OpenAPI document and the route table differ");

    // In production an admin session without a second factor is refused on admin routes.
    let production = spawn_app(Backend::Sqlite, PRODUCTION).await.unwrap();
    create_admin(&production, "admin@example.com").await;
    let token = production.token("admin@example.com").await;
    assert_eq!(production.me(&token).await.status(), 200);
    let refused = production.switch_user(&token, &admin, "disable").await;
    assert_eq!(refused.status(), 401);
    assert_eq!(refused.json::<Value>().await.unwrap()["code"], "second_factor_required");
}

/// In production an enrolled admin signs in with a current code or an unused recovery code, and
/// each works once; the session then passes the admin routes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_enrolled_admin_needs_a_fresh_code_or_an_unused_recovery_code() {
    let app = spawn_app(Backend::Sqlite, PRODUCTION).await.unwrap();
    let admin = create_admin(&app, "admin@example.com").await;
    let target = invited_client_user(&app, "target@example.com").await;
    let enrolment = with_services(&*app.store, async |s| {
        app::access::enrol_second_factor(s, "admin@example.com", &app::RequestContext::system())
            .await
            .unwrap()
    })
    .await;
    assert_eq!(enrolment.recovery_codes.len(), 10);

    for totp in [None, Some("000000"), Some("not-a-code")] {
        let response = app.login_with("admin@example.com", PASSWORD, totp).await;
        assert_eq!(response.status(), 401, "{totp:?}");
        assert_eq!(response.json::<Value>().await.unwrap()["code"], "invalid_second_factor");
    }

    let sealed = app.store.second_factor(admin.id).await.unwrap().unwrap().totp_secret;
    let code = totp_key()
        .open(admin.id, &sealed)
        .expect("the secret is stored encrypted with the server's key")
        .code_at(chrono::Utc::now())
        .unwrap();
    let signed_in = app.login_with("admin@example.com", PASSWORD, Some(&code)).await;
    assert_eq!(signed_in.status(), 200);
    let token = signed_in.json::<Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.switch_user(&token, &target, "disable").await.status(),
        200,
        "a second factor opens admin routes"
    );
    assert_eq!(
        app.login_with("admin@example.com", PASSWORD, Some(&code))
            .await
            .status(),
        401,
        "a code works once"
    );

    let recovery = &enrolment.recovery_codes[3];
    assert_eq!(
        app.login_with("admin@example.com", PASSWORD, Some(recovery))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.login_with("admin@example.com", PASSWORD, Some(recovery))
            .await
            .status(),
        401,
        "a recovery code works once"
    );
}
