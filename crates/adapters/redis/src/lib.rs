//! The `RateLimiter` port on Redis: one sliding window per key, shared by every server instance
//! that uses the same Redis. The whole decision is one Lua script, so it is atomic, and it reads
//! Redis's own clock, so instances with skewed clocks still agree.

use std::time::Duration;

use async_trait::async_trait;
use ports::{RateDecision, RateLimitError, RateLimiter};
use redis::Script;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// Counts allowed attempts in a sorted set scored by time (milliseconds). Refused attempts are
/// not added, matching the port's contract. Returns {1, remaining} or {0, retry_after_ms}.
const SLIDING_WINDOW: &str = r"
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local retry = window
  if oldest[2] then retry = window - (now - tonumber(oldest[2])) end
  return {0, retry}
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return {1, limit - used - 1}
";

#[derive(Clone)]
pub struct RedisRateLimiter {
    connection: ConnectionManager,
    script: Script,
    /// Starts every key, so several deployments (or tests) can share one Redis.
    key_prefix: String,
}

impl std::fmt::Debug for RedisRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisRateLimiter")
            .field("key_prefix", &self.key_prefix)
            .finish_non_exhaustive()
    }
}

impl RedisRateLimiter {
    /// Connects to `url` (`redis://host:port`); the connection reconnects by itself afterwards.
    /// Keys are written as `{key_prefix}rate:{key}`.
    ///
    /// # Errors
    /// [`RateLimitError`] when the URL is malformed or Redis cannot be reached now.
    pub async fn connect(url: &str, key_prefix: &str) -> Result<Self, RateLimitError> {
        let client = redis::Client::open(url).map_err(|e| RateLimitError::Unavailable(e.into()))?;
        // Fail fast rather than queue behind reconnection attempts: the server counts on its own
        // memory while Redis is away and tries again soon after.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_millis(500)))
            .set_response_timeout(Some(Duration::from_millis(500)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_secs(1));
        let connection = ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| RateLimitError::Unavailable(e.into()))?;
        Ok(Self {
            connection,
            script: Script::new(SLIDING_WINDOW),
            key_prefix: format!("{key_prefix}rate:"),
        })
    }
}

#[async_trait]
impl RateLimiter for RedisRateLimiter {
    async fn check(&self, key: &str, limit: u32, window: Duration) -> Result<RateDecision, RateLimitError> {
        let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        let mut connection = self.connection.clone();
        let (allowed, value): (i64, i64) = self
            .script
            .key(format!("{}{key}", self.key_prefix))
            .arg(limit)
            .arg(window_ms)
            .arg(uuid::Uuid::new_v4().simple().to_string())
            .invoke_async(&mut connection)
            .await
            .map_err(|e| RateLimitError::Unavailable(e.into()))?;
        let value = u64::try_from(value).unwrap_or_default();
        Ok(if allowed == 1 {
            RateDecision::Allowed {
                remaining: u32::try_from(value).unwrap_or(u32::MAX),
            }
        } else {
            // Round up: retrying after a truncated interval would be refused again.
            let seconds = value.div_ceil(1000).max(1);
            RateDecision::Limited {
                retry_after: Duration::from_secs(seconds),
            }
        })
    }

    fn name(&self) -> &'static str {
        "redis"
    }
}
