//! Reading the text of an uploaded file, for the suggestions shown to the operator who verifies it.

use std::time::Duration;

use async_trait::async_trait;
use domain::FileType;

/// Turns a file's bytes into its text, where it has any to give.
pub trait Extractor: Send + Sync + std::fmt::Debug {
    /// The file's text, page after page; `None` when there is none to read (an image, a scan, a
    /// file that does not parse). Never panics on hostile input; callers run it off the async
    /// workers, as it is CPU-bound.
    fn text_of(&self, file_type: FileType, bytes: &[u8]) -> Option<String>;
}

/// What a bounded read gave by its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextRead {
    /// The text, or `None` for a file with none to read.
    Text(Option<String>),
    /// Still reading at the deadline; nothing to suggest from.
    TimedOut,
}

/// As many reads as allowed are running or waiting; nothing was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many files are being read; retry in {} s", retry_after.as_secs())]
pub struct ReadBusy {
    pub retry_after: Duration,
}

/// An [`Extractor`] run within bounds: the adapter decides how many reads run at once, off the
/// async workers, and how long a caller waits.
#[async_trait]
pub trait TextReader: Send + Sync + std::fmt::Debug {
    /// # Errors
    /// [`ReadBusy`] when the reads at once and their queue are taken.
    async fn read_text(&self, file_type: FileType, bytes: Vec<u8>) -> Result<TextRead, ReadBusy>;
}
