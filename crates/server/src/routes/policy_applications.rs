//! Applications for policy items (申报): the enterprise applies with the materials, the
//! responsible department reviews (pass / return / refuse) and records the payout (兑现);
//! 免申即享 payouts without an application. Contract: docs/POLICIES.md.

use super::attachments::receive_upload;
use super::bj;
use super::policies::{
    APPLICATION_STATUSES, FileOut, TAG, application_status_name, bad, benefit_name, may_review,
    officer_dept, own_enterprise, require_officer, staff_item, transition, visible_policy,
};
use crate::auth::Principal;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::policies as engine;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use jiban_core::roles::{Permission, Role};
use jiban_store::Page;
use jiban_store::audit::NewAudit;
use jiban_store::policies::{
    ApplicationFilter, ApplicationRow, Material, NewApplication, PolicyFileRow, PolicyRow,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Deserialize, ToSchema, Debug, Clone)]
#[serde(deny_unknown_fields)]
pub struct MaterialIn {
    pub name: String,
    #[serde(default)]
    pub text: String,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct ApplicationIn {
    pub item_id: Uuid,
    #[serde(default)]
    pub materials: Vec<MaterialIn>,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct ResubmitIn {
    #[serde(default)]
    pub materials: Vec<MaterialIn>,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct ReviewIn {
    /// pass | return | refuse
    pub decision: String,
    /// Required for return and refuse.
    pub reason: Option<String>,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct PayoutIn {
    pub amount_wan: f64,
    pub paid_on: Date,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct AutoPayoutIn {
    pub enterprise_ids: Vec<Uuid>,
    /// 万元; default: each enterprise's computed amount.
    pub amount_wan: Option<f64>,
    pub paid_on: Date,
}

#[derive(Serialize, ToSchema)]
pub struct MaterialOut {
    pub name: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct EventOut {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub action: String,
    pub action_name: String,
    pub actor_name: String,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationOut {
    pub id: Uuid,
    pub item_id: Uuid,
    pub item_title: String,
    pub benefit_type: String,
    pub benefit_name: String,
    pub dept_id: Uuid,
    pub dept_name: Option<String>,
    pub policy_id: Uuid,
    pub policy_title: String,
    pub doc_no: String,
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    pub uscc: String,
    pub status: String,
    pub status_name: String,
    /// portal | auto
    pub source: String,
    pub materials: Vec<MaterialOut>,
    /// The materials the item asks for.
    pub required_materials: Vec<String>,
    pub note: Option<String>,
    pub expected_amount_wan: Option<f64>,
    #[serde(with = "time::serde::rfc3339")]
    pub submitted_at: OffsetDateTime,
    /// The review is due by the end of this working day.
    pub review_due: Option<Date>,
    /// Not reviewed and past the due day.
    pub review_overdue: bool,
    #[serde(with = "time::serde::rfc3339::option")]
    pub reviewed_at: Option<OffsetDateTime>,
    pub reviewed_by_name: Option<String>,
    pub review_on_time: Option<bool>,
    pub review_reason: Option<String>,
    pub paid_amount_wan: Option<f64>,
    pub paid_on: Option<Date>,
    pub files: Vec<FileOut>,
    pub events: Vec<EventOut>,
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationPage {
    pub items: Vec<ApplicationOut>,
    pub total: i64,
    /// Per status, under the same scope.
    pub counts: HashMap<String, i64>,
}

/// An inbox message to every account of the enterprises.
pub(super) async fn notify_enterprises(
    state: &AppState,
    tx: &mut jiban_store::Tx,
    zone: Uuid,
    enterprises: &[Uuid],
    kind: &str,
    title: &str,
    body: &str,
) -> ApiResult<()> {
    for u in state.store.enterprise_user_ids(enterprises).await? {
        tx.notify(zone, Some(u), None, None, kind, title, body)
            .await?;
    }
    Ok(())
}

/// Locks the application for the rest of the transaction and checks it is in `expected`;
/// otherwise `409 policy.bad_state` with “申报当前为“…”，{why}”. Returns the state.
async fn lock_in_state(
    tx: &mut jiban_store::Tx,
    zone: Uuid,
    id: Uuid,
    expected: &str,
    why: &str,
) -> ApiResult<String> {
    let current = tx
        .lock_policy_application(zone, id)
        .await?
        .ok_or_else(|| AppError::not_found("申报"))?;
    if current != expected {
        return Err(transition(
            "policy.bad_state",
            format!("申报当前为“{}”，{why}", application_status_name(&current)),
        ));
    }
    Ok(current)
}

fn action_name(a: &str) -> &'static str {
    match a {
        "submit" => "提交申报",
        "resubmit" => "补正后重新提交",
        "pass" => "审核通过",
        "return" => "退回补正",
        "refuse" => "不予支持",
        "payout" => "兑现",
        "auto_payout" => "免申即享兑现",
        "file" => "上传材料",
        _ => "其他",
    }
}

fn application_out(
    a: ApplicationRow,
    required: Vec<String>,
    files: Vec<PolicyFileRow>,
    events: Vec<jiban_store::policies::ApplicationEventRow>,
) -> ApplicationOut {
    let today = engine::today();
    ApplicationOut {
        id: a.id,
        item_id: a.item_id,
        benefit_name: benefit_name(&a.benefit_type),
        item_title: a.item_title,
        benefit_type: a.benefit_type,
        dept_id: a.dept_id,
        dept_name: a.dept_name,
        policy_id: a.policy_id,
        policy_title: a.policy_title,
        doc_no: a.doc_no,
        enterprise_id: a.enterprise_id,
        enterprise_name: a.enterprise_name,
        uscc: a.uscc,
        status_name: application_status_name(&a.status),
        review_overdue: a.status == "submitted" && a.review_due.is_some_and(|d| d < today),
        status: a.status,
        source: a.source,
        materials: a
            .materials
            .0
            .into_iter()
            .map(|m| MaterialOut {
                name: m.name,
                text: m.text,
            })
            .collect(),
        required_materials: required,
        note: a.note,
        expected_amount_wan: a.expected_amount_wan,
        submitted_at: bj(a.submitted_at),
        review_due: a.review_due,
        reviewed_at: a.reviewed_at.map(bj),
        reviewed_by_name: a.reviewed_by_name,
        review_on_time: a.review_on_time,
        review_reason: a.review_reason,
        paid_amount_wan: a.paid_amount_wan,
        paid_on: a.paid_on,
        files: files.into_iter().map(FileOut::from).collect(),
        events: events
            .into_iter()
            .map(|e| EventOut {
                at: bj(e.at),
                action_name: action_name(&e.action).to_string(),
                action: e.action,
                actor_name: e.actor_name,
                note: e.note,
            })
            .collect(),
    }
}

/// An application the caller may see: the enterprise its own; a department officer its
/// department's items'; the administrator, leaders and supervisors all.
pub(super) async fn visible_application(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> ApiResult<ApplicationRow> {
    let a = state
        .store
        .policy_application(p.zone_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("申报"))?;
    let ok = match p.role {
        Role::Enterprise => p.user.enterprise_id == Some(a.enterprise_id),
        Role::Admin | Role::Leader | Role::Supervisor => true,
        Role::Handler | Role::DeptHead => officer_dept(p).is_none_or(|d| d == a.dept_id),
        _ => false,
    };
    if ok {
        Ok(a)
    } else {
        Err(AppError::not_found("申报"))
    }
}

async fn full_application(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<ApplicationOut> {
    let a = visible_application(state, p, id).await?;
    let required = state
        .store
        .policy_item(p.zone_id(), a.item_id)
        .await?
        .map(|i| i.materials.0)
        .unwrap_or_default();
    let files = state.store.policy_files(None, Some(id)).await?;
    let events = state.store.policy_application_events(id).await?;
    Ok(application_out(a, required, files, events))
}

/// Checks the materials against the item's list: each required one present with some text.
fn check_materials(required: &[String], given: &[MaterialIn]) -> ApiResult<Vec<Material>> {
    let mut out = Vec::new();
    for (k, name) in required.iter().enumerate() {
        let text = given
            .iter()
            .find(|m| m.name.trim() == name)
            .map(|m| m.text.trim().to_string())
            .unwrap_or_default();
        if text.is_empty() {
            return Err(bad(
                "validation.required",
                format!("materials[{k}].text"),
                format!("请填写申报材料“{name}”的说明（材料文件可在提交后上传）"),
            ));
        }
        if text.chars().count() > 2000 {
            return Err(bad(
                "validation.too_long",
                format!("materials[{k}].text"),
                format!("申报材料“{name}”的说明不能超过 2000 个字符"),
            ));
        }
        out.push(Material {
            name: name.clone(),
            text,
        });
    }
    for (k, m) in given.iter().enumerate() {
        if !required.iter().any(|r| r == m.name.trim()) {
            return Err(bad(
                "validation.unknown_value",
                format!("materials[{k}].name"),
                format!("“{}”不是该条款要求的申报材料", m.name.trim()),
            ));
        }
    }
    Ok(out)
}

async fn review_due(state: &AppState, zone: Uuid, days: i64) -> ApiResult<Date> {
    let cal = crate::casework::calendar(state, zone).await?;
    Ok(cal.add_workdays(engine::today(), days.clamp(1, 60) as u32))
}

fn open_window(policy: &PolicyRow, today: Date) -> ApiResult<()> {
    let open = policy.status == "published"
        && policy.effective_on <= today
        && policy.expires_on.is_none_or(|d| d >= today)
        && policy.apply_from.is_none_or(|d| d <= today)
        && policy.apply_to.is_none_or(|d| d >= today);
    if open {
        Ok(())
    } else {
        Err(transition("policy.window_closed", "该政策当前不在申报期内"))
    }
}

/// The enterprise applies for an item with the materials it asks for.
#[utoipa::path(post, path = "/api/v1/policy-applications", tag = TAG,
    request_body = ApplicationIn,
    responses((status = 201, body = ApplicationOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_application(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<ApplicationIn>,
) -> ApiResult<(StatusCode, Json<ApplicationOut>)> {
    let enterprise = own_enterprise(&p)?;
    let zone = p.zone_id();
    let item = state
        .store
        .policy_item(zone, body.item_id)
        .await?
        .ok_or_else(|| AppError::not_found("政策条款"))?;
    let policy = visible_policy(&state, &p, item.policy_id).await?;
    let today = engine::today();
    open_window(&policy, today)?;
    if item.auto_grant {
        return Err(transition(
            "policy.auto_grant",
            "该条款免申即享，无需申报，由责任部门直接兑现",
        ));
    }
    let materials = check_materials(&item.materials.0, &body.materials)?;
    let note = jiban_core::text::optional_text("note", "申报说明", body.note.as_deref(), 1000)?;
    // eligibility, live, with the reasons when it fails
    let catalog = engine::catalog(&state, zone).await?;
    let parsed = engine::parse_items(vec![item.clone()], &catalog);
    if parsed.is_empty() {
        return Err(transition(
            "policy.not_eligible",
            "该条款的申报条件需要政策经办人员重新核对，暂不能申报",
        ));
    }
    let (qualified, almost) =
        engine::explain_enterprise(&state, zone, enterprise, &parsed, &catalog).await?;
    let Some(q) = qualified.into_iter().next() else {
        let failing: Vec<String> = almost
            .first()
            .map(|e| {
                e.explanation
                    .failing()
                    .map(|c| match &c.needed {
                        Some(n) => format!("{}（{}）", c.label, n),
                        None => c.label.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let why = if failing.is_empty() {
            "不符合该条款的申报条件".to_string()
        } else {
            format!("不符合申报条件：{}", failing.join("；"))
        };
        return Err(transition("policy.not_eligible", why));
    };
    let due = review_due(&state, zone, item.review_days).await?;
    let mut tx = state.store.begin().await?;
    if tx
        .open_application_for(item.id, enterprise)
        .await?
        .is_some()
    {
        return Err(transition(
            "policy.application_exists",
            "已申报过该条款（未被驳回），请在“我的申报”中查看进度",
        ));
    }
    let id = tx
        .insert_policy_application(&NewApplication {
            zone_id: zone,
            item_id: item.id,
            enterprise_id: enterprise,
            status: "submitted".into(),
            source: "portal".into(),
            materials,
            note: note.clone(),
            expected_amount_wan: q.amount_wan,
            review_due: Some(due),
            created_by: p.user.id,
        })
        .await?;
    let actor = p.label();
    tx.add_policy_application_event(id, Some(p.user.id), &actor, "submit", note.as_deref())
        .await?;
    tx.notify(
        zone,
        None,
        Some(item.dept_id),
        None,
        "policy_application",
        &format!("新的政策申报：{}", item.title),
        &format!(
            "{} 申报“{}”，请于 {} 前审核",
            p.user.display_name, item.title, due
        ),
    )
    .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "policy.apply",
            target_type: "policy_application",
            target_id: Some(id),
            detail: json!({ "item_id": item.id, "enterprise_id": enterprise, "expected_amount_wan": q.amount_wan,
                "review_due": due.to_string() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(full_application(&state, &p, id).await?),
    ))
}

#[derive(Deserialize, IntoParams, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ApplicationQuery {
    /// submitted | returned | refused | approved | paid
    pub status: Option<String>,
    pub item_id: Option<Uuid>,
    pub enterprise_id: Option<Uuid>,
    /// A part of the enterprise name, the item or the policy title.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// Applications in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/policy-applications", tag = TAG,
    params(ApplicationQuery),
    responses((status = 200, body = ApplicationPage), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_applications(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<ApplicationQuery>,
) -> ApiResult<Json<ApplicationPage>> {
    p.require(Permission::EnterpriseRead)?;
    if let Some(s) = q.status.as_deref()
        && !APPLICATION_STATUSES.iter().any(|(c, _)| *c == s)
    {
        return Err(bad(
            "validation.unknown_value",
            "status",
            format!("申报状态“{s}”不存在"),
        ));
    }
    let (enterprise, dept) = match p.role {
        Role::Enterprise => (Some(own_enterprise(&p)?), None),
        Role::Admin | Role::Leader | Role::Supervisor => (q.enterprise_id, None),
        Role::Handler | Role::DeptHead => {
            require_officer(&p)?;
            (q.enterprise_id, officer_dept(&p))
        }
        _ => {
            return Err(AppError::Forbidden {
                code: "auth.forbidden",
                message: "您的角色不能查看政策申报".into(),
            });
        }
    };
    let f = ApplicationFilter {
        status: q.status,
        item_id: q.item_id,
        enterprise_id: enterprise,
        dept_id: dept,
        q: q.q,
    };
    let zone = p.zone_id();
    let (rows, total) = state
        .store
        .policy_applications(zone, &f, Page::new(q.page, q.per_page))
        .await?;
    let counts = state
        .store
        .policy_application_counts(zone, enterprise, dept)
        .await?
        .into_iter()
        .collect();
    Ok(Json(ApplicationPage {
        items: rows
            .into_iter()
            .map(|a| application_out(a, vec![], vec![], vec![]))
            .collect(),
        total,
        counts,
    }))
}

/// One application with its materials, files and steps.
#[utoipa::path(get, path = "/api/v1/policy-applications/{id}", tag = TAG,
    params(("id" = Uuid, Path, description = "申报 id")),
    responses((status = 200, body = ApplicationOut), (status = 404, body = ErrorBody)))]
pub async fn get_application(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ApplicationOut>> {
    p.require(Permission::EnterpriseRead)?;
    Ok(Json(full_application(&state, &p, id).await?))
}

/// Attaches a material file to one's own application (while submitted or returned).
#[utoipa::path(post, path = "/api/v1/policy-applications/{id}/files", tag = TAG,
    params(("id" = Uuid, Path, description = "申报 id")),
    request_body(content_type = "multipart/form-data", description = "file：材料文件（≤ 20 MB）；material：对应的申报材料名称"),
    responses((status = 201, body = FileOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_application_file(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    mut form: Multipart,
) -> ApiResult<(StatusCode, Json<FileOut>)> {
    own_enterprise(&p)?;
    let a = visible_application(&state, &p, id).await?;
    if !matches!(a.status.as_str(), "submitted" | "returned") {
        return Err(transition(
            "policy.bad_state",
            "申报已审核完毕，不能再上传材料",
        ));
    }
    let up = receive_upload(&state.cfg.data_dir, &mut form, &["material"]).await?;
    let material = up
        .fields
        .get("material")
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty());
    if let Some(m) = &material {
        let required = state
            .store
            .policy_item(p.zone_id(), a.item_id)
            .await?
            .map(|i| i.materials.0)
            .unwrap_or_default();
        if !required.contains(m) {
            return Err(bad(
                "validation.unknown_value",
                "material",
                format!("“{m}”不是该条款要求的申报材料"),
            ));
        }
    }
    let zone = p.zone_id();
    let mut tx = state.store.begin().await?;
    let fid = tx
        .insert_policy_file(
            zone,
            None,
            Some(id),
            material.as_deref(),
            &up.name,
            up.kind.1,
            up.size as i64,
            &up.sha256,
            p.user.id,
        )
        .await?;
    let actor = p.label();
    tx.add_policy_application_event(id, Some(p.user.id), &actor, "file", Some(&up.name))
        .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "policy.application_file",
            target_type: "policy_application",
            target_id: Some(id),
            detail: json!({ "file_id": fid, "file_name": up.name, "material": material, "sha256": up.sha256 }),
        },
    )
    .await?;
    tx.commit().await?;
    let f = state
        .store
        .policy_file(zone, fid)
        .await?
        .ok_or_else(|| AppError::not_found("附件"))?;
    Ok((StatusCode::CREATED, Json(f.into())))
}

/// The department reviews: pass, return for more materials, or refuse (with a reason).
#[utoipa::path(post, path = "/api/v1/policy-applications/{id}/review", tag = TAG,
    params(("id" = Uuid, Path, description = "申报 id")),
    request_body = ReviewIn,
    responses((status = 200, body = ApplicationOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn review_application(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ReviewIn>,
) -> ApiResult<Json<ApplicationOut>> {
    require_officer(&p)?;
    let a = visible_application(&state, &p, id).await?;
    may_review(&p, a.dept_id)?;
    let (status, action) = match body.decision.as_str() {
        "pass" => ("approved", "pass"),
        "return" => ("returned", "return"),
        "refuse" => ("refused", "refuse"),
        other => {
            return Err(bad(
                "validation.unknown_value",
                "decision",
                format!(
                    "审核结论“{other}”无效，应为 pass（通过）、return（退回补正）或 refuse（不予支持）"
                ),
            ));
        }
    };
    let reason =
        jiban_core::text::optional_text("reason", "审核意见", body.reason.as_deref(), 1000)?;
    if status != "approved" && reason.is_none() {
        return Err(bad(
            "validation.required",
            "reason",
            "退回或不予支持时须填写审核意见",
        ));
    }
    let zone = p.zone_id();
    let mut tx = state.store.begin().await?;
    let current = lock_in_state(&mut tx, zone, id, "submitted", "不能审核").await?;
    let on_time = a.review_due.is_none_or(|d| engine::today() <= d);
    tx.review_policy_application(id, status, reason.as_deref(), on_time, p.user.id)
        .await?;
    let actor = p.label();
    tx.add_policy_application_event(id, Some(p.user.id), &actor, action, reason.as_deref())
        .await?;
    notify_enterprises(
        &state,
        &mut tx,
        zone,
        &[a.enterprise_id],
        "policy_review",
        &format!(
            "政策申报{}：{}",
            application_status_name(status),
            a.item_title
        ),
        reason.as_deref().unwrap_or("您的申报已审核通过，等待兑现"),
    )
    .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "policy.review",
            target_type: "policy_application",
            target_id: Some(id),
            detail: json!({ "before": current, "after": status, "reason": reason, "on_time": on_time }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(full_application(&state, &p, id).await?))
}

/// The enterprise resubmits a returned application with more materials.
#[utoipa::path(post, path = "/api/v1/policy-applications/{id}/resubmit", tag = TAG,
    params(("id" = Uuid, Path, description = "申报 id")),
    request_body = ResubmitIn,
    responses((status = 200, body = ApplicationOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn resubmit_application(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<ResubmitIn>,
) -> ApiResult<Json<ApplicationOut>> {
    own_enterprise(&p)?;
    let a = visible_application(&state, &p, id).await?;
    let zone = p.zone_id();
    let item = state
        .store
        .policy_item(zone, a.item_id)
        .await?
        .ok_or_else(|| AppError::not_found("政策条款"))?;
    let materials = check_materials(&item.materials.0, &body.materials)?;
    let note = jiban_core::text::optional_text("note", "申报说明", body.note.as_deref(), 1000)?;
    let due = review_due(&state, zone, item.review_days).await?;
    let mut tx = state.store.begin().await?;
    let current = lock_in_state(
        &mut tx,
        zone,
        id,
        "returned",
        "只有被退回的申报可以重新提交",
    )
    .await?;
    tx.resubmit_policy_application(id, &materials, note.as_deref(), Some(due))
        .await?;
    let actor = p.label();
    tx.add_policy_application_event(id, Some(p.user.id), &actor, "resubmit", note.as_deref())
        .await?;
    tx.notify(
        zone,
        None,
        Some(item.dept_id),
        None,
        "policy_application",
        &format!("政策申报已补正：{}", item.title),
        &format!("{} 补正后重新提交，请于 {} 前审核", a.enterprise_name, due),
    )
    .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "policy.resubmit",
            target_type: "policy_application",
            target_id: Some(id),
            detail: json!({ "before": current, "after": "submitted", "review_due": due.to_string() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(full_application(&state, &p, id).await?))
}

fn check_payout(amount: f64, paid_on: Date) -> ApiResult<()> {
    if !(amount.is_finite() && amount > 0.0 && amount <= 1e6) {
        return Err(bad(
            "validation.range",
            "amount_wan",
            "兑现金额应为大于 0、不超过 100 亿元（1,000,000 万元）的数值",
        ));
    }
    if paid_on > engine::today() {
        return Err(bad(
            "validation.date_order",
            "paid_on",
            "兑现日期不能晚于今天",
        ));
    }
    Ok(())
}

/// Records the payout (兑现) of an approved application.
#[utoipa::path(post, path = "/api/v1/policy-applications/{id}/payout", tag = TAG,
    params(("id" = Uuid, Path, description = "申报 id")),
    request_body = PayoutIn,
    responses((status = 200, body = ApplicationOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn payout_application(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PayoutIn>,
) -> ApiResult<Json<ApplicationOut>> {
    require_officer(&p)?;
    let a = visible_application(&state, &p, id).await?;
    may_review(&p, a.dept_id)?;
    check_payout(body.amount_wan, body.paid_on)?;
    let zone = p.zone_id();
    let mut tx = state.store.begin().await?;
    let current = lock_in_state(&mut tx, zone, id, "approved", "审核通过后才能兑现").await?;
    tx.pay_policy_application(id, body.amount_wan, body.paid_on, p.user.id)
        .await?;
    let actor = p.label();
    let note = format!("{} 万元，{}", body.amount_wan, body.paid_on);
    tx.add_policy_application_event(id, Some(p.user.id), &actor, "payout", Some(&note))
        .await?;
    notify_enterprises(
        &state,
        &mut tx,
        zone,
        &[a.enterprise_id],
        "policy_paid",
        &format!("政策已兑现：{}", a.item_title),
        &note,
    )
    .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "policy.payout",
            target_type: "policy_application",
            target_id: Some(id),
            detail: json!({ "before": current, "after": "paid", "amount_wan": body.amount_wan,
                "paid_on": body.paid_on.to_string() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(full_application(&state, &p, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct AutoPayoutOut {
    pub paid: usize,
}

/// 免申即享: records the payout to qualifying enterprises directly (no application).
#[utoipa::path(post, path = "/api/v1/policy-items/{id}/payouts", tag = TAG,
    params(("id" = Uuid, Path, description = "条款 id")),
    request_body = AutoPayoutIn,
    responses((status = 200, body = AutoPayoutOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn auto_payout(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<AutoPayoutIn>,
) -> ApiResult<Json<AutoPayoutOut>> {
    require_officer(&p)?;
    let item = staff_item(&state, &p, id).await?;
    may_review(&p, item.dept_id)?;
    if !item.auto_grant {
        return Err(transition(
            "policy.not_auto_grant",
            "该条款需要企业申报，请在申报审核中兑现",
        ));
    }
    if body.enterprise_ids.is_empty() {
        return Err(bad(
            "validation.required",
            "enterprise_ids",
            "请选择要兑现的企业",
        ));
    }
    let zone = p.zone_id();
    let mut rows = Vec::new();
    for (k, e) in body.enterprise_ids.iter().enumerate() {
        let Some((amount, _)) = state.store.policy_match(item.id, *e).await? else {
            return Err(bad(
                "policy.not_eligible",
                format!("enterprise_ids[{k}]"),
                "所选企业不符合该条款的条件，不能兑现",
            ));
        };
        let Some(amount) = body.amount_wan.or(amount) else {
            return Err(bad(
                "validation.required",
                "amount_wan",
                "有企业的金额无法测算，请填写兑现金额",
            ));
        };
        check_payout(amount, body.paid_on)?;
        rows.push((*e, amount));
    }
    let actor = p.label();
    let mut tx = state.store.begin().await?;
    let mut paid = 0;
    for (e, amount) in rows {
        if tx.open_application_for(item.id, e).await?.is_some() {
            continue;
        }
        let aid = tx
            .insert_policy_application(&NewApplication {
                zone_id: zone,
                item_id: item.id,
                enterprise_id: e,
                status: "approved".into(),
                source: "auto".into(),
                materials: vec![],
                note: None,
                expected_amount_wan: Some(amount),
                review_due: None,
                created_by: p.user.id,
            })
            .await?;
        tx.pay_policy_application(aid, amount, body.paid_on, p.user.id)
            .await?;
        let note = format!("{amount} 万元，{}", body.paid_on);
        tx.add_policy_application_event(aid, Some(p.user.id), &actor, "auto_payout", Some(&note))
            .await?;
        notify_enterprises(
            &state,
            &mut tx,
            zone,
            &[e],
            "policy_paid",
            &format!("免申即享已兑现：{}", item.title),
            &note,
        )
        .await?;
        tx.audit(
            &p.actor(),
            NewAudit {
                zone_id: zone,
                action: "policy.auto_payout",
                target_type: "policy_application",
                target_id: Some(aid),
                detail: json!({ "item_id": item.id, "enterprise_id": e, "amount_wan": amount,
                    "paid_on": body.paid_on.to_string() }),
            },
        )
        .await?;
        paid += 1;
    }
    tx.commit().await?;
    Ok(Json(AutoPayoutOut { paid }))
}
