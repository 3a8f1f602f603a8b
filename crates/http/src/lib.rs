//! The driving side: HTTP over the use cases of `app`. `api` holds the JSON routes, their
//! problem+json errors and the OpenAPI document; beside it sit what the portal's pages will share
//! with them: the session extractor and its refusals, the client's address, the request id, and
//! the work done after an answer. Handlers parse, call one use case and render: none builds an
//! audit entry or calls a store port (a test holds them to it).

pub mod api;
pub mod background;
pub mod client_address;
pub mod metrics;
pub mod request_id;
pub mod session;
pub mod state;
pub mod web;

pub use api::{app, openapi};
pub use state::AppState;
