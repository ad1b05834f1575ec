//! The assessment of units (考核): the facts its formulas read, exemptions (免于考核), settings,
//! immutable ranking snapshots, warning letters (提醒函 / 预警函 / 督办函), and the rollups the
//! command dashboard reads (kept in the same transaction as every case change). The formulas are
//! `jiban_assess`; the contract is docs/ASSESSMENT.md.

use crate::{Json, Result, Store, Tx, new_id, now, ts, with_pool, with_tx};
use serde::Serialize;
use serde_json::Value;
use sqlx::FromRow;
use std::collections::BTreeMap;
use time::{Date, OffsetDateTime, UtcOffset};
use uuid::Uuid;

const BEIJING: UtcOffset = time::macros::offset!(+8);

// ---- rollups ----------------------------------------------------------------------------------

/// What of a case the rollups depend on.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct RollupKey {
    pub zone_id: Uuid,
    pub created_at: OffsetDateTime,
    pub state: String,
    pub closed_at: Option<OffsetDateTime>,
    pub category_code: String,
    pub grid_id: Option<Uuid>,
    pub alert: Option<String>,
}

/// A case id with its rollup key (the rebuild reads them in pages).
#[derive(Debug, Clone, FromRow)]
struct KeyedRollup {
    id: Uuid,
    #[sqlx(flatten)]
    key: RollupKey,
}

/// States in which a case is no longer open.
pub const ENDED_STATES: [&str; 4] = ["closed", "rejected", "withdrawn", "merged"];

/// The top-level category of a code (`QY03` → `QY`).
pub fn top_category(code: &str) -> &str {
    let end = code
        .char_indices()
        .find(|(_, c)| c.is_ascii_digit())
        .map_or(code.len(), |(i, _)| i);
    &code[..end.max(1).min(code.len())]
}

pub fn day_bucket(d: Date) -> String {
    format!("D{d}")
}

pub fn month_bucket(year: i32, month: u8) -> String {
    format!("M{year:04}-{month:02}")
}

fn grid_dim(grid: Option<Uuid>) -> String {
    grid.map_or_else(|| "g:-".to_string(), |g| format!("g:{g}"))
}

/// (bucket, dim) → (received, closed) and dim → (open, overdue) of one case.
type Tallies = (
    BTreeMap<(String, String), (i64, i64)>,
    BTreeMap<String, (i64, i64)>,
);

fn contribution(k: &RollupKey, sign: i64, out: &mut Tallies) {
    let dims = [
        "*".to_string(),
        format!("c:{}", top_category(&k.category_code)),
        grid_dim(k.grid_id),
    ];
    let mut add = |t: OffsetDateTime, received: i64, closed: i64| {
        let d = t.to_offset(BEIJING).date();
        let day = day_bucket(d);
        let month = month_bucket(d.year(), d.month() as u8);
        let e = out.0.entry((day, dims[0].clone())).or_default();
        e.0 += sign * received;
        e.1 += sign * closed;
        for dim in &dims {
            let e = out.0.entry((month.clone(), dim.clone())).or_default();
            e.0 += sign * received;
            e.1 += sign * closed;
        }
    };
    add(k.created_at, 1, 0);
    if k.state == "closed"
        && let Some(c) = k.closed_at
    {
        add(c, 0, 1);
    }
    if !ENDED_STATES.contains(&k.state.as_str()) {
        let overdue = i64::from(k.alert.as_deref() == Some("overdue"));
        for dim in dims {
            let e = out.1.entry(dim).or_default();
            e.0 += sign;
            e.1 += sign * overdue;
        }
    }
}

impl Tx {
    /// The rollup key of a case now (call before changing it, then [`Tx::rollup_after`]).
    pub async fn rollup_key(&mut self, case_id: Uuid) -> Result<Option<RollupKey>> {
        with_tx!(self, |c| {
            sqlx::query_as::<_, RollupKey>(
                "SELECT zone_id, created_at, state, closed_at, category_code, grid_id, alert FROM cases WHERE id = $1",
            )
            .bind(case_id)
            .fetch_optional(&mut *c)
            .await
        })
        .map_err(Into::into)
    }

    /// Moves the case's counts in the rollups from `before` (None for a new case) to what it is
    /// now; only the buckets that change are written.
    pub async fn rollup_after(&mut self, before: Option<RollupKey>, case_id: Uuid) -> Result<()> {
        let after = self.rollup_key(case_id).await?;
        if before == after {
            return Ok(());
        }
        let mut t: Tallies = Default::default();
        if let Some(b) = &before {
            contribution(b, -1, &mut t);
        }
        let zone = match (&after, &before) {
            (Some(a), _) => {
                contribution(a, 1, &mut t);
                a.zone_id
            }
            (None, Some(b)) => b.zone_id,
            (None, None) => return Ok(()),
        };
        self.apply_tallies(zone, &t).await
    }

