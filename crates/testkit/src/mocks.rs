//! mockall mocks of the ports, for use-case tests that need a port to misbehave on cue.

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use domain::{
    AuditEntry, Client, ClientId, Document, DocumentId, Email, MessageId, NewAuditEntry, OutgoingEmail, PasswordToken,
    PortalUser, Property, PropertyId, Requirement, Review, SecondFactor, StoredPasswordHash, UserId, UserStatus,
};
use ports::{
    AdminQueries, After, AuditLog, AuditQuery, ChainHead, ClaimedEmail, ClientChanges, ClientPortfolio, ClientQuery,
    ClientRepository, ClientSummary, CreateClientError, CreateUserError, Delivery, DeliveryEvent, DocumentRepository,
    EventOutcome, EvidenceWrite, Figures, HealthCheck, JobClaim, JobLease, JobRepository, JobRun, JobWriteError,
    MessageFilter, MessagePage, MessageRecord, MessageRepository, PasswordTokenRepository, PaymentEvent,
    PaymentEventRepository, PropertyEvidence, PropertyRepository, ProvisionOutcome, ProvisioningRepository,
    ProvisioningWrite, RateDecision, RateLimitError, RateLimiter, ReviewError, RunEnd, SecondFactorRepository,
    SessionPrincipal, SessionRepository, StoreError, StoredPortfolio, UseTokenError, UserQuery, UserRepository,
    WriteEvidenceError,
};

