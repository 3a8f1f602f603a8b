//! Signing up: the intake as a form (property rows added without a script), checked by the
//! API's own intake parser so a page and a JSON client get the same rules and the same field
//! names; then payment (Stripe Checkout, or in development the local test checkout), then the
//! onboarding status page where Checkout returns.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use domain::{BillingPlan, ClientId};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Csrf, FieldError, error_in, render, see_other};
use crate::api::problem::ApiError;
use crate::state::AppState;

/// The most property rows a form holds: the largest plan's.
const MAX_ROWS: usize = BillingPlan::MAX_PROPERTIES;

struct Input {
    id: String,
    label: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    required: bool,
    choices: Vec<(&'static str, &'static str)>,
    value: String,
}

fn input(id: &str, label: &'static str, kind: &'static str, autocomplete: &'static str, required: bool) -> Input {
    Input {
        id: id.to_owned(),
        label,
        kind,
        autocomplete,
        required,
        choices: Vec::new(),
        value: String::new(),
    }
}

fn choice(id: &str, label: &'static str, choices: Vec<(&'static str, &'static str)>) -> Input {
    Input {
        value: choices.first().map(|c| c.0.to_owned()).unwrap_or_default(),
        choices,
        ..input(id, label, "text", "off", true)
    }
}

fn person() -> Vec<Input> {
    let plans = vec![
        ("PLAN_1", "One property (PLAN_1)"),
        ("PLAN_2_5", "2 to 5 properties (PLAN_2_5)"),
        ("PLAN_6_15", "6 to 15 properties, with the compliance pack (PLAN_6_15)"),
    ];
    vec![
        input("full_name", "Full name", "text", "name", true),
        input("email", "Email address", "email", "email", true),
        input("phone", "Phone", "tel", "tel", false),
        choice(
            "client_type",
            "You are",
            vec![
                ("INDIVIDUAL", "An individual landlord"),
                ("COMPANY", "A company or letting agent"),
            ],
        ),
        input("company_name", "Company name", "text", "organization", false),
        choice("billing_plan", "Plan", plans),
        choice(
            "preferred_contact",
            "Contact me by",
            vec![("EMAIL", "Email"), ("PHONE", "Phone"), ("SMS", "Text message")],
        ),
    ]
}

fn property_row(index: usize) -> Vec<Input> {
    let id = |field: &str| format!("properties[{index}].{field}");
    vec![
        input(&id("address_line_1"), "Address", "text", "address-line1", true),
        input(&id("address_line_2"), "Address line 2", "text", "address-line2", false),
        input(&id("city"), "Town or city", "text", "address-level2", true),
        input(&id("postcode"), "Postcode", "text", "postal-code", true),
        choice(
            &id("nation"),
            "Nation (whose law applies)",
            vec![("ENGLAND", "England"), ("WALES", "Wales"), ("SCOTLAND", "Scotland")],
        ),
        choice(
            &id("has_gas_supply"),
            "Gas supply",
            vec![("true", "Yes"), ("false", "No")],
        ),
    ]
}

/// How the form names a field, for its error ("Property 2, postcode: is required").
fn label_of(field: &str) -> String {
    if field == "consent_data_processing" {
        return "Consent".to_owned();
    }
    let row = field
        .strip_prefix("properties[")
        .and_then(|rest| rest.split_once("]."))
        .and_then(|(i, name)| i.parse::<usize>().ok().map(|i| (i, name)));
    match row {
        Some((i, name)) => {
            let label = property_row(i)
                .into_iter()
                .find(|input| input.id.ends_with(&format!(".{name}")))
                .map_or_else(|| name.to_owned(), |input| input.label.to_lowercase());
            format!("Property {}, {label}", i + 1)
        }
        None => person()
            .into_iter()
            .find(|input| input.id == field)
            .map_or_else(|| field.to_owned(), |input| input.label.to_owned()),
    }
}

#[derive(Template)]
#[template(path = "signup.html")]
struct Signup {
    signed_in: bool,
    csrf: String,
    person: Vec<Input>,
    rows: Vec<Vec<Input>>,
    consent_data: bool,
    consent_comms: bool,
    errors: Vec<FieldError>,
}

