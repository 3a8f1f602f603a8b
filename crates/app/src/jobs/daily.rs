//! One client's day: every property re-evaluated as of the day, each status change recorded
//! against the stored snapshot, and the reminders due today that were never sent gathered into
//! one `compliance-reminder` email.

use chrono::{DateTime, NaiveDate, Utc};
use compliance::reminder_due;
use domain::{
    Actor, AuditAction, DueItem, EmailContent, JobCounts, MessageId, NewAuditEntry, OutgoingEmail, Property,
    StoredSnapshot,
};
use ports::{ClientChanges, ClientPortfolio, PropertyChanges, SentReminder};
use serde_json::json;
use uuid::Uuid;

use super::JobServices;
use crate::RequestContext;
use crate::documents::{evaluate_property, reevaluate};

pub(super) fn changes(
    s: JobServices<'_>,
    portfolio: &ClientPortfolio,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> (ClientChanges, JobCounts) {
    let ctx = RequestContext::system();
    let mut counts = JobCounts {
        clients: 1,
        ..JobCounts::default()
    };
    let mut out = ClientChanges {
        client_id: portfolio.client.id,
        properties: Vec::new(),
        reminders: Vec::new(),
        email: None,
    };
    let mut items = Vec::new();
    for record in &portfolio.properties {
        counts.properties += 1;
        let evaluation = evaluate_property(&record.property, &record.documents, today);
        let changed = reevaluate(
            &record.property,
            &record.snapshots,
            None,
            &evaluation,
            (today, now),
            &ctx,
        );
        for current in &changed.current {
            let Some(key) = reminder_due(&current.snapshot, today, s.policy) else {
                continue;
            };
            let text = format!("{}:{}:{}", current.property_id, current.requirement, key.as_text());
            if portfolio.reminders_sent.contains(&text) {
                continue;
            }
            items.push(due_item(s, &record.property, current, today));
            out.reminders.push(SentReminder {
                key: text,
                relevant_until: key.relevant_until(s.policy),
            });
        }
        counts.status_changes += changed.audit.len() as u64;
        if !changed.snapshots.is_empty() {
            out.properties.push(PropertyChanges {
                property_id: record.property.id,
                evidence_version: record.evidence_version,
                snapshots: changed.snapshots,
                audit: changed.audit,
            });
        }
    }
    if !items.is_empty() {
        counts.reminders_queued = 1;
        out.email = Some(reminder_email(s, portfolio, items, now));
    }
    (out, counts)
}

/// A requirement's line in a reminder or digest.
pub(super) fn due_item(s: JobServices<'_>, property: &Property, current: &StoredSnapshot, today: NaiveDate) -> DueItem {
    let snapshot = &current.snapshot;
    DueItem {
        property: address(property),
        requirement: current.requirement.label().to_owned(),
        status: snapshot.status.as_str().to_owned(),
        due_date: snapshot.due_date,
        days_until_due: snapshot.due_date.map(|due| (due - today).num_days()),
        url: s.links.property(property.id),
    }
}

/// "1 Test Street, Flat 2, London SW1A 1AA".
pub(super) fn address(property: &Property) -> String {
    let d = &property.details;
    let mut parts = vec![d.address_line_1.as_str().to_owned()];
    if let Some(line) = &d.address_line_2 {
        parts.push(line.as_str().to_owned());
    }
    parts.push(format!("{} {}", d.city.as_str(), d.postcode));
    parts.join(", ")
}

fn reminder_email(
    s: JobServices<'_>,
    portfolio: &ClientPortfolio,
    items: Vec<DueItem>,
    now: DateTime<Utc>,
) -> (OutgoingEmail, NewAuditEntry) {
    let client = &portfolio.client;
    let email = OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: Some(client.id),
        to: client.details.email.clone(),
        content: EmailContent::ComplianceReminder {
            recipient_name: client.details.full_name.as_str().to_owned(),
            items,
            portal_url: s.links.portal(),
        },
        created_at: now,
    };
    let entry = sent_entry(AuditAction::ReminderSent, &email, now);
    (email, entry)
}

/// REMINDER_SENT or DIGEST_SENT for `email`, by the system.
pub(super) fn sent_entry(action: AuditAction, email: &OutgoingEmail, now: DateTime<Utc>) -> NewAuditEntry {
    let mut entry = NewAuditEntry::new(Uuid::now_v7(), now, action, Actor::system());
    entry.client_id = email.client_id;
    entry.resource_type = Some("message".into());
    entry.resource_id = Some(email.id.to_string());
    let items = match &email.content {
        EmailContent::ComplianceReminder { items, .. } => items.len(),
        EmailContent::MonthlyDigest { due_soon, overdue, .. } => due_soon.len() + overdue.len(),
        _ => 0,
    };
    entry.after = Some(json!({ "template": email.content.alias(), "items": items }));
    entry
}
