//! The intake body: parsed into a valid `domain::Intake`, or every problem at once.

use domain::{
    BillingPlan, ClientType, Email, EmailError, Intake, Nation, NewClient, NewProperty, PostcodeError,
    PreferredContact, UkPostcode,
};
use serde_json::Value;

use super::fields::Fields;
use crate::api::problem::FieldError;

const NAME_MAX: usize = 200;
const ADDRESS_MAX: usize = 200;
const CITY_MAX: usize = 100;
const PHONE_MAX: usize = 32;

pub(super) const CLIENT_FIELDS: &[&str] = &[
    "full_name",
    "email",
    "client_type",
    "company_name",
    "phone",
    "preferred_contact",
    "billing_plan",
    "properties",
    "consent_data_processing",
    "consent_communications",
];
pub(super) const PROPERTY_FIELDS: &[&str] = &[
    "address_line_1",
    "address_line_2",
    "city",
    "postcode",
    "nation",
    "has_gas_supply",
    "is_hmo",
    "has_communal_areas",
    "tenancy_start_date",
];

/// Parses a decoded JSON body.
///
/// # Errors
/// Every invalid field, each with its path, a code and a message.
pub fn parse_intake(body: &Value) -> Result<Intake, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(object) = body.as_object() else {
        errors.push(FieldError {
            field: String::new(),
            code: "invalid_type",
            message: "the body must be a JSON object".into(),
        });
        return Err(errors);
    };
    let mut f = Fields::new(object, String::new(), &mut errors);
    f.refuse_unknown(CLIENT_FIELDS);
    let full_name = f.text("full_name", NAME_MAX, true);
    let email = f.parsed("email", true, parse_email);
    let client_type: Option<ClientType> = f.choice("client_type", None);
    // Required for companies and letting agents; optional for individuals.
    let company_name = f.text(
        "company_name",
        NAME_MAX,
        client_type.is_some_and(ClientType::requires_company_name),
    );
    let phone = f.parsed("phone", false, parse_phone);
    let preferred_contact: Option<PreferredContact> = f.choice("preferred_contact", None);
    let billing_plan: Option<BillingPlan> = f.choice("billing_plan", None);
    let consent_data_processing = f.boolean("consent_data_processing", None);
    if consent_data_processing == Some(false) {
        f.error(
            "consent_data_processing",
            "must_be_true",
            "consent to data processing is required to provide the service",
        );
    }
    let consent_communications = f.boolean("consent_communications", Some(false));
    let properties = parse_properties(&mut f, billing_plan);

    match (
        full_name,
        email,
        client_type,
        preferred_contact,
        billing_plan,
        consent_communications,
        properties,
    ) {
        (
            Some(full_name),
            Some(email),
            Some(client_type),
            Some(preferred_contact),
            Some(billing_plan),
            Some(consent_communications),
            Some(properties),
        ) if errors.is_empty() => {
            let client = NewClient {
                full_name,
                email,
                client_type,
                company_name,
                phone,
                preferred_contact,
                billing_plan,
                consent_communications,
            };
            Ok(Intake { client, properties })
        }
        _ => Err(errors),
    }
}

fn parse_email(raw: &str) -> Result<Email, (&'static str, String)> {
    Email::parse(raw).map_err(|e| match e {
        EmailError::Empty => ("required", "must not be empty".to_owned()),
        EmailError::TooLong => ("too_long", e.to_string()),
        EmailError::Invalid => ("invalid_email", e.to_string()),
    })
}

fn parse_phone(raw: &str) -> Result<domain::BoundedText, (&'static str, String)> {
    let trimmed = raw.trim();
    let digits = trimmed.chars().filter(char::is_ascii_digit).count();
    if trimmed.chars().count() > PHONE_MAX {
        return Err(("too_long", format!("must be at most {PHONE_MAX} characters")));
    }
    if !trimmed.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)) || !(7..=15).contains(&digits) {
        return Err(("invalid_phone", "must be a phone number of 7 to 15 digits".to_owned()));
    }
    domain::BoundedText::parse(trimmed, PHONE_MAX).map_err(|e| ("invalid_phone", e.to_string()))
}

fn parse_properties(f: &mut Fields<'_>, plan: Option<BillingPlan>) -> Option<Vec<NewProperty>> {
    let items = match f.get("properties") {
        None => {
            f.error("properties", "required", "at least one property is required");
            return None;
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            f.error("properties", "invalid_type", "must be a list of properties");
            return None;
        }
    };
    let bounds = plan.map_or(1..=BillingPlan::MAX_PROPERTIES, BillingPlan::property_bounds);
    if items.len() < *bounds.start() {
        let message = match plan {
            Some(plan) => format!("{plan} needs at least {} properties", bounds.start()),
            None => "at least one property is required".to_owned(),
        };
        f.error("properties", "too_few_properties", message);
    }
    if items.len() > *bounds.end() {
        let message = match plan {
            Some(plan) => format!("{plan} covers at most {} properties", bounds.end()),
            None => format!("at most {} properties can be registered", bounds.end()),
        };
        f.error("properties", "too_many_properties", message);
        // Do not read past the largest plan: a huge list gets one error, not thousands.
        if items.len() > BillingPlan::MAX_PROPERTIES {
            return None;
        }
    }
    let parsed: Vec<Option<NewProperty>> = items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_property(f, i, item))
        .collect();
    parsed.into_iter().collect()
}

fn parse_property(parent: &mut Fields<'_>, index: usize, item: &Value) -> Option<NewProperty> {
    let prefix = parent.path(&format!("properties[{index}]"));
    let Some(object) = item.as_object() else {
        parent.error(&format!("properties[{index}]"), "invalid_type", "must be an object");
        return None;
    };
    let mut f = Fields::new(object, prefix, parent.errors);
    f.refuse_unknown(PROPERTY_FIELDS);
    let address_line_1 = f.text("address_line_1", ADDRESS_MAX, true);
    let address_line_2 = f.text("address_line_2", ADDRESS_MAX, false);
    let city = f.text("city", CITY_MAX, true);
    let postcode = f.parsed("postcode", true, |raw| {
        UkPostcode::parse(raw).map_err(|e| match e {
            PostcodeError::Empty => ("required", "must not be empty".to_owned()),
            PostcodeError::Invalid => (
                "invalid_postcode",
                "must be a valid UK postcode, e.g. SW1A 1AA".to_owned(),
            ),
        })
    });
    let nation = f.choice("nation", Some(Nation::England));
    let has_gas_supply = f.boolean("has_gas_supply", Some(true));
    let is_hmo = f.boolean("is_hmo", Some(false));
    let has_communal_areas = f.boolean("has_communal_areas", Some(false));
    let tenancy_start_date = f.date("tenancy_start_date");
    let date_given = f.get("tenancy_start_date").is_some();
    let (
        Some(address_line_1),
        Some(city),
        Some(postcode),
        Some(nation),
        Some(has_gas_supply),
        Some(is_hmo),
        Some(has_communal_areas),
    ) = (
        address_line_1,
        city,
        postcode,
        nation,
        has_gas_supply,
        is_hmo,
        has_communal_areas,
    )
    else {
        return None;
    };
    if date_given && tenancy_start_date.is_none() {
        return None;
    }
    Some(NewProperty {
        address_line_1,
        address_line_2,
        city,
        postcode,
        nation,
        has_gas_supply,
        is_hmo,
        has_communal_areas,
        tenancy_start_date,
    })
}
