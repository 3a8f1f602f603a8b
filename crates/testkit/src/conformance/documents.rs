//! Evidence documents in the store conformance suite: they read back whole, stay with their own
//! client, and are reviewed once.

use std::sync::Arc;

use chrono::{NaiveDate, SubsecRound, Utc};
use domain::{
    Actor, AuditAction, Client, ClientId, ConfirmedFacts, DisplayName, Document, DocumentId, DocumentStatus, EpcRating,
    FileType, NewAuditEntry, Property, RequirementType, Review, StatedFacts, StoredFile, UserId,
};
use ports::{EvidenceWrite, ReviewError, Store};
use uuid::Uuid;

use super::StoreHarness;
use crate::fixtures::stored_client;

/// A document change at evidence `version` with these audit entries and no snapshot.
pub(super) fn write(version: i64, audit: &[NewAuditEntry]) -> EvidenceWrite {
    EvidenceWrite {
        version,
        audit: audit.to_vec(),
        snapshots: Vec::new(),
    }
}

fn entry(action: AuditAction, client: &Client) -> NewAuditEntry {
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), Utc::now(), action, Actor::system());
    entry.client_id = Some(client.id);
    entry
}

pub(super) async fn client_with_property(store: &dyn Store) -> (Client, Property) {
    let (client, mut properties) =
        stored_client(&format!("docs-{}@example.com", Uuid::new_v4().simple()), 1, Utc::now());
    let submitted = entry(AuditAction::IntakeSubmitted, &client);
    store.create_client(&client, &properties, &submitted).await.unwrap();
    (client, properties.remove(0))
}

/// An operator to review with.
pub(super) async fn admin(store: &dyn Store) -> UserId {
    active_user(store, domain::Role::Admin, None).await
}

