//! Password tokens and second factors: the single-use part of the store conformance suite.

use std::sync::Arc;

use chrono::{Duration, Utc};
use domain::{AuditAction, PasswordStatus, PasswordToken, TokenKind, UserId, UserStatus};
use ports::UseTokenError;

use super::{at_micros, audit, hash, invited_user, mail, token};
use crate::conformance::StoreHarness;

pub async fn issuing_a_token_revokes_the_earlier_ones_of_its_kind(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let user = invited_user(&*store, now).await;
    let first = token(&user, TokenKind::Setup, now);
    let reset = token(&user, TokenKind::Reset, now);
    let second = token(&user, TokenKind::Setup, now + Duration::minutes(1));
    for t in [&first, &reset, &second] {
        store.issue_password_token(t).await.unwrap();
    }
    let find = |t: &PasswordToken| {
        let store = Arc::clone(&store);
        let hash = t.token_hash;
        async move { store.find_password_token(&hash).await.unwrap().unwrap() }
    };
    assert!(
        find(&first).await.revoked_at.is_some(),
        "the older setup token is revoked"
    );
    assert!(
        find(&reset).await.revoked_at.is_none(),
        "a token of another kind is not"
    );
    assert!(find(&second).await.is_usable_at(now + Duration::minutes(2)));
    assert!(store.find_password_token(&[0; 32]).await.unwrap().is_none());
}

pub async fn a_token_sets_the_password_once_under_twenty_concurrent_uses(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let user = invited_user(&*store, now - Duration::days(1)).await;
    let t = token(&user, TokenKind::Setup, now);
    store.issue_password_token(&t).await.unwrap();
    let before = store
        .entries_for_client(user.client_id.unwrap(), 100)
        .await
        .unwrap()
        .len();

    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let store = Arc::clone(&store);
            let client = user.client_id;
            let notice = mail(&user);
            tokio::spawn(async move {
                store
                    .set_password_with_token(t.id, &hash(), now, &notice, &audit(AuditAction::PasswordSet, client))
                    .await
            })
        })
        .collect();
    let mut successes = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(()) => successes += 1,
            Err(UseTokenError::Invalid) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(successes, 1);

    let updated = store.get_user(user.id).await.unwrap().unwrap();
    assert_eq!(
        (updated.status, updated.password_status),
        (UserStatus::Active, PasswordStatus::Set)
    );
    assert_eq!(updated.password_hash, Some(hash()));
    assert_eq!(
        at_micros(updated.sessions_valid_after),
        at_micros(now),
        "other sessions end"
    );
    let after = store
        .entries_for_client(user.client_id.unwrap(), 100)
        .await
        .unwrap()
        .len();
    assert_eq!(after, before + 1, "one PASSWORD_SET entry, for the one success");
}

pub async fn a_token_works_until_its_sixtieth_minute_and_not_at_it(h: &impl StoreHarness) {
    let store = h.store();
    let issued = Utc::now() - Duration::hours(2);
    let user = invited_user(&*store, issued).await;
    let late = token(&user, TokenKind::Reset, issued);
    store.issue_password_token(&late).await.unwrap();
    let at_expiry = late.expires_at;
    let result = store
        .set_password_with_token(
            late.id,
            &hash(),
            at_expiry,
            &mail(&user),
            &audit(AuditAction::PasswordSet, user.client_id),
        )
        .await;
    assert!(
        matches!(result, Err(UseTokenError::Invalid)),
        "at 60:00 the token is expired"
    );
    assert_eq!(
        store.get_user(user.id).await.unwrap().unwrap().password_status,
        PasswordStatus::NotSet
    );

    let in_time = token(&user, TokenKind::Reset, issued);
    store.issue_password_token(&in_time).await.unwrap();
    let just_before = in_time.expires_at - Duration::seconds(1);
    store
        .set_password_with_token(
            in_time.id,
            &hash(),
            just_before,
            &mail(&user),
            &audit(AuditAction::PasswordSet, user.client_id),
        )
        .await
        .unwrap();
    assert_eq!(
        store.get_user(user.id).await.unwrap().unwrap().password_status,
        PasswordStatus::Set
    );
}

pub async fn a_revoked_token_sets_nothing(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let user = invited_user(&*store, now).await;
    let old = token(&user, TokenKind::Setup, now);
    store.issue_password_token(&old).await.unwrap();
    store
        .issue_password_token(&token(&user, TokenKind::Setup, now))
        .await
        .unwrap();
    let result = store
        .set_password_with_token(
            old.id,
            &hash(),
            now,
            &mail(&user),
            &audit(AuditAction::PasswordSet, user.client_id),
        )
        .await;
    assert!(matches!(result, Err(UseTokenError::Invalid)));
}

