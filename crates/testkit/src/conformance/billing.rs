//! Payments and provisioning in the store conformance suite: events applied once and newest-wins,
//! provisioning done once under concurrency and all-or-nothing on failure.

use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, TimeZone, Utc};
use domain::{
    Actor, AuditAction, Client, ClientId, EmailContent, MessageId, MessageStatus, NewAuditEntry, OnboardingStatus,
    OutgoingEmail, PasswordStatus, PortalUser, Property, PropertyId, Requirement, RequirementId, RequirementType, Role,
    SubscriptionStatus, UserId, UserStatus,
};
use ports::{
    BillingChange, EventOutcome, MessageFilter, NewPortalAccount, PaymentEvent, ProvisionOutcome, ProvisioningWrite,
    Store,
};
use uuid::Uuid;

use super::StoreHarness;
use crate::fixtures::stored_client;

fn entry(action: AuditAction, client: Option<ClientId>) -> NewAuditEntry {
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), Utc::now(), action, Actor::system());
    entry.client_id = client;
    entry
}

async fn paying_client(store: &dyn Store, properties: usize) -> (Client, Vec<Property>) {
    let email = format!("payer-{}@example.com", Uuid::new_v4().simple());
    let (client, properties) = stored_client(&email, properties, Utc::now());
    let submitted = entry(AuditAction::IntakeSubmitted, Some(client.id));
    store.create_client(&client, &properties, &submitted).await.unwrap();
    (client, properties)
}

fn email_for(client: &Client) -> OutgoingEmail {
    OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: Some(client.id),
        to: client.details.email.clone(),
        content: EmailContent::PortalReady {
            recipient_name: "Payer".into(),
            portal_url: "https://vault.example/portal".into(),
        },
        created_at: Utc::now().trunc_subsecs(6),
    }
}

fn checkout(client: &Client, at: DateTime<Utc>) -> PaymentEvent {
    PaymentEvent {
        id: format!("evt_{}", Uuid::new_v4().simple()),
        kind: "checkout.session.completed".into(),
        created_at: at,
        change: BillingChange::CheckoutCompleted {
            client_id: client.id,
            customer_id: Some("cus_1".into()),
            subscription_id: Some("sub_1".into()),
            paid: true,
        },
    }
}

async fn emails_of(store: &dyn Store, client: &Client) -> u64 {
    let filter = MessageFilter {
        client_id: Some(client.id),
        limit: 100,
        ..MessageFilter::default()
    };
    store.list_messages(&filter).await.unwrap().total
}

