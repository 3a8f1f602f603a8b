//! Reading uploaded files' text for the verifying admin, within bounds: at most so many reads at
//! once (each holds its turn until its thread ends, since a blocking parse cannot be cancelled),
//! and an answer by a deadline whether or not the read has finished.

use std::sync::Arc;
use std::time::Duration;

use domain::FileType;
use ports::Extractor;

use crate::bounded::{BoundedBlocking, Busy, RunError};

/// What a read gave by its deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extracted {
    /// The text, or `None` for a file with none to read.
    Text(Option<String>),
    /// Still reading at the deadline; the read goes on alone, holding its turn.
    TimedOut,
}

#[derive(Debug, Clone)]
pub struct ExtractionPool {
    extractor: Arc<dyn Extractor>,
    blocking: BoundedBlocking,
    deadline: Duration,
}

impl ExtractionPool {
    /// At most `concurrency` reads at once, one more waiting, each answered within `deadline`.
    pub fn new(extractor: Arc<dyn Extractor>, concurrency: usize, deadline: Duration) -> Self {
        Self {
            extractor,
            blocking: BoundedBlocking::new(concurrency, 1),
            deadline,
        }
    }

    /// The server's pool: one read per two cores, ten seconds each.
    pub fn for_this_machine(extractor: Arc<dyn Extractor>) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Self::new(extractor, cores.div_ceil(2), Duration::from_secs(10))
    }

    /// Reads `bytes` as a file of `file_type`.
    ///
    /// # Errors
    /// [`Busy`] when the reads at once and the one waiting are taken; a read that panicked is
    /// a file with no text.
    pub async fn text_of(&self, file_type: FileType, bytes: Vec<u8>) -> Result<Extracted, Busy> {
        let extractor = Arc::clone(&self.extractor);
        let read = self.blocking.run(move || extractor.text_of(file_type, &bytes));
        match tokio::time::timeout(self.deadline, read).await {
            Ok(Ok(text)) => Ok(Extracted::Text(text)),
            Ok(Err(RunError::Busy(busy))) => Err(busy),
            Ok(Err(RunError::Stopped(why))) => {
                tracing::warn!(error = %why, "text extraction stopped");
                Ok(Extracted::Text(None))
            }
            Err(_) => {
                tracing::warn!(deadline = ?self.deadline, "text extraction passed its deadline");
                Ok(Extracted::TimedOut)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes `delay` to find "text".
    #[derive(Debug)]
    struct Slow(Duration);

    impl Extractor for Slow {
        fn text_of(&self, _: FileType, _: &[u8]) -> Option<String> {
            std::thread::sleep(self.0);
            Some("text".into())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_read_past_its_deadline_is_answered_and_keeps_its_turn_until_it_ends() {
        let pool = ExtractionPool::new(
            Arc::new(Slow(Duration::from_millis(600))),
            1,
            Duration::from_millis(100),
        );
        let started = std::time::Instant::now();
        assert_eq!(pool.text_of(FileType::Pdf, vec![]).await, Ok(Extracted::TimedOut));
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "the caller did not wait for the read"
        );
        // The timed-out read still runs: a second read waits in the one queue place and is
        // itself timed out; a third finds no room at all.
        let second = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.text_of(FileType::Pdf, vec![]).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(pool.text_of(FileType::Pdf, vec![]).await.is_err(), "busy");
        assert_eq!(second.await.unwrap(), Ok(Extracted::TimedOut));
        tokio::time::sleep(Duration::from_millis(1_300)).await;
        let quick = ExtractionPool::new(Arc::new(Slow(Duration::ZERO)), 1, Duration::from_secs(5));
        assert_eq!(
            quick.text_of(FileType::Pdf, vec![]).await,
            Ok(Extracted::Text(Some("text".into())))
        );
    }
}
