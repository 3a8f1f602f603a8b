//! The in-memory rate limiter of the embedded default: exact sliding windows, one instance only.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use ports::{RateDecision, RateLimitError, RateLimiter};

/// Remembers the instants of allowed attempts per key; refused attempts are not counted.
#[derive(Debug, Default)]
pub struct InMemoryRateLimiter {
    attempts: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Above this many keys, idle ones are dropped so memory stays bounded under a flood of keys.
const PRUNE_ABOVE: usize = 10_000;

#[async_trait]
impl RateLimiter for InMemoryRateLimiter {
    async fn check(&self, key: &str, limit: u32, window: Duration) -> Result<RateDecision, RateLimitError> {
        let now = Instant::now();
        let mut attempts = self
            .attempts
            .lock()
            .map_err(|_| RateLimitError("rate limiter lock poisoned".into()))?;
        if attempts.len() > PRUNE_ABOVE {
            attempts.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < window));
        }
        let times = attempts.entry(key.to_owned()).or_default();
        while times.front().is_some_and(|first| now.duration_since(*first) >= window) {
            times.pop_front();
        }
        let used = u32::try_from(times.len()).unwrap_or(u32::MAX);
        if used >= limit {
            let oldest = times.front().copied().unwrap_or(now);
            let retry_after = window
                .saturating_sub(now.duration_since(oldest))
                .max(Duration::from_secs(1));
            return Ok(RateDecision::Limited { retry_after });
        }
        times.push_back(now);
        Ok(RateDecision::Allowed {
            remaining: limit - used - 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::InMemoryRateLimiter;

    testkit::rate_limiter_conformance_tests!(async { Some(InMemoryRateLimiter::default()) });
}
