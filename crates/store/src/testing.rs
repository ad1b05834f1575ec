//! Fresh, isolated databases for tests on either backend.
//!
//! SQLite: a new file in the system temp folder. PostgreSQL: a new database on the server named by
//! `JIBAN_TEST_PG_URL` (started by `scripts/pg.sh`). When that variable is absent the PostgreSQL
//! half of a test is skipped with a message — unless `JIBAN_REQUIRE_PG=1` (set by
//! `scripts/test.sh` and so by CI), in which case it fails.

use crate::{Backend, Store, StoreOptions};
use sqlx::Connection;

/// A database URL for a brand-new empty database of this backend, or `None` when PostgreSQL is
/// not configured and not required.
pub async fn fresh_url(backend: Backend) -> Option<String> {
    let name = format!("jiban_t_{}", uuid::Uuid::now_v7().simple());
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join("jiban-tests");
            std::fs::create_dir_all(&dir).expect("temp dir");
            Some(format!("sqlite://{}/{name}.db", dir.display()))
        }
        Backend::Postgres => {
            let Ok(admin) = std::env::var("JIBAN_TEST_PG_URL") else {
                if std::env::var("JIBAN_REQUIRE_PG").as_deref() == Ok("1") {
                    panic!("JIBAN_REQUIRE_PG=1 but JIBAN_TEST_PG_URL is not set");
                }
                eprintln!("skipping the PostgreSQL half: JIBAN_TEST_PG_URL is not set");
                return None;
            };
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to the test PostgreSQL");
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            Some(format!("{base}/{name}"))
        }
    }
}

/// A migrated, empty store of this backend (see [`fresh_url`]).
pub async fn fresh_store(backend: Backend) -> Option<Store> {
    let url = fresh_url(backend).await?;
    let opts = StoreOptions {
        max_connections: 4,
        ..Default::default()
    };
    Some(
        Store::connect(&url, &opts)
            .await
            .expect("connect and migrate"),
    )
}

/// Applies the migrations up to `version` only: a database as an older release left it (to test
/// what an upgrade does to its data).
pub async fn migrate_to(store: &Store, version: i64) -> crate::Result<()> {
    crate::migrate::run_to(store, version).await
}
