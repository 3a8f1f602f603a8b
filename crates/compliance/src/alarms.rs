//! Smoke and CO alarms: checked on the day the current tenancy began. Only that day's check
//! counts; an earlier one was for an earlier tenancy and a later one cannot cure the first day.

use chrono::NaiveDate;

use crate::reason::{AlarmFinding, Outcome, Reason};
use crate::rules::CoAlarm;
use crate::{Evidence, Status};

/// The alarms' outcome from the checks on record (verified, plus at most one pending check
/// treated as verified).
pub(crate) fn outcome<'a>(
    tenancy_start: NaiveDate,
    checks: impl Iterator<Item = &'a Evidence>,
    today: NaiveDate,
    co_alarm: Option<CoAlarm>,
) -> Outcome {
    let mut on_start_day = false;
    let mut last_before: Option<NaiveDate> = None;
    let mut first_after: Option<NaiveDate> = None;
    for check in checks {
        let date = check.issue_date;
        if date == tenancy_start {
            on_start_day = true;
        } else if date < tenancy_start {
            last_before = last_before.max(Some(date));
        } else {
            first_after = Some(first_after.map_or(date, |d| d.min(date)));
        }
    }
    let found = |status, last_done, finding| Outcome {
        status,
        due: Some(tenancy_start),
        last_done,
        counts_from: None,
        reason: Reason::Alarms { finding, co_alarm },
    };
    if on_start_day {
        found(Status::Compliant, Some(tenancy_start), AlarmFinding::CheckedOnStartDay)
    } else if today <= tenancy_start {
        // Not due until the tenancy's first day; there is no amber window before it.
        found(Status::ExpiringSoon, last_before, AlarmFinding::TenancyNotYetBegun)
    } else if let Some(late) = first_after {
        // Evidence for the current tenancy, but it shows the first-day duty was missed.
        found(Status::NonCompliant, Some(late), AlarmFinding::CheckedLate(late))
    } else if last_before.is_some() {
        found(Status::Overdue, last_before, AlarmFinding::CheckedForEarlierTenancy)
    } else {
        found(Status::Missing, None, AlarmFinding::NeverChecked)
    }
}
