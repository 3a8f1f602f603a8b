//! The scheduled jobs in the store conformance suite: a period is claimed once and taken up only
//! after its lease runs out, a page is written whole or not at all and only under the lease, and
//! the portfolios read are the ACTIVE clients', a page at a time.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use domain::{
    Actor, AuditAction, Client, ClientId, JobCounts, JobKind, JobOutcome, NewAuditEntry, RequirementType, Snapshot,
    Status, StoredSnapshot, SubscriptionStatus,
};
use ports::{
    BillingChange, ClientChanges, JobClaim, JobLease, JobWriteError, PaymentEvent, PropertyChanges, RunEnd,
    SentReminder, Store,
};
use uuid::Uuid;

use super::StoreHarness;
use crate::fixtures::stored_client;

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn lease(period: &str, until: DateTime<Utc>) -> JobLease {
    JobLease {
        job: JobKind::Daily,
        period: period.into(),
        run_id: Uuid::now_v7(),
        until,
    }
}

fn completed() -> (RunEnd, NewAuditEntry) {
    let end = RunEnd {
        outcome: JobOutcome::Completed,
        counts: JobCounts {
            clients: 3,
            ..JobCounts::default()
        },
        error: None,
    };
    let entry = NewAuditEntry::new(Uuid::now_v7(), now(), AuditAction::JobRunCompleted, Actor::system());
    (end, entry)
}

/// A client with `properties` properties, its subscription `status`.
async fn client(store: &dyn Store, properties: usize, status: SubscriptionStatus) -> Client {
    let email = format!("jobs-{}@example.com", Uuid::new_v4().simple());
    let (client, properties) = stored_client(&email, properties, now());
    let entry = NewAuditEntry::new(Uuid::now_v7(), now(), AuditAction::IntakeSubmitted, Actor::system());
    store.create_client(&client, &properties, &entry).await.unwrap();
    let event = PaymentEvent {
        id: format!("evt_{}", Uuid::new_v4().simple()),
        kind: "customer.subscription.updated".into(),
        created_at: now(),
        change: BillingChange::Subscription {
            client_id: Some(client.id),
            subscription_id: format!("sub_{}", Uuid::new_v4().simple()),
            customer_id: None,
            status,
        },
    };
    let applied = NewAuditEntry::new(Uuid::now_v7(), now(), AuditAction::SubscriptionUpdated, Actor::system());
    store.apply_payment_event(&event, &applied, &[]).await.unwrap();
    client
}

pub async fn a_period_is_claimed_once_and_taken_up_only_after_its_lease(h: &impl StoreHarness) {
    let store = h.store();
    let first = lease("2027-01-01", now() + Duration::minutes(2));
    assert_eq!(store.claim_job_run(&first, now()).await.unwrap(), JobClaim::Started);
    let second = lease("2027-01-01", now() + Duration::minutes(2));
    assert!(matches!(
        store.claim_job_run(&second, now()).await.unwrap(),
        JobClaim::Running(run) if run.run_id == first.run_id
    ));
    // Once the first lease has run out, the period is taken up by the next claim.
    let later = now() + Duration::minutes(3);
    let third = lease("2027-01-01", later + Duration::minutes(2));
    assert!(matches!(
        store.claim_job_run(&third, later).await.unwrap(),
        JobClaim::TakenOver { previous } if previous.run_id == first.run_id
    ));
    let (end, entry) = completed();
    assert!(
        !store.finish_job_run(&first, &end, now(), &entry).await.unwrap(),
        "the run that lost its lease cannot finish"
    );
    assert!(store.finish_job_run(&third, &end, now(), &entry).await.unwrap());
    assert!(matches!(
        store.claim_job_run(&lease("2027-01-01", later), later).await.unwrap(),
        JobClaim::Finished(run) if run.outcome == JobOutcome::Completed && run.counts == Some(end.counts)
    ));
    let successes = store.last_job_successes().await.unwrap();
    assert_eq!(successes.len(), 1);
    assert_eq!(successes[0].period, "2027-01-01");

    // Claims racing for a new period: one starts it.
    let racing: Vec<_> = (0..6)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                store
                    .claim_job_run(&lease("2027-01-02", now() + Duration::minutes(2)), now())
                    .await
            })
        })
        .collect();
    let mut started = 0;
    for claim in racing {
        if claim.await.unwrap().unwrap() == JobClaim::Started {
            started += 1;
        }
    }
    assert_eq!(started, 1);
}

