//! What a run is for: a day (the daily job) or a month (the monthly digest), written as the run
//! records it, `2026-12-01` or `2026-12`.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use domain::JobKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day(NaiveDate),
    Month { year: i32, month: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("`{0}` is not a date written YYYY-MM-DD")]
    Day(String),
    #[error("`{0}` is not a month written YYYY-MM")]
    Month(String),
}

impl Period {
    /// # Errors
    /// [`PeriodError::Day`] unless `text` is `YYYY-MM-DD`.
    pub fn day(text: &str) -> Result<Self, PeriodError> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Self::Day)
            .map_err(|_| PeriodError::Day(shown(text)))
    }

    /// # Errors
    /// [`PeriodError::Month`] unless `text` is `YYYY-MM`.
    pub fn month(text: &str) -> Result<Self, PeriodError> {
        let text = text.trim();
        NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
            .ok()
            .filter(|_| text.len() == 7)
            .map(Self::month_of)
            .ok_or_else(|| PeriodError::Month(shown(text)))
    }

    /// The month `day` falls in.
    pub fn month_of(day: NaiveDate) -> Self {
        Self::Month {
            year: day.year(),
            month: day.month(),
        }
    }

    pub const fn job(&self) -> JobKind {
        match self {
            Self::Day(_) => JobKind::Daily,
            Self::Month { .. } => JobKind::Monthly,
        }
    }

    /// The day the run evaluates as of: the day itself, or the first of the month.
    pub fn first_day(&self) -> NaiveDate {
        match *self {
            Self::Day(day) => day,
            Self::Month { year, month } => NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN),
        }
    }

    /// The last day of the period.
    pub fn last_day(&self) -> NaiveDate {
        match *self {
            Self::Day(day) => day,
            Self::Month { .. } => {
                let first = self.first_day();
                first
                    .checked_add_months(chrono::Months::new(1))
                    .and_then(|next| next.pred_opt())
                    .unwrap_or(first)
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Day(day) => write!(f, "{day}"),
            Self::Month { year, month } => write!(f, "{year:04}-{month:02}"),
        }
    }
}

fn shown(text: &str) -> String {
    text.chars().take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_months_read_and_print_as_the_runs_record_them() {
        assert_eq!(Period::day("2026-12-01").unwrap().to_string(), "2026-12-01");
        let december = Period::month("2026-12").unwrap();
        assert_eq!(december.to_string(), "2026-12");
        assert_eq!(december.first_day(), NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(december.last_day(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!(
            Period::month("2028-02").unwrap().last_day(),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap()
        );
        for bad in ["2026-13", "2026-1", "2026-12-01", "december"] {
            assert!(Period::month(bad).is_err(), "{bad}");
        }
        for bad in ["2026-02-30", "01/12/2026", "2026-12"] {
            assert!(Period::day(bad).is_err(), "{bad}");
        }
    }
}