    /// Every non-zero rollup row of a zone, ordered.
    pub async fn rollup_rows(&mut self, zone_id: Uuid) -> Result<(Vec<RollupRow>, Vec<LiveRow>)> {
        let a = with_tx!(self, |c| {
            sqlx::query_as::<_, RollupRow>(
                "SELECT bucket, dim, received, closed FROM case_rollups WHERE zone_id = $1 \
                 AND (received <> 0 OR closed <> 0) ORDER BY bucket, dim",
            )
            .bind(zone_id)
            .fetch_all(&mut *c)
            .await
        })?;
        let b = with_tx!(self, |c| {
            sqlx::query_as::<_, LiveRow>(
                "SELECT dim, open, overdue FROM case_live WHERE zone_id = $1 AND (open <> 0 OR overdue <> 0) ORDER BY dim",
            )
            .bind(zone_id)
            .fetch_all(&mut *c)
            .await
        })?;
        Ok((a, b))
    }

    /// What every case of a zone contributes to the rollups, read in pages of 20,000 by id.
    async fn tally_cases(&mut self, zone_id: Uuid) -> Result<(u64, Tallies)> {
        let mut after = Uuid::nil();
        let mut n = 0u64;
        let mut t: Tallies = Default::default();
        loop {
            let rows: Vec<KeyedRollup> = with_tx!(self, |c| {
                sqlx::query_as::<_, KeyedRollup>(
                    "SELECT id, zone_id, created_at, state, closed_at, category_code, grid_id, alert FROM cases \
                     WHERE zone_id = $1 AND id > $2 ORDER BY id LIMIT 20000",
                )
                .bind(zone_id)
                .bind(after)
                .fetch_all(&mut *c)
                .await
            })?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            n += rows.len() as u64;
            for r in rows {
                contribution(&r.key, 1, &mut t);
            }
        }
        Ok((n, t))
    }