impl Signup {
    fn error_for(&self, field: &str) -> Option<&str> {
        error_in(&self.errors, field)
    }

    /// The form with `rows` property rows, filled from what was sent.
    fn filled(csrf: &Csrf, rows: usize, sent: &HashMap<String, String>, errors: Vec<FieldError>) -> Self {
        let fill = |mut inputs: Vec<Input>| {
            for i in &mut inputs {
                if let Some(value) = sent.get(&i.id) {
                    i.value.clone_from(value);
                }
            }
            inputs
        };
        Self {
            signed_in: false,
            csrf: csrf.token().to_owned(),
            person: fill(person()),
            rows: (0..rows.clamp(1, MAX_ROWS)).map(|i| fill(property_row(i))).collect(),
            consent_data: sent.contains_key("consent_data_processing"),
            consent_comms: sent.contains_key("consent_communications"),
            errors,
        }
    }
}

pub async fn form(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    render(
        &state,
        &csrf,
        StatusCode::OK,
        &Signup::filled(&csrf, 1, &HashMap::new(), Vec::new()),
    )
}

/// The intake's JSON from the form: blank optional fields left out, as a JSON client would.
fn intake_json(sent: &HashMap<String, String>, rows: usize) -> Value {
    let mut body = Map::new();
    for field in [
        "full_name",
        "email",
        "phone",
        "client_type",
        "company_name",
        "billing_plan",
        "preferred_contact",
    ] {
        if let Some(value) = sent.get(field).filter(|v| !v.trim().is_empty()) {
            body.insert(field.to_owned(), json!(value));
        }
    }
    for consent in ["consent_data_processing", "consent_communications"] {
        body.insert(consent.to_owned(), json!(sent.contains_key(consent)));
    }
    let properties: Vec<Value> = (0..rows)
        .map(|i| {
            let mut property = Map::new();
            for field in ["address_line_1", "address_line_2", "city", "postcode", "nation"] {
                if let Some(value) = sent
                    .get(&format!("properties[{i}].{field}"))
                    .filter(|v| !v.trim().is_empty())
                {
                    property.insert(field.to_owned(), json!(value));
                }
            }
            let gas = sent
                .get(&format!("properties[{i}].has_gas_supply"))
                .is_none_or(|v| v == "true");
            property.insert("has_gas_supply".to_owned(), json!(gas));
            Value::Object(property)
        })
        .collect();
    body.insert("properties".to_owned(), Value::Array(properties));
    Value::Object(body)
}

pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let sent: HashMap<String, String> = form.into_inner().into_iter().collect();
    let rows: usize = sent
        .get("rows")
        .and_then(|r| r.parse().ok())
        .unwrap_or(1)
        .clamp(1, MAX_ROWS);
    let again = |status, rows, errors| render(&state, &csrf, status, &Signup::filled(&csrf, rows, &sent, errors));
    let error = |field: &str, message: String| {
        vec![FieldError {
            field: field.to_owned(),
            message,
        }]
    };
    if !Csrf::matches(&req, sent.get("csrf").map_or("", String::as_str)) {
        return again(
            StatusCode::FORBIDDEN,
            rows,
            error("full_name", "This form has expired. Send it again.".into()),
        );
    }
    if sent.get("action").map(String::as_str) == Some("add") {
        return again(StatusCode::OK, (rows + 1).min(MAX_ROWS), Vec::new());
    }
    let intake = match crate::api::intake::parse_intake(&intake_json(&sent, rows)) {
        Ok(intake) => intake,
        Err(problems) => {
            let errors = problems
                .into_iter()
                .map(|p| {
                    // A problem with the list itself stands beside the first row.
                    let field = if p.field == "properties" {
                        "properties[0].address_line_1".to_owned()
                    } else {
                        p.field
                    };
                    FieldError {
                        message: format!("{}: {}", label_of(&field), p.message),
                        field,
                    }
                })
                .collect();
            return again(StatusCode::UNPROCESSABLE_ENTITY, rows, errors);
        }
    };
    let (email, plan) = (intake.client.email.clone(), intake.client.billing_plan);
    let ctx = state.request_context(&req);
    let receipt = match app::onboarding::submit_intake(state.onboarding(), intake, &ctx)
        .await
        .map_err(ApiError::from)
    {
        Ok(receipt) => receipt,
        Err(ApiError::Conflict(message)) => {
            return again(StatusCode::CONFLICT, rows, error("email", message.to_owned()));
        }
        Err(ApiError::TooManyRequests { retry_after_secs }) => {
            let message = format!(
                "Too many sign-ups from here. Try again in {} minutes.",
                retry_after_secs.div_ceil(60)
            );
            return again(StatusCode::TOO_MANY_REQUESTS, rows, error("full_name", message));
        }
        Err(other) => return Err(other),
    };
    let client_id = receipt.client_id;
    match app::onboarding::offer_checkout(state.onboarding(), client_id, &email, plan).await {
        Some(session) => Ok(see_other(&session.url)),
        None if state.dev_checkout => Ok(see_other(&format!("/dev/checkout?client_id={client_id}"))),
        None => Ok(see_other(&format!("/onboarding/status?client_id={client_id}"))),
    }
}

