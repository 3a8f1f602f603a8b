//! The portfolio use case over a mocked store: a portfolio stored today, from the client's
//! evidence as it is now, by this engine, is used as it is (no read beyond the session's); any
//! other is evaluated again from the properties and documents and stored. The same over real stores, on both
//! backends, is `documents_http` in the server's black-box tests and the store conformance suite.

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use app::documents::{Portfolio, portfolio, portfolio_of};
use chrono::{Duration, NaiveDate};
use domain::Property;
use ports::{Clock, PortfolioRead, StoreError, StoredPortfolio};
use testkit::FixedClock;
use testkit::fixtures::stored_client;
use testkit::mocks::{MockRateLimiter, MockStore};

mod support;
use support::World;

fn properties() -> Vec<Property> {
    stored_client("portfolio@example.com", 3, chrono::Utc::now()).1
}

fn today() -> NaiveDate {
    FixedClock::default().today()
}

/// What the store holds: the client's evidence at `version`, and `stored`.
fn read(version: i64, stored: Option<StoredPortfolio>) -> PortfolioRead {
    PortfolioRead {
        evidence_version: version,
        stored,
    }
}

fn stored(version: i64, on: NaiveDate, engine: &str, portfolio: &Portfolio) -> StoredPortfolio {
    StoredPortfolio {
        evidence_version: version,
        evaluated_on: on,
        engine: engine.to_owned(),
        portfolio: serde_json::to_string(portfolio).unwrap(),
    }
}

#[tokio::test]
async fn a_portfolio_stored_today_from_the_evidence_as_it_is_is_used_as_it_is() {
    // Evaluated as of another day, so that it differs from what evaluating now would give.
    let kept = portfolio_of(properties(), &[], NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    let row = stored(7, today(), compliance::engine_fingerprint(), &kept);
    let mut store = MockStore::new();
    store.expect_list_properties().never();
    store.expect_list_documents().never();
    store.expect_store_portfolio().never();
    let world = World::new(store, MockRateLimiter::new());
    let client = properties()[0].client_id;
    let answered = portfolio(world.services(), client, read(7, Some(row))).await.unwrap();
    assert_eq!(answered, kept);
}

#[tokio::test]
async fn any_other_is_evaluated_again_and_stored_for_the_next_request() {
    let props = properties();
    let client = props[0].client_id;
    let now = portfolio_of(props.clone(), &[], today());
    let old = portfolio_of(props.clone(), &[], NaiveDate::from_ymd_opt(2020, 1, 1).unwrap());
    assert_ne!(now, old, "the cases below would not show a stale answer");
    let engine = compliance::engine_fingerprint();
    let yesterday = today() - Duration::days(1);
    let mut unreadable = stored(7, today(), engine, &old);
    unreadable.portfolio = "{\"status\":".into();
    let cases = [
        ("none stored", None),
        ("evidence moved on", Some(stored(6, today(), engine, &old))),
        ("evaluated yesterday", Some(stored(7, yesterday, engine, &old))),
        ("another engine", Some(stored(7, today(), "0.0.0+0", &old))),
        ("unreadable", Some(unreadable)),
    ];
    for (case, row) in cases {
        let mut store = MockStore::new();
        let listed = props.clone();
        store.expect_list_properties().times(1).return_once(move |_| Ok(listed));
        store.expect_list_documents().times(1).return_once(|_| Ok(Vec::new()));
        let expected = now.clone();
        store
            .expect_store_portfolio()
            .times(1)
            .withf(move |c, s| {
                *c == client
                    && s.evidence_version == 7
                    && s.evaluated_on == today()
                    && s.engine == compliance::engine_fingerprint()
                    && serde_json::from_str::<Portfolio>(&s.portfolio).ok().as_ref() == Some(&expected)
            })
            .return_once(|_, _| Ok(()));
        let world = World::new(store, MockRateLimiter::new());
        let answered = portfolio(world.services(), client, read(7, row)).await.unwrap();
        assert_eq!(answered, now, "{case}");
    }
}

#[tokio::test]
async fn a_portfolio_that_cannot_be_stored_is_still_answered() {
    let props = properties();
    let client = props[0].client_id;
    let mut store = MockStore::new();
    let listed = props.clone();
    store.expect_list_properties().return_once(move |_| Ok(listed));
    store.expect_list_documents().return_once(|_| Ok(Vec::new()));
    store
        .expect_store_portfolio()
        .return_once(|_, _| Err(StoreError::unavailable("store_portfolio", "gone")));
    let world = World::new(store, MockRateLimiter::new());
    let answered = portfolio(world.services(), client, read(0, None)).await.unwrap();
    assert_eq!(answered, portfolio_of(props, &[], today()));

    // A failed read of what to evaluate is the caller's failure, and nothing is stored.
    let mut store = MockStore::new();
    store
        .expect_list_properties()
        .return_once(|_| Err(StoreError::unavailable("list_properties", "gone")));
    store.expect_store_portfolio().never();
    let world = World::new(store, MockRateLimiter::new());
    assert!(portfolio(world.services(), client, read(0, None)).await.is_err());
}