    async fn apply_tallies(&mut self, zone: Uuid, t: &Tallies) -> Result<()> {
        for ((bucket, dim), (received, closed)) in &t.0 {
            if *received == 0 && *closed == 0 {
                continue;
            }
            with_tx!(self, |c| {
                sqlx::query(
                    "INSERT INTO case_rollups (zone_id, bucket, dim, received, closed) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (zone_id, bucket, dim) DO UPDATE SET received = case_rollups.received + excluded.received, \
                     closed = case_rollups.closed + excluded.closed",
                )
                .bind(zone)
                .bind(bucket)
                .bind(dim)
                .bind(received)
                .bind(closed)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
            })?;
        }
        for (dim, (open, overdue)) in &t.1 {
            if *open == 0 && *overdue == 0 {
                continue;
            }
            with_tx!(self, |c| {
                sqlx::query(
                    "INSERT INTO case_live (zone_id, dim, open, overdue) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (zone_id, dim) DO UPDATE SET open = case_live.open + excluded.open, \
                     overdue = case_live.overdue + excluded.overdue",
                )
                .bind(zone)
                .bind(dim)
                .bind(open)
                .bind(overdue)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }
}

/// One row of the rollups (for the rebuild check and the bench).
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct RollupRow {
    pub bucket: String,
    pub dim: String,
    pub received: i64,
    pub closed: i64,
}

/// One row of the live counts.
#[derive(Debug, Clone, PartialEq, Eq, FromRow, Serialize)]
pub struct LiveRow {
    pub dim: String,
    pub open: i64,
    pub overdue: i64,
}

/// A rollup cell whose stored counts differ from a recount of the cases
/// (`bucket` is `live` for the open/overdue counts): (received, closed) or (open, overdue).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollupDiff {
    pub bucket: String,
    pub dim: String,
    pub stored: (i64, i64),
    pub counted: (i64, i64),
}

impl Store {
    /// Recomputes a zone's rollups from its cases (after a bulk load or an upgrade that added
    /// them: `jiban rollups --rebuild`). Reads the cases in pages of 20,000, in one transaction;
    /// two rebuilds of one zone queue behind each other (PostgreSQL locks the zone's row, SQLite's
    /// `BEGIN IMMEDIATE` serialises writers). Returns the number of cases read.
    pub async fn rebuild_rollups(&self, zone_id: Uuid) -> Result<u64> {
        let mut tx = self.begin().await?;
        if let Tx::Postgres(c) = &mut tx {
            sqlx::query("SELECT id FROM org_units WHERE id = $1 FOR UPDATE")
                .bind(zone_id)
                .execute(&mut **c)
                .await?;
        }
        for table in ["case_rollups", "case_live"] {
            let sql = format!("DELETE FROM {table} WHERE zone_id = $1");
            with_tx!(&mut tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        let (n, t) = tx.tally_cases(zone_id).await?;
        tx.apply_tallies(zone_id, &t).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Compares a zone's rollups with a recount from its cases, writing nothing: the cells that
    /// differ (empty when the incremental upkeep is right) and the number of cases read.
    pub async fn check_rollups(&self, zone_id: Uuid) -> Result<(u64, Vec<RollupDiff>)> {
        let mut tx = self.begin_snapshot().await?;
        let (n, t) = tx.tally_cases(zone_id).await?;
        let (rows, live) = tx.rollup_rows(zone_id).await?;
        tx.rollback().await?;
        let mut diffs = Vec::new();
        let mut stored: BTreeMap<(String, String), (i64, i64)> = rows
            .into_iter()
            .map(|r| ((r.bucket, r.dim), (r.received, r.closed)))
            .collect();
        for ((bucket, dim), want) in t.0.into_iter().filter(|(_, v)| *v != (0, 0)) {
            let have = stored
                .remove(&(bucket.clone(), dim.clone()))
                .unwrap_or_default();
            if have != want {
                diffs.push(RollupDiff {
                    bucket,
                    dim,
                    stored: have,
                    counted: want,
                });
            }
        }
        diffs.extend(stored.into_iter().map(|((bucket, dim), have)| RollupDiff {
            bucket,
            dim,
            stored: have,
            counted: (0, 0),
        }));
        let mut stored: BTreeMap<String, (i64, i64)> = live
            .into_iter()
            .map(|r| (r.dim, (r.open, r.overdue)))
            .collect();
        for (dim, want) in t.1.into_iter().filter(|(_, v)| *v != (0, 0)) {
            let have = stored.remove(&dim).unwrap_or_default();
            if have != want {
                diffs.push(RollupDiff {
                    bucket: "live".into(),
                    dim,
                    stored: have,
                    counted: want,
                });
            }
        }
        diffs.extend(stored.into_iter().map(|(dim, have)| RollupDiff {
            bucket: "live".into(),
            dim,
            stored: have,
            counted: (0, 0),
        }));
        Ok((n, diffs))
    }

    /// Every rollup row of a zone, ordered (tests compare incremental against rebuilt).
    pub async fn rollup_rows(&self, zone_id: Uuid) -> Result<(Vec<RollupRow>, Vec<LiveRow>)> {
        let mut tx = self.begin_snapshot().await?;
        let rows = tx.rollup_rows(zone_id).await?;
        tx.rollback().await?;
        Ok(rows)
    }

    /// Sums of received and closed over the buckets `[first, last]` of one dimension.
    pub async fn rollup_sum(
        &self,
        zone_id: Uuid,
        first: &str,
        last: &str,
        dim: &str,
    ) -> Result<(i64, i64)> {
        let r: (Option<i64>, Option<i64>) = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT CAST(SUM(received) AS BIGINT), CAST(SUM(closed) AS BIGINT) FROM case_rollups \
                 WHERE zone_id = $1 AND bucket >= $2 AND bucket <= $3 AND dim = $4",
            )
            .bind(zone_id)
            .bind(first)
            .bind(last)
            .bind(dim)
            .fetch_one(p)
            .await
        })?;
        Ok((r.0.unwrap_or(0), r.1.unwrap_or(0)))
    }

    /// The rows of one dimension over the buckets `[first, last]` (a day series).
    pub async fn rollup_series(
        &self,
        zone_id: Uuid,
        first: &str,
        last: &str,
        dim: &str,
    ) -> Result<Vec<RollupRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, RollupRow>(
                "SELECT bucket, dim, received, closed FROM case_rollups \
                 WHERE zone_id = $1 AND bucket >= $2 AND bucket <= $3 AND dim = $4 ORDER BY bucket",
            )
            .bind(zone_id)
            .bind(first)
            .bind(last)
            .bind(dim)
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }

    /// Per dimension with `prefix` (`c:`, `g:`), the sums over the buckets `[first, last]`.
    pub async fn rollup_by_dim(
        &self,
        zone_id: Uuid,
        first: &str,
        last: &str,
        prefix: &str,
    ) -> Result<Vec<RollupRow>> {
        let upper = format!("{prefix}\u{10FFFF}");
        with_pool!(self, |p| {
            sqlx::query_as::<_, RollupRow>(
                "SELECT '' AS bucket, dim, CAST(SUM(received) AS BIGINT) AS received, CAST(SUM(closed) AS BIGINT) AS closed \
                 FROM case_rollups WHERE zone_id = $1 AND bucket >= $2 AND bucket <= $3 AND dim >= $4 AND dim < $5 \
                 GROUP BY dim",
            )
            .bind(zone_id)
            .bind(first)
            .bind(last)
            .bind(prefix)
            .bind(&upper)
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }

    /// The live counts of a zone (every dimension).
    pub async fn live_counts(&self, zone_id: Uuid) -> Result<Vec<LiveRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, LiveRow>(
                "SELECT dim, open, overdue FROM case_live WHERE zone_id = $1",
            )
            .bind(zone_id)
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }

    /// The latest urgent open cases.
    pub async fn urgent_open_cases(&self, zone_id: Uuid, limit: i64) -> Result<Vec<UrgentCaseRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, UrgentCaseRow>(
                "SELECT c.id, c.case_no, c.title, c.state, c.created_at, COALESCE(g.name, s.name, l.name) AS area_name \
                 FROM cases c LEFT JOIN org_units g ON g.id = c.grid_id LEFT JOIN org_units s ON s.id = g.street_id \
                 LEFT JOIN org_units l ON l.id = c.lead_unit_id \
                 WHERE c.zone_id = $1 AND c.urgency = 'urgent' \
                 AND c.state NOT IN ('closed','rejected','withdrawn','merged') \
                 ORDER BY c.created_at DESC LIMIT $2",
            )
            .bind(zone_id)
            .bind(limit)
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct UrgentCaseRow {
    pub id: Uuid,
    pub case_no: String,
    pub title: String,
    pub state: String,
    pub created_at: OffsetDateTime,
    pub area_name: Option<String>,
}

// ---- facts ------------------------------------------------------------------------------------

/// One assignment with its case, as the formulas read it (see docs/ASSESSMENT.md “The input”).
#[derive(Debug, Clone, FromRow)]
pub struct AssessmentFactRow {
    pub case_id: Uuid,
    pub assignment_id: Uuid,
    pub unit_id: Uuid,
    pub role: String,
    pub state: String,
    pub case_state: String,
    pub received_at: OffsetDateTime,
    pub sign_by: OffsetDateTime,
    pub signed_at: Option<OffsetDateTime>,
    pub due_at: OffsetDateTime,
    pub replied_at: Option<OffsetDateTime>,
    pub ended_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
    pub reworks: i64,
    pub rating: Option<String>,
    pub rated_at: Option<OffsetDateTime>,
    pub paused_at: Option<OffsetDateTime>,
    pub exempted: Option<String>,
    pub merged_into: Option<Uuid>,
}

/// A 恢复办理 event: the working minutes a pause stopped the case.
#[derive(Debug, Clone, FromRow)]
pub struct ResumeRow {
    pub case_id: Uuid,
    pub at: OffsetDateTime,
    pub detail: String,
}

/// Case number, title and state of a case in a drill-down.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct CaseBrief {
    pub id: Uuid,
    pub case_no: String,
    pub title: String,
    pub state: String,
}

/// An overdue case at the time of a report.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct OverdueCaseRow {
    pub id: Uuid,
    pub case_no: String,
    pub title: String,
    pub state: String,
    pub unit_name: String,
    pub due_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

impl Store {
    /// The assignment rows of a zone that may count in `[from, to)` (generously: received before
    /// `to` and not ended before `from`, or whose case was closed or rated in or after `from`).
    pub async fn assessment_facts(
        &self,
        zone_id: Uuid,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Result<Vec<AssessmentFactRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, AssessmentFactRow>(
                "SELECT a.case_id, a.id AS assignment_id, a.unit_id, a.role, a.state, c.state AS case_state, \
                 a.created_at AS received_at, a.sign_by, a.signed_at, a.due_at, a.replied_at, a.ended_at, \
                 c.closed_at, CAST(c.reworks AS BIGINT) AS reworks, c.rating, c.rated_at, c.paused_at, x.reason AS exempted, c.merged_into \
                 FROM case_assignments a JOIN cases c ON c.id = a.case_id \
                 LEFT JOIN case_exemptions x ON x.case_id = a.case_id \
                 WHERE a.zone_id = $1 AND a.created_at < $2 \
                 AND (a.ended_at IS NULL OR a.ended_at >= $3 OR c.closed_at >= $3 OR c.rated_at >= $3) \
                 ORDER BY a.case_id, a.id",
            )
            .bind(zone_id)
            .bind(ts(to))
            .bind(ts(from))
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }

    /// The 恢复办理 events of a zone since `since`.
    pub async fn resume_events(
        &self,
        zone_id: Uuid,
        since: OffsetDateTime,
    ) -> Result<Vec<ResumeRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, ResumeRow>(
                "SELECT case_id, at, CAST(detail AS TEXT) AS detail FROM case_events WHERE zone_id = $1 AND action = 'resume' AND at >= $2 \
                 ORDER BY case_id, seq",
            )
            .bind(zone_id)
            .bind(ts(since))
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }

    /// Number, title and state of some cases.
    pub async fn case_briefs(&self, zone_id: Uuid, ids: &[Uuid]) -> Result<Vec<CaseBrief>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let sql = format!(
                "SELECT id, case_no, title, state FROM cases WHERE zone_id = $1 AND id IN ({})",
                crate::placeholders(2, chunk.len())
            );
            let rows: Vec<CaseBrief> = with_pool!(self, |p| {
                let mut q =
                    sqlx::query_as::<_, CaseBrief>(sqlx::AssertSqlSafe(sql.clone())).bind(zone_id);
                for id in chunk {
                    q = q.bind(*id);
                }
                q.fetch_all(p).await
            })?;
            out.extend(rows);
        }
        Ok(out)
    }

    /// The open cases past their handling deadline at `as_of`, with their lead unit.
    pub async fn overdue_cases(
        &self,
        zone_id: Uuid,
        as_of: OffsetDateTime,
    ) -> Result<Vec<OverdueCaseRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, OverdueCaseRow>(
                "SELECT c.id, c.case_no, c.title, c.state, u.name AS unit_name, c.due_at, c.created_at \
                 FROM cases c JOIN org_units u ON u.id = c.lead_unit_id \
                 WHERE c.zone_id = $1 AND c.state IN ('dispatched','handling') AND c.due_at < $2 \
                 ORDER BY c.due_at LIMIT 5000",
            )
            .bind(zone_id)
            .bind(ts(as_of))
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }

    /// The exemption of a case: (reason, by whom, when).
    pub async fn exemption(&self, case_id: Uuid) -> Result<Option<(String, Uuid, OffsetDateTime)>> {
        with_pool!(self, |p| {
            sqlx::query_as("SELECT reason, by_id, at FROM case_exemptions WHERE case_id = $1")
                .bind(case_id)
                .fetch_optional(p)
                .await
        })
        .map_err(Into::into)
    }

    pub async fn assessment_settings(&self, zone_id: Uuid) -> Result<Option<Value>> {
        let r: Option<(Json<Value>,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT settings FROM assessment_settings WHERE zone_id = $1")
                .bind(zone_id)
                .fetch_optional(p)
                .await
        })?;
        Ok(r.map(|r| r.0.0))
    }
}

