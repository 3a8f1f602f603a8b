//! Onboarding: intake, its status, payment events and provisioning.

mod checkout;
mod intake;
mod payments;
mod provision;
mod status;

pub use checkout::open_checkout;
pub use intake::{IntakeLimits, IntakeReceipt, SubmitIntakeError, submit_intake};
pub use payments::{PaymentEventReport, handle_payment_event};
pub use provision::{ProvisionError, ProvisionServices, provision_client};
pub use status::{IntakeStatus, NextStep, intake_status};
