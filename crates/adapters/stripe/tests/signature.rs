//! The `Stripe-Signature` check: what passes, and why everything else does not.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use adapter_stripe::{SignatureError, TOLERANCE_SECS, sign, verify};

const SECRET: &str = "whsec_test_5f3c9a0e1b2d4c6a8e0f1a2b3c4d5e6f";
const NOW: i64 = 1_740_819_600;
const BODY: &[u8] = br#"{"id":"evt_1QxYz","object":"event","type":"checkout.session.completed","created":1740819600}"#;

fn check(body: &[u8], header: &str) -> Result<(), SignatureError> {
    verify(body, Some(header), SECRET, NOW, TOLERANCE_SECS)
}

/// The hex `v1` of a header made by [`sign`].
fn v1_of(header: &str) -> String {
    header.split_once(",v1=").unwrap().1.to_owned()
}

#[test]
fn a_valid_signature_passes() {
    assert_eq!(check(BODY, &sign(BODY, SECRET, NOW)), Ok(()));
}

#[test]
fn sign_matches_stripes_scheme() {
    // HMAC-SHA256("whsec_test", "1700000000.{}"), computed independently (Python's hmac module).
    assert_eq!(
        sign(b"{}", "whsec_test", 1_700_000_000),
        "t=1700000000,v1=35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"
    );
}

#[test]
fn a_signature_made_with_another_secret_is_a_mismatch() {
    let header = sign(BODY, "whsec_someone_else", NOW);
    assert_eq!(check(BODY, &header), Err(SignatureError::Mismatch));
}

#[test]
fn one_changed_byte_of_the_body_is_a_mismatch() {
    let header = sign(BODY, SECRET, NOW);
    let mut tampered = BODY.to_vec();
    tampered[10] ^= 0x01;
    assert_eq!(check(&tampered, &header), Err(SignatureError::Mismatch));
}

#[test]
fn a_changed_timestamp_is_a_mismatch() {
    let signature = v1_of(&sign(BODY, SECRET, NOW));
    let header = format!("t={},v1={signature}", NOW - 1);
    assert_eq!(check(BODY, &header), Err(SignatureError::Mismatch));
}

#[test]
fn a_missing_header_is_refused() {
    assert_eq!(
        verify(BODY, None, SECRET, NOW, TOLERANCE_SECS),
        Err(SignatureError::MissingHeader)
    );
}

#[test]
fn a_signature_301_seconds_old_is_too_old_and_300_is_fine() {
    let old = NOW - 301;
    assert_eq!(check(BODY, &sign(BODY, SECRET, old)), Err(SignatureError::TooOld));
    assert_eq!(check(BODY, &sign(BODY, SECRET, NOW - 300)), Ok(()));
}

#[test]
fn a_signature_from_beyond_the_tolerance_in_the_future_is_refused() {
    assert_eq!(check(BODY, &sign(BODY, SECRET, NOW + 300)), Ok(()));
    assert_eq!(check(BODY, &sign(BODY, SECRET, NOW + 301)), Err(SignatureError::TooOld));
}

#[test]
fn a_bad_signature_with_an_old_timestamp_is_a_mismatch() {
    let header = sign(BODY, "whsec_someone_else", NOW - 3600);
    assert_eq!(check(BODY, &header), Err(SignatureError::Mismatch));
}

#[test]
fn one_valid_v1_among_several_is_enough() {
    let valid = v1_of(&sign(BODY, SECRET, NOW));
    let stale = v1_of(&sign(BODY, "whsec_rolled_away", NOW));
    assert_eq!(check(BODY, &format!("t={NOW},v1={stale},v1={valid}")), Ok(()));
    assert_eq!(check(BODY, &format!("t={NOW},v1={valid},v1={stale}")), Ok(()));
    assert_eq!(check(BODY, &format!("t={NOW},v1=not-hex,v1={valid}")), Ok(()));
    assert_eq!(
        check(BODY, &format!("t={NOW},v1={stale},v1={stale}")),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn items_may_come_in_any_order_with_spaces_and_v0_is_ignored() {
    let valid = v1_of(&sign(BODY, SECRET, NOW));
    let header = format!(" v0=deadbeef , v1={valid} ,  t={NOW} ,extra=1");
    assert_eq!(check(BODY, &header), Ok(()));
}

#[test]
fn v0_alone_does_not_count() {
    let valid = v1_of(&sign(BODY, SECRET, NOW));
    assert_eq!(
        check(BODY, &format!("t={NOW},v0={valid}")),
        Err(SignatureError::Malformed)
    );
}

#[test]
fn malformed_headers_are_refused() {
    let valid = v1_of(&sign(BODY, SECRET, NOW));
    for header in [
        String::new(),
        "garbage".to_owned(),
        format!("v1={valid}"),
        format!("t=,v1={valid}"),
        format!("t=soon,v1={valid}"),
        format!("t=-{NOW},v1={valid}"),
        format!("t=1.5,v1={valid}"),
        format!("t=99999999999999999999999,v1={valid}"),
        format!("t={NOW}"),
        format!("t={NOW},t={NOW},v1={valid}"),
    ] {
        assert_eq!(
            check(BODY, &header),
            Err(SignatureError::Malformed),
            "header {header:?}"
        );
    }
}

#[test]
fn an_empty_v1_is_a_mismatch_not_a_match() {
    assert_eq!(check(BODY, &format!("t={NOW},v1=")), Err(SignatureError::Mismatch));
}

#[test]
fn errors_name_no_secret() {
    for error in [
        SignatureError::MissingHeader,
        SignatureError::Malformed,
        SignatureError::Mismatch,
        SignatureError::TooOld,
    ] {
        let text = error.to_string();
        assert!(!text.is_empty());
        assert!(!text.contains("whsec"));
    }
}
