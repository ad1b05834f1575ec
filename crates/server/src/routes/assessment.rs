//! 考核排名、督办函件与指挥大屏: settings, immutable ranking snapshots with their drill-down,
//! corrections and reports, warning letters (issue, read, PDF/Word, acknowledge, answer),
//! exemptions of cases, and the dashboard's data. Contract: docs/ASSESSMENT.md.

use crate::assessment::{
    self as engine, AssessmentSettings, KINDS, SnapshotRequest, group_label, group_of,
    last_complete, movement_of, period_label,
};
use crate::auth::Principal;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use jiban_assess::{Metric, Movement, Part, UnitMetrics};
use jiban_core::calendar::BEIJING;
use jiban_core::case::CaseState;
use jiban_core::roles::{Permission, Role};
use jiban_store::assessment::{
    LetterFilter, LetterRow, SnapshotRow, day_bucket, month_bucket, top_category,
};
use jiban_store::audit::NewAudit;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::OnceLock;
use time::{Date, Duration, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

const TAG: &str = "考核督办";

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("{e}"))
}

fn bad(field: &str, message: impl Into<String>) -> AppError {
    AppError::Invalid {
        code: "validation.assessment".into(),
        field: Some(field.into()),
        message: message.into(),
    }
}

// ---- settings ---------------------------------------------------------------------------------

/// The assessment settings of the zone (defaults until an administrator saves them).
#[utoipa::path(get, path = "/api/v1/assessment/settings", tag = TAG,
    responses((status = 200, body = AssessmentSettings), (status = 403, body = ErrorBody)))]
