//! 智能派单 and 重复件: the suggestion for a demand, the zone's dispatch rules, the model's state
//! and retraining, the duplicate check at intake, and the sweep's list of likely duplicates.

use super::{PageQuery, Paged, bj};
use crate::auth::Principal;
use crate::casework::visibility;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::routing::{DuplicateOut, LeadUnit, duplicates_of, lead_unit_for, train};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiban_core::case::CaseState;
use jiban_core::roles::{Permission, Role};
use jiban_core::text::required_text;
use jiban_store::Page;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use utoipa::ToSchema;
use uuid::Uuid;

const SUGGEST_ROLES: &[Role] = &[
    Role::Intake,
    Role::Dispatcher,
    Role::Supervisor,
    Role::Admin,
    Role::GridWorker,
];
const DUPLICATE_ROLES: &[Role] = &[
    Role::Intake,
    Role::Dispatcher,
    Role::Supervisor,
    Role::Admin,
    Role::Leader,
];
const SWEEP_ROLES: &[Role] = &[Role::Dispatcher, Role::Supervisor, Role::Admin];

fn require_role(p: &Principal, roles: &[Role], what: &str) -> ApiResult<()> {
    if roles.contains(&p.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden {
            code: "auth.forbidden",
            message: format!("您的角色（{}）不能{what}", p.role.label()),
        })
    }
}

fn demand_text(text: &str) -> ApiResult<String> {
    let t = required_text("text", "诉求内容", text, 4000)?;
    if t.chars().filter(|c| c.is_alphanumeric()).count() < 4 {
        return Err(AppError::invalid(
            "validation.too_short",
            "text",
            "诉求内容太短，至少 4 个字才能给出建议",
        ));
    }
    Ok(t)
}

