//! Suggestions from a document's text for the operator who verifies it: what it seems to be, its
//! dates, an EPC rating, a Gas Safe registration number, each with the line it came from.
//! Suggestions never change a status: only the operator's confirmed facts do.

use std::time::Duration;

use chrono::NaiveDate;
use domain::{DocumentId, EpcRating, FileType, RequirementType};
use ports::{StorageError, StorageKey, StoreError, TextRead};
use serde::Serialize;

use super::DocumentServices;

/// One suggested value and the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggested<T> {
    pub value: T,
    pub snippet: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Suggestions {
    pub requirement: Option<Suggested<RequirementType>>,
    pub issue_date: Option<Suggested<NaiveDate>>,
    pub expiry_date: Option<Suggested<NaiveDate>>,
    pub epc_rating: Option<Suggested<EpcRating>>,
    pub gas_safe_number: Option<Suggested<String>>,
}

/// Phrases that name a kind of document, most specific first.
const KINDS: &[(&str, RequirementType)] = &[
    ("gas safety record", RequirementType::GasSafety),
    ("landlord gas safety", RequirementType::GasSafety),
    ("cp12", RequirementType::GasSafety),
    ("electrical installation condition report", RequirementType::Eicr),
    ("eicr", RequirementType::Eicr),
    ("energy performance certificate", RequirementType::Epc),
    ("fire risk assessment", RequirementType::FireRiskAssessment),
    ("legionella", RequirementType::Legionella),
    ("house in multiple occupation", RequirementType::HmoLicence),
    ("hmo licence", RequirementType::HmoLicence),
    ("portable appliance", RequirementType::Pat),
    ("landlord registration", RequirementType::LandlordRegistration),
    ("smoke and carbon monoxide alarm", RequirementType::SmokeCoAlarms),
];

const EXPIRY_WORDS: &[&str] = &["expir", "valid until", "next inspection", "renewal", "due"];
const ISSUE_WORDS: &[&str] = &[
    "date of",
    "inspection date",
    "issued",
    "issue date",
    "assessment date",
    "date:",
];

/// What a document's text suggests, or why there is nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSuggestions {
    /// False for images and PDFs without a text layer (scans).
    pub text_found: bool,
    /// The file could not be read within the time allowed.
    pub timed_out: bool,
    pub suggestions: Suggestions,
}

#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error("no such document")]
    NotFound,
    /// Other files are being read; nothing was read.
    #[error("too many files are being read; retry in {} s", retry_after.as_secs())]
    Busy { retry_after: Duration },
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads the stored file of a document (at most the upload limit of it) and suggests what it
/// is. Only PDFs carry text we read; an image is not even opened.
///
/// # Errors
/// [`SuggestError`] saying why nothing was read.
#[tracing::instrument(skip_all, fields(document_id = %id))]
pub async fn document_suggestions(
    s: DocumentServices<'_>,
    id: DocumentId,
) -> Result<DocumentSuggestions, SuggestError> {
    let document = s.store.get_document(id).await?.ok_or(SuggestError::NotFound)?;
    let nothing = |timed_out| DocumentSuggestions {
        text_found: false,
        timed_out,
        suggestions: Suggestions::default(),
    };
    if document.file.file_type != FileType::Pdf {
        return Ok(nothing(false));
    }
    let mut file = s.files.open(&StorageKey::parse(&document.file.key)?).await?;
    let mut bytes = Vec::new();
    while let Some(chunk) = file.next_chunk().await? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > s.limits.max_bytes {
            break;
        }
    }
    let read = s
        .reader
        .read_text(document.file.file_type, bytes)
        .await
        .map_err(|busy| SuggestError::Busy {
            retry_after: busy.retry_after,
        })?;
    Ok(match read {
        TextRead::Text(Some(text)) => DocumentSuggestions {
            text_found: true,
            timed_out: false,
            suggestions: suggest(&text),
        },
        TextRead::Text(None) => nothing(false),
        TextRead::TimedOut => nothing(true),
    })
}

