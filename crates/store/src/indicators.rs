//! Operating indicators (运行指标), their reported values (corrections keep the old value), the
//! colour bands of the five-colour map (五色图) with their history and daily counts, early
//! warnings, and the zone's map (GeoJSON).

use crate::{Json, Result, Store, StoreError, Tx, now, ts, with_pool, with_tx};
use serde::Serialize;
use sqlx::FromRow;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// An indicator definition.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct IndicatorRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub code: String,
    pub name: String,
    pub unit: String,
    /// `day` | `week` | `month`
    pub period: String,
    /// `reported` | `computed`
    pub kind: String,
    pub formula: Option<String>,
    pub active: bool,
    pub sort: i64,
    pub updated_at: OffsetDateTime,
}

/// A value to record.
#[derive(Debug, Clone)]
pub struct NewValue {
    pub enterprise_id: Uuid,
    pub indicator_id: Uuid,
    /// The first day of the period.
    pub period: Date,
    pub value: f64,
    /// `import` | `portal` | `api` | `manual` | `demo`
    pub source: String,
    pub recorded_by: Option<Uuid>,
}

/// What recording a batch of values did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Recorded {
    /// New values (no earlier value for the period).
    pub accepted: u64,
    /// Values that replaced a different earlier value (kept, marked superseded).
    pub corrected: u64,
    /// Values equal to the current one (nothing written).
    pub unchanged: u64,
}

/// One stored value (current or superseded).
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct ValueRow {
    pub indicator_id: Uuid,
    pub period: Date,
    pub value: f64,
    pub source: String,
    pub recorded_at: OffsetDateTime,
    pub superseded_at: Option<OffsetDateTime>,
}

/// An enterprise as the band computation sees it.
#[derive(Debug, Clone)]
pub struct BandSubject {
    pub id: Uuid,
    pub band: Option<String>,
    pub band_score: Option<f64>,
    pub street_id: Option<Uuid>,
    pub service_staff_id: Option<Uuid>,
    /// Open cases past their deadline.
    pub overdue: i64,
    /// The latest period the enterprise reported anything for.
    pub last_period: Option<Date>,
    /// The current value of each requested (indicator, period), in the order asked.
    pub values: Vec<Option<f64>>,
}

/// A change of band to write.
#[derive(Debug, Clone)]
pub struct BandChange {
    pub enterprise_id: Uuid,
    pub band: Option<String>,
    pub prev_band: Option<String>,
    pub score: Option<f64>,
    /// The band itself changed (a history row is written), not only the score.
    pub band_changed: bool,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct BandHistoryRow {
    pub at: OffsetDateTime,
    pub band: Option<String>,
    pub prev_band: Option<String>,
    pub score: Option<f64>,
    pub detail: Json<serde_json::Value>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct BandCountRow {
    pub street_id: Option<Uuid>,
    pub street_name: Option<String>,
    pub band: Option<String>,
    pub count: i64,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct BandDailyRow {
    pub day: Date,
    pub band: String,
    pub count: i64,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct BandPointRow {
    pub id: Uuid,
    pub name: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub band: Option<String>,
    pub street_name: Option<String>,
}

/// An early warning.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct WarningRow {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    pub kind: String,
    pub from_band: Option<String>,
    pub to_band: Option<String>,
    pub message: String,
    pub case_id: Option<Uuid>,
    pub case_no: Option<String>,
    pub case_state: Option<String>,
    pub street_name: Option<String>,
    pub created_at: OffsetDateTime,
}

#[derive(Debug, Clone)]
pub struct NewWarning {
    pub zone_id: Uuid,
    pub enterprise_id: Uuid,
    pub kind: String,
    pub from_band: Option<String>,
    pub to_band: Option<String>,
    pub message: String,
    pub at: OffsetDateTime,
}

/// States in which a case is no longer open.
pub(crate) const CLOSED_STATES: &str = "('closed', 'rejected', 'withdrawn', 'merged')";

impl Store {
    pub async fn indicators(&self, zone_id: Uuid) -> Result<Vec<IndicatorRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, IndicatorRow>(
                "SELECT id, zone_id, code, name, unit, period, kind, formula, active, sort, updated_at \
                 FROM indicators WHERE zone_id = $1 ORDER BY sort, code",
            )
            .bind(zone_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Every value of one enterprise, current and superseded, newest period first.
    pub async fn enterprise_values(
        &self,
        enterprise_id: Uuid,
        since: Date,
    ) -> Result<Vec<ValueRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, ValueRow>(
                "SELECT indicator_id, period, value, source, recorded_at, superseded_at FROM indicator_values \
                 WHERE enterprise_id = $1 AND period >= $2 ORDER BY period DESC, recorded_at DESC",
            )
            .bind(enterprise_id)
            .bind(since)
            .fetch_all(p)
            .await
        })?)
    }

