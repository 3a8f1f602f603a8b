//! The operators' logs as pages: the message log (a page at a time, as its API keeps it) and the
//! audit log (newest first after a position, with each entry's place in the chain).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::{AuditAction, MessageStatus};
use ports::{AuditQuery, MessageFilter};
use serde::Deserialize;

use super::PageAdmin;
use super::{Csrf, render};
use crate::api::problem::ApiError;
use crate::state::AppState;

/// Rows a page of either log shows.
const ROWS: u32 = 50;

#[derive(Template)]
#[template(path = "admin_messages.html")]
struct Messages {
    signed_in: bool,
    csrf: String,
    statuses: Vec<&'static str>,
    status: String,
    total: u64,
    page: u32,
    rows: Vec<(String, &'static str, String, &'static str, u32)>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct MessagesQuery {
    status: Option<String>,
    page: Option<u32>,
}

pub async fn messages(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageAdmin,
    query: web::Query<MessagesQuery>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    // An unknown status shows every message rather than an error: the filter is a menu.
    let status = query.status.as_deref().and_then(|s| s.parse::<MessageStatus>().ok());
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let filter = MessageFilter {
        status,
        limit: ROWS,
        offset: (page - 1) * ROWS,
        ..MessageFilter::default()
    };
    let found = app::mail::list_messages(state.mail(), &filter).await?;
    let shown = u64::from(page) * u64::from(ROWS);
    let status_text = status.map(|s| s.as_str().to_owned()).unwrap_or_default();
    let next = (shown < found.total).then(|| format!("/admin/messages?status={status_text}&page={}", page + 1));
    let view = Messages {
        signed_in: true,
        csrf: csrf.token().to_owned(),
        statuses: MessageStatus::ALL.iter().map(|s| s.as_str()).collect(),
        status: status_text,
        total: found.total,
        page,
        rows: found
            .items
            .iter()
            .map(|m| {
                (
                    m.created_at.format("%Y-%m-%d %H:%M").to_string(),
                    m.template.as_str(),
                    m.recipient.to_string(),
                    m.status.as_str(),
                    m.attempts,
                )
            })
            .collect(),
        next,
    };
    render(&state, &csrf, StatusCode::OK, &view)
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct Audit {
    signed_in: bool,
    csrf: String,
    actions: Vec<&'static str>,
    action: String,
    rows: Vec<(i64, String, &'static str, String, String, String)>,
    next: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct AuditQueryParams {
    action: Option<String>,
    /// The position of the last entry of the previous page.
    before: Option<i64>,
}

pub async fn audit(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageAdmin,
    query: web::Query<AuditQueryParams>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let action = query.action.as_deref().and_then(|a| a.parse::<AuditAction>().ok());
    let filter = AuditQuery {
        action,
        after_pos: query.before,
        limit: ROWS + 1,
        ..AuditQuery::default()
    };
    let mut entries = app::console::query_audit(state.console(), &filter).await?;
    let more = entries.len() > ROWS as usize;
    entries.truncate(ROWS as usize);
    let action_text = action.map(|a| a.as_str().to_owned()).unwrap_or_default();
    let next = more
        .then(|| {
            entries
                .last()
                .map(|(p, _)| format!("/admin/audit?action={action_text}&before={p}"))
        })
        .flatten();
    let rows = entries
        .into_iter()
        .map(|(position, e)| {
            let chain = e
                .seal
                .as_ref()
                .map_or_else(|| "not yet sealed".to_owned(), |s| format!("seq {} {}", s.seq, s.hash));
            let entry = e.entry;
            let actor = match &entry.actor.id {
                Some(id) => format!("{} {id}", entry.actor.role),
                None => entry.actor.role.to_string(),
            };
            (
                position,
                entry.occurred_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                entry.action.as_str(),
                actor,
                entry.client_id.map(|c| c.to_string()).unwrap_or_default(),
                chain,
            )
        })
        .collect();
    let view = Audit {
        signed_in: true,
        csrf: csrf.token().to_owned(),
        actions: AuditAction::ALL.iter().map(|a| a.as_str()).collect(),
        action: action_text,
        rows,
        next,
    };
    render(&state, &csrf, StatusCode::OK, &view)
}
