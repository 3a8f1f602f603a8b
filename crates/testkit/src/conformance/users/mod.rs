//! The user part of the store conformance suite; tokens and second factors are in `tokens`.

mod tokens;

pub use tokens::*;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use domain::{
    Actor, AuditAction, ClientId, Email, EmailContent, MessageId, NewAuditEntry, OutgoingEmail, PasswordStatus,
    PasswordToken, PortalUser, Role, StoredPasswordHash, TokenKind, UserId, UserStatus,
};
use ports::{CreateUserError, StatusChange, Store};
use uuid::Uuid;

use super::StoreHarness;
use crate::fixtures::stored_client;

fn audit(action: AuditAction, client: Option<ClientId>) -> NewAuditEntry {
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), Utc::now(), action, Actor::system());
    entry.client_id = client;
    entry
}

/// A client with one invited user, stored; returns the user.
async fn invited_user(store: &dyn Store, now: DateTime<Utc>) -> PortalUser {
    let email = format!("user-{}@example.com", Uuid::new_v4().simple());
    let (client, properties) = stored_client(&email, 1, now);
    store
        .create_client(
            &client,
            &properties,
            &audit(AuditAction::IntakeSubmitted, Some(client.id)),
        )
        .await
        .unwrap();
    let user = PortalUser {
        id: UserId::from_uuid(Uuid::now_v7()),
        email: Email::parse(&email).unwrap(),
        role: Role::Client,
        client_id: Some(client.id),
        status: UserStatus::Invited,
        password_status: PasswordStatus::NotSet,
        password_hash: None,
        sessions_valid_after: now,
        created_at: now,
        updated_at: now,
    };
    store
        .create_user(&user, &audit(AuditAction::ProvisioningComplete, Some(client.id)))
        .await
        .unwrap();
    user
}

fn token(user: &PortalUser, kind: TokenKind, issued: DateTime<Utc>) -> PasswordToken {
    PasswordToken {
        id: Uuid::now_v7(),
        user_id: user.id,
        kind,
        token_hash: *Uuid::new_v4().as_bytes().repeat(2).first_chunk::<32>().unwrap(),
        created_at: issued,
        expires_at: issued + Duration::minutes(60),
        used_at: None,
        revoked_at: None,
    }
}

/// The email a token or password change queues with it.
fn mail(user: &PortalUser) -> OutgoingEmail {
    OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: user.client_id,
        to: user.email.clone(),
        content: EmailContent::PortalReady {
            recipient_name: "Test Client".into(),
            portal_url: "https://vault.example/portal".into(),
        },
        created_at: Utc::now().trunc_subsecs(6),
    }
}

fn hash() -> StoredPasswordHash {
    StoredPasswordHash::new("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g".into())
}

