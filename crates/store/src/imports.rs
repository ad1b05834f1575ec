//! Import jobs (企业名录、指标数据): the uploaded file, the column mapping, the preview report, and
//! the progress of the background write.

use crate::{Json, Result, Store, StoreError, Tx, now, with_pool, with_tx};
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, FromRow)]
pub struct ImportJobRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub kind: String,
    pub file_name: String,
    /// `uploaded` | `previewed` | `running` | `done` | `failed`
    pub status: String,
    pub mapping: Json<serde_json::Value>,
    /// The preview: headers, sample, errors, counts (JSON written by the server).
    pub report: Json<serde_json::Value>,
    pub total_rows: i64,
    pub processed: i64,
    pub inserted: i64,
    pub updated: i64,
    pub message: Option<String>,
    pub created_by: Uuid,
    pub created_by_name: Option<String>,
    pub created_at: OffsetDateTime,
    pub finished_at: Option<OffsetDateTime>,
}

const SELECT: &str = "SELECT j.id, j.zone_id, j.kind, j.file_name, j.status, j.mapping, j.report, j.total_rows, \
     j.processed, j.inserted, j.updated, j.message, j.created_by, u.display_name AS created_by_name, j.created_at, \
     j.finished_at FROM import_jobs j LEFT JOIN users u ON u.id = j.created_by ";

impl Store {
    pub async fn import_job(&self, zone_id: Uuid, id: Uuid) -> Result<Option<ImportJobRow>> {
        let sql = format!("{SELECT}WHERE j.zone_id = $1 AND j.id = $2");
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ImportJobRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }

    pub async fn import_jobs(&self, zone_id: Uuid, limit: i64) -> Result<Vec<ImportJobRow>> {
        let sql =
            format!("{SELECT}WHERE j.zone_id = $1 ORDER BY j.created_at DESC, j.id DESC LIMIT $2");
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ImportJobRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// The uploaded file.
    pub async fn import_content(&self, id: Uuid) -> Result<Vec<u8>> {
        let row: (Vec<u8>,) = with_pool!(self, |p| {
            sqlx::query_as("SELECT content FROM import_jobs WHERE id = $1")
                .bind(id)
                .fetch_one(p)
                .await
        })?;
        Ok(row.0)
    }

    /// Progress of a running job, written outside the job's own transactions.
    pub async fn set_import_progress(&self, id: Uuid, processed: i64) -> Result<()> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE import_jobs SET processed = $1 WHERE id = $2"
        )
        .bind(processed)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Marks jobs left `running` for over two hours as failed (at start-up: their node stopped;
    /// a live node finishes even 100,000 rows in minutes, so another node's job is not touched).
    pub async fn fail_stale_imports(&self) -> Result<u64> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "UPDATE import_jobs SET status = 'failed', message = '导入中断（服务重启），请重新导入；已写入的行会按信用代码更新，不会重复', \
             finished_at = $1 WHERE status = 'running' AND created_at < $2"
        )
        .bind(now())
        .bind(now() - time::Duration::hours(2))
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        })?)
    }
}

impl Tx {
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_import_job(
        &mut self,
        zone_id: Uuid,
        kind: &str,
        file_name: &str,
        content: &[u8],
        report: &serde_json::Value,
        mapping: &serde_json::Value,
        total_rows: i64,
        created_by: Uuid,
    ) -> Result<Uuid> {
        let id = crate::new_id();
        with_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO import_jobs (id, zone_id, kind, file_name, content, status, mapping, report, total_rows, \
             created_by, created_at) VALUES ($1, $2, $3, $4, $5, 'uploaded', $6, $7, $8, $9, $10)"
        )
        .bind(id)
        .bind(zone_id)
        .bind(kind)
        .bind(file_name)
        .bind(content)
        .bind(Json(mapping.clone()))
        .bind(Json(report.clone()))
        .bind(total_rows)
        .bind(created_by)
        .bind(now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    /// Moves a job to a new status with its report and counts. `from` guards the transition
    /// (two confirms of the same job: only one starts it).
    #[allow(clippy::too_many_arguments)]
    pub async fn update_import_job(
        &mut self,
        id: Uuid,
        from: &[&str],
        status: &str,
        mapping: &serde_json::Value,
        report: &serde_json::Value,
        inserted: i64,
        updated: i64,
        message: Option<&str>,
    ) -> Result<()> {
        let finished = matches!(status, "done" | "failed").then(now);
        let allowed: Vec<String> = from.iter().map(|s| format!("'{s}'")).collect();
        let sql = format!(
            "UPDATE import_jobs SET status = $1, mapping = $2, report = $3, inserted = $4, updated = $5, \
             message = $6, finished_at = $7, processed = CASE WHEN $1 = 'done' THEN total_rows ELSE processed END \
             WHERE id = $8 AND status IN ({})",
            allowed.join(", ")
        );
        let n = with_tx!(self, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(status)
            .bind(Json(mapping.clone()))
            .bind(Json(report.clone()))
            .bind(inserted)
            .bind(updated)
            .bind(message)
            .bind(finished)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
