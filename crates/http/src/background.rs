//! Work done after a request has been answered (forgot-password lookups), at most so many tasks
//! at once: beyond the bound the request itself is refused as busy, so load never turns into
//! memory.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

/// The bound is reached; nothing was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("busy: retry in {} s", retry_after.as_secs())]
pub struct Busy {
    pub retry_after: Duration,
}

/// What a caller refused as busy is told to wait.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// At most `limit` background tasks at once; a task beyond it is refused, not queued.
#[derive(Debug, Clone)]
pub struct BoundedTasks {
    running: Arc<Semaphore>,
}

impl BoundedTasks {
    pub fn new(limit: usize) -> Self {
        Self {
            running: Arc::new(Semaphore::new(limit.max(1))),
        }
    }

    /// Spawns `task` on the runtime if there is room.
    ///
    /// # Errors
    /// [`Busy`] when `limit` tasks are running; `task` is dropped unstarted.
    pub fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) -> Result<(), Busy> {
        let permit = Arc::clone(&self.running).try_acquire_owned().map_err(|_| Busy {
            retry_after: RETRY_AFTER,
        })?;
        tokio::spawn(async move {
            task.await;
            drop(permit);
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn background_tasks_beyond_the_limit_are_refused_and_room_comes_back() {
        let tasks = BoundedTasks::new(2);
        let (release, wait) = tokio::sync::watch::channel(false);
        for _ in 0..2 {
            let mut wait = wait.clone();
            tasks
                .spawn(async move {
                    wait.wait_for(|go| *go).await.ok();
                })
                .unwrap();
        }
        assert!(tasks.spawn(async {}).is_err());
        release.send(true).unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(tasks.spawn(async {}).is_ok());
    }
}
