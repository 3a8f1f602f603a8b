//! Sessions ended before they expire.

use std::sync::LazyLock;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{NewAuditEntry, UserId};
use ports::{SessionPrincipal, SessionRepository, StoreError};
use uuid::Uuid;

use super::clients::{self, CLIENT_COLUMNS};
use super::error::{col, fail};
use super::users::{self, USER_COLUMNS};
use super::{Store, audit, id, opt_uuid, stored_portfolios};

#[async_trait]
impl SessionRepository for Store {
    async fn revoke_session(
        &self,
        session_id: Uuid,
        user: UserId,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        audit_entry: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        const OP: &str = "revoke_session";
        let mut tx = self.begin_write(OP).await?;
        // Revocations of sessions that have expired anyway protect nothing any more.
        sqlx::query("DELETE FROM revoked_sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(fail(OP))?;
        sqlx::query(
            "INSERT INTO revoked_sessions (session_id, user_id, expires_at, revoked_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(id(session_id))
        .bind(id(user.as_uuid()))
        .bind(expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(fail(OP))?;
        audit::insert(&mut tx, audit_entry).await?;
        tx.commit().await.map_err(fail(OP))
    }

    async fn session_principal(
        &self,
        user: UserId,
        session_id: Uuid,
        with_portfolio: bool,
    ) -> Result<Option<SessionPrincipal>, StoreError> {
        const OP: &str = "session_principal";
        let sql = if with_portfolio { &*WITH_PORTFOLIO } else { &*PRINCIPAL };
        let row = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id(user.as_uuid()))
            .bind(id(session_id))
            .fetch_optional(self.reader())
            .await
            .map_err(fail(OP))?;
        let Some(row) = row else { return Ok(None) };
        let client = match opt_uuid(&row, "c_id")? {
            Some(_) => Some(clients::client_from_columns(&row, CLIENT_PREFIX)?),
            None => None,
        };
        let portfolio = match (&client, with_portfolio) {
            (Some(_), true) => Some(stored_portfolios::read_from(&row)?),
            _ => None,
        };
        Ok(Some(SessionPrincipal {
            user: users::user_from_row(&row)?,
            session_revoked: col(&row, "session_revoked")?,
            client,
            portfolio,
        }))
    }
}

/// How the client's columns are named in [`PRINCIPAL`]: `c_id`, `c_email`, ...
const CLIENT_PREFIX: &str = "c_";

/// The user, the session's revocation and the client in one statement: every signed-in request
/// reads it, so it is one round trip rather than three.
static PRINCIPAL: LazyLock<String> = LazyLock::new(|| principal("", ""));

/// [`PRINCIPAL`] with the client's stored portfolio: the dashboard's one statement.
static WITH_PORTFOLIO: LazyLock<String> = LazyLock::new(|| {
    principal(
        &format!(", {}", stored_portfolios::COLUMNS),
        " LEFT JOIN stored_portfolios s ON s.client_id = c.id",
    )
});

fn principal(more_columns: &str, more_joins: &str) -> String {
    let user = qualified("u", USER_COLUMNS, "");
    let client = qualified("c", CLIENT_COLUMNS, CLIENT_PREFIX);
    format!(
        "SELECT {user}, {client}, \
         EXISTS (SELECT 1 FROM revoked_sessions r WHERE r.session_id = $2) AS session_revoked{more_columns} \
         FROM portal_users u LEFT JOIN clients c ON c.id = u.client_id{more_joins} WHERE u.id = $1"
    )
}

/// `columns` (a comma-separated list) as `table.column AS {prefix}column`.
fn qualified(table: &str, columns: &str, prefix: &str) -> String {
    columns
        .split(',')
        .map(|column| {
            let column = column.trim();
            format!("{table}.{column} AS {prefix}{column}")
        })
        .collect::<Vec<_>>()
        .join(", ")
}
