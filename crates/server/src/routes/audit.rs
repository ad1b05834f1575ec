//! The audit trail, read-only.

use super::{Paged, bj};
use crate::auth::Principal;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use jiban_core::roles::Permission;
use jiban_store::Page;
use jiban_store::audit::{AuditFilter, AuditRow};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct AuditEventOut {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<Uuid>,
    pub detail: serde_json::Value,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl From<AuditRow> for AuditEventOut {
    fn from(r: AuditRow) -> Self {
        AuditEventOut {
            id: r.id,
            at: bj(r.at),
            actor_id: r.actor_id,
            actor_name: r.actor_name,
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            detail: r.detail.0,
            ip: r.ip,
            request_id: r.request_id,
        }
    }
}

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// e.g. `auth.login`, `user.update`, `org.move`
    pub action: Option<String>,
    pub actor_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

/// Audit events of the caller's zone, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "审计",
    params(AuditQuery),
    responses((status = 200, body = Paged<AuditEventOut>), (status = 403, body = ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<Paged<AuditEventOut>>> {
    p.require(Permission::AuditRead)?;
    let page = Page::new(q.page, q.page_size);
    let f = AuditFilter {
        action: q.action.filter(|s| !s.is_empty()),
        actor_id: q.actor_id,
        target_id: q.target_id,
    };
    let (rows, total) = state.store.list_audit(p.zone_id(), &f, page).await?;
    Ok(Json(Paged {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        page: page.page,
        page_size: page.page_size,
        total_capped: None,
    }))
}