    /// The latest period of an indicator that has any current value in the zone.
    pub async fn latest_period(&self, zone_id: Uuid, indicator_id: Uuid) -> Result<Option<Date>> {
        let row: Option<(Option<Date>,)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT MAX(period) FROM indicator_values WHERE zone_id = $1 AND indicator_id = $2 \
                 AND superseded_at IS NULL",
            )
            .bind(zone_id)
            .bind(indicator_id)
            .fetch_optional(p)
            .await
        })?;
        Ok(row.and_then(|r| r.0))
    }

    /// Every enterprise of the zone with what its band depends on besides indicator values.
    pub async fn band_subjects(
        &self,
        zone_id: Uuid,
        at: OffsetDateTime,
        pairs: &[(Uuid, Date)],
    ) -> Result<Vec<BandSubject>> {
        use sqlx::Row;
        // one row per enterprise with the values it needs, each joined along the unique index
        // (enterprise, indicator, period) of current values: far fewer rows to decode than
        // reading every value of every period
        let mut cols = String::new();
        let mut joins = String::new();
        for (k, _) in pairs.iter().enumerate() {
            let (a, b) = (3 + 2 * k, 4 + 2 * k);
            cols.push_str(&format!(", v{k}.value AS v{k}"));
            joins.push_str(&format!(
                " LEFT JOIN indicator_values v{k} ON v{k}.enterprise_id = e.id AND v{k}.indicator_id = ${a} \
                 AND v{k}.period = ${b} AND v{k}.superseded_at IS NULL"
            ));
        }
        let sql = format!(
            "SELECT e.id, e.band, e.band_score, g.street_id, e.service_staff_id, \
             COALESCE(o.n, 0) AS overdue, e.last_reported AS last_period{cols} FROM enterprises e \
             LEFT JOIN org_units g ON g.id = e.grid_id \
             LEFT JOIN (SELECT enterprise_id, COUNT(*) AS n FROM cases WHERE zone_id = $1 \
                AND enterprise_id IS NOT NULL AND state NOT IN {CLOSED_STATES} AND paused_at IS NULL \
                AND due_at < $2 GROUP BY enterprise_id) o ON o.enterprise_id = e.id{joins} \
             WHERE e.zone_id = $1 ORDER BY e.id"
        );
        macro_rules! subject {
            ($r:expr) => {{
                let r = $r;
                let mut values = Vec::with_capacity(pairs.len());
                for k in 0..pairs.len() {
                    values.push(r.try_get::<Option<f64>, _>(7 + k)?);
                }
                BandSubject {
                    id: r.try_get(0)?,
                    band: r.try_get(1)?,
                    band_score: r.try_get(2)?,
                    street_id: r.try_get(3)?,
                    service_staff_id: r.try_get(4)?,
                    overdue: r.try_get(5)?,
                    last_period: r.try_get(6)?,
                    values,
                }
            }};
        }
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(ts(at));
            for (indicator, period) in pairs {
                q = q.bind(*indicator).bind(*period);
            }
            match q.fetch_all(p).await {
                Ok(rows) => (|| -> std::result::Result<Vec<BandSubject>, sqlx::Error> {
                    let mut out = Vec::with_capacity(rows.len());
                    for r in &rows {
                        out.push(subject!(r));
                    }
                    Ok(out)
                })(),
                Err(e) => Err(e),
            }
        })?)
    }

    /// Enterprises per street and band (`band` None = 未评).
    pub async fn band_counts(&self, zone_id: Uuid) -> Result<Vec<BandCountRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, BandCountRow>(
                "SELECT g.street_id, s.name AS street_name, e.band, COUNT(*) AS count FROM enterprises e \
                 LEFT JOIN org_units g ON g.id = e.grid_id LEFT JOIN org_units s ON s.id = g.street_id \
                 WHERE e.zone_id = $1 GROUP BY g.street_id, s.name, s.code, e.band ORDER BY s.code, e.band",
            )
            .bind(zone_id)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn band_daily(&self, zone_id: Uuid, since: Date) -> Result<Vec<BandDailyRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, BandDailyRow>(
                "SELECT day, band, count FROM band_daily WHERE zone_id = $1 AND day >= $2 ORDER BY day, band",
            )
            .bind(zone_id)
            .bind(since)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn band_points(
        &self,
        zone_id: Uuid,
        band: Option<&str>,
        street_id: Option<Uuid>,
    ) -> Result<Vec<BandPointRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, BandPointRow>(
                "SELECT e.id, e.name, e.lon, e.lat, e.band, s.name AS street_name FROM enterprises e \
                 LEFT JOIN org_units g ON g.id = e.grid_id LEFT JOIN org_units s ON s.id = g.street_id \
                 WHERE e.zone_id = $1 AND e.lon IS NOT NULL AND e.lat IS NOT NULL \
                 AND ($2 IS NULL OR e.band = $2 OR ($2 = 'none' AND e.band IS NULL)) \
                 AND ($3 IS NULL OR g.street_id = $3) ORDER BY e.id",
            )
            .bind(zone_id)
            .bind(band)
            .bind(street_id)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn band_history(&self, enterprise_id: Uuid) -> Result<Vec<BandHistoryRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, BandHistoryRow>(
                "SELECT at, band, prev_band, score, detail FROM band_history WHERE enterprise_id = $1 \
                 ORDER BY at DESC, id DESC LIMIT 200",
            )
            .bind(enterprise_id)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn band_rules_json(&self, zone_id: Uuid) -> Result<Option<serde_json::Value>> {
        let row: Option<(Json<serde_json::Value>,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT rules FROM band_rules WHERE zone_id = $1")
                .bind(zone_id)
                .fetch_optional(p)
                .await
        })?;
        Ok(row.map(|r| r.0.0))
    }

    /// Warnings of the zone (or of one enterprise), newest first; `open` keeps those whose visit
    /// case is still open.
    pub async fn warnings(
        &self,
        zone_id: Uuid,
        enterprise_id: Option<Uuid>,
        open: bool,
        kind: Option<&str>,
        limit: i64,
    ) -> Result<Vec<WarningRow>> {
        let sql = format!(
            "SELECT w.id, w.enterprise_id, e.name AS enterprise_name, w.kind, w.from_band, w.to_band, w.message, \
             w.case_id, c.case_no, c.state AS case_state, s.name AS street_name, w.created_at FROM warnings w \
             JOIN enterprises e ON e.id = w.enterprise_id LEFT JOIN cases c ON c.id = w.case_id \
             LEFT JOIN org_units g ON g.id = e.grid_id LEFT JOIN org_units s ON s.id = g.street_id \
             WHERE w.zone_id = $1 AND ($2 IS NULL OR w.enterprise_id = $2) \
             AND ($3 = 0 OR c.state IS NULL OR c.state NOT IN {CLOSED_STATES}) AND ($4 IS NULL OR w.kind = $4) \
             ORDER BY w.created_at DESC, w.id DESC LIMIT $5"
        );
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, WarningRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(enterprise_id)
                .bind(open as i64)
                .bind(kind)
                .bind(limit)
                .fetch_all(p)
                .await
        })?)
    }

    /// Enterprises with a warning of this kind whose visit case is still open (no second one).
    pub async fn open_warning_enterprises(&self, zone_id: Uuid, kind: &str) -> Result<Vec<Uuid>> {
        let sql = format!(
            "SELECT DISTINCT w.enterprise_id FROM warnings w LEFT JOIN cases c ON c.id = w.case_id \
             WHERE w.zone_id = $1 AND w.kind = $2 AND (c.state IS NULL OR c.state NOT IN {CLOSED_STATES})"
        );
        let rows: Vec<(Uuid,)> = with_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(kind)
                .fetch_all(p)
                .await
        })?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    pub async fn zone_geo(&self, zone_id: Uuid) -> Result<Option<String>> {
        let row: Option<(String,)> = with_pool!(self, |p| {
            sqlx::query_as("SELECT geojson FROM zone_geo WHERE zone_id = $1")
                .bind(zone_id)
                .fetch_optional(p)
                .await
        })?;
        Ok(row.map(|r| r.0))
    }
}

