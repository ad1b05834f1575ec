//! Supervision: what the deadline sweep looks at and the marks that make it act once, supervision
//! orders (督办), and the outbox of messages to the outside world (SMS, webhooks, a superior
//! platform), delivered by a worker with retries — never inside a request.

use crate::{Json, Result, Store, Tx, now, ts, with_pool, with_tx};
use serde::Serialize;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

/// An active assignment near or past one of its deadlines.
#[derive(Debug, Clone, FromRow)]
pub struct SweepCandidate {
    pub assignment_id: Uuid,
    pub case_id: Uuid,
    pub zone_id: Uuid,
    pub unit_id: Uuid,
    pub unit_parent_id: Option<Uuid>,
    pub role: String,
    pub state: String,
    pub sign_by: OffsetDateTime,
    pub due_at: OffsetDateTime,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct SupervisionOrderRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub case_id: Uuid,
    pub unit_id: Uuid,
    pub unit_name: Option<String>,
    pub level: String,
    pub note: String,
    pub deadline: OffsetDateTime,
    pub issued_by: Uuid,
    pub issued_by_name: Option<String>,
    pub issued_at: OffsetDateTime,
    pub acknowledged_by: Option<Uuid>,
    pub acknowledged_at: Option<OffsetDateTime>,
    pub escalated_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct OutboxRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub channel: String,
    pub target: String,
    pub payload: Json<serde_json::Value>,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: OffsetDateTime,
    pub last_error: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

/// A head (部门负责人) of a unit, with the phone to text.
#[derive(Debug, Clone, FromRow)]
pub struct UnitHead {
    pub id: Uuid,
    pub display_name: String,
    pub phone: Option<String>,
}

const ORDER_COLS: &str = "SELECT o.id, o.zone_id, o.case_id, o.unit_id, u.name AS unit_name, o.level, o.note, \
     o.deadline, o.issued_by, i.display_name AS issued_by_name, o.issued_at, o.acknowledged_by, o.acknowledged_at, \
     o.escalated_at FROM supervision_orders o JOIN org_units u ON u.id = o.unit_id JOIN users i ON i.id = o.issued_by ";

impl Store {
    /// Active assignments of running cases whose sign-in limit passed before `sign_cutoff` or whose
    /// handling deadline falls before `due_cutoff`, with the marks the sweep already left on them.
    pub async fn sweep_candidates(
        &self,
        sign_cutoff: OffsetDateTime,
        due_cutoff: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<(SweepCandidate, Vec<String>)>> {
        let rows: Vec<SweepCandidate> = with_pool!(self, |p| {
            sqlx::query_as::<_, SweepCandidate>(
                "SELECT a.id AS assignment_id, a.case_id, a.zone_id, a.unit_id, u.parent_id AS unit_parent_id, a.role, \
                 a.state, a.sign_by, a.due_at FROM case_assignments a JOIN cases c ON c.id = a.case_id \
                 JOIN org_units u ON u.id = a.unit_id \
                 WHERE a.state IN ('pending','signed') AND c.state IN ('dispatched','handling') \
                 AND ((a.state = 'pending' AND a.sign_by <= $1) OR a.due_at <= $2) ORDER BY a.due_at LIMIT $3",
            )
            .bind(ts(sign_cutoff))
            .bind(ts(due_cutoff))
            .bind(limit)
            .fetch_all(p)
            .await
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let marks: Vec<String> = with_pool!(self, |p| {
                sqlx::query_scalar("SELECT kind FROM sweep_marks WHERE assignment_id = $1")
                    .bind(r.assignment_id)
                    .fetch_all(p)
                    .await
            })?;
            out.push((r, marks));
        }
        Ok(out)
    }

    /// The active heads of a unit.
    pub async fn unit_heads(&self, unit_id: Uuid) -> Result<Vec<UnitHead>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, UnitHead>(
                "SELECT id, display_name, phone FROM users WHERE org_unit_id = $1 AND role = 'dept_head' AND active = TRUE",
            )
            .bind(unit_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Accounts of a zone with one of these roles (e.g. leaders, supervisors).
    pub async fn users_with_role(&self, zone_id: Uuid, role: &str) -> Result<Vec<UnitHead>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, UnitHead>(
                "SELECT id, display_name, phone FROM users WHERE zone_id = $1 AND role = $2 AND active = TRUE",
            )
            .bind(zone_id)
            .bind(role)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn supervision_orders(&self, case_id: Uuid) -> Result<Vec<SupervisionOrderRow>> {
        let sql = format!("{ORDER_COLS} WHERE o.case_id = $1 ORDER BY o.id");
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, SupervisionOrderRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(case_id)
                .fetch_all(p)
                .await
        })?)
    }

