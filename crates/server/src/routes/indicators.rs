//! Operating indicators, their values, the colour-band rules, the five-colour map and early
//! warnings. The computation is in `crate::bands`; formulas in `jiban_core::formula`.

use super::enterprises::BandOut;
use crate::auth::Principal;
use crate::bands::{self, RecomputeOptions, RecomputeOut};
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiban_core::band::{BandRules, ComponentKind};
use jiban_core::formula::Formula;
use jiban_core::roles::{Permission, Role};
use jiban_store::audit::NewAudit;
use jiban_store::indicators::{IndicatorRow, NewValue};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct IndicatorOut {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub unit: String,
    /// day | week | month
    pub period: String,
    /// reported | computed
    pub kind: String,
    pub formula: Option<String>,
    /// The reported indicators a computed one reads.
    pub inputs: Vec<String>,
    pub active: bool,
}

fn indicator_out(i: &IndicatorRow) -> IndicatorOut {
    IndicatorOut {
        id: i.id,
        code: i.code.clone(),
        name: i.name.clone(),
        unit: i.unit.clone(),
        period: i.period.clone(),
        kind: i.kind.clone(),
        inputs: i
            .formula
            .as_deref()
            .and_then(|f| Formula::parse(f).ok())
            .map(|f| f.names())
            .unwrap_or_default(),
        formula: i.formula.clone(),
        active: i.active,
    }
}

/// The zone's indicator definitions.
#[utoipa::path(get, path = "/api/v1/indicators", tag = "运行指标",
    responses((status = 200, body = Vec<IndicatorOut>)))]