pub async fn get_settings(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<AssessmentSettings>> {
    p.require(Permission::AssessmentRead)?;
    Ok(Json(engine::settings(&state.store, p.zone_id()).await?))
}

/// Saves the weights, the letter rules, the numbering and the schedule.
#[utoipa::path(put, path = "/api/v1/assessment/settings", tag = TAG, request_body = AssessmentSettings,
    responses((status = 200, body = AssessmentSettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_settings(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(mut s): ApiJson<AssessmentSettings>,
) -> ApiResult<Json<AssessmentSettings>> {
    p.require(Permission::AssessmentWrite)?;
    s.doc_prefix = s.doc_prefix.trim().to_string();
    s.issuer = s.issuer.trim().to_string();
    s.validate()?;
    let zone = p.zone_id();
    let before = engine::settings(&state.store, zone).await?;
    let value = serde_json::to_value(&s).map_err(internal)?;
    let mut tx = state.store.begin().await?;
    tx.save_assessment_settings(zone, &value).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: "assessment.settings",
            target_type: "assessment_settings",
            target_id: Some(zone),
            detail: json!({ "before": before, "after": value }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Json(s))
}

// ---- snapshots --------------------------------------------------------------------------------

#[derive(Serialize, ToSchema, Debug)]
pub struct SnapshotSummary {
    pub id: Uuid,
    pub kind: String,
    pub label: String,
    pub from: Date,
    pub to: Date,
    pub as_of: String,
    /// `scheduled` 定时, `manual` 手动, `correction` 更正
    pub trigger: String,
    pub corrects: Option<Uuid>,
    pub correction_reason: Option<String>,
    pub corrected_by: Option<Uuid>,
    pub created_at: String,
    pub created_by_name: String,
    pub units: i64,
    pub letters: i64,
}

fn bj(t: OffsetDateTime) -> String {
    super::bj(t)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn summary(s: &SnapshotRow) -> SnapshotSummary {
    SnapshotSummary {
        id: s.id,
        kind: s.kind.clone(),
        label: period_label(&s.kind, s.period_from, s.period_to),
        from: s.period_from,
        to: s.period_to,
        as_of: bj(s.as_of),
        trigger: s.trigger_kind.clone(),
        corrects: s.corrects,
        correction_reason: s.correction_reason.clone(),
        corrected_by: s.corrected_by,
        created_at: bj(s.created_at),
        created_by_name: s.created_by_name.clone().unwrap_or_else(|| "系统".into()),
        units: s.units,
        letters: s.letters,
    }
}

#[derive(Serialize, ToSchema, Debug)]
pub struct LetterRef {
    pub id: Uuid,
    pub tier: String,
    pub doc_no: String,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct RankingRow {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub unit_kind: String,
    pub group: String,
    pub group_label: String,
    pub rank: Option<i64>,
    pub of: i64,
    pub score: Option<f64>,
    pub previous_rank: Option<i64>,
    #[schema(value_type = Option<Object>)]
    pub movement: Option<Movement>,
    pub tied: bool,
    pub letter: Option<LetterRef>,
    /// The figures (see docs/ASSESSMENT.md); `exempted` and `merged` are counts here.
    #[schema(value_type = Object)]
    pub metrics: Value,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct SnapshotDetail {
    #[serde(flatten)]
    pub summary: SnapshotSummary,
    #[schema(value_type = Object)]
    pub weights: Value,
    pub rows: Vec<RankingRow>,
}

fn metrics_out(m: &UnitMetrics) -> Value {
    json!({
        "received": m.received, "received_as_assist": m.received_as_assist,
        "signed_on_time": m.signed_on_time, "resolved_on_time": m.resolved_on_time,
        "resolved": m.resolved, "satisfied": m.satisfied, "returned": m.returned,
        "reworked": m.reworked, "overdue_now": m.overdue_now, "handling": m.handling,
        "composite": m.composite, "exempted": m.exempted.len(), "merged": m.merged.len(),
    })
}

async fn visible_snapshot(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<SnapshotRow> {
    p.require(Permission::AssessmentRead)?;
    state
        .store
        .snapshot(p.zone_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("排名快照"))
}

async fn detail(state: &AppState, s: &SnapshotRow) -> ApiResult<SnapshotDetail> {
    let letters: HashMap<Uuid, LetterRow> = state
        .store
        .letters(
            s.zone_id,
            &LetterFilter {
                snapshot_id: Some(s.id),
                ..Default::default()
            },
        )
        .await?
        .into_iter()
        .map(|l| (l.unit_id, l))
        .collect();
    let mut rows = Vec::new();
    for r in state.store.snapshot_rows(s.id, true).await? {
        let m: UnitMetrics = serde_json::from_str(&r.metrics).map_err(internal)?;
        rows.push(RankingRow {
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            unit_kind: r.unit_kind,
            group_label: group_label(&r.grp).into(),
            group: r.grp,
            rank: r.rank,
            of: r.of_count,
            score: r.score,
            previous_rank: r.previous_rank,
            movement: movement_of(r.movement.as_deref()),
            tied: r.tied,
            letter: letters.get(&r.unit_id).map(|l| LetterRef {
                id: l.id,
                tier: l.tier.clone(),
                doc_no: l.doc_no.clone(),
            }),
            metrics: metrics_out(&m),
        });
    }
    // departments, streets, communities; ranked first within each group
    let order = |g: &str| match g {
        "department" => 0,
        "street" => 1,
        "community" => 2,
        _ => 3,
    };
    rows.sort_by_key(|r| {
        (
            order(&r.group),
            r.rank.is_none(),
            r.rank,
            r.unit_name.clone(),
        )
    });
    Ok(SnapshotDetail {
        summary: summary(s),
        weights: s.weights.0.clone(),
        rows,
    })
}

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct SnapshotQuery {
    /// `week`, `month`, `quarter` or `custom`
    pub kind: Option<String>,
    pub limit: Option<i64>,
}

fn parse_kind(kind: &str) -> ApiResult<&'static str> {
    KINDS.into_iter().find(|k| *k == kind).ok_or_else(|| {
        bad(
            "kind",
            format!("考核期类型“{kind}”无效，应为 week、month、quarter 或 custom"),
        )
    })
}

/// The snapshots, newest period first.
#[utoipa::path(get, path = "/api/v1/assessment/snapshots", tag = TAG, params(SnapshotQuery),
    responses((status = 200, body = [SnapshotSummary]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_snapshots(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<SnapshotQuery>,
) -> ApiResult<Json<Vec<SnapshotSummary>>> {
    p.require(Permission::AssessmentRead)?;
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(parse_kind(k)?),
        None => None,
    };
    let rows = state
        .store
        .snapshots(p.zone_id(), kind, q.limit.unwrap_or(20).clamp(1, 200))
        .await?;
    Ok(Json(rows.iter().map(summary).collect()))
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct NewSnapshotIn {
    pub kind: String,
    /// First day (custom periods; optional otherwise: the last complete period).
    pub from: Option<Date>,
    /// Last day, inclusive.
    pub to: Option<Date>,
}

/// Takes a snapshot now (手动): the last complete period of the kind, or the given days.
#[utoipa::path(post, path = "/api/v1/assessment/snapshots", tag = TAG, request_body = NewSnapshotIn,
    responses((status = 201, body = SnapshotDetail), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_snapshot(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<NewSnapshotIn>,
) -> ApiResult<(StatusCode, Json<SnapshotDetail>)> {
    p.require(Permission::AssessmentWrite)?;
    let kind = parse_kind(&b.kind)?;
    let now = jiban_store::now();
    let today = now.to_offset(BEIJING).date();
    let (first, last) = match (b.from, b.to) {
        (Some(f), Some(t)) => (f, t),
        (None, None) if kind != "custom" => {
            last_complete(kind, today).ok_or_else(|| bad("kind", "无法确定考核期"))?
        }
        (None, _) => return Err(bad("from", "请填写考核期的开始日期")),
        (_, None) => return Err(bad("to", "请填写考核期的结束日期")),
    };
    if last < first {
        return Err(bad("to", "结束日期不能早于开始日期"));
    }
    if first > today {
        return Err(bad("from", "考核期不能从未来开始"));
    }
    if (last - first).whole_days() > 400 {
        return Err(bad("to", "考核期不能超过 400 天"));
    }
    let req = SnapshotRequest {
        kind: kind.into(),
        first,
        last,
        as_of: now,
        trigger: "manual",
        corrects: None,
        reason: None,
    };
    let id = engine::take_snapshot(&state, p.zone_id(), req, &p.actor()).await?;
    let s = visible_snapshot(&state, &p, id).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &s).await?)))
}

/// The newest snapshot of a kind that has not been corrected.
#[utoipa::path(get, path = "/api/v1/assessment/snapshots/latest", tag = TAG, params(SnapshotQuery),
    responses((status = 200, body = SnapshotDetail), (status = 404, body = ErrorBody)))]
pub async fn latest_snapshot(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<SnapshotQuery>,
) -> ApiResult<Json<SnapshotDetail>> {
    p.require(Permission::AssessmentRead)?;
    let kind = parse_kind(q.kind.as_deref().unwrap_or("week"))?;
    let s = state
        .store
        .standing_snapshots(p.zone_id(), kind, Date::MAX, 1)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("排名快照"))?;
    Ok(Json(detail(&state, &s).await?))
}

/// One snapshot with its ranking.
#[utoipa::path(get, path = "/api/v1/assessment/snapshots/{id}", tag = TAG,
    responses((status = 200, body = SnapshotDetail), (status = 404, body = ErrorBody)))]
