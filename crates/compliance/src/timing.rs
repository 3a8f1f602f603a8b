//! The one place that turns a due date and today into COMPLIANT, EXPIRING_SOON or OVERDUE.

use chrono::NaiveDate;

use crate::Status;
use crate::dates::days_between;

/// OVERDUE after the due date; EXPIRING_SOON from `amber_days` before it up to and including
/// the due date itself (the last day the evidence is still valid); COMPLIANT before that.
pub(crate) fn in_date_status(due: NaiveDate, today: NaiveDate, amber_days: u16) -> Status {
    let days_left = days_between(today, due);
    if days_left < 0 {
        Status::Overdue
    } else if days_left <= i64::from(amber_days) {
        Status::ExpiringSoon
    } else {
        Status::Compliant
    }
}
