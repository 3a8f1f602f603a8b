//! The one place that links audit entries into the chain, after their transactions commit.
//! Requests never wait for it; it runs on a short interval and once more at shutdown.

use std::sync::Arc;
use std::time::Duration;

use ports::Store;
use tokio::sync::watch;

/// Seals pending entries every `interval` until `stop` turns true; then seals what is left.
pub async fn run(store: Arc<dyn Store>, interval: Duration, mut stop: watch::Receiver<bool>) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticker.tick() => seal(&*store).await,
            _ = stop.changed() => break,
        }
    }
    seal(&*store).await;
}

async fn seal(store: &dyn Store) {
    match app::audit::seal_all(store).await {
        Ok(0) => {}
        Ok(sealed) => tracing::debug!(sealed, "sealed audit entries"),
        Err(error) => tracing::warn!(error = ?error, "sealing the audit chain failed; will retry"),
    }
}
