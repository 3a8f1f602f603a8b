//! Auditing refused requests without letting anonymous traffic grow the audit log: a refusal is
//! recorded with its route pattern (never the raw path, at most 256 characters), and only the
//! first per caller address, route pattern and reason in a minute (a handful of reasons, so the
//! bound stays that of address and route); the repeats are for a counter.

use std::time::Duration;

use domain::{Actor, ActorRole, AuditAction, NewAuditEntry, PortalUser};
use serde_json::json;
use uuid::Uuid;

use super::{AccessFailure, AccessServices, Refusal};
use crate::RequestContext;
use crate::limits::{self, Limit, WhenFull};

/// The longest route text an audit entry keeps.
pub const MAX_ROUTE_CHARS: usize = 256;

/// One refused request.
#[derive(Debug, Clone, Copy)]
pub struct RefusedRequest<'a> {
    pub refusal: Refusal,
    pub method: &'a str,
    /// The route pattern that matched (`/api/admin/clients/{client_id}`), not the path asked.
    pub route: &'a str,
}

/// Audits the refusal as ROUTE_GUARD_REDIRECT unless the same address was refused on the same
/// route for the same reason within the minute (or the limiter that remembers that is full). Returns whether an
/// entry was written; a caller counts the rest.
///
/// # Errors
/// [`AccessFailure`] when the store fails.
pub async fn audit_refusal(
    s: AccessServices<'_>,
    user: Option<&PortalUser>,
    request: RefusedRequest<'_>,
    ctx: &RequestContext,
) -> Result<bool, AccessFailure> {
    let route: String = request.route.chars().take(MAX_ROUTE_CHARS).collect();
    let caller = ctx.address_bucket().unwrap_or_else(|| "unknown".to_owned());
    let once_a_minute = Limit {
        name: "refusal audit per address and route",
        attempts: 1,
        window: Duration::from_secs(60),
        when_full: WhenFull::Refuse,
    };
    let key = format!("refusal:{caller}:{}:{route}", request.refusal.reason());
    if limits::count(s.limiter, &key, once_a_minute).await.is_err() {
        return Ok(false);
    }
    let actor = match user {
        Some(user) => Actor {
            role: ActorRole::from(user.role),
            id: Some(user.id.to_string()),
        },
        None => Actor::anonymous(),
    };
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), s.clock.now(), AuditAction::RouteGuardRedirect, actor);
    entry.client_id = user.and_then(|u| u.client_id);
    entry.request_id = ctx.request_id.clone();
    entry.metadata = Some(json!({
        "reason": request.refusal.reason(),
        "next": request.refusal.next(),
        "method": request.method.chars().take(16).collect::<String>(),
        "route": route,
        "source_address": ctx.source_address,
    }));
    s.store.append(&entry).await?;
    Ok(true)
}
