//! The rate limiters the server wires: in memory for one instance, and Redis shared by several
//! with this instance's own memory standing in while Redis is away.

mod fallback;
mod memory;

pub use fallback::FallbackRateLimiter;
pub use memory::{DEFAULT_CAPACITY, InMemoryRateLimiter};
