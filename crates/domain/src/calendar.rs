//! The UK's calendar: which date it is in Europe/London at an instant. Every "today" of the
//! product (due dates, reminders, the dashboard) is this date.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};

/// The calendar date in Europe/London at `now`. British Summer Time runs from 01:00 UTC on the
/// last Sunday of March to 01:00 UTC on the last Sunday of October (Summer Time Order 2002);
/// outside it the UK is on UTC. Encoding the one rule avoids shipping a time-zone database.
pub fn uk_date(now: DateTime<Utc>) -> NaiveDate {
    uk_time(now).date()
}

/// The wall-clock time in Europe/London at `now`, by the same rule as [`uk_date`]: what a
/// schedule written "09:00" means, right across the clock changes.
pub fn uk_time(now: DateTime<Utc>) -> NaiveDateTime {
    let year = now.year();
    let starts = last_sunday_at_one_utc(year, 3);
    let ends = last_sunday_at_one_utc(year, 10);
    let offset = if (starts..ends).contains(&now) {
        Duration::hours(1)
    } else {
        Duration::zero()
    };
    (now + offset).naive_utc()
}

fn last_sunday_at_one_utc(year: i32, month: u32) -> DateTime<Utc> {
    let last_day = (28..=31)
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .unwrap_or_default();
    let back = last_day.weekday().num_days_from_sunday();
    let sunday = last_day - Duration::days(i64::from(back));
    debug_assert_eq!(sunday.weekday(), Weekday::Sun);
    Utc.from_utc_datetime(&sunday.and_hms_opt(1, 0, 0).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn london_is_on_utc_in_winter_and_an_hour_ahead_in_summer() {
        assert_eq!(uk_date(at("2026-01-15T23:30:00Z")).to_string(), "2026-01-15");
        assert_eq!(uk_date(at("2026-07-15T23:30:00Z")).to_string(), "2026-07-16");
    }

    #[test]
    fn the_changeovers_happen_at_one_in_the_morning_utc_on_the_last_sundays() {
        // 2026: BST from Sunday 29 March to Sunday 25 October.
        assert_eq!(uk_date(at("2026-03-29T00:59:59Z")).to_string(), "2026-03-29");
        assert_eq!(uk_date(at("2026-03-28T23:30:00Z")).to_string(), "2026-03-28");
        assert_eq!(uk_date(at("2026-03-29T23:30:00Z")).to_string(), "2026-03-30");
        assert_eq!(uk_date(at("2026-10-24T23:30:00Z")).to_string(), "2026-10-25");
        assert_eq!(uk_date(at("2026-10-25T23:30:00Z")).to_string(), "2026-10-25");
    }

    #[test]
    fn nine_in_the_morning_is_eight_utc_in_summer_and_nine_in_winter() {
        assert_eq!(uk_time(at("2026-07-01T08:00:00Z")).to_string(), "2026-07-01 09:00:00");
        assert_eq!(uk_time(at("2026-12-01T09:00:00Z")).to_string(), "2026-12-01 09:00:00");
        // The morning the clocks go forward, 01:00 UTC is already 02:00 in London.
        assert_eq!(uk_time(at("2026-03-29T01:00:00Z")).to_string(), "2026-03-29 02:00:00");
    }
}