mockall::mock! {
    pub Store {}

    #[async_trait]
    impl ClientRepository for Store {
        async fn create_client(&self, client: &Client, properties: &[Property], audit: &NewAuditEntry) -> Result<(), CreateClientError>;
        async fn get_client(&self, id: ClientId) -> Result<Option<Client>, StoreError>;
        async fn find_client_by_email(&self, email: &Email) -> Result<Option<Client>, StoreError>;
        async fn count_clients(&self) -> Result<u64, StoreError>;
    }

    #[async_trait]
    impl PropertyRepository for Store {
        async fn list_properties(&self, client: ClientId) -> Result<Vec<Property>, StoreError>;
    }

    #[async_trait]
    impl AuditLog for Store {
        async fn append(&self, entry: &NewAuditEntry) -> Result<(), StoreError>;
        async fn seal_pending(&self, max: u32) -> Result<u32, StoreError>;
        async fn sealed_entries(&self, after_seq: i64, limit: u32) -> Result<Vec<AuditEntry>, StoreError>;
        async fn chain_head(&self) -> Result<Option<ChainHead>, StoreError>;
        async fn unsealed_count(&self) -> Result<u64, StoreError>;
        async fn entries_for_client(&self, client: ClientId, limit: u32) -> Result<Vec<AuditEntry>, StoreError>;
    }

    #[async_trait]
    impl UserRepository for Store {
        async fn create_user(&self, user: &PortalUser, audit: &NewAuditEntry) -> Result<(), CreateUserError>;
        async fn get_user(&self, id: UserId) -> Result<Option<PortalUser>, StoreError>;
        async fn find_user_by_email(&self, email: &Email) -> Result<Option<PortalUser>, StoreError>;
        async fn set_user_status(&self, id: UserId, status: UserStatus, now: DateTime<Utc>, audit: &NewAuditEntry) -> Result<ports::StatusChange, StoreError>;
    }

    #[async_trait]
    impl PasswordTokenRepository for Store {
        async fn issue_password_token(&self, token: &PasswordToken) -> Result<(), StoreError>;
        async fn find_password_token(&self, token_hash: &[u8; 32]) -> Result<Option<PasswordToken>, StoreError>;
        async fn set_password_with_token(&self, token_id: uuid::Uuid, password_hash: &StoredPasswordHash, now: DateTime<Utc>, notice: &OutgoingEmail, audit: &NewAuditEntry) -> Result<(), UseTokenError>;
    }

    #[async_trait]
    impl MessageRepository for Store {
        async fn queue_email(&self, email: &OutgoingEmail, audit: &NewAuditEntry) -> Result<(), StoreError>;
        async fn claim_due_emails(&self, now: DateTime<Utc>, lease_until: DateTime<Utc>, limit: u32) -> Result<Vec<ClaimedEmail>, StoreError>;
        async fn record_sent(&self, id: MessageId, delivery: &Delivery, now: DateTime<Utc>) -> Result<bool, StoreError>;
        async fn record_retry(&self, id: MessageId, error: &str, retry_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), StoreError>;
        async fn record_failed(&self, id: MessageId, error: &str, now: DateTime<Utc>) -> Result<(), StoreError>;
        async fn apply_delivery_event(&self, provider_id: &str, event: &DeliveryEvent, now: DateTime<Utc>) -> Result<bool, StoreError>;
        async fn get_message(&self, id: MessageId) -> Result<Option<MessageRecord>, StoreError>;
        async fn list_messages(&self, filter: &MessageFilter) -> Result<MessagePage, StoreError>;
    }

    #[async_trait]
    impl DocumentRepository for Store {
        async fn property_evidence(&self, property: PropertyId) -> Result<PropertyEvidence, StoreError>;
        async fn create_document(&self, document: &Document, write: &EvidenceWrite, storage_quota: u64) -> Result<(), WriteEvidenceError>;
        async fn storage_used(&self, client: ClientId) -> Result<u64, StoreError>;
        async fn get_document(&self, id: DocumentId) -> Result<Option<Document>, StoreError>;
        async fn list_documents(&self, client: ClientId) -> Result<Vec<Document>, StoreError>;
        async fn review_document(&self, id: DocumentId, review: &Review, reviewer: UserId, now: DateTime<Utc>, write: &EvidenceWrite) -> Result<Document, ReviewError>;
        async fn store_portfolio(&self, client: ClientId, portfolio: &StoredPortfolio) -> Result<(), StoreError>;
    }

    #[async_trait]
    impl AdminQueries for Store {
        async fn figures(&self, now: DateTime<Utc>) -> Result<Figures, StoreError>;
        async fn list_clients(&self, query: &ClientQuery) -> Result<Vec<ClientSummary>, StoreError>;
        async fn pending_documents(&self, after: Option<After<DocumentId>>, limit: u32) -> Result<Vec<Document>, StoreError>;
        async fn list_users(&self, query: &UserQuery) -> Result<Vec<PortalUser>, StoreError>;
        async fn users_of_client(&self, client: ClientId) -> Result<Vec<PortalUser>, StoreError>;
        async fn query_audit(&self, query: &AuditQuery) -> Result<Vec<(i64, AuditEntry)>, StoreError>;
    }

    #[async_trait]
    impl JobRepository for Store {
        async fn claim_job_run(&self, lease: &JobLease, now: DateTime<Utc>) -> Result<JobClaim, StoreError>;
        async fn finish_job_run(&self, lease: &JobLease, end: &RunEnd, now: DateTime<Utc>, audit: &NewAuditEntry) -> Result<bool, StoreError>;
        async fn last_job_successes(&self) -> Result<Vec<JobRun>, StoreError>;
        async fn active_portfolios(&self, after: Option<ClientId>, limit: u32, today: NaiveDate) -> Result<Vec<ClientPortfolio>, StoreError>;
        async fn write_job_page(&self, lease: &JobLease, today: NaiveDate, changes: &[ClientChanges]) -> Result<(), JobWriteError>;
    }

    #[async_trait]
    impl PaymentEventRepository for Store {
        async fn apply_payment_event(&self, event: &PaymentEvent, audit: &NewAuditEntry, emails: &[OutgoingEmail]) -> Result<EventOutcome, StoreError>;
    }

    #[async_trait]
    impl ProvisioningRepository for Store {
        async fn list_requirements(&self, client: ClientId) -> Result<Vec<Requirement>, StoreError>;
        async fn provision(&self, write: &ProvisioningWrite) -> Result<ProvisionOutcome, StoreError>;
        async fn record_provisioning_failure(&self, client: ClientId, reason: &str, now: DateTime<Utc>, started: &NewAuditEntry, failed: &NewAuditEntry) -> Result<(), StoreError>;
    }

    #[async_trait]
    impl SecondFactorRepository for Store {
        async fn enrol_second_factor(&self, user: UserId, sealed_totp_secret: &[u8], recovery_code_hashes: &[[u8; 32]], now: DateTime<Utc>, audit: &NewAuditEntry) -> Result<(), StoreError>;
        async fn second_factor(&self, user: UserId) -> Result<Option<SecondFactor>, StoreError>;
        async fn second_factors_of_length(&self, len: usize) -> Result<Vec<(UserId, Vec<u8>)>, StoreError>;
        async fn replace_totp_secret(&self, user: UserId, old: &[u8], new: &[u8], audit: &NewAuditEntry) -> Result<bool, StoreError>;
        async fn use_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError>;
        async fn use_recovery_code(&self, user: UserId, code_hash: &[u8; 32], now: DateTime<Utc>) -> Result<bool, StoreError>;
    }

    #[async_trait]
    impl SessionRepository for Store {
        async fn revoke_session(&self, session_id: uuid::Uuid, user: UserId, expires_at: DateTime<Utc>, now: DateTime<Utc>, audit: &NewAuditEntry) -> Result<(), StoreError>;
        async fn session_principal(&self, user: UserId, session_id: uuid::Uuid, with_portfolio: bool) -> Result<Option<SessionPrincipal>, StoreError>;
    }

    #[async_trait]
    impl HealthCheck for Store {
        async fn ping(&self) -> Result<(), StoreError>;
    }
}

