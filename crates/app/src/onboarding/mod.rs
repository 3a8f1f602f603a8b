//! Onboarding: intake, its status, and (later) payment and provisioning.

mod intake;
mod status;

pub use intake::{IntakeLimits, IntakeReceipt, SubmitIntakeError, submit_intake};
pub use status::{IntakeStatus, NextStep, intake_status};
