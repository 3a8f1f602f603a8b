//! The operators' console: clients (filtered and searched), one client whole, the verification
//! queue, users and the audit log. Lists go a page at a time after an opaque cursor, so rows
//! written meanwhile never shift a page.

mod params;
mod views;

use actix_web::{HttpResponse, get, web};
use domain::{ClientId, DocumentId, UserId};
use ports::{AuditQuery, ClientQuery, UserQuery};
use serde::Deserialize;
use utoipa::IntoParams;

pub use views::{AuditView, ClientDetailView, ClientListItem, ClientView, Page, UserView};

pub use self::params::Params;
use self::params::{after_cursor, position_cursor};
use crate::api::documents::{Dashboard, DocumentView};
use crate::api::messages::MessageView;
use crate::api::problem::{ApiError, Problem};
use crate::session::AdminSession;
use crate::state::AppState;

/// The longest search text.
const MAX_SEARCH: usize = 100;

/// Asks the store for one row more than the page shows (see [`page`]); the page's size.
const fn one_more(limit: &mut u32) -> u32 {
    let shown = *limit;
    *limit += 1;
    shown
}

/// Takes one row more than asked, to know whether a next page exists; the cursor continues
/// after the last row shown.
fn page<T, V>(mut rows: Vec<T>, limit: u32, cursor: impl Fn(&T) -> String, view: impl Fn(T) -> V) -> Page<V> {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = if more { rows.last().map(&cursor) } else { None };
    Page {
        items: rows.into_iter().map(view).collect(),
        next_cursor,
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientListQuery {
    /// INTAKE_PENDING, PROVISIONING, PROVISIONED or FAILED.
    onboarding_status: Option<String>,
    /// PENDING, ACTIVE, PAST_DUE or CANCELLED.
    subscription_status: Option<String>,
    /// RED, AMBER or GREEN: the worst requirement as last evaluated.
    portfolio_status: Option<String>,
    /// Part of the name, the email or a property's postcode (1 to 100 characters).
    q: Option<String>,
    /// 1 to 200; 50 when absent.
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Clients, newest first, filtered and searched.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(ClientListQuery),
    responses(
        (status = 200, description = "One page of clients", body = Page<ClientListItem>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid parameter, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/clients")]
pub async fn list_clients(
    state: web::Data<AppState>,
    _admin: AdminSession,
    query: web::Query<ClientListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut p = Params::default();
    let portfolio_status = p.choice::<domain::Rag>("portfolio_status", query.portfolio_status.as_deref());
    let mut filter = ClientQuery {
        onboarding_status: p.choice("onboarding_status", query.onboarding_status.as_deref()),
        subscription_status: p.choice("subscription_status", query.subscription_status.as_deref()),
        portfolio_status,
        search: p.text("q", query.q.as_deref(), MAX_SEARCH),
        after: p.after(query.cursor.as_deref()),
        limit: p.limit(query.limit.as_deref()),
    };
    if portfolio_status == Some(domain::Rag::Grey) {
        p.error("portfolio_status", "invalid_choice", "RED, AMBER or GREEN");
    }
    p.finish()?;
    let limit = one_more(&mut filter.limit);
    let rows = app::console::list_clients(state.console(), &filter).await?;
    let cursor = |s: &ports::ClientSummary| after_cursor(s.client.created_at, s.client.id.as_uuid());
    Ok(HttpResponse::Ok().json(page(rows, limit, cursor, ClientListItem::from)))
}

/// One client: its details, its portfolio as of today, documents, users, the 20 newest messages
/// and the 50 newest audit entries.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(("client_id" = uuid::Uuid, Path)),
    responses(
        (status = 200, description = "The client", body = ClientDetailView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such client", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/clients/{client_id}")]
pub async fn client_detail(
    state: web::Data<AppState>,
    _admin: AdminSession,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let client_id: ClientId = path.parse().map_err(|_| ApiError::NotFound("no client has this id"))?;
    let detail = app::console::client_detail(state.console(), client_id)
        .await?
        .ok_or(ApiError::NotFound("no client has this id"))?;
    Ok(HttpResponse::Ok().json(ClientDetailView {
        client: ClientView::from(&detail.client),
        portfolio: Dashboard::from(detail.portfolio),
        documents: detail.documents.into_iter().map(DocumentView::from).collect(),
        users: detail.users.into_iter().map(UserView::from).collect(),
        messages: detail.messages.into_iter().map(MessageView::from).collect(),
        audit: detail
            .audit
            .into_iter()
            .map(|(position, e)| AuditView::new(position, e))
            .collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// PENDING: the only queue there is.
    status: Option<String>,
    /// 1 to 200; 50 when absent.
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The verification queue: documents waiting for review, oldest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, description = "One page of the queue", body = Page<DocumentView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid parameter, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/documents")]
pub async fn verification_queue(
    state: web::Data<AppState>,
    _admin: AdminSession,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut p = Params::default();
    let status = p.choice::<domain::DocumentStatus>("status", query.status.as_deref());
    let after = p.after::<DocumentId>(query.cursor.as_deref());
    let limit = p.limit(query.limit.as_deref());
    if status.is_some_and(|s| s != domain::DocumentStatus::Pending) {
        p.error("status", "invalid_choice", "only PENDING documents wait in the queue");
    }
    p.finish()?;
    let rows = app::console::verification_queue(state.console(), after, limit + 1).await?;
    let cursor = |d: &domain::Document| after_cursor(d.created_at, d.id.as_uuid());
    Ok(HttpResponse::Ok().json(page(rows, limit, cursor, DocumentView::from)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// CLIENT or ADMIN.
    role: Option<String>,
    /// ACTIVE or DISABLED.
    status: Option<String>,
    /// 1 to 200; 50 when absent.
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Portal users, newest first.
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(UserListQuery),
    responses(
        (status = 200, description = "One page of users", body = Page<UserView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid parameter, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    _admin: AdminSession,
    query: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut p = Params::default();
    let mut filter = UserQuery {
        role: p.choice("role", query.role.as_deref()),
        status: p.choice("status", query.status.as_deref()),
        after: p.after::<UserId>(query.cursor.as_deref()),
        limit: p.limit(query.limit.as_deref()),
    };
    p.finish()?;
    let limit = one_more(&mut filter.limit);
    let rows = app::console::list_users(state.console(), &filter).await?;
    let cursor = |u: &domain::PortalUser| after_cursor(u.created_at, u.id.as_uuid());
    Ok(HttpResponse::Ok().json(page(rows, limit, cursor, UserView::from)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditListQuery {
    client_id: Option<String>,
    /// An action, e.g. DOCUMENT_VERIFIED.
    action: Option<String>,
    /// The acting user's id.
    actor_id: Option<String>,
    /// From this time (RFC 3339) or date, inclusive.
    from: Option<String>,
    /// Before this time or date.
    to: Option<String>,
    /// 1 to 200; 50 when absent.
    limit: Option<String>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// The audit log, newest first, with each entry's chain position and hash (null until sealed).
#[utoipa::path(
    tag = "admin",
    security(("bearer" = [])),
    params(AuditListQuery),
    responses(
        (status = 200, description = "One page of entries", body = Page<AuditView>),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Every invalid parameter, named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/api/admin/audit")]
pub async fn audit_log(
    state: web::Data<AppState>,
    _admin: AdminSession,
    query: web::Query<AuditListQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut p = Params::default();
    let mut filter = AuditQuery {
        client_id: p.id("client_id", query.client_id.as_deref()),
        action: p.choice("action", query.action.as_deref()),
        actor_id: p.text("actor_id", query.actor_id.as_deref(), 64),
        from: p.instant("from", query.from.as_deref()),
        to: p.instant("to", query.to.as_deref()),
        after_pos: p.position(query.cursor.as_deref()),
        oldest_first: false,
        limit: p.limit(query.limit.as_deref()),
    };
    p.finish()?;
    let limit = one_more(&mut filter.limit);
    let rows = app::console::query_audit(state.console(), &filter).await?;
    let cursor = |(position, _): &(i64, domain::AuditEntry)| position_cursor(*position);
    Ok(HttpResponse::Ok().json(page(rows, limit, cursor, |(position, e)| AuditView::new(position, e))))
}
