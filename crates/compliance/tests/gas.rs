//! Gas safety under reg 36A: the deadline chain, its window edges, month ends and 29 February.

mod common;

use common::{d, england, evaluate_on, one, pending, verified};
use compliance::{Evidence, EvidenceStatus, GasCount, Reason, RequirementType::GasSafety, Status};

/// (status, due, last_done, counts_from) of the gas requirement.
fn gas(checks: &[&str], today: &str) -> (Status, String, String, String) {
    let evidence: Vec<Evidence> = checks.iter().map(|c| verified(GasSafety, c)).collect();
    let e = one(GasSafety, &england(), &evidence, today);
    let show = |x: Option<chrono::NaiveDate>| x.map_or("-".to_owned(), |x| x.to_string());
    (e.status, show(e.due_date), show(e.last_done), show(e.counts_from))
}

#[test]
fn a_single_check_is_due_twelve_calendar_months_later() {
    assert_eq!(
        gas(&["2025-01-10"], "2025-06-01"),
        (
            Status::Compliant,
            "2026-01-10".into(),
            "2025-01-10".into(),
            "2025-01-10".into()
        )
    );
}

#[test]
fn the_reg_36a_window_edges_decide_where_the_next_deadline_counts_from() {
    // First deadline 2026-01-10; the window is 2025-11-11 ..= 2026-01-10.
    let cases = [
        // the day before the window opens: a new 12 months from the check itself
        ("2025-11-10", Status::Compliant, "2026-11-10", "2025-11-10"),
        // the first day of the window: counts as made on the deadline
        ("2025-11-11", Status::Compliant, "2027-01-10", "2026-01-10"),
        // the deadline itself: still counts as made on the deadline
        ("2026-01-10", Status::Compliant, "2027-01-10", "2026-01-10"),
        // the day after the deadline: late, a new 12 months from the check
        ("2026-01-11", Status::Compliant, "2027-01-11", "2026-01-11"),
    ];
    for (second, status, due, counts_from) in cases {
        let got = gas(&["2025-01-10", second], "2026-02-01");
        assert_eq!(
            got,
            (status, due.into(), second.into(), counts_from.into()),
            "second check {second}"
        );
    }
}

#[test]
fn the_amber_window_opens_sixty_days_before_the_deadline_and_red_follows_the_deadline() {
    // Deadline 2026-01-10; 60 days before is 2025-11-11.
    let cases = [
        ("2025-11-10", Status::Compliant),
        ("2025-11-11", Status::ExpiringSoon),
        ("2026-01-10", Status::ExpiringSoon),
        ("2026-01-11", Status::Overdue),
    ];
    for (today, status) in cases {
        assert_eq!(gas(&["2025-01-10"], today).0, status, "on {today}");
    }
}

#[test]
fn an_in_window_check_keeps_the_original_anniversary_year_after_year() {
    let checks = ["2022-03-15", "2023-02-01", "2024-01-20", "2025-02-10"];
    let got = gas(&checks, "2025-06-01");
    assert_eq!(
        got,
        (
            Status::Compliant,
            "2026-03-15".into(),
            "2025-02-10".into(),
            "2025-03-15".into()
        )
    );
}

#[test]
fn a_check_on_the_thirty_first_of_january_chains_through_february() {
    // 2025-01-31 + 12 months = 2026-01-31; 2 months before is 2025-11-30.
    assert_eq!(gas(&["2025-01-31", "2025-11-30"], "2026-01-01").1, "2026-11-30");
    assert_eq!(gas(&["2025-01-31", "2025-12-01"], "2026-01-01").1, "2027-01-31");
    // A deadline of 31 March: the window opens after 31 January, on 1 February.
    assert_eq!(gas(&["2024-03-31", "2025-01-31"], "2025-02-15").1, "2026-01-31");
    assert_eq!(gas(&["2024-03-31", "2025-02-01"], "2025-02-15").1, "2026-03-31");
}

