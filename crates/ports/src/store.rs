//! Repositories for clients and properties. Every method that changes state takes the audit
//! entry recording the change and MUST write both in one transaction: both or neither.

use async_trait::async_trait;
use domain::{Client, ClientId, Email, NewAuditEntry, Property};

use crate::{
    AdminQueries, AuditLog, DocumentRepository, JobRepository, MessageRepository, PasswordTokenRepository,
    PaymentEventRepository, ProvisioningRepository, SecondFactorRepository, SessionRepository, StoreError,
    UserRepository,
};

/// Why a client could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateClientError {
    #[error("a client with this email is already registered")]
    DuplicateEmail,
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[async_trait]
pub trait ClientRepository: Send + Sync {
    /// Stores a new client, its properties and the audit entry recording the intake, atomically.
    ///
    /// # Errors
    /// MUST return [`CreateClientError::DuplicateEmail`] when a client with the same (normalised)
    /// email exists, including when two such calls race; nothing is written in that case.
    async fn create_client(
        &self,
        client: &Client,
        properties: &[Property],
        audit: &NewAuditEntry,
    ) -> Result<(), CreateClientError>;

    /// # Errors
    /// [`StoreError`] when the store fails; an unknown id is `Ok(None)`.
    async fn get_client(&self, id: ClientId) -> Result<Option<Client>, StoreError>;

    /// # Errors
    /// [`StoreError`] when the store fails; an unknown email is `Ok(None)`.
    async fn find_client_by_email(&self, email: &Email) -> Result<Option<Client>, StoreError>;

    /// How many clients exist (for health figures and tests).
    ///
    /// # Errors
    /// [`StoreError`] when the store fails.
    async fn count_clients(&self) -> Result<u64, StoreError>;
}

#[async_trait]
pub trait PropertyRepository: Send + Sync {
    /// A client's properties, oldest first.
    ///
    /// # Errors
    /// [`StoreError`] when the store fails; an unknown client has no properties.
    async fn list_properties(&self, client: ClientId) -> Result<Vec<Property>, StoreError>;
}

#[async_trait]
pub trait HealthCheck: Send + Sync {
    /// Answers quickly whether the store can serve a query now.
    ///
    /// # Errors
    /// [`StoreError::Unavailable`] when it cannot.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Everything a relational backend provides; implemented for any type that has every part.
pub trait Store:
    ClientRepository
    + PropertyRepository
    + UserRepository
    + PasswordTokenRepository
    + SecondFactorRepository
    + SessionRepository
    + MessageRepository
    + DocumentRepository
    + PaymentEventRepository
    + ProvisioningRepository
    + JobRepository
    + AdminQueries
    + AuditLog
    + HealthCheck
    + std::fmt::Debug
{
}

impl<T> Store for T where
    T: ClientRepository
        + PropertyRepository
        + UserRepository
        + PasswordTokenRepository
        + SecondFactorRepository
        + SessionRepository
        + MessageRepository
        + DocumentRepository
        + PaymentEventRepository
        + ProvisioningRepository
        + JobRepository
        + AdminQueries
        + AuditLog
        + HealthCheck
        + std::fmt::Debug
{
}
