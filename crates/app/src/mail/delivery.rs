//! Delivering queued email: claim what is due, hand each to the mailer, record what happened.
//! Emails are queued by the changes that cause them, in their transactions; this runs after
//! commit, so a rolled-back change sends nothing. A worker that dies mid-send leaves its claims to
//! expire and be taken again, so nothing committed is lost.

use std::time::Duration;

use domain::{EmailContent, MessageId, OutgoingEmail, PasswordToken, TokenKind, UserStatus};
use futures_util::StreamExt;
use identity::{RandomSource, issue_token};
use ports::{ClaimedEmail, Clock, Delivery, Mailer, SendError, Store, StoreError};
use uuid::Uuid;

/// How the worker paces itself and when it gives up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Emails claimed per round.
    pub batch: u32,
    /// Emails handed to the mailer at once.
    pub concurrency: usize,
    /// Attempts before a transient failure becomes FAILED.
    pub max_attempts: u32,
    /// How long a claim holds an email: longer than one send can take.
    pub lease: Duration,
    /// The wait before the second attempt; it doubles each time, up to `max_retry_delay`.
    pub first_retry_delay: Duration,
    pub max_retry_delay: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            // Small claims: a batch must be sent well within its lease (32 / 8 × a 10 s timeout),
            // or another worker would take the rest again.
            batch: 32,
            concurrency: 8,
            max_attempts: 6,
            lease: Duration::from_secs(120),
            first_retry_delay: Duration::from_secs(30),
            max_retry_delay: Duration::from_secs(3600),
        }
    }
}

impl DeliveryPolicy {
    /// The wait after failed attempt number `attempt` (1-based): exponential, with "equal jitter"
    /// (half fixed, half random) so a provider outage does not end in a synchronised stampede.
    pub fn retry_delay(&self, attempt: u32, rng: &dyn RandomSource) -> Duration {
        let doubling = 2u32.saturating_pow(attempt.saturating_sub(1));
        let full = self
            .first_retry_delay
            .saturating_mul(doubling)
            .min(self.max_retry_delay);
        let half = full / 2;
        let mut bytes = [0u8; 8];
        rng.fill(&mut bytes);
        let fraction = f64::from(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])) / f64::from(u32::MAX);
        half + half.mul_f64(fraction)
    }
}

/// What one round did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    pub claimed: u32,
    pub sent: u32,
    pub retried: u32,
    pub failed: u32,
}

impl DeliveryReport {
    fn add(&mut self, other: Self) {
        self.claimed += other.claimed;
        self.sent += other.sent;
        self.retried += other.retried;
        self.failed += other.failed;
    }
}

/// A password email's link gets its token now, as it is sent: 60 minutes from now, revoking the
/// user's earlier tokens of its kind. The queued email holds the link without it, so no usable
/// token ever waits in the database. `Ok(Err(reason))` when the link can no longer be made (the
/// user is gone or disabled): the email fails for good.
async fn with_fresh_link(
    s: DeliveryServices<'_>,
    mut email: OutgoingEmail,
) -> Result<Result<OutgoingEmail, String>, StoreError> {
    let (kind, url) = match &mut email.content {
        EmailContent::PasswordSetup { setup_url, .. } => (TokenKind::Setup, setup_url),
        EmailContent::PasswordReset { reset_url, .. } => (TokenKind::Reset, reset_url),
        _ => return Ok(Ok(email)),
    };
    let Some(user) = s.store.find_user_by_email(&email.to).await? else {
        return Ok(Err("the recipient has no account any more".into()));
    };
    if user.status == UserStatus::Disabled {
        return Ok(Err("user disabled".into()));
    }
    let now = s.clock.now();
    let issued = issue_token(kind, now, s.rng);
    let token = PasswordToken {
        id: Uuid::now_v7(),
        user_id: user.id,
        kind,
        token_hash: issued.hash.to_bytes(),
        created_at: now,
        expires_at: issued.expires_at,
        used_at: None,
        revoked_at: None,
    };
    s.store.issue_password_token(&token).await?;
    url.push_str(issued.plaintext.expose());
    Ok(Ok(email))
}