impl Tx {
    /// Exempts a case (replacing an earlier exemption's reason); false if it was already exempted.
    pub async fn set_exemption(
        &mut self,
        zone_id: Uuid,
        case_id: Uuid,
        reason: &str,
        by: Uuid,
    ) -> Result<bool> {
        let n = with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO case_exemptions (case_id, zone_id, reason, by_id, at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (case_id) DO NOTHING",
            )
            .bind(case_id)
            .bind(zone_id)
            .bind(reason)
            .bind(by)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Lifts an exemption; false if there was none.
    pub async fn clear_exemption(&mut self, case_id: Uuid) -> Result<bool> {
        let n = with_tx!(self, |c| {
            sqlx::query("DELETE FROM case_exemptions WHERE case_id = $1")
                .bind(case_id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    pub async fn save_assessment_settings(
        &mut self,
        zone_id: Uuid,
        settings: &Value,
    ) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO assessment_settings (zone_id, settings, updated_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (zone_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
            )
            .bind(zone_id)
            .bind(Json(settings))
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}

// ---- snapshots --------------------------------------------------------------------------------

/// A ranking snapshot (without its rows).
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct SnapshotRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub kind: String,
    pub period_from: Date,
    pub period_to: Date,
    pub as_of: OffsetDateTime,
    pub trigger_kind: String,
    pub corrects: Option<Uuid>,
    pub correction_reason: Option<String>,
    pub corrected_by: Option<Uuid>,
    pub weights: Json<Value>,
    pub created_by: Option<Uuid>,
    pub created_by_name: Option<String>,
    pub created_at: OffsetDateTime,
    pub units: i64,
    pub letters: i64,
}

/// A snapshot to write.
#[derive(Debug, Clone)]
pub struct NewSnapshot {
    pub zone_id: Uuid,
    pub kind: String,
    pub period_from: Date,
    pub period_to: Date,
    pub as_of: OffsetDateTime,
    pub trigger_kind: String,
    pub corrects: Option<Uuid>,
    pub correction_reason: Option<String>,
    pub weights: Value,
    pub created_by: Option<Uuid>,
}

/// One unit's line of a snapshot.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct SnapshotUnitRow {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub unit_kind: String,
    pub grp: String,
    pub rank: Option<i64>,
    pub of_count: i64,
    pub score: Option<f64>,
    pub previous_rank: Option<i64>,
    pub movement: Option<String>,
    pub tied: bool,
    /// `jiban_assess::UnitMetrics` as JSON (with the case lines of the drill-down).
    pub metrics: String,
}

macro_rules! snapshot_select {
    ($where:literal) => {
        concat!(
            "SELECT s.id, s.zone_id, s.kind, s.period_from, s.period_to, s.as_of, s.trigger_kind, s.corrects, \
             s.correction_reason, (SELECT n.id FROM assessment_snapshots n WHERE n.corrects = s.id) AS corrected_by, \
             s.weights, s.created_by, u.display_name AS created_by_name, s.created_at, \
             (SELECT COUNT(*) FROM assessment_rows r WHERE r.snapshot_id = s.id) AS units, \
             (SELECT COUNT(*) FROM warning_letters w WHERE w.snapshot_id = s.id) AS letters \
             FROM assessment_snapshots s LEFT JOIN users u ON u.id = s.created_by ",
            $where
        )
    };
}

impl Store {
    /// Snapshots of a zone, newest period first (then newest taken first).
    pub async fn snapshots(
        &self,
        zone_id: Uuid,
        kind: Option<&str>,
        limit: i64,
    ) -> Result<Vec<SnapshotRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, SnapshotRow>(snapshot_select!(
                "WHERE s.zone_id = $1 AND ($2 IS NULL OR s.kind = $2) ORDER BY s.period_to DESC, s.id DESC LIMIT $3"
            ))
            .bind(zone_id)
            .bind(kind)
            .bind(limit)
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }

    pub async fn snapshot(&self, zone_id: Uuid, id: Uuid) -> Result<Option<SnapshotRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, SnapshotRow>(snapshot_select!("WHERE s.zone_id = $1 AND s.id = $2"))
                .bind(zone_id)
                .bind(id)
                .fetch_optional(p)
                .await
        })
        .map_err(Into::into)
    }

