//! Ready-made valid values, and a clock that says what the test wants.

use std::sync::Mutex;

use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::{
    BillingPlan, BoundedText, Client, ClientId, ClientType, Email, Intake, Nation, NewClient, NewProperty,
    OnboardingStatus, PreferredContact, Property, PropertyId, SubscriptionStatus, UkPostcode,
};
use uuid::Uuid;

/// A clock that stands still until told to move.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn at(now: DateTime<Utc>) -> Self {
        Self(Mutex::new(now))
    }

    pub fn advance(&self, by: Duration) {
        *self.0.lock().expect("clock lock") += by;
    }
}

impl Default for FixedClock {
    fn default() -> Self {
        Self::at(Utc.with_ymd_and_hms(2026, 3, 1, 9, 30, 0).single().expect("valid time"))
    }
}

impl ports::Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }
}

fn text(value: &str) -> BoundedText {
    BoundedText::parse(value, 200).expect("fixture text is valid")
}

pub fn new_property(postcode: &str) -> NewProperty {
    NewProperty {
        address_line_1: text("1 Test Street"),
        address_line_2: Some(text("Flat 2")),
        city: text("London"),
        postcode: UkPostcode::parse(postcode).expect("fixture postcode is valid"),
        nation: Nation::England,
        has_gas_supply: true,
        is_hmo: false,
        has_communal_areas: false,
        tenancy_start_date: chrono::NaiveDate::from_ymd_opt(2025, 6, 1),
    }
}

pub fn new_client(email: &str) -> NewClient {
    NewClient {
        full_name: text("Test Client"),
        email: Email::parse(email).expect("fixture email is valid"),
        client_type: ClientType::Company,
        company_name: Some(text("Test Lettings Ltd")),
        phone: Some(text("+44 20 7946 0000")),
        preferred_contact: PreferredContact::Email,
        billing_plan: BillingPlan::Plan2To5,
        consent_communications: true,
    }
}

pub fn intake(email: &str) -> Intake {
    Intake {
        client: new_client(email),
        properties: vec![new_property("SW1A 1AA"), new_property("M1 1AE")],
    }
}

/// A client as the intake use case would store it, with `property_count` properties.
pub fn stored_client(email: &str, property_count: usize, now: DateTime<Utc>) -> (Client, Vec<Property>) {
    let client = Client {
        id: ClientId::from_uuid(Uuid::now_v7()),
        details: new_client(email),
        onboarding_status: OnboardingStatus::IntakePending,
        subscription_status: SubscriptionStatus::Pending,
        created_at: now,
        updated_at: now,
    };
    let properties = (0..property_count)
        .map(|i| Property {
            id: PropertyId::from_uuid(Uuid::now_v7()),
            client_id: client.id,
            details: new_property(if i % 2 == 0 { "SW1A 1AA" } else { "EH1 1YZ" }),
            created_at: now + Duration::milliseconds(i64::try_from(i).unwrap_or_default()),
        })
        .collect();
    (client, properties)
}

/// `len` bytes that start as a PDF does and go on with a pattern that never repeats a chunk
/// boundary: what the upload tests send when only the type and the bytes matter.
pub fn pdf_bytes(len: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..len).map(|i| u8::try_from(i % 251).unwrap_or_default()));
    bytes
}

/// A one-page PDF whose text is `lines`, in Helvetica, one line after another: what the text
/// extraction tests read back. Written by hand so no PDF library is needed to make one.
pub fn text_pdf(lines: &[&str]) -> Vec<u8> {
    let escape = |line: &str| line.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
    let shown: Vec<String> = lines.iter().map(|l| format!("({}) Tj T*", escape(l))).collect();
    let content = format!("BT /F1 11 Tf 72 740 Td 14 TL {} ET", shown.join(" "));
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
    ];
    let objects: Vec<Vec<u8>> = objects.into_iter().map(String::into_bytes).collect();
    pdf_of_objects(&objects)
}

/// A PDF of these objects, numbered from 1 (the first is the catalogue), with its
/// cross-reference table: for tests that need objects no writer would make.
pub fn pdf_of_objects(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.5\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", i + 1).bytes());
        pdf.extend(object);
        pdf.extend(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        pdf.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    pdf.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    pdf
}
