//! Clients and properties on PostgreSQL.

use async_trait::async_trait;
use domain::{
    BoundedText, Client, ClientId, Email, NewAuditEntry, NewClient, NewProperty, Property, PropertyId, UkPostcode,
};
use ports::{ClientRepository, CreateClientError, PropertyRepository, StoreError};
use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use crate::error::{corrupt, is_unique_violation, store_error};
use crate::{PgStore, audit};

const CLIENT_COLUMNS: &str = "id, full_name, email, client_type, company_name, phone, preferred_contact, billing_plan, \
     consent_communications, onboarding_status, subscription_status, created_at, updated_at";

#[async_trait]
impl ClientRepository for PgStore {
    async fn create_client(
        &self,
        client: &Client,
        properties: &[Property],
        audit_entry: &NewAuditEntry,
    ) -> Result<(), CreateClientError> {
        // One statement is one transaction: the client, its properties and the audit entry are
        // written together or not at all, in one round trip instead of five.
        let sql = sqlx::AssertSqlSafe(format!(
            "WITH new_client AS (\
               INSERT INTO clients (id, full_name, email, client_type, company_name, phone, preferred_contact, \
               billing_plan, consent_communications, onboarding_status, subscription_status, created_at, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)), \
             new_properties AS (\
               INSERT INTO properties (id, client_id, address_line_1, address_line_2, city, postcode, nation, \
               has_gas_supply, is_hmo, has_communal_areas, tenancy_start_date, created_at) \
               SELECT * FROM UNNEST($14::uuid[], $15::uuid[], $16::text[], $17::text[], $18::text[], $19::text[], \
               $20::text[], $21::bool[], $22::bool[], $23::bool[], $24::date[], $25::timestamptz[])) \
             INSERT INTO audit_log ({}) \
             VALUES ($26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37)",
            audit::INSERT_COLUMNS
        ));
        let d = &client.details;
        let mut columns = PropertyColumns::default();
        for property in properties {
            columns.push(property);
        }
        let query = sqlx::query(sql)
            .bind(client.id.as_uuid())
            .bind(d.full_name.as_str())
            .bind(d.email.as_str())
            .bind(d.client_type.as_str())
            .bind(d.company_name.as_ref().map(BoundedText::as_str))
            .bind(d.phone.as_ref().map(BoundedText::as_str))
            .bind(d.preferred_contact.as_str())
            .bind(d.billing_plan.as_str())
            .bind(d.consent_communications)
            .bind(client.onboarding_status.as_str())
            .bind(client.subscription_status.as_str())
            .bind(client.created_at)
            .bind(client.updated_at)
            .bind(columns.id)
            .bind(columns.client_id)
            .bind(columns.address_line_1)
            .bind(columns.address_line_2)
            .bind(columns.city)
            .bind(columns.postcode)
            .bind(columns.nation)
            .bind(columns.has_gas_supply)
            .bind(columns.is_hmo)
            .bind(columns.has_communal_areas)
            .bind(columns.tenancy_start_date)
            .bind(columns.created_at);
        match audit::bind_entry(query, audit_entry).execute(&self.pool).await {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(CreateClientError::DuplicateEmail),
            Err(e) => Err(store_error(e).into()),
        }
    }

    async fn get_client(&self, id: ClientId) -> Result<Option<Client>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.as_ref().map(client_from_row).transpose()
    }

    async fn find_client_by_email(&self, email: &Email) -> Result<Option<Client>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE email = $1"));
        let row = sqlx::query(sql)
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.as_ref().map(client_from_row).transpose()
    }

    async fn count_clients(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients")
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;
        Ok(u64::try_from(count).unwrap_or_default())
    }
}

/// Properties column by column, for one `INSERT ... SELECT FROM UNNEST`.
#[derive(Default)]
struct PropertyColumns {
    id: Vec<Uuid>,
    client_id: Vec<Uuid>,
    address_line_1: Vec<String>,
    address_line_2: Vec<Option<String>>,
    city: Vec<String>,
    postcode: Vec<String>,
    nation: Vec<&'static str>,
    has_gas_supply: Vec<bool>,
    is_hmo: Vec<bool>,
    has_communal_areas: Vec<bool>,
    tenancy_start_date: Vec<Option<chrono::NaiveDate>>,
    created_at: Vec<chrono::DateTime<chrono::Utc>>,
}

