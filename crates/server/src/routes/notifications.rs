//! The in-app inbox: messages to the account and to its unit (派单, 催办, 重办, 答复 …).

use super::{Paged, bj};
use crate::auth::Principal;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiban_store::Page;
use jiban_store::cases::NotificationRow;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct NotificationOut {
    pub id: Uuid,
    /// e.g. case.dispatched, case.reminder, case.rework, case.answered
    pub kind: String,
    pub title: String,
    pub body: String,
    pub case_id: Option<Uuid>,
    /// Addressed to the whole unit (else to the account).
    pub to_unit: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
}

impl From<NotificationRow> for NotificationOut {
    fn from(n: NotificationRow) -> Self {
        NotificationOut {
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            case_id: n.case_id,
            to_unit: n.unit_id.is_some(),
            created_at: bj(n.created_at),
            read_at: n.read_at.map(bj),
        }
    }
}

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Only unread messages.
    pub unread: Option<bool>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

/// The caller's inbox, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "通知",
    params(InboxQuery), responses((status = 200, body = Paged<NotificationOut>), (status = 401, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<InboxQuery>,
) -> ApiResult<Json<Paged<NotificationOut>>> {
    let page = Page::new(q.page, q.page_size);
    let (rows, total) = state
        .store
        .notifications(
            p.user.id,
            p.user.org_unit_id,
            q.unread.unwrap_or(false),
            page,
        )
        .await?;
    Ok(Json(Paged {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        page: page.page,
        page_size: page.page_size,
        total_capped: None,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    pub count: i64,
}

/// How many unread messages the caller has (for the bell in the top bar).
#[utoipa::path(get, path = "/api/v1/notifications/unread-count", tag = "通知",
    responses((status = 200, body = UnreadCount), (status = 401, body = ErrorBody)))]
pub async fn unread_count(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<UnreadCount>> {
    let (_, total) = state
        .store
        .notifications(
            p.user.id,
            p.user.org_unit_id,
            true,
            Page::new(Some(1), Some(1)),
        )
        .await?;
    Ok(Json(UnreadCount { count: total }))
}

/// Marks a message read (for its unit, when it was addressed to the unit).
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "通知",
    params(("id" = Uuid, Path, description = "通知 id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    if state
        .store
        .mark_notification_read(p.user.id, p.user.org_unit_id, id)
        .await?
    {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(AppError::not_found("通知"))
    }
}
