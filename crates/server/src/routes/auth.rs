//! Login, logout, the current account, password change and personal API tokens.

use crate::auth::{Principal, SESSION_COOKIE, password, secret};
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, RequestMeta};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use jiban_core::roles::{Permission, Role};
use jiban_core::text::{NewPassword, required_line};
use jiban_store::audit::{Actor, NewAudit};
use jiban_store::users::UserRow;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct UnitRef {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct ZoneRef {
    pub id: Uuid,
    pub name: String,
}

/// The signed-in account, its role, unit, zone and permissions.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub role_name: String,
    pub org_unit: UnitRef,
    pub zone: ZoneRef,
    pub enterprise_id: Option<Uuid>,
    pub permissions: Vec<String>,
    pub must_change_password: bool,
}

async fn me_of(state: &AppState, u: &UserRow) -> ApiResult<Me> {
    let role = Role::parse(&u.role)?;
    let zone = state
        .store
        .org_unit(u.zone_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("zone {} missing", u.zone_id)))?;
    Ok(Me {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: role.as_str().into(),
        role_name: role.label().into(),
        org_unit: UnitRef {
            id: u.org_unit_id,
            name: u.org_unit_name.clone(),
            kind: u.org_unit_kind.clone(),
        },
        zone: ZoneRef {
            id: zone.id,
            name: zone.name,
        },
        enterprise_id: u.enterprise_id,
        permissions: role
            .permissions()
            .iter()
            .map(|p| p.as_str().to_string())
            .collect(),
        must_change_password: u.must_change_password,
    })
}

fn cookie_header(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.cfg.auth.cookie_secure {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .expect("cookie is ASCII")
}

fn bad_credentials() -> AppError {
    AppError::Unauthenticated {
        code: "auth.invalid_credentials",
        message: "用户名或密码错误".into(),
    }
}

/// Signs in with a password and starts a browser session.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "账号与登录",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "已登录，响应头设置会话 Cookie", body = Me),
        (status = 401, description = "用户名或密码错误", body = ErrorBody),
        (status = 422, description = "字段缺失或不合法", body = ErrorBody),
        (status = 423, description = "账号临时锁定", body = ErrorBody),
        (status = 429, description = "来源地址尝试过多", body = ErrorBody)))]
pub async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<impl IntoResponse> {
    let username = required_line("username", "用户名", &req.username, 64)?.to_lowercase();
    if req.password.is_empty() {
        return Err(AppError::invalid(
            "validation.required",
            "password",
            "密码不能为空",
        ));
    }
    if req.password.chars().count() > 128 {
        return Err(bad_credentials());
    }
    let cfg = &state.cfg.auth;
    let ip = meta.ip.clone().unwrap_or_else(|| "unknown".into());
    let now = jiban_store::now();
    let recent = state
        .store
        .login_failures_since(&ip, now - Duration::minutes(15))
        .await?;
    if recent >= cfg.ip_failures_per_15min {
        return Err(AppError::Throttled(
            "登录失败次数过多，请 15 分钟后再试".into(),
        ));
    }

    let user = state.store.user_by_username(&username).await?;
    let hash = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::decoy_hash().to_string());
    let ok = password::verify(req.password.clone(), hash).await;
    let actor = Actor {
        id: user.as_ref().map(|u| u.id),
        // the same shape as Principal::actor, so the audit list reads alike
        name: Some(match &user {
            Some(u) => format!("{}（{}）", u.display_name, u.username),
            None => username.clone(),
        }),
        ip: meta.ip.clone(),
        request_id: meta.request_id.clone(),
    };

    let Some(user) = user.filter(|u| u.active) else {
        let mut tx = state.store.begin().await?;
        tx.insert_login_failure(&ip, &username).await?;
        tx.commit().await?;
        return Err(bad_credentials());
    };
    if let Some(until) = user.locked_until.filter(|t| *t > now) {
        let mut tx = state.store.begin().await?;
        tx.insert_login_failure(&ip, &username).await?;
        tx.audit(
            &actor,
            NewAudit {
                zone_id: user.zone_id,
                action: "auth.login_refused_locked",
                target_type: "user",
                target_id: Some(user.id),
                detail: json!({}),
            },
        )
        .await?;
        tx.commit().await?;
        return Err(AppError::Locked(format!(
            "账号因多次密码错误已临时锁定，请于 {} 后再试或联系管理员",
            beijing_hm(until)
        )));
    }
    if !ok {
        let mut tx = state.store.begin().await?;
        tx.insert_login_failure(&ip, &username).await?;
        let lock_until = now + Duration::minutes(cfg.lock_minutes);
        let n = tx
            .record_login_failure(user.id, cfg.max_failed_logins, lock_until)
            .await?;
        let locked = n >= cfg.max_failed_logins;
        tx.audit(
            &actor,
            NewAudit {
                zone_id: user.zone_id,
                action: if locked {
                    "auth.locked"
                } else {
                    "auth.login_failed"
                },
                target_type: "user",
                target_id: Some(user.id),
                detail: json!({ "failures": n }),
            },
        )
        .await?;
        if locked {
            tx.delete_sessions_of(user.id, None).await?;
        }
        tx.commit().await?;
        if locked {
            return Err(AppError::Locked(format!(
                "密码连续错误 {} 次，账号已锁定至 {}",
                cfg.max_failed_logins,
                beijing_hm(lock_until)
            )));
        }
        return Err(bad_credentials());
    }

    let cookie = secret::random_string(32);
    let idle = Duration::minutes(cfg.session_idle_minutes);
    let mut tx = state.store.begin().await?;
    tx.insert_session(
        &secret::sha256_hex(&cookie),
        user.id,
        user.zone_id,
        now + idle,
        meta.ip.as_deref(),
        meta.user_agent.as_deref(),
    )
    .await?;
    tx.record_login_success(user.id).await?;
    tx.audit(
        &actor,
        NewAudit {
            zone_id: user.zone_id,
            action: "auth.login",
            target_type: "user",
            target_id: Some(user.id),
            detail: json!({ "user_agent": meta.user_agent }),
        },
    )
    .await?;
    tx.commit().await?;

    let me = me_of(&state, &user).await?;
    let mut headers = HeaderMap::new();
    headers.insert(
        SET_COOKIE,
        cookie_header(&state, &cookie, idle.whole_seconds()),
    );
    Ok((headers, Json(me)))
}

