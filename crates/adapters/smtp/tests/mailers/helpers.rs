//! Emails to send and somewhere to put them.

use std::path::PathBuf;

use chrono::{NaiveDate, TimeZone, Utc};
use domain::{BillingPlan, DueItem, Email, EmailContent, MessageId, OutgoingEmail, RagCounts};
use uuid::Uuid;

pub const SETUP_URL: &str = "https://vault.example/set-password?token=abc123&user=42";
pub const PORTAL_URL: &str = "https://vault.example/portal";
pub const HOSTILE: &str = r#"<script>alert("x")</script> & co"#;

pub fn outgoing(to: &str, content: EmailContent) -> OutgoingEmail {
    OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: None,
        to: Email::parse(to).unwrap(),
        content,
        created_at: Utc::now(),
    }
}

pub fn setup(recipient_name: &str) -> EmailContent {
    EmailContent::PasswordSetup {
        recipient_name: recipient_name.into(),
        setup_url: SETUP_URL.into(),
        expires_in_minutes: 60,
    }
}

/// The page every test item links to.
pub const PROPERTY_URL: &str = "https://vault.example/portal/properties/p1";

/// A requirement never evidenced: no due date.
pub fn missing(property: &str, requirement: &str) -> DueItem {
    DueItem {
        property: property.into(),
        requirement: requirement.into(),
        status: "MISSING".into(),
        due_date: None,
        days_until_due: None,
        url: PROPERTY_URL.into(),
    }
}

pub fn due(property: &str, requirement: &str, days_until_due: i64) -> DueItem {
    let today = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
    DueItem {
        property: property.into(),
        requirement: requirement.into(),
        status: if days_until_due < 0 { "OVERDUE" } else { "EXPIRING_SOON" }.into(),
        due_date: Some(today + chrono::TimeDelta::days(days_until_due)),
        days_until_due: Some(days_until_due),
        url: PROPERTY_URL.into(),
    }
}

/// Every template with `name` as the recipient, and the values its bodies must show: links first.
pub fn every_template(name: &str) -> Vec<(EmailContent, Vec<&'static str>)> {
    vec![
        (setup(name), vec![SETUP_URL, "60 minutes"]),
        (
            EmailContent::PasswordReset {
                recipient_name: name.into(),
                reset_url: "https://vault.example/reset?token=r1".into(),
                expires_in_minutes: 30,
            },
            vec!["https://vault.example/reset?token=r1", "30 minutes"],
        ),
        (
            EmailContent::PasswordChanged {
                recipient_name: name.into(),
                changed_at: Utc.with_ymd_and_hms(2026, 1, 10, 14, 5, 0).unwrap(),
                forgot_password_url: "https://vault.example/forgot".into(),
            },
            vec!["https://vault.example/forgot", "10 January 2026 at 14:05 UTC"],
        ),
        (
            EmailContent::PortalReady {
                recipient_name: name.into(),
                portal_url: PORTAL_URL.into(),
            },
            vec![PORTAL_URL],
        ),
        (
            EmailContent::MonthlyDigest {
                recipient_name: name.into(),
                month: "2026-01".into(),
                counts: RagCounts {
                    green: 7,
                    amber: 2,
                    red: 1,
                },
                due_soon: vec![due("1 High Street", "EICR", 20)],
                overdue: vec![due("2 Low Road", "Gas safety certificate", -4)],
                portal_url: PORTAL_URL.into(),
            },
            vec![
                PORTAL_URL,
                "January 2026",
                "7 up to date",
                "EICR",
                "Gas safety certificate",
            ],
        ),
        (
            EmailContent::AdminManual {
                recipient_name: name.into(),
                subject: "Your documents".into(),
                message: "Please upload your EPC.".into(),
                portal_url: PORTAL_URL.into(),
            },
            vec![PORTAL_URL, "Please upload your EPC."],
        ),
        (
            EmailContent::PaymentReceipt {
                recipient_name: name.into(),
                plan: BillingPlan::Plan2To5,
                property_count: 3,
                portal_url: PORTAL_URL.into(),
            },
            vec![PORTAL_URL, "2 to 5 properties", "3 properties"],
        ),
        (
            EmailContent::ComplianceReminder {
                recipient_name: name.into(),
                items: vec![due("1 High Street", "EPC", 5)],
                portal_url: PORTAL_URL.into(),
            },
            vec![PORTAL_URL, "EPC", "1 High Street", "due in 5 days", "15 January 2026"],
        ),
    ]
}

/// A fresh folder path under the system's temporary folder; it does not exist yet.
pub fn temp_dir(label: &str) -> PathBuf {
    std::env::temp_dir().join(format!("adapter-smtp-{label}-{}", Uuid::new_v4()))
}
