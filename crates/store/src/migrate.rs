//! Migrations are embedded in the binary, one folder per backend. To add one, put
//! `NNNN_name.sql` in both `migrations/sqlite` and `migrations/postgres` and list it below.

use crate::{DbPool, Result, Store};
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

fn migrator(sources: &[Source]) -> Migrator {
    Migrator::with_migrations(
        sources
            .iter()
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

pub(crate) async fn run(store: &Store) -> Result<()> {
    match store.pool() {
        DbPool::Sqlite(p) => migrator(SQLITE).run(p).await?,
        DbPool::Postgres(p) => migrator(POSTGRES).run(p).await?,
    }
    Ok(())
}
