//! Reaching the real PostgreSQL and Redis of the test environment. Without their URL the tests
//! that need them skip and say so; with `VAULT_REQUIRE_SERVICES=1` a missing URL fails instead.

use sqlx::{Connection, Executor, PgConnection};
use uuid::Uuid;

/// The prefix of every database the tests create; `.ci/run` drops leftovers by it.
pub const TEST_DATABASE_PREFIX: &str = "cvt_";

/// The URL in `var`, or `None` after printing why the test skips.
///
/// # Panics
/// When the variable is unset and `VAULT_REQUIRE_SERVICES=1`.
pub fn service_url(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var("VAULT_REQUIRE_SERVICES").as_deref() == Ok("1") => {
            panic!("{var} is unset but VAULT_REQUIRE_SERVICES=1: this test needs that service")
        }
        _ => {
            eprintln!("skipping: {var} is unset");
            None
        }
    }
}

/// Creates an empty database of its own for one test on the server at `TEST_DATABASE_URL`, and
/// returns its URL. `None` (with a message) when the variable is unset.
///
/// # Panics
/// When the server refuses: a test that cannot get its database must fail, not pass.
pub async fn fresh_postgres_database() -> Option<String> {
    let admin_url = service_url("TEST_DATABASE_URL")?;
    let name = format!("{TEST_DATABASE_PREFIX}{}", Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    admin
        .execute(sqlx::AssertSqlSafe(format!(r#"CREATE DATABASE "{name}""#)))
        .await
        .expect("create a test database");
    admin.close().await.ok();
    Some(replace_database(&admin_url, &name))
}

/// `postgres://u@h:p/db?x` with its database replaced by `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn the_database_name_is_replaced_and_the_rest_kept() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/postgres", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            replace_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(replace_database("postgres://h:5432", "x"), "postgres://h:5432/x");
    }
}
