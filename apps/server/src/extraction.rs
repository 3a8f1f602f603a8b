//! Reading uploaded files' text for the verifying admin, within bounds: at most so many reads at
//! once (each holds its turn until its thread ends, since a blocking parse cannot be cancelled),
//! and an answer by a deadline whether or not the read has finished.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use domain::FileType;
use ports::{Extractor, ReadBusy, TextRead, TextReader};

use crate::bounded::{BoundedBlocking, Busy, RunError};

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
}

#[async_trait]
impl TextReader for ExtractionPool {
    async fn read_text(&self, file_type: FileType, bytes: Vec<u8>) -> Result<TextRead, ReadBusy> {
        let extractor = Arc::clone(&self.extractor);
        let read = self.blocking.run(move || extractor.text_of(file_type, &bytes));
        match tokio::time::timeout(self.deadline, read).await {
            Ok(Ok(text)) => Ok(TextRead::Text(text)),
            Ok(Err(RunError::Busy(Busy { retry_after }))) => Err(ReadBusy { retry_after }),
            Ok(Err(RunError::Stopped(why))) => {
                tracing::warn!(error = %why, "text extraction stopped");
                Ok(TextRead::Text(None))
            }
            Err(_) => {
                // The read goes on alone, holding its turn until its thread ends.
                tracing::warn!(deadline = ?self.deadline, "text extraction passed its deadline");
                Ok(TextRead::TimedOut)
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
        assert_eq!(pool.read_text(FileType::Pdf, vec![]).await, Ok(TextRead::TimedOut));
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "the caller did not wait for the read"
        );
        // The timed-out read still runs: a second read waits in the one queue place and is
        // itself timed out; a third finds no room at all.
        let second = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.read_text(FileType::Pdf, vec![]).await })
        };
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(pool.read_text(FileType::Pdf, vec![]).await.is_err(), "busy");
        assert_eq!(second.await.unwrap(), Ok(TextRead::TimedOut));
        tokio::time::sleep(Duration::from_millis(1_300)).await;
        let quick = ExtractionPool::new(Arc::new(Slow(Duration::ZERO)), 1, Duration::from_secs(5));
        assert_eq!(
            quick.read_text(FileType::Pdf, vec![]).await,
            Ok(TextRead::Text(Some("text".into())))
        );
    }
}
