//! Reference data loaded per zone: the demand taxonomy and the work calendar's exceptions.

use crate::{Result, Store, Tx, with_pool, with_tx};
use serde::Serialize;
use sqlx::FromRow;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct CategoryRow {
    pub code: String,
    pub parent_code: Option<String>,
    pub name: String,
    pub scope: String,
    pub active: bool,
    pub sort_order: i32,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct CalendarDayRow {
    pub day: Date,
    pub kind: String,
    pub name: String,
}

impl Store {
    pub async fn categories(&self, zone_id: Uuid) -> Result<Vec<CategoryRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, CategoryRow>(
                "SELECT code, parent_code, name, scope, active, sort_order FROM categories \
                 WHERE zone_id = $1 ORDER BY sort_order, code",
            )
            .bind(zone_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Holidays and make-up working days between two dates, inclusive.
    pub async fn calendar_days(
        &self,
        zone_id: Uuid,
        from: Date,
        to: Date,
    ) -> Result<Vec<CalendarDayRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, CalendarDayRow>(
                "SELECT day, kind, name FROM calendar_days WHERE zone_id = $1 AND day >= $2 AND day <= $3 ORDER BY day",
            )
            .bind(zone_id)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await
        })?)
    }
}

impl Tx {
    pub async fn insert_category(&mut self, zone_id: Uuid, row: &CategoryRow) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO categories (zone_id, code, parent_code, name, scope, active, sort_order) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(zone_id)
            .bind(&row.code)
            .bind(row.parent_code.as_deref())
            .bind(&row.name)
            .bind(&row.scope)
            .bind(row.active)
            .bind(row.sort_order)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Removes a zone's entry for a day (it becomes an ordinary weekday or weekend); false if none.
    pub async fn delete_calendar_day(&mut self, zone_id: Uuid, day: Date) -> Result<bool> {
        let n = with_tx!(self, |c| {
            sqlx::query("DELETE FROM calendar_days WHERE zone_id = $1 AND day = $2")
                .bind(zone_id)
                .bind(day)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    pub async fn upsert_calendar_day(&mut self, zone_id: Uuid, row: &CalendarDayRow) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO calendar_days (zone_id, day, kind, name) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (zone_id, day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
            )
            .bind(zone_id)
            .bind(row.day)
            .bind(&row.kind)
            .bind(&row.name)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}
