//! The operators' console routes: lists paged by cursor while rows are written between pages,
//! each filter against the rows it should and should not keep, every bad parameter named in one
//! 422, and one client shown whole.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};
use testkit::fixtures::pdf_bytes as pdf;

use crate::access_helpers::create_admin;
use crate::calls::{first_property, signed_in_client};
use crate::helpers::{TestApp, on_both_backends, valid_intake};
use crate::jobs::{evidenced_client, run_daily};

on_both_backends!(
    client_pages_hold_every_earlier_client_once_while_others_sign_up,
    client_filters_keep_what_they_name,
    the_audit_log_pages_by_position_and_filters,
    the_verification_queue_is_oldest_first,
);

impl TestApp {
    /// An admin's `GET path`, asserting 200: the JSON.
    async fn console(&self, token: &str, path: &str) -> Value {
        let response = self.get_as(token, path).await;
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    /// Follows `next_cursor` from `path` (which has a query already), calling `between` after
    /// each page: every item, in order.
    async fn every_page(&self, token: &str, path: &str, mut between: impl AsyncFnMut(usize)) -> Vec<Value> {
        let (mut items, mut next, mut pages) = (Vec::new(), self.console(token, path).await, 0);
        loop {
            items.extend(next["items"].as_array().unwrap().iter().cloned());
            pages += 1;
            between(pages).await;
            let Some(cursor) = next["next_cursor"].as_str() else {
                break;
            };
            next = self.console(token, &format!("{path}&cursor={cursor}")).await;
        }
        items
    }
}

fn ids(items: &[Value], key: &str) -> Vec<String> {
    items.iter().map(|i| i[key].as_str().unwrap().to_owned()).collect()
}

async fn admin(app: &TestApp) -> String {
    create_admin(app, "ops@example.com").await;
    app.token("ops@example.com").await
}

async fn client_pages_hold_every_earlier_client_once_while_others_sign_up(app: TestApp) {
    let token = admin(&app).await;
    let mut before = Vec::new();
    for n in 0..7 {
        before.push(app.intake(&format!("early{n}@example.com")).await.to_string());
    }
    let mut later = 0;
    let seen = app
        .every_page(&token, "/api/admin/clients?limit=3", async |_| {
            for _ in 0..2 {
                app.intake(&format!("late{later}@example.com")).await;
                later += 1;
            }
        })
        .await;
    let seen = ids(&seen, "client_id");
    for id in &before {
        assert_eq!(
            seen.iter().filter(|s| *s == id).count(),
            1,
            "{id} exactly once in {seen:?}"
        );
    }
    assert_eq!(
        seen.len(),
        before.len(),
        "clients that signed up after the first page come after none"
    );
    let newest_first: Vec<String> = before.iter().rev().cloned().collect();
    assert_eq!(seen, newest_first);
    assert_eq!(
        app.console(&token, "/api/admin/clients?limit=200").await["items"]
            .as_array()
            .unwrap()
            .len(),
        7 + later
    );
}

async fn client_filters_keep_what_they_name(app: TestApp) {
    let token = admin(&app).await;
    let green = evidenced_client(&app, &token, "green.owner@example.com")
        .await
        .to_string();
    let (_, red) = signed_in_client(&app, "red.owner@example.com").await;
    let red = red.to_string();
    let mut welsh = valid_intake("cymru@example.com");
    welsh["full_name"] = json!("Siân Evans_100%");
    welsh["properties"] = json!([{ "address_line_1": "Tŷ Newydd", "city": "Aberystwyth", "postcode": "SY23 1AB" }]);
    let response = app.submit_intake(&welsh).await;
    assert_eq!(response.status(), 201);
    let pending = response.json::<Value>().await.unwrap()["client_id"]
        .as_str()
        .unwrap()
        .to_owned();

    let list = async |query: &str| -> BTreeSet<String> {
        let page = app.console(&token, &format!("/api/admin/clients?{query}")).await;
        ids(page["items"].as_array().unwrap(), "client_id")
            .into_iter()
            .collect()
    };
    let set = |ids: &[&String]| ids.iter().map(|s| (*s).clone()).collect::<BTreeSet<String>>();

    assert_eq!(list("onboarding_status=PROVISIONED").await, set(&[&green, &red]));
    assert_eq!(list("onboarding_status=INTAKE_PENDING").await, set(&[&pending]));
    assert_eq!(list("subscription_status=ACTIVE").await, set(&[&green, &red]));
    assert_eq!(list("subscription_status=PENDING").await, set(&[&pending]));
    // Name, email and postcode, whatever the case and spacing; LIKE's wildcards taken literally.
    assert_eq!(list("q=si%C3%A2n").await, set(&[&pending]));
    assert_eq!(list("q=GREEN.OWNER").await, set(&[&green]));
    assert_eq!(list("q=sy231a").await, set(&[&pending]));
    assert_eq!(list("q=sw1a%201aa").await, set(&[&green, &red]));
    assert_eq!(list("q=_100%25").await, set(&[&pending]));
    assert_eq!(list("q=%25").await, set(&[&pending]));
    assert_eq!(list("q=_").await, set(&[&pending]));
    assert_eq!(list("q=owner&onboarding_status=INTAKE_PENDING").await, set(&[]));

    // The portfolio status is the jobs' last evaluation: none until the first run.
    assert_eq!(list("portfolio_status=RED").await, set(&[]));
    let today = domain::uk_date(chrono::Utc::now());
    run_daily(&app, today).await;
    assert_eq!(list("portfolio_status=RED").await, set(&[&red]));
    assert!(!list("portfolio_status=RED").await.contains(&green));
    let page = app.console(&token, "/api/admin/clients").await;
    let by_id: HashMap<String, &Value> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["client_id"].as_str().unwrap().to_owned(), i))
        .collect();
    assert_eq!(by_id[&red]["portfolio_status"], "RED");
    assert_eq!(by_id[&red]["property_count"], 1);
    assert_ne!(by_id[&green]["portfolio_status"], "RED");
    assert_eq!(
        by_id[&pending]["portfolio_status"],
        Value::Null,
        "not ACTIVE: never evaluated"
    );
    let green_status = by_id[&green]["portfolio_status"].as_str().unwrap().to_owned();
    assert!(list(&format!("portfolio_status={green_status}")).await.contains(&green));

    // Every bad parameter in one answer.
    let response = app
        .get_as(
            &token,
            "/api/admin/clients?onboarding_status=NOPE&subscription_status=x&portfolio_status=GREY\
             &q=&limit=500&cursor=abc",
        )
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "cursor",
            "limit",
            "onboarding_status",
            "portfolio_status",
            "q",
            "subscription_status"
        ]
    );

    // One client whole.
    let detail = app.console(&token, &format!("/api/admin/clients/{green}")).await;
    assert_eq!(detail["client"]["email"], "green.owner@example.com");
    assert_eq!(detail["portfolio"]["properties"].as_array().unwrap().len(), 1);
    assert_eq!(detail["documents"].as_array().unwrap().len(), 4);
    assert!(
        detail["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["status"] == "VERIFIED")
    );
    assert_eq!(
        ids(detail["users"].as_array().unwrap(), "email"),
        ["green.owner@example.com"]
    );
    let messages = detail["messages"].as_array().unwrap();
    assert!(
        messages.iter().any(|m| m["template"] == "password-setup"),
        "{messages:?}"
    );
    let audit = detail["audit"].as_array().unwrap();
    assert!(audit.iter().all(|e| e["client_id"] == green.as_str()));
    assert!(audit.iter().any(|e| e["action"] == "DOCUMENT_VERIFIED"));
    let positions: Vec<i64> = audit.iter().map(|e| e["position"].as_i64().unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] > w[1]), "newest first: {positions:?}");
    let unknown = app
        .get_as(&token, &format!("/api/admin/clients/{}", uuid::Uuid::now_v7()))
        .await;
    assert_eq!(unknown.status(), 404);
    assert_eq!(app.get_as(&token, "/api/admin/clients/not-an-id").await.status(), 404);

    // Users by role and status.
    let admins = app.console(&token, "/api/admin/users?role=ADMIN").await;
    assert_eq!(ids(admins["items"].as_array().unwrap(), "email"), ["ops@example.com"]);
    let clients = app.console(&token, "/api/admin/users?role=CLIENT&status=ACTIVE").await;
    let emails: BTreeSet<String> = ids(clients["items"].as_array().unwrap(), "email").into_iter().collect();
    assert!(emails.contains("green.owner@example.com") && emails.contains("red.owner@example.com"));
    assert!(!emails.contains("ops@example.com"));
    let response = app.get_as(&token, "/api/admin/users?role=ROOT&status=GONE").await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.json::<Value>().await.unwrap()["errors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

async fn the_audit_log_pages_by_position_and_filters(app: TestApp) {
    let token = admin(&app).await;
    let first = app.intake("one@example.com").await.to_string();
    for n in 0..4 {
        app.intake(&format!("other{n}@example.com")).await;
    }
    app::audit::seal_all(&*app.store).await.unwrap();

    let all = app.console(&token, "/api/admin/audit?limit=200").await;
    let all = all["items"].as_array().unwrap().clone();
    assert!(all.len() >= 5);
    let sealed = &all[all.len() - 1];
    assert!(sealed["seq"].is_i64() && sealed["hash"].as_str().unwrap().len() == 64);

    let mut inserted = 0;
    let paged = app
        .every_page(&token, "/api/admin/audit?limit=2", async |_| {
            app.intake(&format!("between{inserted}@example.com")).await;
            inserted += 1;
        })
        .await;
    assert_eq!(
        ids(&paged, "entry_id"),
        ids(&all, "entry_id"),
        "every entry once, in order"
    );

    let created = app
        .console(
            &token,
            &format!("/api/admin/audit?client_id={first}&action=INTAKE_SUBMITTED"),
        )
        .await;
    let created = created["items"].as_array().unwrap();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["client_id"], first.as_str());

    let future = app.console(&token, "/api/admin/audit?from=2999-01-01").await;
    assert!(future["items"].as_array().unwrap().is_empty());
    let past = app.console(&token, "/api/admin/audit?to=2000-01-01T00:00:00Z").await;
    assert!(past["items"].as_array().unwrap().is_empty());
    let actor = app.console(&token, "/api/admin/audit?actor_id=nobody").await;
    assert!(actor["items"].as_array().unwrap().is_empty());

    let response = app
        .get_as(
            &token,
            "/api/admin/audit?client_id=x&action=NOPE&from=yesterday&to=2026-13-01&cursor=p",
        )
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    let fields: BTreeSet<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, BTreeSet::from(["client_id", "action", "from", "to", "cursor"]));
}

