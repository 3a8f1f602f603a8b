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
pub enum RateLimitError {
    /// The limiter's backing store failed (Redis unreachable, say).
    #[error("the rate limiter is unavailable")]
    Unavailable(#[source] BoxError),
    /// The limiter holds as many keys as it may, none of them expired: a new key cannot be
    /// counted. Keys it already holds are still counted.
    #[error("the rate limiter is full ({capacity} keys)")]
    Full { capacity: usize },
}

/// How full a limiter with a bounded memory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimiterUsage {
    pub keys: usize,
    pub capacity: usize,
}

impl RateLimiterUsage {
    pub const fn is_full(&self) -> bool {
        self.keys >= self.capacity
    }
}

#[async_trait]
pub trait RateLimiter: Send + Sync + std::fmt::Debug {
    /// Counts one attempt under `key` and decides it: at most `limit` attempts are allowed in
    /// any `window`; a refused attempt is not counted. `retry_after` is when the oldest counted
    /// attempt leaves the window (at least one second). A key MUST be remembered for its own
    /// `window` after its last counted attempt, whatever happens to other keys.
    ///
    /// # Errors
    /// [`RateLimitError::Unavailable`] when the limiter's backing store fails, and
    /// [`RateLimitError::Full`] when a new key finds the limiter at its capacity; callers decide
    /// whether to fail open or closed (see `app::limits`).
    async fn check(&self, key: &str, limit: u32, window: Duration) -> Result<RateDecision, RateLimitError>;

    /// How many keys are held out of how many allowed; `None` for a limiter whose memory is
    /// someone else's to bound (Redis).
    fn usage(&self) -> Option<RateLimiterUsage> {
        None
    }

    /// `memory` or `redis`, for the health report: the limiter counting now.
    fn name(&self) -> &'static str;

    /// True while a limiter meant to be shared cannot reach its store and counts on this
    /// instance alone, so each instance allows the limit by itself.
    fn degraded(&self) -> bool {
        false
    }
}