    /// Orders past their deadline that are not acknowledged and not yet escalated.
    pub async fn overdue_supervision_orders(
        &self,
        at: OffsetDateTime,
    ) -> Result<Vec<SupervisionOrderRow>> {
        let sql = format!(
            "{ORDER_COLS} WHERE o.acknowledged_at IS NULL AND o.escalated_at IS NULL AND o.deadline < $1 ORDER BY o.deadline"
        );
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, SupervisionOrderRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(ts(at))
                .fetch_all(p)
                .await
        })?)
    }

    /// Parked cases whose review date has come: (zone, case id, case number, title, review date).
    pub async fn parked_due_for_review(
        &self,
        today: time::Date,
    ) -> Result<Vec<(Uuid, Uuid, String, String, time::Date)>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT zone_id, id, case_no, title, review_on FROM cases \
                 WHERE state = 'parked' AND review_on IS NOT NULL AND review_on <= $1 ORDER BY review_on",
            )
            .bind(today)
            .fetch_all(p)
            .await
        })?)
    }

    /// Outbox rows due for a delivery attempt.
    pub async fn due_outbox(&self, at: OffsetDateTime, limit: i64) -> Result<Vec<OutboxRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, OutboxRow>(
                "SELECT id, zone_id, channel, target, payload, state, attempts, next_attempt_at, last_error, created_at, \
                 sent_at FROM outbox WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2",
            )
            .bind(ts(at))
            .bind(limit)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn outbox_row(&self, id: Uuid) -> Result<Option<OutboxRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, OutboxRow>(
                "SELECT id, zone_id, channel, target, payload, state, attempts, next_attempt_at, last_error, created_at, \
                 sent_at FROM outbox WHERE id = $1",
            )
            .bind(id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// Records the outcome of one delivery attempt. `retry_at` = None means give up (failed).
    pub async fn outbox_attempted(
        &self,
        id: Uuid,
        sent: bool,
        error: Option<&str>,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<()> {
        let t = now();
        let state = if sent {
            "sent"
        } else if retry_at.is_some() {
            "pending"
        } else {
            "failed"
        };
        with_pool!(self, |p| {
            sqlx::query(
                "UPDATE outbox SET state = $1, attempts = attempts + 1, last_error = $2, \
                 next_attempt_at = COALESCE($3, next_attempt_at), sent_at = $4 WHERE id = $5",
            )
            .bind(state)
            .bind(error)
            .bind(retry_at.map(ts))
            .bind(if sent { Some(t) } else { None })
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}

impl Tx {
    /// Leaves a mark; false if the sweep (on this or another node) already left it.
    pub async fn add_sweep_mark(&mut self, assignment_id: Uuid, kind: &str) -> Result<bool> {
        let n = with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO sweep_marks (assignment_id, kind, at) VALUES ($1, $2, $3) \
                 ON CONFLICT (assignment_id, kind) DO NOTHING",
            )
            .bind(assignment_id)
            .bind(kind)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    pub async fn set_case_alert(&mut self, case_id: Uuid, alert: Option<&str>) -> Result<()> {
        let before = self.rollup_key(case_id).await?;
        with_tx!(self, |c| {
            sqlx::query("UPDATE cases SET alert = $1 WHERE id = $2")
                .bind(alert)
                .bind(case_id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        self.rollup_after(before, case_id).await?;
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_supervision_order(
        &mut self,
        zone_id: Uuid,
        case_id: Uuid,
        unit_id: Uuid,
        level: &str,
        note: &str,
        deadline: OffsetDateTime,
        issued_by: Uuid,
    ) -> Result<Uuid> {
        let id = crate::new_id();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO supervision_orders (id, zone_id, case_id, unit_id, level, note, deadline, issued_by, issued_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(zone_id)
            .bind(case_id)
            .bind(unit_id)
            .bind(level)
            .bind(note)
            .bind(ts(deadline))
            .bind(issued_by)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    /// Acknowledges an order of this case; false if there is no such unacknowledged order.
    pub async fn acknowledge_supervision_order(
        &mut self,
        case_id: Uuid,
        id: Uuid,
        by: Uuid,
    ) -> Result<bool> {
        let n = with_tx!(self, |c| {
            sqlx::query(
                "UPDATE supervision_orders SET acknowledged_by = $1, acknowledged_at = $2 \
                 WHERE id = $3 AND case_id = $4 AND acknowledged_at IS NULL",
            )
            .bind(by)
            .bind(now())
            .bind(id)
            .bind(case_id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Marks an overdue order escalated; false if another node did it first.
    pub async fn escalate_supervision_order(&mut self, id: Uuid) -> Result<bool> {
        let n = with_tx!(self, |c| {
            sqlx::query("UPDATE supervision_orders SET escalated_at = $1 WHERE id = $2 AND escalated_at IS NULL")
                .bind(now())
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Tells each person in their inbox and, when they have a phone, by SMS through the outbox.
    /// Returns their names (for the event that records who was told).
    pub async fn alert_people(
        &mut self,
        zone_id: Uuid,
        people: Vec<UnitHead>,
        case_id: Uuid,
        kind: &str,
        text: &str,
    ) -> Result<Vec<String>> {
        let mut names = Vec::with_capacity(people.len());
        for person in people {
            self.notify(
                zone_id,
                Some(person.id),
                None,
                Some(case_id),
                kind,
                text,
                "",
            )
            .await?;
            if let Some(phone) = &person.phone {
                self.enqueue_outbox(zone_id, "sms", phone, serde_json::json!({ "text": text }))
                    .await?;
            }
            names.push(person.display_name);
        }
        Ok(names)
    }

    /// Queues a message for the outbox worker.
    pub async fn enqueue_outbox(
        &mut self,
        zone_id: Uuid,
        channel: &str,
        target: &str,
        payload: serde_json::Value,
    ) -> Result<Uuid> {
        let id = crate::new_id();
        let t = now();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO outbox (id, zone_id, channel, target, payload, state, attempts, next_attempt_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)",
            )
            .bind(id)
            .bind(zone_id)
            .bind(channel)
            .bind(target)
            .bind(Json(&payload))
            .bind(t)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }
}
