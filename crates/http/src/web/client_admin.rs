//! One client as an operator sees it: everything of `GET /api/admin/clients/{id}`, and the
//! operator's actions on it (resend the setup link, run provisioning again, email the client,
//! the pack), each through the use case the JSON route calls.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use app::mail::ManualEmail;
use askama::Template;
use domain::{BoundedText, ClientId, DocumentStatus, MultilineText};
use serde::Deserialize;

use super::PageAdmin;
use super::{Csrf, FieldError, error_in, render, see_other};
use crate::api::auth::actor_context;
use crate::api::problem::ApiError;
use crate::state::AppState;

struct DocumentLine {
    id: String,
    name: String,
    status: &'static str,
    uploaded: String,
    pending: bool,
}

#[derive(Template)]
#[template(path = "admin_client.html")]
struct ClientPage {
    signed_in: bool,
    csrf: String,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
    id: String,
    name: String,
    email: String,
    plan: &'static str,
    pack: bool,
    onboarding: &'static str,
    subscription: &'static str,
    portfolio: &'static str,
    properties: Vec<(String, &'static str, String)>,
    /// Each property's id and address, for the upload form.
    property_choices: Vec<(String, String)>,
    documents: Vec<DocumentLine>,
    users: Vec<String>,
    messages: Vec<String>,
    audit: Vec<String>,
}

impl ClientPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_in(&self.errors, field)
    }
}

fn client_id(raw: &str) -> Result<ClientId, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound("no client has this id"))
}