/// Reads the suggestions out of `text`.
pub fn suggest(text: &str) -> Suggestions {
    let mut found = Suggestions::default();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let lower = line.to_lowercase();
        if found.requirement.is_none()
            && let Some((_, kind)) = KINDS.iter().find(|(phrase, _)| lower.contains(phrase))
        {
            found.requirement = Some(suggested(*kind, line));
        }
        if let Some(date) = first_date(line) {
            let slot = if EXPIRY_WORDS.iter().any(|w| lower.contains(w)) {
                &mut found.expiry_date
            } else if ISSUE_WORDS.iter().any(|w| lower.contains(w)) || found.issue_date.is_none() {
                &mut found.issue_date
            } else {
                &mut found.expiry_date
            };
            if slot.is_none() {
                *slot = Some(suggested(date, line));
            }
        }
        if found.epc_rating.is_none()
            && lower.contains("rating")
            && let Some(rating) = rating_in(line)
        {
            found.epc_rating = Some(suggested(rating, line));
        }
        if found.gas_safe_number.is_none()
            && lower.contains("gas safe")
            && let Some(number) = digits_in(line, 6..=7)
        {
            found.gas_safe_number = Some(suggested(number, line));
        }
    }
    found
}

fn suggested<T>(value: T, line: &str) -> Suggested<T> {
    Suggested {
        value,
        snippet: line.chars().take(200).collect(),
    }
}

/// The first date in a line: `10/01/2026`, `10-01-2026`, `2026-01-10` or `10 January 2026`.
fn first_date(line: &str) -> Option<NaiveDate> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    for (i, word) in words.iter().enumerate() {
        let word = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        for format in ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"] {
            if let Ok(date) = NaiveDate::parse_from_str(word, format) {
                return Some(date);
            }
        }
        if let Some(three) = words.get(i..i + 3) {
            let joined = three.join(" ");
            let joined = joined.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            for format in ["%d %B %Y", "%d %b %Y"] {
                if let Ok(date) = NaiveDate::parse_from_str(joined, format) {
                    return Some(date);
                }
            }
        }
    }
    None
}

/// A lone band letter A–G after the word "rating" (`Energy rating: C`, `Current rating band D`).
fn rating_in(line: &str) -> Option<EpcRating> {
    let after = line
        .to_lowercase()
        .split_once("rating")
        .map(|(_, rest)| rest.to_owned())?;
    after
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| w.len() == 1)
        .and_then(|w| w.to_uppercase().parse().ok())
}

/// A run of digits of a length in `lengths`.
fn digits_in(line: &str, lengths: std::ops::RangeInclusive<usize>) -> Option<String> {
    line.split(|c: char| !c.is_ascii_digit())
        .find(|run| lengths.contains(&run.len()))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_gas_safety_record_gives_its_type_date_and_engineer() {
        let text = "Landlord Gas Safety Record (CP12)\nEngineer: A. Fitter, Gas Safe registration number 123456\n\
                    Date of inspection: 10/01/2026\nNext inspection due by 09/01/2027";
        let s = suggest(text);
        assert_eq!(s.requirement.unwrap().value, RequirementType::GasSafety);
        assert_eq!(s.issue_date.unwrap().value, day(2026, 1, 10));
        assert_eq!(s.expiry_date.as_ref().unwrap().value, day(2027, 1, 9));
        assert!(s.expiry_date.unwrap().snippet.contains("Next inspection"));
        assert_eq!(s.gas_safe_number.unwrap().value, "123456");
    }

    #[test]
    fn an_epc_gives_its_rating_and_an_eicr_its_long_dates() {
        let epc = suggest(
            "Energy Performance Certificate\nDate of assessment: 2025-03-01\nCurrent energy rating: D\nValid until 28 February 2035",
        );
        assert_eq!(epc.requirement.unwrap().value, RequirementType::Epc);
        assert_eq!(epc.epc_rating.unwrap().value, EpcRating::D);
        assert_eq!(epc.issue_date.unwrap().value, day(2025, 3, 1));
        assert_eq!(epc.expiry_date.unwrap().value, day(2035, 2, 28));
        let eicr = suggest("ELECTRICAL INSTALLATION CONDITION REPORT\nDate of inspection 3 March 2025");
        assert_eq!(eicr.requirement.unwrap().value, RequirementType::Eicr);
        assert_eq!(eicr.issue_date.unwrap().value, day(2025, 3, 3));
    }

    #[test]
    fn text_without_clues_suggests_nothing() {
        assert_eq!(
            suggest("Dear tenant,\nThe boiler is in the kitchen."),
            Suggestions::default()
        );
        assert_eq!(suggest(""), Suggestions::default());
    }
}
