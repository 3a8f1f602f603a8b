//! Why a requirement has its status, as data. Text is built only when an evaluation is shown
//! (see `describe`), so evaluating never allocates; nothing here decides a status.

use chrono::NaiveDate;

use crate::rules::{CoAlarm, NotApplicableBecause};
use crate::{EpcRating, Status};

/// The finding behind a status. Dates that are already in the evaluation (due date, last done,
/// counts from) are not repeated here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    NotApplicable(NotApplicableBecause),
    /// Nothing verified is on record.
    NoVerifiedEvidence,
    /// Unverified evidence dated `evidence_date` would keep the requirement in date; what the
    /// verified evidence alone gives is `verified`.
    PendingVerification {
        evidence_date: NaiveDate,
        verified: Status,
    },
    /// The reg 36A chain, and how the governing check counted.
    Gas(GasCount),
    /// A document with an interval, and which date set the due date.
    Document(DueBasis),
    Epc(EpcFinding),
    /// Smoke and CO alarms; `co_alarm` is the CO duty when the property has a gas supply.
    Alarms {
        finding: AlarmFinding,
        co_alarm: Option<CoAlarm>,
    },
}

/// How a gas safety check counted under reg 36A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum GasCount {
    /// The first check on record: 12 months from the check.
    FirstCheck,
    /// Made in the 2 months ending with the deadline: counts as made on the deadline.
    InWindow,
    /// Made before that window opened: a new 12 months from the check.
    BeforeWindow,
    /// Made after the deadline had passed: a new 12 months from the check.
    AfterDeadline,
}

/// Which date set a document's due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DueBasis {
    /// The rule's interval from the issue date; the document states no date.
    Interval,
    /// The date stated on the document, earlier than the interval allows.
    StatedDate,
    /// The document states a date later than the interval allows; the interval wins.
    StatedDateCapped,
}

/// What the governing EPC shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EpcFinding {
    MeetsMinimum(EpcRating),
    /// The nation sets no minimum band (Scotland).
    NoMinimum(Option<EpcRating>),
    /// Below the minimum (or not recorded) but covered by a registered exemption until `until`.
    Exempt {
        rating: Option<EpcRating>,
        until: NaiveDate,
    },
    /// Below the minimum (or not recorded) with no valid exemption; `exemption_ended` when one
    /// was registered and has run out.
    BelowMinimum {
        rating: Option<EpcRating>,
        exemption_ended: Option<NaiveDate>,
    },
    /// Expired during the tenancy that began on `tenancy_start`.
    LapsedDuringTenancy {
        tenancy_start: NaiveDate,
    },
    /// Expired, with no tenancy that began while it was valid.
    Lapsed,
}

/// What the alarm checks on record show, relative to the tenancy's first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AlarmFinding {
    CheckedOnStartDay,
    /// The tenancy has not begun yet; the check is due on its first day.
    TenancyNotYetBegun,
    /// The earliest check on record after the first day was made on this date.
    CheckedLate(NaiveDate),
    /// The last check on record was made for an earlier tenancy.
    CheckedForEarlierTenancy,
    /// No verified check on record at all.
    NeverChecked,
}

/// The status and dates one rule finds for one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Outcome {
    pub status: Status,
    pub due: Option<NaiveDate>,
    pub last_done: Option<NaiveDate>,
    pub counts_from: Option<NaiveDate>,
    pub reason: Reason,
}

impl Outcome {
    pub(crate) const fn missing(due: Option<NaiveDate>) -> Self {
        Self {
            status: Status::Missing,
            due,
            last_done: None,
            counts_from: None,
            reason: Reason::NoVerifiedEvidence,
        }
    }

    pub(crate) const fn not_applicable(why: NotApplicableBecause) -> Self {
        Self {
            status: Status::NotApplicable,
            due: None,
            last_done: None,
            counts_from: None,
            reason: Reason::NotApplicable(why),
        }
    }

    /// Whether `self` is a better reading than `other` of two documents issued the same day:
    /// the better status, then the later due date, then a fixed order so that the choice never
    /// depends on the order of the evidence list.
    pub(crate) fn beats(&self, other: &Self) -> bool {
        let key = |o: &Self| (o.status, std::cmp::Reverse(o.due), o.reason);
        key(self) < key(other)
    }
}
