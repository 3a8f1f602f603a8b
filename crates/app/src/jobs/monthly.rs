//! One client's month: a `monthly-digest` with the portfolio's counts by colour, what falls due in
//! the next 60 days and what is RED, as of the first of the month. Sent once per client and month
//! (the key `digest:YYYY-MM`); the digest reads the evaluation and writes no snapshot.

use chrono::{DateTime, Utc};
use domain::{
    AuditAction, EmailContent, JobCounts, MessageId, OutgoingEmail, Rag, RagCounts, Snapshot, StoredSnapshot,
};
use ports::{ClientChanges, ClientPortfolio, SentReminder};
use uuid::Uuid;

use super::daily::{due_item, sent_entry};
use super::{JobServices, Period};
use crate::documents::evaluate_property;

/// How far ahead the digest looks for what falls due.
const DUE_SOON_DAYS: i64 = 60;

pub(super) fn changes(
    s: JobServices<'_>,
    portfolio: &ClientPortfolio,
    period: &Period,
    now: DateTime<Utc>,
) -> (ClientChanges, JobCounts) {
    let today = period.first_day();
    let client = &portfolio.client;
    let mut counts = JobCounts {
        clients: 1,
        ..JobCounts::default()
    };
    let mut out = ClientChanges {
        client_id: client.id,
        properties: Vec::new(),
        reminders: Vec::new(),
        email: None,
    };
    let key = format!("digest:{period}");
    if portfolio.reminders_sent.contains(&key) {
        return (out, counts);
    }
    let (mut colours, mut due_soon, mut overdue) = (RagCounts::default(), Vec::new(), Vec::new());
    for record in &portfolio.properties {
        counts.properties += 1;
        let evaluation = evaluate_property(&record.property, &record.documents, today);
        for requirement in evaluation.applicable() {
            let current = StoredSnapshot {
                property_id: record.property.id,
                requirement: requirement.requirement,
                snapshot: Snapshot::next(None, requirement.status, requirement.due_date, today),
            };
            let item = || due_item(s, &record.property, &current, today);
            match requirement.status.rag() {
                Rag::Red => {
                    colours.red += 1;
                    overdue.push(item());
                }
                colour => {
                    if colour == Rag::Amber {
                        colours.amber += 1;
                    } else {
                        colours.green += 1;
                    }
                    if requirement
                        .due_date
                        .is_some_and(|due| (0..=DUE_SOON_DAYS).contains(&(due - today).num_days()))
                    {
                        due_soon.push(item());
                    }
                }
            }
        }
    }
    let email = OutgoingEmail {
        id: MessageId::from_uuid(Uuid::now_v7()),
        client_id: Some(client.id),
        to: client.details.email.clone(),
        content: EmailContent::MonthlyDigest {
            recipient_name: client.details.full_name.as_str().to_owned(),
            month: period.to_string(),
            counts: colours,
            due_soon,
            overdue,
            portal_url: s.links.portal(),
        },
        created_at: now,
    };
    let entry = sent_entry(AuditAction::DigestSent, &email, now);
    out.email = Some((email, entry));
    out.reminders.push(SentReminder {
        key,
        relevant_until: period.last_day(),
    });
    counts.digests_queued = 1;
    (out, counts)
}
