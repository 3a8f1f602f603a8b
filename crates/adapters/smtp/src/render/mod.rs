//! Renders an email's template and typed model into a subject, a plain-text body and an HTML body,
//! with askama like the portal's pages. The HTML template escapes every model value by
//! construction, and no subject ever carries a line break, whatever the model holds: a subject
//! must never be able to inject a header.

mod compose;
mod templates;

use domain::EmailContent;

/// An email ready to send: what every mail adapter hands over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// One line: control characters in the model become spaces.
    pub subject: String,
    /// The plain-text alternative; links appear whole, on their own line.
    pub text_body: String,
    /// A complete HTML document with inline styles, every model value escaped.
    pub html_body: String,
}

/// Renders the content's template with its model. Rendering strings cannot fail in practice; the
/// error is askama's, passed on rather than hidden.
pub fn render(content: &EmailContent) -> Result<Rendered, askama::Error> {
    match content {
        EmailContent::PasswordSetup {
            recipient_name,
            setup_url,
            expires_in_minutes,
        } => templates::password_setup(recipient_name, setup_url, *expires_in_minutes),
        EmailContent::PasswordReset {
            recipient_name,
            reset_url,
            expires_in_minutes,
        } => templates::password_reset(recipient_name, reset_url, *expires_in_minutes),
        EmailContent::PasswordChanged {
            recipient_name,
            changed_at,
            forgot_password_url,
        } => templates::password_changed(recipient_name, *changed_at, forgot_password_url),
        EmailContent::PortalReady {
            recipient_name,
            portal_url,
        } => templates::portal_ready(recipient_name, portal_url),
        EmailContent::MonthlyDigest {
            recipient_name,
            month,
            counts,
            due_soon,
            overdue,
            portal_url,
        } => templates::monthly_digest(recipient_name, month, *counts, due_soon, overdue, portal_url),
        EmailContent::AdminManual {
            recipient_name,
            subject,
            message,
            portal_url,
        } => templates::admin_manual(recipient_name, subject, message, portal_url),
        EmailContent::PaymentReceipt {
            recipient_name,
            plan,
            property_count,
            portal_url,
        } => templates::payment_receipt(recipient_name, *plan, *property_count, portal_url),
        EmailContent::ComplianceReminder {
            recipient_name,
            items,
            portal_url,
        } => templates::compliance_reminder(recipient_name, items, portal_url),
    }
}

/// A subject on one line: control characters (CR and LF among them) become spaces, and runs of
/// whitespace collapse to one, so nothing from a model can start a new header.
pub fn one_line_subject(subject: &str) -> String {
    let spaced: String = subject.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_subject_turns_line_breaks_and_tabs_into_single_spaces() {
        assert_eq!(one_line_subject(" Hello\r\nBcc: x\t\u{0}y "), "Hello Bcc: x y");
    }
}
