//! The compliance pack: what a landlord hands a council, a court or a buyer. One model, written
//! as JSON as it stands (its shape is documented in docs/api.md) and drawn as a PDF from the
//! same values; the ZIP bundles both with the evidence, a `sha256sum` manifest and its
//! signature, so the pack holds up without our server in the room.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{BillingPlan, ClientId, DocumentId, FileType, PropertyId, Rag};

/// What the JSON says it is, so a reader knows which description applies.
pub const PACK_FORMAT: &str = "compliance-vault/pack/v1";

/// The notice every pack carries.
pub const NOTICE: &str = "This pack records the information held by Compliance Vault about the \
     properties listed, and the evidence verified by its operators, as of the date shown. It is \
     information, not legal advice: the obligations of a landlord are set by the legislation \
     cited for each requirement, and a qualified adviser should be consulted on any question of \
     law.";

/// The names of the files in a pack's ZIP.
pub const PDF_NAME: &str = "compliance-pack.pdf";
pub const JSON_NAME: &str = "compliance-pack.json";
pub const MANIFEST_NAME: &str = "manifest.sha256";
pub const SIGNATURE_NAME: &str = "manifest.sig";

impl BillingPlan {
    /// Whether the plan includes the compliance pack: PLAN_6_15, and any larger plan added later
    /// (the match makes a new plan decide).
    pub const fn includes_pack(self) -> bool {
        match self {
            Self::Plan1 | Self::Plan2To5 => false,
            Self::Plan6To15 => true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompliancePack {
    /// [`PACK_FORMAT`].
    pub format: String,
    pub pack_id: Uuid,
    pub generated_at: DateTime<Utc>,
    /// The day the pack describes: evidence verified after it is left out.
    pub as_of: NaiveDate,
    pub notice: String,
    pub client: PackClient,
    pub summary: PackSummary,
    pub properties: Vec<PackProperty>,
    /// The audit chain's newest sealed link when the pack was generated: a reader who later
    /// sees the chain can check it still holds this link.
    pub audit_head: Option<PackAuditHead>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackClient {
    pub client_id: ClientId,
    pub full_name: String,
    pub company_name: Option<String>,
    pub email: String,
    pub billing_plan: BillingPlan,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackSummary {
    /// The worst colour of the properties.
    pub portfolio_status: Option<Rag>,
    pub properties: u32,
    pub requirements: u32,
    /// Applicable requirements by colour (GREEN, AMBER, RED).
    pub by_rag: BTreeMap<String, u32>,
    /// Applicable requirements by status (COMPLIANT, OVERDUE, ...).
    pub by_status: BTreeMap<String, u32>,
    /// Verified documents the pack cites.
    pub evidence: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackProperty {
    pub property_id: PropertyId,
    pub address_line_1: String,
    pub address_line_2: Option<String>,
    pub city: String,
    pub postcode: String,
    /// ENGLAND, WALES or SCOTLAND: whose law applies.
    pub nation: String,
    pub status: Rag,
    /// Every requirement that applies to the property.
    pub requirements: Vec<PackRequirement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRequirement {
    /// The code, e.g. GAS_SAFETY.
    pub requirement: String,
    /// Its name, e.g. "Gas safety record".
    pub name: String,
    pub status: String,
    pub rag: Rag,
    pub due_date: Option<NaiveDate>,
    /// Why the status is what it is, in a sentence or two.
    pub reason: String,
    /// The legislation behind the rule applied.
    pub legal_source: String,
    /// The verified documents for it, newest issue first.
    pub evidence: Vec<PackEvidence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackEvidence {
    pub document_id: DocumentId,
    /// The name the client gave the file (made harmless at upload); in the ZIP the file is
    /// [`PackEvidence::archive_name`].
    pub file_name: String,
    pub file_type: FileType,
    pub size_bytes: u64,
    /// Hex SHA-256 of the file, taken as it was uploaded.
    pub sha256: String,
    pub issue_date: NaiveDate,
    pub expiry_date: Option<NaiveDate>,
    /// The operator who verified it (their email), and when.
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    /// Its file in the ZIP.
    pub archive_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackAuditHead {
    pub seq: i64,
    pub hash: String,
}

/// A document's file in the ZIP: by its id and type, never the client's name, so names can
/// neither collide nor leave the folder.
pub fn archive_name(document: DocumentId, file_type: FileType) -> String {
    format!("evidence/{document}.{}", file_type.extension())
}

/// One line of `manifest.sha256`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestLine {
    pub sha256: [u8; 32],
    pub name: String,
}

/// The manifest in `sha256sum` format (`<hex>  <name>\n`, binary-safe names only: the pack's
/// own names never hold a space-only, newline or backslash), checked by `sha256sum -c`.
pub fn manifest_text(lines: &[ManifestLine]) -> String {
    let mut text = String::new();
    for line in lines {
        // Writing to a String cannot fail.
        let _ = writeln!(text, "{}  {}", hex::encode(line.sha256), line.name);
    }
    text
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("manifest line {line}: {problem}")]
pub struct ManifestError {
    pub line: usize,
    pub problem: &'static str,
}

/// Reads a manifest written by [`manifest_text`] (or `sha256sum`, text or binary mode).
///
/// # Errors
/// [`ManifestError`] naming the first line that is not `<64 hex digits>  <name>`.
pub fn parse_manifest(text: &str) -> Result<Vec<ManifestLine>, ManifestError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let error = |problem| ManifestError { line: i + 1, problem };
            let (hash, name) = l.split_at_checked(64).ok_or_else(|| error("too short"))?;
            let name = name
                .strip_prefix("  ")
                .or_else(|| name.strip_prefix(" *"))
                .ok_or_else(|| error("no two spaces after the hash"))?;
            let mut sha256 = [0; 32];
            hex::decode_to_slice(hash, &mut sha256).map_err(|_| error("the hash is not 64 hex digits"))?;
            if name.is_empty() {
                return Err(error("no file name"));
            }
            Ok(ManifestLine {
                sha256,
                name: name.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_reads_back_as_written_and_names_a_bad_line() {
        let lines = vec![
            ManifestLine {
                sha256: [7; 32],
                name: PDF_NAME.into(),
            },
            ManifestLine {
                sha256: [0xab; 32],
                name: archive_name(DocumentId::from(Uuid::nil()), FileType::Png),
            },
        ];
        let text = manifest_text(&lines);
        assert!(text.ends_with("  evidence/00000000-0000-0000-0000-000000000000.png\n"));
        assert_eq!(parse_manifest(&text).unwrap(), lines);
        let broken = format!("{text}zz  other\n");
        assert_eq!(parse_manifest(&broken).unwrap_err().line, 3);
        assert_eq!(parse_manifest("abc").unwrap_err().problem, "too short");
    }

    #[test]
    fn only_the_largest_plan_includes_the_pack() {
        assert!(BillingPlan::Plan6To15.includes_pack());
        assert!(!BillingPlan::Plan1.includes_pack());
        assert!(!BillingPlan::Plan2To5.includes_pack());
    }
}
