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
    ("stripe_signature", stripe_signature),
    ("intake_body", intake_body),
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

/// A `Stripe-Signature` header (the first line) over a payload (the rest): checked or refused,
/// never a panic; and the payload signed properly always passes.
pub fn stripe_signature(data: &[u8]) {
    const SECRET: &str = "whsec_fuzz";
    const NOW: i64 = 1_796_000_000;
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (header, payload) = (
        String::from_utf8_lossy(&data[..split]),
        data.get(split + 1..).unwrap_or_default(),
    );
    let _ = adapter_stripe::verify(payload, Some(&header), SECRET, NOW, 300);
    let signed = adapter_stripe::sign(payload, SECRET, NOW);
    assert!(adapter_stripe::verify(payload, Some(&signed), SECRET, NOW, 300).is_ok());
}

/// An intake body as JSON: parsed into an intake or refused with its field errors, never a
/// panic, and every refusal names at least one field.
pub fn intake_body(data: &[u8]) {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Err(errors) = vault_http::api::intake::parse_intake(&body) {
        assert!(!errors.is_empty(), "a refusal names its fields");
    }
}
