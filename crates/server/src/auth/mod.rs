//! Who is calling: sessions (browser) and API tokens (machines), passwords, and the [`Principal`]
//! every protected handler takes as an argument. Permission and data-scope checks live here so
//! handlers cannot forget them: a handler that takes a `Principal` is authenticated, and it asks
//! `principal.require(Permission::…)` before acting.

pub mod password;
pub mod secret;

use crate::error::AppError;
use crate::extract::RequestMeta;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use jiban_core::org::UnitKind;
use jiban_core::roles::{DataScope, Permission, Role, data_scope};
use jiban_store::audit::Actor;
use jiban_store::enterprises::Visibility;
use jiban_store::users::UserRow;
use time::Duration;
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "jiban_session";

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Principal {
    pub user: UserRow,
    pub role: Role,
    pub unit_kind: UnitKind,
    pub scope: DataScope,
    /// sha256 of the session cookie, when signed in through a browser session.
    pub session_hash: Option<String>,
    /// The API token's id, when the call carries a bearer token.
    pub token_id: Option<Uuid>,
    pub meta: RequestMeta,
}

impl Principal {
    /// The principal of an account, without a session (console commands, the demo loader).
    pub fn of(user: UserRow) -> Result<Principal, AppError> {
        let role = Role::parse(&user.role).map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
        let unit_kind = UnitKind::parse(&user.org_unit_kind)
            .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
        let scope = data_scope(role, unit_kind, user.org_unit_id, user.enterprise_id);
        Ok(Principal {
            user,
            role,
            unit_kind,
            scope,
            session_hash: None,
            token_id: None,
            meta: RequestMeta::default(),
        })
    }

    pub fn zone_id(&self) -> Uuid {
        self.user.zone_id
    }

    pub fn has(&self, p: Permission) -> bool {
        self.role.has(p)
    }

    /// 403 unless the caller's role grants `p`.
    /// How the account is named in event chains: “王芳（dispatcher）”.
    pub fn label(&self) -> String {
        format!("{}（{}）", self.user.display_name, self.user.username)
    }

    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.has(p) {
            Ok(())
        } else {
            Err(AppError::Forbidden {
                code: "auth.forbidden",
                message: format!("您的角色（{}）没有“{}”权限", self.role.label(), p.label()),
            })
        }
    }

    /// The store filter for the caller's data scope.
    pub fn visibility(&self) -> Visibility {
        match self.scope {
            DataScope::Zone => Visibility::Zone,
            DataScope::Subtree(_) => Visibility::Subtree {
                path_prefix: self.user.org_unit_path.clone(),
            },
            DataScope::Enterprise(id) => Visibility::Enterprise(id),
        }
    }

    /// Whether an org unit with this materialised path lies inside the caller's scope.
    pub fn sees_unit_path(&self, path: &str) -> bool {
        match self.scope {
            DataScope::Zone => true,
            DataScope::Subtree(_) => path.starts_with(&self.user.org_unit_path),
            DataScope::Enterprise(_) => false,
        }
    }

    pub fn actor(&self) -> Actor {
        Actor {
            id: Some(self.user.id),
            name: Some(format!(
                "{}（{}）",
                self.user.display_name, self.user.username
            )),
            ip: self.meta.ip.clone(),
            request_id: self.meta.request_id.clone(),
        }
    }
}

fn unauthenticated(code: &'static str, message: &str) -> AppError {
    AppError::Unauthenticated {
        code,
        message: message.to_string(),
    }
}

/// The value of the session cookie in a request, if any.
pub fn session_cookie(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == SESSION_COOKIE)
        .map(|(_, v)| v.to_string())
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let meta = RequestMeta::from_request_parts(parts, state)
            .await
            .unwrap_or_default();
        let now = jiban_store::now();
        let bearer = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string());

        let (user_id, session_hash, token_id, token_zone) = if let Some(auth) = bearer {
            let token = auth.strip_prefix("Bearer ").ok_or_else(|| {
                unauthenticated(
                    "auth.invalid_token",
                    "Authorization 头格式应为“Bearer 令牌”",
                )
            })?;
            let row = state
                .store
                .token_by_hash(&secret::sha256_hex(token.trim()), now)
                .await?
                .ok_or_else(|| {
                    unauthenticated("auth.invalid_token", "API 令牌无效、已过期或已撤销")
                })?;
            state.store.mark_token_used(row.id).await?;
            (row.user_id, None, Some(row.id), Some(row.zone_id))
        } else if let Some(cookie) = session_cookie(parts) {
            let hash = secret::sha256_hex(&cookie);
            match state.store.live_session(&hash, now).await? {
                Some(s) => {
                    // slide the idle timeout, at most once a minute
                    if now - s.last_seen_at > Duration::minutes(1) {
                        let idle = Duration::minutes(state.cfg.auth.session_idle_minutes);
                        state.store.touch_session(&hash, now + idle).await?;
                    }
                    (s.user_id, Some(hash), None, Some(s.zone_id))
                }
                None if state.store.session_exists(&hash).await? => {
                    return Err(unauthenticated(
                        "auth.session_expired",
                        "登录已过期，请重新登录",
                    ));
                }
                None => return Err(unauthenticated("auth.unauthenticated", "请先登录")),
            }
        } else {
            return Err(unauthenticated("auth.unauthenticated", "请先登录"));
        };

        let user = state
            .store
            .user_by_id(user_id)
            .await?
            .ok_or_else(|| unauthenticated("auth.unauthenticated", "账号不存在，请重新登录"))?;
        if !user.active {
            return Err(unauthenticated(
                "auth.account_disabled",
                "账号已停用，请联系管理员",
            ));
        }
        if token_zone != Some(user.zone_id) {
            // a credential issued in one zone never acts in another
            return Err(unauthenticated(
                "auth.invalid_token",
                "凭证与账号所属园区不一致",
            ));
        }
        let mut p = Principal::of(user)?;
        p.session_hash = session_hash;
        p.token_id = token_id;
        p.meta = meta;
        Ok(p)
    }
}
