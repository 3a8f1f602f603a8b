//! The vocabulary of Compliance Vault: identifiers, values that are valid by construction,
//! statuses and audit actions. Nothing here performs I/O or reads the clock.

mod macros;

pub mod audit;
pub mod calendar;
pub mod chain;
pub mod client;
pub mod document;
pub mod email;
mod facts;
pub mod ids;
pub mod mail;
pub mod pack;
pub mod plan;
pub mod postcode;
pub mod property;
pub mod requirement;
pub mod snapshot;
pub mod status;
pub mod text;
pub mod user;

pub use audit::{Actor, ActorRole, AuditAction, AuditEntry, ChainHash, ChainHashError, NewAuditEntry, Seal};
pub use calendar::{uk_date, uk_time};
pub use chain::{ChainBreak, ChainHead, ChainProblem, ChainVerifier, link};
pub use client::{Client, ClientType, Intake, NewClient, OnboardingStatus, PreferredContact, SubscriptionStatus};
pub use document::{
    ConfirmedFacts, DisplayName, Document, DocumentStatus, FileType, FileTypeError, Review, SNIFF_BYTES, StatedFacts,
    StoredFile,
};
pub use email::{Email, EmailError};
pub use facts::FactsError;
pub use ids::{ClientId, DocumentId, MessageId, PropertyId, RequestId, RequirementId, UserId};
pub use mail::{DueItem, EmailContent, MessageStatus, OutgoingEmail, RagCounts, TemplateAlias};
pub use pack::{CompliancePack, ManifestLine};
pub use plan::{BillingPlan, PlanBoundError};
pub use postcode::{PostcodeError, UkPostcode};
pub use property::{Nation, NewProperty, Property};
pub use requirement::{EpcRating, Requirement, RequirementType};
pub use snapshot::{JobCounts, JobKind, JobOutcome, Snapshot, StoredSnapshot};
pub use status::{Rag, Status};
pub use text::{BoundedText, MultilineText, TextError};
pub use user::{
    PasswordStatus, PasswordToken, PortalUser, Role, SecondFactor, StoredPasswordHash, TokenKind, UserStatus,
};

/// The error returned when text names no variant of one of our enumerations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not one of: {expected}")]
pub struct UnknownVariant {
    pub value: String,
    pub expected: &'static str,
}