#[test]
fn a_check_on_the_twenty_ninth_of_february_is_due_on_the_twenty_eighth_and_stays_there() {
    assert_eq!(gas(&["2024-02-29"], "2024-06-01").1, "2025-02-28");
    // An in-window check counts from 2025-02-28, so even in the next leap year it is the 28th.
    let got = gas(&["2024-02-29", "2025-01-15", "2026-01-20", "2027-02-01"], "2027-06-01");
    assert_eq!(got.1, "2028-02-28");
    assert_eq!(got.3, "2027-02-28");
    // A deadline at the end of April: the window opens on 1 March, after the end of February.
    assert_eq!(gas(&["2024-04-30", "2025-02-28"], "2025-03-15").1, "2026-02-28");
    assert_eq!(gas(&["2024-04-30", "2025-03-01"], "2025-03-15").1, "2026-04-30");
}

#[test]
fn the_reason_says_how_the_latest_check_counted() {
    let evidence = [verified(GasSafety, "2025-01-10"), verified(GasSafety, "2025-12-01")];
    let e = one(GasSafety, &england(), &evidence, "2025-12-20");
    assert_eq!(e.reason, Reason::Gas(GasCount::InWindow));
    assert!(
        e.reason_text().contains("counts as made on 2026-01-10"),
        "{}",
        e.reason_text()
    );
}

#[test]
fn a_lapsed_chain_is_overdue_and_no_checks_at_all_is_missing() {
    assert_eq!(gas(&["2023-01-10"], "2025-01-01").0, Status::Overdue);
    assert_eq!(gas(&[], "2025-01-01").0, Status::Missing);
}

#[test]
fn a_second_check_before_an_in_window_check_counts_from_does_not_pull_the_deadline_back() {
    // 2025-12-01 counts as made on 2026-01-10; 2026-01-05 is "before" that date, so the deadline
    // stays 2027-01-10 rather than 2027-01-05: the deadline runs from the latest date a check
    // was made or is treated as made.
    let got = gas(&["2025-01-10", "2025-12-01", "2026-01-05"], "2026-02-01");
    assert_eq!(
        (got.1.as_str(), got.2.as_str(), got.3.as_str()),
        ("2027-01-10", "2025-12-01", "2026-01-10")
    );
}

#[test]
fn an_older_check_filled_in_later_can_legally_bring_the_deadline_forward() {
    // Without the June check, the December check is in the window and counts from 2026-01-10.
    assert_eq!(gas(&["2025-01-10", "2025-12-01"], "2026-12-15").0, Status::ExpiringSoon);
    // With it, December is more than 2 months before June 2026's deadline: it restarts the 12
    // months, and by 2026-12-15 the deadline (2026-12-01) has passed. This is why "adding
    // evidence never makes a status worse" is only asserted for evidence newer than the rest.
    assert_eq!(
        gas(&["2025-01-10", "2025-06-01", "2025-12-01"], "2026-12-15").0,
        Status::Overdue
    );
}

#[test]
fn pending_and_rejected_checks_never_count_as_done() {
    let rejected = Evidence {
        status: EvidenceStatus::Rejected,
        ..verified(GasSafety, "2025-06-01")
    };
    assert_eq!(
        one(GasSafety, &england(), &[rejected], "2025-07-01").status,
        Status::Missing
    );
    let e = one(GasSafety, &england(), &[pending(GasSafety, "2025-06-01")], "2025-07-01");
    assert_eq!(e.status, Status::PendingVerification);
    assert_eq!(e.due_date, None);
}

#[test]
fn a_pending_check_that_would_itself_be_lapsed_leaves_the_requirement_red() {
    let evidence = [verified(GasSafety, "2022-01-01"), pending(GasSafety, "2023-01-01")];
    let e = one(GasSafety, &england(), &evidence, "2025-01-01");
    assert_eq!(e.status, Status::Overdue);
}

#[test]
fn pending_evidence_is_ignored_while_verified_evidence_keeps_the_requirement_in_date() {
    let evidence = [verified(GasSafety, "2025-01-10"), pending(GasSafety, "2025-12-01")];
    assert_eq!(
        one(GasSafety, &england(), &evidence, "2025-12-20").status,
        Status::ExpiringSoon
    );
}

#[test]
fn a_property_without_gas_supply_has_gas_safety_not_applicable() {
    let property = compliance::PropertyFacts {
        has_gas_supply: false,
        ..england()
    };
    let e = evaluate_on(&property, &[], "2025-01-01");
    assert_eq!(e.get(GasSafety).status, Status::NotApplicable);
    assert_eq!(
        e.get(GasSafety).reason_text(),
        "Not applicable: the property has no gas supply."
    );
    let _ = d("2025-01-01");
}