async fn page(
    state: &AppState,
    csrf: &Csrf,
    id: ClientId,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
) -> Result<ClientPage, ApiError> {
    let detail = app::console::client_detail(state.console(), id)
        .await?
        .ok_or(ApiError::NotFound("no client has this id"))?;
    let c = &detail.client;
    let property_choices = detail
        .portfolio
        .properties
        .iter()
        .map(|p| {
            let d = &p.property;
            (
                p.property.id.to_string(),
                format!("{}, {}", d.address_line_1.as_str(), d.postcode),
            )
        })
        .collect();
    let properties = detail
        .portfolio
        .properties
        .iter()
        .map(|p| {
            let d = &p.property;
            let requirements = p
                .requirements
                .iter()
                .map(|r| format!("{} {}", r.requirement.label(), r.status))
                .collect::<Vec<_>>()
                .join(" · ");
            (
                format!("{}, {}", d.address_line_1.as_str(), d.postcode),
                p.status.as_str(),
                requirements,
            )
        })
        .collect();
    let documents = detail
        .documents
        .iter()
        .map(|d| DocumentLine {
            id: d.id.to_string(),
            name: d.file.display_name.as_str().to_owned(),
            status: d.status.as_str(),
            uploaded: d.created_at.format("%Y-%m-%d").to_string(),
            pending: d.status == DocumentStatus::Pending,
        })
        .collect();
    Ok(ClientPage {
        signed_in: true,
        csrf: csrf.token().to_owned(),
        notice,
        errors,
        id: id.to_string(),
        name: c.details.full_name.as_str().to_owned(),
        email: c.details.email.to_string(),
        plan: c.details.billing_plan.as_str(),
        pack: c.details.billing_plan.includes_pack(),
        onboarding: c.onboarding_status.as_str(),
        subscription: c.subscription_status.as_str(),
        portfolio: detail.portfolio.status.as_str(),
        properties,
        property_choices,
        documents,
        users: detail
            .users
            .iter()
            .map(|u| format!("{} ({}, {}, password {})", u.email, u.role, u.status, u.password_status))
            .collect(),
        messages: detail
            .messages
            .iter()
            .map(|m| {
                format!(
                    "{} · {} · {} · {}",
                    m.created_at.format("%Y-%m-%d %H:%M"),
                    m.template,
                    m.recipient,
                    m.status
                )
            })
            .collect(),
        audit: detail
            .audit
            .iter()
            .map(|(position, e)| {
                let entry = &e.entry;
                format!(
                    "#{position} · {} · {} · {}",
                    entry.occurred_at.format("%Y-%m-%d %H:%M:%S"),
                    entry.action,
                    entry.actor.role
                )
            })
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageAdmin,
    path: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let notice = match query.done.as_deref() {
        Some("resent") => Some("A new password-setup link is on its way; earlier links no longer work."),
        Some("provisioned") => Some("Provisioning ran; the account's status is below."),
        Some("unchanged") => Some("Provisioning ran and found nothing missing."),
        Some("emailed") => Some("The email is queued."),
        Some("uploaded") => Some("Uploaded on the client's behalf; it waits in the verification queue."),
        _ => None,
    };
    let client = page(&state, &csrf, client_id(&path)?, notice, Vec::new()).await?;
    render(&state, &csrf, StatusCode::OK, &client)
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    message: String,
}

/// The page again with `errors`, or the error itself when it is not the operator's to fix.
async fn refused(state: &AppState, req: &HttpRequest, id: ClientId, error: ApiError) -> Result<HttpResponse, ApiError> {
    use actix_web::ResponseError;
    let csrf = Csrf::of(state, req);
    let status = error.status_code();
    let errors = match error {
        ApiError::Validation(errors) => errors
            .into_iter()
            .map(|e| FieldError {
                field: e.field,
                message: e.message,
            })
            .collect(),
        e @ (ApiError::TooManyRequests { .. } | ApiError::StateConflict { .. } | ApiError::Conflict(_)) => {
            vec![FieldError {
                field: "subject".into(),
                message: e.to_string(),
            }]
        }
        other => return Err(other),
    };
    let client = page(state, &csrf, id, None, errors).await?;
    render(state, &csrf, status, &client)
}

/// The client an action is for, once its id and the form's token pass.
fn action_for(path: &str, req: &HttpRequest, csrf: &str) -> Result<ClientId, ApiError> {
    let id = client_id(path)?;
    if !Csrf::matches(req, csrf) {
        return Err(ApiError::Plain {
            status: StatusCode::FORBIDDEN,
            detail: "the form's token is missing or wrong: reload the page and try again",
        });
    }
    Ok(id)
}

pub async fn resend_setup(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageAdmin(session): PageAdmin,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, ApiError> {
    let id = action_for(&path, &req, &form.csrf)?;
    let ctx = actor_context(&state, &req, &session.0);
    match app::access::resend_password_setup(state.access(), id, &ctx).await {
        Ok(()) => {
            state.email_queued();
            Ok(see_other(&format!("/admin/clients/{id}?done=resent")))
        }
        Err(error) => refused(&state, &req, id, error.into()).await,
    }
}

pub async fn provision(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageAdmin(session): PageAdmin,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, ApiError> {
    let id = action_for(&path, &req, &form.csrf)?;
    let ctx = actor_context(&state, &req, &session.0);
    match app::onboarding::provision_client(state.onboarding(), id, &ctx).await {
        Ok(outcome) => {
            state.email_queued();
            let done = match outcome {
                ports::ProvisionOutcome::Completed { .. } => "provisioned",
                ports::ProvisionOutcome::AlreadyDone => "unchanged",
            };
            Ok(see_other(&format!("/admin/clients/{id}?done={done}")))
        }
        Err(error) => refused(&state, &req, id, error.into()).await,
    }
}

pub async fn email(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageAdmin(session): PageAdmin,
    path: web::Path<String>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, ApiError> {
    let id = action_for(&path, &req, &form.csrf)?;
    let mut errors = Vec::new();
    let subject = BoundedText::parse(&form.subject, 200)
        .map_err(|e| errors.push(("subject", format!("The subject {e}"))))
        .ok();
    let message = MultilineText::parse(&form.message, 10_000)
        .map_err(|e| errors.push(("message", format!("The message {e}"))))
        .ok();
    let (Some(subject), Some(message)) = (subject, message) else {
        let csrf = Csrf::of(&state, &req);
        let errors = errors
            .into_iter()
            .map(|(field, message)| FieldError {
                field: field.to_owned(),
                message,
            })
            .collect();
        let client = page(&state, &csrf, id, None, errors).await?;
        return render(&state, &csrf, StatusCode::UNPROCESSABLE_ENTITY, &client);
    };
    let ctx = actor_context(&state, &req, &session.0);
    match app::mail::send_manual_email(state.mail(), id, ManualEmail { subject, message }, &ctx).await {
        Ok(_) => {
            state.email_queued();
            Ok(see_other(&format!("/admin/clients/{id}?done=emailed")))
        }
        Err(error) => refused(&state, &req, id, error.into()).await,
    }
}

/// Uploads evidence on the client's behalf: the form's token first, then the upload's fields.
pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageAdmin(session): PageAdmin,
    path: web::Path<String>,
    mut body: actix_multipart::Multipart,
) -> Result<HttpResponse, ApiError> {
    let token = super::csrf::first_field(&mut body).await.unwrap_or_default();
    let id = action_for(&path, &req, &token)?;
    let ctx = actor_context(&state, &req, &session.0);
    let admin = Some(session.0.user.id);
    match crate::api::documents::upload_evidence(&state, id, admin, None, body, &ctx).await {
        Ok(_) => Ok(see_other(&format!("/admin/clients/{id}?done=uploaded"))),
        Err(error @ (ApiError::Unexpected(_) | ApiError::Unavailable(_))) => Err(error),
        Err(error) => {
            use actix_web::ResponseError;
            let csrf = Csrf::of(&state, &req);
            let status = error.status_code();
            let errors = vec![FieldError {
                field: "file".into(),
                message: error.to_string(),
            }];
            let client = page(&state, &csrf, id, None, errors).await?;
            render(&state, &csrf, status, &client)
        }
    }
}