/// The ports delivery needs.
#[derive(Clone, Copy)]
pub struct DeliveryServices<'a> {
    pub store: &'a dyn Store,
    pub mailer: &'a dyn Mailer,
    pub clock: &'a dyn Clock,
    pub rng: &'a dyn RandomSource,
    pub policy: DeliveryPolicy,
}

impl std::fmt::Debug for DeliveryServices<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeliveryServices")
            .field("mailer", &self.mailer.name())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// One round: claims up to a batch of due emails and delivers them.
///
/// # Errors
/// [`StoreError`] when claiming or recording fails; an email whose outcome could not be recorded
/// is claimed again when its lease ends.
#[tracing::instrument(skip_all)]
pub async fn deliver_due(s: DeliveryServices<'_>) -> Result<DeliveryReport, StoreError> {
    let now = s.clock.now();
    let lease = chrono::Duration::from_std(s.policy.lease).unwrap_or(chrono::Duration::MAX);
    let claimed = s.store.claim_due_emails(now, now + lease, s.policy.batch).await?;
    let outcomes: Vec<Result<DeliveryReport, StoreError>> = futures_util::stream::iter(claimed)
        .map(|email| deliver_one(s, email))
        .buffer_unordered(s.policy.concurrency.max(1))
        .collect()
        .await;
    let mut report = DeliveryReport::default();
    for outcome in outcomes {
        report.add(outcome?);
    }
    Ok(report)
}

/// Rounds until nothing due is left; what the worker runs when woken, and what benchmarks time.
///
/// # Errors
/// As [`deliver_due`].
pub async fn drain(s: DeliveryServices<'_>) -> Result<DeliveryReport, StoreError> {
    let mut total = DeliveryReport::default();
    loop {
        let round = deliver_due(s).await?;
        total.add(round);
        if round.claimed < s.policy.batch {
            return Ok(total);
        }
    }
}

/// Records a sent email, retrying while the store is unavailable for up to half the lease: an
/// outcome lost here would have the email claimed and sent again when its lease ends, so a
/// database restart must not double a message.
async fn record_sent(s: DeliveryServices<'_>, id: MessageId, delivery: &Delivery) -> Result<bool, StoreError> {
    let give_up = tokio::time::Instant::now() + s.policy.lease / 2;
    let mut pause = Duration::from_millis(100);
    loop {
        match s.store.record_sent(id, delivery, s.clock.now()).await {
            Err(StoreError::Unavailable { .. }) if tokio::time::Instant::now() + pause < give_up => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(2));
            }
            other => return other,
        }
    }
}

async fn deliver_one(s: DeliveryServices<'_>, claimed: ClaimedEmail) -> Result<DeliveryReport, StoreError> {
    let mut report = DeliveryReport {
        claimed: 1,
        ..DeliveryReport::default()
    };
    let prepared = with_fresh_link(s, claimed.email.clone()).await?;
    let sent = match &prepared {
        Ok(email) => s.mailer.send(email).await,
        Err(reason) => Err(SendError::Permanent(reason.clone())),
    };
    let email = &claimed.email;
    match sent {
        Ok(delivery) => {
            record_sent(s, email.id, &delivery).await?;
            tracing::info!(message_id = %email.id, template = %email.content.alias(), mailer = s.mailer.name(), "email sent");
            report.sent = 1;
        }
        Err(SendError::Permanent(reason)) => {
            s.store.record_failed(email.id, &reason, s.clock.now()).await?;
            tracing::warn!(message_id = %email.id, error = %reason, "email refused for good");
            report.failed = 1;
        }
        Err(SendError::Transient(reason)) if claimed.attempt >= s.policy.max_attempts => {
            let reason = format!("gave up after {} attempts: {reason}", claimed.attempt);
            s.store.record_failed(email.id, &reason, s.clock.now()).await?;
            tracing::warn!(message_id = %email.id, error = %reason, "email failed");
            report.failed = 1;
        }
        Err(SendError::Transient(reason)) => {
            let now = s.clock.now();
            let delay = s.policy.retry_delay(claimed.attempt, s.rng);
            let retry_at = now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX);
            s.store.record_retry(email.id, &reason, retry_at, now).await?;
            tracing::info!(message_id = %email.id, attempt = claimed.attempt, error = %reason, %retry_at, "email will be retried");
            report.retried = 1;
        }
    }
    Ok(report)
}
