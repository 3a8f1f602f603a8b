//! The rate limiter conformance suite: the same answers from memory and from Redis.

use std::time::Duration;

use ports::{RateDecision, RateLimiter};
use uuid::Uuid;

/// Generates one `#[tokio::test]` per check. `$make` is an expression giving a future of
/// `Option<impl RateLimiter>`; `None` means the backend is not configured (skip).
#[macro_export]
macro_rules! rate_limiter_conformance_tests {
    (needs $cfg:ident, $why:literal, $make:expr) => {
        $crate::rate_limiter_conformance_tests!(@with [cfg_attr(not($cfg), ignore = $why)] $make);
    };
    (@with $attr:tt $make:expr) => {
        $crate::rate_limiter_conformance_tests!(@each $attr $make;
            the_limit_is_allowed_and_the_next_attempt_refused,
            keys_are_counted_apart,
            the_window_reopens_once_it_has_passed,
            a_long_window_outlives_a_flood_of_short_lived_keys,
        );
    };
    (@each $attr:tt $make:expr; $($check:ident),+ $(,)?) => {
        $(
            #[tokio::test]
            #$attr
            async fn $check() {
                let Some(limiter) = $make.await else { return };
                $crate::conformance::rate_limiter::$check(&limiter).await;
            }
        )+
    };
    ($make:expr) => {
        $crate::rate_limiter_conformance_tests!(@with [cfg(all())] $make);
    };
}

fn key() -> String {
    format!("test:{}", Uuid::new_v4().simple())
}

pub async fn the_limit_is_allowed_and_the_next_attempt_refused(limiter: &impl RateLimiter) {
    let key = key();
    let window = Duration::from_secs(60);
    for expected_remaining in (0..3).rev() {
        let decision = limiter.check(&key, 3, window).await.unwrap();
        assert_eq!(
            decision,
            RateDecision::Allowed {
                remaining: expected_remaining
            }
        );
    }
    match limiter.check(&key, 3, window).await.unwrap() {
        RateDecision::Limited { retry_after } => {
            assert!(
                retry_after >= Duration::from_secs(1) && retry_after <= window,
                "retry after {retry_after:?}"
            );
        }
        other => panic!("the fourth attempt should be refused, got {other:?}"),
    }
}

pub async fn keys_are_counted_apart(limiter: &impl RateLimiter) {
    let (a, b) = (key(), key());
    let window = Duration::from_secs(60);
    limiter.check(&a, 1, window).await.unwrap();
    assert!(matches!(
        limiter.check(&a, 1, window).await.unwrap(),
        RateDecision::Limited { .. }
    ));
    assert_eq!(
        limiter.check(&b, 1, window).await.unwrap(),
        RateDecision::Allowed { remaining: 0 }
    );
}

pub async fn the_window_reopens_once_it_has_passed(limiter: &impl RateLimiter) {
    let key = key();
    let window = Duration::from_millis(1_200);
    limiter.check(&key, 1, window).await.unwrap();
    assert!(matches!(
        limiter.check(&key, 1, window).await.unwrap(),
        RateDecision::Limited { .. }
    ));
    tokio::time::sleep(window + Duration::from_millis(200)).await;
    assert_eq!(
        limiter.check(&key, 1, window).await.unwrap(),
        RateDecision::Allowed { remaining: 0 }
    );
}

/// A key is forgotten by its own window only: 10,050 short-lived keys coming and going (a flood
/// of forgot-password requests from distinct addresses, say) must not reopen a 15-minute
/// sign-in limit or an hour's link limit.
pub async fn a_long_window_outlives_a_flood_of_short_lived_keys(limiter: &impl RateLimiter) {
    let long = key();
    let long_window = Duration::from_secs(15 * 60);
    limiter.check(&long, 1, long_window).await.unwrap();
    let short_window = Duration::from_millis(50);
    let flood = key();
    for i in 0..10_050 {
        limiter.check(&format!("{flood}:{i}"), 1, short_window).await.unwrap();
    }
    tokio::time::sleep(short_window * 2).await;
    limiter.check(&format!("{flood}:last"), 1, short_window).await.unwrap();
    assert!(
        matches!(
            limiter.check(&long, 1, long_window).await.unwrap(),
            RateDecision::Limited { .. }
        ),
        "the long window was forgotten"
    );
}
