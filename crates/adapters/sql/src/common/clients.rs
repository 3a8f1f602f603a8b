//! Clients and their properties. Writing an intake differs (PostgreSQL does it in one
//! statement); reading does not.

use async_trait::async_trait;
use domain::{
    BoundedText, Client, ClientId, Email, NewAuditEntry, NewClient, NewProperty, Property, PropertyId, UkPostcode,
};
use ports::{ClientRepository, CreateClientError, PropertyRepository, StoreError};
use sqlx::query::Query;

use super::error::{col, corrupt, fail, parsed};
use super::{Db, Row, Store, id, specific, uuid};

pub(crate) const CLIENT_COLUMNS: &str = "id, full_name, email, client_type, company_name, phone, preferred_contact, \
     billing_plan, consent_communications, onboarding_status, subscription_status, created_at, updated_at";
pub(crate) const PROPERTY_COLUMNS: &str = "id, client_id, address_line_1, address_line_2, city, postcode, nation, \
     has_gas_supply, is_hmo, has_communal_areas, tenancy_start_date, created_at";

type Arguments = <Db as sqlx::Database>::Arguments;

/// Binds the thirteen values of [`CLIENT_COLUMNS`] for `client`, after whatever `query` has bound.
pub(crate) fn bind_client<'q>(query: Query<'q, Db, Arguments>, client: &'q Client) -> Query<'q, Db, Arguments> {
    let d = &client.details;
    query
        .bind(id(client.id.as_uuid()))
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
}

#[async_trait]
impl ClientRepository for Store {
    async fn create_client(
        &self,
        client: &Client,
        properties: &[Property],
        audit_entry: &NewAuditEntry,
    ) -> Result<(), CreateClientError> {
        specific::create_client(self, client, properties, audit_entry).await
    }

    async fn get_client(&self, client: ClientId) -> Result<Option<Client>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id(client.as_uuid()))
            .fetch_optional(self.reader())
            .await
            .map_err(fail("get_client"))?;
        row.as_ref().map(client_from_row).transpose()
    }

    async fn find_client_by_email(&self, email: &Email) -> Result<Option<Client>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {CLIENT_COLUMNS} FROM clients WHERE email = $1"));
        let row = sqlx::query(sql)
            .bind(email.as_str())
            .fetch_optional(self.reader())
            .await
            .map_err(fail("find_client_by_email"))?;
        row.as_ref().map(client_from_row).transpose()
    }

    async fn count_clients(&self) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clients")
            .fetch_one(self.reader())
            .await
            .map_err(fail("count_clients"))?;
        Ok(u64::try_from(count).unwrap_or_default())
    }
}

#[async_trait]
impl PropertyRepository for Store {
    async fn list_properties(&self, client: ClientId) -> Result<Vec<Property>, StoreError> {
        let sql = format!("SELECT {PROPERTY_COLUMNS} FROM properties WHERE client_id = $1 ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id(client.as_uuid()))
            .fetch_all(self.reader())
            .await
            .map_err(fail("list_properties"))?;
        rows.iter().map(property_from_row).collect()
    }
}

fn text(row: &Row, column: &str) -> Result<BoundedText, StoreError> {
    BoundedText::parse(&col::<String>(row, column)?, usize::MAX).map_err(|e| corrupt(column, e))
}

fn optional_text(row: &Row, column: &str) -> Result<Option<BoundedText>, StoreError> {
    col::<Option<String>>(row, column)?
        .map(|v| BoundedText::parse(&v, usize::MAX).map_err(|e| corrupt(column, e)))
        .transpose()
}

pub(crate) fn client_from_row(row: &Row) -> Result<Client, StoreError> {
    client_from_columns(row, "")
}

/// The client in `row` whose columns are named `{prefix}{column}` (a join's aliases).
pub(crate) fn client_from_columns(row: &Row, prefix: &str) -> Result<Client, StoreError> {
    let name = |column: &'static str| -> std::borrow::Cow<'static, str> {
        if prefix.is_empty() {
            column.into()
        } else {
            format!("{prefix}{column}").into()
        }
    };
    Ok(Client {
        id: ClientId::from_uuid(uuid(row, &name("id"))?),
        details: NewClient {
            full_name: text(row, &name("full_name"))?,
            email: Email::parse(&col::<String>(row, &name("email"))?).map_err(|e| corrupt("email", e))?,
            client_type: parsed(row, &name("client_type"))?,
            company_name: optional_text(row, &name("company_name"))?,
            phone: optional_text(row, &name("phone"))?,
            preferred_contact: parsed(row, &name("preferred_contact"))?,
            billing_plan: parsed(row, &name("billing_plan"))?,
            consent_communications: col(row, &name("consent_communications"))?,
        },
        onboarding_status: parsed(row, &name("onboarding_status"))?,
        subscription_status: parsed(row, &name("subscription_status"))?,
        created_at: col(row, &name("created_at"))?,
        updated_at: col(row, &name("updated_at"))?,
    })
}

pub(crate) fn property_from_row(row: &Row) -> Result<Property, StoreError> {
    Ok(Property {
        id: PropertyId::from_uuid(uuid(row, "id")?),
        client_id: ClientId::from_uuid(uuid(row, "client_id")?),
        details: NewProperty {
            address_line_1: text(row, "address_line_1")?,
            address_line_2: optional_text(row, "address_line_2")?,
            city: text(row, "city")?,
            postcode: UkPostcode::parse(&col::<String>(row, "postcode")?).map_err(|e| corrupt("postcode", e))?,
            nation: parsed(row, "nation")?,
            has_gas_supply: col(row, "has_gas_supply")?,
            is_hmo: col(row, "is_hmo")?,
            has_communal_areas: col(row, "has_communal_areas")?,
            tenancy_start_date: col(row, "tenancy_start_date")?,
        },
        created_at: col(row, "created_at")?,
    })
}
