//! The operators' verification queue: documents waiting for review, oldest first, and each one's
//! page with what its text suggests (and the line it was read from) beside the verify and reject
//! forms. The review is the API's use case; only the form and the page are the portal's own.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use app::documents::Decision;
use askama::Template;
use domain::{BoundedText, Document, DocumentId, EpcRating, RequirementType};
use serde::Deserialize;

use super::PageAdmin;
use super::{Csrf, FieldError, error_in, render, see_other};
use crate::api::auth::actor_context;
use crate::api::documents::date_field;
use crate::api::problem::ApiError;
use crate::state::AppState;

/// What the uploader said, in a line.
fn stated(d: &Document) -> String {
    let mut said = Vec::new();
    if let Some(r) = d.stated.requirement {
        said.push(r.label().to_owned());
    }
    if let Some(date) = d.stated.issue_date {
        said.push(format!("issued {date}"));
    }
    if said.is_empty() {
        "nothing".to_owned()
    } else {
        said.join(", ")
    }
}

struct QueueRow {
    id: String,
    name: String,
    uploaded: String,
    stated: String,
}

#[derive(Template)]
#[template(path = "admin_queue.html")]
struct Queue {
    signed_in: bool,
    csrf: String,
    notice: Option<&'static str>,
    documents: Vec<QueueRow>,
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    done: Option<String>,
}

pub async fn queue(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageAdmin,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let documents = app::console::verification_queue(state.console(), None, 100)
        .await?
        .iter()
        .map(|d| QueueRow {
            id: d.id.to_string(),
            name: d.file.display_name.as_str().to_owned(),
            uploaded: d.created_at.format("%Y-%m-%d %H:%M").to_string(),
            stated: stated(d),
        })
        .collect();
    let notice = match query.done.as_deref() {
        Some("verified") => Some("Verified. The client's status follows at once."),
        Some("rejected") => Some("Rejected. The client sees the reason."),
        _ => None,
    };
    let page = Queue {
        signed_in: true,
        csrf: csrf.token().to_owned(),
        notice,
        documents,
    };
    render(&state, &csrf, StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "admin_review.html")]
struct Review {
    signed_in: bool,
    csrf: String,
    id: String,
    name: String,
    uploaded: String,
    stated: String,
    suggestions: Vec<(&'static str, String, String)>,
    no_suggestions: &'static str,
    requirement_choices: Vec<(&'static str, &'static str)>,
    requirement: String,
    dates: Vec<(&'static str, &'static str, String)>,
    epc_rating: String,
    errors: Vec<FieldError>,
}

impl Review {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_in(&self.errors, field)
    }
}

/// The form as the operator last sent it, or as the suggestions and the uploader prefill it.
#[derive(Debug, Default, Deserialize)]
pub struct VerifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    requirement: String,
    #[serde(default)]
    issue_date: String,
    #[serde(default)]
    expiry_date: String,
    #[serde(default)]
    epc_rating: String,
}

async fn page(
    state: &AppState,
    csrf: &Csrf,
    id: DocumentId,
    sent: Option<&VerifyForm>,
    errors: Vec<FieldError>,
) -> Result<Review, ApiError> {
    let document = app::console::document(state.console(), id)
        .await?
        .ok_or(ApiError::NotFound("no document has this id"))?;
    let read = app::documents::document_suggestions(state.documents(), id).await.ok();
    let found = read.as_ref().map(|r| r.suggestions.clone()).unwrap_or_default();
    let mut suggestions = Vec::new();
    if let Some(s) = &found.requirement {
        suggestions.push(("Requirement", s.value.label().to_owned(), s.snippet.clone()));
    }
    if let Some(s) = &found.issue_date {
        suggestions.push(("Date of issue", s.value.to_string(), s.snippet.clone()));
    }
    if let Some(s) = &found.expiry_date {
        suggestions.push(("Expires", s.value.to_string(), s.snippet.clone()));
    }
    if let Some(s) = &found.epc_rating {
        suggestions.push(("EPC rating", s.value.as_str().to_owned(), s.snippet.clone()));
    }
    if let Some(s) = &found.gas_safe_number {
        suggestions.push(("Gas Safe number", s.value.clone(), s.snippet.clone()));
    }
    let no_suggestions = match &read {
        None => "The file could not be read just now; check it by eye.",
        Some(r) if r.timed_out => "The file took too long to read; check it by eye.",
        Some(r) if !r.text_found => "The file has no text to read (a scan or an image); check it by eye.",
        Some(_) => "Nothing recognisable was found in the text; check it by eye.",
    };
    let prefill = |sent_value: Option<&String>, suggested: Option<String>, stated: Option<String>| {
        sent_value.cloned().or(suggested).or(stated).unwrap_or_default()
    };
    let requirement = prefill(
        sent.map(|s| &s.requirement),
        found.requirement.as_ref().map(|s| s.value.as_str().to_owned()),
        document.stated.requirement.map(|r| r.as_str().to_owned()),
    );
    let issue = prefill(
        sent.map(|s| &s.issue_date),
        found.issue_date.as_ref().map(|s| s.value.to_string()),
        document.stated.issue_date.map(|d| d.to_string()),
    );
    let expiry = prefill(
        sent.map(|s| &s.expiry_date),
        found.expiry_date.as_ref().map(|s| s.value.to_string()),
        document.stated.expiry_date.map(|d| d.to_string()),
    );
    let epc = prefill(
        sent.map(|s| &s.epc_rating),
        found.epc_rating.as_ref().map(|s| s.value.as_str().to_owned()),
        document.stated.epc_rating.map(|r| r.as_str().to_owned()),
    );
    Ok(Review {
        signed_in: true,
        csrf: csrf.token().to_owned(),
        id: id.to_string(),
        name: document.file.display_name.as_str().to_owned(),
        uploaded: document.created_at.format("%Y-%m-%d %H:%M").to_string(),
        stated: stated(&document),
        suggestions,
        no_suggestions,
        requirement_choices: RequirementType::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        requirement,
        dates: vec![
            ("issue_date", "Date of issue", issue),
            ("expiry_date", "Expires (if it says)", expiry),
        ],
        epc_rating: epc,
        errors,
    })
}

