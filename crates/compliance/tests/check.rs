//! The command-line check's JSON contract: the documented example, and clear one-line errors.
// Helpers outside #[test] functions: a bad literal should fail the test loudly.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use compliance::{CheckInputError, CheckOutput, RequirementType, check, check_json};
use serde_json::{Value, json};

const EXAMPLE: &str = r#"{"property": {"nation": "ENGLAND", "has_gas_supply": true, "is_hmo": false,
             "has_communal_areas": false, "tenancy_start_date": "2025-06-01"},
 "evidence": [
   {"requirement": "GAS_SAFETY", "status": "VERIFIED", "issue_date": "2025-01-10"},
   {"requirement": "EICR", "status": "VERIFIED", "issue_date": "2022-03-01", "expiry_date": "2025-03-01"},
   {"requirement": "EPC", "status": "PENDING", "issue_date": "2019-04-01", "epc_rating": "F",
    "exemption_expiry_date": "2026-04-01"}
 ]}"#;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 12, 20).unwrap()
}

fn run(input: &str) -> Value {
    serde_json::from_str(&check_json(input, as_of()).unwrap()).unwrap()
}

fn error(input: &str) -> String {
    let e = check_json(input, as_of()).unwrap_err();
    let text = e.to_string();
    assert!(!text.contains('\n'), "one line: {text}");
    text
}

#[test]
fn the_documented_example_gives_gas_expiring_soon_and_eicr_overdue() {
    let out = run(EXAMPLE);
    assert_eq!(out["as_of"], "2025-12-20");
    assert_eq!(out["property_status"], "RED");
    let gas = &out["requirements"][0];
    assert_eq!(gas["requirement"], "GAS_SAFETY");
    assert_eq!(
        (&gas["status"], &gas["rag"]),
        (&json!("EXPIRING_SOON"), &json!("AMBER"))
    );
    assert_eq!(
        (&gas["due_date"], &gas["last_done"], &gas["counts_from"]),
        (&json!("2026-01-10"), &json!("2025-01-10"), &json!("2025-01-10"))
    );
    assert!(gas["legal_source"].as_str().unwrap().contains("reg 36A"));
    let eicr = &out["requirements"][1];
    assert_eq!(
        (&eicr["requirement"], &eicr["status"], &eicr["rag"]),
        (&json!("EICR"), &json!("OVERDUE"), &json!("RED"))
    );
    assert_eq!(eicr["due_date"], "2025-03-01");
}

#[test]
fn the_example_lists_every_requirement_type_once_in_the_fixed_order() {
    let out: CheckOutput = check(EXAMPLE, as_of()).unwrap();
    let order: Vec<RequirementType> = out.requirements.iter().map(|r| r.requirement).collect();
    assert_eq!(order, RequirementType::ALL);
    let status = |i: usize| (out.requirements[i].status.as_str(), out.requirements[i].rag.as_str());
    assert_eq!(status(2), ("PENDING_VERIFICATION", "AMBER")); // EPC: F, but exempt until 2026-04-01
    assert_eq!(status(3), ("MISSING", "RED")); // alarms: tenancy since 2025-06-01, no check
    assert_eq!(status(4), ("NOT_APPLICABLE", "GREY")); // fire risk: not an HMO, no communal areas
    assert_eq!(status(5), ("MISSING", "RED")); // legionella
    assert_eq!(status(7), ("NOT_APPLICABLE", "GREY")); // PAT: Scotland only
    assert!(
        out.requirements
            .iter()
            .all(|r| !r.reason.is_empty() && !r.legal_source.is_empty())
    );
}

