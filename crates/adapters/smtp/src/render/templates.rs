//! One function per template: the wording of each email, in British English. Model values only
//! reach the bodies through `Body`, whose HTML template escapes them.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{BillingPlan, DueItem, RagCounts};

use super::Rendered;
use super::compose::Body;

/// What each template gives: both bodies and the subject, or askama's error.
type Email = Result<Rendered, askama::Error>;

const OPEN_PORTAL: &str = "Open your portal";

pub(super) fn password_setup(name: &str, setup_url: &str, expires_in_minutes: u32) -> Email {
    Body::greeting(name)
        .para("Your Compliance Vault account is ready. Choose a password to sign in to your portal.")
        .button("Set up your password", setup_url)
        .para(&format!(
            "This link expires in {}. If you were not expecting this email, you can safely ignore it.",
            count(expires_in_minutes.into(), "minute", "minutes")
        ))
        .finish("Set up your Compliance Vault password")
}

pub(super) fn password_reset(name: &str, reset_url: &str, expires_in_minutes: u32) -> Email {
    Body::greeting(name)
        .para("We received a request to reset the password for your Compliance Vault account.")
        .button("Choose a new password", reset_url)
        .para(&format!(
            "This link expires in {}. If you did not ask to reset your password, you can ignore this email: \
             your password will not change.",
            count(expires_in_minutes.into(), "minute", "minutes")
        ))
        .finish("Reset your Compliance Vault password")
}

pub(super) fn password_changed(name: &str, changed_at: DateTime<Utc>, forgot_password_url: &str) -> Email {
    Body::greeting(name)
        .para(&format!(
            "The password for your Compliance Vault account was changed on {} at {} UTC.",
            long_date(changed_at.date_naive()),
            changed_at.format("%H:%M")
        ))
        .para(
            "If this was you, there is nothing else to do. If it was not, reset your password straight away \
             and let us know.",
        )
        .button("Reset your password", forgot_password_url)
        .finish("Your Compliance Vault password was changed")
}

pub(super) fn portal_ready(name: &str, portal_url: &str) -> Email {
    Body::greeting(name)
        .para(
            "Your Compliance Vault portal is ready. You can now see the compliance requirements of each of \
             your properties, upload certificates and check what falls due next.",
        )
        .button(OPEN_PORTAL, portal_url)
        .finish("Your Compliance Vault portal is ready")
}

pub(super) fn monthly_digest(
    name: &str,
    month: &str,
    counts: RagCounts,
    due_soon: &[DueItem],
    overdue: &[DueItem],
    portal_url: &str,
) -> Email {
    let month = month_name(month);
    let totals = [
        format!("{} up to date (green)", counts.green),
        format!("{} due soon (amber)", counts.amber),
        format!("{} overdue or missing (red)", counts.red),
    ];
    let mut body = Body::greeting(name)
        .para(&format!("Here is where your properties stand for {month}."))
        .list("Your requirements", &totals);
    if !overdue.is_empty() {
        body = body.list("Overdue", &overdue.iter().map(item_line).collect::<Vec<_>>());
    }
    if !due_soon.is_empty() {
        body = body.list("Due soon", &due_soon.iter().map(item_line).collect::<Vec<_>>());
    }
    if overdue.is_empty() && due_soon.is_empty() {
        body = body.para("Nothing is overdue or due soon. Well done.");
    }
    body.button(OPEN_PORTAL, portal_url)
        .finish(&format!("Your compliance digest for {month}"))
}

pub(super) fn admin_manual(name: &str, subject: &str, message: &str, portal_url: &str) -> Email {
    Body::greeting(name)
        .para(message)
        .button(OPEN_PORTAL, portal_url)
        .finish(subject)
}

pub(super) fn payment_receipt(name: &str, plan: BillingPlan, property_count: u32, portal_url: &str) -> Email {
    let plan = plan_label(plan);
    Body::greeting(name)
        .para(&format!(
            "Thank you. We have received your payment for the Compliance Vault plan for {plan}, covering {}.",
            count(property_count.into(), "property", "properties")
        ))
        .button(OPEN_PORTAL, portal_url)
        .finish(&format!("Payment received: Compliance Vault plan for {plan}"))
}

pub(super) fn compliance_reminder(name: &str, items: &[DueItem], portal_url: &str) -> Email {
    let (heading, needs) = if items.len() == 1 {
        ("This requirement at your properties needs attention:", "needs")
    } else {
        ("These requirements at your properties need attention:", "need")
    };
    let how_many = count(
        i64::try_from(items.len()).unwrap_or(i64::MAX),
        "requirement",
        "requirements",
    );
    Body::greeting(name)
        .list(heading, &items.iter().map(item_line).collect::<Vec<_>>())
        .para("You can upload new certificates and see every requirement in your portal.")
        .button(OPEN_PORTAL, portal_url)
        .finish(&format!("Compliance reminder: {how_many} {needs} attention"))
}

/// "Gas safety record, 1 High Street: due in 3 days (10 January 2026) <link>", or "…: missing".
fn item_line(item: &DueItem) -> String {
    let when = match (item.days_until_due, item.due_date) {
        (Some(days), Some(date)) => format!("{} ({})", due_phrase(days), long_date(date)),
        _ => item.status.to_lowercase().replace('_', " "),
    };
    format!("{}, {}: {when} {}", item.requirement, item.property, item.url)
}

/// "due in 3 days", "due today", "overdue by 1 day".
fn due_phrase(days_until_due: i64) -> String {
    match days_until_due {
        0 => "due today".to_owned(),
        days if days > 0 => format!("due in {}", count(days, "day", "days")),
        days => format!("overdue by {}", count(days.saturating_neg(), "day", "days")),
    }
}

/// "1 day", "3 days".
fn count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "10 January 2026".
fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "2026-01" becomes "January 2026"; anything else is shown as it is.
fn month_name(month: &str) -> String {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .map_or_else(|_| month.to_owned(), |first| first.format("%B %Y").to_string())
}

fn plan_label(plan: BillingPlan) -> &'static str {
    match plan {
        BillingPlan::Plan1 => "1 property",
        BillingPlan::Plan2To5 => "2 to 5 properties",
        BillingPlan::Plan6To15 => "6 to 15 properties",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_phrase_counts_days_either_side_of_today() {
        assert_eq!(due_phrase(3), "due in 3 days");
        assert_eq!(due_phrase(1), "due in 1 day");
        assert_eq!(due_phrase(0), "due today");
        assert_eq!(due_phrase(-1), "overdue by 1 day");
        assert_eq!(due_phrase(-12), "overdue by 12 days");
    }

    #[test]
    fn month_name_spells_out_the_month_and_keeps_anything_unparseable() {
        assert_eq!(month_name("2026-01"), "January 2026");
        assert_eq!(month_name("soon"), "soon");
    }

    #[test]
    fn long_date_has_no_leading_zero() {
        let date = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        assert_eq!(long_date(date), "5 January 2026");
    }
}