    /// The standing snapshots of a kind (not corrected by a newer one) whose period ends before
    /// `before`, newest first: the history rankings and letters are compared with.
    pub async fn standing_snapshots(
        &self,
        zone_id: Uuid,
        kind: &str,
        before: Date,
        limit: i64,
    ) -> Result<Vec<SnapshotRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, SnapshotRow>(snapshot_select!(
                "WHERE s.zone_id = $1 AND s.kind = $2 AND s.period_to < $3 \
                 AND NOT EXISTS (SELECT 1 FROM assessment_snapshots n WHERE n.corrects = s.id) \
                 ORDER BY s.period_to DESC, s.id DESC LIMIT $4"
            ))
            .bind(zone_id)
            .bind(kind)
            .bind(before)
            .bind(limit)
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }

    /// The rows of a snapshot; `with_metrics` false leaves the metrics JSON out (empty).
    pub async fn snapshot_rows(
        &self,
        snapshot_id: Uuid,
        with_metrics: bool,
    ) -> Result<Vec<SnapshotUnitRow>> {
        let sql = format!(
            "SELECT unit_id, unit_name, unit_kind, grp, rank, of_count, score, previous_rank, movement, tied, {} AS metrics \
             FROM assessment_rows WHERE snapshot_id = $1 ORDER BY grp, rank IS NULL, rank, unit_name",
            if with_metrics { "metrics" } else { "''" }
        );
        with_pool!(self, |p| {
            sqlx::query_as::<_, SnapshotUnitRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(snapshot_id)
                .fetch_all(p)
                .await
        })
        .map_err(Into::into)
    }

    pub async fn snapshot_unit_row(
        &self,
        snapshot_id: Uuid,
        unit_id: Uuid,
    ) -> Result<Option<SnapshotUnitRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, SnapshotUnitRow>(
                "SELECT unit_id, unit_name, unit_kind, grp, rank, of_count, score, previous_rank, movement, tied, metrics \
                 FROM assessment_rows WHERE snapshot_id = $1 AND unit_id = $2",
            )
            .bind(snapshot_id)
            .bind(unit_id)
            .fetch_optional(p)
            .await
        })
        .map_err(Into::into)
    }
}

