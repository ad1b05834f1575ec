//! The org tree: list, create, rename/reorder, move, (de)activate, and a unit's history.

use super::bj;
use crate::auth::Principal;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath};
use crate::routes::audit::AuditEventOut;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiban_core::org::UnitKind;
use jiban_core::roles::Permission;
use jiban_core::text::{optional_line, required_line};
use jiban_store::Page;
use jiban_store::audit::{AuditFilter, NewAudit};
use jiban_store::org::{NewOrgUnit, OrgUnitRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct OrgUnitOut {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub parent_id: Option<Uuid>,
    /// zone | department | street | community | village | grid
    pub kind: String,
    pub kind_name: String,
    pub name: String,
    pub code: String,
    pub active: bool,
    pub sort_order: i32,
    pub street_id: Option<Uuid>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl From<OrgUnitRow> for OrgUnitOut {
    fn from(r: OrgUnitRow) -> Self {
        let kind_name = UnitKind::parse(&r.kind)
            .map(|k| k.label().to_string())
            .unwrap_or_default();
        OrgUnitOut {
            id: r.id,
            zone_id: r.zone_id,
            parent_id: r.parent_id,
            kind: r.kind,
            kind_name,
            name: r.name,
            code: r.code,
            active: r.active,
            sort_order: r.sort_order,
            street_id: r.street_id,
            created_at: bj(r.created_at),
        }
    }
}

/// A unit of the caller's zone that lies in the caller's scope, or 404.
async fn visible_unit(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<OrgUnitRow> {
    state
        .store
        .org_unit(id)
        .await?
        .filter(|u| u.zone_id == p.zone_id() && p.sees_unit_path(&u.path))
        .ok_or_else(|| AppError::not_found("组织单元"))
}

/// Every unit in the caller's scope (active and deactivated), parents first.
#[utoipa::path(get, path = "/api/v1/org/units", tag = "组织机构",
    responses((status = 200, body = Vec<OrgUnitOut>), (status = 403, body = ErrorBody)))]
pub async fn list_units(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<Vec<OrgUnitOut>>> {
    p.require(Permission::OrgRead)?;
    let rows = state.store.org_units(p.zone_id()).await?;
    Ok(Json(
        rows.into_iter()
            .filter(|u| p.sees_unit_path(&u.path))
            .map(Into::into)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnitRequest {
    pub parent_id: Uuid,
    /// department | street | community | village | grid
    pub kind: String,
    pub name: String,
    /// Unique within the zone; generated from the parent's code when absent.
    pub code: Option<String>,
    pub sort_order: Option<i32>,
}

/// Adds a unit under an active parent that may contain its kind.
#[utoipa::path(post, path = "/api/v1/org/units", tag = "组织机构",
    request_body = NewUnitRequest,
    responses((status = 201, body = OrgUnitOut), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_unit(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(req): ApiJson<NewUnitRequest>,
) -> ApiResult<(StatusCode, Json<OrgUnitOut>)> {
    p.require(Permission::OrgWrite)?;
    let kind = UnitKind::parse(&req.kind)?;
    let name = required_line("name", "名称", &req.name, 64)?;
    let code = optional_line("code", "编码", req.code.as_deref(), 64)?;
    let parent = visible_unit(&state, &p, req.parent_id)
        .await
        .map_err(|_| AppError::invalid("validation.parent", "parent_id", "上级单位不存在"))?;
    if !parent.active {
        return Err(AppError::invalid(
            "validation.parent_inactive",
            "parent_id",
            format!("上级单位“{}”已停用，不能新增下级", parent.name),
        ));
    }
    let parent_kind = UnitKind::parse(&parent.kind)?;
    if !parent_kind.can_contain(kind) {
        return Err(AppError::invalid(
            "validation.org.kind",
            "kind",
            format!("{}下不能设立{}", parent_kind.label(), kind.label()),
        ));
    }
    let code = match code {
        Some(c) => c,
        None => format!(
            "{}-{}",
            parent.code,
            &jiban_store::new_id().simple().to_string()[24..]
        ),
    };
    let mut tx = state.store.begin().await?;
    let row = tx
        .insert_org_unit(NewOrgUnit {
            parent: Some(&parent),
            kind: kind.as_str(),
            name: &name,
            code: &code,
            sort_order: req.sort_order.unwrap_or(0),
        })
        .await?;
    tx.audit(&p.actor(), NewAudit {
        zone_id: p.zone_id(),
        action: "org.create",
        target_type: "org_unit",
        target_id: Some(row.id),
        detail: json!({ "name": name, "kind": kind.as_str(), "code": code, "parent_id": parent.id, "parent_name": parent.name }),
    })
    .await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUnitRequest {
    pub name: Option<String>,
    /// Move the unit (with its subtree) under another unit.
    pub parent_id: Option<Uuid>,
    /// false = deactivate (only when no active unit is below it).
    pub active: Option<bool>,
    pub sort_order: Option<i32>,
}

/// Renames, reorders, moves or (de)activates a unit. Ids never change, so history is kept.
#[utoipa::path(patch, path = "/api/v1/org/units/{id}", tag = "组织机构",
    params(("id" = Uuid, Path, description = "组织单元 id")),
    request_body = UpdateUnitRequest,
    responses((status = 200, body = OrgUnitOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_unit(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UpdateUnitRequest>,
) -> ApiResult<Json<OrgUnitOut>> {
    p.require(Permission::OrgWrite)?;
    let unit = visible_unit(&state, &p, id).await?;
    let name = match &req.name {
        Some(n) => required_line("name", "名称", n, 64)?,
        None => unit.name.clone(),
    };
    let active = req.active.unwrap_or(unit.active);
    let sort_order = req.sort_order.unwrap_or(unit.sort_order);
    let all = state.store.org_units(p.zone_id()).await?;

    if unit.parent_id.is_none() && (req.parent_id.is_some() || !active) {
        return Err(AppError::invalid(
            "validation.org.zone",
            if req.parent_id.is_some() {
                "parent_id"
            } else {
                "active"
            },
            "管委会（根单位）不能迁移或停用",
        ));
    }
    if !active
        && unit.active
        && let Some(child) = all
            .iter()
            .find(|u| u.active && u.id != unit.id && u.path.starts_with(&unit.path))
    {
        return Err(AppError::invalid(
            "validation.org.active_children",
            "active",
            format!("请先停用或迁出下级单位“{}”", child.name),
        ));
    }
    let new_parent = match req.parent_id {
        Some(pid) if Some(pid) != unit.parent_id => {
            let np = all
                .iter()
                .find(|u| u.id == pid && p.sees_unit_path(&u.path))
                .ok_or_else(|| {
                    AppError::invalid("validation.parent", "parent_id", "目标上级单位不存在")
                })?;
            if np.path.starts_with(&unit.path) {
                return Err(AppError::invalid(
                    "validation.org.cycle",
                    "parent_id",
                    "不能把单位迁移到它自己或其下级之下",
                ));
            }
            if !np.active {
                return Err(AppError::invalid(
                    "validation.parent_inactive",
                    "parent_id",
                    format!("目标上级“{}”已停用", np.name),
                ));
            }
            let (pk, uk) = (UnitKind::parse(&np.kind)?, UnitKind::parse(&unit.kind)?);
            if !pk.can_contain(uk) {
                return Err(AppError::invalid(
                    "validation.org.kind",
                    "parent_id",
                    format!("{}下不能设立{}", pk.label(), uk.label()),
                ));
            }
            Some(np.clone())
        }
        _ => None,
    };

    let mut tx = state.store.begin().await?;
    tx.update_org_unit(unit.id, &name, sort_order, active)
        .await?;
    let actor = p.actor();
    if let Some(np) = &new_parent {
        tx.move_org_unit(&unit, np).await?;
        let old_parent = all.iter().find(|u| Some(u.id) == unit.parent_id);
        tx.audit(&actor, NewAudit {
            zone_id: p.zone_id(),
            action: "org.move",
            target_type: "org_unit",
            target_id: Some(unit.id),
            detail: json!({ "from_parent_id": unit.parent_id, "from_parent_name": old_parent.map(|u| &u.name),
                            "to_parent_id": np.id, "to_parent_name": np.name }),
        })
        .await?;
    }
    if name != unit.name || sort_order != unit.sort_order {
        tx.audit(&actor, NewAudit {
            zone_id: p.zone_id(),
            action: "org.update",
            target_type: "org_unit",
            target_id: Some(unit.id),
            detail: json!({ "name": [unit.name, name], "sort_order": [unit.sort_order, sort_order] }),
        })
        .await?;
    }
    if active != unit.active {
        tx.audit(
            &actor,
            NewAudit {
                zone_id: p.zone_id(),
                action: if active {
                    "org.activate"
                } else {
                    "org.deactivate"
                },
                target_type: "org_unit",
                target_id: Some(unit.id),
                detail: json!({ "name": name }),
            },
        )
        .await?;
    }
    tx.commit().await?;
    let row = state
        .store
        .org_unit(unit.id)
        .await?
        .ok_or_else(|| AppError::not_found("组织单元"))?;
    Ok(Json(row.into()))
}

/// The unit's audit events, newest first.
#[utoipa::path(get, path = "/api/v1/org/units/{id}/history", tag = "组织机构",
    params(("id" = Uuid, Path, description = "组织单元 id")),
    responses((status = 200, body = Vec<AuditEventOut>), (status = 404, body = ErrorBody)))]
pub async fn unit_history(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<AuditEventOut>>> {
    p.require(Permission::OrgRead)?;
    let unit = visible_unit(&state, &p, id).await?;
    let f = AuditFilter {
        target_id: Some(unit.id),
        ..Default::default()
    };
    let (rows, _) = state
        .store
        .list_audit(p.zone_id(), &f, Page::new(Some(1), Some(200)))
        .await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}
