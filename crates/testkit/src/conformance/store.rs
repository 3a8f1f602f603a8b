//! The store conformance suite: clients, properties and the audit chain, on any backend.

use std::sync::Arc;

use chrono::Utc;
use domain::{Actor, AuditAction, ChainProblem, ClientId, Email, NewAuditEntry};
use ports::{CreateClientError, Store};
use uuid::Uuid;

use crate::fixtures::stored_client;

/// What a backend's test provides: its store, and ways to tamper with the audit log beneath the
/// ports (as someone with direct database access could), to prove verification notices.
#[async_trait::async_trait]
pub trait StoreHarness: Send + Sync {
    fn store(&self) -> Arc<dyn Store>;
    /// Changes the `after` state of the sealed entry at `seq`, bypassing the append-only guard.
    async fn change_sealed_entry(&self, seq: i64);
    /// Deletes the sealed entry at `seq`, bypassing the append-only guard.
    async fn delete_sealed_entry(&self, seq: i64);
    /// Runs `sql` directly on the database, as someone with a database login could.
    async fn execute_raw(&self, sql: &'static str) -> Result<(), String>;
}

fn audit_for(client: ClientId) -> NewAuditEntry {
    let mut entry = NewAuditEntry::new(
        Uuid::now_v7(),
        Utc::now(),
        AuditAction::IntakeSubmitted,
        Actor::anonymous(),
    );
    entry.client_id = Some(client);
    entry.after = Some(serde_json::json!({"note": "é ✓ \"quoted\"", "n": 1.5}));
    entry
}

fn unique_email() -> String {
    format!("client-{}@example.com", Uuid::new_v4().simple())
}

pub async fn a_created_client_reads_back_whole_with_its_properties(h: &impl StoreHarness) {
    let store = h.store();
    let (client, properties) = stored_client(&unique_email(), 3, Utc::now());
    store
        .create_client(&client, &properties, &audit_for(client.id))
        .await
        .unwrap();

    let read = store.get_client(client.id).await.unwrap().expect("client is stored");
    assert_eq!(read.details, client.details);
    assert_eq!(read.onboarding_status, client.onboarding_status);
    assert_eq!(read.created_at.timestamp_micros(), client.created_at.timestamp_micros());
    let by_email = store
        .find_client_by_email(&client.details.email)
        .await
        .unwrap()
        .expect("found by email");
    assert_eq!(by_email.id, client.id);

    let listed = store.list_properties(client.id).await.unwrap();
    assert_eq!(
        listed.iter().map(|p| p.id).collect::<Vec<_>>(),
        properties.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    assert_eq!(
        listed.iter().map(|p| &p.details).collect::<Vec<_>>(),
        properties.iter().map(|p| &p.details).collect::<Vec<_>>()
    );
}

pub async fn an_unknown_client_is_none(h: &impl StoreHarness) {
    let store = h.store();
    assert!(
        store
            .get_client(ClientId::from_uuid(Uuid::new_v4()))
            .await
            .unwrap()
            .is_none()
    );
    let nobody = Email::parse("nobody@example.com").unwrap();
    assert!(store.find_client_by_email(&nobody).await.unwrap().is_none());
}

pub async fn a_duplicate_email_is_refused_and_writes_nothing(h: &impl StoreHarness) {
    let store = h.store();
    let email = unique_email();
    let (first, first_properties) = stored_client(&email, 1, Utc::now());
    store
        .create_client(&first, &first_properties, &audit_for(first.id))
        .await
        .unwrap();

    let (second, second_properties) = stored_client(&email.to_uppercase(), 2, Utc::now());
    let result = store
        .create_client(&second, &second_properties, &audit_for(second.id))
        .await;

    assert!(
        matches!(result, Err(CreateClientError::DuplicateEmail)),
        "got {result:?}"
    );
    assert!(store.get_client(second.id).await.unwrap().is_none());
    assert!(store.list_properties(second.id).await.unwrap().is_empty());
    assert!(
        store.entries_for_client(second.id, 10).await.unwrap().is_empty(),
        "no audit entry for a refused intake"
    );
}

pub async fn concurrent_intakes_with_one_email_create_one_client(h: &impl StoreHarness) {
    let store = h.store();
    let email = unique_email();
    let attempts = (0..20).map(|_| {
        let store = Arc::clone(&store);
        let email = email.clone();
        tokio::spawn(async move {
            let (client, properties) = stored_client(&email, 2, Utc::now());
            store.create_client(&client, &properties, &audit_for(client.id)).await
        })
    });
    let results: Vec<_> = futures_join(attempts).await;
    let created = results.iter().filter(|r| r.is_ok()).count();
    let duplicates = results
        .iter()
        .filter(|r| matches!(r, Err(CreateClientError::DuplicateEmail)))
        .count();
    assert_eq!((created, duplicates), (1, 19), "results: {results:?}");
}

async fn futures_join<T: Send + 'static>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for handle in handles.collect::<Vec<_>>() {
        out.push(handle.await.expect("task finished"));
    }
    out
}

pub async fn the_intake_audit_entry_is_written_with_the_client(h: &impl StoreHarness) {
    let store = h.store();
    let (client, properties) = stored_client(&unique_email(), 1, Utc::now());
    let audit = audit_for(client.id);
    store.create_client(&client, &properties, &audit).await.unwrap();

    let entries = store.entries_for_client(client.id, 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].entry, audit, "the entry reads back exactly as written");
    assert!(
        entries[0].seal.is_none(),
        "sealing happens after commit, not in the request"
    );
}

