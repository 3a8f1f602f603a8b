//! The system clock.

use chrono::{DateTime, Utc};

/// The real time.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl ports::Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
