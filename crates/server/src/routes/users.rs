//! Account administration: list, create, edit (role, unit, enable/disable), reset password.
//! Every change of role, unit or status is a permission change and is audited with before/after.

use super::{Paged, bj};
use crate::auth::{Principal, password};
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiban_core::roles::{Permission, Role};
use jiban_core::text::{NewPassword, Phone, Username, required_line};
use jiban_store::Page;
use jiban_store::audit::NewAudit;
use jiban_store::enterprises::Visibility;
use jiban_store::users::{NewUser, UserChanges, UserFilter, UserRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct UserOut {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_name: String,
    pub org_unit_id: Uuid,
    pub org_unit_name: String,
    pub enterprise_id: Option<Uuid>,
    pub enterprise_name: Option<String>,
    /// Masked (138****5678).
    pub phone: Option<String>,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub locked_until: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_login_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<UserRow> for UserOut {
    fn from(u: UserRow) -> Self {
        let role_name = Role::parse(&u.role)
            .map(|r| r.label().to_string())
            .unwrap_or_default();
        let now = jiban_store::now();
        UserOut {
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            role: u.role,
            role_name,
            org_unit_id: u.org_unit_id,
            org_unit_name: u.org_unit_name,
            enterprise_id: u.enterprise_id,
            enterprise_name: u.enterprise_name,
            phone: u.phone.as_deref().map(mask_phone),
            active: u.active,
            locked_until: u.locked_until.filter(|t| *t > now).map(bj),
            last_login_at: u.last_login_at.map(bj),
            created_at: bj(u.created_at),
        }
    }
}

fn mask_phone(s: &str) -> String {
    Phone::parse(s)
        .map(|p| p.masked())
        .unwrap_or_else(|_| "****".into())
}

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct UserQuery {
    /// Part of the username or display name.
    pub q: Option<String>,
    pub role: Option<String>,
    pub org_unit_id: Option<Uuid>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

/// Accounts of the caller's zone.
#[utoipa::path(get, path = "/api/v1/users", tag = "用户管理",
    params(UserQuery),
    responses((status = 200, body = Paged<UserOut>), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<UserQuery>,
) -> ApiResult<Json<Paged<UserOut>>> {
    p.require(Permission::UserRead)?;
    let role = match q.role.as_deref().filter(|s| !s.is_empty()) {
        Some(r) => Some(Role::parse(r)?.as_str().to_string()),
        None => None,
    };
    let page = Page::new(q.page, q.page_size);
    let f = UserFilter {
        q: q.q
            .filter(|s| !s.trim().is_empty())
            .map(|s| s.trim().to_string()),
        role,
        org_unit_id: q.org_unit_id,
    };
    let (rows, total) = state.store.list_users(p.zone_id(), &f, page).await?;
    Ok(Json(Paged {
        items: rows.into_iter().map(Into::into).collect(),
        total,
        page: page.page,
        page_size: page.page_size,
        total_capped: None,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub username: String,
    pub display_name: String,
    pub password: String,
    pub role: String,
    pub org_unit_id: Uuid,
    pub phone: Option<String>,
    /// Required for role `enterprise`, refused for the others.
    pub enterprise_id: Option<Uuid>,
}

/// Checks that the unit and enterprise exist in the zone and fit the role.
async fn check_assignment(
    state: &AppState,
    p: &Principal,
    role: Role,
    unit_id: Uuid,
    enterprise_id: Option<Uuid>,
) -> ApiResult<()> {
    let unit = state
        .store
        .org_unit(unit_id)
        .await?
        .filter(|u| u.zone_id == p.zone_id())
        .ok_or_else(|| AppError::invalid("validation.org_unit", "org_unit_id", "所属单位不存在"))?;
    if !unit.active {
        return Err(AppError::invalid(
            "validation.org_unit_inactive",
            "org_unit_id",
            format!("所属单位“{}”已停用", unit.name),
        ));
    }
    match (role, enterprise_id) {
        (Role::Enterprise, None) => Err(AppError::invalid(
            "validation.required",
            "enterprise_id",
            "企业用户必须关联一家企业",
        )),
        (Role::Enterprise, Some(eid)) => {
            state
                .store
                .enterprise(p.zone_id(), &Visibility::Zone, eid)
                .await?
                .ok_or_else(|| {
                    AppError::invalid("validation.enterprise", "enterprise_id", "关联企业不存在")
                })?;
            Ok(())
        }
        (_, Some(_)) => Err(AppError::invalid(
            "validation.enterprise_not_allowed",
            "enterprise_id",
            "只有企业用户可以关联企业",
        )),
        (_, None) => Ok(()),
    }
}

async fn user_in_zone(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<UserRow> {
    state
        .store
        .user_by_id(id)
        .await?
        .filter(|u| u.zone_id == p.zone_id())
        .ok_or_else(|| AppError::not_found("用户"))
}

/// Creates an account; the new user must change the password at first login.
#[utoipa::path(post, path = "/api/v1/users", tag = "用户管理",
    request_body = NewUserRequest,
    responses((status = 201, body = UserOut), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> ApiResult<(StatusCode, Json<UserOut>)> {
    p.require(Permission::UserWrite)?;
    let username = Username::parse(&req.username)?;
    let display_name = required_line("display_name", "姓名", &req.display_name, 32)?;
    let role = Role::parse(&req.role)?;
    let pw = NewPassword::parse(&req.password)?;
    let phone = match req.phone.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(s) => Some(Phone::parse(s)?),
        None => None,
    };
    check_assignment(&state, &p, role, req.org_unit_id, req.enterprise_id).await?;
    let hash = password::hash(pw.expose_secret().to_string()).await?;
    let mut tx = state.store.begin().await?;
    let id = tx
        .insert_user(NewUser {
            zone_id: p.zone_id(),
            username: username.as_str(),
            display_name: &display_name,
            password_hash: &hash,
            role: role.as_str(),
            org_unit_id: req.org_unit_id,
            enterprise_id: req.enterprise_id,
            phone: phone.as_ref().map(|p| p.as_str()),
            must_change_password: true,
        })
        .await?;
    tx.audit(&p.actor(), NewAudit {
        zone_id: p.zone_id(),
        action: "user.create",
        target_type: "user",
        target_id: Some(id),
        detail: json!({ "username": username.as_str(), "role": role.as_str(), "org_unit_id": req.org_unit_id,
                        "enterprise_id": req.enterprise_id }),
    })
    .await?;
    tx.commit().await?;
    let row = user_in_zone(&state, &p, id).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserRequest {
    pub display_name: Option<String>,
    pub role: Option<String>,
    pub org_unit_id: Option<Uuid>,
    /// Empty string clears the phone.
    pub phone: Option<String>,
    pub enterprise_id: Option<Uuid>,
    pub active: Option<bool>,
}

/// Edits an account. Disabling it, or changing its role or unit, ends its sessions.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "用户管理",
    params(("id" = Uuid, Path, description = "用户 id")),
    request_body = UpdateUserRequest,
    responses((status = 200, body = UserOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_user(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateUserRequest>,
) -> ApiResult<Json<UserOut>> {
    p.require(Permission::UserWrite)?;
    let old = user_in_zone(&state, &p, id).await?;
    let display_name = match &req.display_name {
        Some(n) => required_line("display_name", "姓名", n, 32)?,
        None => old.display_name.clone(),
    };
    let role = match &req.role {
        Some(r) => Role::parse(r)?,
        None => Role::parse(&old.role)?,
    };
    let org_unit_id = req.org_unit_id.unwrap_or(old.org_unit_id);
    let enterprise_id = if role == Role::Enterprise {
        req.enterprise_id.or(old.enterprise_id)
    } else {
        req.enterprise_id
    };
    let phone = match req.phone.as_deref() {
        Some(s) if s.trim().is_empty() => None,
        Some(s) => Some(Phone::parse(s)?.as_str().to_string()),
        None => old.phone.clone(),
    };
    let active = req.active.unwrap_or(old.active);
    if id == p.user.id && (!active || role != Role::Admin) {
        return Err(AppError::invalid(
            "validation.user.self",
            if !active { "active" } else { "role" },
            "不能停用自己的账号或撤销自己的管理员角色",
        ));
    }
    check_assignment(&state, &p, role, org_unit_id, enterprise_id).await?;
    let ch = UserChanges {
        display_name,
        role: role.as_str().to_string(),
        org_unit_id,
        enterprise_id,
        phone,
        active,
    };
    let access_changed = ch.role != old.role
        || ch.org_unit_id != old.org_unit_id
        || ch.enterprise_id != old.enterprise_id
        || ch.active != old.active;
    let mut tx = state.store.begin().await?;
    tx.update_user(id, &ch).await?;
    if access_changed {
        tx.delete_sessions_of(id, None).await?;
    }
    tx.audit(&p.actor(), NewAudit {
        zone_id: p.zone_id(),
        action: if access_changed { "user.permission_change" } else { "user.update" },
        target_type: "user",
        target_id: Some(id),
        detail: json!({
            "username": old.username,
            "before": { "role": old.role, "org_unit_id": old.org_unit_id, "enterprise_id": old.enterprise_id,
                        "active": old.active, "display_name": old.display_name },
            "after": { "role": ch.role, "org_unit_id": ch.org_unit_id, "enterprise_id": ch.enterprise_id,
                       "active": ch.active, "display_name": ch.display_name },
        }),
    })
    .await?;
    tx.commit().await?;
    Ok(Json(user_in_zone(&state, &p, id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    pub new_password: String,
}

/// Sets a temporary password (the user must change it at next login), unlocks the account and
/// ends its sessions.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "用户管理",
    params(("id" = Uuid, Path, description = "用户 id")),
    request_body = ResetPasswordRequest,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ResetPasswordRequest>,
) -> ApiResult<StatusCode> {
    p.require(Permission::UserWrite)?;
    let user = user_in_zone(&state, &p, id).await?;
    let pw = NewPassword::parse(&req.new_password).map_err(|e| e.with_field("new_password"))?;
    let hash = password::hash(pw.expose_secret().to_string()).await?;
    let mut tx = state.store.begin().await?;
    tx.set_password(user.id, &hash, true).await?;
    tx.delete_sessions_of(user.id, None).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "user.reset_password",
            target_type: "user",
            target_id: Some(user.id),
            detail: json!({ "username": user.username }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
