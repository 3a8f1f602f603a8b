//! Time comes in through a port so every rule can be tested at any date.

use chrono::{DateTime, NaiveDate, Utc};

/// The source of the current time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in the UK (Europe/London) by this clock.
    fn today(&self) -> NaiveDate {
        domain::uk_date(self.now())
    }
}
