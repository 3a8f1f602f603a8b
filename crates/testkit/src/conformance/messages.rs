//! The message log part of the store conformance suite: queueing with the change, claiming under
//! a lease, recording outcomes and provider events, listing.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use domain::{
    Actor, AuditAction, ClientId, Email, EmailContent, MessageId, MessageStatus, NewAuditEntry, OutgoingEmail,
    TemplateAlias,
};
use ports::{Delivery, DeliveryEvent, MessageFilter};
use uuid::Uuid;

use super::StoreHarness;
use crate::fixtures::stored_client;

fn email_to(client_id: Option<ClientId>, created_at: DateTime<Utc>) -> OutgoingEmail {
    OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id,
        to: Email::parse("someone@example.com").unwrap(),
        content: EmailContent::PasswordSetup {
            recipient_name: "Ada <Lovelace>".into(),
            setup_url: "https://vault.example/set-password?token=abc".into(),
            expires_in_minutes: 60,
        },
        // Both stores keep microseconds.
        created_at: created_at.trunc_subsecs(6),
    }
}

fn admin_email_entry(client_id: Option<ClientId>) -> NewAuditEntry {
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), Utc::now(), AuditAction::AdminEmailSent, Actor::system());
    entry.client_id = client_id;
    entry
}

fn delivered_as(provider_id: &str) -> Delivery {
    Delivery {
        provider_id: Some(provider_id.into()),
    }
}

async fn queued(h: &impl StoreHarness, client_id: Option<ClientId>, at: DateTime<Utc>) -> OutgoingEmail {
    let email = email_to(client_id, at);
    h.store()
        .queue_email(&email, &admin_email_entry(client_id))
        .await
        .unwrap();
    email
}

