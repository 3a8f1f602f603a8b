//! Human text for an evaluation's reason, built only when an evaluation is shown or
//! serialised. Never changes a status; every fact in the text comes from the evaluation.

use chrono::NaiveDate;
use domain::Nation;

use crate::reason::{AlarmFinding, DueBasis, EpcFinding, GasCount, Reason};
use crate::rules::{CoAlarm, NotApplicableBecause, Timing};
use crate::{EpcRating, RequirementEvaluation, RequirementType, Status};

/// One or two sentences saying why `e` has its status.
pub(crate) fn describe(e: &RequirementEvaluation) -> String {
    let due = show(e.due_date);
    let last = show(e.last_done);
    let main = match e.reason {
        Reason::NotApplicable(why) => return not_applicable(why, e.rule.nation),
        Reason::NoVerifiedEvidence => format!("No verified evidence on record. {}", e.rule.duty),
        Reason::PendingVerification {
            evidence_date,
            verified,
        } => {
            let meanwhile = match verified {
                Status::Missing => "nothing verified is on record.".to_owned(),
                Status::NonCompliant => "the verified evidence falls below the legal standard.".to_owned(),
                _ => format!("the last verified evidence lapsed after {due}."),
            };
            return format!(
                "Evidence dated {evidence_date} awaits verification; once verified it would keep this requirement in date. Until then, {meanwhile}"
            );
        }
        Reason::Gas(count) => {
            let from = show(e.counts_from);
            match count {
                GasCount::FirstCheck => {
                    format!("Gas safety check made on {last}; the next is due within 12 months, by {due}.")
                }
                GasCount::InWindow => format!(
                    "Gas safety check made on {last}, within the 2 months before the deadline, counts as made on {from} (reg 36A); the next is due by {due}."
                ),
                GasCount::BeforeWindow => format!(
                    "Gas safety check made on {last}, more than 2 months before the deadline, restarts the 12 months from that day; the next is due by {due}."
                ),
                GasCount::AfterDeadline => format!(
                    "Gas safety check made on {last}, after the previous deadline had passed, starts a new 12 months; the next is due by {due}."
                ),
            }
        }
        Reason::Document(basis) => {
            let name = RequirementType::label(e.requirement);
            let span = span(e.rule.timing);
            match basis {
                DueBasis::Interval => format!("{name} dated {last}; next due {span} later, by {due}."),
                DueBasis::StatedDate => {
                    format!("{name} dated {last} states {due}, sooner than the {span} limit, so that date applies.")
                }
                DueBasis::StatedDateCapped => {
                    format!("{name} dated {last} states a date beyond the {span} limit; due by {due}.")
                }
            }
        }
        Reason::Epc(finding) => epc(finding, e.rule.minimum_epc, &last, &due),
        Reason::Alarms { finding, co_alarm } => alarms(e, finding, co_alarm),
    };
    let tail = match (e.status, e.reason) {
        (Status::ExpiringSoon, Reason::Alarms { .. }) | (_, Reason::NoVerifiedEvidence) => "",
        (Status::ExpiringSoon, _) => " Due soon: arrange the next one now.",
        (Status::Overdue, Reason::Gas(_) | Reason::Document(_)) => " Overdue: the due date has passed.",
        _ => "",
    };
    format!("{main}{tail}")
}

fn show(date: Option<NaiveDate>) -> String {
    date.map_or_else(|| "an unknown date".to_owned(), |d| d.to_string())
}

fn not_applicable(why: NotApplicableBecause, nation: Nation) -> String {
    match why {
        NotApplicableBecause::NoGasSupply => "Not applicable: the property has no gas supply.".to_owned(),
        NotApplicableBecause::NoTenancy => {
            "Not applicable: no current tenancy is recorded; alarms are checked on the day a tenancy begins.".to_owned()
        }
        NotApplicableBecause::NotHmoAndNoCommunalAreas => {
            "Not applicable: the property is not an HMO and has no communal areas.".to_owned()
        }
        NotApplicableBecause::NotHmo => "Not applicable: the property is not an HMO.".to_owned(),
        NotApplicableBecause::NotInThisNation => {
            format!("Not applicable in {}: a Scottish requirement.", nation_name(nation))
        }
    }
}

