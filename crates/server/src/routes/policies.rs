//! The policy library (政策库): policies and items with eligibility rules, the calculator for an
//! enterprise and per item, push (送政策), applications with review and payout (申报、审核、
//! 兑现). Contract: docs/POLICIES.md.

use super::attachments::{blob_path, disposition, receive_upload};
use super::bj;
use crate::auth::Principal;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::policies::{self as engine, MatchStats};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use jiban_core::DomainError;
use jiban_core::org::UnitKind;
use jiban_core::roles::{Permission, Role};
use jiban_core::size::SizeClass;
use jiban_policy::{AMOUNT_NAMES, Amount, Condition, Rule};
use jiban_store::Page;
use jiban_store::audit::NewAudit;
use jiban_store::policies::{
    ApplicationRow, ItemAudience, ItemRow, ItemWrite, PolicyFileRow, PolicyFilter, PolicyRow,
    PolicyWrite,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub(super) const TAG: &str = "惠企政策";

/// The benefit types: (code, name).
pub const BENEFIT_TYPES: [(&str, &str); 4] = [
    ("subsidy", "奖补"),
    ("reduction", "减免"),
    ("right", "权益"),
    ("qualification", "资质"),
];

const STATUSES: [(&str, &str); 3] = [
    ("draft", "草稿"),
    ("published", "已发布"),
    ("archived", "已废止"),
];

/// Longest policy text.
const MAX_BODY: usize = 50_000;
/// Most items per policy.
const MAX_ITEMS: usize = 30;
/// Most materials per item.
const MAX_MATERIALS: usize = 20;

/// Who may enter policies: `policy.write` and a department (or the zone's administration).
pub(super) fn require_officer(p: &Principal) -> ApiResult<()> {
    p.require(Permission::PolicyWrite)?;
    if p.role == Role::Admin || matches!(p.unit_kind, UnitKind::Department | UnitKind::Zone) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            code: "auth.forbidden",
            message: "只有部门的政策经办人员可以维护政策、推送和审核申报".into(),
        })
    }
}

/// The department whose items an officer reviews (`None`: every department).
pub(super) fn officer_dept(p: &Principal) -> Option<Uuid> {
    (p.role != Role::Admin && p.unit_kind == UnitKind::Department).then_some(p.user.org_unit_id)
}

pub(super) fn may_review(p: &Principal, item_dept: Uuid) -> ApiResult<()> {
    require_officer(p)?;
    match officer_dept(p) {
        Some(d) if d != item_dept => Err(AppError::Forbidden {
            code: "auth.forbidden",
            message: "只有该条款的责任部门可以审核和兑现".into(),
        }),
        _ => Ok(()),
    }
}

/// The enterprise of an enterprise account.
pub(super) fn own_enterprise(p: &Principal) -> ApiResult<Uuid> {
    match (p.role, p.user.enterprise_id) {
        (Role::Enterprise, Some(id)) => Ok(id),
        _ => Err(AppError::Forbidden {
            code: "auth.forbidden",
            message: "只有企业用户可以申报政策".into(),
        }),
    }
}

pub(super) fn bad(code: &str, field: impl Into<String>, message: impl Into<String>) -> AppError {
    AppError::Invalid {
        code: code.to_string(),
        field: Some(field.into()),
        message: message.into(),
    }
}

pub(super) fn transition(code: &'static str, message: impl Into<String>) -> AppError {
    AppError::Transition {
        code,
        message: message.into(),
    }
}

/// A domain error of item `k` (0-based): field `items[k].<field>`, message prefixed.
fn in_item(k: usize, sub: &str, e: DomainError) -> AppError {
    AppError::Invalid {
        code: e.code.to_string(),
        field: Some(format!("items[{k}].{sub}")),
        message: format!("第 {} 项条款：{}", k + 1, e.message),
    }
}

// ---- catalog ------------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct CodeName {
    pub code: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorRef {
    pub code: String,
    pub name: String,
    pub unit: String,
}

#[derive(Serialize, ToSchema)]
pub struct DeptRef {
    pub id: Uuid,
    pub name: String,
}

/// What the rule form offers.
#[derive(Serialize, ToSchema)]
pub struct CatalogOut {
    pub tags: Vec<String>,
    pub streets: Vec<CodeName>,
    pub indicators: Vec<IndicatorRef>,
    pub bands: Vec<CodeName>,
    pub size_classes: Vec<CodeName>,
    pub benefit_types: Vec<CodeName>,
    pub departments: Vec<DeptRef>,
    /// Names an amount formula may use besides indicator codes.
    pub amount_names: Vec<String>,
}

fn code_names(v: &[(String, String)]) -> Vec<CodeName> {
    v.iter()
        .map(|(c, n)| CodeName {
            code: c.clone(),
            name: n.clone(),
        })
        .collect()
}

/// The vocabularies rules may use (tags, streets, indicators, bands, departments).
#[utoipa::path(get, path = "/api/v1/policy-catalog", tag = TAG,
    responses((status = 200, body = CatalogOut)))]
