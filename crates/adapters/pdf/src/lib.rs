//! The `Extractor` port over lopdf: the text of a PDF's first pages. Uploaded PDFs are hostile
//! input, so every stream is decompressed against a small limit (no decompression bombs), only
//! the first pages are read, the text is capped, and a panic in the parser is caught: a bad file
//! gives `None`, never a crash or an error for the upload.

use std::panic::{AssertUnwindSafe, catch_unwind};

use domain::FileType;
use ports::Extractor;

/// The most any one stream may inflate to.
pub const MAX_STREAM_BYTES: usize = 8 * 1024 * 1024;
/// Certificates say what they are on their first pages.
pub const MAX_PAGES: usize = 10;
/// The most text returned.
pub const MAX_TEXT_CHARS: usize = 100_000;

/// Reads text from PDFs with lopdf.
#[derive(Debug, Default, Clone, Copy)]
pub struct PdfText;

impl Extractor for PdfText {
    fn text_of(&self, file_type: FileType, bytes: &[u8]) -> Option<String> {
        if file_type != FileType::Pdf {
            return None;
        }
        catch_unwind(AssertUnwindSafe(|| read(bytes))).ok().flatten()
    }
}

fn read(bytes: &[u8]) -> Option<String> {
    let options = lopdf::LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..lopdf::LoadOptions::default()
    };
    let document = lopdf::Document::load_mem_with_options(bytes, options).ok()?;
    let pages: Vec<u32> = document.get_pages().keys().copied().take(MAX_PAGES).collect();
    let text = document.extract_text_with_limit(&pages, MAX_STREAM_BYTES).ok()?;
    let text: String = text.trim().chars().take(MAX_TEXT_CHARS).collect();
    (!text.is_empty()).then_some(text)
}
