//! CSRF tokens for the portal's forms (double submit): a random token in an HttpOnly,
//! SameSite=Strict cookie, and the same token in a hidden field of every form; a state-changing
//! POST is taken only when the two match. A page of another origin can neither read the cookie
//! nor set it, so it cannot fill in the field.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use futures_util::TryStreamExt;
use subtle::ConstantTimeEq;

use crate::state::AppState;

pub const COOKIE: &str = "cv_csrf";

/// The form token of a request: the browser's, or a new one to set.
#[derive(Debug, Clone)]
pub struct Csrf {
    token: String,
    fresh: bool,
}

fn well_formed(token: &str) -> bool {
    token.len() == 43 && URL_SAFE_NO_PAD.decode(token).is_ok_and(|b| b.len() == 32)
}

impl Csrf {
    pub fn of(state: &AppState, req: &HttpRequest) -> Self {
        match req.cookie(COOKIE).map(|c| c.value().to_owned()) {
            Some(token) if well_formed(&token) => Self { token, fresh: false },
            _ => {
                let mut bytes = [0u8; 32];
                state.rng.fill(&mut bytes);
                Self {
                    token: URL_SAFE_NO_PAD.encode(bytes),
                    fresh: true,
                }
            }
        }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// The cookie to set with the page, when the token is new.
    pub fn cookie(&self, secure: bool) -> Option<Cookie<'static>> {
        self.fresh.then(|| {
            Cookie::build(COOKIE, self.token.clone())
                .http_only(true)
                .secure(secure)
                .same_site(SameSite::Strict)
                .path("/")
                .finish()
        })
    }

    /// Whether `submitted` (the form's field) is the token in the request's cookie.
    pub fn matches(req: &HttpRequest, submitted: &str) -> bool {
        req.cookie(COOKIE)
            .is_some_and(|c| well_formed(c.value()) && bool::from(c.value().as_bytes().ct_eq(submitted.as_bytes())))
    }
}

/// The longest CSRF field read from a multipart body.
const MAX_CSRF_BYTES: usize = 64;

/// Reads the form's CSRF field, which the form puts first.
pub async fn first_field(body: &mut actix_multipart::Multipart) -> Option<String> {
    let mut field = body.try_next().await.ok()??;
    if field.name() != Some("csrf") {
        return None;
    }
    let mut value = Vec::new();
    while let Some(chunk) = field.try_next().await.ok()? {
        value.extend_from_slice(&chunk);
        if value.len() > MAX_CSRF_BYTES {
            return None;
        }
    }
    String::from_utf8(value).ok()
}
