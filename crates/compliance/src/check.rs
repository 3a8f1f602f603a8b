//! The JSON contract of `compliance-vault compliance check`: one property with its evidence in,
//! its evaluation out. Parsing and formatting only; it must never hold a rule of its own.
//!
//! Input: `{"property": {...facts}, "evidence": [{...}, ...]}`; unknown fields are refused.
//! Output: `as_of`, `property_status` and one entry per requirement type in a fixed order.
//! The full contract, with examples, is in `docs/compliance-rules.md`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::check_error::CheckInputError;
use crate::{EngineConfig, Evidence, PropertyEvaluation, PropertyFacts, Rag, RequirementType, Status, evaluate};

/// The check's input: one property and all its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    pub property: PropertyFacts,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

impl CheckInput {
    /// Parses the input JSON, saying where and what is wrong when it is not valid.
    pub fn parse(input: &str) -> Result<Self, CheckInputError> {
        serde_json::from_str(input).map_err(|error| CheckInputError::from_serde(&error, input))
    }

    /// Evaluates the property as of `today`.
    pub fn evaluate(&self, today: NaiveDate, config: &EngineConfig) -> PropertyEvaluation {
        evaluate(&self.property, &self.evidence, today, config)
    }
}

/// The check's output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOutput {
    pub as_of: NaiveDate,
    /// GREEN, AMBER or RED.
    pub property_status: Rag,
    /// One entry per requirement type, NOT_APPLICABLE included, in [`RequirementType::ALL`]
    /// order.
    pub requirements: Vec<CheckedRequirement>,
}

/// One requirement in the check's output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckedRequirement {
    pub requirement: RequirementType,
    pub status: Status,
    pub rag: Rag,
    pub due_date: Option<NaiveDate>,
    pub last_done: Option<NaiveDate>,
    pub counts_from: Option<NaiveDate>,
    pub reason: String,
    pub legal_source: String,
}

impl CheckOutput {
    /// The output for an evaluation made as of `as_of`.
    pub fn new(evaluation: &PropertyEvaluation, as_of: NaiveDate) -> Self {
        let requirements = evaluation
            .requirements
            .iter()
            .map(|e| CheckedRequirement {
                requirement: e.requirement,
                status: e.status,
                rag: e.rag(),
                due_date: e.due_date,
                last_done: e.last_done,
                counts_from: e.counts_from,
                reason: e.reason_text(),
                legal_source: e.legal_source().to_owned(),
            })
            .collect();
        Self {
            as_of,
            property_status: evaluation.status,
            requirements,
        }
    }

    /// The output as pretty-printed JSON.
    pub fn to_json(&self) -> Result<String, CheckInputError> {
        serde_json::to_string_pretty(self).map_err(|error| CheckInputError::Output(error.to_string()))
    }
}

/// Parses `input`, evaluates it as of `today` with the default configuration, and returns the
/// output.
pub fn check(input: &str, today: NaiveDate) -> Result<CheckOutput, CheckInputError> {
    let parsed = CheckInput::parse(input)?;
    let evaluation = parsed.evaluate(today, &EngineConfig::default());
    Ok(CheckOutput::new(&evaluation, today))
}

/// [`check`], as pretty-printed JSON. An `Err` means the input was refused (the CLI exits 2),
/// except for [`CheckInputError::Output`], which the output types cannot produce in practice.
pub fn check_json(input: &str, today: NaiveDate) -> Result<String, CheckInputError> {
    check(input, today)?.to_json()
}