pub async fn a_queued_email_is_claimed_once_per_lease(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let email = queued(h, None, now).await;
    let lease = now + Duration::minutes(2);

    let first = store.claim_due_emails(now, lease, 10).await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].email, email, "the email reads back whole, model included");
    assert_eq!(first[0].attempt, 1);
    assert!(
        store.claim_due_emails(now, lease, 10).await.unwrap().is_empty(),
        "leased"
    );
    assert!(
        store
            .claim_due_emails(lease - Duration::seconds(1), lease, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let again = store
        .claim_due_emails(lease, lease + Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(
        again.len(),
        1,
        "a claim whose worker died is taken again when its lease ends"
    );
    assert_eq!(again[0].attempt, 2);
}

pub async fn concurrent_claimers_never_share_an_email(h: &impl StoreHarness) {
    let now = Utc::now();
    let mut ids = HashSet::new();
    for i in 0..60 {
        ids.insert(queued(h, None, now - Duration::milliseconds(i)).await.id);
    }
    let claimers: Vec<_> = (0..6)
        .map(|_| {
            let store = h.store();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store
                        .claim_due_emails(now, now + Duration::minutes(5), 7)
                        .await
                        .unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|c| c.email.id));
                }
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for claimer in claimers {
        claimed.extend(claimer.await.unwrap());
    }
    assert_eq!(claimed.len(), 60, "every email claimed exactly once");
    assert_eq!(claimed.into_iter().collect::<HashSet<_>>(), ids);
}

pub async fn a_sent_email_is_final_and_forgets_its_model(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let email = queued(h, None, now).await;
    store
        .claim_due_emails(now, now + Duration::minutes(2), 10)
        .await
        .unwrap();
    assert!(store.record_sent(email.id, &delivered_as("pm-1"), now).await.unwrap());
    assert!(
        !store.record_sent(email.id, &delivered_as("pm-2"), now).await.unwrap(),
        "only once"
    );

    let record = store.get_message(email.id).await.unwrap().unwrap();
    assert_eq!(record.status, MessageStatus::Sent);
    assert_eq!(record.provider_id.as_deref(), Some("pm-1"));
    assert_eq!(record.template, TemplateAlias::PasswordSetup);
    let later = now + Duration::hours(1);
    assert!(store.claim_due_emails(later, later, 10).await.unwrap().is_empty());
    assert!(
        store
            .get_message(MessageId::from_uuid(Uuid::now_v7()))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn a_retried_email_waits_until_due_then_fails_for_good(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let email = queued(h, None, now).await;
    store
        .claim_due_emails(now, now + Duration::minutes(2), 10)
        .await
        .unwrap();
    let retry_at = now + Duration::seconds(30);
    store.record_retry(email.id, "HTTP 503", retry_at, now).await.unwrap();
    assert!(
        store
            .claim_due_emails(retry_at - Duration::seconds(1), retry_at, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let second = store
        .claim_due_emails(retry_at, retry_at + Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(second[0].attempt, 2);
    let record = store.get_message(email.id).await.unwrap().unwrap();
    assert_eq!(
        (record.status, record.error.as_deref()),
        (MessageStatus::Queued, Some("HTTP 503"))
    );

    store.record_failed(email.id, "gave up", retry_at).await.unwrap();
    let record = store.get_message(email.id).await.unwrap().unwrap();
    assert_eq!(
        (record.status, record.error.as_deref()),
        (MessageStatus::Failed, Some("gave up"))
    );
    let later = now + Duration::days(1);
    assert!(store.claim_due_emails(later, later, 10).await.unwrap().is_empty());
}

pub async fn delivery_events_apply_once(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let email = queued(h, None, now).await;
    store.claim_due_emails(now, now, 10).await.unwrap();
    store
        .record_sent(email.id, &delivered_as("pm-events"), now)
        .await
        .unwrap();
    let delivered = DeliveryEvent::Delivered { at: now };
    let bounced = DeliveryEvent::Bounced {
        at: now,
        reason: "HardBounce".into(),
    };

    assert!(!store.apply_delivery_event("pm-unknown", &delivered, now).await.unwrap());
    assert!(store.apply_delivery_event("pm-events", &delivered, now).await.unwrap());
    assert!(
        !store.apply_delivery_event("pm-events", &delivered, now).await.unwrap(),
        "a repeat changes nothing"
    );
    let status = |store: Arc<dyn ports::Store>| async move { store.get_message(email.id).await.unwrap().unwrap() };
    assert_eq!(status(h.store()).await.status, MessageStatus::Delivered);
    assert!(store.apply_delivery_event("pm-events", &bounced, now).await.unwrap());
    assert!(
        !store.apply_delivery_event("pm-events", &delivered, now).await.unwrap(),
        "no way back"
    );
    let record = status(h.store()).await;
    assert_eq!(
        (record.status, record.error.as_deref()),
        (MessageStatus::Bounced, Some("HardBounce"))
    );
}

pub async fn a_change_that_fails_queues_no_email(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let entry = admin_email_entry(None);
    store.queue_email(&email_to(None, now), &entry).await.unwrap();
    // The same audit entry id again: the audit insert fails after the email row was written.
    let doomed = email_to(None, now);
    assert!(store.queue_email(&doomed, &entry).await.is_err());
    assert!(
        store.get_message(doomed.id).await.unwrap().is_none(),
        "rolled back with its change"
    );
    let claimed = store.claim_due_emails(now, now, 10).await.unwrap();
    assert_eq!(claimed.len(), 1);
}

pub async fn messages_list_newest_first_filtered_and_paged(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let (client, properties) = stored_client(&format!("m-{}@example.com", Uuid::new_v4().simple()), 1, now);
    let mut entry = admin_email_entry(Some(client.id));
    entry.action = AuditAction::IntakeSubmitted;
    store.create_client(&client, &properties, &entry).await.unwrap();
    let mut mine = Vec::new();
    for i in 0..5 {
        mine.push(queued(h, Some(client.id), now + Duration::seconds(i)).await.id);
    }
    queued(h, None, now).await;
    store.record_sent(mine[0], &Delivery::default(), now).await.unwrap();

    let filter = |limit, offset| MessageFilter {
        client_id: Some(client.id),
        limit,
        offset,
        ..MessageFilter::default()
    };
    let page = store.list_messages(&filter(2, 0)).await.unwrap();
    assert_eq!(page.total, 5);
    assert_eq!(
        page.items.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![mine[4], mine[3]]
    );
    let last = store.list_messages(&filter(2, 4)).await.unwrap();
    assert_eq!(last.items.iter().map(|m| m.id).collect::<Vec<_>>(), vec![mine[0]]);

    let sent = MessageFilter {
        status: Some(MessageStatus::Sent),
        ..filter(10, 0)
    };
    assert_eq!(store.list_messages(&sent).await.unwrap().total, 1);
    let other_template = MessageFilter {
        template: Some(TemplateAlias::AdminManual),
        ..filter(10, 0)
    };
    assert_eq!(store.list_messages(&other_template).await.unwrap().total, 0);
    let everyone = store
        .list_messages(&MessageFilter {
            limit: 100,
            ..MessageFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(everyone.total, 6);
}

pub async fn an_unreadable_email_fails_alone_and_the_batch_goes_on(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let good = queued(h, None, now).await;
    let bad = queued(h, None, now).await;
    // As if written by a version with another model for this template.
    let sql = format!(
        "UPDATE message_logs SET model = '{{\"unexpected\": true}}' WHERE id = '{}'",
        bad.id
    );
    h.execute_raw(Box::leak(sql.into_boxed_str())).await.unwrap();
    let claimed = store
        .claim_due_emails(now, now + Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(claimed.iter().map(|c| c.email.id).collect::<Vec<_>>(), vec![good.id]);
    let record = store.get_message(bad.id).await.unwrap().unwrap();
    assert_eq!(record.status, MessageStatus::Failed);
    assert!(record.error.unwrap().starts_with("unreadable"));
}