pub async fn list_indicators(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<Vec<IndicatorOut>>> {
    p.require(Permission::EnterpriseRead)?;
    Ok(Json(
        state
            .store
            .indicators(p.zone_id())
            .await?
            .iter()
            .map(indicator_out)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct IndicatorIn {
    /// Letters, digits and `_`, starting with a letter (e.g. `fgl`).
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub unit: String,
    /// day | week | month
    pub period: String,
    /// reported | computed
    pub kind: String,
    /// For a computed indicator: e.g. `在岗人数 ÷ 正常用工人数`, `用电量 / 去年同期(用电量)`.
    pub formula: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Checks a definition against the zone's others; `id` is the one being replaced.
fn check(body: &IndicatorIn, others: &[IndicatorRow], id: Option<Uuid>) -> ApiResult<IndicatorRow> {
    let code = body.code.trim();
    if code.is_empty()
        || code.len() > 32
        || !code.starts_with(|c: char| c.is_ascii_alphabetic())
        || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(AppError::invalid(
            "validation.code",
            "code",
            "指标代码须以字母开头，只含字母、数字和下划线（不超过 32 位）",
        ));
    }
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 30 {
        return Err(AppError::invalid(
            "validation.name",
            "name",
            "指标名称须为 1 至 30 个字",
        ));
    }
    if !matches!(body.period.as_str(), "day" | "week" | "month") {
        return Err(AppError::invalid(
            "validation.period",
            "period",
            "统计周期只能是日、周或月",
        ));
    }
    let others: Vec<&IndicatorRow> = others.iter().filter(|o| Some(o.id) != id).collect();
    if others.iter().any(|o| o.code == code) {
        return Err(AppError::Conflict {
            field: "code".into(),
            message: format!("指标代码“{code}”已被使用"),
        });
    }
    if others.iter().any(|o| o.name == name) {
        return Err(AppError::Conflict {
            field: "name".into(),
            message: format!("指标名称“{name}”已被使用"),
        });
    }
    let formula = match body.kind.as_str() {
        "reported" => None,
        "computed" => {
            let src = body.formula.as_deref().unwrap_or("").trim();
            let known = |n: &str| {
                others
                    .iter()
                    .any(|o| o.kind == "reported" && (o.code == n || o.name == n))
            };
            let f = Formula::parse_checked(src, known).map_err(|e| AppError::Invalid {
                code: "formula_invalid".into(),
                field: Some("formula".into()),
                message: e.message,
            })?;
            Some(f.source().to_string())
        }
        _ => {
            return Err(AppError::invalid(
                "validation.kind",
                "kind",
                "指标类型只能是 reported（上报）或 computed（计算）",
            ));
        }
    };
    Ok(IndicatorRow {
        id: id.unwrap_or_else(jiban_store::new_id),
        zone_id: Uuid::nil(),
        code: code.into(),
        name: name.into(),
        unit: body.unit.trim().chars().take(16).collect(),
        period: body.period.clone(),
        kind: body.kind.clone(),
        formula,
        active: body.active,
        sort: others.len() as i64,
        updated_at: jiban_store::now(),
    })
}

async fn save(
    state: &AppState,
    p: &Principal,
    mut row: IndicatorRow,
    action: &str,
) -> ApiResult<IndicatorOut> {
    row.zone_id = p.zone_id();
    let mut tx = state.store.begin().await?;
    tx.save_indicator(&row).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action,
            target_type: "indicator",
            target_id: Some(row.id),
            detail: json!({ "code": row.code, "name": row.name, "kind": row.kind, "formula": row.formula,
                "period": row.period, "active": row.active }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(indicator_out(&row))
}

/// Defines an indicator. A computed one's formula is parsed and every name checked.
#[utoipa::path(post, path = "/api/v1/indicators", tag = "运行指标",
    request_body = IndicatorIn,
    responses((status = 201, body = IndicatorOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_indicator(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<IndicatorIn>,
) -> ApiResult<(StatusCode, Json<IndicatorOut>)> {
    p.require(Permission::IndicatorWrite)?;
    let all = state.store.indicators(p.zone_id()).await?;
    let row = check(&body, &all, None)?;
    Ok((
        StatusCode::CREATED,
        Json(save(&state, &p, row, "indicator.create").await?),
    ))
}

/// Changes an indicator (by its current code).
#[utoipa::path(put, path = "/api/v1/indicators/{code}", tag = "运行指标",
    params(("code" = String, Path, description = "指标代码")),
    request_body = IndicatorIn,
    responses((status = 200, body = IndicatorOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_indicator(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(code): ApiPath<String>,
    ApiJson(body): ApiJson<IndicatorIn>,
) -> ApiResult<Json<IndicatorOut>> {
    p.require(Permission::IndicatorWrite)?;
    let all = state.store.indicators(p.zone_id()).await?;
    let current = all
        .iter()
        .find(|i| i.code == code)
        .ok_or_else(|| AppError::not_found("指标"))?;
    if current.kind == "reported" && body.kind != "reported" {
        let used_by: Vec<&str> = all
            .iter()
            .filter(|o| {
                o.formula
                    .as_deref()
                    .and_then(|f| Formula::parse(f).ok())
                    .is_some_and(|f| {
                        f.names()
                            .iter()
                            .any(|n| *n == current.code || *n == current.name)
                    })
            })
            .map(|o| o.name.as_str())
            .collect();
        if !used_by.is_empty() {
            return Err(AppError::invalid(
                "validation.kind",
                "kind",
                format!(
                    "“{}”被计算指标{}引用，不能改为计算指标",
                    current.name,
                    used_by.join("、")
                ),
            ));
        }
    }
    let mut row = check(&body, &all, Some(current.id))?;
    row.sort = current.sort;
    Ok(Json(save(&state, &p, row, "indicator.update").await?))
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct ValueIn {
    /// 统一社会信用代码
    pub uscc: String,
    /// The code or name of a reported indicator.
    pub indicator: String,
    /// `2026-10`, `2026-10-01` (the period that contains the day).
    pub period: String,
    pub value: f64,
}

#[derive(Deserialize, ToSchema, Debug)]
#[serde(deny_unknown_fields)]
pub struct ValuesIn {
    pub values: Vec<ValueIn>,
}

#[derive(Serialize, ToSchema)]
pub struct ValueError {
    /// The position in `values` (from 0).
    pub index: usize,
    pub field: String,
    pub message: String,
}

#[derive(Serialize, ToSchema)]
pub struct ValuesOut {
    pub accepted: u64,
    /// Values that replaced an earlier, different one (kept as history).
    pub corrected: u64,
    pub unchanged: u64,
    pub errors: Vec<ValueError>,
}

/// Reports values: utilities and the tax bureau by API token (source `api`), staff (`manual`),
/// an enterprise for its own credit code (`portal`). All or nothing: with any error, nothing is
/// written and the errors are listed.
#[utoipa::path(post, path = "/api/v1/indicators/values", tag = "运行指标",
    request_body = ValuesIn,
    responses((status = 200, body = ValuesOut), (status = 422, body = ValuesOut)))]
pub async fn post_values(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<ValuesIn>,
) -> ApiResult<(StatusCode, Json<ValuesOut>)> {
    let own = if p.role == Role::Enterprise {
        let id = p.user.enterprise_id.ok_or_else(|| AppError::Forbidden {
            code: "auth.forbidden",
            message: "账号未关联企业".into(),
        })?;
        Some(id)
    } else {
        p.require(Permission::IndicatorWrite)?;
        None
    };
    if body.values.is_empty() || body.values.len() > 10_000 {
        return Err(AppError::invalid(
            "validation.values",
            "values",
            "每次报送 1 至 10000 条数值",
        ));
    }
    let source = if p.role == Role::Enterprise {
        "portal"
    } else if p.token_id.is_some() {
        "api"
    } else {
        "manual"
    };
    let indicators = state.store.indicators(p.zone_id()).await?;
    let mut codes: Vec<String> = body
        .values
        .iter()
        .filter_map(|v| jiban_core::uscc::Uscc::parse(&v.uscc).ok())
        .map(|u| u.as_str().to_string())
        .collect();
    codes.sort();
    codes.dedup();
    let known: HashMap<String, Uuid> = state
        .store
        .enterprises_by_usccs(p.zone_id(), &codes)
        .await?
        .into_iter()
        .filter(|e| own.is_none_or(|o| o == e.id))
        .map(|e| (e.uscc, e.id))
        .collect();
    let mut errors = Vec::new();
    let mut values = Vec::new();
    for (i, v) in body.values.iter().enumerate() {
        let checked = crate::import::check_value(
            &indicators,
            |u| known.get(u).copied(),
            &v.uscc,
            &v.indicator,
            &v.period,
            &crate::import::fmt_number(v.value),
            |field, message| {
                errors.push(ValueError {
                    index: i,
                    field: field.into(),
                    message,
                })
            },
        );
        if let Some(c) = checked {
            values.push(NewValue {
                enterprise_id: c.enterprise_id,
                indicator_id: c.indicator_id,
                period: c.period,
                value: c.value,
                source: source.into(),
                recorded_by: Some(p.user.id),
            });
        }
    }
    if !errors.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ValuesOut {
                accepted: 0,
                corrected: 0,
                unchanged: 0,
                errors,
            }),
        ));
    }
    let mut tx = state.store.begin().await?;
    let r = tx.record_values(p.zone_id(), &values).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "indicator.values",
            target_type: "enterprise",
            target_id: (values.len() == 1 || own.is_some()).then(|| values[0].enterprise_id),
            detail: json!({ "source": source, "count": values.len(), "accepted": r.accepted,
                "corrected": r.corrected, "unchanged": r.unchanged }),
        },
    )
    .await?;
    tx.commit().await?;
    if r.accepted + r.corrected > 0 {
        bands::recompute_soon(&state, p.zone_id());
    }
    Ok((
        StatusCode::OK,
        Json(ValuesOut {
            accepted: r.accepted,
            corrected: r.corrected,
            unchanged: r.unchanged,
            errors,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct HistoryPoint {
    pub value: f64,
    pub source: String,
    #[serde(with = "time::serde::rfc3339")]
    pub recorded_at: OffsetDateTime,
}

#[derive(Serialize, ToSchema)]
pub struct SeriesPoint {
    /// The first day of the period.
    pub period: Date,
    /// Absent when a computed value cannot be computed (`reason` says why).
    pub value: Option<f64>,
    pub source: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub recorded_at: Option<OffsetDateTime>,
    pub reason: Option<String>,
    /// Earlier values of the period, replaced by corrections (newest first).
    pub history: Vec<HistoryPoint>,
}

#[derive(Serialize, ToSchema)]
pub struct Series {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub period: String,
    pub kind: String,
    pub points: Vec<SeriesPoint>,
}

/// The enterprise's indicator series (last 24 periods), reported and computed, with corrections.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/indicators", tag = "运行指标",
    params(("id" = Uuid, Path, description = "企业 id")),
    responses((status = 200, body = Vec<Series>), (status = 404, body = ErrorBody)))]
pub async fn enterprise_series(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<Series>>> {
    p.require(Permission::EnterpriseRead)?;
    state
        .store
        .enterprise(p.zone_id(), &p.visibility(), id)
        .await?
        .ok_or_else(|| AppError::not_found("企业"))?;
    let indicators = state.store.indicators(p.zone_id()).await?;
    let today = jiban_store::now()
        .to_offset(jiban_core::calendar::BEIJING)
        .date();
    let since = today
        .replace_year(today.year() - 3)
        .unwrap_or(today)
        .replace_day(1)
        .unwrap_or(today);
    let values = state.store.enterprise_values(id, since).await?;
    let current: HashMap<(Uuid, Date), f64> = values
        .iter()
        .filter(|v| v.superseded_at.is_none())
        .map(|v| ((v.indicator_id, v.period), v.value))
        .collect();
    let by_name: HashMap<&str, &IndicatorRow> = indicators
        .iter()
        .flat_map(|i| [(i.code.as_str(), i), (i.name.as_str(), i)])
        .collect();
    let mut out = Vec::new();
    for ind in indicators.iter().filter(|i| i.active) {
        let mut points = Vec::new();
        match ind.formula.as_deref().and_then(|f| Formula::parse(f).ok()) {
            None => {
                let mut by_period: BTreeMap<Date, Vec<&jiban_store::indicators::ValueRow>> =
                    BTreeMap::new();
                for v in values.iter().filter(|v| v.indicator_id == ind.id) {
                    by_period.entry(v.period).or_default().push(v);
                }
                for (period, vs) in by_period.into_iter().rev().take(24) {
                    let cur = vs.iter().find(|v| v.superseded_at.is_none());
                    points.push(SeriesPoint {
                        period,
                        value: cur.map(|v| v.value),
                        source: cur.map(|v| v.source.clone()),
                        recorded_at: cur.map(|v| v.recorded_at),
                        reason: None,
                        history: vs
                            .iter()
                            .filter(|v| v.superseded_at.is_some())
                            .map(|v| HistoryPoint {
                                value: v.value,
                                source: v.source.clone(),
                                recorded_at: v.recorded_at,
                            })
                            .collect(),
                    });
                }
            }
            Some(f) => {
                // the periods any input has a value for
                let inputs: Vec<Uuid> = f
                    .names()
                    .iter()
                    .filter_map(|n| by_name.get(n.as_str()).map(|i| i.id))
                    .collect();
                let mut periods: Vec<Date> = current
                    .keys()
                    .filter(|(i, _)| inputs.contains(i))
                    .map(|(_, p)| *p)
                    .collect();
                periods.sort();
                periods.dedup();
                for period in periods.into_iter().rev().take(24) {
                    let r = f.eval(|name, when| {
                        let i = by_name.get(name)?;
                        current
                            .get(&(i.id, crate::bands::input_period(when, period)))
                            .copied()
                    });
                    let (value, reason) = match r {
                        Ok(v) => (Some((v * 10_000.0).round() / 10_000.0), None),
                        Err(e) => (None, Some(e.message())),
                    };
                    points.push(SeriesPoint {
                        period,
                        value,
                        source: None,
                        recorded_at: None,
                        reason,
                        history: Vec::new(),
                    });
                }
            }
        }
        points.reverse();
        out.push(Series {
            code: ind.code.clone(),
            name: ind.name.clone(),
            unit: ind.unit.clone(),
            period: ind.period.clone(),
            kind: ind.kind.clone(),
            points,
        });
    }
    Ok(Json(out))
}

/// The zone's colour-band rules.
#[utoipa::path(get, path = "/api/v1/bands/rules", tag = "五色图",
    responses((status = 200, description = "bands, components, silent_periods, visit_category")))]
pub async fn get_rules(State(state): State<AppState>, p: Principal) -> ApiResult<Json<BandRules>> {
    p.require(Permission::EnterpriseRead)?;
    Ok(Json(bands::rules(&state, p.zone_id()).await?))
}

/// Replaces the rules and recomputes every band.
#[utoipa::path(put, path = "/api/v1/bands/rules", tag = "五色图",
    request_body(content = String, description = "BandRules JSON as returned by GET"),
    responses((status = 200, description = "the rules saved"), (status = 422, body = ErrorBody)))]
pub async fn put_rules(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(rules): ApiJson<BandRules>,
) -> ApiResult<Json<BandRules>> {
    p.require(Permission::IndicatorWrite)?;
    rules.validate()?;
    let indicators = state.store.indicators(p.zone_id()).await?;
    for (i, c) in rules.components.iter().enumerate() {
        if c.kind == ComponentKind::Indicator {
            let code = c.code.as_deref().unwrap_or("");
            if !indicators.iter().any(|x| x.code == code && x.active) {
                return Err(AppError::invalid(
                    "validation.band_rules",
                    "components",
                    format!("第 {} 项评分指标“{code}”不是已启用的指标", i + 1),
                ));
            }
        }
    }
    crate::casework::check_category(&state, p.zone_id(), &rules.visit_category)
        .await
        .map_err(|_| {
            AppError::invalid(
                "validation.category",
                "visit_category",
                format!("走访任务分类“{}”不是有效的末级分类", rules.visit_category),
            )
        })?;
    let value = serde_json::to_value(&rules).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = state.store.begin().await?;
    tx.set_band_rules(p.zone_id(), &value).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "bands.rules",
            target_type: "zone",
            target_id: Some(p.zone_id()),
            detail: value.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    bands::recompute_soon(&state, p.zone_id());
    Ok(Json(rules))
}

/// Recomputes every band now (and raises the warnings).
#[utoipa::path(post, path = "/api/v1/bands/recompute", tag = "五色图",
    responses((status = 200, body = RecomputeOut)))]
