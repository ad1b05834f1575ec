//! 诉求: intake (one window), the lists and the case page, and one endpoint per step of the loop.
//! The rules live in `crate::casework`; these handlers only parse and answer.

use super::{Paged, bj};
use crate::auth::Principal;
use crate::casework::{self, Command, DispatchPlan, visibility};
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use jiban_core::calendar::BEIJING;
use jiban_core::case::{CaseState, Channel, Satisfaction, Urgency};
use jiban_core::roles::{Permission, Role};
use jiban_core::text::{Phone, optional_text};
use jiban_store::Page;
use jiban_store::cases::{
    AssignmentRow, CaseEventRow, CaseFilter, CaseOrder, CaseRequestRow, CaseRow,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A case as shown in lists and on its page.
#[derive(Serialize, ToSchema)]
pub struct CaseOut {
    pub id: Uuid,
    /// e.g. `JB20251009-0123`
    pub case_no: String,
    pub channel: String,
    pub channel_name: String,
    pub state: String,
    pub state_name: String,
    pub title: String,
    pub description: String,
    pub category_code: String,
    pub category_name: Option<String>,
    pub urgency: String,
    pub urgency_name: String,
    pub enterprise_id: Option<Uuid>,
    pub enterprise_name: Option<String>,
    pub person_name: Option<String>,
    /// Masked unless the caller handles intake or dispatch.
    pub person_phone: Option<String>,
    pub address: Option<String>,
    pub grid_id: Option<Uuid>,
    pub grid_name: Option<String>,
    pub street_name: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub expected_outcome: Option<String>,
    pub filed_by_name: Option<String>,
    pub reject_reason: Option<String>,
    pub lead_unit_id: Option<Uuid>,
    pub lead_unit_name: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub sign_by: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub due_at: Option<OffsetDateTime>,
    /// Open, the clock runs and the handling deadline has passed.
    pub overdue: bool,
    pub bounces: i32,
    pub reworks: i32,
    pub rating: Option<String>,
    pub rating_comment: Option<String>,
    pub merged_into: Option<Uuid>,
    pub review_on: Option<Date>,
    /// Set by the deadline sweep: `due_soon` (under one working day left) or `overdue`.
    pub alert: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// In a search: the words matched and a window of the description around them.
    #[serde(rename = "match")]
    pub matched: Option<super::SearchMatch>,
}

fn case_out(p: &Principal, c: CaseRow) -> CaseOut {
    let now = jiban_store::now();
    let state = CaseState::parse(&c.state).ok();
    let sees_phone = matches!(
        p.role,
        Role::Admin | Role::Intake | Role::Dispatcher | Role::Supervisor
    ) || c.filed_by == p.user.id;
    CaseOut {
        id: c.id,
        channel_name: Channel::parse(&c.channel)
            .map(|x| x.label())
            .unwrap_or("")
            .into(),
        state_name: state.map(|s| s.label()).unwrap_or("").into(),
        urgency_name: Urgency::parse(&c.urgency)
            .map(|u| u.label())
            .unwrap_or("")
            .into(),
        overdue: state.is_some_and(|s| s.clock_runs()) && c.due_at.is_some_and(|d| d < now),
        case_no: c.case_no,
        channel: c.channel,
        state: c.state,
        title: c.title,
        description: c.description,
        category_code: c.category_code,
        category_name: c.category_name,
        urgency: c.urgency,
        enterprise_id: c.enterprise_id,
        enterprise_name: c.enterprise_name,
        person_name: c.person_name,
        person_phone: c.person_phone.map(|ph| {
            if sees_phone {
                ph
            } else {
                Phone::parse(&ph)
                    .map(|x| x.masked())
                    .unwrap_or_else(|_| "****".into())
            }
        }),
        address: c.address,
        grid_id: c.grid_id,
        grid_name: c.grid_name,
        street_name: c.street_name,
        lon: c.lon,
        lat: c.lat,
        expected_outcome: c.expected_outcome,
        filed_by_name: c.filed_by_name,
        reject_reason: c.reject_reason,
        lead_unit_id: c.lead_unit_id,
        lead_unit_name: c.lead_unit_name,
        sign_by: c.sign_by.map(bj),
        due_at: c.due_at.map(bj),
        bounces: c.bounces,
        reworks: c.reworks,
        rating: c.rating,
        rating_comment: c.rating_comment,
        merged_into: c.merged_into,
        review_on: c.review_on,
        alert: c.alert,
        created_at: bj(c.created_at),
        closed_at: c.closed_at.map(bj),
        matched: None,
    }
}

/// Intake form: one window for every channel.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseRequest {
    /// portal | hotline | grid | leader | superior | visit | inspection
    pub channel: String,
    pub title: String,
    /// Up to 4,000 characters.
    pub description: String,
    /// A leaf of the taxonomy, e.g. `QY01`.
    pub category_code: String,
    /// urgent | normal (default normal)
    pub urgency: Option<String>,
    /// The enterprise concerned, by 统一社会信用代码 (or `enterprise_id`).
    pub enterprise_uscc: Option<String>,
    pub enterprise_id: Option<Uuid>,
    /// The person (hotline caller), required for the hotline.
    pub person_name: Option<String>,
    pub person_phone: Option<String>,
    pub address: Option<String>,
    /// Required for grid reports.
    pub grid_id: Option<Uuid>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub expected_outcome: Option<String>,
    /// Retrying with the same key returns the case already filed (also `Idempotency-Key` header).
    pub idempotency_key: Option<String>,
}