#[test]
fn dates_that_do_not_apply_are_null_and_property_defaults_fill_in_missing_facts() {
    let out = run(r#"{"property": {}, "evidence": []}"#);
    let fra = &out["requirements"][4];
    assert_eq!(
        (&fra["due_date"], &fra["last_done"], &fra["counts_from"]),
        (&Value::Null, &Value::Null, &Value::Null)
    );
    // Defaults: England with a gas supply, so gas safety applies and is missing.
    assert_eq!(out["requirements"][0]["status"], "MISSING");
    assert_eq!(out["requirements"][3]["status"], "NOT_APPLICABLE"); // no tenancy
    assert_eq!(run(r#"{"property": {}}"#), out);
}

#[test]
fn malformed_json_is_refused_with_its_line_and_column() {
    let text = error("{\"property\": {\n  \"nation\": ENGLAND}}");
    assert!(
        text.starts_with("input is not valid JSON at line 2, column 13"),
        "{text}"
    );
    let text = error("");
    assert!(text.contains("not valid JSON at line 1"), "{text}");
}

#[test]
fn an_unknown_requirement_is_refused_naming_the_field_and_the_choices() {
    let text = error(
        r#"{"property": {}, "evidence": [{"requirement": "GAS", "status": "VERIFIED", "issue_date": "2025-01-10"}]}"#,
    );
    assert!(text.contains("`evidence[0].requirement`"), "{text}");
    assert!(
        text.contains("unknown variant `GAS`") && text.contains("GAS_SAFETY"),
        "{text}"
    );
    assert!(text.contains("line 1, column"), "{text}");
}

#[test]
fn a_bad_date_is_refused_naming_the_field_and_the_expected_form() {
    let input = "{\"property\": {},\n \"evidence\": [\n  {\"requirement\": \"EICR\", \"status\": \"VERIFIED\", \"issue_date\": \"2025-02-30\"}]}";
    let text = error(input);
    assert!(text.contains("`evidence[0].issue_date`"), "{text}");
    assert!(
        text.contains("`2025-02-30` is not a valid date (expected YYYY-MM-DD)"),
        "{text}"
    );
    assert!(text.contains("line 3"), "{text}");
    let text = error(r#"{"property": {"tenancy_start_date": "01/06/2025"}}"#);
    assert!(text.contains("`property.tenancy_start_date`"), "{text}");
}

#[test]
fn an_unknown_field_is_refused_so_typos_are_caught() {
    let text = error(r#"{"property": {"has_gas": false}}"#);
    assert!(
        text.contains("in `property`") && text.contains("unknown field `has_gas`"),
        "{text}"
    );
    let text = error(
        r#"{"property": {}, "evidence": [{"requirement": "EPC", "status": "VERIFIED", "issue_date": "2020-01-01", "rating": "C"}]}"#,
    );
    assert!(
        text.contains("in `evidence[0]`") && text.contains("unknown field `rating`"),
        "{text}"
    );
    let text = error(r#"{"property": {}, "evidnce": []}"#);
    assert!(text.contains("unknown field `evidnce`"), "{text}");
}

#[test]
fn wrong_types_and_missing_fields_are_refused_with_the_field() {
    let text = error(r#"{"property": {"is_hmo": "yes"}}"#);
    assert!(
        text.contains("`property.is_hmo`") && text.contains("expected a boolean"),
        "{text}"
    );
    let text = error(r#"{"property": {}, "evidence": [{"requirement": "EPC", "status": "VERIFIED"}]}"#);
    assert!(
        text.contains("`evidence[0]`") && text.contains("missing field `issue_date`"),
        "{text}"
    );
    let text = error(r#"{"evidence": []}"#);
    assert!(text.contains("missing field `property`"), "{text}");
    let Err(CheckInputError::Invalid { field, message, .. }) = check("[]", as_of()) else {
        panic!("refused")
    };
    assert_eq!(
        (field, message.as_str()),
        (
            None,
            "expected a JSON object with `property` and, optionally, `evidence`"
        )
    );
}

#[test]
#[ignore = "prints the example output and error messages for a human to read"]
fn prints_the_example_output_and_the_error_messages_for_a_human_to_read() {
    println!("{}", check_json(EXAMPLE, as_of()).unwrap());
    for bad in [
        "{\"property\": {\n  \"nation\": ENGLAND}}",
        "",
        r#"{"property": {}, "evidence": [{"requirement": "GAS", "status": "VERIFIED", "issue_date": "2025-01-10"}]}"#,
        "{\"property\": {},\n \"evidence\": [\n  {\"requirement\": \"EICR\", \"status\": \"VERIFIED\", \"issue_date\": \"2025-02-30\"}]}",
        r#"{"property": {"has_gas": false}}"#,
        r#"{"property": {"is_hmo": "yes"}}"#,
        r#"{"property": {}, "evidence": [{"requirement": "EPC", "status": "VERIFIED"}]}"#,
        r#"{"evidence": []}"#,
        "[]",
        r#"{"property": {"nation": "ENG"}}"#,
        r#"{"property": {}, "evidence": {}}"#,
    ] {
        println!("{}", check_json(bad, as_of()).unwrap_err());
    }
}
