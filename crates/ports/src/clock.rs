//! Time comes in through a port so every rule can be tested at any date.

use chrono::{DateTime, Utc};

/// The source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;
}
