//! `compliance-vault demo`: fills an empty development database with a portfolio to look at,
//! through the product's own use cases (sign-up, the test checkout, uploads, reviews), so what it
//! makes is what a user would have made: an admin (its password printed once), a client on each
//! plan with properties in England, Wales and Scotland, and documents verified, expiring, out of
//! date, waiting and rejected, so every colour and status shows. Refused in production and on a
//! database that holds clients.

use std::io::Write;
use std::process::ExitCode;

use app::RequestContext;
use app::documents::{Decision, NewUpload};
use base64::Engine;
use chrono::{Months, NaiveDate};
use domain::{ClientId, DisplayName, RequirementType, StatedFacts};
use identity::RandomSource;
use serde_json::{Value, json};

use crate::config::{Environment, Settings};
use crate::security::OsRandom;
use crate::startup::services;

pub const ADMIN_EMAIL: &str = "admin@demo.example";

/// A small file that is a PDF by its first bytes.
fn pdf(label: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% Compliance Vault demo document: {label}\n%%EOF\n").into_bytes()
}

fn intake(name: &str, email: &str, plan: &str, properties: &[(&str, &str, &str, &str)]) -> Value {
    let properties: Vec<Value> = properties
        .iter()
        .map(|(address, city, postcode, nation)| {
            json!({ "address_line_1": address, "city": city, "postcode": postcode, "nation": nation })
        })
        .collect();
    json!({
        "full_name": name, "email": email, "client_type": "INDIVIDUAL", "preferred_contact": "EMAIL",
        "billing_plan": plan, "properties": properties,
        "consent_data_processing": true, "consent_communications": true
    })
}

/// What becomes of one demo document.
#[derive(Clone, Copy)]
enum Fate {
    /// Verified as issued this long ago.
    Verified {
        months_ago: u32,
    },
    Pending,
    Rejected,
}

