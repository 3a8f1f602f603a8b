//! The compliance rules engine: a pure function of (property facts, evidence, today) that gives
//! each legal requirement a status and the property a RAG colour, plus the portfolio roll-up
//! and the JSON of the command-line check. It must never read the clock, do I/O or be async:
//! the caller passes `today`, and the same inputs always give the same answer.
//!
//! The rules live in one table, [`rules::RULES`]; amber windows are configurable through
//! [`EngineConfig`]. See `docs/compliance-rules.md` for every rule, its legal source and a
//! worked example.

mod alarms;
pub mod check;
mod check_error;
mod config;
pub mod dates;
mod describe;
mod document;
mod evaluate;
mod fingerprint;
pub mod gas;
mod group;
mod portfolio;
mod reason;
pub mod reminders;
pub mod rules;
mod timing;
mod types;

pub use check::{CheckInput, CheckInputError, CheckOutput, CheckedRequirement, check, check_json};
pub use config::{AmberWindows, EngineConfig};
pub use domain::{Rag, Status};
pub use evaluate::{PropertyEvaluation, RequirementEvaluation, evaluate, evaluate_requirement};
pub use fingerprint::engine_fingerprint;
pub use portfolio::{PortfolioSummary, RagCounts, StatusCounts};
pub use reason::{AlarmFinding, DueBasis, EpcFinding, GasCount, Reason};
pub use reminders::{ReminderKey, ReminderPolicy, reminder_due};
pub use rules::{Applicability, CoAlarm, NotApplicableBecause, Rule, Timing, rule_for};
pub use types::{EpcRating, Evidence, EvidenceStatus, PropertyFacts, RequirementType};
