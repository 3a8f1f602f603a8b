//! The portal's first pages over HTTP, as a browser would meet them (cookies handled by hand,
//! redirects not followed): our origin only, signing in with the form's token, the dashboard, the
//! guards' redirects, and forms refused without their token.

use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;

use crate::access_helpers::{PASSWORD, create_admin};
use crate::calls::signed_in_client;
use crate::helpers::{Backend, TestApp, spawn_app};

/// A browser without a cookie jar of its own: cookies are passed by hand.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

/// The value of cookie `name` among a response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// The hidden CSRF field's value in a page.
fn csrf_field(html: &str) -> String {
    let (_, rest) = html
        .split_once(r#"name="csrf" value=""#)
        .expect("a form with its token");
    rest.split('"').next().unwrap().to_owned()
}

struct Visit {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
}

impl Visit {
    fn new(app: &TestApp) -> Self {
        Self {
            http: browser(),
            base: app.address.clone(),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, response: &reqwest::Response) {
        for name in ["cv_csrf", "cv_session"] {
            if let Some(value) = set_cookie(response, name) {
                self.cookies.retain(|(k, _)| k != name);
                if !value.is_empty() {
                    self.cookies.push((name.to_owned(), value));
                }
            }
        }
    }

    async fn get(&mut self, path: &str) -> reqwest::Response {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        self.keep(&response);
        response
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let body = form
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.keep(&response);
        response
    }

    /// Opens the sign-in page and submits it: the answer.
    async fn sign_in(&mut self, email: &str, password: &str) -> reqwest::Response {
        let form = self.get("/login").await.text().await.unwrap();
        let csrf = csrf_field(&form);
        self.post("/login", &[("csrf", &csrf), ("email", email), ("password", password)])
            .await
    }
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn location(response: &reqwest::Response) -> &str {
    response.headers()[LOCATION].to_str().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_and_its_stylesheet_come_from_our_origin_alone() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let mut visit = Visit::new(&app);
    let home = visit.get("/").await;
    assert_eq!(home.status(), 200);
    assert_eq!(home.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    let csp = home.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("style-src 'self'"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe-inline") && !csp.contains("http"), "{csp}");
    let html = home.text().await.unwrap();
    for plan in [
        "PLAN_1",
        "PLAN_2_5",
        "PLAN_6_15",
        "6 to 15 properties",
        "signed compliance pack",
    ] {
        assert!(html.contains(plan), "{plan}");
    }
    assert!(html.contains(r#"<link rel="stylesheet" href="/static/app.css">"#));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "nothing from another origin"
    );
    assert!(!html.contains("style=") && !html.contains("<script"), "nothing inline");
    let css = visit.get("/static/app.css").await;
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()[CONTENT_TYPE], "text/css; charset=utf-8");
    assert!(
        !css.text().await.unwrap().contains("url("),
        "no fonts or images from anywhere"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_signs_in_on_the_page_sees_the_dashboard_and_signs_out() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    signed_in_client(&app, "page@example.com").await;
    let mut visit = Visit::new(&app);
    assert_eq!(
        location(&visit.get("/dashboard").await),
        "/login",
        "anonymous: to sign in"
    );

    let signed_in = visit.sign_in("page@example.com", PASSWORD).await;
    assert_eq!(signed_in.status(), 303);
    assert_eq!(location(&signed_in), "/dashboard");
    let session = set_cookie(&signed_in, "cv_session").unwrap();
    let header = signed_in
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("cv_session="))
        .unwrap();
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );

    assert_eq!(location(&visit.get("/portal").await), "/dashboard");
    let dashboard = visit.get("/dashboard").await;
    assert_eq!(dashboard.status(), 200);
    let html = dashboard.text().await.unwrap();
    assert!(html.contains("123 Test St, SW1A 1AA"), "{html}");
    assert!(html.contains("Portfolio: <strong>RED</strong>"));
    assert!(
        html.contains("Gas safety record: MISSING"),
        "the worst requirement is next"
    );
    assert_eq!(
        location(&visit.get("/admin").await),
        "/dashboard",
        "a client cannot open an admin page"
    );

    let csrf = csrf_field(&html);
    let out = visit.post("/logout", &[("csrf", &csrf)]).await;
    assert_eq!((out.status().as_u16(), location(&out)), (303, "/login"));
    let reused = browser()
        .get(format!("{}/dashboard", app.address))
        .header(COOKIE, format!("cv_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&reused), "/login", "the session ended with the sign-out");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_without_their_token_are_refused_and_errors_stand_beside_their_fields() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    signed_in_client(&app, "forms@example.com").await;
    let mut visit = Visit::new(&app);
    visit.get("/login").await;
    let forged = visit
        .post("/login", &[("email", "forms@example.com"), ("password", PASSWORD)])
        .await;
    assert_eq!(forged.status(), 403);
    assert!(set_cookie(&forged, "cv_session").is_none());
    assert!(forged.text().await.unwrap().contains("This form has expired"));
    let other = visit
        .post(
            "/login",
            &[
                ("csrf", &"A".repeat(43)),
                ("email", "forms@example.com"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(other.status(), 403, "a token that is not the cookie's");

    let wrong = visit.sign_in("forms@example.com", "not the password at all").await;
    assert_eq!(wrong.status(), 401);
    let html = wrong.text().await.unwrap();
    assert!(
        html.contains(r##"<a href="#password">The email address or password is wrong</a>"##),
        "{html}"
    );
    assert!(html.contains(r#"aria-invalid="true" aria-describedby="password-error""#));
    assert!(html.contains(r#"value="forms@example.com""#), "the email is kept");

    let empty = visit.sign_in("", "").await;
    assert_eq!(empty.status(), 422);
    let html = empty.text().await.unwrap();
    assert!(html.contains("Enter your email address") && html.contains("Enter your password"));

    let hostile = visit.sign_in("<script>alert(1)</script>@example.com", "x").await;
    let html = hostile.text().await.unwrap();
    assert!(!html.contains("<script>alert"), "escaped by construction");

    let no_token = visit.post("/logout", &[]).await;
    assert_eq!(no_token.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_signs_in_to_the_clients_page() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    create_admin(&app, "ops@example.com").await;
    signed_in_client(&app, "listed@example.com").await;
    let mut visit = Visit::new(&app);
    let signed_in = visit.sign_in("ops@example.com", PASSWORD).await;
    assert_eq!(location(&signed_in), "/admin");
    let page = visit.get("/admin").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("listed@example.com") && html.contains("PROVISIONED"),
        "{html}"
    );
    assert_eq!(
        location(&visit.get("/dashboard").await),
        "/admin",
        "an operator has no dashboard"
    );
}

/// The password-setup link emailed to a new, paid client.
async fn setup_link(app: &TestApp, email: &str) -> String {
    let client_id = app.intake(email).await.to_string();
    let event = crate::payments::checkout_completed(&format!("evt_{}", uuid::Uuid::new_v4().simple()), &client_id);
    assert_eq!(crate::payments::deliver(app, &event).await.status(), 200);
    for _ in 0..200 {
        let setups = crate::recovery::emails_of(app, "password-setup");
        if let Some(setup) = setups.iter().find(|e| e["to"] == email) {
            return setup["model"]["setup_url"].as_str().unwrap().to_owned();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no setup email for {email}");
}

/// The path and query of an emailed link (which carries the configured public address).
fn path_of(link: &str) -> &str {
    &link[link
        .find("/set-password")
        .or_else(|| link.find("/reset-password"))
        .unwrap()..]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_setup_link_sets_the_first_password_and_opens_the_dashboard() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let link = setup_link(&app, "first@example.com").await;
    let mut visit = Visit::new(&app);

    let bare = visit.get("/set-password").await;
    assert_eq!(bare.headers()["referrer-policy"], "no-referrer");
    let html = bare.text().await.unwrap();
    assert!(
        html.contains(r#"href="/forgot-password">Ask for a new link"#),
        "without a token: how to get one"
    );

    let page = visit.get(path_of(&link)).await;
    assert_eq!(
        page.headers()["referrer-policy"],
        "no-referrer",
        "the token never leaves in a Referer"
    );
    let html = page.text().await.unwrap();
    let csrf = csrf_field(&html);
    let token = crate::recovery::token_in(&link);
    assert!(html.contains(&format!(r#"name="token" value="{token}""#)));

    let differ = visit
        .post(
            "/set-password",
            &[
                ("csrf", &csrf),
                ("token", token),
                ("password", PASSWORD),
                ("confirm", "other"),
            ],
        )
        .await;
    assert_eq!(differ.status(), 422);
    assert!(
        differ
            .text()
            .await
            .unwrap()
            .contains(r#"id="confirm-error">The two passwords differ"#)
    );

    let set = visit
        .post(
            "/set-password",
            &[
                ("csrf", &csrf),
                ("token", token),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        (set.status().as_u16(), location(&set)),
        (303, "/dashboard"),
        "signed in at once"
    );
    let dashboard = visit.get("/dashboard").await;
    assert_eq!(dashboard.status(), 200);
    assert!(dashboard.text().await.unwrap().contains("123 Test St"));

    let again = visit
        .post(
            "/set-password",
            &[
                ("csrf", &csrf),
                ("token", token),
                ("password", PASSWORD),
                ("confirm", PASSWORD),
            ],
        )
        .await;
    assert_eq!(again.status(), 400);
    assert!(again.text().await.unwrap().contains("expired or was used already"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_from_the_forgotten_password_page_leads_back_to_sign_in() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    signed_in_client(&app, "forgetful@example.com").await;
    let mut visit = Visit::new(&app);
    let form = visit.get("/forgot-password").await.text().await.unwrap();
    let csrf = csrf_field(&form);
    let bad = visit
        .post("/forgot-password", &[("csrf", &csrf), ("email", "not an address")])
        .await;
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains(r#"id="email-error">Enter your email address"#)
    );
    let sent = visit
        .post(
            "/forgot-password",
            &[("csrf", &csrf), ("email", "forgetful@example.com")],
        )
        .await;
    assert_eq!(sent.status(), 200);
    assert!(
        sent.text()
            .await
            .unwrap()
            .contains("an email with a link to set a new password is on")
    );

    let reset = crate::recovery::wait_for(&app, "password-reset", 1).await.remove(0);
    let link = reset["model"]["reset_url"].as_str().unwrap().to_owned();
    let page = visit.get(path_of(&link)).await.text().await.unwrap();
    assert!(page.contains("Set a new password"));
    let new_password = "a different phrase for the ledger";
    let token = crate::recovery::token_in(&link);
    let set = visit
        .post(
            "/reset-password",
            &[
                ("csrf", &csrf),
                ("token", token),
                ("password", new_password),
                ("confirm", new_password),
            ],
        )
        .await;
    assert_eq!(
        location(&set),
        "/login?password=set",
        "after a reset the user signs in again"
    );
    assert!(set_cookie(&set, "cv_session").is_none());
    let login = visit.get("/login?password=set").await.text().await.unwrap();
    assert!(login.contains("Your new password is set"));
    assert_eq!(
        location(&visit.sign_in("forgetful@example.com", new_password).await),
        "/dashboard"
    );

    let help = visit.get("/contact-support").await;
    assert_eq!(help.status(), 200);
}

impl Visit {
    /// Posts a multipart form (the fields in order, then the file).
    async fn upload(&mut self, path: &str, fields: &[(&str, &str)], file: &[u8]) -> reqwest::Response {
        let (content_type, body) = crate::calls::multipart(fields, "gas 2026.pdf", file);
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, self.cookie_header())
            .header(CONTENT_TYPE, content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        self.keep(&response);
        response
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_property_page_shows_each_requirement_and_takes_an_upload() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let (_, client_id) = signed_in_client(&app, "owner@example.com").await;
    let property = crate::calls::first_property(&app, client_id).await;
    let mut visit = Visit::new(&app);
    visit.sign_in("owner@example.com", PASSWORD).await;
    let dashboard = visit.get("/dashboard").await.text().await.unwrap();
    let link = format!("/properties/{property}");
    assert!(
        dashboard.contains(&format!(r#"<a href="{link}">"#)),
        "the dashboard links each property"
    );

    let page = visit.get(&link).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Gas safety record") && html.contains("<strong>MISSING</strong>"),
        "{html}"
    );
    assert!(
        html.contains("Gas Safety (Installation and Use) Regulations 1998"),
        "the legal source"
    );
    let csrf = csrf_field(&html);
    let form_at = html.find("enctype=\"multipart/form-data\"").unwrap();
    assert!(
        html[form_at..].find(r#"name="csrf""#) < html[form_at..].find(r#"name="file""#),
        "the token comes first"
    );

    let fields = [
        ("csrf", csrf.as_str()),
        ("requirement", "GAS_SAFETY"),
        ("issue_date", "2026-06-01"),
    ];
    let uploaded = visit
        .upload(
            &format!("{link}/documents"),
            &fields,
            &testkit::fixtures::pdf_bytes(400),
        )
        .await;
    assert_eq!(uploaded.status(), 303);
    assert_eq!(location(&uploaded), format!("{link}?uploaded=1"));
    let after = visit.get(&format!("{link}?uploaded=1")).await.text().await.unwrap();
    assert!(after.contains("Received. An operator will check it"));
    assert!(after.contains("gas 2026.pdf") && after.contains("Waiting for an operator"));
    assert!(after.contains("<strong>PENDING_VERIFICATION</strong>"), "{after}");

    let blank = [("csrf", csrf.as_str()), ("requirement", ""), ("issue_date", "")];
    let unstated = visit
        .upload(&format!("{link}/documents"), &blank, &testkit::fixtures::pdf_bytes(500))
        .await;
    assert_eq!(unstated.status(), 303, "optional fields left blank say nothing");

    let forged = visit
        .upload(&format!("{link}/documents"), &[], &testkit::fixtures::pdf_bytes(400))
        .await;
    assert_eq!(forged.status(), 403);
    assert!(
        forged
            .text()
            .await
            .unwrap()
            .contains(r#"id="file-error">This form has expired"#)
    );
    let html_file = visit
        .upload(
            &format!("{link}/documents"),
            &[("csrf", &csrf)],
            b"<html><script>x</script></html>",
        )
        .await;
    assert_eq!(html_file.status(), 415);
    assert!(
        html_file
            .text()
            .await
            .unwrap()
            .contains(r#"id="file-error">only PDF, JPEG and PNG"#)
    );
    assert_eq!(
        app.store.list_documents(client_id).await.unwrap().len(),
        2,
        "nothing stored from the refused ones"
    );

    let (_, other) = signed_in_client(&app, "neighbour@example.com").await;
    let theirs = crate::calls::first_property(&app, other).await;
    assert_eq!(visit.get(&format!("/properties/{theirs}")).await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_up_on_the_page_pays_at_the_test_checkout_and_provisions() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let mut visit = Visit::new(&app);
    let form = visit.get("/signup").await.text().await.unwrap();
    let csrf = csrf_field(&form);
    assert!(form.contains(r#"id="properties[0].postcode""#) && !form.contains("properties[1]"));

    let person = [
        ("csrf", csrf.as_str()),
        ("full_name", "Rhiannon Ŵyn"),
        ("email", "rhiannon@example.com"),
        ("client_type", "INDIVIDUAL"),
        ("billing_plan", "PLAN_2_5"),
        ("preferred_contact", "EMAIL"),
        ("consent_data_processing", "true"),
    ];
    let first = [
        ("properties[0].address_line_1", "Tŷ Newydd"),
        ("properties[0].city", "Aberystwyth"),
        ("properties[0].postcode", "SY23 1AB"),
        ("properties[0].nation", "WALES"),
        ("properties[0].has_gas_supply", "true"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut all: Vec<(&str, &str)> = person.to_vec();
        all.extend_from_slice(&first);
        all.extend_from_slice(extra);
        all
    };
    let added = visit.post("/signup", &with(&[("rows", "1"), ("action", "add")])).await;
    assert_eq!(added.status(), 200);
    let html = added.text().await.unwrap();
    assert!(
        html.contains(r#"id="properties[1].postcode""#),
        "a second row, no script needed"
    );
    assert!(html.contains(r#"value="Tŷ Newydd""#), "what was typed is kept");

    // Every error beside its field: a bad postcode, a missing city, too few properties for the plan.
    let bad = visit
        .post(
            "/signup",
            &with(&[
                ("rows", "2"),
                ("properties[1].address_line_1", "2 Park Row"),
                ("properties[1].postcode", "nope"),
                ("action", "submit"),
            ]),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains(r#"id="properties[1].postcode-error""#), "{html}");
    assert!(html.contains(r#"id="properties[1].city-error""#));
    assert!(
        html.contains(r##"<a href="#properties[1].postcode">"##),
        "the summary links to the field"
    );

    let good = with(&[
        ("rows", "2"),
        ("properties[1].address_line_1", "2 Park Row"),
        ("properties[1].city", "Leeds"),
        ("properties[1].postcode", "LS1 5HD"),
        ("action", "submit"),
    ]);
    let submitted = visit.post("/signup", &good).await;
    assert_eq!(submitted.status(), 303);
    let to_checkout = location(&submitted).to_owned();
    assert!(to_checkout.starts_with("/dev/checkout?client_id="), "{to_checkout}");
    let again = visit.post("/signup", &good).await;
    assert_eq!(again.status(), 409);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains(r#"id="email-error">a client with this email is already registered"#)
    );

    let checkout = visit.get(&to_checkout).await;
    assert_eq!(checkout.status(), 200);
    let html = checkout.text().await.unwrap();
    assert!(html.contains("no money moves"));
    let client_id = to_checkout.split_once('=').unwrap().1;
    let forged = visit.post("/dev/checkout", &[("client_id", client_id)]).await;
    assert_eq!(forged.status(), 403);
    let paid = visit
        .post(
            "/dev/checkout",
            &[("csrf", &csrf_field(&html)), ("client_id", client_id)],
        )
        .await;
    assert_eq!(
        location(&paid),
        format!("/onboarding/status?client_id={client_id}&checkout=success")
    );
    let status = visit.get(location(&paid)).await.text().await.unwrap();
    assert!(status.contains("PROVISIONED") && status.contains("ACTIVE"), "{status}");
    let setup = crate::recovery::wait_for(&app, "password-setup", 1).await;
    assert_eq!(
        setup[0]["to"], "rhiannon@example.com",
        "provisioned through the same path as Stripe's"
    );
    assert_eq!(visit.get("/onboarding/status?client_id=nope").await.status(), 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_test_checkout_does_not_exist_in_production_or_with_stripe() {
    let production = spawn_app(Backend::Sqlite, crate::helpers::PRODUCTION).await.unwrap();
    let id = uuid::Uuid::now_v7();
    assert_eq!(
        Visit::new(&production)
            .get(&format!("/dev/checkout?client_id={id}"))
            .await
            .status(),
        404
    );
    let prices = [
        ("STRIPE_API_KEY", "sk_test_x"),
        ("STRIPE_PRICE_PLAN_1", "price_1"),
        ("STRIPE_PRICE_PLAN_2_5", "price_2"),
        ("STRIPE_PRICE_PLAN_6_15", "price_3"),
    ];
    let stripe = spawn_app(Backend::Sqlite, &prices).await.unwrap();
    assert_eq!(
        Visit::new(&stripe)
            .get(&format!("/dev/checkout?client_id={id}"))
            .await
            .status(),
        404
    );
    let signup = Visit::new(&stripe).get("/signup").await;
    let csp = signup.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(
        csp.contains("form-action 'self' https://checkout.stripe.com"),
        "sign-up may hand over to Checkout: {csp}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_rejects_from_the_queue_and_forms_without_their_token_change_nothing() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    create_admin(&app, "ops@example.com").await;
    let (client, client_id) = signed_in_client(&app, "queued@example.com").await;
    let property = crate::calls::first_property(&app, client_id).await;
    let document = app
        .uploaded(
            &client,
            &[("property_id", property.as_str())],
            &testkit::fixtures::pdf_bytes(300),
        )
        .await;
    let mut visit = Visit::new(&app);
    visit.sign_in("queued@example.com", PASSWORD).await;
    assert_eq!(
        location(&visit.get("/admin/documents").await),
        "/dashboard",
        "not for clients"
    );

    let mut ops = Visit::new(&app);
    ops.sign_in("ops@example.com", PASSWORD).await;
    let queue = ops.get("/admin/documents").await.text().await.unwrap();
    assert!(
        queue.contains(&format!(r#"href="/admin/documents/{document}""#)),
        "{queue}"
    );
    let page = ops
        .get(&format!("/admin/documents/{document}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("no text to read") || page.contains("Nothing recognisable"),
        "{page}"
    );
    let csrf = csrf_field(&page);

    let forged = ops
        .post(
            &format!("/admin/documents/{document}/verify"),
            &[("requirement", "EICR"), ("issue_date", "2026-01-01")],
        )
        .await;
    assert_eq!(forged.status(), 403);
    let bad_date = ops
        .post(
            &format!("/admin/documents/{document}/verify"),
            &[("csrf", &csrf), ("requirement", "EICR"), ("issue_date", "someday")],
        )
        .await;
    assert_eq!(bad_date.status(), 422);
    assert!(bad_date.text().await.unwrap().contains(r#"id="issue_date-error""#));
    let empty_reason = ops
        .post(
            &format!("/admin/documents/{document}/reject"),
            &[("csrf", &csrf), ("reason", "")],
        )
        .await;
    assert_eq!(empty_reason.status(), 422);

    let rejected = ops
        .post(
            &format!("/admin/documents/{document}/reject"),
            &[("csrf", &csrf), ("reason", "The scan is unreadable")],
        )
        .await;
    assert_eq!(location(&rejected), "/admin/documents?done=rejected");
    let stored = app.store.list_documents(client_id).await.unwrap();
    assert_eq!(stored[0].status, domain::DocumentStatus::Rejected);
    let seen = visit
        .get(&format!("/properties/{property}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        seen.contains("Rejected: The scan is unreadable"),
        "the client reads the reason"
    );
    let twice = ops
        .post(
            &format!("/admin/documents/{document}/reject"),
            &[("csrf", &csrf), ("reason", "again")],
        )
        .await;
    assert_eq!(twice.status(), 409);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_operator_works_on_one_client_from_its_page() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    create_admin(&app, "ops@example.com").await;
    setup_link(&app, "waiting@example.com").await;
    let client = app
        .store
        .find_client_by_email(&domain::Email::parse("waiting@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut ops = Visit::new(&app);
    ops.sign_in("ops@example.com", PASSWORD).await;
    let list = ops.get("/admin").await.text().await.unwrap();
    let path = format!("/admin/clients/{}", client.id);
    assert!(list.contains(&format!(r#"href="{path}""#)));
    let page = ops.get(&path).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("waiting@example.com") && html.contains("PROVISIONED") && html.contains("123 Test St"));
    assert!(html.contains("password-setup"), "recent messages: {html}");
    assert!(html.contains("PAYMENT_RECEIVED"), "recent audit entries");
    assert!(html.contains(&format!("/api/admin/clients/{}/compliance-pack?format=zip", client.id)));
    let csrf = csrf_field(&html);

    let resent = ops.post(&format!("{path}/resend-setup"), &[("csrf", &csrf)]).await;
    assert_eq!(location(&resent), format!("{path}?done=resent"));
    crate::recovery::wait_for(&app, "password-setup", 2).await;

    let empty = ops
        .post(
            &format!("{path}/email"),
            &[("csrf", &csrf), ("subject", ""), ("message", "Hello")],
        )
        .await;
    assert_eq!(empty.status(), 422);
    assert!(empty.text().await.unwrap().contains(r#"id="subject-error""#));
    let sent = ops
        .post(
            &format!("{path}/email"),
            &[
                ("csrf", &csrf),
                ("subject", "Your gas record"),
                ("message", "Please upload it."),
            ],
        )
        .await;
    assert_eq!(location(&sent), format!("{path}?done=emailed"));
    let manual = crate::recovery::wait_for(&app, "admin-manual", 1).await;
    assert_eq!(manual[0]["to"], "waiting@example.com");

    let property = crate::calls::first_property(&app, client.id).await;
    let fields = [("csrf", csrf.as_str()), ("property_id", property.as_str())];
    let uploaded = ops
        .upload(
            &format!("{path}/documents"),
            &fields,
            &testkit::fixtures::pdf_bytes(300),
        )
        .await;
    assert_eq!(location(&uploaded), format!("{path}?done=uploaded"));
    let documents = app.store.list_documents(client.id).await.unwrap();
    let admin = app
        .store
        .find_user_by_email(&domain::Email::parse("ops@example.com").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        documents[0].uploaded_by,
        Some(admin.id),
        "on the client's behalf, by the operator"
    );
    let forged_upload = ops
        .upload(
            &format!("{path}/documents"),
            &[("property_id", property.as_str())],
            b"%PDF-1.7\n",
        )
        .await;
    assert_eq!(forged_upload.status(), 403);

    let again = ops.post(&format!("{path}/provision"), &[("csrf", &csrf)]).await;
    assert_eq!(
        location(&again),
        format!("{path}?done=unchanged"),
        "nothing was missing"
    );
    let said = ops.get(location(&again)).await.text().await.unwrap();
    assert!(said.contains("found nothing missing"));
    let forged = ops.post(&format!("{path}/provision"), &[]).await;
    assert_eq!(forged.status(), 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operators_logs_page_through_and_filter() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    create_admin(&app, "ops@example.com").await;
    signed_in_client(&app, "logged@example.com").await;
    let mut ops = Visit::new(&app);
    ops.sign_in("ops@example.com", PASSWORD).await;
    let messages = ops.get("/admin/messages").await.text().await.unwrap();
    assert!(
        messages.contains("payment-receipt") && messages.contains("logged@example.com"),
        "{messages}"
    );
    let failed = ops.get("/admin/messages?status=FAILED").await.text().await.unwrap();
    assert!(!failed.contains("logged@example.com"), "nothing failed");
    let audit = ops.get("/admin/audit").await.text().await.unwrap();
    assert!(audit.contains("PAYMENT_RECEIVED") && audit.contains("LOGIN_SUCCEEDED"));
    let payments = ops
        .get("/admin/audit?action=PAYMENT_RECEIVED")
        .await
        .text()
        .await
        .unwrap();
    assert!(payments.contains("PAYMENT_RECEIVED") && !payments.contains("<td>LOGIN_SUCCEEDED</td>"));
    let mut visit = Visit::new(&app);
    visit.sign_in("logged@example.com", PASSWORD).await;
    assert_eq!(location(&visit.get("/admin/audit").await), "/dashboard");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_address_is_a_page_for_a_browser_and_a_problem_for_the_api() {
    let app = spawn_app(Backend::Sqlite, &[]).await.unwrap();
    let browser = browser();
    let page = browser
        .get(format!("{}/no/such/page", app.address))
        .header("Accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert_eq!(page.headers()[CONTENT_TYPE], "text/html; charset=utf-8");
    assert!(page.text().await.unwrap().contains("There is nothing at this address"));
    let api = browser
        .get(format!("{}/api/no-such-route", app.address))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()[CONTENT_TYPE], "application/problem+json");
    let machine = browser
        .get(format!("{}/no/such/page", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(machine.headers()[CONTENT_TYPE], "application/problem+json");
}
