//! The storage port of jiban.
//!
//! One [`Store`] value serves both backends. Each query is written once, in SQL that SQLite 3.51 and
//! PostgreSQL 15 both accept, and runs on whichever pool the database URL picked: the
//! [`with_pool!`]/[`with_tx!`] macros expand one body into a `match` with a concretely typed arm per
//! backend, so there is no generic trait-bound soup and no second copy of any query. Where the two
//! dialects really differ (full-text search, upserts with `RETURNING` quirks), the code branches on
//! [`Store::backend`]. Each backend has its own migrations folder (`migrations/sqlite`,
//! `migrations/postgres`); the same contract test suite (`tests/contract.rs`) runs against both.
//!
//! Conventions every query follows:
//! - placeholders are `$1, $2, …` in ascending order of first appearance (SQLite numbers them that way);
//! - times are bound through [`ts`] (UTC, whole seconds) so SQLite's text timestamps compare correctly;
//! - uuids are v7 ([`new_id`]), so ordering by id is ordering by creation.

pub mod assessment;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod enterprises;
pub mod imports;
pub mod indicators;
pub mod jobs;
pub mod org;
pub mod policies;
pub mod reference;
pub mod routing;
pub mod search;
pub mod supervision;
pub mod testing;
pub mod users;

mod error;
mod migrate;

