//! The check's input errors: one line each, saying where (line, column and field) and what is
//! wrong. Only describes errors; never evaluates or guesses a corrected input.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::dates::ValidDate;
use crate::{EpcRating, Evidence, EvidenceStatus, PropertyFacts, RequirementType};

/// Why the check's input was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckInputError {
    /// The input is not JSON at all (or ends early).
    #[error("input is not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The input is JSON but not a valid check input; `field` is the path to the offending
    /// field, such as `evidence[2].issue_date`, when it can be found.
    #[error("invalid input{} at line {line}, column {column}: {message}", field.as_deref().map(|f| format!(" in `{f}`")).unwrap_or_default())]
    Invalid {
        field: Option<String>,
        line: usize,
        column: usize,
        message: String,
    },
    /// The evaluation could not be written as JSON (not expected: kept so nothing panics).
    #[error("could not write the evaluation as JSON: {0}")]
    Output(String),
}

impl CheckInputError {
    pub(crate) fn from_serde(error: &serde_json::Error, input: &str) -> Self {
        let (line, column) = (error.line(), error.column());
        // serde_json appends " at line L column C"; the variant's Display says it once.
        let full = error.to_string();
        let suffix = format!(" at line {line} column {column}");
        let message = one_line(full.strip_suffix(&suffix).unwrap_or(&full));
        match error.classify() {
            serde_json::error::Category::Data if !is_object(input) => Self::Invalid {
                field: None,
                line,
                column,
                message: "expected a JSON object with `property` and, optionally, `evidence`".to_owned(),
            },
            serde_json::error::Category::Data => Self::Invalid {
                field: locate(input),
                line,
                column,
                message,
            },
            _ => Self::Syntax { line, column, message },
        }
    }
}

fn is_object(input: &str) -> bool {
    matches!(serde_json::from_str::<Value>(input), Ok(Value::Object(_)))
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

type Probe = fn(&Value) -> bool;

fn accepts<T: DeserializeOwned>(value: &Value) -> bool {
    T::deserialize(value).is_ok()
}

const PROPERTY_FIELDS: &[(&str, Probe)] = &[
    ("nation", accepts::<domain::Nation>),
    ("has_gas_supply", accepts::<bool>),
    ("is_hmo", accepts::<bool>),
    ("has_communal_areas", accepts::<bool>),
    ("tenancy_start_date", accepts::<Option<ValidDate>>),
];

const EVIDENCE_FIELDS: &[(&str, Probe)] = &[
    ("requirement", accepts::<RequirementType>),
    ("status", accepts::<EvidenceStatus>),
    ("issue_date", accepts::<ValidDate>),
    ("expiry_date", accepts::<Option<ValidDate>>),
    ("epc_rating", accepts::<Option<EpcRating>>),
    ("exemption_expiry_date", accepts::<Option<ValidDate>>),
];

/// The path of the first field that fails to deserialise. serde_json does not report paths,
/// so the input is re-read as a `Value` and each part tried on its own.
fn locate(input: &str) -> Option<String> {
    let value: Value = serde_json::from_str(input).ok()?;
    let top = value.as_object()?;
    if let Some(property) = top.get("property")
        && let Some(path) = bad_field(property, PROPERTY_FIELDS, accepts::<PropertyFacts>)
    {
        return Some(format!("property{path}"));
    }
    match top.get("evidence") {
        None => None,
        Some(Value::Array(items)) => items.iter().enumerate().find_map(|(i, item)| {
            bad_field(item, EVIDENCE_FIELDS, accepts::<Evidence>).map(|path| format!("evidence[{i}]{path}"))
        }),
        Some(_) => Some("evidence".to_owned()),
    }
}

/// `Some(".field")` for a bad field, `Some("")` when the object as a whole is wrong (not an
/// object, an unknown or missing field), `None` when it is fine.
fn bad_field(value: &Value, fields: &[(&str, Probe)], whole: Probe) -> Option<String> {
    let Some(object) = value.as_object() else {
        return Some(String::new());
    };
    for (key, field_value) in object {
        match fields.iter().find(|(name, _)| name == key) {
            None => return Some(String::new()),
            Some((_, probe)) if !probe(field_value) => return Some(format!(".{key}")),
            Some(_) => {}
        }
    }
    (!whole(value)).then(String::new)
}
