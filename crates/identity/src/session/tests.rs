//! Session tokens: the accepted shape, and every forgery and misuse the verifier must refuse.

use chrono::TimeZone;
use domain::{ClientId, Role, UserId};
use serde_json::{Value, json};
use uuid::Uuid;

use super::*;
use crate::testing::SeededRandom;

const SECRET: &[u8] = b"an-hs256-secret-of-at-least-32-bytes!!";
const ISSUER: &str = "https://vault.example";
const AUDIENCE: &str = "compliance-vault";

fn signer() -> SessionSigner {
    SessionSigner::new(SECRET, ISSUER, AUDIENCE, Duration::hours(8)).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 15).unwrap()
}

fn client() -> SessionSubject {
    SessionSubject {
        user_id: UserId::from_uuid(Uuid::from_u128(1)),
        role: Role::Client,
        client_id: Some(ClientId::from_uuid(Uuid::from_u128(2))),
        mfa: false,
    }
}

fn issued() -> IssuedSession {
    signer().issue(&client(), now(), &SeededRandom::new(1)).unwrap()
}

fn b64(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// The claims of a good token, as JSON, for forging variants of it.
fn good_claims() -> Value {
    let token = issued();
    let payload = token.token.expose().split('.').nth(1).unwrap().to_owned();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn signed(alg: Algorithm, claims: &Value, secret: &[u8]) -> String {
    jsonwebtoken::encode(&Header::new(alg), claims, &EncodingKey::from_secret(secret)).unwrap()
}

#[test]
fn a_valid_token_verifies_and_reads_back_what_was_issued() {
    let session = issued();
    let claims = signer().verify(session.token.expose(), now()).unwrap();
    assert_eq!(claims, session.claims);
    assert_eq!(claims.user_id(), client().user_id);
    assert_eq!(claims.role(), Role::Client);
    assert_eq!(claims.client_id(), client().client_id);
    assert!(!claims.mfa());
    assert_eq!(claims.issued_at(), now());
    assert_eq!(claims.expires_at(), now() + Duration::hours(8));
    assert_eq!(claims.issuer(), ISSUER);
    assert_eq!(claims.audience(), AUDIENCE);
    assert_eq!(claims.session_id().get_version_num(), 4);
}

#[test]
fn the_issue_time_is_kept_to_the_microsecond_and_iat_stays_whole_seconds() {
    let at = now() + Duration::microseconds(400_123);
    let session = signer().issue(&client(), at, &SeededRandom::new(5)).unwrap();
    let claims = signer().verify(session.token.expose(), at).unwrap();
    assert_eq!(claims.issued_at(), at);
    assert_eq!(claims.expires_at(), now() + Duration::hours(8));
    let payload = session.token.expose().split('.').nth(1).unwrap();
    let wire: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    assert_eq!(wire["iat"], now().timestamp());
    assert_eq!(wire["iat_us"], at.timestamp_micros());
}

#[test]
fn the_wire_format_names_every_claim() {
    let claims = good_claims();
    for name in [
        "sub",
        "role",
        "client_id",
        "kind",
        "sid",
        "mfa",
        "iat",
        "exp",
        "iss",
        "aud",
    ] {
        assert!(claims.get(name).is_some(), "{name} missing from {claims}");
    }
    assert_eq!(claims["kind"], "session");
    assert_eq!(claims["role"], "CLIENT");
    assert_eq!(claims["sub"], Uuid::from_u128(1).to_string());
    assert_eq!(claims["exp"], json!(now().timestamp() + 8 * 3600));
}

#[test]
fn an_admin_session_carries_no_client_and_records_the_second_factor() {
    let admin = SessionSubject {
        role: Role::Admin,
        client_id: None,
        mfa: true,
        ..client()
    };
    let session = signer().issue(&admin, now(), &SeededRandom::new(2)).unwrap();
    let claims = signer().verify(session.token.expose(), now()).unwrap();
    assert_eq!(claims.role(), Role::Admin);
    assert_eq!(claims.client_id(), None);
    assert!(claims.mfa());
}

#[test]
fn a_subject_whose_role_and_client_disagree_is_not_issued_a_session() {
    let rng = SeededRandom::new(3);
    let orphan = SessionSubject {
        client_id: None,
        ..client()
    };
    let admin_with_client = SessionSubject {
        role: Role::Admin,
        ..client()
    };
    assert_eq!(
        signer().issue(&orphan, now(), &rng).unwrap_err(),
        IssueError::InconsistentSubject
    );
    assert_eq!(
        signer().issue(&admin_with_client, now(), &rng).unwrap_err(),
        IssueError::InconsistentSubject
    );
}

#[test]
fn a_token_with_alg_none_and_no_signature_is_refused() {
    let token = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT"})),
        b64(&good_claims())
    );
    assert_eq!(signer().verify(&token, now()), Err(SessionError::AlgorithmNotAllowed));
    let shouting = format!("{}.{}.", b64(&json!({"alg": "NONE"})), b64(&good_claims()));
    assert_eq!(
        signer().verify(&shouting, now()),
        Err(SessionError::AlgorithmNotAllowed)
    );
}

#[test]
fn tokens_for_other_algorithms_are_refused_even_with_the_right_key() {
    let hs384 = signed(Algorithm::HS384, &good_claims(), SECRET);
    assert_eq!(signer().verify(&hs384, now()), Err(SessionError::AlgorithmNotAllowed));
    // The classic confusion attack: an RS256 header over an HMAC made with the shared secret.
    let good = issued();
    let mut parts = good.token.expose().split('.');
    let (_, payload, signature) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
    let rs256 = format!("{}.{payload}.{signature}", b64(&json!({"alg": "RS256", "typ": "JWT"})));
    assert_eq!(signer().verify(&rs256, now()), Err(SessionError::AlgorithmNotAllowed));
}

#[test]
fn a_tampered_payload_is_refused() {
    let good = issued();
    let parts: Vec<&str> = good.token.expose().split('.').collect();
    let mut claims = good_claims();
    claims["role"] = json!("ADMIN");
    claims["client_id"] = Value::Null;
    let forged = format!("{}.{}.{}", parts[0], b64(&claims), parts[2]);
    assert_eq!(signer().verify(&forged, now()), Err(SessionError::BadSignature));
}

#[test]
fn a_token_signed_with_another_secret_is_refused() {
    let other = SessionSigner::new(
        b"another-secret-that-is-32-bytes-long!",
        ISSUER,
        AUDIENCE,
        Duration::hours(8),
    )
    .unwrap();
    let token = other.issue(&client(), now(), &SeededRandom::new(4)).unwrap();
    assert_eq!(
        signer().verify(token.token.expose(), now()),
        Err(SessionError::BadSignature)
    );
}

#[test]
fn a_token_is_accepted_until_the_second_before_exp_and_refused_at_exp() {
    let session = issued();
    let exp = session.claims.expires_at();
    assert!(
        signer()
            .verify(session.token.expose(), exp - Duration::seconds(1))
            .is_ok()
    );
    assert_eq!(signer().verify(session.token.expose(), exp), Err(SessionError::Expired));
    assert_eq!(
        signer().verify(session.token.expose(), exp + Duration::days(1)),
        Err(SessionError::Expired)
    );
}

#[test]
fn a_token_issued_in_the_future_is_refused_beyond_the_allowed_skew() {
    let session = issued();
    assert!(signer().verify(session.token.expose(), now() - MAX_CLOCK_SKEW).is_ok());
    assert_eq!(
        signer().verify(session.token.expose(), now() - MAX_CLOCK_SKEW - Duration::seconds(1)),
        Err(SessionError::NotYetValid)
    );
}

#[test]
fn a_token_for_another_audience_is_refused() {
    let elsewhere = SessionSigner::new(SECRET, ISSUER, "another-service", Duration::hours(8)).unwrap();
    let token = elsewhere.issue(&client(), now(), &SeededRandom::new(5)).unwrap();
    assert_eq!(
        signer().verify(token.token.expose(), now()),
        Err(SessionError::WrongAudience)
    );
}

#[test]
fn a_token_from_another_issuer_is_refused() {
    let elsewhere = SessionSigner::new(SECRET, "https://evil.example", AUDIENCE, Duration::hours(8)).unwrap();
    let token = elsewhere.issue(&client(), now(), &SeededRandom::new(6)).unwrap();
    assert_eq!(
        signer().verify(token.token.expose(), now()),
        Err(SessionError::WrongIssuer)
    );
}

#[test]
fn a_token_of_another_kind_signed_with_the_same_key_is_refused() {
    let mut claims = good_claims();
    claims["kind"] = json!("password_reset");
    let token = signed(Algorithm::HS256, &claims, SECRET);
    assert_eq!(signer().verify(&token, now()), Err(SessionError::WrongKind));
}

#[test]
fn signed_tokens_missing_a_claim_or_contradicting_themselves_are_malformed() {
    for (name, change) in [
        ("exp", Value::Null),
        ("kind", Value::Null),
        ("sub", json!("not-a-uuid")),
        ("role", json!("SUPERUSER")),
        ("client_id", Value::Null),
    ] {
        let mut claims = good_claims();
        if change.is_null() {
            claims.as_object_mut().unwrap().remove(name);
        } else {
            claims[name] = change;
        }
        let token = signed(Algorithm::HS256, &claims, SECRET);
        assert_eq!(signer().verify(&token, now()), Err(SessionError::Malformed), "{name}");
    }
}

#[test]
fn garbage_is_malformed() {
    for junk in ["", "abc", "a.b", "a.b.c.d", "!!!.???.###", &"a".repeat(5000)] {
        assert_eq!(signer().verify(junk, now()), Err(SessionError::Malformed), "{junk}");
    }
}

#[test]
fn the_signer_refuses_unusable_settings() {
    let hours = Duration::hours(8);
    assert_eq!(
        SessionSigner::new(b"short", ISSUER, AUDIENCE, hours).unwrap_err(),
        SessionConfigError::SecretTooShort
    );
    assert_eq!(
        SessionSigner::new(SECRET, "", AUDIENCE, hours).unwrap_err(),
        SessionConfigError::EmptyIssuer
    );
    assert_eq!(
        SessionSigner::new(SECRET, ISSUER, "", hours).unwrap_err(),
        SessionConfigError::EmptyAudience
    );
    assert_eq!(
        SessionSigner::new(SECRET, ISSUER, AUDIENCE, Duration::zero()).unwrap_err(),
        SessionConfigError::NonPositiveTtl
    );
}

#[test]
fn neither_the_token_nor_the_secret_is_printed() {
    let session = issued();
    let printed = format!("{session:?} {:?}", signer());
    assert!(!printed.contains(session.token.expose()));
    assert!(!printed.contains(std::str::from_utf8(SECRET).unwrap()));
    assert!(printed.contains("SessionToken([REDACTED])"));
}