/// The case page: the case, its units, its timeline, its requests, and what the caller may do.
#[derive(Serialize, ToSchema)]
pub struct CaseDetail {
    pub case: CaseOut,
    pub assignments: Vec<AssignmentOut>,
    pub events: Vec<CaseEventOut>,
    pub requests: Vec<CaseRequestOut>,
    /// Action codes the caller may take now: accept, reject, withdraw, dispatch, reassign, sign,
    /// return, reply, verify, rate, request_extension, request_pause, decide, resume, merge,
    /// supervisor_close, supervisor_redispatch.
    pub allowed_actions: Vec<String>,
    /// 督办单 on this case.
    pub supervision_orders: Vec<SupervisionOrderOut>,
    /// Working hours left to the handling deadline (negative when overdue), Beijing calendar.
    pub working_hours_left: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct SupervisionOrderOut {
    pub id: Uuid,
    pub unit_name: Option<String>,
    /// general | key | listed
    pub level: String,
    pub level_name: String,
    pub note: String,
    #[serde(with = "time::serde::rfc3339")]
    pub deadline: OffsetDateTime,
    pub issued_by_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub acknowledged_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub escalated_at: Option<OffsetDateTime>,
}

impl From<jiban_store::supervision::SupervisionOrderRow> for SupervisionOrderOut {
    fn from(o: jiban_store::supervision::SupervisionOrderRow) -> Self {
        SupervisionOrderOut {
            id: o.id,
            unit_name: o.unit_name,
            level_name: casework::supervision_level_label(&o.level)
                .unwrap_or("")
                .into(),
            level: o.level,
            note: o.note,
            deadline: bj(o.deadline),
            issued_by_name: o.issued_by_name,
            issued_at: bj(o.issued_at),
            acknowledged_at: o.acknowledged_at.map(bj),
            escalated_at: o.escalated_at.map(bj),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AssignmentOut {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub unit_name: Option<String>,
    /// lead | assist
    pub role: String,
    pub role_name: String,
    /// pending | signed | replied | returned | cancelled
    pub state: String,
    pub state_name: String,
    pub note: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub sign_by: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub due_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub signed_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub replied_at: Option<OffsetDateTime>,
    pub reply: Option<String>,
}

impl From<AssignmentRow> for AssignmentOut {
    fn from(a: AssignmentRow) -> Self {
        use jiban_core::case::{AssignmentRole, AssignmentState};
        AssignmentOut {
            id: a.id,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
            role_name: AssignmentRole::parse(&a.role)
                .map(|r| r.label())
                .unwrap_or("")
                .into(),
            state_name: AssignmentState::parse(&a.state)
                .map(|s| s.label())
                .unwrap_or("")
                .into(),
            role: a.role,
            state: a.state,
            note: a.note,
            sign_by: bj(a.sign_by),
            due_at: bj(a.due_at),
            signed_at: a.signed_at.map(bj),
            replied_at: a.replied_at.map(bj),
            reply: a.reply,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseEventOut {
    pub seq: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_name: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub to_state_name: String,
    pub detail: serde_json::Value,
    pub hash: String,
}

impl From<CaseEventRow> for CaseEventOut {
    fn from(e: CaseEventRow) -> Self {
        CaseEventOut {
            seq: e.seq,
            at: bj(e.at),
            actor_name: e.actor_name,
            action: e.action,
            from_state: e.from_state,
            to_state_name: CaseState::parse(&e.to_state)
                .map(|s| s.label())
                .unwrap_or("")
                .into(),
            to_state: e.to_state,
            detail: e.detail.0,
            hash: e.hash,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CaseRequestOut {
    pub id: Uuid,
    /// extension | pause | park
    pub kind: String,
    pub reason: String,
    pub days: Option<i32>,
    pub review_on: Option<Date>,
    /// pending | approved | refused
    pub state: String,
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    pub decision_note: Option<String>,
}

impl From<CaseRequestRow> for CaseRequestOut {
    fn from(r: CaseRequestRow) -> Self {
        CaseRequestOut {
            id: r.id,
            kind: r.kind,
            reason: r.reason,
            days: r.days,
            review_on: r.review_on,
            state: r.state,
            requested_at: bj(r.requested_at),
            decision_note: r.decision_note,
        }
    }
}

async fn detail(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<CaseDetail> {
    let case = state
        .store
        .case(p.zone_id(), &visibility(p), id)
        .await?
        .ok_or_else(|| AppError::not_found("诉求"))?;
    let assignments = state.store.assignments(id).await?;
    let events = state.store.case_events(id).await?;
    let requests = state.store.case_requests(id).await?;
    let orders = state.store.supervision_orders(id).await?;
    let pending = requests.iter().filter(|r| r.state == "pending").count();
    let open_orders = orders.iter().any(|o| o.acknowledged_at.is_none());
    let allowed: Vec<&str> = casework::allowed_actions(state, p, &case, &assignments, pending)
        .into_iter()
        .filter(|a| *a != "acknowledge_supervision" || open_orders)
        .collect();
    let working_hours_left = match case.due_at {
        Some(due)
            if CaseState::parse(&case.state)
                .is_ok_and(|s| s.clock_runs() || s == CaseState::Replied) =>
        {
            let cal = casework::calendar(state, p.zone_id()).await?;
            let now = jiban_store::now().to_offset(BEIJING);
            let due = due.to_offset(BEIJING);
            let minutes = if due >= now {
                cal.working_minutes_between(now, due)
            } else {
                -cal.working_minutes_between(due, now)
            };
            Some((minutes as f64 / 60.0 * 10.0).round() / 10.0)
        }
        _ => None,
    };
    Ok(CaseDetail {
        case: case_out(p, case),
        assignments: assignments.into_iter().map(Into::into).collect(),
        events: events
            .into_iter()
            .map(|e| {
                let mut out = CaseEventOut::from(e);
                if p.role == Role::Enterprise {
                    // enterprises see who acted, not internal account names
                    out.actor_name = out.actor_name.split('（').next().unwrap_or("").to_string();
                }
                out
            })
            .collect(),
        requests: requests.into_iter().map(Into::into).collect(),
        allowed_actions: allowed.into_iter().map(str::to_string).collect(),
        supervision_orders: orders.into_iter().map(Into::into).collect(),
        working_hours_left,
    })
}

/// Files a demand. Channels that an operator screens (hotline, leader, superior, visit,
/// inspection) are accepted at once; portal and grid reports wait for intake.
#[utoipa::path(post, path = "/api/v1/cases", tag = "诉求办理",
    request_body = NewCaseRequest,
    responses((status = 201, description = "已立案", body = CaseDetail),
        (status = 200, description = "同一幂等键已提交过，返回原案件", body = CaseDetail),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn file_case(
    State(state): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    ApiJson(mut req): ApiJson<NewCaseRequest>,
) -> ApiResult<(StatusCode, Json<CaseDetail>)> {
    if req.idempotency_key.is_none() {
        req.idempotency_key = headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
    }
    let (id, created) = casework::file(&state, &p, &req).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(detail(&state, &p, id).await?)))
}

#[derive(Deserialize, IntoParams, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    /// Comma-separated states, e.g. `dispatched,handling`.
    pub state: Option<String>,
    /// A category or a top-level category (`QY` matches `QY01`…).
    pub category: Option<String>,
    /// Cases with an active assignment to this unit.
    pub unit_id: Option<Uuid>,
    /// Cases located in this street (their grid lies in it).
    pub street_id: Option<Uuid>,
    /// Cases located in this grid (the dashboard's map click-through).
    pub grid_id: Option<Uuid>,
    pub channel: Option<String>,
    pub urgency: Option<String>,
    /// `true`: only open cases past their handling deadline.
    pub overdue: Option<bool>,
    /// Filed on or after this date (Beijing).
    pub from: Option<Date>,
    /// Filed on or before this date (Beijing).
    pub to: Option<Date>,
    /// Full-text search (Chinese words, segmented like the index) over the title, description,
    /// address and replies; a case number, phone number or credit code matches exactly, first.
    pub q: Option<String>,
    pub enterprise_id: Option<Uuid>,
    /// `relevance` (default with `q`), `newest` (default without) or `deadline`.
    pub sort: Option<String>,
    /// `mine`: the work of the caller's unit (pending sign first, then by deadline).
    pub queue: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

fn filter_of(p: &Principal, q: &CaseQuery) -> ApiResult<(CaseFilter, CaseOrder)> {
    let mut states = Vec::new();
    for s in q
        .state
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.trim().is_empty())
    {
        states.push(CaseState::parse(s)?.as_str().to_string());
    }
    let day_start = |d: Date| d.midnight().assume_offset(BEIJING);
    let mut f = CaseFilter {
        states,
        category_code: q.category.clone().filter(|s| !s.is_empty()),
        unit_id: q.unit_id,
        street_id: match (q.street_id, q.grid_id) {
            (Some(_), Some(_)) => {
                return Err(AppError::Invalid {
                    code: "validation.filter".into(),
                    field: Some("grid_id".into()),
                    message: "街道和网格只能选一个".into(),
                });
            }
            (s, g) => s.or(g),
        },
        channel: match q.channel.as_deref().filter(|s| !s.is_empty()) {
            Some(c) => Some(Channel::parse(c)?.as_str().into()),
            None => None,
        },
        urgency: match q.urgency.as_deref().filter(|s| !s.is_empty()) {
            Some(u) => Some(Urgency::parse(u)?.as_str().into()),
            None => None,
        },
        overdue_at: q.overdue.filter(|o| *o).map(|_| jiban_store::now()),
        created_from: q.from.map(day_start),
        created_to: q.to.and_then(|d| d.next_day()).map(day_start),
        q: q.q
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        enterprise_id: q.enterprise_id,
    };
    let mut order = match q.sort.as_deref() {
        None | Some("") if f.q.is_some() => CaseOrder::Relevance,
        None | Some("") | Some("newest") => CaseOrder::Newest,
        Some("deadline") => CaseOrder::Deadline,
        Some("relevance") => CaseOrder::Relevance,
        Some(other) => {
            return Err(AppError::invalid(
                "request.invalid_query",
                "sort",
                format!("排序方式“{other}”应为 relevance、newest 或 deadline"),
            ));
        }
    };
    if q.queue.as_deref() == Some("mine") {
        order = CaseOrder::Deadline;
        let default_states: &[&str] = match p.role {
            Role::Dispatcher => &["pending_dispatch", "replied"],
            Role::Intake => &["submitted", "pending_rating"],
            Role::Supervisor => &["supervisor_review", "paused", "parked"],
            _ => &[],
        };
        if matches!(p.role, Role::Handler | Role::DeptHead) {
            f.unit_id = Some(p.user.org_unit_id);
        }
        if f.states.is_empty() {
            f.states = default_states.iter().map(|s| s.to_string()).collect();
        }
    }
    Ok((f, order))
}

/// Cases in the caller's visibility, filtered, sorted and paged.
#[utoipa::path(get, path = "/api/v1/cases", tag = "诉求办理",
    params(CaseQuery),
    responses((status = 200, body = Paged<CaseOut>), (status = 422, body = ErrorBody)))]
pub async fn list_cases(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> ApiResult<Json<Paged<CaseOut>>> {
    p.require(Permission::CaseRead)?;
    let (f, order) = filter_of(&p, &q)?;
    let page = Page::new(q.page, q.page_size);
    let unit_queue =
        q.queue.as_deref() == Some("mine") && matches!(p.role, Role::Handler | Role::DeptHead);
    let (rows, total) = if unit_queue {
        // the unit's own work: driven from its assignments (fast at any size of zone)
        state
            .store
            .unit_queue(p.user.org_unit_id, &f.states, page)
            .await?
    } else {
        state
            .store
            .list_cases(p.zone_id(), &visibility(&p), &f, order, page)
            .await?
    };
    let capped = total > jiban_store::cases::COUNT_CAP;
    let terms = f.q.as_deref().map(super::search_terms);
    Ok(Json(Paged {
        items: rows
            .into_iter()
            .map(|c| {
                let matched = terms
                    .as_ref()
                    .map(|t| super::search_match(t, &[&c.title, &c.description]));
                CaseOut {
                    matched,
                    ..case_out(&p, c)
                }
            })
            .collect(),
        total: total.min(jiban_store::cases::COUNT_CAP),
        page: page.page,
        page_size: page.page_size,
        total_capped: capped.then_some(true),
    }))
}

/// A case with its units, timeline, requests and the caller's possible actions.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")),
    responses((status = 200, body = CaseDetail), (status = 404, body = ErrorBody)))]
pub async fn get_case(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<CaseDetail>> {
    p.require(Permission::CaseRead)?;
    Ok(Json(detail(&state, &p, id).await?))
}

/// Counts of the caller's visible cases by state (工作台).
#[derive(Serialize, ToSchema)]
pub struct CaseCounts {
    pub by_state: Vec<StateCount>,
    /// Open cases past their handling deadline.
    pub overdue: i64,
    /// Open cases due within one working day.
    pub due_soon: i64,
}

#[derive(Serialize, ToSchema)]
pub struct StateCount {
    pub state: String,
    pub state_name: String,
    pub count: i64,
}

/// 工作台 counts for the caller's visibility.
#[utoipa::path(get, path = "/api/v1/cases/stats", tag = "诉求办理",
    responses((status = 200, body = CaseCounts)))]
pub async fn case_stats(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<CaseCounts>> {
    p.require(Permission::CaseRead)?;
    let vis = visibility(&p);
    let counts = state.store.case_state_counts(p.zone_id(), &vis).await?;
    let now = jiban_store::now();
    let open = || CaseFilter {
        states: vec!["dispatched".into(), "handling".into()],
        ..Default::default()
    };
    let overdue = state
        .store
        .list_cases(
            p.zone_id(),
            &vis,
            &CaseFilter {
                overdue_at: Some(now),
                ..open()
            },
            CaseOrder::Newest,
            Page::new(Some(1), Some(1)),
        )
        .await?
        .1;
    let cal = casework::calendar(&state, p.zone_id()).await?;
    let soon = cal.add_working_hours(now.to_offset(BEIJING), 8);
    let due_by_soon = state
        .store
        .list_cases(
            p.zone_id(),
            &vis,
            &CaseFilter {
                overdue_at: Some(soon),
                ..open()
            },
            CaseOrder::Newest,
            Page::new(Some(1), Some(1)),
        )
        .await?
        .1;
    Ok(Json(CaseCounts {
        by_state: counts
            .into_iter()
            .map(|(s, n)| StateCount {
                state_name: CaseState::parse(&s).map(|x| x.label()).unwrap_or("").into(),
                state: s,
                count: n,
            })
            .collect(),
        overdue,
        due_soon: due_by_soon - overdue,
    }))
}

// ---- the steps of the loop -------------------------------------------------------------------

async fn act(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    cmd: Command,
) -> ApiResult<Json<CaseDetail>> {
    p.require(Permission::CaseRead)?;
    casework::run(state, p, id, cmd).await?;
    Ok(Json(detail(state, p, id).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchBody {
    /// 主办单位
    pub lead_unit_id: Uuid,
    /// 协办单位
    #[serde(default)]
    pub assist_unit_ids: Vec<Uuid>,
    pub note: Option<String>,
    /// Corrects the category (recorded in the timeline).
    pub category_code: Option<String>,
    pub urgency: Option<String>,
    /// Required when reassigning (改派).
    pub reason: Option<String>,
}

impl DispatchBody {
    fn plan(self) -> ApiResult<(DispatchPlan, Option<String>)> {
        let note = optional_text("note", "派单说明", self.note.as_deref(), 1000)?;
        let urgency = match self.urgency.as_deref() {
            Some(u) => Some(Urgency::parse(u)?),
            None => None,
        };
        Ok((
            DispatchPlan {
                lead_unit_id: self.lead_unit_id,
                assist_unit_ids: self.assist_unit_ids,
                note,
                category_code: self.category_code.map(|c| c.trim().to_string()),
                urgency,
            },
            self.reason,
        ))
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    pub text: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyBody {
    pub pass: bool,
    /// Required when the result fails.
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateBody {
    /// satisfied | basic | unsatisfied
    pub level: String,
    pub comment: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionBody {
    /// 1–15 working days.
    pub days: u32,
    pub reason: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PauseBody {
    /// pause (挂起) | park (挂账)
    pub kind: String,
    pub reason: String,
    /// Required for park: when the case is reviewed.
    pub review_on: Option<Date>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideBody {
    pub request_id: Uuid,
    pub approve: bool,
    pub note: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The case this one duplicates.
    pub master_id: Uuid,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisorBody {
    /// close (维持办结) | redispatch (重新派单)
    pub decision: String,
    pub note: String,
}

macro_rules! step {
    ($name:ident, $path:literal, $summary:literal, $body:ty, |$b:ident| $cmd:expr) => {
        #[doc = $summary]
        #[utoipa::path(post, path = $path, tag = "诉求办理",
            params(("id" = Uuid, Path, description = "诉求 id")),
            request_body = $body,
            responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody),
                (status = 404, body = ErrorBody), (status = 409, description = "当前状态不允许", body = ErrorBody),
                (status = 422, body = ErrorBody)))]
        pub async fn $name(
            State(state): State<AppState>,
            p: Principal,
            ApiPath(id): ApiPath<Uuid>,
            ApiJson($b): ApiJson<$body>,
        ) -> ApiResult<Json<CaseDetail>> {
            let cmd: Command = $cmd;
            act(&state, &p, id, cmd).await
        }
    };
}

step!(
    accept,
    "/api/v1/cases/{id}/accept",
    "受理.",
    NoteBody,
    |b| Command::Accept { note: b.note }
);
step!(
    reject,
    "/api/v1/cases/{id}/reject",
    "不予受理 (the submitter sees the reason).",
    ReasonBody,
    |b| { Command::Reject { reason: b.reason } }
);
step!(
    withdraw,
    "/api/v1/cases/{id}/withdraw",
    "撤回 by the submitter before handling starts.",
    NoteBody,
    |b| { Command::Withdraw { reason: b.note } }
);
step!(
    sign,
    "/api/v1/cases/{id}/sign",
    "签收 by the caller's unit.",
    NoteBody,
    |_b| Command::Sign
);
step!(
    return_case,
    "/api/v1/cases/{id}/return",
    "退回 to dispatch by the lead unit.",
    ReasonBody,
    |b| { Command::Return { reason: b.reason } }
);
step!(
    reply,
    "/api/v1/cases/{id}/reply",
    "答复: an assisting unit to the lead, the lead to the submitter.",
    ReplyBody,
    |b| { Command::Reply { text: b.text } }
);
step!(
    verify,
    "/api/v1/cases/{id}/verify",
    "核查 by dispatch or a supervisor.",
    VerifyBody,
    |b| {
        Command::Verify {
            pass: b.pass,
            note: b.note,
        }
    }
);
step!(
    resume,
    "/api/v1/cases/{id}/resume",
    "恢复办理 after a pause or park (the paused time does not count).",
    NoteBody,
    |b| { Command::Resume { note: b.note } }
);
step!(
    remind,
    "/api/v1/cases/{id}/remind",
    "催办: notifies the units still signing or handling it.",
    NoteBody,
    |b| { Command::Remind { note: b.note } }
);
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuperviseBody {
    /// general (一般) | key (重点) | listed (挂牌)
    pub level: String,
    /// Working days to answer (1–30).
    pub days: u32,
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeBody {
    pub order_id: Uuid,
}

step!(
    supervise,
    "/api/v1/cases/{id}/supervise",
    "督办: a supervision order to the lead unit with its own deadline (key and listed orders also text the unit's heads).",
    SuperviseBody,
    |b| {
        Command::Supervise {
            level: b.level,
            days: b.days,
            note: b.note,
        }
    }
);
step!(
    acknowledge_supervision,
    "/api/v1/cases/{id}/supervise/acknowledge",
    "签收督办 by the lead unit.",
    AcknowledgeBody,
    |b| {
        Command::AcknowledgeSupervision {
            order_id: b.order_id,
        }
    }
);
step!(
    merge,
    "/api/v1/cases/{id}/merge",
    "并单: this case duplicates `master_id`.",
    MergeBody,
    |b| {
        Command::Merge {
            master_id: b.master_id,
        }
    }
);

/// 派单 to one lead unit and any assisting units, each with its deadline.
#[utoipa::path(post, path = "/api/v1/cases/{id}/dispatch", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")), request_body = DispatchBody,
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn dispatch(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<DispatchBody>,
) -> ApiResult<Json<CaseDetail>> {
    let (plan, _) = b.plan()?;
    act(&state, &p, id, Command::Dispatch(plan)).await
}

/// 改派: ends the current assignments and dispatches anew.
#[utoipa::path(post, path = "/api/v1/cases/{id}/reassign", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")), request_body = DispatchBody,
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reassign(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<DispatchBody>,
) -> ApiResult<Json<CaseDetail>> {
    let (plan, reason) = b.plan()?;
    act(
        &state,
        &p,
        id,
        Command::Reassign {
            plan,
            reason: reason.unwrap_or_default(),
        },
    )
    .await
}

/// 评价 by the submitter, or 回访 logged by an intake operator for phone cases.
#[utoipa::path(post, path = "/api/v1/cases/{id}/rate", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")), request_body = RateBody,
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn rate(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<RateBody>,
) -> ApiResult<Json<CaseDetail>> {
    let level = Satisfaction::parse(&b.level).map_err(|e| e.with_field("level"))?;
    act(
        &state,
        &p,
        id,
        Command::Rate {
            level,
            comment: b.comment,
        },
    )
    .await
}

/// 申请延期 by the lead unit.
#[utoipa::path(post, path = "/api/v1/cases/{id}/extensions", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")), request_body = ExtensionBody,
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_extension(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<ExtensionBody>,
) -> ApiResult<Json<CaseDetail>> {
    act(
        &state,
        &p,
        id,
        Command::RequestExtension {
            days: b.days,
            reason: b.reason,
        },
    )
    .await
}

/// 申请挂起 / 挂账 by the lead unit.
#[utoipa::path(post, path = "/api/v1/cases/{id}/pauses", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")), request_body = PauseBody,
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn request_pause(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<PauseBody>,
) -> ApiResult<Json<CaseDetail>> {
    let park = match b.kind.as_str() {
        "pause" => false,
        "park" => true,
        other => {
            return Err(AppError::invalid(
                "validation.unknown_value",
                "kind",
                format!("类型“{other}”应为 pause（挂起）或 park（挂账）"),
            ));
        }
    };
    act(
        &state,
        &p,
        id,
        Command::RequestPause {
            park,
            reason: b.reason,
            review_on: b.review_on,
        },
    )
    .await
}

/// 审批 an extension, pause or park request.
#[utoipa::path(post, path = "/api/v1/cases/{id}/decide", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")), request_body = DecideBody,
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<DecideBody>,
) -> ApiResult<Json<CaseDetail>> {
    act(
        &state,
        &p,
        id,
        Command::Decide {
            request_id: b.request_id,
            approve: b.approve,
            note: b.note,
        },
    )
    .await
}

/// A supervisor's binding decision on a case in review.
#[utoipa::path(post, path = "/api/v1/cases/{id}/supervisor-decision", tag = "诉求办理",
    params(("id" = Uuid, Path, description = "诉求 id")), request_body = SupervisorBody,
    responses((status = 200, body = CaseDetail), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn supervisor_decision(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<SupervisorBody>,
) -> ApiResult<Json<CaseDetail>> {
    let cmd = match b.decision.as_str() {
        "close" => Command::SupervisorClose { note: b.note },
        "redispatch" => Command::SupervisorRedispatch { note: b.note },
        other => {
            return Err(AppError::invalid(
                "validation.unknown_value",
                "decision",
                format!("裁定“{other}”应为 close 或 redispatch"),
            ));
        }
    };
    act(&state, &p, id, cmd).await
}

// ---- calendar and SLA rules ------------------------------------------------------------------

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct DeadlineQuery {
    /// Start date, YYYY-MM-DD.
    pub from: Date,
    /// Working days to add (0–365).
    pub workdays: u32,
}

#[derive(Serialize, ToSchema)]
pub struct DeadlineOut {
    pub from: Date,
    pub workdays: u32,
    pub deadline: Date,
}

/// The date `workdays` working days after `from` on the zone's calendar (holidays and 调休 included).
#[utoipa::path(get, path = "/api/v1/calendar/deadline", tag = "参考数据",
    params(DeadlineQuery), responses((status = 200, body = DeadlineOut), (status = 422, body = ErrorBody)))]
pub async fn calendar_deadline(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<DeadlineQuery>,
) -> ApiResult<Json<DeadlineOut>> {
    if q.workdays > 365 {
        return Err(AppError::invalid(
            "validation.range",
            "workdays",
            "工作日数应在 0 到 365 之间",
        ));
    }
    let cal = casework::calendar(&state, p.zone_id()).await?;
    Ok(Json(DeadlineOut {
        from: q.from,
        workdays: q.workdays,
        deadline: cal.add_workdays(q.from, q.workdays),
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SlaRuleOut {
    /// A category code, or `*` for every category without its own rule.
    pub category_code: String,
    pub urgency: String,
    /// Working hours to sign.
    pub sign_hours: i32,
    /// Working days to handle.
    pub handle_days: i32,
}

/// The time limits per category and urgency.
#[utoipa::path(get, path = "/api/v1/sla-rules", tag = "参考数据",
    responses((status = 200, body = Vec<SlaRuleOut>)))]
pub async fn list_sla_rules(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<Vec<SlaRuleOut>>> {
    let rows = state.store.sla_rules(p.zone_id()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| SlaRuleOut {
                category_code: r.category_code,
                urgency: r.urgency,
                sign_hours: r.sign_hours,
                handle_days: r.handle_days,
            })
            .collect(),
    ))
}

/// Sets (adds or replaces) one time limit.
#[utoipa::path(put, path = "/api/v1/sla-rules", tag = "参考数据",
    request_body = SlaRuleOut,
    responses((status = 200, body = SlaRuleOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_sla_rule(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<SlaRuleOut>,
) -> ApiResult<Json<SlaRuleOut>> {
    p.require(Permission::SlaWrite)?;
    let urgency = Urgency::parse(&b.urgency)?;
    let rule =
        jiban_core::case::SlaRule::new(b.sign_hours.max(0) as u32, b.handle_days.max(0) as u32)?;
    let code = b.category_code.trim().to_string();
    if code != "*" {
        let cats = state.store.categories(p.zone_id()).await?;
        if !cats.iter().any(|c| c.code == code) {
            return Err(AppError::invalid(
                "validation.category",
                "category_code",
                format!("诉求分类“{code}”不存在"),
            ));
        }
    }
    let mut tx = state.store.begin().await?;
    tx.upsert_sla_rule(
        p.zone_id(),
        &code,
        urgency.as_str(),
        rule.sign_hours as i32,
        rule.handle_days as i32,
    )
    .await?;
    tx.audit(&p.actor(), jiban_store::audit::NewAudit {
        zone_id: p.zone_id(),
        action: "sla.update",
        target_type: "sla_rule",
        target_id: None,
        detail: json!({ "category_code": code, "urgency": urgency.as_str(), "sign_hours": rule.sign_hours,
                        "handle_days": rule.handle_days }),
    })
    .await?;
    tx.commit().await?;
    Ok(Json(SlaRuleOut {
        category_code: code,
        urgency: urgency.as_str().into(),
        sign_hours: rule.sign_hours as i32,
        handle_days: rule.handle_days as i32,
    }))
}

// ---- export ---------------------------------------------------------------------------------

/// The most rows one export holds.
pub const EXPORT_LIMIT: u32 = 50_000;

/// The filtered list as an Excel workbook (same filters as the list; at most 50,000 rows).
#[utoipa::path(get, path = "/api/v1/cases/export", tag = "诉求办理",
    params(CaseQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 422, body = ErrorBody)))]
pub async fn export_cases(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> ApiResult<(HeaderMap, Vec<u8>)> {
    p.require(Permission::CaseRead)?;
    let (f, order) = filter_of(&p, &q)?;
    let vis = visibility(&p);
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let (batch, total) = state
            .store
            .list_cases(
                p.zone_id(),
                &vis,
                &f,
                order,
                Page::new(Some(page), Some(200)),
            )
            .await?;
        let n = batch.len();
        rows.extend(batch.into_iter().map(|c| case_out(&p, c)));
        if n < 200 || rows.len() as i64 >= total || rows.len() as u32 >= EXPORT_LIMIT {
            break;
        }
        page += 1;
    }
    let bytes = tokio::task::spawn_blocking(move || workbook(&rows))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    Ok(super::xlsx_download("诉求列表", "cases", bytes))
}

fn workbook(rows: &[CaseOut]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("诉求列表")?;
    let head = Format::new().set_bold().set_background_color("#DCE6F2");
    let red = Format::new().set_font_color("#C00000");
    let cols: [(&str, f64); 15] = [
        ("案件编号", 18.0),
        ("标题", 30.0),
        ("分类", 14.0),
        ("渠道", 10.0),
        ("紧急程度", 9.0),
        ("状态", 10.0),
        ("主办单位", 16.0),
        ("街道", 10.0),
        ("企业", 28.0),
        ("诉求人", 10.0),
        ("截止时间", 18.0),
        ("是否超期", 9.0),
        ("登记时间", 18.0),
        ("办结时间", 18.0),
        ("评价", 10.0),
    ];
    for (i, (name, width)) in cols.iter().enumerate() {
        ws.write_with_format(0, i as u16, *name, &head)?;
        ws.set_column_width(i as u16, *width)?;
    }
    let t = |v: Option<OffsetDateTime>| {
        v.map(|x| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02}",
                x.year(),
                u8::from(x.month()),
                x.day(),
                x.hour(),
                x.minute()
            )
        })
        .unwrap_or_default()
    };
    for (r, c) in rows.iter().enumerate() {
        let row = r as u32 + 1;
        let rating = c
            .rating
            .as_deref()
            .and_then(|x| Satisfaction::parse(x).ok())
            .map(|x| x.label())
            .unwrap_or("");
        let values = [
            c.case_no.clone(),
            c.title.clone(),
            c.category_name.clone().unwrap_or_default(),
            c.channel_name.clone(),
            c.urgency_name.clone(),
            c.state_name.clone(),
            c.lead_unit_name.clone().unwrap_or_default(),
            c.street_name.clone().unwrap_or_default(),
            c.enterprise_name.clone().unwrap_or_default(),
            c.person_name.clone().unwrap_or_default(),
            t(c.due_at),
            if c.overdue {
                "超期".into()
            } else {
                String::new()
            },
            t(Some(c.created_at)),
            t(c.closed_at),
            rating.to_string(),
        ];
        for (i, v) in values.iter().enumerate() {
            if i == 11 && c.overdue {
                ws.write_with_format(row, i as u16, v.as_str(), &red)?;
            } else {
                ws.write(row, i as u16, v.as_str())?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    if !rows.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, (cols.len() - 1) as u16)?;
    }
    wb.save_to_buffer()
}
