//! Counting an attempt against a rate limit, and what a failing or full limiter means for it.
//! Every use case that limits goes through [`count`], so the policy is written once.

use std::time::Duration;

use ports::{RateDecision, RateLimitError, RateLimiter};

/// What a full limiter (no room for a new key) means for a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenFull {
    /// A security limit (sign-in, password links, second factor, audit of refusals): a key that
    /// cannot be counted is refused, or an attacker could flood the limiter to escape it.
    Refuse,
    /// A limit that only spreads load (intake, uploads): the attempt goes on uncounted.
    Allow,
}

/// One limit: at most `attempts` in any `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Names the limit in logs.
    pub name: &'static str,
    pub attempts: u32,
    pub window: Duration,
    pub when_full: WhenFull,
}

/// How long a caller refused by a full limiter is told to wait.
pub const FULL_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Counts one attempt under `key`. `Err(retry_after)` when the attempt is refused.
///
/// An unavailable limiter (Redis down) lets the attempt through, logged: Argon2id, tokens'
/// single use and the database's constraints still hold, and refusing everyone would be an
/// outage of its own.
///
/// # Errors
/// The time after which the caller may try again.
pub async fn count(limiter: &(impl RateLimiter + ?Sized), key: &str, limit: Limit) -> Result<(), Duration> {
    match limiter.check(key, limit.attempts, limit.window).await {
        Ok(RateDecision::Allowed { .. }) => Ok(()),
        Ok(RateDecision::Limited { retry_after }) => Err(retry_after),
        Err(RateLimitError::Full { capacity }) => match limit.when_full {
            WhenFull::Refuse => {
                tracing::warn!(limit = limit.name, capacity, "rate limiter full; refusing a new key");
                Err(FULL_RETRY_AFTER)
            }
            WhenFull::Allow => Ok(()),
        },
        Err(error @ RateLimitError::Unavailable(_)) => {
            tracing::error!(limit = limit.name, error = ?error, "rate limiter failed; allowing the attempt");
            Ok(())
        }
    }
}