impl Tx {
    /// Writes a snapshot and its rows (once: they are never updated).
    pub async fn insert_snapshot(
        &mut self,
        s: &NewSnapshot,
        rows: &[SnapshotUnitRow],
    ) -> Result<Uuid> {
        let id = new_id();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO assessment_snapshots (id, zone_id, kind, period_from, period_to, as_of, trigger_kind, corrects, \
                 correction_reason, weights, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(id)
            .bind(s.zone_id)
            .bind(&s.kind)
            .bind(s.period_from)
            .bind(s.period_to)
            .bind(ts(s.as_of))
            .bind(&s.trigger_kind)
            .bind(s.corrects)
            .bind(s.correction_reason.as_deref())
            .bind(Json(&s.weights))
            .bind(s.created_by)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        for r in rows {
            with_tx!(self, |c| {
                sqlx::query(
                    "INSERT INTO assessment_rows (snapshot_id, unit_id, unit_name, unit_kind, grp, rank, of_count, score, \
                     previous_rank, movement, tied, metrics) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(id)
                .bind(r.unit_id)
                .bind(&r.unit_name)
                .bind(&r.unit_kind)
                .bind(&r.grp)
                .bind(r.rank)
                .bind(r.of_count)
                .bind(r.score)
                .bind(r.previous_rank)
                .bind(r.movement.as_deref())
                .bind(r.tied)
                .bind(&r.metrics)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
            })?;
        }
        Ok(id)
    }

    /// Tries to change a snapshot (for the immutability test: the database must refuse).
    pub async fn try_update_snapshot(&mut self, id: Uuid) -> Result<u64> {
        with_tx!(self, |c| {
            sqlx::query(
                "UPDATE assessment_snapshots SET correction_reason = 'changed' WHERE id = $1",
            )
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })
        .map_err(Into::into)
    }

    /// Tries to change a snapshot's rows (for the immutability test).
    pub async fn try_update_snapshot_rows(&mut self, id: Uuid) -> Result<u64> {
        with_tx!(self, |c| {
            sqlx::query("UPDATE assessment_rows SET score = 100 WHERE snapshot_id = $1")
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })
        .map_err(Into::into)
    }
}

// ---- letters ----------------------------------------------------------------------------------

/// A warning letter as stored.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct LetterRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub snapshot_id: Uuid,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub parent_id: Option<Uuid>,
    pub tier: String,
    pub doc_no: String,
    pub reason: String,
    pub period_label: String,
    /// `jiban_letters::Letter` as JSON.
    pub letter: String,
    pub issued_at: OffsetDateTime,
    pub answer_due: OffsetDateTime,
    pub rectify_by: Option<Date>,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub acknowledged_by_name: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<OffsetDateTime>,
    pub answered_by_name: Option<String>,
    pub escalated_at: Option<OffsetDateTime>,
}

/// A letter to write.
#[derive(Debug, Clone)]
pub struct NewLetter {
    pub zone_id: Uuid,
    pub snapshot_id: Uuid,
    pub unit_id: Uuid,
    pub tier: String,
    pub doc_no: String,
    pub reason: String,
    pub period_label: String,
    pub letter: String,
    pub issued_at: OffsetDateTime,
    pub issued_by: Option<Uuid>,
    pub answer_due: OffsetDateTime,
    pub rectify_by: Option<Date>,
}

/// Which letters to list.
#[derive(Debug, Clone, Default)]
pub struct LetterFilter {
    /// Only letters to this unit.
    pub unit_id: Option<Uuid>,
    pub tier: Option<String>,
    /// `sent` (neither acknowledged nor answered), `acknowledged`, `answered`, `overdue`
    pub status: Option<String>,
    pub snapshot_id: Option<Uuid>,
}

macro_rules! letter_select {
    ($where:literal) => {
        concat!(
            "SELECT w.id, w.zone_id, w.snapshot_id, w.unit_id, o.name AS unit_name, o.parent_id, w.tier, w.doc_no, w.reason, \
             w.period_label, w.letter, w.issued_at, w.answer_due, w.rectify_by, w.acknowledged_at, \
             ua.display_name AS acknowledged_by_name, w.answer, w.answered_at, ub.display_name AS answered_by_name, \
             w.escalated_at FROM warning_letters w JOIN org_units o ON o.id = w.unit_id \
             LEFT JOIN users ua ON ua.id = w.acknowledged_by LEFT JOIN users ub ON ub.id = w.answered_by ",
            $where
        )
    };
}

impl Store {
    pub async fn letters(&self, zone_id: Uuid, f: &LetterFilter) -> Result<Vec<LetterRow>> {
        let t = now();
        with_pool!(self, |p| {
            sqlx::query_as::<_, LetterRow>(letter_select!(
                "WHERE w.zone_id = $1 AND ($2 IS NULL OR w.unit_id = $2) AND ($3 IS NULL OR w.tier = $3) \
                 AND ($4 IS NULL OR w.snapshot_id = $4) \
                 AND ($5 IS NULL OR ($5 = 'sent' AND w.acknowledged_at IS NULL AND w.answered_at IS NULL) \
                   OR ($5 = 'acknowledged' AND w.acknowledged_at IS NOT NULL AND w.answered_at IS NULL) \
                   OR ($5 = 'answered' AND w.answered_at IS NOT NULL) \
                   OR ($5 = 'overdue' AND w.answered_at IS NULL AND w.answer_due < $6)) \
                 ORDER BY w.issued_at DESC, w.doc_no DESC LIMIT 500"
            ))
            .bind(zone_id)
            .bind(f.unit_id)
            .bind(f.tier.as_deref())
            .bind(f.snapshot_id)
            .bind(f.status.as_deref())
            .bind(t)
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }

    pub async fn letter(&self, zone_id: Uuid, id: Uuid) -> Result<Option<LetterRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, LetterRow>(letter_select!("WHERE w.zone_id = $1 AND w.id = $2"))
                .bind(zone_id)
                .bind(id)
                .fetch_optional(p)
                .await
        })
        .map_err(Into::into)
    }

