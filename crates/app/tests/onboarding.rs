//! The intake use case with ports that misbehave on cue.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use app::RequestContext;
use app::mail::Links;
use app::onboarding::{IntakeLimits, OnboardingServices, SubmitIntakeError, submit_intake};
use domain::{Actor, AuditAction, OnboardingStatus, RequestId};
use mockall::predicate::{always, eq};
use ports::{Clock, CreateClientError, RateDecision, RateLimitError, StoreError};
use testkit::FixedClock;
use testkit::fixtures::intake;
use testkit::mocks::{MockRateLimiter, MockStore};

fn services<'a>(store: &'a MockStore, clock: &'a FixedClock, limiter: &'a MockRateLimiter) -> OnboardingServices<'a> {
    static LINKS: std::sync::LazyLock<Links> = std::sync::LazyLock::new(|| Links::new("https://vault.example"));
    OnboardingServices {
        store,
        clock,
        limiter,
        links: &LINKS,
        payments: None,
        webhook: None,
        intake_limits: IntakeLimits::default(),
    }
}

fn ctx() -> RequestContext {
    RequestContext {
        actor: Actor::anonymous(),
        request_id: RequestId::parse("req-1"),
        source_address: Some("203.0.113.9".into()),
    }
}

#[tokio::test]
async fn an_intake_stores_the_client_its_properties_and_one_audit_entry_together() {
    let clock = FixedClock::default();
    let mut limiter = MockRateLimiter::new();
    limiter
        .expect_check()
        .with(eq("intake:203.0.113.9"), eq(10), eq(Duration::from_secs(60)))
        .times(1)
        .returning(|_, _, _| Ok(RateDecision::Allowed { remaining: 9 }));
    let mut store = MockStore::new();
    store
        .expect_create_client()
        .times(1)
        .returning(|client, properties, audit| {
            assert_eq!(client.onboarding_status, OnboardingStatus::IntakePending);
            assert_eq!(properties.len(), 2);
            assert!(properties.iter().all(|p| p.client_id == client.id));
            assert_eq!(audit.action, AuditAction::IntakeSubmitted);
            assert_eq!(audit.client_id, Some(client.id));
            assert_eq!(audit.request_id.as_ref().map(RequestId::as_str), Some("req-1"));
            assert_eq!(
                audit.after.as_ref().unwrap()["property_ids"].as_array().unwrap().len(),
                2
            );
            Ok(())
        });

    let receipt = submit_intake(services(&store, &clock, &limiter), intake("a@example.com"), &ctx())
        .await
        .unwrap();
    assert_eq!(receipt.onboarding_status, OnboardingStatus::IntakePending);
}

#[tokio::test]
async fn an_address_over_its_limit_is_refused_before_anything_is_stored() {
    let mut limiter = MockRateLimiter::new();
    limiter.expect_check().returning(|_, _, _| {
        Ok(RateDecision::Limited {
            retry_after: Duration::from_secs(42),
        })
    });
    let mut store = MockStore::new();
    store.expect_create_client().never();

    let clock = FixedClock::default();
    let result = submit_intake(services(&store, &clock, &limiter), intake("a@example.com"), &ctx()).await;
    assert!(matches!(result, Err(SubmitIntakeError::RateLimited { retry_after }) if retry_after.as_secs() == 42));
}

#[tokio::test]
async fn a_broken_rate_limiter_does_not_stop_sign_ups() {
    let mut limiter = MockRateLimiter::new();
    limiter
        .expect_check()
        .returning(|_, _, _| Err(RateLimitError::Unavailable("redis is down".into())));
    let mut store = MockStore::new();
    store
        .expect_create_client()
        .with(always(), always(), always())
        .times(1)
        .returning(|_, _, _| Ok(()));

    let clock = FixedClock::default();
    let result = submit_intake(services(&store, &clock, &limiter), intake("a@example.com"), &ctx()).await;
    assert!(result.is_ok());
}

