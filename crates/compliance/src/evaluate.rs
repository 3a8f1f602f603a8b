//! The engine's entry point: (property facts, evidence, today) -> one evaluation per
//! requirement and the property's RAG. Pure: no clock, no I/O, and no heap allocation for any
//! ordinary history (see `group` and `gas` for the limits).

use chrono::NaiveDate;

use crate::document::{self, EpcContext};
use crate::group::Grouped;
use crate::reason::{Outcome, Reason};
use crate::rules::{NotApplicableBecause, Rule, Timing, rule_for};
use crate::{EngineConfig, Evidence, EvidenceStatus, PropertyFacts, Rag, RequirementType, Status, alarms, gas};

/// One requirement's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RequirementEvaluation {
    pub requirement: RequirementType,
    pub status: Status,
    /// The date by which the next check, renewal or document is due; `None` where nothing is
    /// (not applicable, or never evidenced). For PENDING_VERIFICATION, from verified evidence.
    pub due_date: Option<NaiveDate>,
    /// The date of the governing check, inspection, assessment or issue.
    pub last_done: Option<NaiveDate>,
    /// Gas only: the date the governing check counts from under reg 36A.
    pub counts_from: Option<NaiveDate>,
    pub reason: Reason,
    /// The rules-table row applied, with its legal source.
    pub rule: &'static Rule,
}

impl RequirementEvaluation {
    /// The colour of this requirement's status.
    pub const fn rag(&self) -> Rag {
        self.status.rag()
    }

    /// The legislation behind the rule applied.
    pub const fn legal_source(&self) -> &'static str {
        self.rule.legal_source
    }

    /// Whether the requirement applies to the property at all.
    pub fn is_applicable(&self) -> bool {
        self.status != Status::NotApplicable
    }

    /// The reason as one human sentence or two (allocates; call when showing it).
    pub fn reason_text(&self) -> String {
        crate::describe::describe(self)
    }

    fn from_outcome(requirement: RequirementType, rule: &'static Rule, o: Outcome) -> Self {
        Self {
            requirement,
            status: o.status,
            due_date: o.due,
            last_done: o.last_done,
            counts_from: o.counts_from,
            reason: o.reason,
            rule,
        }
    }
}

/// A property's evaluation: every requirement type, in [`RequirementType::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PropertyEvaluation {
    /// RED if any applicable requirement is RED, else AMBER if any is AMBER, else GREEN.
    /// Never GREY.
    pub status: Rag,
    pub requirements: [RequirementEvaluation; RequirementType::COUNT],
}

impl PropertyEvaluation {
    /// The evaluation of one requirement.
    pub fn get(&self, requirement: RequirementType) -> &RequirementEvaluation {
        &self.requirements[requirement.index()]
    }

    /// The requirements that apply to the property.
    pub fn applicable(&self) -> impl Iterator<Item = &RequirementEvaluation> {
        self.requirements.iter().filter(|r| r.is_applicable())
    }
}

/// Evaluates every requirement of `property` from `evidence` (any order, any requirement, any
/// status) as of `today`.
pub fn evaluate(
    property: &PropertyFacts,
    evidence: &[Evidence],
    today: NaiveDate,
    config: &EngineConfig,
) -> PropertyEvaluation {
    let grouped = Grouped::new(evidence);
    let requirements =
        RequirementType::ALL.map(|requirement| evaluate_grouped(requirement, property, &grouped, today, config));
    let status = Rag::worst_of(requirements.iter().map(RequirementEvaluation::rag));
    PropertyEvaluation { status, requirements }
}

/// Evaluates one requirement of `property`.
pub fn evaluate_requirement(
    requirement: RequirementType,
    property: &PropertyFacts,
    evidence: &[Evidence],
    today: NaiveDate,
    config: &EngineConfig,
) -> RequirementEvaluation {
    evaluate_grouped(requirement, property, &Grouped::new(evidence), today, config)
}

fn evaluate_grouped(
    requirement: RequirementType,
    property: &PropertyFacts,
    evidence: &Grouped<'_>,
    today: NaiveDate,
    config: &EngineConfig,
) -> RequirementEvaluation {
    let rule = rule_for(requirement, property.nation);
    let outcome = match rule.applies.excludes(property) {
        Some(why) => Outcome::not_applicable(why),
        None => {
            let judge = Judge {
                rule,
                property,
                evidence,
                today,
                amber_days: config.amber_windows.days(requirement),
            };
            judge.with_pending()
        }
    };
    RequirementEvaluation::from_outcome(requirement, rule, outcome)
}

/// Everything needed to judge one requirement.
struct Judge<'g, 'a> {
    rule: &'static Rule,
    property: &'g PropertyFacts,
    evidence: &'g Grouped<'a>,
    today: NaiveDate,
    amber_days: u16,
}

impl<'a> Judge<'_, 'a> {
    /// Verified evidence decides, unless it leaves the requirement RED (or missing) and some
    /// pending evidence, were it verified, would keep it GREEN or AMBER.
    fn with_pending(&self) -> Outcome {
        let verified = self.judge(None);
        if verified.status.is_in_date() {
            return verified;
        }
        let would_keep_in_date = self
            .evidence
            .of(self.rule.requirement, EvidenceStatus::Pending)
            .filter(|pending| self.judge(Some(pending)).status.is_in_date())
            .map(|pending| pending.issue_date)
            .max();
        match would_keep_in_date {
            None => verified,
            Some(evidence_date) => Outcome {
                status: Status::PendingVerification,
                reason: Reason::PendingVerification {
                    evidence_date,
                    verified: verified.status,
                },
                ..verified
            },
        }
    }

    /// The rule applied to the verified evidence plus, optionally, one more item treated as
    /// verified.
    fn judge(&self, extra: Option<&'a Evidence>) -> Outcome {
        let requirement = self.rule.requirement;
        let items = self.evidence.of(requirement, EvidenceStatus::Verified).chain(extra);
        let latest = || self.evidence.latest(requirement, EvidenceStatus::Verified);
        let (today, amber_days) = (self.today, self.amber_days);
        match self.rule.timing {
            Timing::GasChain { months, window_months } => gas::outcome(items, months, window_months, today, amber_days),
            Timing::Interval { months } => {
                document::governing(latest(), extra, |d| document::interval(d, months, today, amber_days))
                    .unwrap_or(Outcome::missing(None))
            }
            Timing::Epc { months } => {
                let cx = EpcContext {
                    months,
                    minimum: self.rule.minimum_epc,
                    tenancy_start: self.property.tenancy_start_date,
                    today,
                    amber_days,
                };
                document::governing(latest(), extra, |d| document::epc(d, &cx)).unwrap_or(Outcome::missing(None))
            }
            Timing::TenancyStartDay => match self.property.tenancy_start_date {
                Some(start) => {
                    let co_alarm = self.rule.co_alarm.filter(|_| self.property.has_gas_supply);
                    alarms::outcome(start, items, today, co_alarm)
                }
                None => Outcome::not_applicable(NotApplicableBecause::NoTenancy),
            },
            Timing::NotApplicable => Outcome::not_applicable(NotApplicableBecause::NotInThisNation),
        }
    }
}