    /// Unanswered letters past their answer deadline and not yet escalated.
    pub async fn letters_to_escalate(&self, at: OffsetDateTime) -> Result<Vec<LetterRow>> {
        with_pool!(self, |p| {
            sqlx::query_as::<_, LetterRow>(letter_select!(
                "WHERE w.answered_at IS NULL AND w.escalated_at IS NULL AND w.answer_due < $1 ORDER BY w.answer_due LIMIT 200"
            ))
            .bind(ts(at))
            .fetch_all(p)
            .await
        })
        .map_err(Into::into)
    }
}

impl Tx {
    /// The next sequence number of a 文号 prefix and year (numbers are never reused).
    pub async fn next_letter_seq(&mut self, zone_id: Uuid, prefix: &str, year: i32) -> Result<u32> {
        let seq: (i64,) = with_tx!(self, |c| {
            sqlx::query_as(
                "INSERT INTO letter_counters (zone_id, prefix, year, last_seq) VALUES ($1, $2, $3, 1) \
                 ON CONFLICT (zone_id, prefix, year) DO UPDATE SET last_seq = letter_counters.last_seq + 1 \
                 RETURNING last_seq",
            )
            .bind(zone_id)
            .bind(prefix)
            .bind(i64::from(year))
            .fetch_one(&mut *c)
            .await
        })?;
        Ok(u32::try_from(seq.0).unwrap_or(u32::MAX))
    }

