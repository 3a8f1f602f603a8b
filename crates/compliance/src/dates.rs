//! Calendar arithmetic and the strict date parsing of the engine's JSON. Never reads the clock.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer};

/// `date` plus whole calendar months, clamped to the month's end as the regulations count:
/// 31 January + 1 month = 28 (or 29) February; 29 February + 12 months = 28 February.
/// Saturates at chrono's last date instead of failing, which no real document reaches.
/// Gives the same dates as chrono's `checked_add_months` (a unit test compares them).
pub fn add_months(date: NaiveDate, months: u32) -> NaiveDate {
    Ymd::from(date)
        .add_months(months.try_into().unwrap_or(i32::MAX))
        .to_date()
}

/// `date` minus whole calendar months, clamped to the month's end like [`add_months`].
pub fn sub_months(date: NaiveDate, months: u32) -> NaiveDate {
    Ymd::from(date)
        .add_months(-months.try_into().unwrap_or(i32::MAX))
        .to_date()
}

/// A calendar date as year, month and day, for month arithmetic. chrono stores a date as a
/// year and day of the year, so every month step would decode and re-encode it; the gas chain
/// steps months for every check, so it works in this form and converts back once at the end.
/// Packed as `year * 512 + month * 32 + day` so that comparing two is one integer comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ymd(i64);

impl From<NaiveDate> for Ymd {
    fn from(date: NaiveDate) -> Self {
        Self::pack(i64::from(date.year()), date.month(), date.day())
    }
}

impl Ymd {
    const fn pack(year: i64, month: u32, day: u32) -> Self {
        Self(year * 512 + (month as i64) * 32 + day as i64)
    }

    const fn year(self) -> i64 {
        self.0 >> 9
    }

    const fn month(self) -> u32 {
        ((self.0 >> 5) & 15) as u32
    }

    const fn day(self) -> u32 {
        (self.0 & 31) as u32
    }

    /// Whole calendar months later (earlier when negative), clamped to the month's end.
    pub(crate) fn add_months(self, months: i32) -> Self {
        // Plain division: the rules step by small whole numbers of months, and this avoids the
        // sign fix-ups of `div_euclid` on the gas chain's hot path.
        let mut year = self.year() + i64::from(months / 12);
        let mut month = i64::from(self.month()) + i64::from(months % 12);
        if month > 12 {
            month -= 12;
            year += 1;
        } else if month < 1 {
            month += 12;
            year -= 1;
        }
        let month = month as u32;
        // Every month has 28 days, so most dates need no clamping and no leap-year test.
        let day = match self.day() {
            day @ ..=28 => day,
            day => day.min(days_in_month(year, month)),
        };
        Self::pack(year, month, day)
    }

    /// Back to a chrono date, saturating beyond chrono's range.
    pub(crate) fn to_date(self) -> NaiveDate {
        i32::try_from(self.year())
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, self.month(), self.day()))
            .unwrap_or(if self.0 < 0 { NaiveDate::MIN } else { NaiveDate::MAX })
    }
}

const fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Whole days from `from` to `to`: positive when `to` is later.
pub(crate) fn days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    i64::from(to.num_days_from_ce()) - i64::from(from.num_days_from_ce())
}

/// Parses `YYYY-MM-DD` exactly, so `2025-1-5` or a timestamp is refused rather than guessed.
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

fn bad_date<E: serde::de::Error>(text: &str) -> E {
    // Escaped and shortened so the message stays on one line whatever the input held.
    let shown: String = text.chars().take(40).flat_map(char::escape_debug).collect();
    E::custom(format_args!("`{shown}` is not a valid date (expected YYYY-MM-DD)"))
}

/// Serde `deserialize_with` for a required date.
pub(crate) fn de_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_date(&text).ok_or_else(|| bad_date(&text))
}

/// Serde `deserialize_with` for an optional date (`null` or absent is `None`).
pub(crate) fn de_opt_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_date(&text).map(Some).ok_or_else(|| bad_date(&text)),
    }
}

/// Accepts exactly what [`de_date`] accepts, for checking one JSON value on its own when the
/// `check` module looks for the field an error came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValidDate;

impl<'de> Deserialize<'de> for ValidDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de_date(deserializer).map(|_| ValidDate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn thirty_first_of_january_plus_one_month_is_the_end_of_february() {
        assert_eq!(add_months(d(2025, 1, 31), 1), d(2025, 2, 28));
        assert_eq!(add_months(d(2024, 1, 31), 1), d(2024, 2, 29));
    }

    #[test]
    fn twenty_ninth_of_february_plus_twelve_months_is_the_twenty_eighth() {
        assert_eq!(add_months(d(2024, 2, 29), 12), d(2025, 2, 28));
    }

    #[test]
    fn two_months_before_the_thirtieth_of_april_is_the_end_of_february() {
        assert_eq!(sub_months(d(2025, 4, 30), 2), d(2025, 2, 28));
    }

    #[test]
    fn month_arithmetic_agrees_with_chrono_on_every_day_of_four_years() {
        let mut date = d(2023, 1, 1);
        while date < d(2027, 1, 1) {
            for months in [1, 2, 12, 24, 36, 60, 120] {
                let chrono_add = date.checked_add_months(chrono::Months::new(months)).unwrap();
                let chrono_sub = date.checked_sub_months(chrono::Months::new(months)).unwrap();
                assert_eq!(add_months(date, months), chrono_add, "{date} + {months}");
                assert_eq!(sub_months(date, months), chrono_sub, "{date} - {months}");
            }
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn month_arithmetic_saturates_at_the_ends_of_the_calendar() {
        assert_eq!(add_months(NaiveDate::MAX, 12), NaiveDate::MAX);
        assert_eq!(sub_months(NaiveDate::MIN, 12), NaiveDate::MIN);
    }

    #[test]
    fn only_iso_calendar_dates_are_accepted() {
        assert_eq!(parse_date("2025-02-28"), Some(d(2025, 2, 28)));
        for bad in [
            "2025-02-29",
            "2025-1-05",
            "2025-13-01",
            "20250101",
            "2025-01-01T00:00",
            "",
            "yyyy-mm-dd",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }
}
