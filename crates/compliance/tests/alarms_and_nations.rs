//! Smoke and CO alarms on the tenancy's first day, the nations' differences, an HMO, and how
//! requirements roll up into a property's and a portfolio's status.

mod common;

use common::{d, england, evaluate_on, in_nation, let_from, one, pending, verified};
use compliance::RequirementType::{self, *};
use compliance::{AlarmFinding, CoAlarm, EpcRating, PortfolioSummary, PropertyFacts, Rag, Reason, Status};
use domain::Nation;

#[test]
fn alarms_checked_on_the_day_the_tenancy_began_are_compliant() {
    let property = let_from(england(), "2025-06-01");
    let e = one(
        SmokeCoAlarms,
        &property,
        &[verified(SmokeCoAlarms, "2025-06-01")],
        "2025-12-20",
    );
    assert_eq!(
        (e.status, e.due_date, e.last_done),
        (Status::Compliant, Some(d("2025-06-01")), Some(d("2025-06-01")))
    );
}

#[test]
fn alarms_checked_the_day_before_or_after_the_tenancy_began_do_not_meet_the_first_day_duty() {
    let property = let_from(england(), "2025-06-01");
    let before = one(
        SmokeCoAlarms,
        &property,
        &[verified(SmokeCoAlarms, "2025-05-31")],
        "2025-12-20",
    );
    assert_eq!(
        (before.status, before.reason_text().contains("earlier tenancy")),
        (Status::Overdue, true)
    );
    let after = one(
        SmokeCoAlarms,
        &property,
        &[verified(SmokeCoAlarms, "2025-06-02")],
        "2025-12-20",
    );
    assert_eq!(after.status, Status::NonCompliant);
    assert!(matches!(
        after.reason,
        Reason::Alarms {
            finding: AlarmFinding::CheckedLate(_),
            ..
        }
    ));
}

#[test]
fn alarms_never_checked_are_missing_and_without_a_tenancy_not_applicable() {
    let e = one(SmokeCoAlarms, &let_from(england(), "2025-06-01"), &[], "2025-12-20");
    assert_eq!((e.status, e.due_date), (Status::Missing, Some(d("2025-06-01"))));
    let e = one(SmokeCoAlarms, &england(), &[], "2025-12-20");
    assert_eq!(e.status, Status::NotApplicable);
    assert!(e.reason_text().contains("no current tenancy"), "{}", e.reason_text());
}

#[test]
fn alarms_for_a_tenancy_that_has_not_begun_are_due_on_its_first_day() {
    let property = let_from(england(), "2026-01-15");
    let e = one(SmokeCoAlarms, &property, &[], "2026-01-15");
    assert_eq!((e.status, e.due_date), (Status::ExpiringSoon, Some(d("2026-01-15"))));
    assert_eq!(one(SmokeCoAlarms, &property, &[], "2026-01-16").status, Status::Missing);
}

#[test]
fn in_wales_a_gas_cooker_alone_needs_a_co_alarm_and_smoke_alarms_must_be_mains_wired_and_interlinked() {
    let welsh = let_from(in_nation(Nation::Wales), "2025-06-01");
    let e = one(
        SmokeCoAlarms,
        &welsh,
        &[verified(SmokeCoAlarms, "2025-06-01")],
        "2025-12-20",
    );
    assert_eq!(e.status, Status::Compliant);
    assert_eq!(e.rule.co_alarm, Some(CoAlarm::AnyGasApplianceIncludingCookers));
    assert!(matches!(
        e.reason,
        Reason::Alarms {
            co_alarm: Some(CoAlarm::AnyGasApplianceIncludingCookers),
            ..
        }
    ));
    let text = e.reason_text();
    assert!(
        text.contains("a gas cooker included") && text.contains("mains-wired, interlinked"),
        "{text}"
    );
    assert!(e.legal_source().contains("(Wales) Regulations 2022, reg 5"));

    // In England the same cooker alone does not bring a CO alarm duty.
    let english = one(SmokeCoAlarms, &let_from(england(), "2025-06-01"), &[], "2025-12-20");
    assert!(
        english.reason_text().contains("a gas cooker alone does not need one"),
        "{}",
        english.reason_text()
    );
    // Without gas, no CO sentence at all.
    let no_gas = PropertyFacts {
        has_gas_supply: false,
        ..welsh
    };
    let e = one(SmokeCoAlarms, &no_gas, &[], "2025-12-20");
    assert!(matches!(e.reason, Reason::Alarms { co_alarm: None, .. }));
}