pub async fn recompute(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<RecomputeOut>> {
    p.require(Permission::IndicatorWrite)?;
    Ok(Json(
        bands::recompute(
            &state,
            p.zone_id(),
            RecomputeOptions {
                open_visits: true,
                ..Default::default()
            },
        )
        .await?,
    ))
}

#[derive(Serialize, ToSchema)]
pub struct BandCount {
    pub code: String,
    pub name: String,
    pub color: String,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct StreetCounts {
    pub street_id: Option<Uuid>,
    pub street_name: String,
    /// band code (or `none`) → enterprises
    pub counts: BTreeMap<String, i64>,
}

#[derive(Serialize, ToSchema)]
pub struct DayCounts {
    pub day: Date,
    pub counts: BTreeMap<String, i64>,
}

#[derive(Serialize, ToSchema)]
pub struct BandSummary {
    pub bands: Vec<BandCount>,
    /// Enterprises without a band.
    pub unrated: i64,
    pub by_street: Vec<StreetCounts>,
    /// The last 90 days.
    pub trend: Vec<DayCounts>,
}

/// Counts per band, per street, and the trend (last 90 days). Zone-wide figures: the map is a
/// leader's and the service teams' overview.
#[utoipa::path(get, path = "/api/v1/bands/summary", tag = "五色图",
    responses((status = 200, body = BandSummary)))]
