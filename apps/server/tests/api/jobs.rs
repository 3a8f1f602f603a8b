//! The daily job walked through a year with injected dates, on both stores: each threshold
//! reminded once on its day, a RED requirement every 7 days, a day the job did not run caught up
//! once, a client that cancels stops receiving mail from the next run, and clients that are not
//! ACTIVE get nothing. The emails are read back from the outbox, as sent.

use std::collections::BTreeMap;
use std::time::Duration;

use app::jobs::{JobServices, JobSummary, Outcome, Period};
use chrono::{Days, NaiveDate, Utc};
use compliance::ReminderPolicy;
use domain::{ActorRole, AuditAction, ClientId};
use serde_json::{Value, json};
use testkit::fixtures::pdf_bytes as pdf;

use crate::access_helpers::create_admin;
use crate::calls::{first_property, signed_in_client};
use crate::helpers::{TestApp, on_both_backends};
use crate::payments::deliver;

on_both_backends!(a_year_of_daily_runs_reminds_each_threshold_once_on_its_day);

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A provisioned client whose one property has verified evidence for all it needs: gas checked
/// 1 June 2026 (due 1 June 2027), an EICR and a legionella assessment of 1 January 2026 (due
/// 2031 and 1 January 2028), an EPC of 2020 rated C (due 2030).
pub(crate) async fn evidenced_client(app: &TestApp, admin: &str, email: &str) -> ClientId {
    let (token, client_id) = signed_in_client(app, email).await;
    let property = first_property(app, client_id).await;
    for (requirement, issued, rating) in [
        ("GAS_SAFETY", "2026-06-01", None),
        ("EICR", "2026-01-01", None),
        ("LEGIONELLA", "2026-01-01", None),
        ("EPC", "2020-01-01", Some("C")),
    ] {
        let document = app
            .uploaded(&token, &[("property_id", property.as_str())], &pdf(500))
            .await;
        let mut facts = json!({ "requirement": requirement, "issue_date": issued });
        if let Some(rating) = rating {
            facts["epc_rating"] = json!(rating);
        }
        assert_eq!(
            app.verify(admin, &document, &facts).await.status(),
            200,
            "{requirement}"
        );
    }
    client_id
}

/// Stripe tells us the client's subscription is now `status` (`past_due`, `canceled`).
async fn subscription_becomes(app: &TestApp, client: ClientId, status: &str) {
    let event = json!({
        "id": format!("evt_{}", uuid::Uuid::new_v4().simple()), "object": "event",
        "type": "customer.subscription.updated", "created": Utc::now().timestamp() + 5,
        "data": { "object": {
            "id": "sub_test_1", "object": "subscription", "customer": "cus_test_1", "status": status,
            "metadata": { "client_id": client.to_string() }
        }}
    });
    assert_eq!(deliver(app, &event).await.status(), 200);
}

/// The jobs' services over the test server's store, with the default policy.
pub(crate) fn services<'a>(
    app: &'a TestApp,
    links: &'a app::mail::Links,
    policy: &'a ReminderPolicy,
) -> JobServices<'a> {
    JobServices {
        store: &*app.store,
        clock: &compliance_vault::clock::SystemClock,
        links,
        policy,
        settings: app::jobs::JobSettings::default(),
    }
}

pub(crate) async fn run_daily(app: &TestApp, today: NaiveDate) -> JobSummary {
    let (links, policy) = (app.settings.links(), ReminderPolicy::default());
    app::jobs::run_job(services(app, &links, &policy), Period::Day(today), false).await
}

