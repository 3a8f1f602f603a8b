//! The PostgreSQL store passes the store conformance suite, each test in its own database on
//! the server at `TEST_DATABASE_URL` (skipped, saying so, when that is unset).

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use adapter_postgres::PgStore;
use ports::Store;
use testkit::conformance::StoreHarness;

struct Harness {
    store: PgStore,
}

async fn harness() -> Option<Harness> {
    let url = testkit::services::fresh_postgres_database().await?;
    let store = PgStore::connect(&url, 8).await.unwrap();
    adapter_postgres::migrate(&store).await.unwrap();
    Some(Harness { store })
}

#[async_trait::async_trait]
impl StoreHarness for Harness {
    fn store(&self) -> Arc<dyn Store> {
        Arc::new(self.store.clone())
    }

    async fn change_sealed_entry(&self, seq: i64) {
        sqlx::raw_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard")
            .execute(self.store.pool())
            .await
            .unwrap();
        sqlx::query("UPDATE audit_log SET after_state = '{\"tampered\":true}' WHERE seq = $1")
            .bind(seq)
            .execute(self.store.pool())
            .await
            .unwrap();
    }

    async fn execute_raw(&self, sql: &'static str) -> Result<(), String> {
        sqlx::raw_sql(sql)
            .execute(self.store.pool())
            .await
            .map(drop)
            .map_err(|e| e.to_string())
    }

    async fn delete_sealed_entry(&self, seq: i64) {
        sqlx::raw_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard")
            .execute(self.store.pool())
            .await
            .unwrap();
        sqlx::query("DELETE FROM audit_log WHERE seq = $1")
            .bind(seq)
            .execute(self.store.pool())
            .await
            .unwrap();
    }
}

testkit::store_conformance_tests!(harness());

#[tokio::test]
async fn the_audit_log_cannot_be_truncated() {
    let Some(h) = harness().await else { return };
    let truncate = h.execute_raw("TRUNCATE audit_log").await.unwrap_err();
    assert!(truncate.contains("append-only"), "{truncate}");
}