pub async fn summary(State(state): State<AppState>, p: Principal) -> ApiResult<Json<BandSummary>> {
    p.require(Permission::EnterpriseRead)?;
    let rules = bands::rules(&state, p.zone_id()).await?;
    let rows = state.store.band_counts(p.zone_id()).await?;
    let mut total: HashMap<String, i64> = HashMap::new();
    let mut streets: Vec<StreetCounts> = Vec::new();
    for r in rows {
        let key = r.band.clone().unwrap_or_else(|| "none".into());
        *total.entry(key.clone()).or_default() += r.count;
        let name = r.street_name.clone().unwrap_or_else(|| "未划分街道".into());
        match streets.iter_mut().find(|s| s.street_id == r.street_id) {
            Some(s) => *s.counts.entry(key).or_default() += r.count,
            None => streets.push(StreetCounts {
                street_id: r.street_id,
                street_name: name,
                counts: BTreeMap::from([(key, r.count)]),
            }),
        }
    }
    let today = jiban_store::now()
        .to_offset(jiban_core::calendar::BEIJING)
        .date();
    let mut trend: Vec<DayCounts> = Vec::new();
    for d in state
        .store
        .band_daily(p.zone_id(), today - time::Duration::days(90))
        .await?
    {
        match trend.last_mut() {
            Some(t) if t.day == d.day => {
                t.counts.insert(d.band, d.count);
            }
            _ => trend.push(DayCounts {
                day: d.day,
                counts: BTreeMap::from([(d.band, d.count)]),
            }),
        }
    }
    Ok(Json(BandSummary {
        bands: rules
            .bands
            .iter()
            .map(|b| BandCount {
                code: b.code.clone(),
                name: b.name.clone(),
                color: b.color.clone(),
                count: total.get(&b.code).copied().unwrap_or(0),
            })
            .collect(),
        unrated: total.get("none").copied().unwrap_or(0),
        by_street: streets,
        trend,
    }))
}

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct PointsQuery {
    /// A band code, or `none`.
    pub band: Option<String>,
    pub street_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct PointOut {
    pub id: Uuid,
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub band: Option<String>,
    pub street_name: Option<String>,
}

/// The enterprises as points of the map, within the caller's data scope.
#[utoipa::path(get, path = "/api/v1/bands/points", tag = "五色图",
    params(PointsQuery),
    responses((status = 200, body = Vec<PointOut>)))]