pub async fn catalog(State(state): State<AppState>, p: Principal) -> ApiResult<Json<CatalogOut>> {
    p.require(Permission::EnterpriseRead)?;
    let zone = p.zone_id();
    let c = engine::catalog(&state, zone).await?;
    let units = state.store.org_units(zone).await?;
    let indicators = state.store.indicators(zone).await?;
    Ok(Json(CatalogOut {
        tags: c.tags.clone(),
        streets: code_names(&c.streets),
        indicators: indicators
            .into_iter()
            .filter(|i| i.active)
            .map(|i| IndicatorRef {
                code: i.code,
                name: i.name,
                unit: i.unit,
            })
            .collect(),
        bands: code_names(&c.bands),
        size_classes: [
            SizeClass::Large,
            SizeClass::Medium,
            SizeClass::Small,
            SizeClass::Micro,
        ]
        .iter()
        .map(|s| CodeName {
            code: s.as_str().into(),
            name: s.label().into(),
        })
        .collect(),
        benefit_types: BENEFIT_TYPES
            .iter()
            .map(|(c, n)| CodeName {
                code: (*c).into(),
                name: (*n).into(),
            })
            .collect(),
        departments: units
            .into_iter()
            .filter(|u| u.kind == UnitKind::Department.as_str() && u.active)
            .map(|u| DeptRef {
                id: u.id,
                name: u.name,
            })
            .collect(),
        amount_names: AMOUNT_NAMES.iter().map(|s| (*s).to_string()).collect(),
    }))
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct RuleCheckIn {
    /// `jiban_policy::Rule` JSON.
    #[schema(value_type = Object)]
    pub rule: serde_json::Value,
    /// `jiban_policy::Amount` JSON.
    #[schema(value_type = Option<Object>)]
    pub amount: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
pub struct RuleCheckOut {
    /// Enterprises of the zone that qualify now.
    pub qualified: usize,
    pub total: usize,
    /// Up to 10 of them.
    pub sample: Vec<DeptRef>,
}

fn parse_rule(v: &serde_json::Value) -> Result<Rule, DomainError> {
    serde_json::from_value(v.clone()).map_err(|e| {
        DomainError::new(
            jiban_policy::RULE_FIELD,
            jiban_policy::RULE_CODE,
            format!("申报条件格式不正确：{e}"),
        )
    })
}

fn parse_amount(v: &serde_json::Value) -> Result<Amount, DomainError> {
    serde_json::from_value(v.clone()).map_err(|e| {
        DomainError::new(
            jiban_policy::AMOUNT_FIELD,
            jiban_policy::AMOUNT_CODE,
            format!("金额格式不正确：{e}"),
        )
    })
}

/// Checks a rule (and amount) as on save and counts the enterprises that qualify now.
#[utoipa::path(post, path = "/api/v1/policy-rules/check", tag = TAG,
    request_body = RuleCheckIn,
    responses((status = 200, body = RuleCheckOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn check_rule(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<RuleCheckIn>,
) -> ApiResult<Json<RuleCheckOut>> {
    require_officer(&p)?;
    let zone = p.zone_id();
    let catalog = engine::catalog(&state, zone).await?;
    let rule = parse_rule(&body.rule).map_err(|e| e.with_field("rule"))?;
    rule.validate(&catalog).map_err(|e| e.with_field("rule"))?;
    if let Some(a) = &body.amount {
        parse_amount(a)
            .and_then(|a| a.validate(&catalog))
            .map_err(|e| e.with_field("amount"))?;
    }
    let matcher =
        jiban_policy::Matcher::new(&[(0, rule)], &catalog).map_err(|e| e.with_field("rule"))?;
    let rows = state.store.policy_facts(zone, None).await?;
    let mut ind = engine::indicator_facts(&state, zone, None).await?;
    let today = engine::today();
    let mut qualified = 0;
    let mut sample = Vec::new();
    for r in &rows {
        let f = engine::facts(r, ind.remove(&r.id).unwrap_or_default());
        if matcher.matches_item(0, &matcher.compact(&f, today)) {
            qualified += 1;
            if sample.len() < 10 {
                sample.push(r.id);
            }
        }
    }
    let mut names = Vec::new();
    for id in sample {
        if let Some(e) = state.store.enterprise(zone, &p.visibility(), id).await? {
            names.push(DeptRef { id, name: e.name });
        }
    }
    Ok(Json(RuleCheckOut {
        qualified,
        total: rows.len(),
        sample: names,
    }))
}

// ---- policies -----------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct ItemIn {
    /// Keeps an existing item (its applications and pushes stay attached).
    pub id: Option<Uuid>,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// subsidy | reduction | right | qualification
    pub benefit_type: String,
    /// `jiban_policy::Amount` JSON.
    #[schema(value_type = Object)]
    pub amount: serde_json::Value,
    /// `jiban_policy::Rule` JSON.
    #[schema(value_type = Object)]
    pub rule: serde_json::Value,
    #[serde(default)]
    pub materials: Vec<String>,
    pub dept_id: Uuid,
    #[serde(default)]
    pub auto_grant: bool,
    /// Working days to review an application (1–60, default 10).
    pub review_days: Option<i64>,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct PolicyIn {
    pub title: String,
    pub issuer: String,
    /// 文号, e.g. `云经开发〔2025〕18号`.
    pub doc_no: String,
    pub issued_on: Date,
    pub effective_on: Date,
    pub expires_on: Option<Date>,
    pub apply_from: Option<Date>,
    pub apply_to: Option<Date>,
    #[serde(default)]
    pub body: String,
    /// draft | published | archived
    pub status: String,
    pub items: Vec<ItemIn>,
}

#[derive(Serialize, ToSchema)]
pub struct FileOut {
    pub id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub material: Option<String>,
    pub uploaded_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub url: String,
}

impl From<PolicyFileRow> for FileOut {
    fn from(f: PolicyFileRow) -> Self {
        FileOut {
            url: format!("/api/v1/policy-files/{}/download", f.id),
            id: f.id,
            file_name: f.file_name,
            content_type: f.content_type,
            size: f.size,
            material: f.material,
            uploaded_by_name: f.uploaded_by_name,
            created_at: bj(f.created_at),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ItemOut {
    pub id: Uuid,
    pub policy_id: Uuid,
    pub seq: i64,
    pub title: String,
    pub summary: String,
    pub benefit_type: String,
    pub benefit_name: String,
    #[schema(value_type = Object)]
    pub amount: serde_json::Value,
    #[schema(value_type = Object)]
    pub rule: serde_json::Value,
    pub materials: Vec<String>,
    pub dept_id: Uuid,
    pub dept_name: Option<String>,
    pub auto_grant: bool,
    pub review_days: i64,
    pub qualified_count: i64,
    pub applied_count: i64,
    pub paid_count: i64,
    pub paid_wan: f64,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyOut {
    pub id: Uuid,
    pub title: String,
    pub issuer: String,
    pub doc_no: String,
    pub issued_on: Date,
    pub effective_on: Date,
    pub expires_on: Option<Date>,
    pub apply_from: Option<Date>,
    pub apply_to: Option<Date>,
    pub body: String,
    pub status: String,
    pub status_name: String,
    pub created_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub items: Vec<ItemOut>,
    pub files: Vec<FileOut>,
    /// Enterprises qualifying for any item.
    pub qualified_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PolicySummary {
    pub id: Uuid,
    pub title: String,
    pub issuer: String,
    pub doc_no: String,
    pub issued_on: Date,
    pub effective_on: Date,
    pub expires_on: Option<Date>,
    pub apply_from: Option<Date>,
    pub apply_to: Option<Date>,
    pub status: String,
    pub status_name: String,
    pub item_count: usize,
    pub benefit_types: Vec<String>,
    pub qualified_count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PolicyPage {
    pub items: Vec<PolicySummary>,
    pub total: i64,
}

/// The Chinese name of a code in a (code, name) table (the code itself when unknown).
pub(super) fn label(table: &[(&str, &str)], code: &str) -> String {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, n)| n)
        .to_string()
}

fn status_name(s: &str) -> String {
    label(&STATUSES, s)
}

pub(super) fn benefit_name(s: &str) -> String {
    label(&BENEFIT_TYPES, s)
}

fn item_out(i: ItemRow, counts: &HashMap<Uuid, jiban_store::policies::ItemCounts>) -> ItemOut {
    let c = counts.get(&i.id);
    ItemOut {
        id: i.id,
        policy_id: i.policy_id,
        seq: i.seq,
        benefit_name: benefit_name(&i.benefit_type),
        title: i.title,
        summary: i.summary,
        benefit_type: i.benefit_type,
        amount: i.amount.0,
        rule: i.rule.0,
        materials: i.materials.0,
        dept_id: i.dept_id,
        dept_name: i.dept_name,
        auto_grant: i.auto_grant,
        review_days: i.review_days,
        qualified_count: c.map_or(0, |c| c.qualified),
        applied_count: c.map_or(0, |c| c.applied),
        paid_count: c.map_or(0, |c| c.paid),
        paid_wan: c.and_then(|c| c.paid_wan).unwrap_or(0.0),
    }
}

/// Staff without `policy.write` and enterprises see published policies only.
fn sees_drafts(p: &Principal) -> bool {
    p.role.has(Permission::PolicyWrite) && p.role != Role::Enterprise
}

async fn policy_out(state: &AppState, row: PolicyRow) -> ApiResult<PolicyOut> {
    let items = state.store.policy_items(&[row.id]).await?;
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    let counts: HashMap<Uuid, _> = state
        .store
        .item_counts(&ids)
        .await?
        .into_iter()
        .map(|c| (c.item_id, c))
        .collect();
    let qualified = state
        .store
        .policy_qualified_counts(&[row.id])
        .await?
        .first()
        .map_or(0, |(_, n)| *n);
    let files = state.store.policy_files(Some(row.id), None).await?;
    Ok(PolicyOut {
        id: row.id,
        status_name: status_name(&row.status),
        title: row.title,
        issuer: row.issuer,
        doc_no: row.doc_no,
        issued_on: row.issued_on,
        effective_on: row.effective_on,
        expires_on: row.expires_on,
        apply_from: row.apply_from,
        apply_to: row.apply_to,
        body: row.body,
        status: row.status,
        created_by_name: row.created_by_name,
        created_at: bj(row.created_at),
        updated_at: bj(row.updated_at),
        items: items.into_iter().map(|i| item_out(i, &counts)).collect(),
        files: files.into_iter().map(FileOut::from).collect(),
        qualified_count: qualified,
    })
}

#[derive(Deserialize, IntoParams, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct PolicyQuery {
    /// Full text (jieba) over title, 文号, issuer, body and items; best match first.
    pub q: Option<String>,
    /// draft | published | archived
    pub status: Option<String>,
    /// subsidy | reduction | right | qualification
    pub benefit_type: Option<String>,
    pub dept_id: Option<Uuid>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The policy library.
#[utoipa::path(get, path = "/api/v1/policies", tag = TAG,
    params(PolicyQuery),
    responses((status = 200, body = PolicyPage), (status = 422, body = ErrorBody)))]
pub async fn list_policies(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<PolicyQuery>,
) -> ApiResult<Json<PolicyPage>> {
    p.require(Permission::EnterpriseRead)?;
    if let Some(s) = q.status.as_deref()
        && !STATUSES.iter().any(|(c, _)| *c == s)
    {
        return Err(bad(
            "validation.unknown_value",
            "status",
            format!("状态“{s}”不存在，应为 draft、published 或 archived"),
        ));
    }
    if let Some(b) = q.benefit_type.as_deref()
        && !BENEFIT_TYPES.iter().any(|(c, _)| *c == b)
    {
        return Err(bad(
            "validation.unknown_value",
            "benefit_type",
            format!("政策类型“{b}”不存在，应为 subsidy、reduction、right 或 qualification"),
        ));
    }
    // without policy.write: published only (asking for drafts gives none)
    let status = match (sees_drafts(&p), q.status) {
        (true, status) => status,
        (false, Some(s)) if s != "published" => {
            return Ok(Json(PolicyPage {
                items: vec![],
                total: 0,
            }));
        }
        (false, _) => Some("published".to_string()),
    };
    let f = PolicyFilter {
        q: q.q,
        status,
        benefit_type: q.benefit_type,
        dept_id: q.dept_id,
    };
    let (rows, total) = state
        .store
        .policies(p.zone_id(), &f, Page::new(q.page, q.per_page))
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let items = state.store.policy_items(&ids).await?;
    let qualified: HashMap<Uuid, i64> = state
        .store
        .policy_qualified_counts(&ids)
        .await?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .map(|r| {
            let mine: Vec<&ItemRow> = items.iter().filter(|i| i.policy_id == r.id).collect();
            let mut types: Vec<String> = mine.iter().map(|i| i.benefit_type.clone()).collect();
            types.sort();
            types.dedup();
            PolicySummary {
                id: r.id,
                status_name: status_name(&r.status),
                title: r.title,
                issuer: r.issuer,
                doc_no: r.doc_no,
                issued_on: r.issued_on,
                effective_on: r.effective_on,
                expires_on: r.expires_on,
                apply_from: r.apply_from,
                apply_to: r.apply_to,
                status: r.status,
                item_count: mine.len(),
                benefit_types: types,
                qualified_count: qualified.get(&r.id).copied().unwrap_or(0),
            }
        })
        .collect();
    Ok(Json(PolicyPage { items, total }))
}

/// Checks a policy and its items; the rules and amounts against the zone's catalog.
async fn check_policy(
    state: &AppState,
    p: &Principal,
    body: &PolicyIn,
    existing: Option<&PolicyRow>,
) -> ApiResult<(PolicyWrite, Vec<ItemWrite>)> {
    use jiban_core::text::{required_line, required_text};
    let zone = p.zone_id();
    let title = required_line("title", "政策标题", &body.title, 200)?;
    let issuer = required_line("issuer", "发文机关", &body.issuer, 100)?;
    let doc_no = required_line("doc_no", "文号", &body.doc_no, 60)?;
    let text = if body.body.trim().is_empty() {
        String::new()
    } else {
        required_text("body", "政策全文", &body.body, MAX_BODY)?
    };
    if !STATUSES.iter().any(|(c, _)| *c == body.status) {
        return Err(bad(
            "validation.unknown_value",
            "status",
            format!(
                "状态“{}”不存在，应为 draft（草稿）、published（发布）或 archived（废止）",
                body.status
            ),
        ));
    }
    if body.effective_on < body.issued_on {
        return Err(bad(
            "validation.date_order",
            "effective_on",
            "施行日期不能早于发布日期",
        ));
    }
    if let Some(x) = body.expires_on
        && x < body.effective_on
    {
        return Err(bad(
            "validation.date_order",
            "expires_on",
            "失效日期不能早于施行日期",
        ));
    }
    if let (Some(a), Some(b)) = (body.apply_from, body.apply_to)
        && b < a
    {
        return Err(bad(
            "validation.date_order",
            "apply_to",
            "申报截止日期不能早于申报开始日期",
        ));
    }
    if state
        .store
        .policy_doc_no_taken(zone, &doc_no, existing.map(|e| e.id))
        .await?
    {
        return Err(AppError::Conflict {
            field: "doc_no".into(),
            message: format!("文号“{doc_no}”已被另一份政策使用"),
        });
    }
    if body.items.is_empty() {
        return Err(bad(
            "validation.required",
            "items",
            "请至少填写一项政策条款",
        ));
    }
    if body.items.len() > MAX_ITEMS {
        return Err(bad(
            "validation.too_many",
            "items",
            format!("每份政策最多 {MAX_ITEMS} 项条款"),
        ));
    }
    let catalog = engine::catalog(state, zone).await?;
    let departments: Vec<Uuid> = state
        .store
        .org_units(zone)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Department.as_str())
        .map(|u| u.id)
        .collect();
    let current: Vec<Uuid> = match existing {
        Some(e) => state
            .store
            .policy_items(&[e.id])
            .await?
            .iter()
            .map(|i| i.id)
            .collect(),
        None => vec![],
    };
    let mut items = Vec::new();
    for (k, it) in body.items.iter().enumerate() {
        let title = required_line("title", "条款名称", &it.title, 200)
            .map_err(|e| in_item(k, "title", e))?;
        let summary = if it.summary.trim().is_empty() {
            String::new()
        } else {
            required_text("summary", "条款内容", &it.summary, 2000)
                .map_err(|e| in_item(k, "summary", e))?
        };
        if !BENEFIT_TYPES.iter().any(|(c, _)| *c == it.benefit_type) {
            return Err(bad(
                "validation.unknown_value",
                format!("items[{k}].benefit_type"),
                format!(
                    "第 {} 项条款：政策类型“{}”不存在，应为 奖补、减免、权益 或 资质",
                    k + 1,
                    it.benefit_type
                ),
            ));
        }
        let rule = parse_rule(&it.rule).map_err(|e| in_item(k, "rule", e))?;
        rule.validate(&catalog).map_err(|e| in_item(k, "rule", e))?;
        let amount = parse_amount(&it.amount).map_err(|e| in_item(k, "amount", e))?;
        amount
            .validate(&catalog)
            .map_err(|e| in_item(k, "amount", e))?;
        if !departments.contains(&it.dept_id) {
            return Err(bad(
                "validation.unknown_value",
                format!("items[{k}].dept_id"),
                format!("第 {} 项条款：责任部门不存在", k + 1),
            ));
        }
        let materials: Vec<String> = it
            .materials
            .iter()
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .collect();
        if materials.len() > MAX_MATERIALS {
            return Err(bad(
                "validation.too_many",
                format!("items[{k}].materials"),
                format!("第 {} 项条款：申报材料最多 {MAX_MATERIALS} 项", k + 1),
            ));
        }
        for (j, m) in materials.iter().enumerate() {
            required_line("materials", "申报材料", m, 100)
                .map_err(|e| in_item(k, &format!("materials[{j}]"), e))?;
        }
        let review_days = it.review_days.unwrap_or(10);
        if !(1..=60).contains(&review_days) {
            return Err(bad(
                "validation.range",
                format!("items[{k}].review_days"),
                format!("第 {} 项条款：审核时限应为 1–60 个工作日", k + 1),
            ));
        }
        if let Some(id) = it.id
            && !current.contains(&id)
        {
            return Err(bad(
                "validation.unknown_value",
                format!("items[{k}].id"),
                format!("第 {} 项条款不属于这份政策", k + 1),
            ));
        }
        items.push(ItemWrite {
            id: it.id,
            title,
            summary,
            benefit_type: it.benefit_type.clone(),
            amount: serde_json::to_value(&amount).map_err(|e| AppError::Internal(e.into()))?,
            rule: serde_json::to_value(&rule).map_err(|e| AppError::Internal(e.into()))?,
            materials,
            dept_id: it.dept_id,
            auto_grant: it.auto_grant,
            review_days,
        });
    }
    // an item left out is deleted, unless it is in use
    for old in current {
        if !items.iter().any(|i| i.id == Some(old)) && state.store.policy_item_in_use(old).await? {
            return Err(transition(
                "policy.item_in_use",
                "被删除的条款已有企业申报或已推送，不能删除；可将政策废止后另行发布",
            ));
        }
    }
    Ok((
        PolicyWrite {
            title,
            issuer,
            doc_no,
            issued_on: body.issued_on,
            effective_on: body.effective_on,
            expires_on: body.expires_on,
            apply_from: body.apply_from,
            apply_to: body.apply_to,
            body: text,
            status: body.status.clone(),
        },
        items,
    ))
}

fn policy_audit(w: &PolicyWrite, items: &[ItemWrite]) -> serde_json::Value {
    json!({
        "title": w.title, "doc_no": w.doc_no, "issuer": w.issuer, "status": w.status,
        "issued_on": w.issued_on.to_string(), "effective_on": w.effective_on.to_string(),
        "expires_on": w.expires_on.map(|d| d.to_string()),
        "apply_from": w.apply_from.map(|d| d.to_string()), "apply_to": w.apply_to.map(|d| d.to_string()),
        "items": items.iter().map(|i| json!({
            "id": i.id, "title": i.title, "benefit_type": i.benefit_type, "amount": i.amount,
            "rule": i.rule, "materials": i.materials, "dept_id": i.dept_id, "auto_grant": i.auto_grant,
            "review_days": i.review_days,
        })).collect::<Vec<_>>(),
    })
}

/// Enters a policy with its items. Its matches are computed before the answer.
#[utoipa::path(post, path = "/api/v1/policies", tag = TAG,
    request_body = PolicyIn,
    responses((status = 201, body = PolicyOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_policy(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<PolicyIn>,
) -> ApiResult<(StatusCode, Json<PolicyOut>)> {
    require_officer(&p)?;
    let (w, items) = check_policy(&state, &p, &body, None).await?;
    let zone = p.zone_id();
    let mut tx = state.store.begin().await?;
    let id = tx.insert_policy(zone, &w, p.user.id).await?;
    tx.save_policy_items(zone, id, &items).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "policy.create",
            target_type: "policy",
            target_id: Some(id),
            detail: policy_audit(&w, &items),
        },
    )
    .await?;
    tx.commit().await?;
    engine::recompute(&state, zone).await?;
    let row = state
        .store
        .policy(zone, id)
        .await?
        .ok_or_else(|| AppError::not_found("政策"))?;
    Ok((StatusCode::CREATED, Json(policy_out(&state, row).await?)))
}

pub(super) async fn visible_policy(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> ApiResult<PolicyRow> {
    state
        .store
        .policy(p.zone_id(), id)
        .await?
        .filter(|r| sees_drafts(p) || r.status == "published")
        .ok_or_else(|| AppError::not_found("政策"))
}

/// One policy with its items (and their counts) and files.
#[utoipa::path(get, path = "/api/v1/policies/{id}", tag = TAG,
    params(("id" = Uuid, Path, description = "政策 id")),
    responses((status = 200, body = PolicyOut), (status = 404, body = ErrorBody)))]
pub async fn get_policy(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PolicyOut>> {
    p.require(Permission::EnterpriseRead)?;
    let row = visible_policy(&state, &p, id).await?;
    Ok(Json(policy_out(&state, row).await?))
}

/// Replaces a policy and its items (an item left out is deleted unless in use).
#[utoipa::path(put, path = "/api/v1/policies/{id}", tag = TAG,
    params(("id" = Uuid, Path, description = "政策 id")),
    request_body = PolicyIn,
    responses((status = 200, body = PolicyOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_policy(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PolicyIn>,
) -> ApiResult<Json<PolicyOut>> {
    require_officer(&p)?;
    let zone = p.zone_id();
    let old = state
        .store
        .policy(zone, id)
        .await?
        .ok_or_else(|| AppError::not_found("政策"))?;
    let (w, items) = check_policy(&state, &p, &body, Some(&old)).await?;
    let mut tx = state.store.begin().await?;
    tx.update_policy(id, &w).await?;
    tx.save_policy_items(zone, id, &items).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "policy.update",
            target_type: "policy",
            target_id: Some(id),
            detail: json!({ "before": { "title": old.title, "doc_no": old.doc_no, "status": old.status },
                "after": policy_audit(&w, &items) }),
        },
    )
    .await?;
    tx.commit().await?;
    engine::recompute(&state, zone).await?;
    let row = state
        .store
        .policy(zone, id)
        .await?
        .ok_or_else(|| AppError::not_found("政策"))?;
    Ok(Json(policy_out(&state, row).await?))
}

/// Matches every enterprise against every open item now (it also runs after changes and
/// nightly).
#[utoipa::path(post, path = "/api/v1/policy-matches/recompute", tag = TAG,
    responses((status = 200, body = MatchStats), (status = 403, body = ErrorBody)))]
pub async fn recompute_matches(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<MatchStats>> {
    require_officer(&p)?;
    Ok(Json(engine::recompute(&state, p.zone_id()).await?))
}

// ---- files --------------------------------------------------------------------------------------

/// Attaches a file (the signed document, an application form …) to a policy.
#[utoipa::path(post, path = "/api/v1/policies/{id}/files", tag = TAG,
    params(("id" = Uuid, Path, description = "政策 id")),
    request_body(content_type = "multipart/form-data", description = "file：附件（≤ 20 MB）"),
    responses((status = 201, body = FileOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_policy_file(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    mut form: Multipart,
) -> ApiResult<(StatusCode, Json<FileOut>)> {
    require_officer(&p)?;
    let zone = p.zone_id();
    state
        .store
        .policy(zone, id)
        .await?
        .ok_or_else(|| AppError::not_found("政策"))?;
    let up = receive_upload(&state.cfg.data_dir, &mut form, &[]).await?;
    let mut tx = state.store.begin().await?;
    let fid = tx
        .insert_policy_file(
            zone,
            Some(id),
            None,
            None,
            &up.name,
            up.kind.1,
            up.size as i64,
            &up.sha256,
            p.user.id,
        )
        .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "policy.file",
            target_type: "policy",
            target_id: Some(id),
            detail: json!({ "file_id": fid, "file_name": up.name, "size": up.size, "sha256": up.sha256 }),
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

/// A file the caller may see: a policy's (when the policy is visible) or an application's
/// (when the application is).
async fn visible_file(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<PolicyFileRow> {
    let f = state
        .store
        .policy_file(p.zone_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("附件"))?;
    if let Some(pid) = f.policy_id {
        visible_policy(state, p, pid).await?;
    } else if let Some(aid) = f.application_id {
        super::policy_applications::visible_application(state, p, aid).await?;
    }
    Ok(f)
}

/// Downloads a file of a policy or an application.
#[utoipa::path(get, path = "/api/v1/policy-files/{id}/download", tag = TAG,
    params(("id" = Uuid, Path, description = "附件 id")),
    responses((status = 200, description = "the file"), (status = 404, body = ErrorBody)))]
pub async fn download_policy_file(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<(HeaderMap, Vec<u8>)> {
    p.require(Permission::EnterpriseRead)?;
    let f = visible_file(&state, &p, id).await?;
    let bytes = tokio::fs::read(blob_path(&state.cfg.data_dir, &f.sha256))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("policy file {} missing: {e}", f.id)))?;
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&f.content_type).expect("ascii mime"),
    );
    h.insert(header::CONTENT_DISPOSITION, disposition(&f.file_name));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    Ok((h, bytes))
}

/// Removes a file from a policy (officers) or from one's own application before review.
#[utoipa::path(delete, path = "/api/v1/policy-files/{id}", tag = TAG,
    params(("id" = Uuid, Path, description = "附件 id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_policy_file(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    p.require(Permission::EnterpriseRead)?;
    let f = visible_file(&state, &p, id).await?;
    if f.policy_id.is_some() {
        require_officer(&p)?;
    } else if let Some(aid) = f.application_id {
        own_enterprise(&p)?;
        let a = super::policy_applications::visible_application(&state, &p, aid).await?;
        if !matches!(a.status.as_str(), "submitted" | "returned") || a.reviewed_at.is_some() {
            return Err(transition("policy.bad_state", "申报已审核，不能再删除材料"));
        }
    }
    let mut tx = state.store.begin().await?;
    tx.delete_policy_file(id).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "policy.file_delete",
            target_type: if f.policy_id.is_some() {
                "policy"
            } else {
                "policy_application"
            },
            target_id: f.policy_id.or(f.application_id),
            detail: json!({ "file_id": id, "file_name": f.file_name }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- matching -----------------------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct MatchItem {
    pub id: Uuid,
    pub title: String,
    pub summary: String,
    pub benefit_type: String,
    pub benefit_name: String,
    pub auto_grant: bool,
    pub materials: Vec<String>,
    pub dept_name: Option<String>,
    #[schema(value_type = Object)]
    pub amount: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct MatchPolicy {
    pub id: Uuid,
    pub title: String,
    pub doc_no: String,
    pub issuer: String,
    pub apply_from: Option<Date>,
    pub apply_to: Option<Date>,
}

#[derive(Serialize, ToSchema)]
pub struct ConditionOut {
    pub label: String,
    pub pass: bool,
    pub actual: String,
    pub needed: Option<String>,
    pub missing: bool,
    pub depth: u8,
    pub group: bool,
}

impl From<Condition> for ConditionOut {
    fn from(c: Condition) -> Self {
        ConditionOut {
            label: c.label,
            pass: c.pass,
            actual: c.actual,
            needed: c.needed,
            missing: c.missing,
            depth: c.depth,
            group: c.group,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct StatusRef {
    pub id: Uuid,
    pub status: String,
    pub status_name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PushRef {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub pushed_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
}

#[derive(Serialize, ToSchema)]
pub struct MatchOut {
    pub item: MatchItem,
    pub policy: MatchPolicy,
    /// 万元, where computable.
    pub amount_wan: Option<f64>,
    /// Why the amount cannot be computed.
    pub amount_note: Option<String>,
    pub conditions: Vec<ConditionOut>,
    /// How many conditions fail (0 for a qualifying item).
    pub failing: usize,
    pub application: Option<StatusRef>,
    pub push: Option<PushRef>,
}

#[derive(Serialize, ToSchema)]
pub struct EnterpriseMatches {
    pub as_of: Date,
    pub qualified: Vec<MatchOut>,
    /// Items failing on one or two conditions (差一点), fewest first.
    pub almost: Vec<MatchOut>,
}

pub(super) const APPLICATION_STATUSES: [(&str, &str); 5] = [
    ("submitted", "待审核"),
    ("returned", "退回补正"),
    ("refused", "不予支持"),
    ("approved", "审核通过"),
    ("paid", "已兑现"),
];

pub(super) fn application_status_name(s: &str) -> String {
    label(&APPLICATION_STATUSES, s)
}

/// The items an enterprise qualifies for (with the amount and the reasons) and those it almost
/// qualifies for (with the failing conditions and what would pass), computed live.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/policies", tag = TAG,
    params(("id" = Uuid, Path, description = "企业 id")),
    responses((status = 200, body = EnterpriseMatches), (status = 404, body = ErrorBody)))]
pub async fn enterprise_policies(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EnterpriseMatches>> {
    p.require(Permission::EnterpriseRead)?;
    let zone = p.zone_id();
    super::enterprises::visible(&state, &p, id).await?;
    let catalog = engine::catalog(&state, zone).await?;
    let items = engine::open_items(&state, zone, &catalog).await?;
    let policy_ids: Vec<Uuid> = {
        let mut v: Vec<Uuid> = items.iter().map(|i| i.row.policy_id).collect();
        v.sort();
        v.dedup();
        v
    };
    let policies: HashMap<Uuid, PolicyRow> = state
        .store
        .policies_by_ids(zone, &policy_ids)
        .await?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let (qualified, almost) =
        engine::explain_enterprise(&state, zone, id, &items, &catalog).await?;
    let apps: HashMap<Uuid, ApplicationRow> = state
        .store
        .enterprise_applications(zone, id)
        .await?
        .into_iter()
        .rev() // newest last, so that it wins
        .map(|a| (a.item_id, a))
        .collect();
    let pushes: HashMap<Uuid, jiban_store::policies::PushRow> = state
        .store
        .enterprise_pushes(id)
        .await?
        .into_iter()
        .map(|pu| (pu.item_id, pu))
        .collect();
    let out = |e: engine::Explained<'_>| -> Option<MatchOut> {
        let it = &e.item.row;
        let pol = policies.get(&it.policy_id)?;
        let failing = e.explanation.failing_count();
        Some(MatchOut {
            item: MatchItem {
                id: it.id,
                title: it.title.clone(),
                summary: it.summary.clone(),
                benefit_name: benefit_name(&it.benefit_type),
                benefit_type: it.benefit_type.clone(),
                auto_grant: it.auto_grant,
                materials: it.materials.0.clone(),
                dept_name: it.dept_name.clone(),
                amount: it.amount.0.clone(),
            },
            policy: MatchPolicy {
                id: pol.id,
                title: pol.title.clone(),
                doc_no: pol.doc_no.clone(),
                issuer: pol.issuer.clone(),
                apply_from: pol.apply_from,
                apply_to: pol.apply_to,
            },
            amount_wan: e.amount_wan,
            amount_note: e.amount_note,
            conditions: e
                .explanation
                .conditions
                .into_iter()
                .map(ConditionOut::from)
                .collect(),
            failing,
            application: apps.get(&it.id).map(|a| StatusRef {
                id: a.id,
                status_name: application_status_name(&a.status),
                status: a.status.clone(),
            }),
            push: pushes.get(&it.id).map(|pu| PushRef {
                id: pu.id,
                pushed_at: bj(pu.pushed_at),
                read_at: pu.read_at.map(bj),
            }),
        })
    };
    Ok(Json(EnterpriseMatches {
        as_of: engine::today(),
        qualified: qualified.into_iter().filter_map(out).collect(),
        almost: almost.into_iter().filter_map(out).collect(),
    }))
}

#[derive(Deserialize, IntoParams, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ItemEnterpriseQuery {
    /// qualified (default) | applied | not_applied
    pub status: Option<String>,
    /// A part of the name or credit code.
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct ItemEnterpriseOut {
    pub enterprise_id: Uuid,
    pub name: String,
    pub uscc: String,
    pub street_name: Option<String>,
    pub size_class: String,
    pub size_name: String,
    pub qualified: bool,
    pub amount_wan: Option<f64>,
    pub amount_note: Option<String>,
    pub application: Option<StatusRef>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub pushed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
}

#[derive(Serialize, ToSchema)]
pub struct AudienceCounts {
    pub qualified: i64,
    pub applied: i64,
    pub not_applied: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ItemEnterprisePage {
    pub items: Vec<ItemEnterpriseOut>,
    pub total: i64,
    pub counts: AudienceCounts,
}

fn audience(s: Option<&str>) -> ApiResult<ItemAudience> {
    match s.unwrap_or("qualified") {
        "qualified" => Ok(ItemAudience::Qualified),
        "applied" => Ok(ItemAudience::Applied),
        "not_applied" => Ok(ItemAudience::NotApplied),
        other => Err(bad(
            "validation.unknown_value",
            "status",
            format!("“{other}”不是有效的名单，应为 qualified、applied 或 not_applied"),
        )),
    }
}

pub(super) async fn staff_item(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<ItemRow> {
    if p.role == Role::Enterprise {
        return Err(AppError::not_found("政策条款"));
    }
    let item = state
        .store
        .policy_item(p.zone_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("政策条款"))?;
    visible_policy(state, p, item.policy_id).await?;
    Ok(item)
}

fn item_enterprise_out(r: jiban_store::policies::ItemEnterpriseRow) -> ItemEnterpriseOut {
    ItemEnterpriseOut {
        enterprise_id: r.enterprise_id,
        name: r.name,
        uscc: r.uscc,
        street_name: r.street_name,
        size_name: SizeClass::parse(&r.size_class)
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
        size_class: r.size_class,
        qualified: r.qualified,
        amount_wan: r.amount_wan,
        amount_note: r.amount_note,
        application: r.application_id.map(|id| StatusRef {
            id,
            status_name: application_status_name(r.application_status.as_deref().unwrap_or("")),
            status: r.application_status.unwrap_or_default(),
        }),
        pushed_at: r.pushed_at.map(bj),
        read_at: r.read_at.map(bj),
    }
}

/// One item with its counts (staff).
#[utoipa::path(get, path = "/api/v1/policy-items/{id}", tag = TAG,
    params(("id" = Uuid, Path, description = "条款 id")),
    responses((status = 200, body = ItemOut), (status = 404, body = ErrorBody)))]
pub async fn get_item(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ItemOut>> {
    p.require(Permission::EnterpriseRead)?;
    let item = staff_item(&state, &p, id).await?;
    let counts: HashMap<Uuid, _> = state
        .store
        .item_counts(&[item.id])
        .await?
        .into_iter()
        .map(|c| (c.item_id, c))
        .collect();
    Ok(Json(item_out(item, &counts)))
}

/// The enterprises of an item: qualifying, applied, or qualifying and not applied.
#[utoipa::path(get, path = "/api/v1/policy-items/{id}/enterprises", tag = TAG,
    params(("id" = Uuid, Path, description = "条款 id"), ItemEnterpriseQuery),
    responses((status = 200, body = ItemEnterprisePage), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn item_enterprises(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ItemEnterpriseQuery>,
) -> ApiResult<Json<ItemEnterprisePage>> {
    p.require(Permission::EnterpriseRead)?;
    let who = audience(q.status.as_deref())?;
    let item = staff_item(&state, &p, id).await?;
    let (rows, total) = state
        .store
        .item_enterprises(item.id, who, q.q.as_deref(), Page::new(q.page, q.per_page))
        .await?;
    let (qualified, applied, not_applied) = state.store.item_audience_counts(item.id).await?;
    Ok(Json(ItemEnterprisePage {
        items: rows.into_iter().map(item_enterprise_out).collect(),
        total,
        counts: AudienceCounts {
            qualified,
            applied,
            not_applied,
        },
    }))
}

/// The list as an Excel workbook (免申即享清单 for approval): at most 100,000 rows.
#[utoipa::path(get, path = "/api/v1/policy-items/{id}/enterprises/export", tag = TAG,
    params(("id" = Uuid, Path, description = "条款 id"), ItemEnterpriseQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 404, body = ErrorBody)))]
pub async fn export_item_enterprises(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ItemEnterpriseQuery>,
) -> ApiResult<(HeaderMap, Vec<u8>)> {
    p.require(Permission::EnterpriseRead)?;
    let who = audience(q.status.as_deref())?;
    let item = staff_item(&state, &p, id).await?;
    let policy = visible_policy(&state, &p, item.policy_id).await?;
    let (rows, _) = state
        .store
        .item_enterprises(
            item.id,
            who,
            q.q.as_deref(),
            Page {
                page: 1,
                page_size: 100_000,
            },
        )
        .await?;
    let rows: Vec<ItemEnterpriseOut> = rows.into_iter().map(item_enterprise_out).collect();
    let bytes = item_workbook(&policy, &item, &rows)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    let title = if item.auto_grant {
        "免申即享清单"
    } else {
        "政策匹配名单"
    };
    Ok(super::xlsx_download(title, "policy-list", bytes))
}

fn item_workbook(
    policy: &PolicyRow,
    item: &ItemRow,
    rows: &[ItemEnterpriseOut],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("名单")?;
    let bold = Format::new().set_bold();
    ws.write_with_format(
        0,
        0,
        format!("{}（{}）— {}", policy.title, policy.doc_no, item.title),
        &bold,
    )?;
    let head = Format::new().set_bold().set_background_color("#EEF3FA");
    let cols: [(&str, f64); 10] = [
        ("序号", 6.0),
        ("企业名称", 32.0),
        ("统一社会信用代码", 22.0),
        ("所属街道", 12.0),
        ("规模", 7.0),
        ("是否符合条件", 12.0),
        ("测算金额（万元）", 14.0),
        ("金额说明", 24.0),
        ("申报状态", 10.0),
        ("推送时间", 18.0),
    ];
    for (i, (name, width)) in cols.iter().enumerate() {
        ws.write_with_format(2, i as u16, *name, &head)?;
        ws.set_column_width(i as u16, *width)?;
    }
    for (k, r) in rows.iter().enumerate() {
        let row = k as u32 + 3;
        ws.write(row, 0, (k + 1) as f64)?;
        ws.write(row, 1, r.name.as_str())?;
        ws.write(row, 2, r.uscc.as_str())?;
        ws.write(row, 3, r.street_name.as_deref().unwrap_or(""))?;
        ws.write(row, 4, r.size_name.as_str())?;
        ws.write(row, 5, if r.qualified { "符合" } else { "否" })?;
        if let Some(a) = r.amount_wan {
            ws.write(row, 6, a)?;
        }
        ws.write(row, 7, r.amount_note.as_deref().unwrap_or(""))?;
        ws.write(
            row,
            8,
            r.application
                .as_ref()
                .map_or("未申报", |a| a.status_name.as_str()),
        )?;
        if let Some(t) = r.pushed_at {
            ws.write(row, 9, super::super::casework::rfc3339(t))?;
        }
    }
    wb.save_to_buffer()
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct PushIn {
    /// The enterprises to push to (each must qualify); absent: every qualifying enterprise that
    /// has not applied and was not pushed before.
    pub enterprise_ids: Option<Vec<Uuid>>,
    pub note: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct PushResult {
    pub pushed: usize,
}

/// 送政策: sends an item to qualifying enterprises; their accounts are notified.
#[utoipa::path(post, path = "/api/v1/policy-items/{id}/push", tag = TAG,
    params(("id" = Uuid, Path, description = "条款 id")),
    request_body = PushIn,
    responses((status = 200, body = PushResult), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn push_item(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<PushIn>,
) -> ApiResult<Json<PushResult>> {
    require_officer(&p)?;
    let zone = p.zone_id();
    let item = staff_item(&state, &p, id).await?;
    let policy = visible_policy(&state, &p, item.policy_id).await?;
    if policy.status != "published" {
        return Err(transition(
            "policy.not_published",
            "政策尚未发布（或已废止），不能推送",
        ));
    }
    let note = jiban_core::text::optional_text("note", "推送说明", body.note.as_deref(), 500)?;
    let (all, _) = state
        .store
        .item_enterprises(
            item.id,
            ItemAudience::Qualified,
            None,
            Page {
                page: 1,
                page_size: 1_000_000,
            },
        )
        .await?;
    let targets: Vec<Uuid> = match &body.enterprise_ids {
        Some(ids) => {
            if ids.is_empty() {
                return Err(bad(
                    "validation.required",
                    "enterprise_ids",
                    "请选择要推送的企业",
                ));
            }
            for (k, e) in ids.iter().enumerate() {
                if !all.iter().any(|r| r.enterprise_id == *e) {
                    return Err(bad(
                        "policy.not_eligible",
                        format!("enterprise_ids[{k}]"),
                        "所选企业不符合该条款的申报条件，不能推送",
                    ));
                }
            }
            ids.clone()
        }
        None => all
            .iter()
            .filter(|r| r.application_id.is_none() && r.push_id.is_none())
            .map(|r| r.enterprise_id)
            .collect(),
    };
    let mut tx = state.store.begin().await?;
    let pushed = tx
        .insert_policy_pushes(zone, item.id, &targets, note.as_deref(), p.user.id)
        .await?;
    let title = format!("政策推送：{}", item.title);
    let text = format!(
        "{}（{}）。{}",
        policy.title,
        policy.doc_no,
        note.clone().unwrap_or_default()
    );
    super::policy_applications::notify_enterprises(
        &state,
        &mut tx,
        zone,
        &pushed,
        "policy_push",
        &title,
        &text,
    )
    .await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "policy.push",
            target_type: "policy_item",
            target_id: Some(item.id),
            detail: json!({ "pushed": pushed.len(), "enterprise_ids": pushed, "note": note }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(PushResult {
        pushed: pushed.len(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PushOut {
    pub id: Uuid,
    pub item_id: Uuid,
    pub item_title: String,
    pub policy_id: Uuid,
    pub policy_title: String,
    pub doc_no: String,
    pub note: Option<String>,
    pub pushed_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub pushed_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub read_at: Option<OffsetDateTime>,
}

/// The pushes the signed-in enterprise received, newest first.
#[utoipa::path(get, path = "/api/v1/portal/policy-pushes", tag = TAG,
    responses((status = 200, body = Vec<PushOut>), (status = 403, body = ErrorBody)))]
pub async fn portal_pushes(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<Vec<PushOut>>> {
    let e = own_enterprise(&p)?;
    Ok(Json(
        state
            .store
            .enterprise_pushes(e)
            .await?
            .into_iter()
            .map(|r| PushOut {
                id: r.id,
                item_id: r.item_id,
                item_title: r.item_title,
                policy_id: r.policy_id,
                policy_title: r.policy_title,
                doc_no: r.doc_no,
                note: r.note,
                pushed_by_name: r.pushed_by_name,
                pushed_at: bj(r.pushed_at),
                read_at: r.read_at.map(bj),
            })
            .collect(),
    ))
}

/// The enterprise opened a push (the first read is kept).
#[utoipa::path(post, path = "/api/v1/policy-pushes/{id}/read", tag = TAG,
    params(("id" = Uuid, Path, description = "推送 id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn read_push(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let e = own_enterprise(&p)?;
    let mut tx = state.store.begin().await?;
    match tx.mark_policy_push_read(id, e, p.user.id).await? {
        None => return Err(AppError::not_found("推送")),
        Some(true) => {
            tx.audit(
                &p.actor(),
                NewAudit {
                    zone_id: p.zone_id(),
                    action: "policy.push_read",
                    target_type: "policy_push",
                    target_id: Some(id),
                    detail: json!({ "enterprise_id": e }),
                },
            )
            .await?;
        }
        Some(false) => {}
    }
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