#[derive(Debug, Deserialize)]
pub struct ClientQuery {
    #[serde(default)]
    client_id: String,
    checkout: Option<String>,
}

#[derive(Template)]
#[template(path = "test_checkout.html")]
struct TestCheckout {
    signed_in: bool,
    csrf: String,
    client_id: String,
}

/// The local test checkout: development without a payment provider only; elsewhere it does not
/// exist.
pub async fn test_checkout(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ClientQuery>,
) -> Result<HttpResponse, ApiError> {
    if !state.dev_checkout {
        return Err(ApiError::NotFound("there is nothing at this address"));
    }
    let client_id: ClientId = query
        .client_id
        .parse()
        .map_err(|_| ApiError::NotFound("no sign-up has this id"))?;
    let csrf = Csrf::of(&state, &req);
    let page = TestCheckout {
        signed_in: false,
        csrf: csrf.token().to_owned(),
        client_id: client_id.to_string(),
    };
    render(&state, &csrf, StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct PayForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    client_id: String,
}

pub async fn test_pay(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<PayForm>,
) -> Result<HttpResponse, ApiError> {
    if !state.dev_checkout {
        return Err(ApiError::NotFound("there is nothing at this address"));
    }
    if !Csrf::matches(&req, &form.csrf) {
        return Err(ApiError::Plain {
            status: StatusCode::FORBIDDEN,
            detail: "the form's token is missing or wrong: reload the page and try again",
        });
    }
    let client_id: ClientId = form
        .client_id
        .parse()
        .map_err(|_| ApiError::NotFound("no sign-up has this id"))?;
    let ctx = state.request_context(&req);
    app::onboarding::complete_test_checkout(state.onboarding(), client_id, &ctx).await?;
    state.email_queued();
    Ok(see_other(&format!(
        "/onboarding/status?client_id={client_id}&checkout=success"
    )))
}

#[derive(Template)]
#[template(path = "onboarding_status.html")]
struct OnboardingStatus {
    signed_in: bool,
    csrf: String,
    found: bool,
    cancelled: bool,
    onboarding: String,
    subscription: String,
    next: String,
    waiting: bool,
}

/// Where Checkout returns: where the sign-up stands and what comes next.
pub async fn status(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<ClientQuery>,
) -> Result<HttpResponse, ApiError> {
    let csrf = Csrf::of(&state, &req);
    let status = match query.client_id.parse::<ClientId>() {
        Ok(id) => app::onboarding::intake_status(state.onboarding(), id).await?,
        Err(_) => None,
    };
    let page = match status {
        Some(s) => OnboardingStatus {
            signed_in: false,
            csrf: csrf.token().to_owned(),
            found: true,
            cancelled: query.checkout.as_deref() == Some("cancelled"),
            onboarding: s.onboarding_status.to_string(),
            subscription: s.subscription_status.to_string(),
            next: s.next_step.message().to_owned(),
            waiting: s.onboarding_status == domain::OnboardingStatus::Provisioning,
        },
        None => OnboardingStatus {
            signed_in: false,
            csrf: csrf.token().to_owned(),
            found: false,
            cancelled: false,
            onboarding: String::new(),
            subscription: String::new(),
            next: String::new(),
            waiting: false,
        },
    };
    let code = if page.found {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    render(&state, &csrf, code, &page)
}
