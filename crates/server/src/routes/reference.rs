//! Reference data every signed-in user may read (roles, taxonomy, calendar) and the workbench
//! overview of the caller's scope.

use crate::auth::Principal;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::ApiQuery;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use jiban_core::org::UnitKind;
use jiban_core::roles::{Permission, Role};
use serde::{Deserialize, Serialize};
use time::{Date, Month};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct RoleOut {
    pub code: String,
    pub name: String,
    pub permissions: Vec<String>,
}

/// The roles and the permissions each grants.
#[utoipa::path(get, path = "/api/v1/roles", tag = "参考数据",
    responses((status = 200, body = Vec<RoleOut>), (status = 401, body = ErrorBody)))]
pub async fn roles(_p: Principal) -> Json<Vec<RoleOut>> {
    Json(
        Role::ALL
            .iter()
            .map(|r| RoleOut {
                code: r.as_str().into(),
                name: r.label().into(),
                permissions: r.permissions().iter().map(|p| p.as_str().into()).collect(),
            })
            .collect(),
    )
}

#[derive(Serialize, ToSchema)]
pub struct CategoryOut {
    /// Stable code, e.g. `QY01`.
    pub code: String,
    pub parent: Option<String>,
    pub name: String,
    pub scope: String,
    pub active: bool,
}

/// The demand taxonomy (诉求分类) of the caller's zone.
#[utoipa::path(get, path = "/api/v1/categories", tag = "参考数据",
    responses((status = 200, body = Vec<CategoryOut>), (status = 401, body = ErrorBody)))]
pub async fn categories(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<Vec<CategoryOut>>> {
    let rows = state.store.categories(p.zone_id()).await?;
    Ok(Json(
        rows.into_iter()
            .map(|c| CategoryOut {
                code: c.code,
                parent: c.parent_code,
                name: c.name,
                scope: c.scope,
                active: c.active,
            })
            .collect(),
    ))
}

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// e.g. 2026
    pub year: i32,
}

#[derive(Serialize, ToSchema)]
pub struct CalendarDayOut {
    pub date: Date,
    /// holiday (法定节假日) | workday (调休上班)
    pub kind: String,
    pub name: String,
}

/// The holidays and make-up working days of a year.
#[utoipa::path(get, path = "/api/v1/calendar/days", tag = "参考数据",
    params(YearQuery),
    responses((status = 200, body = Vec<CalendarDayOut>), (status = 422, body = ErrorBody)))]