pub use error::StoreError;
pub use sqlx::types::Json;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::time::Duration;
use time::OffsetDateTime;
use uuid::Uuid;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database engine a [`Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from the URL scheme: `sqlite:` or `postgres:`/`postgresql:`.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Config(format!(
                "数据库地址必须以 sqlite: 或 postgres: 开头，收到：{}",
                redact_url(url)
            )))
        }
    }
}

/// A connection pool on one of the two backends.
#[derive(Clone, Debug)]
pub enum DbPool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// An open write transaction on one of the two backends.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// Runs one body against the pool, once per backend arm: `with_pool!(store, |p| q.fetch_all(p).await)`.
#[macro_export]
macro_rules! with_pool {
    ($store:expr, |$p:ident| $body:expr) => {
        match $store.pool() {
            $crate::DbPool::Sqlite($p) => $body,
            $crate::DbPool::Postgres($p) => $body,
        }
    };
}

/// Runs one body inside a transaction; `$c` is `&mut Connection` of the backend:
/// `with_tx!(tx, |c| q.execute(&mut *c).await.map(|r| r.rows_affected()))` — arms must agree
/// on the type, so `execute` results are mapped to the affected row count.
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, |$c:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

/// Pool sizing and durability knobs.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub max_connections: u32,
    pub busy_timeout: Duration,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 8,
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// The storage port: cheap to clone, shared by all request handlers.
#[derive(Clone, Debug)]
pub struct Store {
    pool: DbPool,
}

impl Store {
    /// Connects to the database named by `url`, creating the SQLite file if needed, and applies
    /// pending migrations.
    pub async fn connect(url: &str, opts: &StoreOptions) -> Result<Store> {
        let store = Self::connect_without_migrating(url, opts).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without touching the schema (for `jiban migrate --check` and backups).
    pub async fn connect_without_migrating(url: &str, opts: &StoreOptions) -> Result<Store> {
        let pool = match Backend::from_url(url)? {
            Backend::Sqlite => {
                let co = SqliteConnectOptions::from_str(url)
                    .map_err(|e| StoreError::Config(format!("SQLite 地址无效：{e}")))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // an acknowledged write survives a power cut, not only a crash
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(opts.busy_timeout);
                if let Some(dir) = sqlite_parent_dir(url) {
                    std::fs::create_dir_all(&dir).map_err(|e| {
                        StoreError::Config(format!("无法创建数据库目录 {}：{e}", dir.display()))
                    })?;
                }
                DbPool::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(opts.max_connections)
                        .connect_with(co)
                        .await?,
                )
            }
            Backend::Postgres => {
                let co = PgConnectOptions::from_str(url)
                    .map_err(|e| StoreError::Config(format!("PostgreSQL 地址无效：{e}")))?;
                DbPool::Postgres(
                    PgPoolOptions::new()
                        .max_connections(opts.max_connections)
                        .acquire_timeout(Duration::from_secs(10))
                        .connect_with(co)
                        .await?,
                )
            }
        };
        Ok(Store { pool })
    }

    pub fn pool(&self) -> &DbPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            DbPool::Sqlite(_) => Backend::Sqlite,
            DbPool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the pending migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        migrate::run(self).await
    }

    /// Opens a write transaction. On SQLite it is `BEGIN IMMEDIATE`, so two writers queue on the
    /// busy timeout instead of failing when a read lock would be upgraded.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.pool {
            DbPool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            DbPool::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Opens a read-only transaction that sees one snapshot of the database without blocking
    /// writers (SQLite: a deferred `BEGIN` under WAL; PostgreSQL: `REPEATABLE READ READ ONLY`).
    pub async fn begin_snapshot(&self) -> Result<Tx> {
        Ok(match &self.pool {
            DbPool::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN").await?),
            DbPool::Postgres(p) => Tx::Postgres(
                p.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?,
            ),
        })
    }

    /// `SELECT 1` — used by `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Writes a consistent copy of the SQLite database to `dest` while the server keeps running
    /// (`VACUUM INTO`). PostgreSQL is backed up with `pg_dump`; see docs/OPERATIONS.md.
    pub async fn backup_sqlite(&self, dest: &std::path::Path) -> Result<()> {
        let DbPool::Sqlite(p) = &self.pool else {
            return Err(StoreError::Config(
                "PostgreSQL 请使用 pg_dump 备份（见 docs/OPERATIONS.md）".into(),
            ));
        };
        if dest.exists() {
            return Err(StoreError::Config(format!(
                "备份目标 {} 已存在，请换一个文件名",
                dest.display()
            )));
        }
        let dest = dest
            .to_str()
            .ok_or_else(|| StoreError::Config("备份路径必须是 UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(dest)
            .execute(p)
            .await
            .map(|r| r.rows_affected())?;
        Ok(())
    }

    pub async fn close(&self) {
        match &self.pool {
            DbPool::Sqlite(p) => p.close().await,
            DbPool::Postgres(p) => p.close().await,
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Abandons every write of the transaction (dropping a `Tx` does the same).
    pub async fn rollback(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}

/// A new time-ordered key.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Normalises a timestamp for storage and comparison: UTC, whole seconds. SQLite keeps times as
/// RFC 3339 text, which only sorts correctly when every value has the same shape.
pub fn ts(t: OffsetDateTime) -> OffsetDateTime {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .expect("0 is a valid nanosecond")
}

/// Now, normalised by [`ts`].
/// `$a, $b, $c` of `n` bound values starting at `$first`.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|k| format!("${k}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn now() -> OffsetDateTime {
    ts(OffsetDateTime::now_utc())
}

/// A database URL with its password replaced by `***`, for logs and errors.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

fn sqlite_parent_dir(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| p.to_path_buf())
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern and wraps it in `%…%`.
pub fn like_contains(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('%');
    for ch in s.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// Offset/limit from a 1-based page number, with the page size bounded to 1..=200.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub page: u32,
    pub page_size: u32,
}

impl Page {
    pub fn new(page: Option<u32>, page_size: Option<u32>) -> Page {
        Page {
            page: page.unwrap_or(1).max(1),
            page_size: page_size.unwrap_or(20).clamp(1, 200),
        }
    }
    pub fn limit(&self) -> i64 {
        self.page_size as i64
    }
    pub fn offset(&self) -> i64 {
        (self.page as i64 - 1) * self.page_size as i64
    }
}

impl Store {
    /// Deletes every row of every table (for `jiban demo --reset`), children before parents.
    pub async fn wipe_all(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        // enterprises and users refer to each other (service staff, enterprise accounts)
        with_tx!(&mut tx, |c| sqlx::query(
            "UPDATE enterprises SET service_staff_id = NULL"
        )
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        for table in [
            "case_live",
            "case_rollups",
            "warning_letters",
            "letter_counters",
            "assessment_rows",
            "assessment_snapshots",
            "assessment_settings",
            "case_exemptions",
            "policy_search",
            "policy_files",
            "policy_application_events",
            "policy_applications",
            "policy_pushes",
            "policy_matches",
            "policy_items",
            "policies",
            "zone_geo",
            "warnings",
            "band_daily",
            "band_history",
            "band_rules",
            "indicator_values",
            "indicators",
            "import_jobs",
            "enterprise_tags",
            "duplicate_candidates",
            "routing_feedback",
            "routing_models",
            "routing_rules",
            "case_search",
            "enterprise_search",
            "case_attachments",
            "outbox",
            "supervision_orders",
            "sweep_marks",
            "notifications",
            "case_requests",
            "case_events",
            "case_assignments",
            "cases",
            "case_counters",
            "sla_rules",
            "sessions",
            "api_tokens",
            "login_failures",
            "audit_events",
            "users",
            "enterprises",
            "categories",
            "calendar_days",
            "job_leases",
        ] {
            let sql = format!("DELETE FROM {table}");
            with_tx!(&mut tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        if !tx.is_postgres() {
            for fts in ["case_fts", "enterprise_fts", "policy_fts"] {
                let sql = format!("INSERT INTO {fts} ({fts}) VALUES ('delete-all')");
                with_tx!(&mut tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected()))?;
            }
        }
        // org units reference each other: leaves first
        with_tx!(&mut tx, |c| sqlx::query(
            "DELETE FROM org_units WHERE parent_id IS NOT NULL AND kind = 'grid'"
        )
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        for kind in ["community", "village", "street", "department", "zone"] {
            with_tx!(&mut tx, |c| sqlx::query(
                "DELETE FROM org_units WHERE kind = $1"
            )
            .bind(kind)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        tx.commit().await
    }

    /// Looks up a unit by its code within a zone.
    pub async fn org_unit_by_code(
        &self,
        zone_id: Uuid,
        code: &str,
    ) -> Result<Option<org::OrgUnitRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, org::OrgUnitRow>(
                "SELECT id, zone_id, parent_id, kind, name, code, active, sort_order, path, street_id, created_at, updated_at \
                 FROM org_units WHERE zone_id = $1 AND code = $2",
            )
            .bind(zone_id)
            .bind(code)
            .fetch_optional(p)
            .await
        })?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact_url("postgres://jiban:secret@127.0.0.1:5432/jiban"),
            "postgres://jiban:***@127.0.0.1:5432/jiban"
        );
        assert_eq!(
            redact_url("sqlite://data/jiban.db"),
            "sqlite://data/jiban.db"
        );
    }

    #[test]
    fn picks_backend_from_url() {
        assert_eq!(Backend::from_url("sqlite:x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgresql://h/db").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mysql://h/db").is_err());
    }

    #[test]
    fn like_escapes_wildcards() {
        assert_eq!(like_contains("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[test]
    fn sqlite_dir_from_url() {
        assert_eq!(
            sqlite_parent_dir("sqlite://data/jiban.db?mode=rwc"),
            Some(std::path::PathBuf::from("data"))
        );
        assert_eq!(sqlite_parent_dir("sqlite::memory:"), None);
    }

    #[test]
    fn timestamps_are_whole_utc_seconds() {
        let t =
            ts(OffsetDateTime::now_utc().to_offset(time::UtcOffset::from_hms(8, 0, 0).unwrap()));
        assert_eq!(t.nanosecond(), 0);
        assert_eq!(t.offset(), time::UtcOffset::UTC);
    }
}
