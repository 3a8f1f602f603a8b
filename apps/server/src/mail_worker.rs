//! The delivery worker: sends queued email after the changes that queued it commit. It wakes when
//! a request queues something and on a short interval (for retries, and for email queued by other
//! instances); several instances can run it at once, since claims never overlap.

use std::sync::Arc;
use std::time::Duration;

use app::mail::{DeliveryPolicy, DeliveryServices};
use identity::RandomSource;
use ports::{Clock, Mailer, Store};
use tokio::sync::{Notify, watch};

/// What the worker needs, owned so it can run on its own task.
#[derive(Clone)]
pub struct MailWorker {
    pub store: Arc<dyn Store>,
    pub mailer: Arc<dyn Mailer>,
    pub clock: Arc<dyn Clock>,
    pub rng: Arc<dyn RandomSource>,
    pub policy: DeliveryPolicy,
    pub poll_interval: Duration,
    pub wakeup: Arc<Notify>,
}

impl std::fmt::Debug for MailWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailWorker")
            .field("mailer", &self.mailer.name())
            .field("policy", &self.policy)
            .field("poll_interval", &self.poll_interval)
            .finish_non_exhaustive()
    }
}

impl MailWorker {
    /// Delivers what is due until `stop` turns true. Email still queued then is sent after the
    /// next start: nothing committed is lost.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            self.deliver().await;
            tokio::select! {
                () = tokio::time::sleep(self.poll_interval) => {}
                () = self.wakeup.notified() => {}
                _ = stop.changed() => break,
            }
        }
    }

    async fn deliver(&self) {
        let services = DeliveryServices {
            store: &*self.store,
            mailer: &*self.mailer,
            clock: &*self.clock,
            rng: &*self.rng,
            policy: self.policy,
        };
        match app::mail::drain(services).await {
            Ok(report) if report.claimed > 0 => tracing::debug!(?report, "delivered queued email"),
            Ok(_) => {}
            Err(error) => tracing::warn!(error = ?error, "delivering queued email failed; will retry"),
        }
    }
}