pub async fn get_snapshot(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SnapshotDetail>> {
    let s = visible_snapshot(&state, &p, id).await?;
    Ok(Json(detail(&state, &s).await?))
}

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct DrillQuery {
    pub unit_id: Uuid,
    /// `received`, `signed_on_time`, `resolved_on_time`, `resolved`, `satisfied`, `returned`,
    /// `reworked`, `overdue_now`, `handling_time`
    pub metric: String,
    /// `numerator` or `denominator` (default)
    pub part: Option<String>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct DrillCase {
    pub case_id: Uuid,
    pub case_no: String,
    pub title: String,
    pub state: String,
    pub state_label: String,
    pub role: String,
    /// In the numerator of the figure (`null` for counts).
    pub counted: Option<bool>,
    pub satisfaction: Option<String>,
    pub handling_minutes: Option<i64>,
    pub overdue_now: bool,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct DrillExempted {
    pub case_id: Uuid,
    pub case_no: String,
    pub title: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct DrillMerged {
    pub case_id: Uuid,
    pub case_no: String,
    pub title: String,
    pub merged_into_no: String,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct Drill {
    pub metric: String,
    pub metric_label: String,
    pub part: String,
    pub cases: Vec<DrillCase>,
    pub exempted: Vec<DrillExempted>,
    pub merged: Vec<DrillMerged>,
}

/// The cases behind one figure of one unit, as the snapshot counted them.
#[utoipa::path(get, path = "/api/v1/assessment/snapshots/{id}/cases", tag = TAG, params(DrillQuery),
    responses((status = 200, body = Drill), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn drill(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<DrillQuery>,
) -> ApiResult<Json<Drill>> {
    let s = visible_snapshot(&state, &p, id).await?;
    let metric = Metric::ALL
        .into_iter()
        .find(|m| m.as_str() == q.metric)
        .ok_or_else(|| bad("metric", format!("指标“{}”无效", q.metric)))?;
    let part = match q.part.as_deref().unwrap_or("denominator") {
        "numerator" => Part::Numerator,
        "denominator" => Part::Denominator,
        other => {
            return Err(bad(
                "part",
                format!("“{other}”无效，应为 numerator 或 denominator"),
            ));
        }
    };
    let row = state
        .store
        .snapshot_unit_row(s.id, q.unit_id)
        .await?
        .ok_or_else(|| AppError::not_found("该单位的考核结果"))?;
    let m: UnitMetrics = serde_json::from_str(&row.metrics).map_err(internal)?;
    let lines: Vec<_> = m
        .cases
        .iter()
        .filter(|l| l.counts_in(metric, part))
        .collect();
    let mut ids: Vec<Uuid> = lines.iter().map(|l| l.case_id).collect();
    ids.extend(m.exempted.iter().map(|x| x.case_id));
    ids.extend(m.merged.iter().flat_map(|x| [x.case_id, x.merged_into]));
    ids.sort();
    ids.dedup();
    let briefs: HashMap<Uuid, _> = state
        .store
        .case_briefs(s.zone_id, &ids)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let no = |id: &Uuid| {
        briefs
            .get(id)
            .map(|b| b.case_no.clone())
            .unwrap_or_default()
    };
    let title = |id: &Uuid| briefs.get(id).map(|b| b.title.clone()).unwrap_or_default();
    let cases = lines
        .iter()
        .map(|l| {
            let st = briefs
                .get(&l.case_id)
                .map(|b| b.state.clone())
                .unwrap_or_default();
            let counted = match metric {
                Metric::Received | Metric::OverdueNow | Metric::HandlingTime => None,
                Metric::Satisfied => Some(
                    l.satisfaction
                        .is_some_and(|s| s != jiban_core::case::Satisfaction::Unsatisfied),
                ),
                _ => Some(l.counts_in(metric, Part::Numerator)),
            };
            DrillCase {
                case_id: l.case_id,
                case_no: no(&l.case_id),
                title: title(&l.case_id),
                state_label: CaseState::parse(&st)
                    .map(|s| s.label().to_string())
                    .unwrap_or_default(),
                state: st,
                role: l.role.as_str().into(),
                counted,
                satisfaction: l.satisfaction.map(|s| s.as_str().to_string()),
                handling_minutes: l.handling_minutes,
                overdue_now: l.overdue_now,
            }
        })
        .collect();
    Ok(Json(Drill {
        metric: metric.as_str().into(),
        metric_label: metric.label().into(),
        part: if part == Part::Numerator {
            "numerator"
        } else {
            "denominator"
        }
        .into(),
        cases,
        exempted: m
            .exempted
            .iter()
            .map(|x| DrillExempted {
                case_id: x.case_id,
                case_no: no(&x.case_id),
                title: title(&x.case_id),
                reason: x.reason.clone(),
            })
            .collect(),
        merged: m
            .merged
            .iter()
            .map(|x| DrillMerged {
                case_id: x.case_id,
                case_no: no(&x.case_id),
                title: title(&x.case_id),
                merged_into_no: no(&x.merged_into),
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct CorrectionIn {
    pub reason: String,
}

/// Corrects a snapshot: the same period recomputed now, as a new snapshot marked 更正.
#[utoipa::path(post, path = "/api/v1/assessment/snapshots/{id}/corrections", tag = TAG, request_body = CorrectionIn,
    responses((status = 201, body = SnapshotDetail), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn correct_snapshot(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<CorrectionIn>,
) -> ApiResult<(StatusCode, Json<SnapshotDetail>)> {
    p.require(Permission::AssessmentWrite)?;
    let s = visible_snapshot(&state, &p, id).await?;
    let reason = b.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(bad("reason", "请填写更正原因（不超过 500 字）"));
    }
    if s.corrected_by.is_some() {
        return Err(AppError::Transition {
            code: "assessment.already_corrected",
            message: "该排名快照已被更正，请更正最新的快照".into(),
        });
    }
    let req = SnapshotRequest {
        kind: s.kind.clone(),
        first: s.period_from,
        last: s.period_to,
        as_of: jiban_store::now(),
        trigger: "correction",
        corrects: Some(s.id),
        reason: Some(reason.into()),
    };
    let new = engine::take_snapshot(&state, p.zone_id(), req, &p.actor()).await?;
    let n = visible_snapshot(&state, &p, new).await?;
    Ok((StatusCode::CREATED, Json(detail(&state, &n).await?)))
}

/// 周报 / 月报: the ranking, every unit's figures, the overdue cases and the exempted ones.
#[utoipa::path(get, path = "/api/v1/assessment/snapshots/{id}/report.xlsx", tag = TAG,
    responses((status = 200, description = "xlsx"), (status = 404, body = ErrorBody)))]
pub async fn report(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<(HeaderMap, Vec<u8>)> {
    let s = visible_snapshot(&state, &p, id).await?;
    let d = detail(&state, &s).await?;
    let overdue = state.store.overdue_cases(s.zone_id, s.as_of).await?;
    let mut exempted = Vec::new();
    for r in state.store.snapshot_rows(s.id, true).await? {
        let m: UnitMetrics = serde_json::from_str(&r.metrics).map_err(internal)?;
        for x in m.exempted {
            exempted.push((r.unit_name.clone(), x.case_id, x.reason));
        }
    }
    let ids: Vec<Uuid> = exempted.iter().map(|x| x.1).collect();
    let nos: HashMap<Uuid, String> = state
        .store
        .case_briefs(s.zone_id, &ids)
        .await?
        .into_iter()
        .map(|b| (b.id, b.case_no))
        .collect();
    let exempted: Vec<(String, String, String)> = exempted
        .into_iter()
        .map(|(u, c, r)| (u, nos.get(&c).cloned().unwrap_or_default(), r))
        .collect();
    let title = match s.kind.as_str() {
        "month" => "月报",
        "quarter" => "季报",
        "week" => "周报",
        _ => "考核报告",
    };
    let bytes = tokio::task::spawn_blocking(move || report_workbook(&d, &overdue, &exempted))
        .await
        .map_err(internal)?
        .map_err(|e| internal(format!("xlsx: {e}")))?;
    Ok(super::xlsx_download(
        &format!("考核{title}"),
        "assessment",
        bytes,
    ))
}

fn report_workbook(
    d: &SnapshotDetail,
    overdue: &[jiban_store::assessment::OverdueCaseRow],
    exempted: &[(String, String, String)],
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let head = Format::new().set_bold().set_background_color("#DCE6F2");
    let title = Format::new().set_bold().set_font_size(14);
    let pct = |v: &Value| -> String {
        v["rate"]
            .as_f64()
            .map_or("—".into(), |r| format!("{:.1}%", r * 100.0))
    };
    // 排名
    let ws = wb.add_worksheet();
    ws.set_name("排名")?;
    ws.write_with_format(0, 0, format!("考核排名 {}", d.summary.label), &title)?;
    let cols = ["分组", "名次", "单位", "综合得分", "较上期", "函件"];
    for (i, c) in cols.iter().enumerate() {
        ws.write_with_format(2, i as u16, *c, &head)?;
    }
    ws.set_column_width(2, 22)?;
    ws.set_column_width(5, 22)?;
    for (k, r) in d.rows.iter().enumerate() {
        let row = k as u32 + 3;
        ws.write(row, 0, r.group_label.as_str())?;
        ws.write(
            row,
            1,
            r.rank.map(|x| x.to_string()).unwrap_or_else(|| "—".into()),
        )?;
        ws.write(row, 2, r.unit_name.as_str())?;
        match r.score {
            Some(sc) => ws.write(row, 3, (sc * 100.0).round() / 100.0)?,
            None => ws.write(row, 3, "—")?,
        };
        ws.write(row, 4, r.movement.map(|m| m.label()).unwrap_or_default())?;
        ws.write(
            row,
            5,
            r.letter
                .as_ref()
                .map(|l| l.doc_no.clone())
                .unwrap_or_default(),
        )?;
    }
    // 各单位指标
    let ws = wb.add_worksheet();
    ws.set_name("各单位指标")?;
    let cols = [
        "单位",
        "分组",
        "收件数",
        "签收及时率",
        "签收及时（件/应签）",
        "按期办结率",
        "按期（件/应办）",
        "解决率",
        "满意率",
        "退单率",
        "重办率",
        "当前超期",
        "平均办理时长（小时）",
        "综合得分",
        "免于考核",
    ];
    for (i, c) in cols.iter().enumerate() {
        ws.write_with_format(0, i as u16, *c, &head)?;
        ws.set_column_width(i as u16, if i == 0 { 22.0 } else { 12.0 })?;
    }
    for (k, r) in d.rows.iter().enumerate() {
        let row = k as u32 + 1;
        let m = &r.metrics;
        let frac = |v: &Value| format!("{}/{}", v["numerator"], v["denominator"]);
        let values = [
            r.unit_name.clone(),
            r.group_label.clone(),
            m["received"].to_string(),
            pct(&m["signed_on_time"]),
            frac(&m["signed_on_time"]),
            pct(&m["resolved_on_time"]),
            frac(&m["resolved_on_time"]),
            pct(&m["resolved"]),
            pct(&m["satisfied"]),
            pct(&m["returned"]),
            pct(&m["reworked"]),
            m["overdue_now"].to_string(),
            m["handling"]["average_hours"]
                .as_f64()
                .map_or("—".into(), |h| format!("{h:.1}")),
            r.score.map_or("—".into(), |s| format!("{s:.2}")),
            m["exempted"].to_string(),
        ];
        for (i, v) in values.iter().enumerate() {
            ws.write(row, i as u16, v.as_str())?;
        }
    }
    ws.set_freeze_panes(1, 1)?;
    // 超期清单
    let ws = wb.add_worksheet();
    ws.set_name("超期清单")?;
    let cols = [
        ("案件编号", 18.0),
        ("标题", 36.0),
        ("主办单位", 18.0),
        ("办理期限", 18.0),
        ("登记时间", 18.0),
    ];
    for (i, (c, w)) in cols.iter().enumerate() {
        ws.write_with_format(0, i as u16, *c, &head)?;
        ws.set_column_width(i as u16, *w)?;
    }
    for (k, c) in overdue.iter().enumerate() {
        let row = k as u32 + 1;
        ws.write(row, 0, c.case_no.as_str())?;
        ws.write(row, 1, c.title.as_str())?;
        ws.write(row, 2, c.unit_name.as_str())?;
        ws.write(row, 3, bj(c.due_at))?;
        ws.write(row, 4, bj(c.created_at))?;
    }
    // 免于考核
    let ws = wb.add_worksheet();
    ws.set_name("免于考核")?;
    for (i, (c, w)) in [("单位", 22.0), ("案件编号", 18.0), ("理由", 50.0)]
        .iter()
        .enumerate()
    {
        ws.write_with_format(0, i as u16, *c, &head)?;
        ws.set_column_width(i as u16, *w)?;
    }
    for (k, (u, no, reason)) in exempted.iter().enumerate() {
        let row = k as u32 + 1;
        ws.write(row, 0, u.as_str())?;
        ws.write(row, 1, no.as_str())?;
        ws.write(row, 2, reason.as_str())?;
    }
    wb.save_to_buffer()
}

// ---- letters ----------------------------------------------------------------------------------

#[derive(Serialize, ToSchema, Debug)]
pub struct LetterOut {
    pub id: Uuid,
    pub doc_no: String,
    pub tier: String,
    pub tier_label: String,
    pub unit_id: Uuid,
    pub unit_name: String,
    pub snapshot_id: Uuid,
    pub period_label: String,
    pub reason: String,
    pub title: String,
    pub body: Vec<String>,
    pub issued_at: String,
    pub rectify_by: Option<Date>,
    pub answer_due: String,
    /// `sent`, `acknowledged`, `answered`
    pub status: String,
    pub status_label: String,
    pub overdue: bool,
    pub escalated_at: Option<String>,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by_name: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
    pub answered_by_name: Option<String>,
    /// Whether the caller may acknowledge and answer (a user of the addressed unit).
    pub can_answer: bool,
}

fn tier_label(tier: &str) -> &'static str {
    jiban_assess::LetterTier::ALL
        .into_iter()
        .find(|t| t.as_str() == tier)
        .map_or("函件", |t| t.label())
}

fn is_addressee(p: &Principal, l: &LetterRow) -> bool {
    matches!(p.role, Role::Handler | Role::DeptHead) && p.user.org_unit_id == l.unit_id
}

fn letter_out(p: &Principal, l: LetterRow) -> ApiResult<LetterOut> {
    let letter: jiban_letters::Letter = serde_json::from_str(&l.letter).map_err(internal)?;
    let now = jiban_store::now();
    let (status, status_label) = match (l.answered_at, l.acknowledged_at) {
        (Some(_), _) => ("answered", "已答复"),
        (None, Some(_)) => ("acknowledged", "已签收"),
        (None, None) => ("sent", "待签收"),
    };
    Ok(LetterOut {
        can_answer: is_addressee(p, &l) && l.answered_at.is_none(),
        id: l.id,
        doc_no: l.doc_no,
        tier_label: tier_label(&l.tier).into(),
        tier: l.tier,
        unit_id: l.unit_id,
        unit_name: l.unit_name,
        snapshot_id: l.snapshot_id,
        period_label: l.period_label,
        reason: l.reason,
        title: letter.title_text(),
        body: letter.paragraphs(),
        issued_at: bj(l.issued_at),
        rectify_by: l.rectify_by,
        answer_due: bj(l.answer_due),
        status: status.into(),
        status_label: status_label.into(),
        overdue: l.answered_at.is_none() && l.answer_due < now,
        escalated_at: l.escalated_at.map(bj),
        acknowledged_at: l.acknowledged_at.map(bj),
        acknowledged_by_name: l.acknowledged_by_name,
        answer: l.answer,
        answered_at: l.answered_at.map(bj),
        answered_by_name: l.answered_by_name,
    })
}

/// Issues the letters a snapshot earns under the letter rules (once per snapshot).
#[utoipa::path(post, path = "/api/v1/assessment/snapshots/{id}/letters", tag = TAG,
    responses((status = 200, description = "{ issued: Letter[] }"), (status = 409, body = ErrorBody)))]
pub async fn issue_letters(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Value>> {
    p.require(Permission::AssessmentWrite)?;
    let s = visible_snapshot(&state, &p, id).await?;
    let ids = engine::issue_letters(&state, p.zone_id(), &s, &p.actor()).await?;
    let mut issued = Vec::new();
    for id in ids {
        if let Some(l) = state.store.letter(p.zone_id(), id).await? {
            issued.push(letter_out(&p, l)?);
        }
    }
    Ok(Json(json!({ "issued": issued })))
}

#[derive(Deserialize, IntoParams, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct LetterQuery {
    /// `sent`, `acknowledged`, `answered`, `overdue`
    pub status: Option<String>,
    /// `reminder`, `warning`, `supervision`
    pub tier: Option<String>,
    pub unit_id: Option<Uuid>,
}

/// Letters: all of them with `assessment.read`, otherwise those addressed to one's unit.
#[utoipa::path(get, path = "/api/v1/letters", tag = TAG, params(LetterQuery),
    responses((status = 200, body = [LetterOut]), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_letters(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<LetterQuery>,
) -> ApiResult<Json<Vec<LetterOut>>> {
    let unit_id = if p.has(Permission::AssessmentRead) {
        q.unit_id
    } else if matches!(p.role, Role::Handler | Role::DeptHead) {
        Some(p.user.org_unit_id)
    } else {
        return Err(AppError::Forbidden {
            code: "auth.forbidden",
            message: "无权查看督办函件".into(),
        });
    };
    let status = q.status.filter(|s| !s.is_empty());
    if let Some(s) = &status
        && !["sent", "acknowledged", "answered", "overdue"].contains(&s.as_str())
    {
        return Err(bad("status", format!("状态“{s}”无效")));
    }
    let tier = q.tier.filter(|s| !s.is_empty());
    if let Some(t) = &tier
        && !jiban_assess::LetterTier::ALL
            .iter()
            .any(|x| x.as_str() == t)
    {
        return Err(bad("tier", format!("函件类型“{t}”无效")));
    }
    let rows = state
        .store
        .letters(
            p.zone_id(),
            &LetterFilter {
                unit_id,
                tier,
                status,
                snapshot_id: None,
            },
        )
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|l| letter_out(&p, l))
            .collect::<ApiResult<_>>()?,
    ))
}

async fn visible_letter(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<LetterRow> {
    let l = state
        .store
        .letter(p.zone_id(), id)
        .await?
        .ok_or_else(|| AppError::not_found("函件"))?;
    if p.has(Permission::AssessmentRead) || is_addressee(p, &l) {
        Ok(l)
    } else {
        Err(AppError::not_found("函件"))
    }
}

/// One letter.
#[utoipa::path(get, path = "/api/v1/letters/{id}", tag = TAG,
    responses((status = 200, body = LetterOut), (status = 404, body = ErrorBody)))]
pub async fn get_letter(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<LetterOut>> {
    let l = visible_letter(&state, &p, id).await?;
    Ok(Json(letter_out(&p, l)?))
}

static FONTS: OnceLock<Result<jiban_letters::Fonts, String>> = OnceLock::new();

fn fonts(state: &AppState) -> ApiResult<&'static jiban_letters::Fonts> {
    let dir = state.cfg.letter_font_dir.clone();
    FONTS
        .get_or_init(|| {
            jiban_letters::FontConfig { dir }
                .load()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| internal(e.clone()))
}

fn download(bytes: Vec<u8>, mime: &'static str, name: &str, ext: &str) -> (HeaderMap, Vec<u8>) {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, mime.parse().expect("valid"));
    let encoded: String = url_escape(&format!("{name}.{ext}"));
    let disposition = format!("attachment; filename=\"letter.{ext}\"; filename*=UTF-8''{encoded}");
    if let Ok(v) = disposition.parse() {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    (h, bytes)
}

fn url_escape(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The letter as a GB/T 9704 PDF.
#[utoipa::path(get, path = "/api/v1/letters/{id}/pdf", tag = TAG,
    responses((status = 200, description = "application/pdf"), (status = 404, body = ErrorBody)))]
pub async fn letter_pdf(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<(HeaderMap, Vec<u8>)> {
    let l = visible_letter(&state, &p, id).await?;
    let letter: jiban_letters::Letter = serde_json::from_str(&l.letter).map_err(internal)?;
    let state2 = state.clone();
    let bytes = tokio::task::spawn_blocking(move || -> ApiResult<Vec<u8>> {
        let f = fonts(&state2)?;
        jiban_letters::render_pdf_with(&letter, f).map_err(internal)
    })
    .await
    .map_err(internal)??;
    let (mut h, bytes) = download(bytes, "application/pdf", &l.doc_no, "pdf");
    // shown in the page's preview; the download button asks for a file name itself
    h.insert(
        header::CONTENT_DISPOSITION,
        "inline".parse().expect("valid"),
    );
    Ok((h, bytes))
}

/// The letter as .docx (for editing in Word / WPS).
#[utoipa::path(get, path = "/api/v1/letters/{id}/docx", tag = TAG,
    responses((status = 200, description = "docx"), (status = 404, body = ErrorBody)))]
pub async fn letter_docx(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<(HeaderMap, Vec<u8>)> {
    let l = visible_letter(&state, &p, id).await?;
    let letter: jiban_letters::Letter = serde_json::from_str(&l.letter).map_err(internal)?;
    let bytes = jiban_letters::render_docx(&letter).map_err(internal)?;
    Ok(download(
        bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &l.doc_no,
        "docx",
    ))
}

async fn letter_step(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    answer: Option<String>,
) -> ApiResult<Json<LetterOut>> {
    let l = visible_letter(state, p, id).await?;
    if !is_addressee(p, &l) {
        return Err(AppError::Forbidden {
            code: "auth.forbidden",
            message: "只有收函单位的人员可以签收和答复".into(),
        });
    }
    let zone = p.zone_id();
    let mut tx = state.store.begin().await?;
    let (acked, answered) = tx
        .lock_letter(zone, id)
        .await?
        .ok_or_else(|| AppError::not_found("函件"))?;
    if answered.is_some() {
        return Err(AppError::Transition {
            code: "letter.state",
            message: "该函件已答复".into(),
        });
    }
    let action = match &answer {
        Some(text) => {
            tx.answer_letter(id, p.user.id, text).await?;
            if acked.is_none() {
                tx.acknowledge_letter(id, p.user.id).await?;
            }
            "letter.answer"
        }
        None => {
            if acked.is_some() {
                return Err(AppError::Transition {
                    code: "letter.state",
                    message: "该函件已签收".into(),
                });
            }
            tx.acknowledge_letter(id, p.user.id).await?;
            "letter.acknowledge"
        }
    };
    if answer.is_some() {
        for u in state.store.users_with_role(zone, "supervisor").await? {
            tx.notify(
                zone,
                Some(u.id),
                None,
                None,
                "letter_answered",
                &format!("{}已答复{}", l.unit_name, l.doc_no),
                "请查阅整改措施。",
            )
            .await?;
        }
    }
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action,
            target_type: "warning_letter",
            target_id: Some(id),
            detail: json!({ "doc_no": l.doc_no, "answer": answer }),
        },
    )
    .await?;
    tx.commit().await?;
    let l = visible_letter(state, p, id).await?;
    Ok(Json(letter_out(p, l)?))
}

/// 签收: the addressed unit confirms it received the letter.
#[utoipa::path(post, path = "/api/v1/letters/{id}/acknowledge", tag = TAG,
    responses((status = 200, body = LetterOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn acknowledge_letter(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<LetterOut>> {
    letter_step(&state, &p, id, None).await
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct AnswerIn {
    /// 整改措施, 10–5000 characters.
    pub measures: String,
}

/// 答复: the unit's rectification measures (once).
#[utoipa::path(post, path = "/api/v1/letters/{id}/answer", tag = TAG, request_body = AnswerIn,
    responses((status = 200, body = LetterOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn answer_letter(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<AnswerIn>,
) -> ApiResult<Json<LetterOut>> {
    let text = b.measures.trim().to_string();
    let n = text.chars().count();
    if !(10..=5000).contains(&n) {
        return Err(bad("measures", "整改措施应为 10 到 5000 字"));
    }
    letter_step(&state, &p, id, Some(text)).await
}

// ---- exemptions -------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct ExemptionIn {
    pub reason: String,
}

async fn exemption_change(
    state: &AppState,
    p: &Principal,
    case_id: Uuid,
    reason: Option<String>,
) -> ApiResult<StatusCode> {
    p.require(Permission::AssessmentWrite)?;
    let zone = p.zone_id();
    state
        .store
        .case(zone, &crate::casework::visibility(p), case_id)
        .await?
        .ok_or_else(|| AppError::not_found("诉求"))?;
    let mut tx = state.store.begin().await?;
    let mut case = tx.lock_case(zone, case_id).await?;
    let (changed, action, label) = match &reason {
        Some(r) => (
            tx.set_exemption(zone, case_id, r, p.user.id).await?,
            "exempt",
            "免于考核",
        ),
        None => (tx.clear_exemption(case_id).await?, "unexempt", "恢复考核"),
    };
    if !changed {
        return Err(AppError::Transition {
            code: "case.exemption",
            message: if reason.is_some() {
                "该诉求已免于考核"
            } else {
                "该诉求未免于考核"
            }
            .into(),
        });
    }
    let from_state = case.state.clone();
    tx.append_event(
        &mut case,
        Some(p.user.id),
        &p.label(),
        action,
        Some(&from_state),
        json!({ "reason": reason, "label": label }),
    )
    .await?;
    tx.save_case(&case).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: zone,
            action: if reason.is_some() {
                "case.exempt"
            } else {
                "case.unexempt"
            },
            target_type: "case",
            target_id: Some(case_id),
            detail: json!({ "case_no": case.case_no, "reason": reason }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 免于考核: a supervisor takes a case out of every unit's assessment (e.g. an unreasonable demand).
#[utoipa::path(post, path = "/api/v1/cases/{id}/exemption", tag = TAG, request_body = ExemptionIn,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn exempt_case(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<ExemptionIn>,
) -> ApiResult<StatusCode> {
    let reason = b.reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(bad("reason", "请填写免于考核的理由（不超过 500 字）"));
    }
    exemption_change(&state, &p, id, Some(reason.into())).await
}

/// Lifts an exemption.
#[utoipa::path(delete, path = "/api/v1/cases/{id}/exemption", tag = TAG,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn unexempt_case(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    exemption_change(&state, &p, id, None).await
}

// ---- dashboard --------------------------------------------------------------------------------

#[derive(Serialize, ToSchema, Debug, Default, Clone, Copy)]
pub struct Flow {
    pub received: i64,
    pub closed: i64,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct TrendPoint {
    pub day: Date,
    pub received: i64,
    pub closed: i64,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct CategoryCount {
    pub code: String,
    pub name: String,
    pub received: i64,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct AreaCount {
    pub unit_id: Uuid,
    pub code: String,
    pub name: String,
    /// `street` or `grid`
    pub kind: String,
    pub parent_id: Option<Uuid>,
    pub received: i64,
    pub open: i64,
    pub overdue: i64,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct DashRankRow {
    pub unit_name: String,
    pub group: String,
    pub rank: Option<i64>,
    pub of: i64,
    pub score: Option<f64>,
    #[schema(value_type = Option<Object>)]
    pub movement: Option<Movement>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct DashRanking {
    pub snapshot_id: Uuid,
    pub label: String,
    pub rows: Vec<DashRankRow>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct UrgentCase {
    pub id: Uuid,
    pub case_no: String,
    pub title: String,
    pub state: String,
    pub state_label: String,
    pub created_at: String,
    pub area_name: Option<String>,
}

#[derive(Serialize, ToSchema, Debug)]
pub struct Dashboard {
    pub as_of: String,
    pub today: Flow,
    pub week: Flow,
    pub year: Flow,
    pub open: i64,
    pub overdue: i64,
    pub trend: Vec<TrendPoint>,
    pub categories: Vec<CategoryCount>,
    pub areas: Vec<AreaCount>,
    pub ranking: Option<DashRanking>,
    pub urgent: Vec<UrgentCase>,
}

/// 指挥大屏: the zone at a glance, from rollups kept with every case change (never a scan).
#[utoipa::path(get, path = "/api/v1/dashboard", tag = TAG,
    responses((status = 200, body = Dashboard), (status = 403, body = ErrorBody)))]
pub async fn dashboard(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Dashboard>> {
    p.require(Permission::AssessmentRead)?;
    Ok(Json(
        dashboard_data(&state, p.zone_id(), jiban_store::now()).await?,
    ))
}

/// The dashboard's data at `now` (the bench calls it directly).
pub async fn dashboard_data(
    state: &AppState,
    zone: Uuid,
    now: OffsetDateTime,
) -> ApiResult<Dashboard> {
    let store = &state.store;
    let today = now.to_offset(BEIJING).date();
    let monday = today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
    let flow = |(received, closed): (i64, i64)| Flow { received, closed };
    let (d_today, d_monday, d_first) = (
        day_bucket(today),
        day_bucket(monday),
        day_bucket(today - Duration::days(29)),
    );
    let (year_first, year_last) = (
        month_bucket(today.year(), 1),
        month_bucket(today.year(), 12),
    );
    let (t, w, y, series) = tokio::try_join!(
        store.rollup_sum(zone, &d_today, &d_today, "*"),
        store.rollup_sum(zone, &d_monday, &d_today, "*"),
        store.rollup_sum(zone, &year_first, &year_last, "*"),
        store.rollup_series(zone, &d_first, &d_today, "*"),
    )?;
    let by_day: HashMap<String, (i64, i64)> = series
        .into_iter()
        .map(|r| (r.bucket, (r.received, r.closed)))
        .collect();
    let trend = (0..30)
        .rev()
        .map(|k| {
            let d = today - Duration::days(k);
            let (received, closed) = by_day.get(&day_bucket(d)).copied().unwrap_or((0, 0));
            TrendPoint {
                day: d,
                received,
                closed,
            }
        })
        .collect();
    let (cats, grids, live, units, taxonomy) = tokio::try_join!(
        store.rollup_by_dim(zone, &year_first, &year_last, "c:"),
        store.rollup_by_dim(zone, &year_first, &year_last, "g:"),
        store.live_counts(zone),
        store.org_units(zone),
        store.categories(zone),
    )?;
    let names: HashMap<&str, &str> = taxonomy
        .iter()
        .map(|c| (c.code.as_str(), c.name.as_str()))
        .collect();
    let mut categories: Vec<CategoryCount> = cats
        .into_iter()
        .filter(|r| r.received > 0)
        .map(|r| {
            let code = r.dim.trim_start_matches("c:").to_string();
            CategoryCount {
                name: names
                    .get(top_category(&code))
                    .copied()
                    .unwrap_or(code.as_str())
                    .to_string(),
                code,
                received: r.received,
            }
        })
        .collect();
    categories.sort_by(|a, b| b.received.cmp(&a.received).then(a.code.cmp(&b.code)));
    let live: HashMap<String, (i64, i64)> = live
        .into_iter()
        .map(|r| (r.dim, (r.open, r.overdue)))
        .collect();
    let (open, overdue) = live.get("*").copied().unwrap_or((0, 0));
    let received_by_grid: HashMap<String, i64> =
        grids.into_iter().map(|r| (r.dim, r.received)).collect();
    let mut areas: Vec<AreaCount> = Vec::new();
    let mut street_sums: HashMap<Uuid, (i64, i64, i64)> = HashMap::new();
    for u in units.iter().filter(|u| u.kind == "grid") {
        let dim = format!("g:{}", u.id);
        let received = received_by_grid.get(&dim).copied().unwrap_or(0);
        let (o, od) = live.get(&dim).copied().unwrap_or((0, 0));
        if let Some(s) = u.street_id {
            let e = street_sums.entry(s).or_default();
            e.0 += received;
            e.1 += o;
            e.2 += od;
        }
        areas.push(AreaCount {
            unit_id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            kind: "grid".into(),
            parent_id: u.street_id,
            received,
            open: o,
            overdue: od,
        });
    }
    for u in units.iter().filter(|u| u.kind == "street") {
        let (received, o, od) = street_sums.get(&u.id).copied().unwrap_or_default();
        areas.push(AreaCount {
            unit_id: u.id,
            code: u.code.clone(),
            name: u.name.clone(),
            kind: "street".into(),
            parent_id: None,
            received,
            open: o,
            overdue: od,
        });
    }
    let (latest, urgent) = tokio::try_join!(
        store.standing_snapshots(zone, "week", Date::MAX, 1),
        store.urgent_open_cases(zone, 10),
    )?;
    let ranking = match latest.into_iter().next() {
        Some(s) => Some(DashRanking {
            snapshot_id: s.id,
            label: period_label(&s.kind, s.period_from, s.period_to),
            rows: store
                .snapshot_rows(s.id, false)
                .await?
                .into_iter()
                .filter(|r| r.grp == "street" || r.grp == "department")
                .map(|r| DashRankRow {
                    unit_name: r.unit_name,
                    group: group_of(&r.unit_kind),
                    rank: r.rank,
                    of: r.of_count,
                    score: r.score,
                    movement: movement_of(r.movement.as_deref()),
                })
                .collect(),
        }),
        None => None,
    };
    Ok(Dashboard {
        as_of: bj(now),
        today: flow(t),
        week: flow(w),
        year: flow(y),
        open,
        overdue,
        trend,
        categories,
        areas,
        ranking,
        urgent: urgent
            .into_iter()
            .map(|c| UrgentCase {
                state_label: CaseState::parse(&c.state)
                    .map(|s| s.label().to_string())
                    .unwrap_or_default(),
                id: c.id,
                case_no: c.case_no,
                title: c.title,
                state: c.state,
                created_at: bj(c.created_at),
                area_name: c.area_name,
            })
            .collect(),
    })
}
