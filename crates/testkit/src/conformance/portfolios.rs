//! Stored portfolios in the store conformance suite: one reads back with the session, beside the
//! client's evidence version, and that version moves with every document written or reviewed,
//! and only then.

use chrono::{NaiveDate, Utc};
use domain::{Client, Review, Role, UserId};
use ports::{PortfolioRead, Store, StoredPortfolio};
use uuid::Uuid;

use super::StoreHarness;
use super::documents::{active_user, admin, client_with_property, pending, write};

fn stored(version: i64, day: u32, body: &str) -> StoredPortfolio {
    StoredPortfolio {
        evidence_version: version,
        evaluated_on: NaiveDate::from_ymd_opt(2026, 12, day).unwrap(),
        engine: "engine 1".into(),
        portfolio: body.into(),
    }
}

/// A user of `client`, to read its portfolio with.
async fn user_of(store: &dyn Store, client: &Client) -> UserId {
    active_user(store, Role::Client, Some(client.id)).await
}

/// What a session of `user` reads of its client's portfolio.
async fn read(store: &dyn Store, user: UserId) -> PortfolioRead {
    let principal = store
        .session_principal(user, Uuid::new_v4(), true)
        .await
        .unwrap()
        .unwrap();
    principal.portfolio.unwrap()
}

pub async fn a_stored_portfolio_reads_back_beside_the_evidence_version(h: &impl StoreHarness) {
    let store = h.store();
    let (client, _) = client_with_property(&*store).await;
    let (other, _) = client_with_property(&*store).await;
    let (user, neighbour) = (user_of(&*store, &client).await, user_of(&*store, &other).await);
    let nothing = PortfolioRead {
        evidence_version: 0,
        stored: None,
    };
    assert_eq!(read(&*store, user).await, nothing);

    let first = stored(0, 1, r#"{"status":"GREEN","properties":[]}"#);
    store.store_portfolio(client.id, &first).await.unwrap();
    let expected = PortfolioRead {
        evidence_version: 0,
        stored: Some(first),
    };
    assert_eq!(read(&*store, user).await, expected);
    // Stored again, the newer one replaces it (large and not ASCII); another client's stays its own.
    let second = stored(0, 2, &format!("{{\"text\":\"Tŷ Newydd {}\"}}", "x".repeat(20_000)));
    store.store_portfolio(client.id, &second).await.unwrap();
    assert_eq!(read(&*store, user).await.stored, Some(second));
    assert_eq!(read(&*store, neighbour).await, nothing);
}

pub async fn every_document_written_or_reviewed_moves_the_clients_evidence_on(h: &impl StoreHarness) {
    let store = h.store();
    let (client, property) = client_with_property(&*store).await;
    let user = user_of(&*store, &client).await;
    assert_eq!(read(&*store, user).await.evidence_version, 0);
    let document = pending(&client, &property);
    store
        .create_document(&document, &write(0, &[]), u64::MAX)
        .await
        .unwrap();
    assert_eq!(read(&*store, user).await.evidence_version, 1);

    // Refused writes move nothing: a stale snapshot, a full quota.
    let stale = store
        .create_document(&pending(&client, &property), &write(0, &[]), u64::MAX)
        .await;
    assert!(stale.is_err());
    let full = store
        .create_document(&pending(&client, &property), &write(1, &[]), 1)
        .await;
    assert!(full.is_err());
    assert_eq!(read(&*store, user).await.evidence_version, 1);

    let reviewer = admin(&*store).await;
    let reject = Review::Reject {
        reason: "blurred".into(),
    };
    let refused = store
        .review_document(document.id, &reject, reviewer, Utc::now(), &write(0, &[]))
        .await;
    assert!(refused.is_err());
    assert_eq!(read(&*store, user).await.evidence_version, 1);
    store
        .review_document(document.id, &reject, reviewer, Utc::now(), &write(1, &[]))
        .await
        .unwrap();
    assert_eq!(read(&*store, user).await.evidence_version, 2);
    // A stored portfolio is not evidence: storing one moves nothing.
    store.store_portfolio(client.id, &stored(2, 1, "{}")).await.unwrap();
    assert_eq!(read(&*store, user).await.evidence_version, 2);
}
