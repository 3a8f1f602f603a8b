//! Both stores pass the store conformance suite: SQLite each test on its own database file,
//! PostgreSQL each test in its own database on the server at `TEST_DATABASE_URL` (skipped,
//! saying so, when that is unset).

// A test fails by panicking: unwrap and expect are how these tests say what they expected.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod sqlite {
    use std::sync::Arc;

    use adapter_sql::SqliteStore;
    use ports::Store;
    use testkit::conformance::StoreHarness;

    struct Harness {
        store: SqliteStore,
        _dir: TempDir,
    }

    /// A directory removed when the test ends.
    struct TempDir(std::path::PathBuf);

    impl Drop for TempDir {
        fn drop(&mut self) {
            std::fs::remove_dir_all(&self.0).ok();
        }
    }

    async fn harness() -> Option<Harness> {
        let dir = std::env::temp_dir().join(format!("cv-sqlite-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let store = SqliteStore::connect(&url, 4).await.unwrap();
        adapter_sql::sqlite::migrate(&store).await.unwrap();
        Some(Harness {
            store,
            _dir: TempDir(dir),
        })
    }

    #[async_trait::async_trait]
    impl StoreHarness for Harness {
        fn store(&self) -> Arc<dyn Store> {
            Arc::new(self.store.clone())
        }

        async fn change_sealed_entry(&self, seq: i64) {
            sqlx::raw_sql("DROP TRIGGER audit_log_sealed_is_final")
                .execute(self.store.write_pool())
                .await
                .unwrap();
            sqlx::query("UPDATE audit_log SET after_state = '{\"tampered\":true}' WHERE seq = $1")
                .bind(seq)
                .execute(self.store.write_pool())
                .await
                .unwrap();
        }

        async fn execute_raw(&self, sql: &'static str) -> Result<(), String> {
            sqlx::raw_sql(sql)
                .execute(self.store.write_pool())
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        }

        async fn delete_sealed_entry(&self, seq: i64) {
            sqlx::raw_sql("DROP TRIGGER IF EXISTS audit_log_no_delete")
                .execute(self.store.write_pool())
                .await
                .unwrap();
            sqlx::query("DELETE FROM audit_log WHERE seq = $1")
                .bind(seq)
                .execute(self.store.write_pool())
                .await
                .unwrap();
        }
    }

    testkit::store_conformance_tests!(harness());
}

mod postgres {
    use std::sync::Arc;

    use adapter_sql::PgStore;
    use ports::Store;
    use testkit::conformance::StoreHarness;

    struct Harness {
        store: PgStore,
    }

    async fn harness() -> Option<Harness> {
        let url = testkit::services::fresh_postgres_database().await?;
        let store = PgStore::connect(&url, 8).await.unwrap();
        adapter_sql::postgres::migrate(&store).await.unwrap();
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

    testkit::store_conformance_tests!(needs has_postgres, "needs TEST_DATABASE_URL", harness());

    #[tokio::test]
    #[cfg_attr(not(has_postgres), ignore = "needs TEST_DATABASE_URL")]
    async fn the_audit_log_cannot_be_truncated() {
        let Some(h) = harness().await else { return };
        let truncate = h.execute_raw("TRUNCATE audit_log").await.unwrap_err();
        assert!(truncate.contains("append-only"), "{truncate}");
    }
}