#[test]
fn an_hmo_needs_a_licence_and_a_fire_risk_assessment_on_top_of_the_rest() {
    let hmo = PropertyFacts {
        is_hmo: true,
        ..let_from(england(), "2025-09-01")
    };
    let evidence = [
        verified(GasSafety, "2025-08-01"),
        verified(Eicr, "2023-08-01"),
        verified(Epc, "2020-08-01").with_rating(EpcRating::D),
        verified(SmokeCoAlarms, "2025-09-01"),
        verified(FireRiskAssessment, "2025-08-15"),
        verified(Legionella, "2025-08-15"),
        verified(HmoLicence, "2023-01-01").with_expiry(d("2028-01-01")),
    ];
    let e = evaluate_on(&hmo, &evidence, "2025-12-20");
    assert_eq!(e.status, Rag::Green);
    let applicable: Vec<RequirementType> = e.applicable().map(|r| r.requirement).collect();
    assert_eq!(
        applicable,
        [
            GasSafety,
            Eicr,
            Epc,
            SmokeCoAlarms,
            FireRiskAssessment,
            Legionella,
            HmoLicence
        ]
    );
    assert_eq!(e.get(HmoLicence).due_date, Some(d("2028-01-01")));
}

#[test]
fn a_scottish_property_evaluates_every_scottish_requirement() {
    let scottish = let_from(in_nation(Nation::Scotland), "2025-06-01");
    let evidence = [
        verified(GasSafety, "2025-08-01"),
        verified(Eicr, "2023-08-01"),
        verified(Pat, "2023-08-01"),
        verified(Epc, "2020-08-01").with_rating(EpcRating::G),
        verified(SmokeCoAlarms, "2025-06-01"),
        verified(Legionella, "2025-08-15"),
        verified(LandlordRegistration, "2024-01-01"),
    ];
    let e = evaluate_on(&scottish, &evidence, "2025-12-20");
    assert_eq!(e.status, Rag::Green, "{e:#?}");
    assert_eq!(
        e.get(SmokeCoAlarms).rule.co_alarm,
        Some(CoAlarm::CarbonFuelledApplianceExceptCookers)
    );
}

#[test]
fn the_property_is_red_if_anything_is_red_else_amber_if_anything_is_amber_else_green() {
    let property = PropertyFacts {
        has_gas_supply: false,
        ..england()
    };
    let all_good = [
        verified(Eicr, "2024-01-01"),
        verified(Epc, "2024-01-01").with_rating(EpcRating::C),
        verified(Legionella, "2025-01-01"),
    ];
    assert_eq!(evaluate_on(&property, &all_good, "2025-06-01").status, Rag::Green);
    let mut amber = all_good.to_vec();
    amber[2] = pending(Legionella, "2025-01-01");
    assert_eq!(evaluate_on(&property, &amber, "2025-06-01").status, Rag::Amber);
    assert_eq!(evaluate_on(&property, &all_good[..2], "2025-06-01").status, Rag::Red);
}

#[test]
fn a_portfolio_rolls_up_the_worst_property_with_counts() {
    let property = PropertyFacts {
        has_gas_supply: false,
        ..england()
    };
    let green = evaluate_on(
        &property,
        &[
            verified(Eicr, "2024-01-01"),
            verified(Epc, "2024-01-01").with_rating(EpcRating::C),
            verified(Legionella, "2025-01-01"),
        ],
        "2025-06-01",
    );
    let red = evaluate_on(&england(), &[], "2025-06-01");
    let summary = PortfolioSummary::from_evaluations([&green, &red, &green]);
    assert_eq!(summary.status, Rag::Red);
    assert_eq!(
        (
            summary.properties.green,
            summary.properties.amber,
            summary.properties.red
        ),
        (2, 0, 1)
    );
    assert_eq!(summary.requirements.get(Status::Compliant), 6);
    assert_eq!(summary.requirements.get(Status::Missing), 4);
    assert_eq!(PortfolioSummary::from_evaluations([]).status, Rag::Green);
}
