//! The operators' console: clients (filtered, searched, a page at a time), one client whole,
//! the verification queue, users and the audit log. Reading only: every change an operator
//! makes goes through the use case of its area, audited there.

use domain::{AuditEntry, Client, ClientId, Document, DocumentId, PortalUser};
use ports::{
    After, AuditQuery, ClientQuery, ClientSummary, Clock, MessageFilter, MessageRecord, Store, StoreError, UserQuery,
};

use crate::documents::{Portfolio, portfolio_of};

/// How many of a client's newest messages and audit entries its page shows.
pub const RECENT_MESSAGES: u32 = 20;
pub const RECENT_AUDIT: u32 = 50;

#[derive(Clone, Copy)]
pub struct ConsoleServices<'a> {
    pub store: &'a dyn Store,
    pub clock: &'a dyn Clock,
}

impl std::fmt::Debug for ConsoleServices<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsoleServices").finish_non_exhaustive()
    }
}

/// One client as the console shows it.
#[derive(Debug, Clone)]
pub struct ClientDetail {
    pub client: Client,
    /// Its properties and their requirements as of today in the UK.
    pub portfolio: Portfolio,
    /// Newest first.
    pub documents: Vec<Document>,
    pub users: Vec<PortalUser>,
    /// The newest [`RECENT_MESSAGES`].
    pub messages: Vec<MessageRecord>,
    /// The newest [`RECENT_AUDIT`], each with its position in the log.
    pub audit: Vec<(i64, AuditEntry)>,
}

/// # Errors
/// [`StoreError`] when the store fails.
#[tracing::instrument(skip_all)]
pub async fn list_clients(s: ConsoleServices<'_>, query: &ClientQuery) -> Result<Vec<ClientSummary>, StoreError> {
    s.store.list_clients(query).await
}

/// The client with everything about it; `None` for an unknown id.
///
/// # Errors
/// [`StoreError`] when the store fails.
#[tracing::instrument(skip_all, fields(client_id = %client_id))]
pub async fn client_detail(s: ConsoleServices<'_>, client_id: ClientId) -> Result<Option<ClientDetail>, StoreError> {
    let Some(client) = s.store.get_client(client_id).await? else {
        return Ok(None);
    };
    let today = s.clock.today();
    let documents = s.store.list_documents(client_id).await?;
    let portfolio = portfolio_of(s.store.list_properties(client_id).await?, &documents, today);
    let recent = MessageFilter {
        client_id: Some(client_id),
        limit: RECENT_MESSAGES,
        ..MessageFilter::default()
    };
    Ok(Some(ClientDetail {
        client,
        portfolio,
        users: s.store.users_of_client(client_id).await?,
        messages: s.store.list_messages(&recent).await?.items,
        audit: s
            .store
            .query_audit(&AuditQuery {
                client_id: Some(client_id),
                limit: RECENT_AUDIT,
                ..AuditQuery::default()
            })
            .await?,
        documents,
    }))
}

/// Documents waiting for review, oldest first.
///
/// # Errors
/// [`StoreError`] when the store fails.
#[tracing::instrument(skip_all)]
pub async fn verification_queue(
    s: ConsoleServices<'_>,
    after: Option<After<DocumentId>>,
    limit: u32,
) -> Result<Vec<Document>, StoreError> {
    s.store.pending_documents(after, limit).await
}

/// One document, for the operator reviewing it; `None` for an unknown id.
///
/// # Errors
/// [`StoreError`] when the store fails.
#[tracing::instrument(skip_all, fields(document_id = %id))]
pub async fn document(s: ConsoleServices<'_>, id: DocumentId) -> Result<Option<Document>, StoreError> {
    s.store.get_document(id).await
}

/// # Errors
/// [`StoreError`] when the store fails.
#[tracing::instrument(skip_all)]
pub async fn list_users(s: ConsoleServices<'_>, query: &UserQuery) -> Result<Vec<PortalUser>, StoreError> {
    s.store.list_users(query).await
}

/// Audit entries with their position in the log (the cursor for the next page).
///
/// # Errors
/// [`StoreError`] when the store fails.
#[tracing::instrument(skip_all)]
pub async fn query_audit(s: ConsoleServices<'_>, query: &AuditQuery) -> Result<Vec<(i64, AuditEntry)>, StoreError> {
    s.store.query_audit(query).await
}
