//! The pages every emailed link leads to: setting the first password from the setup link (which
//! then signs the client in), setting a new one from a reset link (then signing in again), asking
//! for a reset link, and where to turn for help.

use actix_web::cookie::time;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use app::access::SetPasswordError;
use askama::Template;
use domain::Email;
use serde::Deserialize;

use super::{Csrf, FieldError, error_in, render, see_other};
use crate::api::auth::session_cookie;
use crate::api::problem::ApiError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "set_password.html")]
struct SetPassword {
    signed_in: bool,
    csrf: String,
    heading: &'static str,
    action: &'static str,
    token: String,
    errors: Vec<FieldError>,
}

impl SetPassword {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_in(&self.errors, field)
    }
}

/// The setup page or the reset page, by the path asked for.
fn which(req: &HttpRequest) -> (&'static str, &'static str) {
    if req.path().starts_with("/reset-password") {
        ("Set a new password", "/reset-password")
    } else {
        ("Set your password", "/set-password")
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let (heading, action) = which(&req);
    let page = SetPassword {
        signed_in: false,
        csrf: csrf.token().to_owned(),
        heading,
        action,
        token: query.token.trim().to_owned(),
        errors: Vec::new(),
    };
    render(&state, &csrf, StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<SetPasswordForm>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let (heading, action) = which(&req);
    let again = |status, field: &str, message: String| {
        let page = SetPassword {
            signed_in: false,
            csrf: csrf.token().to_owned(),
            heading,
            action,
            token: form.token.clone(),
            errors: vec![FieldError {
                field: field.to_owned(),
                message,
            }],
        };
        render(&state, &csrf, status, &page)
    };
    if !Csrf::matches(&req, &form.csrf) {
        let message = "This form has expired. Open the link from your email again.".to_owned();
        return again(StatusCode::FORBIDDEN, "password", message);
    }
    if form.password != form.confirm {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "confirm",
            "The two passwords differ".to_owned(),
        );
    }
    let ctx = state.request_context(&req);
    let set = match app::access::set_password(state.access(), &form.token, &form.password, &ctx).await {
        Ok(set) => set,
        Err(SetPasswordError::InvalidToken) => {
            let message = "This link has expired or was used already: ask for a new one".to_owned();
            return again(StatusCode::BAD_REQUEST, "password", message);
        }
        Err(SetPasswordError::WeakPassword(problem)) => {
            return again(
                StatusCode::UNPROCESSABLE_ENTITY,
                "password",
                format!("The password {problem}"),
            );
        }
        Err(SetPasswordError::Busy { retry_after }) => {
            let message = format!(
                "Too busy to set it now; try again in {} s",
                retry_after.as_secs().max(1)
            );
            return again(StatusCode::SERVICE_UNAVAILABLE, "password", message);
        }
        Err(other) => return Err(other.into()),
    };
    match app::access::sign_in_after_setup(state.access(), &set, &ctx).await? {
        Some(signed_in) => Ok(HttpResponse::SeeOther()
            .insert_header((actix_web::http::header::LOCATION, "/dashboard"))
            .cookie(session_cookie(
                signed_in.token.expose().to_owned(),
                time::Duration::seconds(signed_in.expires_in.num_seconds()),
                state.secure_cookies,
            ))
            .finish()),
        None => Ok(see_other("/login?password=set")),
    }
}

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPassword {
    signed_in: bool,
    csrf: String,
    email: String,
    sent: bool,
    errors: Vec<FieldError>,
}

impl ForgotPassword {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_in(&self.errors, field)
    }
}

pub async fn forgot_form(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let page = ForgotPassword {
        signed_in: false,
        csrf: csrf.token().to_owned(),
        email: String::new(),
        sent: false,
        errors: Vec::new(),
    };
    render(&state, &csrf, StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

pub async fn forgot(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let answer = |status, sent, errors| {
        let page = ForgotPassword {
            signed_in: false,
            csrf: csrf.token().to_owned(),
            email: form.email.trim().to_owned(),
            sent,
            errors,
        };
        render(&state, &csrf, status, &page)
    };
    let error = |message: String| {
        vec![FieldError {
            field: "email".to_owned(),
            message,
        }]
    };
    if !Csrf::matches(&req, &form.csrf) {
        let message = "This form has expired. Try again.".to_owned();
        return answer(StatusCode::FORBIDDEN, false, error(message));
    }
    let email = match Email::parse(form.email.trim()) {
        Ok(email) => email,
        Err(problem) => {
            return answer(
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                error(format!("Enter your email address: {problem}")),
            );
        }
    };
    let ctx = state.request_context(&req);
    match crate::api::auth::recovery::request_reset(state.clone(), email, ctx).await {
        Ok(()) => answer(StatusCode::OK, true, Vec::new()),
        Err(ApiError::TooManyRequests { retry_after_secs } | ApiError::Busy { retry_after_secs }) => {
            let message = format!(
                "Too many requests. Try again in {} minutes.",
                retry_after_secs.div_ceil(60)
            );
            answer(StatusCode::TOO_MANY_REQUESTS, false, error(message))
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "contact_support.html")]
struct ContactSupport {
    signed_in: bool,
    csrf: String,
}

pub async fn contact_support(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let page = ContactSupport {
        signed_in: false,
        csrf: csrf.token().to_owned(),
    };
    render(&state, &csrf, StatusCode::OK, &page)
}