/// Seals until nothing waits; how many were sealed.
async fn seal_all(store: &dyn Store) -> Result<u64, ports::StoreError> {
    let mut total = 0;
    loop {
        match store.seal_pending(1_000).await? {
            0 => return Ok(total),
            sealed => total += u64::from(sealed),
        }
    }
}

/// What the chain's own rules say of the whole stored chain.
struct Verified {
    verified: u64,
    unsealed: u64,
    break_at: Option<domain::ChainBreak>,
}

async fn verify(store: &dyn Store) -> Verified {
    let mut verifier = domain::ChainVerifier::new();
    let entries = store.sealed_entries(0, 10_000).await.unwrap();
    let head = store.chain_head().await.unwrap();
    let break_at = entries
        .iter()
        .find_map(|entry| verifier.check(entry).err())
        .or_else(|| verifier.finish(head.as_ref()).err());
    Verified {
        verified: verifier.verified(),
        unsealed: store.unsealed_count().await.unwrap(),
        break_at,
    }
}

async fn write_entries(store: &dyn Store, count: usize) {
    for _ in 0..count {
        let entry = audit_for(ClientId::from_uuid(Uuid::new_v4()));
        store.append(&entry).await.unwrap();
    }
}

pub async fn sealing_links_entries_into_a_chain_that_verifies(h: &impl StoreHarness) {
    let store = h.store();
    write_entries(&*store, 5).await;
    assert_eq!(store.unsealed_count().await.unwrap(), 5);

    assert_eq!(seal_all(&*store).await.unwrap(), 5);
    assert_eq!(store.seal_pending(100).await.unwrap(), 0, "nothing is sealed twice");
    write_entries(&*store, 2).await;
    assert_eq!(seal_all(&*store).await.unwrap(), 2);

    let chain = store.sealed_entries(0, 100).await.unwrap();
    let seqs: Vec<i64> = chain.iter().map(|e| e.seal.as_ref().unwrap().seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5, 6, 7]);
    assert!(chain[0].seal.as_ref().unwrap().prev_hash.is_none());
    assert_eq!(
        chain[3].seal.as_ref().unwrap().prev_hash,
        Some(chain[2].seal.as_ref().unwrap().hash)
    );
    let head = store.chain_head().await.unwrap().expect("a head after sealing");
    assert_eq!((head.seq, head.hash), (7, chain[6].seal.as_ref().unwrap().hash));

    let report = verify(&*store).await;
    assert_eq!((report.verified, report.unsealed, report.break_at), (7, 0, None));
}

pub async fn concurrent_sealers_never_give_two_entries_one_seq(h: &impl StoreHarness) {
    let store = h.store();
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { write_entries(&*store, 10).await })
        })
        .collect();
    let sealers: Vec<_> = (0..3)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                for _ in 0..10 {
                    store.seal_pending(7).await.unwrap();
                }
            })
        })
        .collect();
    futures_join(writers.into_iter()).await;
    futures_join(sealers.into_iter()).await;
    seal_all(&*store).await.unwrap();

    let report = verify(&*store).await;
    assert_eq!((report.verified, report.unsealed, report.break_at), (40, 0, None));
}

pub async fn verification_names_a_changed_entry(h: &impl StoreHarness) {
    let store = h.store();
    write_entries(&*store, 5).await;
    seal_all(&*store).await.unwrap();

    h.change_sealed_entry(3).await;

    let report = verify(&*store).await;
    let broken = report.break_at.expect("the change is detected");
    assert_eq!((broken.seq, broken.problem), (3, ChainProblem::ContentChanged));
    assert_eq!(report.verified, 2);
}

pub async fn verification_names_a_deleted_entry(h: &impl StoreHarness) {
    let store = h.store();
    write_entries(&*store, 5).await;
    seal_all(&*store).await.unwrap();

    h.delete_sealed_entry(3).await;

    let report = verify(&*store).await;
    let broken = report.break_at.expect("the deletion is detected");
    assert_eq!(broken.seq, 3);
    assert_eq!(broken.problem, ChainProblem::Missing { expected: 3, found: 4 });
}

pub async fn verification_notices_the_newest_entry_deleted(h: &impl StoreHarness) {
    let store = h.store();
    write_entries(&*store, 3).await;
    seal_all(&*store).await.unwrap();

    // Deleting the newest entry leaves no gap in `seq`; the chain head still tells.
    h.delete_sealed_entry(3).await;

    let report = verify(&*store).await;
    let broken = report.break_at.expect("the deletion is detected");
    assert_eq!(
        broken.problem,
        ChainProblem::HeadMismatch {
            head_seq: 3,
            last_seq: 2
        }
    );
}

pub async fn the_audit_log_refuses_deletes_and_changes_to_sealed_entries(h: &impl StoreHarness) {
    let store = h.store();
    write_entries(&*store, 1).await;
    seal_all(&*store).await.unwrap();

    let delete = h.execute_raw("DELETE FROM audit_log").await.unwrap_err();
    assert!(delete.contains("append-only"), "{delete}");
    let update = h
        .execute_raw("UPDATE audit_log SET action = 'LOGIN_SUCCEEDED'")
        .await
        .unwrap_err();
    assert!(update.contains("cannot change"), "{update}");
    assert_eq!(verify(&*store).await.verified, 1);
}

pub async fn the_store_answers_a_ping(h: &impl StoreHarness) {
    h.store().ping().await.unwrap();
}