pub async fn points(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<PointsQuery>,
) -> ApiResult<Json<Vec<PointOut>>> {
    p.require(Permission::EnterpriseRead)?;
    let vis = p.visibility();
    let rows = state
        .store
        .band_points(
            p.zone_id(),
            q.band.as_deref().filter(|b| !b.is_empty()),
            q.street_id,
        )
        .await?;
    // the map is zone-wide for staff of the zone; narrower scopes see their own enterprises only
    let allowed: Option<std::collections::HashSet<Uuid>> = match vis {
        jiban_store::enterprises::Visibility::Zone => None,
        _ => Some(
            state
                .store
                .export_enterprises(p.zone_id(), &vis, &Default::default(), 200_000)
                .await?
                .into_iter()
                .map(|e| e.id)
                .collect(),
        ),
    };
    Ok(Json(
        rows.into_iter()
            .filter(|r| allowed.as_ref().is_none_or(|a| a.contains(&r.id)))
            .filter_map(|r| {
                Some(PointOut {
                    lon: r.lon?,
                    lat: r.lat?,
                    id: r.id,
                    name: r.name,
                    band: r.band,
                    street_name: r.street_name,
                })
            })
            .collect(),
    ))
}

/// The zone's map: GeoJSON of its streets and grids (no internet tiles needed).
#[utoipa::path(get, path = "/api/v1/geo", tag = "五色图",
    responses((status = 200, description = "GeoJSON FeatureCollection"), (status = 404, body = ErrorBody)))]