pub async fn a_payment_event_applies_once_under_concurrent_deliveries(h: &impl StoreHarness) {
    let store = h.store();
    let (client, _) = paying_client(&*store, 1).await;
    let event = checkout(&client, Utc::now().trunc_subsecs(0));
    let deliveries: Vec<_> = (0..20)
        .map(|_| {
            let (store, event, client) = (Arc::clone(&store), event.clone(), client.clone());
            tokio::spawn(async move {
                let receipt = [email_for(&client)];
                let audit = entry(AuditAction::PaymentReceived, Some(client.id));
                store.apply_payment_event(&event, &audit, &receipt).await.unwrap()
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for delivery in deliveries {
        outcomes.push(delivery.await.unwrap());
    }
    assert_eq!(outcomes.iter().filter(|o| **o == EventOutcome::Applied).count(), 1);
    assert_eq!(outcomes.iter().filter(|o| **o == EventOutcome::Duplicate).count(), 19);

    let stored = store.get_client(client.id).await.unwrap().unwrap();
    assert_eq!(stored.subscription_status, SubscriptionStatus::Active);
    assert_eq!(stored.onboarding_status, OnboardingStatus::Provisioning);
    assert_eq!(emails_of(&*store, &client).await, 1, "one receipt");
    let entries = store.entries_for_client(client.id, 100).await.unwrap();
    let received = entries
        .iter()
        .filter(|e| e.entry.action == AuditAction::PaymentReceived)
        .count();
    assert_eq!(received, 1);
}

fn subscription(client: Option<ClientId>, id: &str, status: SubscriptionStatus, at: DateTime<Utc>) -> PaymentEvent {
    PaymentEvent {
        id: format!("evt_{}", Uuid::new_v4().simple()),
        kind: "customer.subscription.updated".into(),
        created_at: at,
        change: BillingChange::Subscription {
            client_id: client,
            subscription_id: id.into(),
            customer_id: Some("cus_order".into()),
            status,
        },
    }
}

/// Every permutation of `n` indices.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut all = Vec::new();
    for rest in permutations(n - 1) {
        for at in 0..=rest.len() {
            let mut one = rest.clone();
            one.insert(at, n - 1);
            all.push(one);
        }
    }
    all
}

pub async fn subscription_events_in_any_order_end_in_the_newest_state(h: &impl StoreHarness) {
    let store = h.store();
    let t0 = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
    let states = [
        SubscriptionStatus::Active,
        SubscriptionStatus::Active,
        SubscriptionStatus::PastDue,
        SubscriptionStatus::Cancelled,
    ];
    for order in permutations(4) {
        let (client, _) = paying_client(&*store, 1).await;
        let id = format!("sub_{}", client.id);
        let at = |i: usize| t0 + Duration::seconds(i64::try_from(i).unwrap());
        let events: Vec<_> = states
            .iter()
            .enumerate()
            .map(|(i, s)| subscription(Some(client.id), &id, *s, at(i)))
            .collect();
        for &i in &order {
            let audit = entry(AuditAction::SubscriptionUpdated, Some(client.id));
            store.apply_payment_event(&events[i], &audit, &[]).await.unwrap();
        }
        let stored = store.get_client(client.id).await.unwrap().unwrap();
        assert_eq!(
            stored.subscription_status,
            SubscriptionStatus::Cancelled,
            "order {order:?}"
        );
    }

    // Without the client in its metadata, an event finds the client by the subscription it knows.
    let (client, _) = paying_client(&*store, 1).await;
    let id = format!("sub_{}", client.id);
    let first = subscription(Some(client.id), &id, SubscriptionStatus::Active, t0);
    let audit = || entry(AuditAction::SubscriptionUpdated, None);
    assert_eq!(
        store.apply_payment_event(&first, &audit(), &[]).await.unwrap(),
        EventOutcome::Applied
    );
    let later = subscription(None, &id, SubscriptionStatus::PastDue, t0 + Duration::seconds(5));
    assert_eq!(
        store.apply_payment_event(&later, &audit(), &[]).await.unwrap(),
        EventOutcome::Applied
    );
    let older = subscription(None, &id, SubscriptionStatus::Active, t0 + Duration::seconds(1));
    assert_eq!(
        store.apply_payment_event(&older, &audit(), &[]).await.unwrap(),
        EventOutcome::Unchanged
    );
    let entries = store.entries_for_client(client.id, 10).await.unwrap();
    let updates = entries
        .iter()
        .filter(|e| e.entry.action == AuditAction::SubscriptionUpdated)
        .count();
    assert_eq!(
        updates, 2,
        "audited under the client found by its subscription, and only when applied"
    );
    assert_eq!(
        store.get_client(client.id).await.unwrap().unwrap().subscription_status,
        SubscriptionStatus::PastDue
    );
}

fn write_for(client: &Client, properties: &[PropertyId]) -> ProvisioningWrite {
    let now = Utc::now().trunc_subsecs(6);
    let requirements = properties
        .iter()
        .flat_map(|&property_id| {
            [RequirementType::GasSafety, RequirementType::Eicr].map(|requirement| Requirement {
                id: RequirementId::from_uuid(Uuid::now_v7()),
                client_id: client.id,
                property_id,
                requirement,
                created_at: now,
            })
        })
        .collect();
    let user = PortalUser {
        id: UserId::from_uuid(Uuid::now_v7()),
        email: client.details.email.clone(),
        role: Role::Client,
        client_id: Some(client.id),
        status: UserStatus::Invited,
        password_status: PasswordStatus::NotSet,
        password_hash: None,
        sessions_valid_after: now,
        created_at: now,
        updated_at: now,
    };
    ProvisioningWrite {
        client_id: client.id,
        requirements,
        user: Some(NewPortalAccount {
            user,
            setup_email: email_for(client),
        }),
        started: entry(AuditAction::ProvisioningStarted, Some(client.id)),
        completed: entry(AuditAction::ProvisioningComplete, Some(client.id)),
        now,
    }
}

pub async fn provisioning_runs_once_however_many_race(h: &impl StoreHarness) {
    let store = h.store();
    let (client, properties) = paying_client(&*store, 3).await;
    let ids: Vec<_> = properties.iter().map(|p| p.id).collect();
    let runs: Vec<_> = (0..10)
        .map(|_| {
            let (store, write) = (Arc::clone(&store), write_for(&client, &ids));
            tokio::spawn(async move { store.provision(&write).await.unwrap() })
        })
        .collect();
    let mut completed = 0;
    for run in runs {
        match run.await.unwrap() {
            ProvisionOutcome::Completed {
                requirements_created,
                user_created,
            } => {
                assert_eq!((requirements_created, user_created), (6, true));
                completed += 1;
            }
            ProvisionOutcome::AlreadyDone => {}
        }
    }
    assert_eq!(completed, 1);
    assert_eq!(store.list_requirements(client.id).await.unwrap().len(), 6);
    let stored = store.get_client(client.id).await.unwrap().unwrap();
    assert_eq!(stored.onboarding_status, OnboardingStatus::Provisioned);
    assert!(store.find_user_by_email(&client.details.email).await.unwrap().is_some());
    assert_eq!(emails_of(&*store, &client).await, 1, "one setup email");
    let entries = store.entries_for_client(client.id, 100).await.unwrap();
    let complete = entries
        .iter()
        .filter(|e| e.entry.action == AuditAction::ProvisioningComplete)
        .count();
    assert_eq!(complete, 1);
}

pub async fn a_provisioning_failure_half_way_leaves_nothing_but_the_failure(h: &impl StoreHarness) {
    let store = h.store();
    let (client, properties) = paying_client(&*store, 2).await;
    // A property that does not exist, between two that do: its requirements fail mid-transaction.
    let ids = [
        properties[0].id,
        PropertyId::from_uuid(Uuid::now_v7()),
        properties[1].id,
    ];
    assert!(store.provision(&write_for(&client, &ids)).await.is_err());
    assert!(store.list_requirements(client.id).await.unwrap().is_empty());
    assert!(store.find_user_by_email(&client.details.email).await.unwrap().is_none());
    assert_eq!(emails_of(&*store, &client).await, 0);

    let started = entry(AuditAction::ProvisioningStarted, Some(client.id));
    let failed = entry(AuditAction::ProvisioningFailed, Some(client.id));
    store
        .record_provisioning_failure(client.id, "injected", Utc::now(), &started, &failed)
        .await
        .unwrap();
    let stored = store.get_client(client.id).await.unwrap().unwrap();
    assert_eq!(stored.onboarding_status, OnboardingStatus::Failed);
    let actions: Vec<_> = store
        .entries_for_client(client.id, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.entry.action)
        .collect();
    assert_eq!(
        actions,
        [
            AuditAction::ProvisioningFailed,
            AuditAction::ProvisioningStarted,
            AuditAction::IntakeSubmitted
        ],
        "newest first"
    );

    let ids: Vec<_> = properties.iter().map(|p| p.id).collect();
    let rerun = store.provision(&write_for(&client, &ids)).await.unwrap();
    assert_eq!(
        rerun,
        ProvisionOutcome::Completed {
            requirements_created: 4,
            user_created: true
        }
    );
    let filter = MessageFilter {
        client_id: Some(client.id),
        limit: 5,
        ..MessageFilter::default()
    };
    let queued = store.list_messages(&filter).await.unwrap();
    assert_eq!(
        (queued.total, queued.items[0].status),
        (1, MessageStatus::Queued),
        "the setup email, once"
    );
}
