//! What every handler shares: the ports, behind `Arc<dyn …>` so one binary serves either backend,
//! and the services each area's use cases are called with. Handlers take services from here;
//! they never call a port themselves.

use std::net::IpAddr;
use std::sync::Arc;

use actix_web::{HttpMessage, HttpRequest};
use app::RequestContext;
use app::access::{AccessServices, LoginLimits, RandomSource, SessionSigner, TotpKey};
use app::documents::{DocumentServices, UploadLimits};
use app::mail::{Links, MailServices};
use app::onboarding::{IntakeLimits, OnboardingServices};
use domain::{Actor, RequestId};
use ports::{
    Clock, DocumentStore, PackArchiver, PackRenderer, PackSigner, PasswordHasher, PaymentGateway, PaymentWebhook,
    RateLimiter, Store, TextReader,
};
use secrecy::SecretString;
use tokio::sync::Notify;

use crate::background::BoundedTasks;
use crate::client_address::client_address;
use crate::session::UnauditedRefusals;

#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub rate_limiter: Arc<dyn RateLimiter>,
    pub intake_limits: IntakeLimits,
    /// `sqlite` or `postgres`, for the health report.
    pub backend: &'static str,
    pub hasher: Arc<dyn PasswordHasher>,
    pub sessions: Arc<SessionSigner>,
    pub rng: Arc<dyn RandomSource>,
    pub secure_cookies: bool,
    pub admin_second_factor_required: bool,
    pub login_limits: LoginLimits,
    /// Builds every emailed link from the configured public address.
    pub links: Arc<Links>,
    /// Wakes the delivery worker after a request queues email.
    pub mail_wakeup: Arc<Notify>,
    /// `postmark`, `smtp` or `outbox`, for the health report.
    pub mailer: &'static str,
    /// What Postmark's webhook must present; `None` turns the webhook off (503).
    pub postmark_webhook: Option<Arc<(String, SecretString)>>,
    /// Opens checkouts; `None` when payments are not configured.
    pub payments: Option<Arc<dyn PaymentGateway>>,
    /// The local test checkout (`/dev/checkout`): only in development without a payment provider.
    pub dev_checkout: bool,
    /// Checks Stripe's webhook; `None` turns the webhook off (503).
    pub payment_webhook: Option<Arc<dyn PaymentWebhook>>,
    /// Proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`).
    pub trusted_proxies: Arc<[IpAddr]>,
    /// Where evidence files are kept.
    pub documents: Arc<dyn DocumentStore>,
    /// The largest evidence file, one client's quota, one user's uploads an hour.
    pub upload_limits: UploadLimits,
    /// Reads uploaded files' text for the verifying admin's suggestions, within bounds.
    pub text_reader: Arc<dyn TextReader>,
    /// Encrypts admins' TOTP secrets at rest.
    pub totp_key: Arc<TotpKey>,
    /// Counts route guard refusals that repeat an audited one.
    pub unaudited_refusals: Arc<UnauditedRefusals>,
    /// The HTTP figures `/metrics` publishes, counted by this server.
    pub metrics: Arc<crate::metrics::HttpMetrics>,
    /// What a scrape of `/metrics` must present as a bearer token; `None` leaves it open.
    pub metrics_token: Option<Arc<SecretString>>,
    /// Draws, bundles and signs compliance packs.
    pub pack_renderer: Arc<dyn PackRenderer>,
    pub pack_archiver: Arc<dyn PackArchiver>,
    pub pack_signer: Arc<dyn PackSigner>,
    /// Work done after the answer (forgot-password lookups), bounded.
    pub background: BoundedTasks,
}

impl AppState {
    /// The ports the access use cases take.
    pub fn access(&self) -> AccessServices<'_> {
        AccessServices {
            store: &*self.store,
            clock: &*self.clock,
            limiter: &*self.rate_limiter,
            hasher: &*self.hasher,
            sessions: &self.sessions,
            rng: &*self.rng,
            login_limits: self.login_limits,
            links: &self.links,
            totp_key: &self.totp_key,
        }
    }

    /// The ports intake, checkout, payment events and provisioning take.
    pub fn onboarding(&self) -> OnboardingServices<'_> {
        OnboardingServices {
            store: &*self.store,
            clock: &*self.clock,
            limiter: &*self.rate_limiter,
            links: &self.links,
            payments: self.payments.as_deref(),
            webhook: self.payment_webhook.as_deref(),
            intake_limits: self.intake_limits,
        }
    }

    /// The ports the document use cases take.
    pub fn documents(&self) -> DocumentServices<'_> {
        DocumentServices {
            store: &*self.store,
            files: &*self.documents,
            clock: &*self.clock,
            limiter: &*self.rate_limiter,
            reader: &*self.text_reader,
            limits: self.upload_limits,
        }
    }

    /// The ports the compliance pack takes.
    pub fn pack(&self) -> app::pack::PackServices<'_> {
        app::pack::PackServices {
            store: &*self.store,
            files: &*self.documents,
            clock: &*self.clock,
            renderer: &*self.pack_renderer,
            signer: &*self.pack_signer,
        }
    }

    /// The ports the console's lists take.
    pub fn console(&self) -> app::console::ConsoleServices<'_> {
        app::console::ConsoleServices {
            store: &*self.store,
            clock: &*self.clock,
        }
    }

    /// The ports the operators' email use cases take.
    pub fn mail(&self) -> MailServices<'_> {
        MailServices {
            store: &*self.store,
            clock: &*self.clock,
            links: &self.links,
        }
    }

    /// Tells the delivery worker that email was queued, so it goes out now rather than at the
    /// next poll.
    pub fn email_queued(&self) {
        self.mail_wakeup.notify_one();
    }

    /// The use-case context of an anonymous request.
    pub fn request_context(&self, req: &HttpRequest) -> RequestContext {
        RequestContext {
            actor: Actor::anonymous(),
            request_id: req.extensions().get::<RequestId>().cloned(),
            // The peer, or what a trusted proxy says: a client cannot choose its own bucket.
            source_address: client_address(req, &self.trusted_proxies).map(|a| a.to_string()),
        }
    }
}
