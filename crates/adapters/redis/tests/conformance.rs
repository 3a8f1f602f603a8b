//! The Redis rate limiter passes the same conformance suite as the in-memory one, against the
//! Redis at `TEST_REDIS_URL` (skipped, saying so, when that is unset).

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

async fn limiter() -> Option<adapter_redis::RedisRateLimiter> {
    let url = testkit::services::service_url("TEST_REDIS_URL")?;
    Some(
        adapter_redis::RedisRateLimiter::connect(&url, "compliance-vault-test:")
            .await
            .unwrap_or_else(|e| panic!("connect to {url}: {e:?}")),
    )
}

testkit::rate_limiter_conformance_tests!(needs has_redis, "needs TEST_REDIS_URL", limiter());
