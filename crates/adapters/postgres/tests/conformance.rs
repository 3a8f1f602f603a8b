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
async fn the_audit_log_refuses_deletes_and_changes_to_sealed_entries() {
    let Some(h) = harness().await else { return };
    let store = h.store();
    let entry = domain::NewAuditEntry::new(
        uuid::Uuid::now_v7(),
        chrono::Utc::now(),
        domain::AuditAction::LoginFailed,
        domain::Actor::anonymous(),
    );
    store.append(&entry).await.unwrap();
    app::audit::seal_all(&*store).await.unwrap();

    let delete = sqlx::query("DELETE FROM audit_log").execute(h.store.pool()).await;
    assert!(delete.unwrap_err().to_string().contains("append-only"));
    let update = sqlx::query("UPDATE audit_log SET action = 'LOGIN_SUCCEEDED'")
        .execute(h.store.pool())
        .await;
    assert!(update.unwrap_err().to_string().contains("cannot change"));
    let truncate = sqlx::raw_sql("TRUNCATE audit_log").execute(h.store.pool()).await;
    assert!(truncate.unwrap_err().to_string().contains("append-only"));
}
