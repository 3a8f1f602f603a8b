//! Requirements met by a dated document: the interval rules (EICR, PAT, fire risk assessment,
//! legionella, HMO licence, landlord registration) and the EPC. The most recent document
//! governs; this module never looks at other requirements' evidence.

use chrono::NaiveDate;

use crate::dates::add_months;
use crate::reason::{DueBasis, EpcFinding, Outcome, Reason};
use crate::timing::in_date_status;
use crate::{EpcRating, Evidence, Status};

/// The outcome of the most recent document. The law reads the most recent report, certificate
/// or licence (an EICR's "most recent report", the EPC last lodged), so an older document never
/// overrides a newer one; documents issued the same day are read in the light most favourable
/// to the landlord, which keeps the result independent of their order.
///
/// `latest` is the verified documents issued on the latest day; `extra` is one more document
/// treated as verified (when judging pending evidence).
pub(crate) fn governing<'a>(
    latest: impl Iterator<Item = &'a Evidence> + Clone,
    extra: Option<&'a Evidence>,
    judge: impl Fn(&Evidence) -> Outcome,
) -> Option<Outcome> {
    let verified_day = latest.clone().next().map(|d| d.issue_date);
    let (take_verified, take_extra) = match (verified_day, extra.map(|e| e.issue_date)) {
        (Some(v), Some(x)) => (v >= x, x >= v),
        (v, x) => (v.is_some(), x.is_some()),
    };
    let mut best: Option<Outcome> = None;
    let mut consider = |document: &Evidence| {
        let candidate = judge(document);
        if best.as_ref().is_none_or(|b| candidate.beats(b)) {
            best = Some(candidate);
        }
    };
    if take_verified {
        latest.for_each(&mut consider);
    }
    if let Some(document) = extra.filter(|_| take_extra) {
        consider(document);
    }
    best
}

/// The due date of a document valid for `months`, or until the date it states if that is
/// earlier: a stated date can shorten the interval, never lengthen it.
fn due_date(document: &Evidence, months: u32) -> (NaiveDate, DueBasis) {
    let limit = add_months(document.issue_date, months);
    match document.expiry_date {
        None => (limit, DueBasis::Interval),
        Some(stated) if stated < limit => (stated, DueBasis::StatedDate),
        Some(_) => (limit, DueBasis::StatedDateCapped),
    }
}

/// A document due `months` after issue (or on the earlier date it states).
pub(crate) fn interval(document: &Evidence, months: u32, today: NaiveDate, amber_days: u16) -> Outcome {
    let (due, basis) = due_date(document, months);
    Outcome {
        status: in_date_status(due, today, amber_days),
        due: Some(due),
        last_done: Some(document.issue_date),
        counts_from: None,
        reason: Reason::Document(basis),
    }
}

/// The facts an EPC is judged against besides the certificate itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EpcContext {
    pub months: u32,
    pub minimum: Option<EpcRating>,
    pub tenancy_start: Option<NaiveDate>,
    pub today: NaiveDate,
    pub amber_days: u16,
}

/// An EPC: valid for `months`; while valid, at least the minimum band or a registered exemption
/// in force; once lapsed, not a breach if the current tenancy began while it was valid.
pub(crate) fn epc(certificate: &Evidence, cx: &EpcContext) -> Outcome {
    let (expiry, _) = due_date(certificate, cx.months);
    let done = Some(certificate.issue_date);
    let outcome = |status, due, finding| Outcome {
        status,
        due: Some(due),
        last_done: done,
        counts_from: None,
        reason: Reason::Epc(finding),
    };
    let rating = certificate.epc_rating;

    if cx.today > expiry {
        // An expired EPC is only needed again to re-let or market the property, and the
        // minimum standard applies only where a valid EPC is required, so a lapse during a
        // tenancy is not a breach whatever the band was.
        return match cx.tenancy_start {
            Some(start) if start <= expiry => outcome(
                Status::ExpiredInTenancy,
                expiry,
                EpcFinding::LapsedDuringTenancy { tenancy_start: start },
            ),
            _ => outcome(Status::Overdue, expiry, EpcFinding::Lapsed),
        };
    }
    let Some(minimum) = cx.minimum else {
        return outcome(
            in_date_status(expiry, cx.today, cx.amber_days),
            expiry,
            EpcFinding::NoMinimum(rating),
        );
    };
    if let Some(band) = rating.filter(|band| band.meets(minimum)) {
        return outcome(
            in_date_status(expiry, cx.today, cx.amber_days),
            expiry,
            EpcFinding::MeetsMinimum(band),
        );
    }
    // Below the minimum, or no band recorded so the minimum cannot be shown to be met.
    match certificate.exemption_expiry_date {
        Some(until) if cx.today <= until => {
            // Whichever ends first, the exemption or the certificate, is what needs action.
            let due = until.min(expiry);
            outcome(
                in_date_status(due, cx.today, cx.amber_days),
                due,
                EpcFinding::Exempt { rating, until },
            )
        }
        ended => outcome(
            Status::NonCompliant,
            expiry,
            EpcFinding::BelowMinimum {
                rating,
                exemption_ended: ended,
            },
        ),
    }
}
