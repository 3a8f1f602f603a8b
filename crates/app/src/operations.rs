//! What the operations endpoints report: whether the store answers, how far the audit sealer
//! and the email queue are behind, and when each scheduled job last succeeded.

use chrono::{DateTime, Utc};
use domain::MessageStatus;
use ports::{MessageFilter, Store};

use crate::jobs::{JobHealth, job_health};

/// The store's side of health. `None` where it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreHealth {
    pub reachable: bool,
    /// Audit entries written but not yet linked into the chain.
    pub audit_unsealed: Option<u64>,
    /// Emails waiting to be sent.
    pub emails_queued: Option<u64>,
    /// Each job's last success, as of the `now` asked about.
    pub jobs: Option<Vec<JobHealth>>,
}

/// Pings the store and, when it answers, reads the two backlogs. Never fails: a failure is
/// what it reports (and logs).
#[tracing::instrument(skip_all)]
pub async fn store_health(store: &dyn Store, now: DateTime<Utc>) -> StoreHealth {
    if let Err(error) = store.ping().await {
        tracing::warn!(error = ?error, "health check: database unreachable");
        return StoreHealth {
            reachable: false,
            audit_unsealed: None,
            emails_queued: None,
            jobs: None,
        };
    }
    let waiting = MessageFilter {
        status: Some(MessageStatus::Queued),
        ..MessageFilter::default()
    };
    StoreHealth {
        reachable: true,
        audit_unsealed: store.unsealed_count().await.ok(),
        emails_queued: store.list_messages(&waiting).await.ok().map(|page| page.total),
        jobs: job_health(store, now).await.ok(),
    }
}

/// What `/metrics` publishes from the store: the grouped counts, the unsealed audit backlog and
/// each job's last success. Read on each scrape, so every instance reports the same values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationalFigures {
    pub counts: ports::Figures,
    pub audit_unsealed: u64,
    pub jobs: Vec<JobHealth>,
}

/// Reads the figures as of `now`.
///
/// # Errors
/// [`ports::StoreError`] when the store fails; the scrape then answers 503.
#[tracing::instrument(skip_all)]
pub async fn operational_figures(
    store: &dyn Store,
    now: DateTime<Utc>,
) -> Result<OperationalFigures, ports::StoreError> {
    Ok(OperationalFigures {
        counts: store.figures(now).await?,
        audit_unsealed: store.unsealed_count().await?,
        jobs: job_health(store, now).await?,
    })
}
