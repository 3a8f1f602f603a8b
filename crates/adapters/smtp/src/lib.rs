//! The `Mailer` port without a mail API: [`smtp::SmtpMailer`] hands emails to any SMTP relay, and
//! [`outbox::OutboxMailer`] writes them to a folder for development and tests. Both render the
//! templates here ([`render`]); nothing in this crate decides who is emailed or when.

pub mod outbox;
pub mod render;
pub mod smtp;

pub use outbox::OutboxMailer;
pub use render::{Rendered, render};
pub use smtp::{SmtpConfigError, SmtpMailer};
