//! When a landlord is reminded: a pure function of what a requirement's evaluation was last time
//! (its snapshot), what it is today, and the policy. No clock, no store: the daily job passes the
//! day, and remembers which reminders it sent by their [`ReminderKey`], each sent once ever.
//!
//! - Before a due date: on the day a requirement reaches each threshold (60, 30, 7 and 0 days
//!   before it, by default). A threshold passed on a day the job did not run is sent on its next
//!   run, but only the latest one: a requirement first seen 25 days before its due date gets the
//!   30-day reminder, not the 60-day one as well. Its key is (due date, threshold), so a renewed
//!   certificate (a new due date) starts again.
//! - While RED (overdue, missing, non-compliant): on the first RED day and every 7 days after,
//!   keyed by (the day it turned RED, the week since), so a missed week is sent once and a
//!   requirement that leaves RED and comes back starts a new cycle.

use chrono::NaiveDate;
use domain::{Snapshot, Status};

/// What the reminders follow. Thresholds are days before the due date; `red_every_days` is how
/// often a RED requirement is reminded again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPolicy {
    thresholds: Vec<u16>,
    red_every_days: u16,
}

impl ReminderPolicy {
    /// # Errors
    /// When there is no threshold or `red_every_days` is zero.
    pub fn new(mut thresholds: Vec<u16>, red_every_days: u16) -> Result<Self, &'static str> {
        if thresholds.is_empty() {
            return Err("at least one threshold is needed");
        }
        if red_every_days == 0 {
            return Err("a RED requirement must be reminded every 1 day or more");
        }
        thresholds.sort_unstable();
        thresholds.dedup();
        Ok(Self {
            thresholds,
            red_every_days,
        })
    }

    /// The thresholds, nearest the due date first.
    pub fn thresholds(&self) -> &[u16] {
        &self.thresholds
    }

    pub const fn red_every_days(&self) -> u16 {
        self.red_every_days
    }
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        Self {
            thresholds: vec![0, 7, 30, 60],
            red_every_days: 7,
        }
    }
}

/// Which reminder is due: the identity under which it is sent once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReminderKey {
    /// `days_before` the due date (the latest threshold reached).
    BeforeDue { due_date: NaiveDate, days_before: u16 },
    /// The `week`th reminder (0 on the first day) of the RED spell that began on `red_since`.
    WhileRed { red_since: NaiveDate, week: u32 },
}

impl ReminderKey {
    /// The key's text, stable across versions: `due:2026-05-01:30`, `red:2026-05-02:3`.
    pub fn as_text(&self) -> String {
        match self {
            Self::BeforeDue { due_date, days_before } => format!("due:{due_date}:{days_before}"),
            Self::WhileRed { red_since, week } => format!("red:{red_since}:{week}"),
        }
    }

    /// The last day on which this key can come up again: after it, the store may forget it.
    pub fn relevant_until(&self, policy: &ReminderPolicy) -> NaiveDate {
        match *self {
            Self::BeforeDue { due_date, .. } => due_date,
            Self::WhileRed { red_since, week } => {
                let days = (u64::from(week) + 1) * u64::from(policy.red_every_days);
                red_since
                    .checked_add_days(chrono::Days::new(days))
                    .unwrap_or(NaiveDate::MAX)
            }
        }
    }
}

/// The reminder a requirement in `snapshot` (as evaluated today) calls for today, if any. Whether
/// it was sent already is the caller's to check, by its key.
pub fn reminder_due(snapshot: &Snapshot, today: NaiveDate, policy: &ReminderPolicy) -> Option<ReminderKey> {
    if let Some(red_since) = snapshot.red_since {
        let days_red = (today - red_since).num_days().max(0);
        let week = u32::try_from(days_red / i64::from(policy.red_every_days)).unwrap_or(u32::MAX);
        return Some(ReminderKey::WhileRed { red_since, week });
    }
    if snapshot.status == Status::NotApplicable {
        return None;
    }
    let due_date = snapshot.due_date?;
    let days_left = (due_date - today).num_days();
    // Past the due date without being RED (an EPC that lapsed in a tenancy): nothing more to say.
    if days_left < 0 {
        return None;
    }
    let days_before = policy
        .thresholds
        .iter()
        .copied()
        .find(|&threshold| days_left <= i64::from(threshold))?;
    Some(ReminderKey::BeforeDue { due_date, days_before })
}

#[cfg(test)]
#[path = "reminders_tests.rs"]
mod tests;