fn at_micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub async fn a_created_user_reads_back_by_id_and_email(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let user = invited_user(&*store, now).await;
    let by_id = store.get_user(user.id).await.unwrap().unwrap();
    assert_eq!(
        (by_id.email.clone(), by_id.role, by_id.client_id, by_id.status),
        (user.email.clone(), user.role, user.client_id, user.status)
    );
    assert_eq!(at_micros(by_id.sessions_valid_after), at_micros(now));
    assert_eq!(
        store.find_user_by_email(&user.email).await.unwrap().unwrap().id,
        user.id
    );
    assert!(
        store
            .get_user(UserId::from_uuid(Uuid::new_v4()))
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn a_second_user_with_the_same_email_is_refused(h: &impl StoreHarness) {
    let store = h.store();
    let user = invited_user(&*store, Utc::now()).await;
    let twin = PortalUser {
        id: UserId::from_uuid(Uuid::now_v7()),
        client_id: None,
        role: Role::Admin,
        ..user.clone()
    };
    let result = store
        .create_user(&twin, &audit(AuditAction::ProvisioningComplete, None))
        .await;
    assert!(matches!(result, Err(CreateUserError::DuplicateEmail)), "{result:?}");
    assert!(store.get_user(twin.id).await.unwrap().is_none());
}

pub async fn disabling_a_user_ends_its_sessions(h: &impl StoreHarness) {
    let store = h.store();
    let created = Utc::now() - Duration::hours(1);
    let user = invited_user(&*store, created).await;
    let now = Utc::now();
    assert_eq!(
        store
            .set_user_status(
                user.id,
                UserStatus::Disabled,
                now,
                &audit(AuditAction::SubscriptionUpdated, user.client_id)
            )
            .await
            .unwrap(),
        StatusChange::Changed
    );
    let disabled = store.get_user(user.id).await.unwrap().unwrap();
    assert_eq!(disabled.status, UserStatus::Disabled);
    assert_eq!(at_micros(disabled.sessions_valid_after), at_micros(now));

    let later = now + Duration::minutes(5);
    store
        .set_user_status(
            user.id,
            UserStatus::Active,
            later,
            &audit(AuditAction::SubscriptionUpdated, user.client_id),
        )
        .await
        .unwrap();
    let enabled = store.get_user(user.id).await.unwrap().unwrap();
    assert_eq!(enabled.status, UserStatus::Active);
    assert_eq!(
        at_micros(enabled.sessions_valid_after),
        at_micros(now),
        "enabling does not revive old sessions"
    );

    let unknown = UserId::from_uuid(Uuid::new_v4());
    assert_eq!(
        store
            .set_user_status(
                unknown,
                UserStatus::Disabled,
                now,
                &audit(AuditAction::SubscriptionUpdated, None)
            )
            .await
            .unwrap(),
        StatusChange::UnknownUser
    );
}

/// An active admin, stored.
async fn active_admin(store: &dyn Store, now: DateTime<Utc>) -> PortalUser {
    let admin = PortalUser {
        id: UserId::from_uuid(Uuid::now_v7()),
        email: Email::parse(&format!("admin-{}@example.com", Uuid::new_v4().simple())).unwrap(),
        role: Role::Admin,
        client_id: None,
        status: UserStatus::Active,
        password_status: PasswordStatus::Set,
        password_hash: Some(hash()),
        sessions_valid_after: now,
        created_at: now,
        updated_at: now,
    };
    store
        .create_user(&admin, &audit(AuditAction::UserCreated, None))
        .await
        .unwrap();
    admin
}

/// Two admins disabling each other at the same moment: one succeeds, the other is refused, and
/// an active admin remains; the last one can never be disabled.
pub async fn the_last_active_admin_cannot_be_disabled_even_by_a_race(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    for _ in 0..5 {
        let (a, b) = (active_admin(&*store, now).await, active_admin(&*store, now).await);
        // Each round ends with no active admin left over, so these two are the only ones.
        let disable = |id: UserId| {
            let store = h.store();
            async move {
                store
                    .set_user_status(id, UserStatus::Disabled, now, &audit(AuditAction::UserDisabled, None))
                    .await
                    .unwrap()
            }
        };
        let (first, second) = tokio::join!(disable(a.id), disable(b.id));
        let mut outcomes = [first, second];
        outcomes.sort_by_key(|o| *o == StatusChange::Changed);
        assert_eq!(outcomes, [StatusChange::LastActiveAdmin, StatusChange::Changed]);
        let survivor = if first == StatusChange::Changed { b.id } else { a.id };
        assert_eq!(
            store.get_user(survivor).await.unwrap().unwrap().status,
            UserStatus::Active
        );
        assert_eq!(disable(survivor).await, StatusChange::LastActiveAdmin);
        // A new admin lets the survivor go; the new one is then set aside (not disabled: that
        // would be refused) so the next round starts with none.
        let successor = active_admin(&*store, now).await;
        assert_eq!(disable(survivor).await, StatusChange::Changed);
        assert_eq!(disable(successor.id).await, StatusChange::LastActiveAdmin);
        store
            .set_user_status(
                successor.id,
                UserStatus::Invited,
                now,
                &audit(AuditAction::UserDisabled, None),
            )
            .await
            .unwrap();
    }
}

/// Whether the store reads `session` of `user` as ended.
async fn revoked(store: &dyn Store, user: &PortalUser, session: Uuid) -> bool {
    let principal = store.session_principal(user.id, session, false).await.unwrap().unwrap();
    principal.session_revoked
}

pub async fn the_session_principal_is_the_user_with_its_client(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let user = invited_user(&*store, now).await;
    let client_id = user.client_id.unwrap();
    let principal = store
        .session_principal(user.id, Uuid::new_v4(), false)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(principal.user, store.get_user(user.id).await.unwrap().unwrap());
    assert_eq!(principal.client, store.get_client(client_id).await.unwrap());
    assert!(principal.client.is_some());
    assert!(!principal.session_revoked);
    assert_eq!(principal.portfolio, None, "not asked for");
    // Asked for, the same with the client's evidence version and (none yet) stored portfolio.
    let with = store
        .session_principal(user.id, Uuid::new_v4(), true)
        .await
        .unwrap()
        .unwrap();
    let empty = ports::PortfolioRead {
        evidence_version: 0,
        stored: None,
    };
    assert_eq!((&with.user, &with.client), (&principal.user, &principal.client));
    assert_eq!(with.portfolio, Some(empty));

    let admin = active_admin(&*store, now).await;
    let principal = store
        .session_principal(admin.id, Uuid::new_v4(), true)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(principal.user, store.get_user(admin.id).await.unwrap().unwrap());
    assert_eq!(principal.client, None, "an admin has no client");
    assert_eq!(principal.portfolio, None, "nor a portfolio");

    let stranger = UserId::from_uuid(Uuid::new_v4());
    for with_portfolio in [false, true] {
        let read = store.session_principal(stranger, Uuid::new_v4(), with_portfolio).await;
        assert_eq!(read.unwrap(), None);
    }
}

pub async fn a_revoked_session_stays_revoked_until_it_would_have_expired(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let user = invited_user(&*store, now).await;
    let (session, other) = (Uuid::new_v4(), Uuid::new_v4());
    assert!(!revoked(&*store, &user, session).await);
    let logout = || audit(AuditAction::LoggedOut, user.client_id);
    store
        .revoke_session(session, user.id, now + Duration::hours(8), now, &logout())
        .await
        .unwrap();
    store
        .revoke_session(session, user.id, now + Duration::hours(8), now, &logout())
        .await
        .unwrap();
    assert!(revoked(&*store, &user, session).await, "revoking twice is harmless");
    assert!(!revoked(&*store, &user, other).await);

    // A later revocation forgets those whose session has expired by then.
    let later = now + Duration::hours(9);
    store
        .revoke_session(other, user.id, later + Duration::hours(8), later, &logout())
        .await
        .unwrap();
    assert!(!revoked(&*store, &user, session).await);
    assert!(revoked(&*store, &user, other).await);
}