fn beijing_hm(t: OffsetDateTime) -> String {
    let b = jiban_core::calendar::to_beijing(t);
    format!("{:02}:{:02}", b.hour(), b.minute())
}

/// Ends the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "账号与登录",
    responses((status = 204, description = "已退出"), (status = 401, body = ErrorBody)))]
pub async fn logout(State(state): State<AppState>, p: Principal) -> ApiResult<impl IntoResponse> {
    let mut tx = state.store.begin().await?;
    if let Some(h) = &p.session_hash {
        tx.delete_session(h).await?;
    }
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "auth.logout",
            target_type: "user",
            target_id: Some(p.user.id),
            detail: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    let mut headers = HeaderMap::new();
    headers.insert(SET_COOKIE, cookie_header(&state, "", 0));
    Ok((StatusCode::NO_CONTENT, headers))
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "账号与登录",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn me(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Me>> {
    Ok(Json(me_of(&state, &p.user).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub old_password: String,
    pub new_password: String,
}

/// Changes one's own password; every other session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "账号与登录",
    request_body = PasswordChange,
    responses((status = 204, description = "已修改"), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    if !password::verify(req.old_password.clone(), p.user.password_hash.clone()).await {
        return Err(AppError::invalid(
            "validation.password.wrong_old",
            "old_password",
            "原密码不正确",
        ));
    }
    let new = NewPassword::parse(&req.new_password).map_err(|e| e.with_field("new_password"))?;
    if req.new_password == req.old_password {
        return Err(AppError::invalid(
            "validation.password.unchanged",
            "new_password",
            "新密码不能与原密码相同",
        ));
    }
    let hash = password::hash(new.expose_secret().to_string()).await?;
    let mut tx = state.store.begin().await?;
    tx.set_password(p.user.id, &hash, false).await?;
    tx.delete_sessions_of(p.user.id, p.session_hash.as_deref())
        .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "auth.password_changed",
            target_type: "user",
            target_id: Some(p.user.id),
            detail: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A personal API token (the secret itself is never returned again after creation).
#[derive(Serialize, ToSchema)]
pub struct ApiTokenOut {
    pub id: Uuid,
    pub name: String,
    pub prefix: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// Only in the response that creates the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

impl From<jiban_store::auth::ApiTokenRow> for ApiTokenOut {
    fn from(r: jiban_store::auth::ApiTokenRow) -> Self {
        ApiTokenOut {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            created_at: crate::routes::bj(r.created_at),
            last_used_at: r.last_used_at.map(crate::routes::bj),
            expires_at: r.expires_at.map(crate::routes::bj),
            token: None,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTokenRequest {
    pub name: String,
    /// 1–3650 days; absent = never expires.
    pub expires_in_days: Option<i64>,
}

/// The caller's live API tokens.
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "账号与登录",
    responses((status = 200, body = Vec<ApiTokenOut>), (status = 403, body = ErrorBody)))]
pub async fn list_tokens(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<Vec<ApiTokenOut>>> {
    p.require(Permission::TokenSelf)?;
    let rows = state.store.tokens_of(p.user.id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Issues an API token for the caller's own account. The secret is shown once.
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "账号与登录",
    request_body = NewTokenRequest,
    responses((status = 201, body = ApiTokenOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<NewTokenRequest>,
) -> ApiResult<(StatusCode, Json<ApiTokenOut>)> {
    p.require(Permission::TokenSelf)?;
    let name = required_line("name", "令牌名称", &req.name, 64)?;
    let expires_at = match req.expires_in_days {
        None => None,
        Some(d) if (1..=3650).contains(&d) => Some(jiban_store::now() + Duration::days(d)),
        Some(_) => {
            return Err(AppError::invalid(
                "validation.range",
                "expires_in_days",
                "有效天数应在 1 到 3650 之间",
            ));
        }
    };
    let (token, prefix) = secret::new_api_token();
    let mut tx = state.store.begin().await?;
    let row = tx
        .insert_token(
            p.zone_id(),
            p.user.id,
            &name,
            &prefix,
            &secret::sha256_hex(&token),
            expires_at,
        )
        .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "token.create",
            target_type: "api_token",
            target_id: Some(row.id),
            detail: json!({ "name": name, "prefix": prefix }),
        },
    )
    .await?;
    tx.commit().await?;
    let mut out = ApiTokenOut::from(row);
    out.token = Some(token);
    Ok((StatusCode::CREATED, Json(out)))
}

/// Revokes one of the caller's tokens.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "账号与登录",
    params(("id" = Uuid, Path, description = "令牌 id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    p.require(Permission::TokenSelf)?;
    let mut tx = state.store.begin().await?;
    if !tx.revoke_token(p.user.id, id).await? {
        return Err(AppError::not_found("令牌"));
    }
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "token.revoke",
            target_type: "api_token",
            target_id: Some(id),
            detail: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