/// The reminder emails in the outbox once `count` have arrived: for each recipient, each
/// (requirement, day it was sent for), with how many times.
async fn reminders(app: &TestApp, count: usize) -> BTreeMap<String, BTreeMap<(String, NaiveDate), u32>> {
    let mut emails = Vec::new();
    for _ in 0..400 {
        emails = app
            .outbox()
            .into_iter()
            .filter(|e| e["template_alias"] == "compliance-reminder")
            .collect::<Vec<Value>>();
        if emails.len() >= count {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(emails.len(), count, "every queued reminder is sent");
    let mut by_recipient: BTreeMap<String, BTreeMap<(String, NaiveDate), u32>> = BTreeMap::new();
    for email in emails {
        let to = email["to"].as_str().unwrap().to_owned();
        for item in email["model"]["items"].as_array().unwrap() {
            let due: NaiveDate = item["due_date"].as_str().unwrap().parse().unwrap();
            let days = item["days_until_due"].as_i64().unwrap();
            let sent_on = due - chrono::Duration::days(days);
            let key = (item["requirement"].as_str().unwrap().to_owned(), sent_on);
            *by_recipient.entry(to.clone()).or_default().entry(key).or_default() += 1;
        }
    }
    by_recipient
}

async fn a_year_of_daily_runs_reminds_each_threshold_once_on_its_day(app: TestApp) {
    create_admin(&app, "ops@example.com").await;
    let admin = app.token("ops@example.com").await;
    let staying = evidenced_client(&app, &admin, "staying@example.com").await;
    let leaving = evidenced_client(&app, &admin, "leaving@example.com").await;
    let late_payer = evidenced_client(&app, &admin, "late@example.com").await;
    subscription_becomes(&app, late_payer, "past_due").await;

    let (first, last) = (day(2026, 12, 3), day(2027, 12, 2));
    let (skipped, cancelled_on) = (day(2027, 5, 2), day(2027, 4, 15));
    let mut queued = 0;
    for today in first.iter_days().take_while(|d| *d <= last) {
        if today == skipped {
            continue;
        }
        if today == cancelled_on {
            subscription_becomes(&app, leaving, "canceled").await;
        }
        let summary = run_daily(&app, today).await;
        assert_eq!(summary.outcome, Outcome::Completed, "{today}: {summary:?}");
        assert!(summary.counts.clients <= 2, "{today}: only ACTIVE clients are read");
        queued += summary.counts.reminders_queued;
    }
    let again = run_daily(&app, last).await;
    assert_eq!(again.outcome, Outcome::AlreadyDone, "a day runs once");

    let sent = reminders(&app, usize::try_from(queued).unwrap()).await;
    let gas = "Gas safety record".to_owned();
    let legionella = "Legionella risk assessment".to_owned();
    let mut expected: BTreeMap<(String, NaiveDate), u32> = [
        (gas.clone(), day(2027, 4, 2)),  // 60 days before 1 June
        (gas.clone(), day(2027, 5, 3)),  // 30 days, due on the 2nd when the job did not run
        (gas.clone(), day(2027, 5, 25)), // 7 days
        (gas.clone(), day(2027, 6, 1)),  // the due date
        (legionella.clone(), day(2027, 11, 2)),
        (legionella, day(2027, 12, 2)),
    ]
    .into_iter()
    .map(|key| (key, 1))
    .collect();
    // OVERDUE from 2 June: then every 7 days.
    let mut red = day(2027, 6, 2);
    while red <= last {
        expected.insert((gas.clone(), red), 1);
        red = red + Days::new(7);
    }
    assert_eq!(sent["staying@example.com"], expected);
    assert_eq!(
        sent["leaving@example.com"],
        [((gas, day(2027, 4, 2)), 1)].into_iter().collect(),
        "nothing after the cancellation"
    );
    assert!(!sent.contains_key("late@example.com"), "a PAST_DUE client gets nothing");

    // The status changes were recorded by the system, against the snapshot, once each.
    let entries = app.store.entries_for_client(staying, 500).await.unwrap();
    let moved: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e.entry.action == AuditAction::ComplianceStatusChanged && e.entry.actor.role == ActorRole::System)
        .map(|e| {
            let after = e.entry.after.as_ref().unwrap();
            (
                after["requirement"].as_str().unwrap().to_owned(),
                after["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut moved = moved;
    moved.sort();
    assert_eq!(
        moved,
        [
            ("GAS_SAFETY".to_owned(), "EXPIRING_SOON".to_owned()),
            ("GAS_SAFETY".to_owned(), "OVERDUE".to_owned()),
            ("LEGIONELLA".to_owned(), "EXPIRING_SOON".to_owned()),
        ]
    );
    let reminded = entries
        .iter()
        .filter(|e| e.entry.action == AuditAction::ReminderSent)
        .count();
    assert_eq!(
        reminded,
        expected.len(),
        "one REMINDER_SENT per email, one email per client per day"
    );
}

on_both_backends!(a_monthly_digest_counts_the_portfolio_and_lists_what_falls_due);

async fn a_monthly_digest_counts_the_portfolio_and_lists_what_falls_due(app: TestApp) {
    let health: Value = app.get("/api/health").await.json().await.unwrap();
    assert_eq!(health["jobs"]["monthly"]["last_success"], Value::Null, "never ran");
    assert_eq!(health["jobs"]["monthly"]["stale"], false);

    create_admin(&app, "ops@example.com").await;
    let admin = app.token("ops@example.com").await;
    evidenced_client(&app, &admin, "digest@example.com").await;
    let (links, policy) = (app.settings.links(), ReminderPolicy::default());
    let services = services(&app, &links, &policy);
    let may = Period::month("2027-05").unwrap();
    let summary = app::jobs::run_job(services, may, false).await;
    assert_eq!(
        (summary.outcome, summary.counts.digests_queued),
        (Outcome::Completed, 1)
    );
    let again = app::jobs::run_job(services, may, false).await;
    assert_eq!((again.outcome, again.counts.digests_queued), (Outcome::AlreadyDone, 0));

    let mut digest = None;
    for _ in 0..400 {
        digest = app
            .outbox()
            .into_iter()
            .find(|e| e["template_alias"] == "monthly-digest");
        if digest.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let digest = digest.expect("the digest is sent");
    let model = &digest["model"];
    assert_eq!(model["month"], "2027-05");
    // As of 1 May 2027: gas (due 1 June) is amber; the EICR, EPC and legionella are green.
    assert_eq!(model["counts"], json!({ "green": 3, "amber": 1, "red": 0 }));
    let due_soon = model["due_soon"].as_array().unwrap();
    assert_eq!(due_soon.len(), 1);
    assert_eq!(due_soon[0]["requirement"], "Gas safety record");
    assert_eq!(due_soon[0]["due_date"], "2027-06-01");
    assert_eq!(due_soon[0]["days_until_due"], 31);
    assert!(due_soon[0]["url"].as_str().unwrap().contains("/portal/properties/"));
    assert_eq!(model["overdue"], json!([]));

    let health: Value = app.get("/api/health").await.json().await.unwrap();
    assert_eq!(health["jobs"]["monthly"]["last_period"], "2027-05");
    assert!(health["jobs"]["monthly"]["last_success"].is_string());
    assert_eq!(health["jobs"]["monthly"]["stale"], false);
    assert_eq!(health["jobs"]["daily"]["last_success"], Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_scheduler_on_the_server_runs_both_jobs_at_their_time() {
    let schedule = [("SCHEDULER", "on"), ("DAILY_AT", "00:00"), ("MONTHLY_AT", "00:00")];
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite, &schedule)
        .await
        .unwrap();
    let today = domain::uk_date(Utc::now());
    let mut health = Value::Null;
    for _ in 0..200 {
        health = app.get("/api/health").await.json().await.unwrap();
        if health["jobs"]["daily"]["last_success"].is_string() && health["jobs"]["monthly"]["last_success"].is_string()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(health["jobs"]["daily"]["last_period"], today.to_string(), "{health}");
    assert_eq!(
        health["jobs"]["monthly"]["last_period"],
        Period::month_of(today).to_string(),
        "{health}"
    );
}
