//! Stripe for Compliance Vault: the [`PaymentGateway`](ports::PaymentGateway) that opens a
//! subscription checkout ([`gateway`]), and the webhook side: the `Stripe-Signature` check
//! ([`signature`]) and the reading of a verified event into a
//! [`PaymentEvent`](ports::PaymentEvent) ([`events`]).
//!
//! [`StripeWebhook`] is the [`PaymentWebhook`](ports::PaymentWebhook) port over the two: the
//! signature on the raw body first, then the event from the same bytes; nothing here touches the
//! store.

pub mod events;
pub mod gateway;
pub mod signature;
pub mod webhook;

pub use events::{EventError, parse_event};
pub use gateway::{DEFAULT_API_BASE, DEFAULT_TIMEOUT, StripeConfigError, StripeGateway, StripePrices, StripeSettings};
pub use signature::{SignatureError, TOLERANCE_SECS, sign, verify};
pub use webhook::StripeWebhook;