pub async fn geo(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<([(axum::http::HeaderName, &'static str); 1], String)> {
    p.require(Permission::EnterpriseRead)?;
    let g = state
        .store
        .zone_geo(p.zone_id())
        .await?
        .ok_or_else(|| AppError::NotFound("本区尚未配置地图（GeoJSON）".into()))?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/geo+json")],
        g,
    ))
}

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct WarningQuery {
    /// Only warnings whose visit task is still open.
    pub open: Option<bool>,
    /// drop | red | silent
    pub kind: Option<String>,
    pub enterprise_id: Option<Uuid>,
}

#[derive(Serialize, ToSchema)]
pub struct WarningOut {
    pub id: Uuid,
    pub enterprise_id: Uuid,
    pub enterprise_name: String,
    /// drop | red | silent
    pub kind: String,
    pub kind_name: String,
    pub from_band: Option<BandOut>,
    pub to_band: Option<BandOut>,
    pub message: String,
    pub case_id: Option<Uuid>,
    pub case_no: Option<String>,
    pub case_state: Option<String>,
    pub street_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// The visit task is closed.
    pub handled: bool,
}

/// Early warnings, newest first (at most 500).
#[utoipa::path(get, path = "/api/v1/warnings", tag = "五色图",
    params(WarningQuery),
    responses((status = 200, body = Vec<WarningOut>)))]
