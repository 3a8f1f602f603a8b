//! Limits shared through Redis that still hold while Redis is away. When the shared limiter fails
//! or is slow, this instance counts on its own in-memory limiter, says so once in the log and in
//! health (`rate_limiter.degraded`), and tries the shared one again at most once a second; the
//! first answer from it puts every request back on it, said once in the log too.
//!
//! While degraded, N instances allow up to N times a limit between them: weaker than shared, far
//! stronger than no limit at all (the earlier behaviour).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use ports::{RateDecision, RateLimitError, RateLimiter, RateLimiterUsage};

use super::InMemoryRateLimiter;

/// How long a request waits for the shared limiter before counting on this instance instead.
pub const SHARED_TIMEOUT: Duration = Duration::from_millis(250);
/// While degraded, how often one request tries the shared limiter again.
pub const PROBE_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub struct FallbackRateLimiter<S> {
    shared: S,
    local: InMemoryRateLimiter,
    started: Instant,
    /// While degraded, the instant (milliseconds after `started`, at least 1) from which the next
    /// request tries the shared limiter; 0 while the shared limiter answers.
    probe_at: AtomicU64,
}

impl<S: RateLimiter> FallbackRateLimiter<S> {
    /// `shared` while it answers, else `local`.
    pub fn new(shared: S, local: InMemoryRateLimiter) -> Self {
        Self {
            shared,
            local,
            started: Instant::now(),
            probe_at: AtomicU64::new(0),
        }
    }

    /// Milliseconds since `started`, plus one so that it is never 0.
    fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis())
            .unwrap_or(u64::MAX - 1)
            .saturating_add(1)
    }

    fn probe_ms() -> u64 {
        u64::try_from(PROBE_EVERY.as_millis()).unwrap_or(u64::MAX)
    }

    /// Whether this request goes to the shared limiter: always while it answers; while degraded,
    /// one request per [`PROBE_EVERY`].
    fn try_shared(&self) -> bool {
        let probe_at = self.probe_at.load(Ordering::Acquire);
        if probe_at == 0 {
            return true;
        }
        let now = self.now_ms();
        now >= probe_at
            && self
                .probe_at
                .compare_exchange(probe_at, now + Self::probe_ms(), Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    fn shared_failed(&self, error: &dyn std::fmt::Display) {
        let previous = self.probe_at.swap(self.now_ms() + Self::probe_ms(), Ordering::AcqRel);
        if previous == 0 {
            tracing::error!(
                error = %error,
                shared = self.shared.name(),
                "the shared rate limiter is unreachable: limits are counted by this instance alone until it answers"
            );
        }
    }

    fn shared_answered(&self) {
        if self.probe_at.swap(0, Ordering::AcqRel) != 0 {
            tracing::warn!(
                shared = self.shared.name(),
                "the shared rate limiter answers again: limits are shared again"
            );
        }
    }
}

#[async_trait]
impl<S: RateLimiter> RateLimiter for FallbackRateLimiter<S> {
    async fn check(&self, key: &str, limit: u32, window: Duration) -> Result<RateDecision, RateLimitError> {
        if self.try_shared() {
            match tokio::time::timeout(SHARED_TIMEOUT, self.shared.check(key, limit, window)).await {
                Ok(Err(RateLimitError::Unavailable(error))) => self.shared_failed(&error),
                Err(elapsed) => self.shared_failed(&elapsed),
                Ok(answer) => {
                    self.shared_answered();
                    return answer;
                }
            }
        }
        self.local.check(key, limit, window).await
    }

    fn usage(&self) -> Option<RateLimiterUsage> {
        if self.degraded() {
            self.local.usage()
        } else {
            self.shared.usage()
        }
    }

    fn name(&self) -> &'static str {
        if self.degraded() {
            self.local.name()
        } else {
            self.shared.name()
        }
    }

    fn degraded(&self) -> bool {
        self.probe_at.load(Ordering::Acquire) != 0
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::*;

    /// A shared limiter that allows everything while up and fails while down.
    #[derive(Debug, Default)]
    struct Switch {
        down: AtomicBool,
        calls: AtomicU64,
    }

    #[async_trait]
    impl RateLimiter for &'static Switch {
        async fn check(&self, _: &str, _: u32, _: Duration) -> Result<RateDecision, RateLimitError> {
            self.calls.fetch_add(1, Ordering::Relaxed);
            if self.down.load(Ordering::Relaxed) {
                Err(RateLimitError::Unavailable("connection refused".into()))
            } else {
                Ok(RateDecision::Allowed { remaining: 99 })
            }
        }

        fn name(&self) -> &'static str {
            "redis"
        }
    }

    fn limiter() -> (&'static Switch, FallbackRateLimiter<&'static Switch>) {
        let switch: &'static Switch = Box::leak(Box::default());
        (
            switch,
            FallbackRateLimiter::new(switch, InMemoryRateLimiter::with_capacity(100)),
        )
    }

    const WINDOW: Duration = Duration::from_secs(60);

    #[tokio::test]
    async fn while_the_shared_limiter_is_down_this_instance_still_limits() {
        let (switch, limiter) = limiter();
        assert_eq!(limiter.name(), "redis");
        switch.down.store(true, Ordering::Relaxed);
        for _ in 0..3 {
            assert!(matches!(
                limiter.check("k", 3, WINDOW).await,
                Ok(RateDecision::Allowed { .. })
            ));
        }
        assert!(matches!(
            limiter.check("k", 3, WINDOW).await,
            Ok(RateDecision::Limited { .. })
        ));
        assert!(limiter.degraded());
        assert_eq!(limiter.name(), "memory");
        assert_eq!(limiter.usage().map(|u| u.keys), Some(1));
        // One try on the shared limiter; the rest waited for the next probe.
        assert_eq!(switch.calls.load(Ordering::Relaxed), 1);
    }

    #[tokio::test]
    async fn a_probe_a_second_finds_the_shared_limiter_back() {
        let (switch, limiter) = limiter();
        switch.down.store(true, Ordering::Relaxed);
        limiter.check("k", 10, WINDOW).await.unwrap();
        switch.down.store(false, Ordering::Relaxed);
        limiter.check("k", 10, WINDOW).await.unwrap();
        assert!(limiter.degraded(), "no probe before a second has passed");
        assert_eq!(switch.calls.load(Ordering::Relaxed), 1);
        std::thread::sleep(PROBE_EVERY);
        assert_eq!(
            limiter.check("k", 10, WINDOW).await.unwrap(),
            RateDecision::Allowed { remaining: 99 }
        );
        assert!(!limiter.degraded());
        assert_eq!(limiter.name(), "redis");
        assert_eq!(switch.calls.load(Ordering::Relaxed), 2);
    }

    /// A shared limiter that never answers.
    #[derive(Debug)]
    struct Hung;

    #[async_trait]
    impl RateLimiter for Hung {
        async fn check(&self, _: &str, _: u32, _: Duration) -> Result<RateDecision, RateLimitError> {
            std::future::pending().await
        }

        fn name(&self) -> &'static str {
            "redis"
        }
    }

    #[tokio::test]
    async fn a_shared_limiter_that_hangs_is_left_after_its_timeout() {
        let limiter = FallbackRateLimiter::new(Hung, InMemoryRateLimiter::with_capacity(100));
        let answer = limiter.check("k", 1, WINDOW).await;
        assert!(matches!(answer, Ok(RateDecision::Allowed { .. })));
        assert!(limiter.degraded());
    }
}
