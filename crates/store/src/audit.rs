//! The audit trail: every state change and every login writes one event, in the same transaction
//! as the change itself.

use crate::{Json, Page, Result, Store, Tx, now, with_pool, with_tx};
use serde::Serialize;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct AuditRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    pub detail: Json<serde_json::Value>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    #[serde(skip)]
    #[sqlx(default)]
    pub total_count: i64,
}

/// Who did something, from where.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: Option<Uuid>,
    pub name: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    /// A scheduled job (the weekly ranking, the escalation of overdue letters).
    pub fn system() -> Actor {
        Actor {
            id: None,
            name: Some("系统".into()),
            ip: None,
            request_id: None,
        }
    }
}

/// One event to record.
#[derive(Debug, Clone)]
pub struct NewAudit<'a> {
    pub zone_id: Uuid,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<Uuid>,
    pub detail: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
}

impl Store {
    pub async fn list_audit(
        &self,
        zone_id: Uuid,
        f: &AuditFilter,
        page: Page,
    ) -> Result<(Vec<AuditRow>, i64)> {
        let rows = with_pool!(self, |p| {
            sqlx::query_as::<_, AuditRow>(
                "SELECT id, zone_id, at, actor_id, actor_name, action, target_type, target_id, detail, ip, \
                 request_id, COUNT(*) OVER () AS total_count FROM audit_events \
                 WHERE zone_id = $1 AND ($2 IS NULL OR action = $2) AND ($3 IS NULL OR actor_id = $3) \
                 AND ($4 IS NULL OR target_id = $4) ORDER BY id DESC LIMIT $5 OFFSET $6",
            )
            .bind(zone_id)
            .bind(f.action.as_deref())
            .bind(f.actor_id)
            .bind(f.target_id)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(p)
            .await
        })?;
        let total = rows.first().map(|r| r.total_count).unwrap_or(0);
        Ok((rows, total))
    }
}

impl Tx {
    pub async fn audit(&mut self, actor: &Actor, ev: NewAudit<'_>) -> Result<Uuid> {
        let id = crate::new_id();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO audit_events (id, zone_id, at, actor_id, actor_name, action, target_type, target_id, \
                 detail, ip, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(ev.zone_id)
            .bind(now())
            .bind(actor.id)
            .bind(actor.name.as_deref())
            .bind(ev.action)
            .bind(ev.target_type)
            .bind(ev.target_id)
            .bind(Json(&ev.detail))
            .bind(actor.ip.as_deref())
            .bind(actor.request_id.as_deref())
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
        })?;
        Ok(id)
    }
}