pub async fn list_warnings(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<WarningQuery>,
) -> ApiResult<Json<Vec<WarningOut>>> {
    p.require(Permission::EnterpriseRead)?;
    let rules = bands::rules(&state, p.zone_id()).await?;
    let band = |c: &Option<String>| {
        c.as_deref().map(|code| {
            let d = rules.band(code);
            BandOut {
                code: code.into(),
                name: d.map(|d| d.name.clone()).unwrap_or_else(|| code.into()),
                color: d
                    .map(|d| d.color.clone())
                    .unwrap_or_else(|| "#909399".into()),
                score: None,
                since: None,
            }
        })
    };
    let vis = p.visibility();
    let rows = state
        .store
        .warnings(
            p.zone_id(),
            q.enterprise_id,
            q.open.unwrap_or(false),
            q.kind.as_deref().filter(|k| !k.is_empty()),
            500,
        )
        .await?;
    let mut out = Vec::new();
    for w in rows {
        if !matches!(vis, jiban_store::enterprises::Visibility::Zone)
            && state
                .store
                .enterprise(p.zone_id(), &vis, w.enterprise_id)
                .await?
                .is_none()
        {
            continue;
        }
        let handled = w
            .case_state
            .as_deref()
            .is_some_and(|s| jiban_core::case::CaseState::parse(s).is_ok_and(|s| s.is_terminal()));
        out.push(WarningOut {
            kind_name: match w.kind.as_str() {
                "drop" => "连降两级",
                "red" => "落入红色",
                _ => "未按期报送",
            }
            .into(),
            from_band: band(&w.from_band),
            to_band: band(&w.to_band),
            id: w.id,
            enterprise_id: w.enterprise_id,
            enterprise_name: w.enterprise_name,
            kind: w.kind,
            message: w.message,
            case_id: w.case_id,
            case_no: w.case_no,
            case_state: w.case_state,
            street_name: w.street_name,
            created_at: w.created_at,
            handled,
        });
    }
    Ok(Json(out))
}