    pub async fn insert_letter(&mut self, l: &NewLetter) -> Result<Uuid> {
        let id = new_id();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO warning_letters (id, zone_id, snapshot_id, unit_id, tier, doc_no, reason, period_label, letter, \
                 issued_at, issued_by, answer_due, rectify_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(id)
            .bind(l.zone_id)
            .bind(l.snapshot_id)
            .bind(l.unit_id)
            .bind(&l.tier)
            .bind(&l.doc_no)
            .bind(&l.reason)
            .bind(&l.period_label)
            .bind(&l.letter)
            .bind(ts(l.issued_at))
            .bind(l.issued_by)
            .bind(ts(l.answer_due))
            .bind(l.rectify_by)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    /// Locks a letter for a change (PostgreSQL `FOR UPDATE`; SQLite writers are serialised).
    pub async fn lock_letter(
        &mut self,
        zone_id: Uuid,
        id: Uuid,
    ) -> Result<Option<(Option<OffsetDateTime>, Option<OffsetDateTime>)>> {
        let sql = if self.is_postgres() {
            "SELECT acknowledged_at, answered_at FROM warning_letters WHERE zone_id = $1 AND id = $2 FOR UPDATE"
        } else {
            "SELECT acknowledged_at, answered_at FROM warning_letters WHERE zone_id = $1 AND id = $2"
        };
        with_tx!(self, |c| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(zone_id)
                .bind(id)
                .fetch_optional(&mut *c)
                .await
        })
        .map_err(Into::into)
    }

    pub async fn acknowledge_letter(&mut self, id: Uuid, by: Uuid) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query("UPDATE warning_letters SET acknowledged_at = $1, acknowledged_by = $2 WHERE id = $3")
                .bind(now())
                .bind(by)
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn answer_letter(&mut self, id: Uuid, by: Uuid, answer: &str) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query("UPDATE warning_letters SET answer = $1, answered_at = $2, answered_by = $3 WHERE id = $4")
                .bind(answer)
                .bind(now())
                .bind(by)
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Marks a letter escalated; false if another node already did.
    pub async fn mark_letter_escalated(&mut self, id: Uuid) -> Result<bool> {
        let n = with_tx!(self, |c| {
            sqlx::query(
                "UPDATE warning_letters SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL AND answered_at IS NULL",
            )
            .bind(now())
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_categories() {
        assert_eq!(top_category("QY03"), "QY");
        assert_eq!(top_category("QY"), "QY");
        assert_eq!(top_category("AQ0102"), "AQ");
        assert_eq!(top_category(""), "");
    }

    #[test]
    fn a_closed_case_counts_received_and_closed_and_no_longer_open() {
        let t = time::macros::datetime!(2026-11-24 17:00 UTC); // 25th in Beijing
        let mut k = RollupKey {
            zone_id: Uuid::nil(),
            created_at: t,
            state: "handling".into(),
            closed_at: None,
            category_code: "QY01".into(),
            grid_id: None,
            alert: Some("overdue".into()),
        };
        let mut out: Tallies = Default::default();
        contribution(&k, 1, &mut out);
        assert_eq!(out.0[&("D2026-11-25".into(), "*".into())], (1, 0));
        assert_eq!(out.0[&("M2026-11".into(), "c:QY".into())], (1, 0));
        assert_eq!(out.1["g:-"], (1, 1));
        let before = k.clone();
        k.state = "closed".into();
        k.closed_at = Some(t + time::Duration::days(10));
        k.alert = None;
        let mut d: Tallies = Default::default();
        contribution(&before, -1, &mut d);
        contribution(&k, 1, &mut d);
        assert_eq!(d.0[&("D2026-11-25".into(), "*".into())], (0, 0));
        assert_eq!(d.0[&("D2026-12-05".into(), "*".into())], (0, 1));
        assert_eq!(d.1["*"], (-1, -1));
    }
}