/// The grid of the place: the one given, else the enterprise's (checked to be in the zone).
async fn place(
    state: &AppState,
    p: &Principal,
    enterprise_id: Option<Uuid>,
    grid_id: Option<Uuid>,
) -> ApiResult<(Option<Uuid>, Option<Uuid>)> {
    let zone = p.zone_id();
    let mut grid = None;
    if let Some(g) = grid_id {
        let unit = state
            .store
            .org_units(zone)
            .await?
            .into_iter()
            .find(|u| u.id == g && u.kind == "grid")
            .ok_or_else(|| AppError::invalid("validation.grid", "grid_id", "网格不存在"))?;
        grid = Some(unit.id);
    }
    if let Some(e) = enterprise_id {
        let ent = state
            .store
            .enterprise(zone, &jiban_store::enterprises::Visibility::Zone, e)
            .await?
            .ok_or_else(|| {
                AppError::invalid("validation.enterprise", "enterprise_id", "企业不存在")
            })?;
        grid = grid.or(ent.grid_id);
    }
    Ok((enterprise_id, grid))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestBody {
    /// The demand as written (title and description).
    pub text: String,
    pub enterprise_id: Option<Uuid>,
    pub grid_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct CandidateOut {
    pub category: String,
    pub category_name: String,
    /// 0..1
    pub confidence: f64,
}

#[derive(Serialize, ToSchema)]
pub struct SuggestOut {
    pub model_version: String,
    /// The three likeliest categories, best first.
    pub candidates: Vec<CandidateOut>,
    /// The lead unit the zone's rules give for the best category and this place.
    pub lead_unit: Option<LeadUnit>,
    /// The words that weighed most.
    pub words: Vec<String>,
    /// The suggestion in one sentence.
    pub reason: String,
}

/// 智能派单: the three likeliest categories of a demand, the lead unit the zone's rules give for
/// the best one (territorial categories go to the street of the place, 先属地后属主), and why.
#[utoipa::path(post, path = "/api/v1/routing/suggest", tag = "智能派单",
    request_body = SuggestBody,
    responses((status = 200, body = SuggestOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn suggest(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<SuggestBody>,
) -> ApiResult<Json<SuggestOut>> {
    require_role(&p, SUGGEST_ROLES, "获取派单建议")?;
    let text = demand_text(&b.text)?;
    let (_, grid) = place(&state, &p, b.enterprise_id, b.grid_id).await?;
    let zone = p.zone_id();
    let model = state.models.for_zone(&state.store, zone).await?;
    let s = tokio::task::spawn_blocking({
        let model = model.clone();
        move || model.suggest(&text, 3)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    let cats = state.store.categories(zone).await?;
    let name = |code: &str| {
        cats.iter()
            .find(|c| c.code == code)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let units = state.store.org_units(zone).await?;
    let lead = match s.candidates.first() {
        Some(best) => lead_unit_for(&state.store, zone, &best.category, grid, &units).await?,
        None => None,
    };
    let mut reason = match s.candidates.first() {
        Some(best) if !s.words.is_empty() => format!(
            "“{}”指向{}",
            s.words
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("”“"),
            name(&best.category)
        ),
        Some(best) => format!("最接近{}", name(&best.category)),
        None => "暂无可用的派单模型".into(),
    };
    match &lead {
        Some(l) if l.rule == "territorial" => reason.push_str(&format!(
            "；属地类诉求，按所在网格派{}（先属地后属主）",
            l.name
        )),
        Some(l) => reason.push_str(&format!("；按派单规则由{}主办", l.name)),
        None => reason.push_str("；该分类未设派单规则，请人工选择承办单位"),
    }
    Ok(Json(SuggestOut {
        model_version: model.version.clone(),
        candidates: s
            .candidates
            .iter()
            .map(|c| CandidateOut {
                category: c.category.clone(),
                category_name: name(&c.category),
                confidence: c.confidence,
            })
            .collect(),
        lead_unit: lead,
        words: s.words,
        reason,
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct RoutingRuleOut {
    pub category_code: String,
    pub category_name: String,
    pub lead_unit_id: Option<Uuid>,
    pub lead_unit_name: Option<String>,
    /// The street of the place leads first (先属地后属主); the unit above when the place is unknown.
    pub territorial: bool,
}

/// The dispatch rules: one per leaf category (a category without a rule shows empty).
#[utoipa::path(get, path = "/api/v1/routing/rules", tag = "智能派单",
    responses((status = 200, body = Vec<RoutingRuleOut>), (status = 403, body = ErrorBody)))]
pub async fn list_rules(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<Vec<RoutingRuleOut>>> {
    p.require(Permission::OrgRead)?;
    let zone = p.zone_id();
    let rules = state.store.routing_rules(zone).await?;
    let cats = state.store.categories(zone).await?;
    let leaves: Vec<_> = cats.iter().filter(|c| c.parent_code.is_some()).collect();
    Ok(Json(
        leaves
            .into_iter()
            .map(|c| {
                let r = rules.iter().find(|r| r.category_code == c.code);
                RoutingRuleOut {
                    category_code: c.code.clone(),
                    category_name: c.name.clone(),
                    lead_unit_id: r.and_then(|r| r.lead_unit_id),
                    lead_unit_name: r.and_then(|r| r.lead_unit_name.clone()),
                    territorial: r.is_some_and(|r| r.territorial),
                }
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleBody {
    pub lead_unit_id: Option<Uuid>,
    pub territorial: bool,
}

/// Sets the dispatch rule of a leaf category.
#[utoipa::path(put, path = "/api/v1/routing/rules/{code}", tag = "智能派单",
    params(("code" = String, Path, description = "诉求分类代码，如 CS01")),
    request_body = RuleBody,
    responses((status = 200, body = RoutingRuleOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_rule(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(code): ApiPath<String>,
    ApiJson(b): ApiJson<RuleBody>,
) -> ApiResult<Json<RoutingRuleOut>> {
    p.require(Permission::RoutingWrite)?;
    let zone = p.zone_id();
    let code = jiban_core::category::CategoryCode::parse(&code)?;
    let cats = state.store.categories(zone).await?;
    let cat = cats
        .iter()
        .find(|c| c.code == code.as_str() && c.parent_code.is_some())
        .ok_or_else(|| {
            AppError::invalid(
                "validation.category",
                "code",
                format!("诉求分类“{code}”不存在或不是末级分类"),
            )
        })?;
    let mut unit_name = None;
    if let Some(id) = b.lead_unit_id {
        let u = state
            .store
            .org_units(zone)
            .await?
            .into_iter()
            .find(|u| u.id == id)
            .ok_or_else(|| {
                AppError::invalid("validation.unit", "lead_unit_id", "承办单位不存在")
            })?;
        if !u.active
            || !matches!(
                u.kind.as_str(),
                "department" | "street" | "community" | "village"
            )
        {
            return Err(AppError::invalid(
                "validation.unit_kind",
                "lead_unit_id",
                format!("“{}”不能作为主办单位（应为在用的部门、街道或社区）", u.name),
            ));
        }
        unit_name = Some(u.name);
    }
    if b.lead_unit_id.is_none() && !b.territorial {
        return Err(AppError::invalid(
            "validation.required",
            "lead_unit_id",
            "非属地类诉求必须指定主办单位",
        ));
    }
    let before = state
        .store
        .routing_rules(zone)
        .await?
        .into_iter()
        .find(|r| r.category_code == code.as_str());
    let mut tx = state.store.begin().await?;
    tx.upsert_routing_rule(zone, code.as_str(), b.lead_unit_id, b.territorial)
        .await?;
    tx.audit(&p.actor(), jiban_store::audit::NewAudit {
        zone_id: zone,
        action: "routing_rule.update",
        target_type: "routing_rule",
        target_id: None,
        detail: json!({
            "category_code": code.as_str(),
            "before": before.map(|r| json!({"lead_unit_id": r.lead_unit_id, "territorial": r.territorial})),
            "after": {"lead_unit_id": b.lead_unit_id, "territorial": b.territorial},
        }),
    })
    .await?;
    tx.commit().await?;
    Ok(Json(RoutingRuleOut {
        category_code: code.as_str().into(),
        category_name: cat.name.clone(),
        lead_unit_id: b.lead_unit_id,
        lead_unit_name: unit_name,
        territorial: b.territorial,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct HeldoutOut {
    pub total: usize,
    /// Top-1 accuracy, 0..1.
    pub top1: f64,
    /// Top-3 accuracy, 0..1.
    pub top3: f64,
}

#[derive(Serialize, ToSchema)]
pub struct FeedbackOut {
    pub days: i64,
    pub dispatches: i64,
    /// Share of dispatches whose category was the model's first choice, 0..1.
    pub category_accepted: f64,
    /// Share of dispatches whose lead unit was the suggested one, 0..1.
    pub unit_accepted: f64,
}

#[derive(Serialize, ToSchema)]
pub struct ModelOut {
    pub version: String,
    #[serde(with = "time::serde::rfc3339::option")]
    pub trained_at: Option<OffsetDateTime>,
    pub documents: u64,
    /// Confirmed dispatches of this zone among them.
    pub zone_documents: u64,
    pub vocabulary: usize,
    /// Accuracy on the built-in held-out set (never trained on).
    pub heldout: HeldoutOut,
    pub feedback: FeedbackOut,
}

async fn model_out(state: &AppState, p: &Principal) -> ApiResult<ModelOut> {
    let zone = p.zone_id();
    let model = state.models.for_zone(&state.store, zone).await?;
    let row = state.store.routing_model(zone).await?;
    // the held-out figures change only with the model: computed once per model version
    static HELDOUT: std::sync::Mutex<Option<(String, jiban_route::Evaluation)>> =
        std::sync::Mutex::new(None);
    let cached = HELDOUT
        .lock()
        .expect("lock")
        .as_ref()
        .filter(|(v, _)| *v == model.version)
        .map(|(_, e)| e.clone());
    let ev = match cached {
        Some(ev) => ev,
        None => {
            let ev = tokio::task::spawn_blocking({
                let model = model.clone();
                move || jiban_route::evaluate(&model, &jiban_route::heldout_corpus())
            })
            .await
            .map_err(|e| AppError::Internal(e.into()))?;
            *HELDOUT.lock().expect("lock") = Some((model.version.clone(), ev.clone()));
            ev
        }
    };
    let days = 30;
    let fb = state
        .store
        .routing_feedback_summary(zone, OffsetDateTime::now_utc() - time::Duration::days(days))
        .await?;
    let rate = |n: i64| (n as f64 / fb.dispatches.max(1) as f64 * 1000.0).round() / 1000.0;
    Ok(ModelOut {
        version: model.version.clone(),
        trained_at: row.as_ref().map(|r| bj(r.trained_at)),
        documents: model.documents(),
        zone_documents: row.map(|r| r.zone_documents as u64).unwrap_or(0),
        vocabulary: model.vocabulary(),
        heldout: HeldoutOut {
            total: ev.total,
            top1: (ev.top1_rate() * 1000.0).round() / 1000.0,
            top3: (ev.top3_rate() * 1000.0).round() / 1000.0,
        },
        feedback: FeedbackOut {
            days,
            dispatches: fb.dispatches,
            category_accepted: rate(fb.category_accepted),
            unit_accepted: rate(fb.unit_accepted),
        },
    })
}

/// The model serving this zone: size, held-out accuracy and how often dispatchers took its advice.
#[utoipa::path(get, path = "/api/v1/routing/model", tag = "智能派单",
    responses((status = 200, body = ModelOut), (status = 403, body = ErrorBody)))]
pub async fn get_model(State(state): State<AppState>, p: Principal) -> ApiResult<Json<ModelOut>> {
    p.require(Permission::OrgRead)?;
    Ok(Json(model_out(&state, &p).await?))
}

/// Retrains the zone's model now (it also retrains every night).
#[utoipa::path(post, path = "/api/v1/routing/train", tag = "智能派单",
    responses((status = 200, body = ModelOut), (status = 403, body = ErrorBody)))]
pub async fn retrain(State(state): State<AppState>, p: Principal) -> ApiResult<Json<ModelOut>> {
    p.require(Permission::RoutingWrite)?;
    let report = train(&state.store, &state.models, p.zone_id()).await?;
    let mut tx = state.store.begin().await?;
    tx.audit(
        &p.actor(),
        jiban_store::audit::NewAudit {
            zone_id: p.zone_id(),
            action: "routing_model.train",
            target_type: "routing_model",
            target_id: None,
            detail: json!(report),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(model_out(&state, &p).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckBody {
    pub text: String,
    pub enterprise_id: Option<Uuid>,
    pub grid_id: Option<Uuid>,
    /// A case to leave out (the case itself).
    pub exclude_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct DuplicatesOut {
    pub items: Vec<DuplicateOut>,
}

/// 重复件: open cases that are probably the same demand as this text (best first, at most 5).
#[utoipa::path(post, path = "/api/v1/cases/duplicates/check", tag = "智能派单",
    request_body = CheckBody,
    responses((status = 200, body = DuplicatesOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn check_duplicates(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<CheckBody>,
) -> ApiResult<Json<DuplicatesOut>> {
    require_role(&p, DUPLICATE_ROLES, "查重")?;
    let text = demand_text(&b.text)?;
    let (enterprise, grid) = place(&state, &p, b.enterprise_id, b.grid_id).await?;
    let items = duplicates_of(
        &state.store,
        &state.models,
        p.zone_id(),
        &text,
        enterprise,
        grid,
        b.exclude_id,
        OffsetDateTime::now_utc(),
        state.cfg.jobs.duplicate_window_days,
    )
    .await?;
    Ok(Json(DuplicatesOut {
        items: items.into_iter().map(in_beijing).collect(),
    }))
}

fn in_beijing(mut d: DuplicateOut) -> DuplicateOut {
    d.created_at = bj(d.created_at);
    d
}

/// Likely duplicates of an existing case among the other open cases.
#[utoipa::path(get, path = "/api/v1/cases/{id}/duplicates", tag = "智能派单",
    params(("id" = Uuid, Path, description = "案件 id")),
    responses((status = 200, body = DuplicatesOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn case_duplicates(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<DuplicatesOut>> {
    p.require(Permission::CaseRead)?;
    require_role(&p, DUPLICATE_ROLES, "查重")?;
    let case = state
        .store
        .case(p.zone_id(), &visibility(&p), id)
        .await?
        .ok_or_else(|| AppError::NotFound("案件不存在".into()))?;
    let items = duplicates_of(
        &state.store,
        &state.models,
        p.zone_id(),
        &format!("{}。{}", case.title, case.description),
        case.enterprise_id,
        case.grid_id,
        Some(case.id),
        case.created_at,
        state.cfg.jobs.duplicate_window_days,
    )
    .await?;
    Ok(Json(DuplicatesOut {
        items: items.into_iter().map(in_beijing).collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct PairCase {
    pub id: Uuid,
    pub case_no: String,
    pub title: String,
    pub state: String,
    pub state_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct PairOut {
    pub id: Uuid,
    pub score: f64,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    pub found_at: OffsetDateTime,
    /// The newer case (to merge).
    pub case: PairCase,
    /// The older case (the master).
    pub other: PairCase,
}

fn state_name(s: &str) -> String {
    CaseState::parse(s)
        .map(|s| s.label().to_string())
        .unwrap_or_default()
}

/// Likely duplicate pairs among open cases, found by the nightly sweep (best first).
#[utoipa::path(get, path = "/api/v1/duplicates", tag = "智能派单",
    params(PageQuery),
    responses((status = 200, body = Paged<PairOut>), (status = 403, body = ErrorBody)))]
pub async fn list_pairs(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<Paged<PairOut>>> {
    require_role(&p, SWEEP_ROLES, "查看重复件")?;
    let page = Page::new(q.page, q.page_size);
    let (rows, total) = state.store.duplicate_pairs(p.zone_id(), page).await?;
    Ok(Json(Paged {
        items: rows
            .into_iter()
            .map(|r| PairOut {
                id: r.id,
                score: r.score,
                reason: r.reason,
                found_at: bj(r.found_at),
                case: PairCase {
                    id: r.case_id,
                    case_no: r.case_no,
                    title: r.case_title,
                    state_name: state_name(&r.case_state),
                    state: r.case_state,
                    created_at: bj(r.case_created_at),
                },
                other: PairCase {
                    id: r.other_id,
                    case_no: r.other_no,
                    title: r.other_title,
                    state_name: state_name(&r.other_state),
                    state: r.other_state,
                    created_at: bj(r.other_created_at),
                },
            })
            .collect(),
        total,
        page: page.page,
        page_size: page.page_size,
        total_capped: None,
    }))
}

/// “不是重复件”: the pair is not listed again.
#[utoipa::path(post, path = "/api/v1/duplicates/{id}/dismiss", tag = "智能派单",
    params(("id" = Uuid, Path, description = "重复件线索 id")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn dismiss_pair(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    require_role(&p, SWEEP_ROLES, "处理重复件")?;
    let (case_id, other_id, st) = state
        .store
        .duplicate_pair(p.zone_id(), id)
        .await
        .map_err(|_| AppError::NotFound("重复件线索不存在".into()))?;
    if st != "open" {
        return Err(AppError::Transition {
            code: "duplicate.decided",
            message: "该重复件线索已处理".into(),
        });
    }
    let mut tx = state.store.begin().await?;
    tx.decide_duplicate_pair(id, "dismissed", Some(p.user.id))
        .await?;
    tx.audit(
        &p.actor(),
        jiban_store::audit::NewAudit {
            zone_id: p.zone_id(),
            action: "duplicate.dismiss",
            target_type: "duplicate_candidate",
            target_id: Some(id),
            detail: json!({ "case_id": case_id, "other_id": other_id }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
