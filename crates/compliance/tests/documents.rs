//! Interval rules: EICR (and its stated interval), fire risk assessment, legionella, the HMO
//! licence, and Scotland's PAT and landlord registration.

mod common;

use common::{d, england, in_nation, one, verified};
use compliance::RequirementType::{Eicr, FireRiskAssessment, HmoLicence, LandlordRegistration, Legionella, Pat};
use compliance::{DueBasis, PropertyFacts, Reason, Status};
use domain::Nation;

#[test]
fn an_eicr_with_no_stated_date_is_due_five_years_after_the_inspection() {
    let e = one(Eicr, &england(), &[verified(Eicr, "2021-03-01")], "2025-06-01");
    assert_eq!((e.status, e.due_date), (Status::Compliant, Some(d("2026-03-01"))));
    assert_eq!(e.reason, Reason::Document(DueBasis::Interval));
}

#[test]
fn an_eicr_stating_a_three_year_interval_is_due_on_its_stated_date() {
    let report = verified(Eicr, "2022-03-01").with_expiry(d("2025-03-01"));
    let cases = [
        ("2024-11-30", Status::Compliant),    // 91 days before
        ("2024-12-01", Status::ExpiringSoon), // 90 days before
        ("2025-03-01", Status::ExpiringSoon),
        ("2025-03-02", Status::Overdue),
    ];
    for (today, status) in cases {
        let e = one(Eicr, &england(), &[report], today);
        assert_eq!((e.status, e.due_date), (status, Some(d("2025-03-01"))), "on {today}");
        assert_eq!(e.reason, Reason::Document(DueBasis::StatedDate));
    }
}

#[test]
fn an_eicr_stating_more_than_five_years_is_still_due_at_five() {
    let report = verified(Eicr, "2021-03-01").with_expiry(d("2028-03-01"));
    let e = one(Eicr, &england(), &[report], "2025-06-01");
    assert_eq!(
        (e.due_date, e.reason),
        (Some(d("2026-03-01")), Reason::Document(DueBasis::StatedDateCapped))
    );
}

#[test]
fn the_most_recent_eicr_governs_even_when_it_asks_for_an_earlier_inspection() {
    // The 2024 report found problems and asks for re-inspection within a year: the law follows
    // the most recent report, so the older report's later date does not help.
    let older = verified(Eicr, "2022-01-01");
    let newer = verified(Eicr, "2024-01-01").with_expiry(d("2025-01-01"));
    let e = one(Eicr, &england(), &[older, newer], "2025-02-01");
    assert_eq!((e.status, e.last_done), (Status::Overdue, Some(d("2024-01-01"))));
}

#[test]
fn a_fire_risk_assessment_is_due_yearly_for_an_hmo_or_communal_areas_only() {
    let assessment = [verified(FireRiskAssessment, "2025-01-15")];
    let hmo = PropertyFacts {
        is_hmo: true,
        ..england()
    };
    let communal = PropertyFacts {
        has_communal_areas: true,
        ..england()
    };
    for property in [hmo, communal] {
        let e = one(FireRiskAssessment, &property, &assessment, "2025-11-16");
        assert_eq!((e.status, e.due_date), (Status::ExpiringSoon, Some(d("2026-01-15"))));
    }
    let e = one(FireRiskAssessment, &england(), &assessment, "2025-11-16");
    assert_eq!(e.status, Status::NotApplicable);
    assert_eq!(
        e.reason_text(),
        "Not applicable: the property is not an HMO and has no communal areas."
    );
}

#[test]
fn a_legionella_assessment_is_due_two_years_later_with_a_sixty_day_window() {
    let assessment = [verified(Legionella, "2024-02-29")];
    let cases = [
        ("2025-12-29", Status::Compliant),
        ("2025-12-30", Status::ExpiringSoon),
        ("2026-03-01", Status::Overdue),
    ];
    for (today, status) in cases {
        let e = one(Legionella, &england(), &assessment, today);
        assert_eq!((e.status, e.due_date), (status, Some(d("2026-02-28"))), "on {today}");
    }
}