impl std::fmt::Debug for MockStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MockStore")
    }
}

mockall::mock! {
    pub RateLimiter {}

    #[async_trait]
    impl RateLimiter for RateLimiter {
        async fn check(&self, key: &str, limit: u32, window: std::time::Duration) -> Result<RateDecision, RateLimitError>;
        fn usage(&self) -> Option<ports::RateLimiterUsage>;
        fn name(&self) -> &'static str;
        fn degraded(&self) -> bool;
    }
}

impl std::fmt::Debug for MockRateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MockRateLimiter")
    }
}

mockall::mock! {
    pub DocumentStore {}

    #[async_trait]
    impl ports::DocumentStore for DocumentStore {
        fn name(&self) -> &'static str;
        async fn create(&self, key: &ports::StorageKey) -> Result<Box<dyn ports::DocumentUpload>, ports::StorageError>;
        async fn open(&self, key: &ports::StorageKey) -> Result<Box<dyn ports::DocumentDownload>, ports::StorageError>;
        async fn delete(&self, key: &ports::StorageKey) -> Result<(), ports::StorageError>;
    }
}

impl std::fmt::Debug for MockDocumentStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MockDocumentStore")
    }
}

mockall::mock! {
    pub TextReader {}

    #[async_trait]
    impl ports::TextReader for TextReader {
        async fn read_text(&self, file_type: domain::FileType, bytes: Vec<u8>) -> Result<ports::TextRead, ports::ReadBusy>;
    }
}

impl std::fmt::Debug for MockTextReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MockTextReader")
    }
}

mockall::mock! {
    pub PackRenderer {}

    impl ports::PackRenderer for PackRenderer {
        fn pdf(&self, pack: &domain::CompliancePack, json_sha256: &[u8; 32]) -> Result<Vec<u8>, ports::PackError>;
    }
}

mockall::mock! {
    pub PackSigner {}

    impl ports::PackSigner for PackSigner {
        fn public_key(&self) -> String;
        fn sign(&self, message: &[u8]) -> String;
    }
}

macro_rules! named_debug {
    ($($name:ident),+) => {$(
        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    )+};
}

named_debug!(MockPackRenderer, MockPackSigner);
