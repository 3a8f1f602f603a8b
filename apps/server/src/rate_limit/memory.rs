//! The in-memory rate limiter of the embedded default: exact sliding windows, one instance only.
//! Its memory is bounded by a number of keys; a key is forgotten only once its own window has
//! passed, never because other keys came and went.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use ports::{RateDecision, RateLimitError, RateLimiter, RateLimiterUsage};

/// The capacity when none is configured (`RATE_LIMIT_CAPACITY`).
pub const DEFAULT_CAPACITY: usize = 1_000_000;

/// How often expired keys are swept out while there is room, so memory comes back after a flood.
const SWEEP_EVERY: Duration = Duration::from_secs(60);
/// At capacity, how often a new key may trigger a sweep: a sweep walks every key, so a flood of
/// new keys against a full limiter must not buy one each.
const SWEEP_WHEN_FULL_EVERY: Duration = Duration::from_secs(1);
/// How often a full limiter says so in the log.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// Remembers the instants of allowed attempts per key, with the key's window; refused attempts
/// are not counted.
#[derive(Debug)]
pub struct InMemoryRateLimiter {
    capacity: usize,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    keys: HashMap<String, Attempts>,
    last_sweep: Instant,
    last_warning: Option<Instant>,
}

#[derive(Debug)]
struct Attempts {
    window: Duration,
    times: VecDeque<Instant>,
}

impl Attempts {
    fn expired(&self, now: Instant) -> bool {
        self.times
            .back()
            .is_none_or(|last| now.duration_since(*last) >= self.window)
    }
}

impl Default for InMemoryRateLimiter {
    fn default() -> Self {
        Self::with_capacity(DEFAULT_CAPACITY)
    }
}

impl InMemoryRateLimiter {
    /// A limiter holding at most `capacity` keys (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            state: Mutex::new(State {
                keys: HashMap::new(),
                last_sweep: Instant::now(),
                last_warning: None,
            }),
        }
    }
}

impl State {
    fn sweep(&mut self, now: Instant) {
        self.keys.retain(|_, attempts| !attempts.expired(now));
        self.last_sweep = now;
    }

    /// Makes room for one new key if an expired one can go; false when every key is live.
    fn make_room(&mut self, now: Instant, capacity: usize) -> bool {
        if self.keys.len() < capacity {
            return true;
        }
        if now.duration_since(self.last_sweep) >= SWEEP_WHEN_FULL_EVERY {
            self.sweep(now);
        }
        if self.keys.len() < capacity {
            return true;
        }
        if self.last_warning.is_none_or(|at| now.duration_since(at) >= WARN_EVERY) {
            self.last_warning = Some(now);
            tracing::warn!(
                capacity,
                "the in-memory rate limiter is full: new sign-in, link and second-factor keys are refused \
                 until keys expire; raise RATE_LIMIT_CAPACITY or share limits through Redis (REDIS_URL)"
            );
        }
        false
    }
}

#[async_trait]
impl RateLimiter for InMemoryRateLimiter {
    async fn check(&self, key: &str, limit: u32, window: Duration) -> Result<RateDecision, RateLimitError> {
        let now = Instant::now();
        let mut state = self
            .state
            .lock()
            .map_err(|_| RateLimitError::Unavailable("rate limiter lock poisoned".into()))?;
        if now.duration_since(state.last_sweep) >= SWEEP_EVERY {
            state.sweep(now);
        }
        if !state.keys.contains_key(key) && !state.make_room(now, self.capacity) {
            return Err(RateLimitError::Full {
                capacity: self.capacity,
            });
        }
        let attempts = state.keys.entry(key.to_owned()).or_insert_with(|| Attempts {
            window,
            times: VecDeque::new(),
        });
        attempts.window = window;
        while attempts
            .times
            .front()
            .is_some_and(|first| now.duration_since(*first) >= window)
        {
            attempts.times.pop_front();
        }
        let used = u32::try_from(attempts.times.len()).unwrap_or(u32::MAX);
        if used >= limit {
            let oldest = attempts.times.front().copied().unwrap_or(now);
            let retry_after = window
                .saturating_sub(now.duration_since(oldest))
                .max(Duration::from_secs(1));
            return Ok(RateDecision::Limited { retry_after });
        }
        attempts.times.push_back(now);
        Ok(RateDecision::Allowed {
            remaining: limit - used - 1,
        })
    }

    fn usage(&self) -> Option<RateLimiterUsage> {
        let keys = self.state.lock().map_or(self.capacity, |state| state.keys.len());
        Some(RateLimiterUsage {
            keys,
            capacity: self.capacity,
        })
    }

    fn name(&self) -> &'static str {
        "memory"
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ports::{RateDecision, RateLimitError, RateLimiter};

    use super::InMemoryRateLimiter;

    testkit::rate_limiter_conformance_tests!(async { Some(InMemoryRateLimiter::default()) });

    const MINUTE: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn at_capacity_a_new_key_is_refused_as_full_while_known_keys_are_still_counted() {
        let limiter = InMemoryRateLimiter::with_capacity(3);
        for key in ["a", "b", "c"] {
            limiter.check(key, 2, MINUTE).await.unwrap();
        }
        assert!(matches!(
            limiter.check("d", 2, MINUTE).await,
            Err(RateLimitError::Full { capacity: 3 })
        ));
        assert_eq!(
            limiter.check("a", 2, MINUTE).await.unwrap(),
            RateDecision::Allowed { remaining: 0 }
        );
        assert!(matches!(
            limiter.check("a", 2, MINUTE).await.unwrap(),
            RateDecision::Limited { .. }
        ));
        let usage = limiter.usage().unwrap();
        assert!(usage.is_full(), "{usage:?}");
    }

    #[tokio::test]
    async fn at_capacity_expired_keys_are_evicted_first_and_live_ones_kept() {
        let limiter = InMemoryRateLimiter::with_capacity(3);
        limiter.check("long", 1, MINUTE).await.unwrap();
        limiter.check("short-1", 1, Duration::from_millis(100)).await.unwrap();
        limiter.check("short-2", 1, Duration::from_millis(100)).await.unwrap();
        // Past the short windows and past the pause between sweeps of a full limiter.
        tokio::time::sleep(Duration::from_millis(1_100)).await;
        assert_eq!(
            limiter.check("new", 1, MINUTE).await.unwrap(),
            RateDecision::Allowed { remaining: 0 }
        );
        assert!(
            matches!(
                limiter.check("long", 1, MINUTE).await.unwrap(),
                RateDecision::Limited { .. }
            ),
            "the live long window was evicted"
        );
        assert_eq!(limiter.usage().unwrap().keys, 2);
    }
}
