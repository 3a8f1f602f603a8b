//! Rate limiting as a port: in memory for one instance, Redis for several.

use std::time::Duration;

use async_trait::async_trait;

use crate::BoxError;

/// The answer to one counted attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed { remaining: u32 },
    Limited { retry_after: Duration },
}

#[derive(Debug, thiserror::Error)]
#[error("the rate limiter is unavailable")]
pub struct RateLimitError(#[source] pub BoxError);

#[async_trait]
pub trait RateLimiter: Send + Sync + std::fmt::Debug {
    /// Counts one attempt under `key` and decides it: at most `limit` attempts are allowed in
    /// any `window`; a refused attempt is not counted. `retry_after` is when the oldest counted
    /// attempt leaves the window (at least one second).
    ///
    /// # Errors
    /// [`RateLimitError`] when the limiter's backing store fails; callers decide whether to
    /// fail open or closed.
    async fn check(&self, key: &str, limit: u32, window: Duration) -> Result<RateDecision, RateLimitError>;
}
