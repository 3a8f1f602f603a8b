//! TOTP against the RFC 6238 vectors, the acceptance window, replay, and the enrolment URI.

use chrono::{Duration, TimeZone};

use super::*;
use crate::testing::SeededRandom;

/// The SHA-1 seed of RFC 6238 Appendix B.
const RFC_SECRET: &[u8; 20] = b"12345678901234567890";

fn at(unix: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(unix, 0).unwrap()
}

fn rfc() -> TotpSecret {
    TotpSecret::from_bytes(*RFC_SECRET)
}

#[test]
fn codes_match_the_rfc_6238_sha1_test_vectors() {
    let eight_digits = Builder::new().with_digits(8).with_secret(*RFC_SECRET).build().unwrap();
    for (time, expected) in [
        (59, "94287082"),
        (1_111_111_109, "07081804"),
        (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"),
        (2_000_000_000, "69279037"),
        (20_000_000_000, "65353130"),
    ] {
        assert_eq!(eight_digits.generate(time).to_string(), expected, "at {time}");
        // Six-digit codes are the last six digits of the eight-digit ones.
        assert_eq!(
            rfc().code_at(at(time.cast_signed())).as_deref(),
            Some(&expected[2..]),
            "at {time}"
        );
    }
}

#[test]
fn the_current_code_verifies_and_returns_its_step() {
    let now = at(1_111_111_111);
    assert_eq!(rfc().verify("050471", now, None), Some(1_111_111_111 / 30));
    assert_eq!(rfc().verify("050 471", now, None), Some(1_111_111_111 / 30));
}

#[test]
fn codes_one_step_either_side_are_accepted_and_two_steps_are_not() {
    let secret = rfc();
    let now = at(1_234_567_890);
    let step = 1_234_567_890 / 30;
    let code = |offset: i64| secret.code_at(now + Duration::seconds(30 * offset)).unwrap();
    assert_eq!(secret.verify(&code(-1), now, None), Some(step - 1));
    assert_eq!(secret.verify(&code(1), now, None), Some(step + 1));
    assert_eq!(secret.verify(&code(-2), now, None), None);
    assert_eq!(secret.verify(&code(2), now, None), None);
}

#[test]
fn a_code_already_used_is_refused_and_so_is_an_older_one() {
    let secret = rfc();
    let now = at(1_234_567_890);
    let code = secret.code_at(now).unwrap();
    let step = secret.verify(&code, now, None).unwrap();
    assert_eq!(secret.verify(&code, now, Some(step)), None, "replay");
    let previous = secret.code_at(now - Duration::seconds(30)).unwrap();
    assert_eq!(
        secret.verify(&previous, now, Some(step)),
        None,
        "older than the last used"
    );
    let next = secret.code_at(now + Duration::seconds(30)).unwrap();
    assert_eq!(secret.verify(&next, now, Some(step)), Some(step + 1));
}

#[test]
fn wrong_and_malformed_codes_are_refused() {
    let now = at(1_111_111_111);
    for bad in [
        "050472",
        "",
        "05047",
        "0504711",
        "abcdef",
        "05047a",
        "-50471",
        "０５０４７１",
    ] {
        assert_eq!(rfc().verify(bad, now, None), None, "{bad:?}");
    }
    assert_eq!(rfc().verify("050471", at(-30), None), None, "before the epoch");
}

#[test]
fn the_secret_in_base32_follows_rfc_4648() {
    assert_eq!(rfc().to_base32(), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

#[test]
fn the_enrolment_uri_names_the_service_and_the_account() {
    let email = Email::parse("ops+admin@example.co.uk").unwrap();
    let uri = rfc().provisioning_uri(&email);
    assert_eq!(
        uri,
        "otpauth://totp/Compliance%20Vault:ops%2Badmin%40example.co.uk\
         ?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Compliance%20Vault"
    );
    // Read back as an authenticator app reads it: SHA-1, 6 digits and 30 s are the defaults.
    let read = Totp::from_url(&uri).unwrap();
    assert_eq!(
        (read.issuer(), read.account_name(), read.digits(), read.step()),
        (Some("Compliance Vault"), "ops+admin@example.co.uk", 6, 30)
    );
    assert_eq!(read.generate(1_111_111_111).to_string(), "050471");
}

#[test]
fn generated_secrets_are_20_bytes_differ_and_are_never_printed() {
    let rng = SeededRandom::new(1);
    let first = TotpSecret::generate(&rng);
    let second = TotpSecret::generate(&rng);
    assert_ne!(first, second);
    assert_eq!(first.expose().len(), 20);
    assert_eq!(first.to_base32().len(), 32);
    assert_eq!(format!("{first:?}"), "TotpSecret([REDACTED])");
}
