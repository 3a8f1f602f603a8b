//! The first pages: what the product does, signing in and out, and the client's dashboard. Each
//! handler parses, calls one use case and renders, as the JSON routes do.

use actix_web::cookie::time;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::{BillingPlan, Rag, Role};
use serde::Deserialize;

use super::{Csrf, FieldError, error_in, render, see_other};
use super::{PageAdmin, PagePortfolio};
use crate::api::auth::{actor_context, session_cookie};
use crate::api::problem::ApiError;
use crate::session::{PortfolioSession, SignedIn};
use crate::state::AppState;

struct PlanCard {
    name: &'static str,
    properties: String,
    pack: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    signed_in: bool,
    csrf: String,
    plans: Vec<PlanCard>,
}

pub async fn home(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Option<SignedIn>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let plans = BillingPlan::ALL
        .iter()
        .map(|plan| {
            let bounds = plan.property_bounds();
            PlanCard {
                name: plan.as_str(),
                properties: if bounds.start() == bounds.end() {
                    format!("{} property", bounds.start())
                } else {
                    format!("{} to {} properties", bounds.start(), bounds.end())
                },
                pack: if plan.includes_pack() {
                    "Includes the signed compliance pack"
                } else {
                    "Dashboard, evidence and reminders"
                },
            }
        })
        .collect();
    let home = Home {
        signed_in: session.is_some(),
        csrf: csrf.token().to_owned(),
        plans,
    };
    render(&state, &csrf, StatusCode::OK, &home)
}

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    signed_in: bool,
    csrf: String,
    email: String,
    notice: Option<&'static str>,
    errors: Vec<FieldError>,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    password: Option<String>,
}

impl Login {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_in(&self.errors, field)
    }
}

pub async fn login_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LoginQuery>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let form = Login {
        signed_in: false,
        csrf: csrf.token().to_owned(),
        email: String::new(),
        notice: (query.password.as_deref() == Some("set")).then_some("Your new password is set. Sign in with it."),
        errors: Vec::new(),
    };
    render(&state, &csrf, StatusCode::OK, &form)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    totp: String,
}

pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let again = |status, errors: Vec<FieldError>| {
        let page = Login {
            signed_in: false,
            csrf: csrf.token().to_owned(),
            email: form.email.trim().to_owned(),
            notice: None,
            errors,
        };
        render(&state, &csrf, status, &page)
    };
    let error = |field: &str, message: &str| FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    };
    if !Csrf::matches(&req, &form.csrf) {
        let message = "This form has expired. Sign in again.";
        return again(StatusCode::FORBIDDEN, vec![error("email", message)]);
    }
    let mut missing = Vec::new();
    if form.email.trim().is_empty() {
        missing.push(error("email", "Enter your email address"));
    }
    if form.password.is_empty() {
        missing.push(error("password", "Enter your password"));
    }
    if !missing.is_empty() {
        return again(StatusCode::UNPROCESSABLE_ENTITY, missing);
    }
    let ctx = state.request_context(&req);
    let totp = Some(form.totp.trim()).filter(|t| !t.is_empty());
    let signed_in = app::access::sign_in(state.access(), form.email.trim(), &form.password, totp, &ctx).await;
    let signed_in = match signed_in.map_err(ApiError::from) {
        Ok(signed_in) => signed_in,
        Err(ApiError::InvalidCredentials) => {
            let message = "The email address or password is wrong";
            return again(StatusCode::UNAUTHORIZED, vec![error("password", message)]);
        }
        Err(ApiError::AccountDisabled) => {
            let message = "This account is disabled: contact support";
            return again(StatusCode::FORBIDDEN, vec![error("email", message)]);
        }
        Err(ApiError::InvalidSecondFactor) => {
            let message = "Enter the current code from your authenticator app, or an unused recovery code";
            return again(StatusCode::UNAUTHORIZED, vec![error("totp", message)]);
        }
        Err(ApiError::TooManyRequests { retry_after_secs } | ApiError::Busy { retry_after_secs }) => {
            let message = format!(
                "Too many attempts. Try again in {} minutes.",
                retry_after_secs.div_ceil(60)
            );
            return again(StatusCode::TOO_MANY_REQUESTS, vec![error("email", &message)]);
        }
        Err(other) => return Err(other),
    };
    let expires = time::Duration::seconds(signed_in.expires_in.num_seconds());
    let to = if signed_in.user.role == Role::Admin {
        "/admin"
    } else {
        "/dashboard"
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, to))
        .cookie(session_cookie(
            signed_in.token.expose().to_owned(),
            expires,
            state.secure_cookies,
        ))
        .finish())
}