pub async fn calendar_days(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<Vec<CalendarDayOut>>> {
    let bad = || AppError::invalid("validation.range", "year", "年份应在 2000 到 2100 之间");
    if !(2000..=2100).contains(&q.year) {
        return Err(bad());
    }
    let from = Date::from_calendar_date(q.year, Month::January, 1).map_err(|_| bad())?;
    let to = Date::from_calendar_date(q.year, Month::December, 31).map_err(|_| bad())?;
    let rows = state.store.calendar_days(p.zone_id(), from, to).await?;
    Ok(Json(
        rows.into_iter()
            .map(|d| CalendarDayOut {
                date: d.day,
                kind: d.kind,
                name: d.name,
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct StreetCount {
    pub street_id: Option<Uuid>,
    pub street_name: String,
    pub enterprises: i64,
}

#[derive(Serialize, ToSchema)]
pub struct SizeCount {
    pub size_class: String,
    pub size_name: String,
    pub count: i64,
}

/// Counts for the workbench, within the caller's scope.
#[derive(Serialize, ToSchema)]
pub struct Overview {
    pub enterprises: i64,
    pub streets: i64,
    pub communities: i64,
    pub grids: i64,
    pub users: i64,
    pub by_street: Vec<StreetCount>,
    pub by_size: Vec<SizeCount>,
}

/// Workbench figures: units, enterprises by street and by size, within the caller's scope.
#[utoipa::path(get, path = "/api/v1/overview", tag = "参考数据",
    responses((status = 200, body = Overview), (status = 401, body = ErrorBody)))]
pub async fn overview(State(state): State<AppState>, p: Principal) -> ApiResult<Json<Overview>> {
    let units = state.store.org_units(p.zone_id()).await?;
    let visible: Vec<_> = units
        .iter()
        .filter(|u| u.active && p.sees_unit_path(&u.path))
        .collect();
    let count = |k: &[UnitKind]| {
        visible
            .iter()
            .filter(|u| UnitKind::parse(&u.kind).is_ok_and(|uk| k.contains(&uk)))
            .count() as i64
    };
    let vis = p.visibility();
    let (by_street, by_size) = if p.has(Permission::EnterpriseRead) {
        (
            state.store.enterprises_by_street(p.zone_id(), &vis).await?,
            state.store.enterprises_by_size(p.zone_id(), &vis).await?,
        )
    } else {
        (vec![], vec![])
    };
    let users = if p.has(Permission::UserRead) {
        state.store.count_users(p.zone_id()).await?
    } else {
        0
    };
    Ok(Json(Overview {
        enterprises: by_size.iter().map(|c| c.count).sum(),
        streets: count(&[UnitKind::Street]),
        communities: count(&[UnitKind::Community, UnitKind::Village]),
        grids: count(&[UnitKind::Grid]),
        users,
        by_street: by_street
            .into_iter()
            .map(|c| StreetCount {
                street_id: units
                    .iter()
                    .find(|u| Some(&u.code) == c.key.as_ref())
                    .map(|u| u.id),
                street_name: c.label.unwrap_or_else(|| "未划定街道".into()),
                enterprises: c.count,
            })
            .collect(),
        by_size: by_size
            .into_iter()
            .map(|c| {
                let key = c.key.unwrap_or_default();
                SizeCount {
                    size_name: jiban_core::size::SizeClass::parse(&key)
                        .map(|s| s.label().to_string())
                        .unwrap_or_default(),
                    size_class: key,
                    count: c.count,
                }
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDayIn {
    pub date: Date,
    /// holiday (放假) | workday (调休上班)
    pub kind: String,
    /// e.g. 春节, 国庆节调休上班
    pub name: String,
}

/// Sets a holiday or a make-up working day (e.g. when the State Council publishes next year's
/// notice). Deadlines computed afterwards use it.
#[utoipa::path(put, path = "/api/v1/calendar/days", tag = "参考数据",
    request_body = CalendarDayIn,
    responses((status = 200, body = CalendarDayOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn put_calendar_day(
    State(state): State<AppState>,
    p: Principal,
    crate::extract::ApiJson(b): crate::extract::ApiJson<CalendarDayIn>,
) -> ApiResult<Json<CalendarDayOut>> {
    p.require(Permission::CalendarWrite)?;
    let kind = jiban_core::calendar::DayKind::parse(&b.kind).map_err(|e| e.with_field("kind"))?;
    let name = jiban_core::text::required_line("name", "名称", &b.name, 32)?;
    let weekend = matches!(
        b.date.weekday(),
        time::Weekday::Saturday | time::Weekday::Sunday
    );
    if kind.as_str() == "workday" && !weekend {
        return Err(AppError::invalid(
            "validation.calendar.workday",
            "date",
            "调休上班日应为周六或周日",
        ));
    }
    let mut tx = state.store.begin().await?;
    tx.upsert_calendar_day(
        p.zone_id(),
        &jiban_store::reference::CalendarDayRow {
            day: b.date,
            kind: kind.as_str().into(),
            name: name.clone(),
        },
    )
    .await?;
    tx.audit(&p.actor(), jiban_store::audit::NewAudit {
        zone_id: p.zone_id(),
        action: "calendar.set",
        target_type: "calendar_day",
        target_id: None,
        detail: serde_json::json!({ "date": b.date.to_string(), "kind": kind.as_str(), "name": name }),
    })
    .await?;
    tx.commit().await?;
    Ok(Json(CalendarDayOut {
        date: b.date,
        kind: kind.as_str().into(),
        name,
    }))
}

/// Removes a day's entry: it becomes an ordinary weekday or weekend again.
#[utoipa::path(delete, path = "/api/v1/calendar/days/{date}", tag = "参考数据",
    params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_calendar_day(
    State(state): State<AppState>,
    p: Principal,
    crate::extract::ApiPath(date): crate::extract::ApiPath<Date>,
) -> ApiResult<axum::http::StatusCode> {
    p.require(Permission::CalendarWrite)?;
    let mut tx = state.store.begin().await?;
    if !tx.delete_calendar_day(p.zone_id(), date).await? {
        return Err(AppError::not_found("该日期的节假日设置"));
    }
    tx.audit(
        &p.actor(),
        jiban_store::audit::NewAudit {
            zone_id: p.zone_id(),
            action: "calendar.unset",
            target_type: "calendar_day",
            target_id: None,
            detail: serde_json::json!({ "date": date.to_string() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