/// An active user with `role` (of `client`, if any), stored.
pub(super) async fn active_user(store: &dyn Store, role: domain::Role, client: Option<ClientId>) -> UserId {
    let now = Utc::now();
    let user = domain::PortalUser {
        id: UserId::from_uuid(Uuid::now_v7()),
        email: domain::Email::parse(&format!("user-{}@example.com", Uuid::new_v4().simple())).unwrap(),
        role,
        client_id: client,
        status: domain::UserStatus::Active,
        password_status: domain::PasswordStatus::NotSet,
        password_hash: None,
        sessions_valid_after: now,
        created_at: now,
        updated_at: now,
    };
    let created = NewAuditEntry::new(Uuid::now_v7(), now, AuditAction::UserCreated, Actor::system());
    store.create_user(&user, &created).await.unwrap();
    user.id
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(super) fn pending(client: &Client, property: &Property) -> Document {
    Document {
        id: DocumentId::from_uuid(Uuid::now_v7()),
        client_id: client.id,
        property_id: property.id,
        status: DocumentStatus::Pending,
        file: StoredFile {
            key: format!("documents/{}/{}", client.id, Uuid::new_v4()),
            file_type: FileType::Pdf,
            size_bytes: 123_456,
            sha256: [7; 32],
            display_name: DisplayName::from_client("Gas Safety Record 2026.pdf"),
        },
        stated: StatedFacts {
            requirement: Some(RequirementType::Epc),
            issue_date: Some(date(2026, 1, 10)),
            expiry_date: None,
            epc_rating: Some(EpcRating::C),
        },
        confirmed: None,
        rejection_reason: None,
        uploaded_by: None,
        reviewed_by: None,
        reviewed_at: None,
        created_at: Utc::now().trunc_subsecs(6),
    }
}

pub async fn a_document_reads_back_whole_and_only_for_its_client(h: &impl StoreHarness) {
    let store = h.store();
    let (client, property) = client_with_property(&*store).await;
    let (other, _) = client_with_property(&*store).await;
    let document = pending(&client, &property);
    store
        .create_document(
            &document,
            &write(0, &[entry(AuditAction::DocumentUploaded, &client)]),
            u64::MAX,
        )
        .await
        .unwrap();

    assert_eq!(store.get_document(document.id).await.unwrap(), Some(document.clone()));
    assert_eq!(store.list_documents(client.id).await.unwrap(), vec![document.clone()]);
    assert!(store.list_documents(other.id).await.unwrap().is_empty());
    assert!(
        store
            .get_document(DocumentId::from_uuid(Uuid::now_v7()))
            .await
            .unwrap()
            .is_none()
    );
    let actions: Vec<_> = store
        .entries_for_client(client.id, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.entry.action)
        .collect();
    assert_eq!(actions[0], AuditAction::DocumentUploaded);

    // Another client's property: refused by the store itself, nothing written.
    let (_, theirs) = client_with_property(&*store).await;
    let stray = pending(&client, &theirs);
    assert!(
        store
            .create_document(
                &stray,
                &write(0, &[entry(AuditAction::DocumentUploaded, &client)]),
                u64::MAX
            )
            .await
            .is_err()
    );
    assert!(store.get_document(stray.id).await.unwrap().is_none());
}

pub async fn a_document_is_reviewed_once_however_many_race(h: &impl StoreHarness) {
    let store = h.store();
    let (client, property) = client_with_property(&*store).await;
    let document = pending(&client, &property);
    store
        .create_document(&document, &write(0, &[]), u64::MAX)
        .await
        .unwrap();
    let facts = ConfirmedFacts {
        requirement: RequirementType::Epc,
        issue_date: date(2026, 1, 12),
        expiry_date: Some(date(2036, 1, 11)),
        epc_rating: Some(EpcRating::D),
        exemption_expiry_date: None,
    };
    let reviewer = admin(&*store).await;
    let reviews: Vec<_> = (0..10)
        .map(|i| {
            let (store, client) = (Arc::clone(&store), client.clone());
            let review = if i % 2 == 0 {
                Review::Verify(facts)
            } else {
                Review::Reject {
                    reason: "illegible".into(),
                }
            };
            tokio::spawn(async move {
                let audit = [entry(AuditAction::DocumentVerified, &client)];
                store
                    .review_document(document.id, &review, reviewer, Utc::now(), &write(1, &audit))
                    .await
            })
        })
        .collect();
    let mut done = Vec::new();
    for review in reviews {
        match review.await.unwrap() {
            Ok(reviewed) => done.push(reviewed),
            Err(ReviewError::NotPending) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(done.len(), 1, "exactly one review");
    let reviewed = store.get_document(document.id).await.unwrap().unwrap();
    assert_eq!(reviewed, done[0], "the review returned is the one stored");
    match reviewed.status {
        DocumentStatus::Verified => assert_eq!(reviewed.confirmed, Some(facts)),
        DocumentStatus::Rejected => assert_eq!(reviewed.rejection_reason.as_deref(), Some("illegible")),
        DocumentStatus::Pending => panic!("still pending"),
    }
    let entries = store.entries_for_client(client.id, 50).await.unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.entry.action == AuditAction::DocumentVerified)
            .count(),
        1
    );

    let unknown = DocumentId::from_uuid(Uuid::now_v7());
    let missing = store
        .review_document(unknown, &Review::Verify(facts), reviewer, Utc::now(), &write(2, &[]))
        .await;
    assert!(matches!(missing, Err(ReviewError::NotFound)));
}

pub async fn a_change_computed_from_a_stale_snapshot_is_refused(h: &impl StoreHarness) {
    let store = h.store();
    let (client, property) = client_with_property(&*store).await;
    let snapshot = store.property_evidence(property.id).await.unwrap();
    assert_eq!((snapshot.version, snapshot.documents.len()), (0, 0));
    let first = pending(&client, &property);
    store
        .create_document(&first, &write(snapshot.version, &[]), u64::MAX)
        .await
        .unwrap();

    // A second upload computed from the same, now stale, snapshot.
    let second = pending(&client, &property);
    let stale = store
        .create_document(&second, &write(snapshot.version, &[]), u64::MAX)
        .await;
    assert!(matches!(stale, Err(ports::WriteEvidenceError::Conflict)), "{stale:?}");
    assert!(
        store.get_document(second.id).await.unwrap().is_none(),
        "nothing written"
    );

    let fresh = store.property_evidence(property.id).await.unwrap();
    assert_eq!((fresh.version, fresh.documents), (1, vec![first.clone()]));
    let reviewer = admin(&*store).await;
    let reject = Review::Reject {
        reason: "blurred".into(),
    };
    let stale_review = store
        .review_document(first.id, &reject, reviewer, Utc::now(), &write(0, &[]))
        .await;
    assert!(matches!(stale_review, Err(ReviewError::Conflict)));
    store
        .review_document(first.id, &reject, reviewer, Utc::now(), &write(fresh.version, &[]))
        .await
        .unwrap();
    assert_eq!(store.property_evidence(property.id).await.unwrap().version, 2);
}

/// Documents count against their client's quota, counted so that uploads racing to different
/// properties of one client cannot pass it together; a refused document writes nothing.
pub async fn the_storage_quota_holds_under_racing_uploads(h: &impl StoreHarness) {
    let store = h.store();
    let (client, properties) = stored_client(&format!("quota-{}@example.com", Uuid::new_v4().simple()), 4, Utc::now());
    let submitted = entry(AuditAction::IntakeSubmitted, &client);
    store.create_client(&client, &properties, &submitted).await.unwrap();
    assert_eq!(store.storage_used(client.id).await.unwrap(), 0);
    let first = pending(&client, &properties[0]);
    let size = first.file.size_bytes;
    let quota = size * 5 / 2;
    store.create_document(&first, &write(0, &[]), quota).await.unwrap();
    assert_eq!(store.storage_used(client.id).await.unwrap(), size);

    // Three uploads at once to three other properties: room for one more only.
    let uploads = properties[1..].iter().map(|property| {
        let store = h.store();
        let document = pending(&client, property);
        async move {
            (
                store.create_document(&document, &write(0, &[]), quota).await,
                document.id,
            )
        }
    });
    let results = futures_util::future::join_all(uploads).await;
    let landed = results.iter().filter(|(r, _)| r.is_ok()).count();
    assert_eq!(landed, 1, "{results:?}");
    for (result, id) in &results {
        if let Err(error) = result {
            assert!(
                matches!(error, ports::WriteEvidenceError::QuotaExceeded { used } if *used == 2 * size),
                "{error:?}"
            );
            assert!(store.get_document(*id).await.unwrap().is_none(), "nothing written");
        }
    }
    assert_eq!(store.storage_used(client.id).await.unwrap(), 2 * size);
}