/// # Errors
/// When the store or a use case fails unexpectedly.
pub async fn command(settings: &Settings) -> anyhow::Result<ExitCode> {
    if settings.environment == Environment::Production {
        eprintln!("demo fills a development database; it is refused in production");
        return Ok(ExitCode::from(2));
    }
    let services = services(settings).await?;
    let state = &services.state;
    let existing = state.store.count_clients().await?;
    if existing > 0 {
        eprintln!("demo fills an empty database; this one holds {existing} clients");
        return Ok(ExitCode::from(2));
    }
    let ctx = RequestContext::system();
    let mut secret = [0u8; 18];
    OsRandom.fill(&mut secret);
    let password = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
    let admin = app::access::create_admin(state.access(), ADMIN_EMAIL, &password, &ctx)
        .await
        .map_err(|e| anyhow::anyhow!("creating the demo admin: {e}"))?;

    let clients = [
        intake(
            "Alys Morgan",
            "alys@demo.example",
            "PLAN_1",
            &[("Tŷ Newydd, Ffordd y Môr", "Aberystwyth", "SY23 1AB", "WALES")],
        ),
        intake(
            "Bryony Clarke",
            "bryony@demo.example",
            "PLAN_2_5",
            &[
                ("12 Park Row", "Leeds", "LS1 5HD", "ENGLAND"),
                ("3 Rose Street", "Edinburgh", "EH2 2PR", "SCOTLAND"),
            ],
        ),
        intake(
            "Calder Lettings",
            "calder@demo.example",
            "PLAN_6_15",
            &[
                ("1 Harbour View", "Cardiff", "CF10 4PA", "WALES"),
                ("2 Mill Lane", "Manchester", "M1 1AE", "ENGLAND"),
                ("7 Canal Side", "Birmingham", "B1 1AA", "ENGLAND"),
                ("14 Castle Wynd", "Inverness", "IV2 3PR", "SCOTLAND"),
                ("22 Quay Street", "Bristol", "BS1 4DJ", "ENGLAND"),
                ("5 Chapel Road", "Swansea", "SA1 1NW", "WALES"),
            ],
        ),
    ];
    let fates = [
        (RequirementType::GasSafety, Fate::Verified { months_ago: 2 }),
        (RequirementType::Eicr, Fate::Verified { months_ago: 59 }),
        (RequirementType::Epc, Fate::Verified { months_ago: 20 }),
        (RequirementType::Legionella, Fate::Pending),
        (RequirementType::GasSafety, Fate::Rejected),
    ];
    let today = state.clock.today();
    let mut documents = 0;
    for (n, body) in clients.iter().enumerate() {
        let intake = vault_http::api::intake::parse_intake(body)
            .map_err(|e| anyhow::anyhow!("the demo's intake is invalid: {e:?}"))?;
        let receipt = app::onboarding::submit_intake(state.onboarding(), intake, &ctx)
            .await
            .map_err(|e| anyhow::anyhow!("demo sign-up: {e}"))?;
        app::onboarding::complete_test_checkout(state.onboarding(), receipt.client_id, &ctx).await?;
        // The last client's evidence lapses: a gas check 14 months old is RED.
        let last = n == clients.len() - 1;
        documents += evidence(state, receipt.client_id, admin.id, &fates, today, last, &ctx).await?;
    }
    let delivery = app::mail::DeliveryServices {
        store: &*services.mail_worker.store,
        mailer: &*services.mail_worker.mailer,
        clock: &*services.mail_worker.clock,
        rng: &*services.mail_worker.rng,
        policy: services.mail_worker.policy,
    };
    app::mail::drain(delivery).await?;
    app::audit::seal_all(&*state.store).await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "demo ready: 3 clients (PLAN_1, PLAN_2_5, PLAN_6_15), 9 properties, {documents} documents"
    )?;
    writeln!(out, "admin: {ADMIN_EMAIL}")?;
    writeln!(out, "password (shown once): {password}")?;
    writeln!(
        out,
        "clients set their passwords from the setup links the mailer sent (with no mail settings, in {})",
        settings.data_dir.join("outbox").display()
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Uploads and reviews the demo documents of every property of `client`: how many.
async fn evidence(
    state: &vault_http::AppState,
    client: ClientId,
    admin: domain::UserId,
    fates: &[(RequirementType, Fate)],
    today: NaiveDate,
    lapsed: bool,
    ctx: &RequestContext,
) -> anyhow::Result<usize> {
    let mut count = 0;
    for (p, property) in state.store.list_properties(client).await?.iter().enumerate() {
        // Properties take turns at a share of the fates, so colours differ between them.
        for (requirement, fate) in fates.iter().skip(p % 2).copied() {
            let months_ago = match fate {
                Fate::Verified { .. } if lapsed && requirement == RequirementType::GasSafety => 14,
                Fate::Verified { months_ago } => months_ago,
                Fate::Pending | Fate::Rejected => 1,
            };
            let issued = today.checked_sub_months(Months::new(months_ago)).unwrap_or(today);
            let stated = StatedFacts {
                requirement: Some(requirement),
                issue_date: Some(issued),
                ..StatedFacts::default()
            };
            let upload = NewUpload {
                client_id: client,
                property_id: property.id,
                display_name: DisplayName::from_client(&format!("{} {issued}.pdf", requirement.label())),
                stated,
                uploaded_by: None,
            };
            let chunks = futures_util::stream::iter([Ok::<_, std::convert::Infallible>(pdf(requirement.label()))]);
            let document = app::documents::upload_document(state.documents(), upload, chunks, ctx)
                .await
                .map_err(|e| anyhow::anyhow!("demo upload: {e}"))?;
            let decision = match fate {
                Fate::Verified { .. } => Some(Decision::Verify {
                    requirement,
                    issue_date: issued,
                    expiry_date: None,
                    epc_rating: (requirement == RequirementType::Epc).then_some(domain::EpcRating::C),
                    exemption_expiry_date: None,
                }),
                Fate::Rejected => Some(Decision::Reject {
                    reason: "The scan is unreadable; please upload a clearer copy.".to_owned(),
                }),
                Fate::Pending => None,
            };
            if let Some(decision) = decision {
                app::documents::review_document(state.documents(), document.id, decision, admin, ctx)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo review: {e}"))?;
            }
            count += 1;
        }
    }
    Ok(count)
}