impl Tx {
    /// Inserts or updates a definition (by id).
    pub async fn save_indicator(&mut self, i: &IndicatorRow) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO indicators (id, zone_id, code, name, unit, period, kind, formula, active, sort, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name, unit = excluded.unit, \
                 period = excluded.period, kind = excluded.kind, formula = excluded.formula, active = excluded.active, \
                 sort = excluded.sort, updated_at = excluded.updated_at",
            )
            .bind(i.id)
            .bind(i.zone_id)
            .bind(&i.code)
            .bind(&i.name)
            .bind(&i.unit)
            .bind(&i.period)
            .bind(&i.kind)
            .bind(&i.formula)
            .bind(i.active)
            .bind(i.sort)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records values. A value for a period that already has a different one supersedes it (the
    /// old row is kept with `superseded_at`); an equal value writes nothing.
    pub async fn record_values(&mut self, zone_id: Uuid, values: &[NewValue]) -> Result<Recorded> {
        let t = now();
        let mut out = Recorded::default();
        let mut fresh: Vec<&NewValue> = Vec::new();
        for v in values {
            // one round trip for the common case: nothing recorded yet for the period
            let current: Option<(f64,)> = with_tx!(self, |c| {
                sqlx::query_as(
                    "SELECT value FROM indicator_values WHERE enterprise_id = $1 AND indicator_id = $2 \
                     AND period = $3 AND superseded_at IS NULL",
                )
                .bind(v.enterprise_id)
                .bind(v.indicator_id)
                .bind(v.period)
                .fetch_optional(&mut *c)
                .await
            })?;
            match current {
                Some((old,)) if old == v.value => out.unchanged += 1,
                Some(_) => {
                    with_tx!(self, |c| {
                        sqlx::query(
                            "UPDATE indicator_values SET superseded_at = $1 WHERE enterprise_id = $2 \
                             AND indicator_id = $3 AND period = $4 AND superseded_at IS NULL",
                        )
                        .bind(t)
                        .bind(v.enterprise_id)
                        .bind(v.indicator_id)
                        .bind(v.period)
                        .execute(&mut *c)
                        .await
                        .map(|r| r.rows_affected())
                    })?;
                    out.corrected += 1;
                    fresh.push(v);
                }
                None => {
                    out.accepted += 1;
                    fresh.push(v);
                }
            }
        }
        let fresh: Vec<NewValue> = fresh.into_iter().cloned().collect();
        self.insert_values(zone_id, &fresh).await?;
        Ok(out)
    }

    /// Inserts values known to be new (no current value for their period): bulk loads.
    pub async fn insert_values(&mut self, zone_id: Uuid, values: &[NewValue]) -> Result<()> {
        let t = now();
        for chunk in values.chunks(200) {
            with_tx!(self, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO indicator_values (id, zone_id, enterprise_id, indicator_id, period, value, source, \
                     recorded_at, recorded_by) ",
                );
                qb.push_values(chunk, |mut b, v| {
                    b.push_bind(crate::new_id())
                        .push_bind(zone_id)
                        .push_bind(v.enterprise_id)
                        .push_bind(v.indicator_id)
                        .push_bind(v.period)
                        .push_bind(v.value)
                        .push_bind(v.source.clone())
                        .push_bind(t)
                        .push_bind(v.recorded_by);
                });
                qb.build().execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        // the latest period each enterprise reported for, kept on the enterprise so the band
        // recompute need not scan every value for silence
        let mut latest: std::collections::HashMap<Uuid, Date> = Default::default();
        for v in values {
            let e = latest.entry(v.enterprise_id).or_insert(v.period);
            if v.period > *e {
                *e = v.period;
            }
        }
        for (id, period) in latest {
            with_tx!(self, |c| sqlx::query(
                "UPDATE enterprises SET last_reported = $1 WHERE id = $2 \
                 AND (last_reported IS NULL OR last_reported < $1)"
            )
            .bind(period)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    /// Writes new bands and scores, and a history row for every change of band.
    pub async fn write_bands(
        &mut self,
        zone_id: Uuid,
        at: OffsetDateTime,
        changes: &[BandChange],
    ) -> Result<()> {
        let at = ts(at);
        // several hundred rows per statement: a recompute after a large import changes every
        // enterprise, and one UPDATE per row was most of its time
        for chunk in changes.chunks(250) {
            with_tx!(self, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "UPDATE enterprises SET band = v.column2, band_score = v.column3, \
                     band_since = COALESCE(v.column4, enterprises.band_since) FROM (",
                );
                qb.push_values(chunk, |mut b, ch| {
                    b.push_bind(ch.enterprise_id)
                        .push_bind(ch.band.clone())
                        .push_bind(ch.score)
                        .push_bind(if ch.band_changed { Some(at) } else { None });
                });
                qb.push(") AS v WHERE enterprises.id = v.column1");
                qb.build().execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        let history: Vec<&BandChange> = changes.iter().filter(|c| c.band_changed).collect();
        for chunk in history.chunks(200) {
            with_tx!(self, |c| {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO band_history (id, zone_id, enterprise_id, at, band, prev_band, score, detail) ",
                );
                qb.push_values(chunk, |mut b, ch| {
                    b.push_bind(crate::new_id())
                        .push_bind(zone_id)
                        .push_bind(ch.enterprise_id)
                        .push_bind(at)
                        .push_bind(ch.band.clone())
                        .push_bind(ch.prev_band.clone())
                        .push_bind(ch.score)
                        .push_bind(Json(ch.detail.clone()));
                });
                qb.build().execute(&mut *c).await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    /// Sets the day's count of enterprises per band (the trend).
    pub async fn set_band_daily(
        &mut self,
        zone_id: Uuid,
        day: Date,
        counts: &[(String, i64)],
    ) -> Result<()> {
        with_tx!(self, |c| sqlx::query(
            "DELETE FROM band_daily WHERE zone_id = $1 AND day = $2"
        )
        .bind(zone_id)
        .bind(day)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        for (band, n) in counts {
            with_tx!(self, |c| sqlx::query(
                "INSERT INTO band_daily (zone_id, day, band, count) VALUES ($1, $2, $3, $4)"
            )
            .bind(zone_id)
            .bind(day)
            .bind(band)
            .bind(*n)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        Ok(())
    }

    pub async fn set_band_rules(&mut self, zone_id: Uuid, rules: &serde_json::Value) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO band_rules (zone_id, rules, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (zone_id) DO UPDATE SET rules = excluded.rules, updated_at = excluded.updated_at"
        )
        .bind(zone_id)
        .bind(Json(rules.clone()))
        .bind(now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn insert_warning(&mut self, w: &NewWarning) -> Result<Uuid> {
        let id = crate::new_id();
        with_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO warnings (id, zone_id, enterprise_id, kind, from_band, to_band, message, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(id)
        .bind(w.zone_id)
        .bind(w.enterprise_id)
        .bind(&w.kind)
        .bind(&w.from_band)
        .bind(&w.to_band)
        .bind(&w.message)
        .bind(ts(w.at))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    pub async fn set_warning_case(&mut self, warning_id: Uuid, case_id: Uuid) -> Result<()> {
        let n = with_tx!(self, |c| sqlx::query(
            "UPDATE warnings SET case_id = $1 WHERE id = $2"
        )
        .bind(case_id)
        .bind(warning_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub async fn set_zone_geo(&mut self, zone_id: Uuid, geojson: &str) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO zone_geo (zone_id, geojson, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (zone_id) DO UPDATE SET geojson = excluded.geojson, updated_at = excluded.updated_at"
        )
        .bind(zone_id)
        .bind(geojson)
        .bind(now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}
