//! What each fuzz target does with its input, written once: the targets in `fuzz_targets/` call
//! these under libFuzzer, and `apps/server/tests/fuzz_corpus.rs` replays the checked-in corpus
//! and every crash through them as ordinary tests. Each must never panic, whatever the bytes.

use chrono::NaiveDate;
use domain::{DisplayName, FileType};
use ports::Extractor;

/// What a target does with one input.
pub type Target = fn(&[u8]);

/// The targets by name, as `fuzz/corpus/<name>/` and `fuzz/artifacts/<name>/` name them.
pub const TARGETS: &[(&str, Target)] = &[
    ("compliance_check", compliance_check),
    ("file_name", file_name),
    ("pdf_text", pdf_text),
];

/// `compliance check`'s input: any text is evaluated or refused, never a panic.
pub fn compliance_check(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let _ = compliance::check_json(text, today);
    }
}

/// A client's file name becomes a harmless label: never empty, never a path, no control or
/// bidirectional characters, no quote or semicolon for a header, at most `MAX_CHARS`.
pub fn file_name(data: &[u8]) {
    let raw = String::from_utf8_lossy(data);
    let name = DisplayName::from_client(&raw);
    let label = name.as_str();
    assert!(!label.is_empty(), "an empty label from {raw:?}");
    assert!(!label.contains(['/', '\\', '"', ';']), "{label:?} from {raw:?}");
    assert!(!label.starts_with('.'), "{label:?} from {raw:?}");
    assert!(!label.chars().any(char::is_control), "{label:?} from {raw:?}");
    assert!(label.chars().count() <= DisplayName::MAX_CHARS, "{label:?} is too long");
    assert_eq!(
        DisplayName::from_client(label).as_str(),
        label,
        "a label is its own label"
    );
    let _ = FileType::sniff(data);
}

/// The PDF reader over any bytes: text or nothing, within its bounds, never a panic (libFuzzer
/// aborts even on one the reader would catch).
pub fn pdf_text(data: &[u8]) {
    let _ = adapter_pdf::PdfText.text_of(FileType::Pdf, data);
}