impl PropertyColumns {
    fn push(&mut self, property: &Property) {
        let p = &property.details;
        self.id.push(property.id.as_uuid());
        self.client_id.push(property.client_id.as_uuid());
        self.address_line_1.push(p.address_line_1.to_string());
        self.address_line_2
            .push(p.address_line_2.as_ref().map(ToString::to_string));
        self.city.push(p.city.to_string());
        self.postcode.push(p.postcode.to_string());
        self.nation.push(p.nation.as_str());
        self.has_gas_supply.push(p.has_gas_supply);
        self.is_hmo.push(p.is_hmo);
        self.has_communal_areas.push(p.has_communal_areas);
        self.tenancy_start_date.push(p.tenancy_start_date);
        self.created_at.push(property.created_at);
    }
}

#[async_trait]
impl PropertyRepository for PgStore {
    async fn list_properties(&self, client: ClientId) -> Result<Vec<Property>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, client_id, address_line_1, address_line_2, city, postcode, nation, has_gas_supply, is_hmo, \
             has_communal_areas, tenancy_start_date, created_at FROM properties WHERE client_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(client.as_uuid())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.iter().map(property_from_row).collect()
    }
}

fn get<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(
    row: &'r PgRow,
    column: &str,
) -> Result<T, StoreError> {
    row.try_get(column).map_err(|e| corrupt(column, e))
}

fn parse<T: std::str::FromStr>(row: &PgRow, column: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    get::<String>(row, column)?.parse().map_err(|e| corrupt(column, e))
}

fn text(row: &PgRow, column: &str) -> Result<BoundedText, StoreError> {
    let value: String = get(row, column)?;
    BoundedText::parse(&value, usize::MAX).map_err(|e| corrupt(column, e))
}

fn optional_text(row: &PgRow, column: &str) -> Result<Option<BoundedText>, StoreError> {
    let value: Option<String> = get(row, column)?;
    value
        .map(|v| BoundedText::parse(&v, usize::MAX).map_err(|e| corrupt(column, e)))
        .transpose()
}

fn client_from_row(row: &PgRow) -> Result<Client, StoreError> {
    Ok(Client {
        id: ClientId::from_uuid(get(row, "id")?),
        details: NewClient {
            full_name: text(row, "full_name")?,
            email: Email::parse(&get::<String>(row, "email")?).map_err(|e| corrupt("email", e))?,
            client_type: parse(row, "client_type")?,
            company_name: optional_text(row, "company_name")?,
            phone: optional_text(row, "phone")?,
            preferred_contact: parse(row, "preferred_contact")?,
            billing_plan: parse(row, "billing_plan")?,
            consent_communications: get(row, "consent_communications")?,
        },
        onboarding_status: parse(row, "onboarding_status")?,
        subscription_status: parse(row, "subscription_status")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

fn property_from_row(row: &PgRow) -> Result<Property, StoreError> {
    Ok(Property {
        id: PropertyId::from_uuid(get(row, "id")?),
        client_id: ClientId::from_uuid(get(row, "client_id")?),
        details: NewProperty {
            address_line_1: text(row, "address_line_1")?,
            address_line_2: optional_text(row, "address_line_2")?,
            city: text(row, "city")?,
            postcode: UkPostcode::parse(&get::<String>(row, "postcode")?).map_err(|e| corrupt("postcode", e))?,
            nation: parse(row, "nation")?,
            has_gas_supply: get(row, "has_gas_supply")?,
            is_hmo: get(row, "is_hmo")?,
            has_communal_areas: get(row, "has_communal_areas")?,
            tenancy_start_date: get(row, "tenancy_start_date")?,
        },
        created_at: get(row, "created_at")?,
    })
}
