//! The bounds that keep one instance's resources in check: rate limiter memory, concurrent
//! password hashes, and what one client may upload.

use super::{ConfigError, invalid};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Keys the in-memory rate limiter may hold (`RATE_LIMIT_CAPACITY`).
    pub rate_limit_capacity: usize,
    /// Password hashes at once (`PASSWORD_HASH_CONCURRENCY`, default one per core).
    pub password_hash_concurrency: usize,
    /// Password checks that may wait for a turn; beyond them the answer is 503.
    pub password_hash_queue: usize,
    /// Bytes of evidence one client may keep (`UPLOAD_QUOTA_BYTES`).
    pub upload_quota_bytes: u64,
    /// Uploads one user may make in an hour (`UPLOADS_PER_USER_PER_HOUR`).
    pub uploads_per_user_per_hour: u32,
}

impl LimitSettings {
    pub(super) fn from_lookup(
        var: &impl Fn(&str) -> Option<String>,
        number: &impl Fn(&'static str, u32) -> Result<u32, ConfigError>,
    ) -> Result<Self, ConfigError> {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        let cores = u32::try_from(cores).unwrap_or(u32::MAX);
        let concurrency = number("PASSWORD_HASH_CONCURRENCY", cores)?.max(1);
        let quota = match var("UPLOAD_QUOTA_BYTES") {
            None => 2_000_000_000,
            Some(v) => v
                .trim()
                .parse::<u64>()
                .map_err(|e| invalid("UPLOAD_QUOTA_BYTES", format!("not a number: {e}")))?,
        };
        Ok(Self {
            rate_limit_capacity: usize_from(number("RATE_LIMIT_CAPACITY", 1_000_000)?.max(1)),
            password_hash_concurrency: usize_from(concurrency),
            password_hash_queue: usize_from(number("PASSWORD_HASH_QUEUE", concurrency.saturating_mul(8))?),
            upload_quota_bytes: quota,
            uploads_per_user_per_hour: number("UPLOADS_PER_USER_PER_HOUR", 100)?.max(1),
        })
    }
}

fn usize_from(n: u32) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}
