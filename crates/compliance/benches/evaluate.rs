//! Throughput of the engine: property evaluations per second on one core, for a property with a
//! full evidence history. Run with `cargo bench -p compliance --bench evaluate`.

use std::hint::black_box;

use chrono::{Days, NaiveDate};
use compliance::RequirementType::*;
use compliance::{EngineConfig, EpcRating, Evidence, PropertyFacts, check_json, evaluate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

/// An English HMO with communal areas let since 2021: ten years of yearly gas checks (some in
/// the reg 36A window, one early, one late) and every other requirement's evidence, with
/// superseded documents, a pending upload and a rejected one, as an admin would have verified
/// them over the decade.
fn full_history() -> (PropertyFacts, Vec<Evidence>) {
    let property = PropertyFacts {
        is_hmo: true,
        has_communal_areas: true,
        tenancy_start_date: Some(d(2021, 9, 1)),
        ..PropertyFacts::default()
    };
    let mut evidence: Vec<Evidence> = [
        d(2016, 1, 10),
        d(2016, 12, 1),
        d(2017, 11, 20),
        d(2018, 8, 1),
        d(2019, 8, 15),
        d(2020, 9, 1),
        d(2021, 7, 20),
        d(2022, 6, 30),
        d(2023, 7, 10),
        d(2024, 7, 1),
        d(2025, 6, 25),
    ]
    .into_iter()
    .map(|check| Evidence::verified(GasSafety, check))
    .collect();
    evidence.extend([
        Evidence::verified(Eicr, d(2016, 3, 1)),
        Evidence::verified(Eicr, d(2021, 2, 1)).with_expiry(d(2024, 2, 1)),
        Evidence::verified(Eicr, d(2024, 1, 15)),
        Evidence::verified(Epc, d(2016, 5, 1))
            .with_rating(EpcRating::F)
            .with_exemption(d(2021, 5, 1)),
        Evidence::verified(Epc, d(2021, 4, 1)).with_rating(EpcRating::D),
        Evidence::verified(SmokeCoAlarms, d(2019, 3, 1)),
        Evidence::verified(SmokeCoAlarms, d(2021, 9, 1)),
        Evidence::verified(Legionella, d(2021, 10, 1)),
        Evidence::verified(Legionella, d(2023, 9, 20)),
        Evidence::pending(Legionella, d(2025, 9, 1)),
        Evidence::verified(HmoLicence, d(2020, 11, 1)).with_expiry(d(2025, 10, 31)),
        Evidence::verified(HmoLicence, d(2025, 10, 1)).with_expiry(d(2030, 9, 30)),
    ]);
    for year in 0..10u64 {
        evidence.push(Evidence::verified(
            FireRiskAssessment,
            d(2016, 2, 1) + Days::new(year * 365),
        ));
    }
    let mut rejected = Evidence::verified(Eicr, d(2025, 1, 1));
    rejected.status = compliance::EvidenceStatus::Rejected;
    evidence.push(rejected);
    (property, evidence)
}

fn bench_evaluate(c: &mut Criterion) {
    let (property, evidence) = full_history();
    let config = EngineConfig::default();
    let today = d(2025, 12, 20);

    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    group.bench_function("full_history_property", |b| {
        b.iter(|| evaluate(black_box(&property), black_box(&evidence), black_box(today), &config))
    });
    group.finish();

    // The command-line path for comparison: parsing, evaluating and writing JSON with reasons.
    let input = serde_json::json!({ "property": property, "evidence": evidence }).to_string();
    let mut group = c.benchmark_group("check_json");
    group.throughput(Throughput::Elements(1));
    group.bench_function("full_history_property", |b| {
        b.iter(|| check_json(black_box(&input), today))
    });
    group.finish();
}

criterion_group!(benches, bench_evaluate);
criterion_main!(benches);
