//! The `Extractor` port over lopdf: the text of a PDF's pages. Images and unreadable files give
//! nothing; a malformed PDF is an answer of `None`, never a panic or an error for the upload.

use domain::FileType;
use ports::Extractor;

/// Reads text from PDFs with lopdf.
#[derive(Debug, Default, Clone, Copy)]
pub struct PdfText;

impl Extractor for PdfText {
    fn text_of(&self, file_type: FileType, bytes: &[u8]) -> Option<String> {
        if file_type != FileType::Pdf {
            return None;
        }
        let document = lopdf::Document::load_mem(bytes).ok()?;
        let pages: Vec<u32> = document.get_pages().keys().copied().collect();
        let text = document.extract_text(&pages).ok()?;
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}