#[tokio::test]
async fn a_taken_email_and_a_store_failure_are_told_apart() {
    let mut limiter = MockRateLimiter::new();
    limiter
        .expect_check()
        .returning(|_, _, _| Ok(RateDecision::Allowed { remaining: 1 }));
    let mut store = MockStore::new();
    let mut calls = 0;
    store.expect_create_client().times(2).returning(move |_, _, _| {
        calls += 1;
        if calls == 1 {
            Err(CreateClientError::DuplicateEmail)
        } else {
            Err(CreateClientError::Store(StoreError::unavailable(
                "create_client",
                "connection refused",
            )))
        }
    });
    let clock = FixedClock::default();
    let s = services(&store, &clock, &limiter);

    let first = submit_intake(s, intake("a@example.com"), &ctx()).await;
    assert!(matches!(first, Err(SubmitIntakeError::DuplicateEmail)));
    let second = submit_intake(s, intake("a@example.com"), &ctx()).await;
    assert!(matches!(
        second,
        Err(SubmitIntakeError::Store(StoreError::Unavailable { .. }))
    ));
}

#[tokio::test]
async fn a_request_without_an_address_is_not_rate_limited() {
    let mut limiter = MockRateLimiter::new();
    limiter.expect_check().never();
    let mut store = MockStore::new();
    store.expect_create_client().returning(|_, _, _| Ok(()));
    let clock = FixedClock::default();
    let result = submit_intake(
        services(&store, &clock, &limiter),
        intake("a@example.com"),
        &RequestContext::system(),
    )
    .await;
    assert!(result.is_ok());
}

#[tokio::test]
async fn each_onboarding_status_leads_to_its_next_step() {
    use app::onboarding::{NextStep, intake_status};
    for (status, next) in [
        (OnboardingStatus::IntakePending, NextStep::CompletePayment),
        (OnboardingStatus::Provisioning, NextStep::AwaitProvisioning),
        (OnboardingStatus::Provisioned, NextStep::SetPassword),
        (OnboardingStatus::Failed, NextStep::ContactSupport),
    ] {
        let (mut client, _) = testkit::fixtures::stored_client("a@example.com", 1, chrono::Utc::now());
        client.onboarding_status = status;
        let id = client.id;
        let mut store = MockStore::new();
        store
            .expect_get_client()
            .with(eq(id))
            .returning(move |_| Ok(Some(client.clone())));
        let found = intake_status(services(&store, &FixedClock::default(), &MockRateLimiter::new()), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.onboarding_status, found.next_step), (status, next));
    }
    let mut store = MockStore::new();
    store.expect_get_client().returning(|_| Ok(None));
    assert!(
        intake_status(
            services(&store, &FixedClock::default(), &MockRateLimiter::new()),
            domain::ClientId::from_uuid(uuid::Uuid::new_v4())
        )
        .await
        .unwrap()
        .is_none()
    );
}

#[tokio::test]
async fn provisioning_while_the_database_is_away_is_left_to_resume_not_marked_failed() {
    let clock = FixedClock::default();
    let limiter = MockRateLimiter::new();
    let (mut client, properties) = testkit::fixtures::stored_client("paid@example.com", 2, clock.now());
    client.onboarding_status = OnboardingStatus::Provisioning;
    client.subscription_status = domain::SubscriptionStatus::Active;
    let client_id = client.id;
    let mut store = MockStore::new();
    store.expect_get_client().returning(move |_| Ok(Some(client.clone())));
    store
        .expect_list_properties()
        .returning(move |_| Ok(properties.clone()));
    store.expect_list_requirements().returning(|_| Ok(Vec::new()));
    store.expect_find_user_by_email().returning(|_| Ok(None));
    store
        .expect_provision()
        .times(1)
        .returning(|_| Err(StoreError::unavailable("provision", "pool timed out")));
    store.expect_record_provisioning_failure().never();
    let outcome = app::onboarding::provision_client(services(&store, &clock, &limiter), client_id, &ctx()).await;
    assert!(
        matches!(
            outcome,
            Err(app::onboarding::ProvisionError::Store(StoreError::Unavailable { .. }))
        ),
        "{outcome:?}"
    );
}