fn nation_name(nation: Nation) -> &'static str {
    match nation {
        Nation::England => "England",
        Nation::Wales => "Wales",
        Nation::Scotland => "Scotland",
    }
}

fn span(timing: Timing) -> String {
    let months = match timing {
        Timing::GasChain { months, .. } | Timing::Interval { months } | Timing::Epc { months } => months,
        Timing::TenancyStartDay | Timing::NotApplicable => 0,
    };
    match months {
        12 => "12-month".to_owned(),
        m if m % 12 == 0 => format!("{}-year", m / 12),
        m => format!("{m}-month"),
    }
}

fn band(rating: Option<EpcRating>) -> String {
    rating.map_or_else(
        || "with no band recorded".to_owned(),
        |r| format!("band {}", r.as_str()),
    )
}

fn epc(finding: EpcFinding, minimum: Option<EpcRating>, last: &str, due: &str) -> String {
    let minimum = minimum.map_or("E", EpcRating::as_str);
    match finding {
        EpcFinding::MeetsMinimum(r) => format!("EPC band {} issued {last}, valid until {due}.", r.as_str()),
        EpcFinding::NoMinimum(r) => format!(
            "EPC {} issued {last}, valid until {due}; Scotland sets no minimum band for private lets.",
            band(r)
        ),
        EpcFinding::Exempt { rating, until } => format!(
            "EPC {} issued {last} is below the minimum band {minimum}, but a registered exemption applies until {until}; act by {due}.",
            band(rating)
        ),
        EpcFinding::BelowMinimum {
            rating,
            exemption_ended,
        } => {
            let ended = exemption_ended.map_or_else(String::new, |d| format!(" (the last one ended on {d})"));
            match rating {
                Some(r) => format!(
                    "EPC band {} is below the minimum band {minimum} needed to let, and no registered exemption is in force{ended}.",
                    r.as_str()
                ),
                None => format!(
                    "EPC issued {last} has no band recorded, so the minimum band {minimum} cannot be shown to be met, and no registered exemption is in force{ended}."
                ),
            }
        }
        EpcFinding::LapsedDuringTenancy { tenancy_start } => format!(
            "EPC expired on {due}, during the tenancy that began on {tenancy_start}: not a breach, but renew before re-letting or marketing."
        ),
        EpcFinding::Lapsed => {
            format!("EPC expired on {due}; a valid EPC is needed before the property is let or marketed.")
        }
    }
}

fn alarms(e: &RequirementEvaluation, finding: AlarmFinding, co_alarm: Option<CoAlarm>) -> String {
    let start = show(e.due_date);
    let found = match finding {
        AlarmFinding::CheckedOnStartDay => format!("Alarms checked on {start}, the day the tenancy began."),
        AlarmFinding::TenancyNotYetBegun => format!("The tenancy begins on {start}: check the alarms that day."),
        AlarmFinding::CheckedLate(d) => format!(
            "Alarms were checked on {d}, after the tenancy began on {start}; the check must be made on the first day."
        ),
        AlarmFinding::CheckedForEarlierTenancy => format!(
            "The last alarm check on record, on {}, was for an earlier tenancy; none is recorded on {start}, when the current tenancy began.",
            show(e.last_done)
        ),
        AlarmFinding::NeverChecked => {
            format!("No verified record of the alarms being checked on {start}, when the tenancy began.")
        }
    };
    let co = match co_alarm {
        None => "",
        Some(CoAlarm::FixedCombustionApplianceExceptGasCookers) => {
            " With a gas supply, a CO alarm is needed in any room with a fixed gas appliance such as a boiler or fire (a gas cooker alone does not need one)."
        }
        Some(CoAlarm::AnyGasApplianceIncludingCookers) => {
            " With a gas supply, a CO alarm is needed in every room with a gas appliance, a gas cooker included."
        }
        Some(CoAlarm::CarbonFuelledApplianceExceptCookers) => {
            " With a gas supply, a CO alarm is needed wherever there is a gas boiler, fire or other carbon-fuelled appliance (cookers excepted) or a flue."
        }
    };
    format!("{found} {}{co}", e.rule.duty)
}
