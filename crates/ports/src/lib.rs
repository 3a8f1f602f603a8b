//! The driven ports: every trait an adapter implements, each method with its `# Errors` contract.
//! Nothing here knows which database, cache or provider sits behind a trait.

mod admin;
mod audit;
mod clock;
mod documents;
mod error;
mod evidence;
mod extract;
mod hasher;
mod jobs;
mod mail;
mod pack;
mod payments;
mod provisioning;
mod rate_limit;
mod store;
mod users;

pub use admin::{AdminQueries, After, AuditQuery, ClientQuery, ClientSummary, Figures, UserQuery};
pub use audit::{AuditLog, ChainHead};
pub use clock::Clock;
pub use documents::{DocumentDownload, DocumentStore, DocumentUpload, StorageError, StorageKey};
pub use error::{BoxError, StoreError};
pub use evidence::{
    DocumentRepository, EvidenceWrite, PortfolioRead, PropertyEvidence, ReviewError, StoredPortfolio,
    WriteEvidenceError,
};
pub use extract::{Extractor, ReadBusy, TextRead, TextReader};
pub use hasher::{HashError, PasswordHasher};
pub use jobs::{
    ClientChanges, ClientPortfolio, JobClaim, JobLease, JobRepository, JobRun, JobWriteError, PropertyChanges,
    PropertyRecord, RunEnd, SentReminder,
};
pub use mail::{
    ClaimedEmail, Delivery, DeliveryEvent, Mailer, MessageFilter, MessagePage, MessageRecord, MessageRepository,
    SendError,
};
pub use pack::{ArchiveFile, ArchiveSink, ArchiveSource, PackArchiver, PackError, PackRenderer, PackSigner};
pub use payments::{
    BillingChange, CheckoutRequest, CheckoutSession, EventOutcome, PaymentError, PaymentEvent, PaymentEventRepository,
    PaymentGateway, PaymentWebhook, WebhookError,
};
pub use provisioning::{NewPortalAccount, ProvisionOutcome, ProvisioningRepository, ProvisioningWrite};
pub use rate_limit::{RateDecision, RateLimitError, RateLimiter, RateLimiterUsage};
pub use store::{ClientRepository, CreateClientError, HealthCheck, PropertyRepository, Store};
pub use users::{
    CreateUserError, PasswordTokenRepository, SecondFactorRepository, SessionPrincipal, SessionRepository,
    StatusChange, UseTokenError, UserRepository,
};