async fn the_verification_queue_is_oldest_first(app: TestApp) {
    let token = admin(&app).await;
    let (client, client_id) = signed_in_client(&app, "queue@example.com").await;
    let property = first_property(&app, client_id).await;
    let mut uploaded = Vec::new();
    for n in 0..5 {
        uploaded.push(
            app.uploaded(&client, &[("property_id", property.as_str())], &pdf(300 + n))
                .await,
        );
    }
    let facts = json!({ "requirement": "EICR", "issue_date": "2026-01-01" });
    assert_eq!(app.verify(&token, &uploaded[1], &facts).await.status(), 200);

    let mut added = Vec::new();
    let queue = app
        .every_page(&token, "/api/admin/documents?status=PENDING&limit=2", async |_| {
            added.push(
                app.uploaded(&client, &[("property_id", property.as_str())], &pdf(900))
                    .await,
            );
        })
        .await;
    let queue = ids(&queue, "document_id");
    let expected: Vec<String> = [&uploaded[0], &uploaded[2], &uploaded[3], &uploaded[4]]
        .into_iter()
        .cloned()
        .chain(added.iter().take(added.len() - 1).cloned())
        .collect();
    assert_eq!(
        queue, expected,
        "oldest first, the verified one gone, later uploads after"
    );
    assert_eq!(
        app.get_as(&token, "/api/admin/documents?status=VERIFIED")
            .await
            .status(),
        422
    );
}