#[derive(Debug, Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

/// Signs out (this session ends at once) and forgets the cookie; refused without the form's token.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    session: Option<SignedIn>,
    form: web::Form<LogoutForm>,
) -> Result<HttpResponse, ApiError> {
    if !Csrf::matches(&req, &form.csrf) {
        return Err(ApiError::Plain {
            status: StatusCode::FORBIDDEN,
            detail: "the form's token is missing or wrong: reload the page and try again",
        });
    }
    if let Some(session) = session {
        let ctx = actor_context(&state, &req, &session);
        app::access::sign_out(state.access(), &session.claims, &session.user, &ctx).await?;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, "/login"))
        .cookie(session_cookie(
            String::new(),
            time::Duration::ZERO,
            state.secure_cookies,
        ))
        .finish())
}

/// The emails' portal link: to the dashboard.
pub async fn portal() -> HttpResponse {
    see_other("/dashboard")
}

struct PropertyRow {
    id: String,
    address: String,
    rag: &'static str,
    next: String,
}

#[derive(Default)]
struct Counts {
    red: u32,
    amber: u32,
    green: u32,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    signed_in: bool,
    csrf: String,
    portfolio_rag: &'static str,
    /// Whether the client's plan includes the compliance pack.
    pack: bool,
    counts: Counts,
    properties: Vec<PropertyRow>,
}

pub async fn dashboard(
    state: web::Data<AppState>,
    req: HttpRequest,
    PagePortfolio(PortfolioSession {
        client: session,
        portfolio,
    }): PagePortfolio,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let portfolio = app::documents::portfolio(state.documents(), session.client.id, portfolio).await?;
    let mut counts = Counts::default();
    let properties = portfolio
        .properties
        .iter()
        .map(|p| {
            for r in &p.requirements {
                match r.rag() {
                    Rag::Red => counts.red += 1,
                    Rag::Amber => counts.amber += 1,
                    Rag::Green => counts.green += 1,
                    Rag::Grey => {}
                }
            }
            // The worst requirement first; among equals one never evidenced (no due date), then
            // the soonest due, then the first listed.
            let next = p
                .requirements
                .iter()
                .min_by_key(|r| (std::cmp::Reverse(r.rag()), r.due_date))
                .map_or_else(
                    || "Nothing applies".to_owned(),
                    |r| match r.due_date {
                        Some(due) => format!("{}: {} (due {due})", r.requirement.label(), r.status),
                        None => format!("{}: {}", r.requirement.label(), r.status),
                    },
                );
            let d = &p.property;
            PropertyRow {
                id: p.property.id.to_string(),
                address: format!("{}, {}", d.address_line_1.as_str(), d.postcode),
                rag: p.status.as_str(),
                next,
            }
        })
        .collect();
    let page = Dashboard {
        signed_in: true,
        csrf: csrf.token().to_owned(),
        portfolio_rag: portfolio.status.as_str(),
        pack: session.client.details.billing_plan.includes_pack(),
        counts,
        properties,
    };
    render(&state, &csrf, StatusCode::OK, &page)
}

struct ClientRow {
    id: String,
    name: String,
    email: String,
    plan: &'static str,
    onboarding: &'static str,
    subscription: &'static str,
    properties: u32,
    rag: &'static str,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct Admin {
    signed_in: bool,
    csrf: String,
    clients: Vec<ClientRow>,
}

/// The operators' start: the newest clients, as `GET /api/admin/clients` lists them.
pub async fn admin(state: web::Data<AppState>, req: HttpRequest, _admin: PageAdmin) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let query = ports::ClientQuery {
        limit: 50,
        ..ports::ClientQuery::default()
    };
    let clients = app::console::list_clients(state.console(), &query)
        .await?
        .into_iter()
        .map(|s| ClientRow {
            id: s.client.id.to_string(),
            name: s.client.details.full_name.as_str().to_owned(),
            email: s.client.details.email.to_string(),
            plan: s.client.details.billing_plan.as_str(),
            onboarding: s.client.onboarding_status.as_str(),
            subscription: s.client.subscription_status.as_str(),
            properties: s.property_count,
            rag: s.portfolio_status.map_or("GREY", Rag::as_str),
        })
        .collect();
    let page = Admin {
        signed_in: true,
        csrf: csrf.token().to_owned(),
        clients,
    };
    render(&state, &csrf, StatusCode::OK, &page)
}