pub async fn a_page_is_written_whole_or_not_at_all_and_only_under_the_lease(h: &impl StoreHarness) {
    let store = h.store();
    let active = client(&*store, 1, SubscriptionStatus::Active).await;
    let property = store.list_properties(active.id).await.unwrap().remove(0);
    let today = day(2027, 3, 1);
    let run = lease("2027-03-01", now() + Duration::minutes(2));
    assert_eq!(store.claim_job_run(&run, now()).await.unwrap(), JobClaim::Started);
    let snapshot = StoredSnapshot {
        property_id: property.id,
        requirement: RequirementType::GasSafety,
        snapshot: Snapshot::next(None, Status::Missing, None, today),
    };
    let changes = |key: &str, version: i64| ClientChanges {
        client_id: active.id,
        properties: vec![PropertyChanges {
            property_id: property.id,
            evidence_version: version,
            snapshots: vec![snapshot],
            audit: vec![NewAuditEntry::new(
                Uuid::now_v7(),
                now(),
                AuditAction::ComplianceStatusChanged,
                Actor::system(),
            )],
        }],
        reminders: vec![SentReminder {
            key: key.into(),
            relevant_until: today,
        }],
        email: None,
    };
    let stranger = lease("2027-03-01", now() + Duration::minutes(2));
    assert!(matches!(
        store.write_job_page(&stranger, today, &[changes("k1", 0)]).await,
        Err(JobWriteError::LeaseLost)
    ));
    store.write_job_page(&run, today, &[changes("k1", 0)]).await.unwrap();
    let evidence = store.property_evidence(property.id).await.unwrap();
    assert_eq!(evidence.version, 1, "the page moved the evidence on");
    assert_eq!(evidence.snapshots, [snapshot]);

    // A stale version, or a key already sent, refuses the page and writes none of it.
    let before = store.entries_for_client(active.id, 100).await.unwrap().len();
    assert!(matches!(
        store.write_job_page(&run, today, &[changes("k2", 0)]).await,
        Err(JobWriteError::Conflict)
    ));
    assert!(matches!(
        store.write_job_page(&run, today, &[changes("k1", 1)]).await,
        Err(JobWriteError::Conflict)
    ));
    assert_eq!(store.entries_for_client(active.id, 100).await.unwrap().len(), before);
    let page = store.active_portfolios(None, 10, today).await.unwrap();
    assert_eq!(
        page[0].reminders_sent.iter().collect::<Vec<_>>(),
        ["k1"],
        "k2 was not recorded"
    );
    assert!(
        store.active_portfolios(None, 10, day(2027, 3, 2)).await.unwrap()[0]
            .reminders_sent
            .is_empty(),
        "a key is forgotten after the day it could come up again"
    );
}

pub async fn portfolios_are_the_active_clients_a_page_at_a_time(h: &impl StoreHarness) {
    let store = h.store();
    let mut active: Vec<ClientId> = Vec::new();
    for _ in 0..5 {
        active.push(client(&*store, 2, SubscriptionStatus::Active).await.id);
    }
    for status in [
        SubscriptionStatus::PastDue,
        SubscriptionStatus::Cancelled,
        SubscriptionStatus::Pending,
    ] {
        client(&*store, 1, status).await;
    }
    let today = day(2027, 3, 1);
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store.active_portfolios(after, 2, today).await.unwrap();
        let Some(last) = page.last() else { break };
        assert!(page.len() <= 2);
        after = Some(last.client.id);
        for portfolio in &page {
            assert_eq!(portfolio.properties.len(), 2, "each with its own properties");
            assert!(
                portfolio
                    .properties
                    .iter()
                    .all(|p| p.property.client_id == portfolio.client.id)
            );
            seen.push(portfolio.client.id);
        }
    }
    active.sort_by_key(|c| c.as_uuid());
    seen.sort_by_key(|c| c.as_uuid());
    assert_eq!(seen, active, "every ACTIVE client once, no other");
}
