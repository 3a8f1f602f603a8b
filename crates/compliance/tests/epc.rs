//! The EPC: ten years, the minimum band in England and Wales, exemptions, lapsing during a
//! tenancy, and Scotland's lack of a minimum.

mod common;

use common::{d, england, in_nation, let_from, one, pending, verified};
use compliance::EpcRating::{C, E, F, G};
use compliance::RequirementType::Epc;
use compliance::{EpcFinding, Evidence, Reason, Status};
use domain::Nation;

fn epc(issued: &str, rating: compliance::EpcRating) -> Evidence {
    verified(Epc, issued).with_rating(rating)
}

#[test]
fn an_epc_band_e_or_better_is_valid_for_ten_years() {
    let e = one(Epc, &england(), &[epc("2019-04-01", E)], "2025-06-01");
    assert_eq!((e.status, e.due_date), (Status::Compliant, Some(d("2029-04-01"))));
    assert_eq!(
        one(Epc, &england(), &[epc("2019-04-01", C)], "2029-01-01").status,
        Status::ExpiringSoon
    );
}

#[test]
fn an_epc_band_f_without_an_exemption_is_non_compliant_in_england_and_wales() {
    for nation in [Nation::England, Nation::Wales] {
        let e = one(Epc, &in_nation(nation), &[epc("2019-04-01", F)], "2025-06-01");
        assert_eq!(e.status, Status::NonCompliant, "{nation}");
        assert!(
            e.reason_text().contains("below the minimum band E"),
            "{}",
            e.reason_text()
        );
    }
}

#[test]
fn an_epc_band_f_with_a_valid_exemption_is_compliant_until_the_exemption_nears_its_end() {
    let certificate = [epc("2019-04-01", F).with_exemption(d("2026-04-01"))];
    let e = one(Epc, &england(), &certificate, "2025-06-01");
    assert_eq!((e.status, e.due_date), (Status::Compliant, Some(d("2026-04-01"))));
    assert_eq!(
        e.reason,
        Reason::Epc(EpcFinding::Exempt {
            rating: Some(F),
            until: d("2026-04-01")
        })
    );
    assert_eq!(
        one(Epc, &england(), &certificate, "2026-01-01").status,
        Status::ExpiringSoon
    );
    assert_eq!(
        one(Epc, &england(), &certificate, "2026-04-01").status,
        Status::ExpiringSoon
    );
    let lapsed = one(Epc, &england(), &certificate, "2026-04-02");
    assert_eq!(lapsed.status, Status::NonCompliant);
    assert!(
        lapsed.reason_text().contains("the last one ended on 2026-04-01"),
        "{}",
        lapsed.reason_text()
    );
}

#[test]
fn an_epc_with_no_band_recorded_cannot_show_the_minimum_is_met() {
    let e = one(Epc, &england(), &[verified(Epc, "2019-04-01")], "2025-06-01");
    assert_eq!(e.status, Status::NonCompliant);
    assert!(e.reason_text().contains("no band recorded"), "{}", e.reason_text());
}

#[test]
fn an_epc_that_expired_during_a_tenancy_is_amber_with_renew_before_re_letting() {
    let property = let_from(england(), "2020-09-01");
    let e = one(Epc, &property, &[epc("2015-06-01", D)], "2025-07-01");
    assert_eq!(
        (e.status, e.due_date),
        (Status::ExpiredInTenancy, Some(d("2025-06-01")))
    );
    assert!(
        e.reason_text().contains("renew before re-letting or marketing"),
        "{}",
        e.reason_text()
    );
}

#[test]
fn an_epc_that_expired_during_a_tenancy_is_not_a_breach_even_if_it_was_band_g() {
    let property = let_from(england(), "2020-09-01");
    assert_eq!(
        one(Epc, &property, &[epc("2015-06-01", G)], "2025-05-01").status,
        Status::NonCompliant
    );
    assert_eq!(
        one(Epc, &property, &[epc("2015-06-01", G)], "2025-07-01").status,
        Status::ExpiredInTenancy
    );
}

#[test]
fn an_epc_that_expired_on_the_first_day_of_the_tenancy_still_lapsed_during_it() {
    let property = let_from(england(), "2025-06-01");
    assert_eq!(
        one(Epc, &property, &[epc("2015-06-01", D)], "2025-07-01").status,
        Status::ExpiredInTenancy
    );
}

#[test]
fn an_epc_that_expired_before_the_tenancy_began_is_overdue() {
    let property = let_from(england(), "2025-06-02");
    let e = one(Epc, &property, &[epc("2015-06-01", D)], "2025-07-01");
    assert_eq!((e.status, e.reason), (Status::Overdue, Reason::Epc(EpcFinding::Lapsed)));
    assert_eq!(
        one(Epc, &england(), &[epc("2015-06-01", D)], "2025-07-01").status,
        Status::Overdue
    );
}

#[test]
fn scotland_sets_no_minimum_band_so_an_epc_band_g_is_compliant_there() {
    let e = one(Epc, &in_nation(Nation::Scotland), &[epc("2019-04-01", G)], "2025-06-01");
    assert_eq!(e.status, Status::Compliant);
    assert!(
        e.legal_source().contains("(Scotland) Regulations 2008"),
        "{}",
        e.legal_source()
    );
    assert!(e.reason_text().contains("no minimum band"), "{}", e.reason_text());
}

#[test]
fn the_most_recent_epc_is_the_one_that_counts_even_if_its_band_is_worse() {
    let e = one(
        Epc,
        &england(),
        &[epc("2019-04-01", C), epc("2024-04-01", F)],
        "2025-06-01",
    );
    assert_eq!(e.status, Status::NonCompliant);
}

#[test]
fn two_epcs_issued_the_same_day_are_read_in_the_landlords_favour_in_any_order() {
    let a = epc("2024-04-01", F);
    let b = epc("2024-04-01", C);
    assert_eq!(
        one(Epc, &england(), &[a, b], "2025-06-01"),
        one(Epc, &england(), &[b, a], "2025-06-01")
    );
    assert_eq!(one(Epc, &england(), &[a, b], "2025-06-01").status, Status::Compliant);
}

#[test]
fn a_pending_epc_with_a_valid_exemption_awaits_verification() {
    let certificate = pending(Epc, "2019-04-01")
        .with_rating(F)
        .with_exemption(d("2026-04-01"));
    let e = one(Epc, &england(), &[certificate], "2025-12-20");
    assert_eq!(e.status, Status::PendingVerification);
    assert_eq!(
        e.reason,
        Reason::PendingVerification {
            evidence_date: d("2019-04-01"),
            verified: Status::Missing
        }
    );
}

use compliance::EpcRating::D;
