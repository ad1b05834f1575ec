//! Migrations are embedded in the binary, one folder per backend. To add one, put
//! `NNNN_name.sql` in both `migrations/sqlite` and `migrations/postgres` and list it below.

use crate::{DbPool, Result, Store, with_pool};
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use std::borrow::Cow;

type Source = (i64, &'static str, &'static str);

const SQLITE: &[Source] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
    ),
    (
        2,
        "cases",
        include_str!("../migrations/sqlite/0002_cases.sql"),
    ),
    (
        3,
        "supervision",
        include_str!("../migrations/sqlite/0003_supervision.sql"),
    ),
    (
        4,
        "attachments",
        include_str!("../migrations/sqlite/0004_attachments.sql"),
    ),
    (
        5,
        "search",
        include_str!("../migrations/sqlite/0005_search.sql"),
    ),
    (
        6,
        "registry",
        include_str!("../migrations/sqlite/0006_registry.sql"),
    ),
    (
        7,
        "policies",
        include_str!("../migrations/sqlite/0007_policies.sql"),
    ),
    (
        8,
        "assessment",
        include_str!("../migrations/sqlite/0008_assessment.sql"),
    ),
];

const POSTGRES: &[Source] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "cases",
        include_str!("../migrations/postgres/0002_cases.sql"),
    ),
    (
        3,
        "supervision",
        include_str!("../migrations/postgres/0003_supervision.sql"),
    ),
    (
        4,
        "attachments",
        include_str!("../migrations/postgres/0004_attachments.sql"),
    ),
    (
        5,
        "search",
        include_str!("../migrations/postgres/0005_search.sql"),
    ),
    (
        6,
        "registry",
        include_str!("../migrations/postgres/0006_registry.sql"),
    ),
    (
        7,
        "policies",
        include_str!("../migrations/postgres/0007_policies.sql"),
    ),
    (
        8,
        "assessment",
        include_str!("../migrations/postgres/0008_assessment.sql"),
    ),
];

fn migrator(sources: &[Source], up_to: i64) -> Migrator {
    Migrator::with_migrations(
        sources
            .iter()
            .filter(|(v, _, _)| *v <= up_to)
            .map(|(v, name, sql)| {
                Migration::new(
                    *v,
                    Cow::Borrowed(*name),
                    MigrationType::Simple,
                    sqlx::AssertSqlSafe(*sql).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

/// The migration that added the dashboard's rollups (`case_rollups`, `case_live`). A database
/// that had cases before it has them counted once, right after it is applied.
const ROLLUPS: i64 = 8;

pub(crate) async fn run(store: &Store) -> Result<()> {
    let had_rollups = applied(store, ROLLUPS).await?;
    run_to(store, i64::MAX).await?;
    if !had_rollups {
        for zone in store.zones().await? {
            let n = store.rebuild_rollups(zone.id).await?;
            tracing::info!(zone = %zone.code, cases = n, "rollups counted from the existing cases");
        }
    }
    Ok(())
}

/// Applies the pending migrations up to `version` only (tests build old databases with it).
pub(crate) async fn run_to(store: &Store, version: i64) -> Result<()> {
    match store.pool() {
        DbPool::Sqlite(p) => migrator(SQLITE, version).run(p).await?,
        DbPool::Postgres(p) => migrator(POSTGRES, version).run(p).await?,
    }
    Ok(())
}

/// Whether migration `version` was applied before (false on a database without the
/// migrations table).
async fn applied(store: &Store, version: i64) -> Result<bool> {
    let table = match store.pool() {
        DbPool::Sqlite(p) => {
            sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
            )
            .fetch_one(p)
            .await?
        }
        DbPool::Postgres(p) => {
            sqlx::query_scalar::<_, bool>("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
                .fetch_one(p)
                .await?
        }
    };
    if !table {
        return Ok(false);
    }
    Ok(with_pool!(store, |p| {
        sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (SELECT 1 FROM _sqlx_migrations WHERE version = $1 AND success)",
        )
        .bind(version)
        .fetch_one(p)
        .await
    })?)
}