pub async fn disabling_a_user_revokes_its_password_links(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let user = invited_user(&*store, now).await;
    let (setup, reset) = (token(&user, TokenKind::Setup, now), token(&user, TokenKind::Reset, now));
    store.issue_password_token(&setup).await.unwrap();
    store.issue_password_token(&reset).await.unwrap();
    store
        .set_user_status(
            user.id,
            UserStatus::Disabled,
            now,
            &audit(AuditAction::UserDisabled, user.client_id),
        )
        .await
        .unwrap();
    for issued in [&setup, &reset] {
        let found = store.find_password_token(&issued.token_hash).await.unwrap().unwrap();
        assert!(found.revoked_at.is_some(), "{:?} token still open", issued.kind);
        let result = store
            .set_password_with_token(
                issued.id,
                &hash(),
                now,
                &mail(&user),
                &audit(AuditAction::PasswordSet, user.client_id),
            )
            .await;
        assert!(matches!(result, Err(UseTokenError::Invalid)));
    }
}

pub async fn a_second_factor_code_and_a_recovery_code_each_work_once(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let user = invited_user(&*store, now).await;
    assert!(store.second_factor(user.id).await.unwrap().is_none());
    let codes = [[1u8; 32], [2u8; 32]];
    store
        .enrol_second_factor(
            user.id,
            &[7; 61],
            &codes,
            now,
            &audit(AuditAction::SecondFactorEnrolled, user.client_id),
        )
        .await
        .unwrap();
    let factor = store.second_factor(user.id).await.unwrap().unwrap();
    assert_eq!((factor.totp_secret, factor.last_used_step), (vec![7; 61], None));

    assert!(store.use_totp_step(user.id, 100).await.unwrap());
    assert!(!store.use_totp_step(user.id, 100).await.unwrap(), "a step works once");
    assert!(
        !store.use_totp_step(user.id, 99).await.unwrap(),
        "an older step never works again"
    );
    assert!(store.use_totp_step(user.id, 101).await.unwrap());
    assert_eq!(
        store.second_factor(user.id).await.unwrap().unwrap().last_used_step,
        Some(101)
    );

    assert!(store.use_recovery_code(user.id, &[1; 32], now).await.unwrap());
    assert!(
        !store.use_recovery_code(user.id, &[1; 32], now).await.unwrap(),
        "a recovery code works once"
    );
    assert!(
        !store.use_recovery_code(user.id, &[9; 32], now).await.unwrap(),
        "an unknown code never works"
    );

    // Enrolling again replaces the secret and every recovery code.
    store
        .enrol_second_factor(
            user.id,
            &[8; 61],
            &[[3; 32]],
            now,
            &audit(AuditAction::SecondFactorEnrolled, user.client_id),
        )
        .await
        .unwrap();
    assert_eq!(
        store.second_factor(user.id).await.unwrap().unwrap(),
        domain::SecondFactor {
            totp_secret: vec![8; 61],
            last_used_step: None
        }
    );
    assert!(
        !store.use_recovery_code(user.id, &[2; 32], now).await.unwrap(),
        "old codes are gone"
    );
    assert!(store.use_recovery_code(user.id, &[3; 32], now).await.unwrap());
}

/// Secrets from before encryption at rest are found by their length and replaced once: a
/// replacement that finds the secret changed (a re-enrolment won the race) changes nothing.
pub async fn a_clear_second_factor_is_found_and_replaced_only_if_unchanged(h: &impl StoreHarness) {
    let store = h.store();
    let now = Utc::now();
    let (clear, sealed) = (invited_user(&*store, now).await, invited_user(&*store, now).await);
    let enrol = |user: UserId, secret: Vec<u8>| {
        let store = h.store();
        async move {
            store
                .enrol_second_factor(user, &secret, &[], now, &audit(AuditAction::SecondFactorEnrolled, None))
                .await
                .unwrap();
        }
    };
    enrol(clear.id, vec![5; 20]).await;
    enrol(sealed.id, vec![6; 61]).await;
    let found = store.second_factors_of_length(20).await.unwrap();
    assert_eq!(found, vec![(clear.id, vec![5; 20])]);

    let entry = audit(AuditAction::SecondFactorEncrypted, clear.client_id);
    assert!(
        !store
            .replace_totp_secret(clear.id, &[4; 20], &[9; 61], &entry)
            .await
            .unwrap()
    );
    assert!(
        store
            .replace_totp_secret(clear.id, &[5; 20], &[9; 61], &entry)
            .await
            .unwrap()
    );
    assert_eq!(
        store.second_factor(clear.id).await.unwrap().unwrap().totp_secret,
        vec![9; 61]
    );
    assert!(store.second_factors_of_length(20).await.unwrap().is_empty());
}
