//! The reminder schedule walked day by day, with days skipped, through RED spells.

use std::collections::HashSet;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn in_date(due_date: NaiveDate, today: NaiveDate) -> Snapshot {
    Snapshot::next(None, Status::Compliant, Some(due_date), today)
}

/// Runs the job on each of `days`, with the requirement as `status_on` says, and returns the
/// reminders sent (each key once ever), with the day each went.
fn walk(
    days: impl IntoIterator<Item = NaiveDate>,
    status_on: impl Fn(NaiveDate) -> (Status, Option<NaiveDate>),
) -> Vec<(NaiveDate, ReminderKey)> {
    let policy = ReminderPolicy::default();
    let mut sent = HashSet::new();
    let mut previous: Option<Snapshot> = None;
    let mut out = Vec::new();
    for today in days {
        let (status, due) = status_on(today);
        let snapshot = Snapshot::next(previous.as_ref(), status, due, today);
        if let Some(key) = reminder_due(&snapshot, today, &policy)
            && sent.insert(key)
        {
            out.push((today, key));
        }
        previous = Some(snapshot);
    }
    out
}

fn every_day(from: NaiveDate, to: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    from.iter_days().take_while(move |d| *d <= to)
}

#[test]
fn each_threshold_fires_once_on_its_day() {
    let due = day(2027, 3, 31);
    let sent = walk(every_day(day(2026, 12, 1), due), |_| (Status::ExpiringSoon, Some(due)));
    let expected: Vec<_> = [60, 30, 7, 0]
        .into_iter()
        .map(|before| {
            let on = due - chrono::Days::new(before);
            (
                on,
                ReminderKey::BeforeDue {
                    due_date: due,
                    days_before: u16::try_from(before).unwrap(),
                },
            )
        })
        .collect();
    assert_eq!(sent, expected);
}

#[test]
fn a_skipped_threshold_is_sent_on_the_next_run_and_only_the_latest() {
    let due = day(2027, 3, 31);
    // The job ran 70 days before, then not until 25 days before (the 60 and 30 days passed).
    let days = [
        due - chrono::Days::new(70),
        due - chrono::Days::new(25),
        due - chrono::Days::new(24),
    ];
    let sent = walk(days, |_| (Status::ExpiringSoon, Some(due)));
    assert_eq!(
        sent,
        [(
            due - chrono::Days::new(25),
            ReminderKey::BeforeDue {
                due_date: due,
                days_before: 30
            }
        )]
    );
    // First seen 25 days before: the 30-day reminder, not the 60-day one.
    let first = walk([due - chrono::Days::new(25)], |_| (Status::ExpiringSoon, Some(due)));
    assert_eq!(first.len(), 1);
    assert_eq!(
        first[0].1,
        ReminderKey::BeforeDue {
            due_date: due,
            days_before: 30
        }
    );
}

#[test]
fn a_renewal_starts_the_thresholds_again_for_the_new_due_date() {
    let (old, new) = (day(2027, 3, 31), day(2028, 3, 31));
    let renewed_on = day(2027, 3, 20);
    let sent = walk(every_day(day(2027, 1, 1), day(2028, 3, 31)), |today| {
        (Status::Compliant, Some(if today < renewed_on { old } else { new }))
    });
    let for_new: Vec<u16> = sent
        .iter()
        .filter_map(|(_, k)| match k {
            ReminderKey::BeforeDue { due_date, days_before } if *due_date == new => Some(*days_before),
            _ => None,
        })
        .collect();
    assert_eq!(for_new, [60, 30, 7, 0]);
    assert_eq!(
        sent.len(),
        2 + 4,
        "60 and 30 for the old due date (renewed before 7), all four for the new"
    );
}

#[test]
fn a_red_requirement_is_reminded_on_its_first_day_and_every_seven_days() {
    let red_from = day(2027, 4, 1);
    let sent = walk(every_day(day(2027, 3, 25), day(2027, 4, 30)), |today| {
        if today < red_from {
            (Status::ExpiringSoon, Some(day(2027, 3, 31)))
        } else {
            (Status::Overdue, Some(day(2027, 3, 31)))
        }
    });
    let red_days: Vec<NaiveDate> = sent
        .iter()
        .filter(|(_, k)| matches!(k, ReminderKey::WhileRed { .. }))
        .map(|(d, _)| *d)
        .collect();
    assert_eq!(
        red_days,
        [
            day(2027, 4, 1),
            day(2027, 4, 8),
            day(2027, 4, 15),
            day(2027, 4, 22),
            day(2027, 4, 29)
        ]
    );
}

#[test]
fn a_missed_red_week_is_sent_once_and_a_new_red_spell_starts_again() {
    // Missing from 1 April; the job does not run from the 2nd to the 17th.
    let days = [day(2027, 4, 1), day(2027, 4, 18), day(2027, 4, 19)];
    let sent = walk(days, |_| (Status::Missing, None));
    let weeks: Vec<_> = sent.iter().map(|(d, k)| (*d, *k)).collect();
    assert_eq!(
        weeks,
        [
            (
                day(2027, 4, 1),
                ReminderKey::WhileRed {
                    red_since: day(2027, 4, 1),
                    week: 0
                }
            ),
            (
                day(2027, 4, 18),
                ReminderKey::WhileRed {
                    red_since: day(2027, 4, 1),
                    week: 2
                }
            ),
        ]
    );
    // RED, then evidenced for a day, then RED again: a new spell, reminded on its first day.
    let sent = walk(every_day(day(2027, 4, 1), day(2027, 4, 5)), |today| {
        if today == day(2027, 4, 3) {
            (Status::PendingVerification, None)
        } else {
            (Status::Missing, None)
        }
    });
    assert_eq!(
        sent.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
        [day(2027, 4, 1), day(2027, 4, 4)]
    );
}

#[test]
fn nothing_is_due_far_from_a_date_for_grey_or_for_a_lapse_in_tenancy() {
    let policy = ReminderPolicy::default();
    let today = day(2027, 1, 1);
    assert_eq!(reminder_due(&in_date(day(2028, 1, 1), today), today, &policy), None);
    let grey = Snapshot::next(None, Status::NotApplicable, None, today);
    assert_eq!(reminder_due(&grey, today, &policy), None);
    let lapsed = Snapshot::next(None, Status::ExpiredInTenancy, Some(day(2026, 12, 1)), today);
    assert_eq!(reminder_due(&lapsed, today, &policy), None);
}

#[test]
fn keys_are_stable_text_and_say_until_when_they_matter() {
    let policy = ReminderPolicy::new(vec![30, 0, 30], 7).unwrap();
    assert_eq!(policy.thresholds(), [0, 30]);
    let due = ReminderKey::BeforeDue {
        due_date: day(2027, 5, 1),
        days_before: 30,
    };
    assert_eq!(due.as_text(), "due:2027-05-01:30");
    assert_eq!(due.relevant_until(&policy), day(2027, 5, 1));
    let red = ReminderKey::WhileRed {
        red_since: day(2027, 5, 2),
        week: 3,
    };
    assert_eq!(red.as_text(), "red:2027-05-02:3");
    assert_eq!(red.relevant_until(&policy), day(2027, 5, 30));
    assert!(ReminderPolicy::new(Vec::new(), 7).is_err());
    assert!(ReminderPolicy::new(vec![7], 0).is_err());
}
