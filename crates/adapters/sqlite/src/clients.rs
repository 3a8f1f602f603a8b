//! Clients and properties on SQLite.

use async_trait::async_trait;
use domain::{
    BoundedText, Client, ClientId, Email, NewAuditEntry, NewClient, NewProperty, Property, PropertyId, UkPostcode,
};
use ports::{ClientRepository, CreateClientError, PropertyRepository, StoreError};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

use crate::error::{corrupt, is_unique_violation, store_error};
use crate::{SqliteStore, audit};

const CLIENT_COLUMNS: &str = "id, full_name, email, client_type, company_name, phone, preferred_contact, billing_plan, \
     consent_communications, onboarding_status, subscription_status, created_at, updated_at";

#[async_trait]
impl ClientRepository for SqliteStore {
    async fn create_client(
        &self,
        client: &Client,
        properties: &[Property],
        audit_entry: &NewAuditEntry,
    ) -> Result<(), CreateClientError> {
        let mut tx = self.begin_write().await?;
        let d = &client.details;
        let inserted = sqlx::query(
            "INSERT INTO clients (id, full_name, email, client_type, company_name, phone, preferred_contact, \
             billing_plan, consent_communications, onboarding_status, subscription_status, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(client.id.to_string())
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
        .execute(&mut *tx)
        .await;
        match inserted {
            Err(e) if is_unique_violation(&e) => return Err(CreateClientError::DuplicateEmail),
            other => other.map_err(store_error)?,
        };
        for property in properties {
            let p = &property.details;
            sqlx::query(
                "INSERT INTO properties (id, client_id, address_line_1, address_line_2, city, postcode, nation, \
                 has_gas_supply, is_hmo, has_communal_areas, tenancy_start_date, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(property.id.to_string())
            .bind(property.client_id.to_string())
            .bind(p.address_line_1.as_str())
            .bind(p.address_line_2.as_ref().map(BoundedText::as_str))
            .bind(p.city.as_str())
            .bind(p.postcode.as_str())
            .bind(p.nation.as_str())
            .bind(p.has_gas_supply)
            .bind(p.is_hmo)
            .bind(p.has_communal_areas)
            .bind(p.tenancy_start_date)
            .bind(property.created_at)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        }
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(store_error)?;
        Ok(())
    }

    async fn get_client(&self, id: ClientId) -> Result<Option<Client>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.to_string())
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

#[async_trait]
impl PropertyRepository for SqliteStore {
    async fn list_properties(&self, client: ClientId) -> Result<Vec<Property>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, client_id, address_line_1, address_line_2, city, postcode, nation, has_gas_supply, is_hmo, \
             has_communal_areas, tenancy_start_date, created_at FROM properties WHERE client_id = $1 \
             ORDER BY created_at, id",
        )
        .bind(client.to_string())
        .fetch_all(&self.pool)
        .await
        .map_err(store_error)?;
        rows.iter().map(property_from_row).collect()
    }
}

fn get<'r, T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>>(
    row: &'r SqliteRow,
    column: &str,
) -> Result<T, StoreError> {
    row.try_get(column).map_err(|e| corrupt(column, e))
}

fn parse<T: std::str::FromStr>(row: &SqliteRow, column: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    get::<String>(row, column)?.parse().map_err(|e| corrupt(column, e))
}

fn text(row: &SqliteRow, column: &str) -> Result<BoundedText, StoreError> {
    let value: String = get(row, column)?;
    BoundedText::parse(&value, usize::MAX).map_err(|e| corrupt(column, e))
}

fn optional_text(row: &SqliteRow, column: &str) -> Result<Option<BoundedText>, StoreError> {
    let value: Option<String> = get(row, column)?;
    value
        .map(|v| BoundedText::parse(&v, usize::MAX).map_err(|e| corrupt(column, e)))
        .transpose()
}

fn client_from_row(row: &SqliteRow) -> Result<Client, StoreError> {
    Ok(Client {
        id: parse(row, "id")?,
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

fn property_from_row(row: &SqliteRow) -> Result<Property, StoreError> {
    Ok(Property {
        id: parse::<PropertyId>(row, "id")?,
        client_id: parse(row, "client_id")?,
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
