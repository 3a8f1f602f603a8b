//! Email: the links emails carry, the delivery of queued email, and the operators' view of it.

mod delivery;
mod links;
mod messages;

pub use delivery::{DeliveryPolicy, DeliveryReport, DeliveryServices, deliver_due, drain};
pub use links::Links;
pub use messages::{
    MailServices, ManualEmail, ManualEmailError, apply_provider_event, list_messages, send_manual_email,
};
