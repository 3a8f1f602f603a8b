//! Reading the text of an uploaded file, for the suggestions shown to the operator who verifies it.

use domain::FileType;

/// Turns a file's bytes into its text, where it has any to give.
pub trait Extractor: Send + Sync + std::fmt::Debug {
    /// The file's text, page after page; `None` when there is none to read (an image, a scan, a
    /// file that does not parse). Never panics on hostile input; callers run it off the async
    /// workers, as it is CPU-bound.
    fn text_of(&self, file_type: FileType, bytes: &[u8]) -> Option<String>;
}