#[test]
fn an_hmo_licence_is_due_on_its_stated_expiry_with_a_hundred_and_twenty_day_window() {
    let hmo = PropertyFacts {
        is_hmo: true,
        ..england()
    };
    let licence = [verified(HmoLicence, "2021-09-01").with_expiry(d("2026-08-31"))];
    let e = one(HmoLicence, &hmo, &licence, "2026-05-03");
    assert_eq!((e.status, e.due_date), (Status::ExpiringSoon, Some(d("2026-08-31"))));
    assert_eq!(one(HmoLicence, &hmo, &licence, "2026-05-02").status, Status::Compliant);
    assert_eq!(one(HmoLicence, &hmo, &[], "2026-05-02").status, Status::Missing);
    assert_eq!(
        one(HmoLicence, &england(), &licence, "2026-05-02").status,
        Status::NotApplicable
    );
}

#[test]
fn an_hmo_licence_never_runs_past_the_statutory_maximum_term() {
    let licence = [verified(HmoLicence, "2021-09-01").with_expiry(d("2030-01-01"))];
    let english_hmo = PropertyFacts {
        is_hmo: true,
        ..england()
    };
    let scottish_hmo = PropertyFacts {
        is_hmo: true,
        ..in_nation(Nation::Scotland)
    };
    assert_eq!(
        one(HmoLicence, &english_hmo, &licence, "2022-01-01").due_date,
        Some(d("2026-09-01"))
    );
    assert_eq!(
        one(HmoLicence, &scottish_hmo, &licence, "2022-01-01").due_date,
        Some(d("2024-09-01"))
    );
}

#[test]
fn scotland_adds_pat_every_five_years_and_landlord_registration_every_three() {
    let scotland = in_nation(Nation::Scotland);
    let evidence = [
        verified(Pat, "2021-05-01"),
        verified(LandlordRegistration, "2023-05-01"),
    ];
    let pat = one(Pat, &scotland, &evidence, "2025-06-01");
    assert_eq!((pat.status, pat.due_date), (Status::Compliant, Some(d("2026-05-01"))));
    assert!(pat.legal_source().contains("Housing (Scotland) Act 2006"));
    let registration = one(LandlordRegistration, &scotland, &evidence, "2026-03-01");
    assert_eq!(
        (registration.status, registration.due_date),
        (Status::ExpiringSoon, Some(d("2026-05-01")))
    );
    assert!(
        registration
            .legal_source()
            .contains("Antisocial Behaviour etc. (Scotland) Act 2004")
    );
    assert_eq!(one(Pat, &scotland, &[], "2025-06-01").status, Status::Missing);
}

#[test]
fn scottish_requirements_are_not_applicable_in_england_and_wales_whatever_the_evidence() {
    let evidence = [
        verified(Pat, "2025-05-01"),
        verified(LandlordRegistration, "2025-05-01"),
    ];
    for nation in [Nation::England, Nation::Wales] {
        for requirement in [Pat, LandlordRegistration] {
            let e = one(requirement, &in_nation(nation), &evidence, "2025-06-01");
            assert_eq!(e.status, Status::NotApplicable, "{requirement} in {nation}");
            assert!(
                e.reason_text().contains("a Scottish requirement"),
                "{}",
                e.reason_text()
            );
        }
    }
}

#[test]
fn wales_and_scotland_eicrs_follow_the_same_five_year_rule_with_their_own_law() {
    for (nation, law) in [
        (Nation::Wales, "(Wales) Regulations 2022, reg 6"),
        (Nation::Scotland, "19B(4)"),
    ] {
        let e = one(Eicr, &in_nation(nation), &[verified(Eicr, "2021-03-01")], "2025-06-01");
        assert_eq!(e.due_date, Some(d("2026-03-01")));
        assert!(e.legal_source().contains(law), "{}", e.legal_source());
    }
}
