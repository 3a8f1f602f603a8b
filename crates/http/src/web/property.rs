//! A property's page: every requirement with its status, due date, reason, legal source and
//! evidence, the documents uploaded for it, and the form to upload more.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use app::pack::PropertyReport;
use askama::Template;
use domain::pack::PackProperty;
use domain::{DocumentStatus, PropertyId, RequirementType};
use serde::Deserialize;

use super::PageClient;
use super::{Csrf, FieldError, error_in, render, see_other};
use crate::api::auth::actor_context;
use crate::api::problem::ApiError;
use crate::session::ClientSession;
use crate::state::AppState;

struct DocumentRow {
    name: String,
    uploaded: String,
    review: String,
}

#[derive(Template)]
#[template(path = "property.html")]
struct PropertyPage {
    signed_in: bool,
    csrf: String,
    notice: Option<&'static str>,
    property: PackProperty,
    documents: Vec<DocumentRow>,
    requirement_choices: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
}

impl PropertyPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_in(&self.errors, field)
    }
}

fn page_of(report: PropertyReport, csrf: &Csrf, notice: Option<&'static str>, errors: Vec<FieldError>) -> PropertyPage {
    let documents = report
        .documents
        .iter()
        .map(|d| DocumentRow {
            name: d.file.display_name.as_str().to_owned(),
            uploaded: d.created_at.format("%Y-%m-%d").to_string(),
            review: match (d.status, &d.rejection_reason) {
                (DocumentStatus::Pending, _) => "Waiting for an operator".to_owned(),
                (DocumentStatus::Verified, _) => "Verified".to_owned(),
                (DocumentStatus::Rejected, Some(reason)) => format!("Rejected: {reason}"),
                (DocumentStatus::Rejected, None) => "Rejected".to_owned(),
            },
        })
        .collect();
    PropertyPage {
        signed_in: true,
        csrf: csrf.token().to_owned(),
        notice,
        property: report.property,
        documents,
        requirement_choices: RequirementType::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        errors,
    }
}

async fn report(state: &AppState, session: &ClientSession, raw_id: &str) -> Result<PropertyReport, ApiError> {
    const NO_PROPERTY: ApiError = ApiError::NotFound("you have no property with this id");
    let id: PropertyId = raw_id.parse().map_err(|_| NO_PROPERTY)?;
    app::pack::property_report(&*state.store, &*state.clock, session.client.id, id)
        .await?
        .ok_or(NO_PROPERTY)
}

#[derive(Debug, Deserialize)]
pub struct PropertyQuery {
    uploaded: Option<String>,
}

pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageClient(session): PageClient,
    path: web::Path<String>,
    query: web::Query<PropertyQuery>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let report = report(&state, &session, &path).await?;
    let notice = query
        .uploaded
        .is_some()
        .then_some("Received. An operator will check it and the status will follow.");
    render(
        &state,
        &csrf,
        StatusCode::OK,
        &page_of(report, &csrf, notice, Vec::new()),
    )
}

pub async fn upload(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageClient(session): PageClient,
    path: web::Path<String>,
    mut body: Multipart,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let current = report(&state, &session, &path).await?;
    let property_id = current.property.property_id;
    let refused = |status: StatusCode, message: String, current| {
        let errors = vec![FieldError {
            field: "file".to_owned(),
            message,
        }];
        render(&state, &csrf, status, &page_of(current, &csrf, None, errors))
    };
    let token = super::csrf::first_field(&mut body).await.unwrap_or_default();
    if !Csrf::matches(&req, &token) {
        let message = "This form has expired. Reload the page and upload again.".to_owned();
        return refused(StatusCode::FORBIDDEN, message, current);
    }
    let ctx = actor_context(&state, &req, &session.session);
    let user = Some(session.session.user.id);
    match crate::api::documents::upload_evidence(&state, session.client.id, user, Some(property_id), body, &ctx).await {
        Ok(_) => Ok(see_other(&format!("/properties/{property_id}?uploaded=1"))),
        Err(error @ (ApiError::Unexpected(_) | ApiError::Unavailable(_))) => Err(error),
        Err(error) => {
            let status = error.status_code();
            let message = match &error {
                ApiError::Validation(errors) => errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
                other => other.to_string(),
            };
            // Evaluated again: nothing was stored, but the page shows what is.
            let current = report(&state, &session, &path).await?;
            refused(status, message, current)
        }
    }
}
