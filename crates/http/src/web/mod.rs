//! The portal's pages, rendered on the server (askama, escaped by construction) over the same use
//! cases as the JSON API. One stylesheet of our own; no script yet, and nothing from another
//! origin, which the pages' Content-Security-Policy enforces.

mod client_admin;
mod csrf;
mod guard;
mod logs;
mod pages;
mod passwords;
mod property;
mod review;
mod signup;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, HttpResponseBuilder, web};

pub use csrf::Csrf;
pub use guard::{PageAdmin, PageClient, PagePortfolio, PageRefusal};

/// Scripts, styles, images and form targets from this origin only; nothing inline.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The same, where sign-up hands over to Stripe Checkout: browsers hold a form's redirect to
/// `form-action` too.
pub const PAGE_CSP_WITH_CHECKOUT: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; form-action 'self' https://checkout.stripe.com; frame-ancestors 'none'; base-uri 'none'";

const STYLESHEET: &str = include_str!("../../static/app.css");
const ICON: &str = include_str!("../../static/icon.svg");

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(pages::home))
        .route("/login", web::get().to(pages::login_form))
        .route("/login", web::post().to(pages::login))
        .route("/logout", web::post().to(pages::logout))
        .route("/portal", web::get().to(pages::portal))
        .route("/dashboard", web::get().to(pages::dashboard))
        .route("/admin", web::get().to(pages::admin))
        .route("/admin/clients/{client_id}", web::get().to(client_admin::show))
        .route(
            "/admin/clients/{client_id}/resend-setup",
            web::post().to(client_admin::resend_setup),
        )
        .route(
            "/admin/clients/{client_id}/provision",
            web::post().to(client_admin::provision),
        )
        .route("/admin/clients/{client_id}/email", web::post().to(client_admin::email))
        .route(
            "/admin/clients/{client_id}/documents",
            web::post().to(client_admin::upload),
        )
        .route("/admin/messages", web::get().to(logs::messages))
        .route("/admin/audit", web::get().to(logs::audit))
        .route("/admin/documents", web::get().to(review::queue))
        .route("/admin/documents/{document_id}", web::get().to(review::show))
        .route("/admin/documents/{document_id}/verify", web::post().to(review::verify))
        .route("/admin/documents/{document_id}/reject", web::post().to(review::reject))
        .route("/signup", web::get().to(signup::form))
        .route("/signup", web::post().to(signup::submit))
        .route("/dev/checkout", web::get().to(signup::test_checkout))
        .route("/dev/checkout", web::post().to(signup::test_pay))
        .route("/onboarding/status", web::get().to(signup::status))
        .route("/properties/{property_id}", web::get().to(property::show))
        .route("/properties/{property_id}/documents", web::post().to(property::upload))
        .route("/set-password", web::get().to(passwords::form))
        .route("/set-password", web::post().to(passwords::submit))
        .route("/reset-password", web::get().to(passwords::form))
        .route("/reset-password", web::post().to(passwords::submit))
        .route("/forgot-password", web::get().to(passwords::forgot_form))
        .route("/forgot-password", web::post().to(passwords::forgot))
        .route("/contact-support", web::get().to(passwords::contact_support))
        .route("/static/app.css", web::get().to(stylesheet))
        .route("/static/icon.svg", web::get().to(icon));
}

#[derive(askama::Template)]
#[template(path = "not_found.html")]
struct NotFound {
    signed_in: bool,
    csrf: String,
}

/// An unknown address: a page for a browser outside the API, problem+json for everyone else.
pub async fn not_found(
    state: web::Data<crate::state::AppState>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, crate::api::problem::ApiError> {
    let wants_page = !req.path().starts_with("/api/")
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("text/html"));
    if !wants_page {
        return Err(crate::api::problem::ApiError::NotFound(
            "there is nothing at this address",
        ));
    }
    let csrf = Csrf::of(&state, &req);
    let page = NotFound {
        signed_in: false,
        csrf: csrf.token().to_owned(),
    };
    render(&state, &csrf, StatusCode::NOT_FOUND, &page)
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

async fn icon() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/svg+xml"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(ICON)
}

/// A page's response: HTML with the pages' policy.
fn page(status: StatusCode, checkout: bool) -> HttpResponseBuilder {
    let mut response = HttpResponse::build(status);
    response
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ))
        .insert_header((
            "Content-Security-Policy",
            if checkout { PAGE_CSP_WITH_CHECKOUT } else { PAGE_CSP },
        ));
    response
}

/// A problem to show beside its form field (and in the summary above the form).
struct FieldError {
    /// The form field's id (the intake's fields keep the API's paths, `properties[0].postcode`).
    field: String,
    message: String,
}

fn error_in<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
}

/// Renders `template` with `status`, setting the CSRF cookie when it is new.
fn render(
    state: &crate::state::AppState,
    csrf: &Csrf,
    status: StatusCode,
    template: &impl askama::Template,
) -> Result<HttpResponse, crate::api::problem::ApiError> {
    let html = template
        .render()
        .map_err(|e| crate::api::problem::ApiError::Unexpected(anyhow::anyhow!("rendering a page: {e}")))?;
    let mut response = page(status, state.payments.is_some());
    if let Some(cookie) = csrf.cookie(state.secure_cookies) {
        response.cookie(cookie);
    }
    Ok(response.body(html))
}

/// A 303 to `to` (after a form, or a guard that sends the visitor elsewhere).
fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}
