//! Helpers shared by the engine's table tests: dates from text, properties, one-call evaluation.
// Each test crate uses only some helpers; a bad literal in a helper should fail the test loudly.
#![allow(dead_code, clippy::unwrap_used)]

use chrono::NaiveDate;
use compliance::{
    EngineConfig, Evidence, PropertyEvaluation, PropertyFacts, RequirementEvaluation, RequirementType, evaluate,
};
use domain::Nation;

/// A date from `YYYY-MM-DD`.
pub fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// An English property with gas, not an HMO, no communal areas, no tenancy.
pub fn england() -> PropertyFacts {
    PropertyFacts::default()
}

pub fn in_nation(nation: Nation) -> PropertyFacts {
    PropertyFacts {
        nation,
        ..PropertyFacts::default()
    }
}

pub fn let_from(property: PropertyFacts, start: &str) -> PropertyFacts {
    PropertyFacts {
        tenancy_start_date: Some(d(start)),
        ..property
    }
}

pub fn evaluate_on(property: &PropertyFacts, evidence: &[Evidence], today: &str) -> PropertyEvaluation {
    evaluate(property, evidence, d(today), &EngineConfig::default())
}

/// One requirement's evaluation.
pub fn one(
    requirement: RequirementType,
    property: &PropertyFacts,
    evidence: &[Evidence],
    today: &str,
) -> RequirementEvaluation {
    *evaluate_on(property, evidence, today).get(requirement)
}

pub fn verified(requirement: RequirementType, issued: &str) -> Evidence {
    Evidence::verified(requirement, d(issued))
}

pub fn pending(requirement: RequirementType, issued: &str) -> Evidence {
    Evidence::pending(requirement, d(issued))
}
