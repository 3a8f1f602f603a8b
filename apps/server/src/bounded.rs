//! Work with a fixed bound: blocking jobs (Argon2id, PDF parsing) on tokio's blocking pool, at
//! most so many at once with a short queue. Beyond the bound the answer is "busy" at once, so
//! load never turns into memory.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The bound is reached; nothing was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("busy: retry in {} s", retry_after.as_secs())]
pub struct Busy {
    pub retry_after: Duration,
}

/// What a caller refused as busy is told to wait.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// At most `concurrency` blocking jobs at once; up to `queue` more wait for a turn.
#[derive(Debug, Clone)]
pub struct BoundedBlocking {
    running: Arc<Semaphore>,
    waiting: Arc<AtomicUsize>,
    queue: usize,
}

/// Failures of [`BoundedBlocking::run`].
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(transparent)]
    Busy(#[from] Busy),
    /// The job panicked, or the runtime is shutting down.
    #[error("the job stopped: {0}")]
    Stopped(String),
}

/// Counts a waiter for as long as it waits, however its wait ends (a cancelled request too).
struct Waiting(Arc<AtomicUsize>);

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl BoundedBlocking {
    /// At least one job at once.
    pub fn new(concurrency: usize, queue: usize) -> Self {
        Self {
            running: Arc::new(Semaphore::new(concurrency.max(1))),
            waiting: Arc::new(AtomicUsize::new(0)),
            queue,
        }
    }

    async fn permit(&self) -> Result<OwnedSemaphorePermit, RunError> {
        if let Ok(permit) = Arc::clone(&self.running).try_acquire_owned() {
            return Ok(permit);
        }
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(Busy {
                retry_after: RETRY_AFTER,
            }
            .into());
        }
        let _waiting = Waiting(Arc::clone(&self.waiting));
        Arc::clone(&self.running)
            .acquire_owned()
            .await
            .map_err(|e| RunError::Stopped(e.to_string()))
    }

    /// Runs `job` on the blocking pool once a turn is free. The turn is given back only when the
    /// thread is done: a caller that stops waiting cannot stop a blocking job, and must not let
    /// another start beside it.
    ///
    /// # Errors
    /// [`RunError::Busy`] when the bound and the queue are full, [`RunError::Stopped`] when the
    /// job panicked.
    pub async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, RunError> {
        let permit = self.permit().await?;
        tokio::task::spawn_blocking(move || {
            let result = job();
            drop(permit);
            result
        })
        .await
        .map_err(|e| RunError::Stopped(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_the_bound_runs_at_once_and_beyond_the_queue_the_answer_is_busy() {
        let pool = BoundedBlocking::new(2, 3);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..12)
            .map(|_| {
                let (pool, running, most) = (pool.clone(), Arc::clone(&running), Arc::clone(&most));
                tokio::spawn(async move {
                    pool.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(150));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        let mut busy = 0;
        for job in jobs {
            match job.await.unwrap() {
                Ok(()) => {}
                Err(RunError::Busy(Busy { retry_after })) => {
                    assert!(retry_after >= Duration::from_secs(1));
                    busy += 1;
                }
                Err(other) => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(most.load(Ordering::SeqCst), 2, "never more than the bound at once");
        assert_eq!(busy, 7, "two running and three queued; the rest refused");
        assert!(pool.run(|| ()).await.is_ok(), "turns come back");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_caller_that_stops_waiting_neither_frees_a_running_turn_nor_keeps_a_queue_place() {
        let pool = BoundedBlocking::new(1, 1);
        let running = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.run(|| std::thread::sleep(Duration::from_millis(400))).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        let waiting = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.run(|| ()).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        running.abort();
        waiting.abort();
        tokio::time::sleep(Duration::from_millis(50)).await;
        // The abandoned job still runs and holds its turn; the abandoned waiter left the queue,
        // so there is one place to wait in (not "busy"), and the wait ends once the job does.
        let queued = tokio::time::timeout(Duration::from_secs(2), pool.run(|| ())).await;
        assert!(matches!(queued, Ok(Ok(()))), "{queued:?}");
    }
}
