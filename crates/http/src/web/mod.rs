//! The portal's pages, rendered on the server (askama, escaped by construction) over the same use
//! cases as the JSON API. One stylesheet of our own; no script yet, and nothing from another
//! origin, which the pages' Content-Security-Policy enforces.

mod csrf;
mod pages;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, HttpResponseBuilder, web};

pub use csrf::Csrf;

/// Scripts, styles, images and form targets from this origin only; nothing inline.
pub const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLESHEET: &str = include_str!("../../static/app.css");

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(pages::home))
        .route("/login", web::get().to(pages::login_form))
        .route("/login", web::post().to(pages::login))
        .route("/logout", web::post().to(pages::logout))
        .route("/portal", web::get().to(pages::portal))
        .route("/dashboard", web::get().to(pages::dashboard))
        .route("/admin", web::get().to(pages::admin))
        .route("/static/app.css", web::get().to(stylesheet));
}

async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(STYLESHEET)
}

/// A page's response: HTML with the pages' policy.
fn page(status: StatusCode) -> HttpResponseBuilder {
    let mut response = HttpResponse::build(status);
    response
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        ))
        .insert_header(("Content-Security-Policy", PAGE_CSP));
    response
}

/// A 303 to `to` (after a form, or a guard that sends the visitor elsewhere).
fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}
