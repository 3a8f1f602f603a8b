//! Stripe for Compliance Vault: the [`PaymentGateway`](ports::PaymentGateway) that opens a
//! subscription checkout ([`gateway`]), and the webhook side: the `Stripe-Signature` check
//! ([`signature`]) and the reading of a verified event into a
//! [`PaymentEvent`](ports::PaymentEvent) ([`events`]).
//!
//! A webhook handler calls [`verify`] on the raw body first, then [`parse_event`] on the same
//! bytes; nothing here touches the store.

pub mod events;
pub mod gateway;
pub mod signature;

pub use events::{EventError, parse_event};
pub use gateway::{DEFAULT_API_BASE, DEFAULT_TIMEOUT, StripeConfigError, StripeGateway, StripePrices, StripeSettings};
pub use signature::{SignatureError, TOLERANCE_SECS, sign, verify};