fn document_id(raw: &str) -> Result<DocumentId, ApiError> {
    raw.parse().map_err(|_| ApiError::NotFound("no document has this id"))
}

pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    _admin: PageAdmin,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let review = page(&state, &csrf, document_id(&path)?, None, Vec::new()).await?;
    render(&state, &csrf, StatusCode::OK, &review)
}

/// The decision from the form, or the fields that are wrong.
fn decision(form: &VerifyForm) -> Result<Decision, ApiError> {
    fn optional(raw: &str) -> Option<&str> {
        Some(raw.trim()).filter(|r| !r.is_empty())
    }
    let requirement = form.requirement.trim().parse::<RequirementType>().map_err(|e| {
        ApiError::Validation(vec![crate::api::problem::FieldError {
            field: "requirement".into(),
            code: "invalid_choice",
            message: e.to_string(),
        }])
    })?;
    let epc_rating = optional(&form.epc_rating)
        .map(|r| {
            r.to_uppercase().parse::<EpcRating>().map_err(|e| {
                ApiError::Validation(vec![crate::api::problem::FieldError {
                    field: "epc_rating".into(),
                    code: "invalid_choice",
                    message: e.to_string(),
                }])
            })
        })
        .transpose()?;
    Ok(Decision::Verify {
        requirement,
        issue_date: date_field("issue_date", form.issue_date.trim())?,
        expiry_date: optional(&form.expiry_date)
            .map(|d| date_field("expiry_date", d))
            .transpose()?,
        epc_rating,
        exemption_expiry_date: None,
    })
}

/// The problems of a refused review, each beside its field.
fn beside(error: ApiError) -> Result<(StatusCode, Vec<FieldError>), ApiError> {
    use actix_web::ResponseError;
    let status = error.status_code();
    match error {
        ApiError::Validation(errors) => Ok((
            status,
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: e.field,
                    message: e.message,
                })
                .collect(),
        )),
        e @ ApiError::StateConflict { .. } => Ok((
            status,
            vec![FieldError {
                field: "requirement".into(),
                message: e.to_string(),
            }],
        )),
        other => Err(other),
    }
}

pub async fn verify(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageAdmin(session): PageAdmin,
    path: web::Path<String>,
    form: web::Form<VerifyForm>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let id = document_id(&path)?;
    if !Csrf::matches(&req, &form.csrf) {
        let errors = vec![FieldError {
            field: "requirement".into(),
            message: "This form has expired. Reload the page and verify again.".into(),
        }];
        let review = page(&state, &csrf, id, Some(&form), errors).await?;
        return render(&state, &csrf, StatusCode::FORBIDDEN, &review);
    }
    let ctx = actor_context(&state, &req, &session.0);
    let reviewed = match decision(&form) {
        Ok(decision) => app::documents::review_document(state.documents(), id, decision, session.0.user.id, &ctx)
            .await
            .map_err(ApiError::from),
        Err(invalid) => Err(invalid),
    };
    match reviewed {
        Ok(_) => Ok(see_other("/admin/documents?done=verified")),
        Err(error) => {
            let (status, errors) = beside(error)?;
            let review = page(&state, &csrf, id, Some(&form), errors).await?;
            render(&state, &csrf, status, &review)
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    reason: String,
}

pub async fn reject(
    state: web::Data<AppState>,
    req: HttpRequest,
    PageAdmin(session): PageAdmin,
    path: web::Path<String>,
    form: web::Form<RejectForm>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let id = document_id(&path)?;
    let refuse = |field: &str, message: String| {
        vec![FieldError {
            field: field.to_owned(),
            message,
        }]
    };
    let problem = if Csrf::matches(&req, &form.csrf) {
        match BoundedText::parse(&form.reason, 500) {
            Ok(reason) => {
                let decision = Decision::Reject {
                    reason: reason.as_str().to_owned(),
                };
                let ctx = actor_context(&state, &req, &session.0);
                match app::documents::review_document(state.documents(), id, decision, session.0.user.id, &ctx).await {
                    Ok(_) => return Ok(see_other("/admin/documents?done=rejected")),
                    Err(error) => beside(error.into())?,
                }
            }
            Err(e) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                refuse("reason", format!("The reason {e}")),
            ),
        }
    } else {
        let message = "This form has expired. Reload the page and reject again.".to_owned();
        (StatusCode::FORBIDDEN, refuse("reason", message))
    };
    let review = page(&state, &csrf, id, None, problem.1).await?;
    render(&state, &csrf, problem.0, &review)
}
