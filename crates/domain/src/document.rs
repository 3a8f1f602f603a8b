//! Evidence files: their review status, the types accepted (judged by the bytes, never the name)
//! and the name shown for them (a client's file name is only ever a label, never a path).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::macros::string_enum;
use crate::{ClientId, DocumentId, EpcRating, PropertyId, RequirementType, UserId};

string_enum! {
    /// PENDING until an operator verifies or rejects it; never back.
    pub enum DocumentStatus {
        Pending => "PENDING",
        Verified => "VERIFIED",
        Rejected => "REJECTED",
    }
}

string_enum! {
    /// The file types accepted as evidence.
    pub enum FileType {
        Pdf => "application/pdf",
        Jpeg => "image/jpeg",
        Png => "image/png",
    }
}

/// How many leading bytes [`FileType::sniff`] needs to decide.
pub const SNIFF_BYTES: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FileTypeError {
    #[error("the file is empty")]
    Empty,
    #[error("only PDF, JPEG and PNG files are accepted, judged by their content")]
    Unsupported,
}

impl FileType {
    /// The type of a file from its first bytes (at least [`SNIFF_BYTES`] of them when the file is
    /// that long). HTML or SVG named `.pdf`, executables and anything else are refused.
    ///
    /// # Errors
    /// [`FileTypeError`] saying why the file is not accepted.
    pub fn sniff(head: &[u8]) -> Result<Self, FileTypeError> {
        match head {
            [] => Err(FileTypeError::Empty),
            [b'%', b'P', b'D', b'F', b'-', ..] => Ok(Self::Pdf),
            [0xFF, 0xD8, 0xFF, ..] => Ok(Self::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Ok(Self::Png),
            _ => Err(FileTypeError::Unsupported),
        }
    }

    /// The extension downloads are named with.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

/// The name a client gave its file, made safe to show and to put in a `Content-Disposition`
/// header: the last path segment only, no control or bidirectional-override characters, quotes
/// and backslashes replaced, at most 120 characters. Never used to build a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 120;

    /// Always succeeds: a name with nothing usable left becomes `document`.
    pub fn from_client(raw: &str) -> Self {
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last
            .chars()
            .filter(|c| !c.is_control() && !is_bidi_control(*c))
            .map(|c| if matches!(c, '"' | ';' | '\\') { '_' } else { c })
            .take(Self::MAX_CHARS)
            .collect();
        // Leading dots and spaces together (". .x" is "x"), so a label is its own label.
        let trimmed = cleaned
            .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
            .trim_end();
        if trimmed.is_empty() {
            Self("document".into())
        } else {
            Self(trimmed.to_owned())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Characters that reorder text on screen (`invoice` U+202E `fdp.exe` shows as `invoiceexe.pdf`).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// What the uploader says a document is; every part optional, none of it trusted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatedFacts {
    pub requirement: Option<RequirementType>,
    pub issue_date: Option<NaiveDate>,
    pub expiry_date: Option<NaiveDate>,
    pub epc_rating: Option<EpcRating>,
}

/// What an operator confirmed on verifying a document: what the compliance engine uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmedFacts {
    pub requirement: RequirementType,
    pub issue_date: NaiveDate,
    pub expiry_date: Option<NaiveDate>,
    pub epc_rating: Option<EpcRating>,
    /// For an EPC: when a registered minimum-energy-efficiency exemption ends.
    pub exemption_expiry_date: Option<NaiveDate>,
}

/// The stored file behind a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// The generated storage key.
    pub key: String,
    pub file_type: FileType,
    pub size_bytes: u64,
    pub sha256: [u8; 32],
    pub display_name: DisplayName,
}

/// An uploaded evidence file and where its review stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub id: DocumentId,
    pub client_id: ClientId,
    pub property_id: PropertyId,
    pub status: DocumentStatus,
    pub file: StoredFile,
    pub stated: StatedFacts,
    /// Set when VERIFIED.
    pub confirmed: Option<ConfirmedFacts>,
    /// Set when REJECTED.
    pub rejection_reason: Option<String>,
    /// The user who uploaded it: the client's own, or an operator on the client's behalf.
    pub uploaded_by: Option<UserId>,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// An operator's decision on a PENDING document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    Verify(ConfirmedFacts),
    Reject { reason: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_judged_by_their_bytes() {
        assert_eq!(FileType::sniff(b"%PDF-1.7\n"), Ok(FileType::Pdf));
        assert_eq!(FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Ok(FileType::Jpeg));
        assert_eq!(FileType::sniff(b"\x89PNG\r\n\x1a\n\0\0"), Ok(FileType::Png));
        assert_eq!(FileType::sniff(b""), Err(FileTypeError::Empty));
        for hostile in [
            &b"<!DOCTYPE html><script>"[..],
            b"<svg xmlns=\"http://www.w3.org/2000/svg\">",
            b"<?xml version=\"1.0\"?><svg>",
            b"MZ\x90\0\x03\0\0\0",
            b"\x7fELF\x02\x01\x01",
            b"#!/bin/sh\n",
            b" %PDF-1.7",
            b"PK\x03\x04",
        ] {
            assert_eq!(FileType::sniff(hostile), Err(FileTypeError::Unsupported), "{hostile:?}");
        }
    }

    #[test]
    fn client_file_names_become_harmless_labels() {
        assert_eq!(
            DisplayName::from_client("Gas Safety 2026.pdf").as_str(),
            "Gas Safety 2026.pdf"
        );
        assert_eq!(DisplayName::from_client("../../etc/passwd").as_str(), "passwd");
        // Found by the file_name fuzz target: a dot, a space, an invalid byte.
        assert_eq!(DisplayName::from_client(". \u{FFFD}").as_str(), "\u{FFFD}");
        assert_eq!(DisplayName::from_client(". . .x").as_str(), "x");
        assert_eq!(DisplayName::from_client("C:\\Users\\a\\cert.pdf").as_str(), "cert.pdf");
        assert_eq!(DisplayName::from_client("a\0b\r\nc.pdf").as_str(), "abc.pdf");
        assert_eq!(
            DisplayName::from_client("invoice\u{202E}fdp.exe").as_str(),
            "invoicefdp.exe"
        );
        assert_eq!(
            DisplayName::from_client("x\"; filename=evil").as_str(),
            "x__ filename=evil"
        );
        assert_eq!(DisplayName::from_client("...").as_str(), "document");
        assert_eq!(DisplayName::from_client("").as_str(), "document");
        let long = DisplayName::from_client(&"é".repeat(300));
        assert_eq!(long.as_str().chars().count(), DisplayName::MAX_CHARS);
    }
}
