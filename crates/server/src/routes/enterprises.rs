//! The enterprise registry (一企一档): list, export, create, edit, tags, the one-timeline history
//! and the indicator series of an enterprise. Imports are in `imports.rs`.

use super::Paged;
use crate::auth::Principal;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use jiban_core::band::BandRules;
use jiban_core::industry::Industry;
use jiban_core::roles::{Permission, Role};
use jiban_core::text::Phone;
use jiban_core::uscc::Uscc;
use jiban_store::Page;
use jiban_store::audit::NewAudit;
use jiban_store::enterprises::{EnterpriseFilter, EnterpriseRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Serialize, ToSchema)]
pub struct EnterpriseOut {
    pub id: Uuid,
    /// 统一社会信用代码
    pub uscc: String,
    pub name: String,
    pub former_names: Vec<String>,
    pub legal_rep: String,
    /// GB/T 4754-2017 门类 letter + 大类 digits, e.g. `C38`.
    pub industry_code: String,
    pub industry_name: String,
    /// large | medium | small | micro
    pub size_class: String,
    pub size_name: String,
    pub street_id: Option<Uuid>,
    pub street_name: Option<String>,
    pub grid_id: Option<Uuid>,
    pub grid_name: Option<String>,
    pub address: String,
    pub employees: Option<i64>,
    pub registered_capital_wan: Option<f64>,
    pub revenue_wan: Option<f64>,
    /// 上年营业收入, 万元.
    pub revenue_last_year_wan: Option<f64>,
    /// 研发费用, 万元.
    pub rd_spend_wan: Option<f64>,
    pub assets_wan: Option<f64>,
    pub tags: Vec<String>,
    pub founded_on: Option<Date>,
    pub contact_name: String,
    /// Masked unless the caller's role may see contact numbers.
    pub contact_phone: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// Why an administrator kept a credit code that fails the GB 32100 check (null when valid).
    pub uscc_exception: Option<String>,
    /// How the size class was derived from the national table.
    pub size_basis: String,
    /// GB/T 4754 门类 letter and name.
    pub industry_section: String,
    pub industry_section_name: String,
    pub service_staff_id: Option<Uuid>,
    pub service_staff_name: Option<String>,
    /// The current colour band (五色图), null when not rated.
    pub band: Option<BandOut>,
    /// In a search: the words matched and a snippet of the former names or address.
    #[serde(rename = "match")]
    pub matched: Option<super::SearchMatch>,
}

/// A band as shown next to an enterprise.
#[derive(Serialize, ToSchema, Clone)]
pub struct BandOut {
    pub code: String,
    pub name: String,
    pub color: String,
    pub score: Option<f64>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub since: Option<OffsetDateTime>,
}

/// Roles that call enterprises back and so see full contact numbers; the enterprise itself too.
fn sees_contacts(p: &Principal, e: &EnterpriseRow) -> bool {
    matches!(p.role, Role::Admin | Role::Intake | Role::Dispatcher)
        || (p.role == Role::Enterprise && p.user.enterprise_id == Some(e.id))
}

pub fn enterprise_out(p: &Principal, e: EnterpriseRow, rules: &BandRules) -> EnterpriseOut {
    let phone = if sees_contacts(p, &e) {
        e.contact_phone.clone()
    } else {
        Phone::parse(&e.contact_phone)
            .map(|ph| ph.masked())
            .unwrap_or_default()
    };
    let industry = Industry::parse(&e.industry_code).ok();
    let size = crate::import::size_of(&e);
    let band = e.band.as_deref().map(|code| {
        let def = rules.band(code);
        BandOut {
            code: code.to_string(),
            name: def
                .map(|d| d.name.clone())
                .unwrap_or_else(|| code.to_string()),
            color: def
                .map(|d| d.color.clone())
                .unwrap_or_else(|| "#909399".into()),
            score: e.band_score,
            since: e.band_since,
        }
    });
    EnterpriseOut {
        id: e.id,
        industry_name: industry
            .as_ref()
            .map(|i| i.division_name().to_string())
            .unwrap_or_default(),
        industry_section: industry
            .as_ref()
            .map(|i| i.section().to_string())
            .unwrap_or_default(),
        industry_section_name: industry
            .as_ref()
            .map(|i| i.section().name().to_string())
            .unwrap_or_default(),
        size_name: jiban_core::size::SizeClass::parse(&e.size_class)
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
        size_basis: size.rule,
        uscc: e.uscc,
        name: e.name,
        former_names: e.former_names.0,
        legal_rep: e.legal_rep,
        industry_code: e.industry_code,
        size_class: e.size_class,
        street_id: e.street_id,
        street_name: e.street_name,
        grid_id: e.grid_id,
        grid_name: e.grid_name,
        address: e.address,
        employees: e.employees,
        registered_capital_wan: e.registered_capital_wan,
        revenue_wan: e.revenue_wan,
        revenue_last_year_wan: e.revenue_last_year_wan,
        rd_spend_wan: e.rd_spend_wan,
        assets_wan: e.assets_wan,
        tags: e.tags.0,
        founded_on: e.founded_on,
        contact_name: e.contact_name,
        contact_phone: phone,
        lon: e.lon,
        lat: e.lat,
        uscc_exception: e.uscc_exception,
        service_staff_id: e.service_staff_id,
        service_staff_name: e.service_staff_name,
        band,
        matched: None,
    }
}

#[derive(Deserialize, IntoParams, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseQuery {
    /// Full-text search over the name, former names and address (best match first); a credit
    /// code matches exactly.
    pub q: Option<String>,
    pub street_id: Option<Uuid>,
    pub grid_id: Option<Uuid>,
    /// A band code (`green` … `red`), or `none` for enterprises without a band.
    pub band: Option<String>,
    /// One tag of the zone's vocabulary.
    pub tag: Option<String>,
    /// large | medium | small | micro
    pub size_class: Option<String>,
    /// A prefix of the GB/T 4754 code (`C`, `C39`).
    pub industry: Option<String>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

fn filter_of(q: &EnterpriseQuery) -> ApiResult<EnterpriseFilter> {
    let clean = |s: &Option<String>| {
        s.as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    let size_class = clean(&q.size_class)
        .map(|s| jiban_core::size::SizeClass::parse(&s).map(|c| c.as_str().to_string()))
        .transpose()
        .map_err(|e| e.with_field("size_class"))?;
    let industry = clean(&q.industry);
    if let Some(i) = &industry
        && !i.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(AppError::invalid(
            "validation.industry",
            "industry",
            "行业代码只能由字母和数字组成（如 C 或 C39）",
        ));
    }
    Ok(EnterpriseFilter {
        q: clean(&q.q),
        street_id: q.street_id,
        grid_id: q.grid_id,
        band: clean(&q.band),
        tag: clean(&q.tag),
        size_class,
        industry: industry.map(|i| i.to_ascii_uppercase()),
    })
}

/// Enterprises in the caller's data scope.
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "企业档案",
    params(EnterpriseQuery),
    responses((status = 200, body = Paged<EnterpriseOut>), (status = 403, body = ErrorBody)))]
pub async fn list_enterprises(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<EnterpriseQuery>,
) -> ApiResult<Json<Paged<EnterpriseOut>>> {
    p.require(Permission::EnterpriseRead)?;
    let page = Page::new(q.page, q.page_size);
    let f = filter_of(&q)?;
    let rules = crate::bands::rules(&state, p.zone_id()).await?;
    let (rows, total) = state
        .store
        .list_enterprises(p.zone_id(), &p.visibility(), &f, page)
        .await?;
    let terms = f.q.as_deref().map(super::search_terms);
    Ok(Json(Paged {
        items: rows
            .into_iter()
            .map(|e| {
                let matched = terms.as_ref().map(|t| {
                    let former = e.former_names.0.join("、");
                    super::search_match(t, &[&e.name, &former, &e.address])
                });
                EnterpriseOut {
                    matched,
                    ..enterprise_out(&p, e, &rules)
                }
            })
            .collect(),
        total,
        page: page.page,
        page_size: page.page_size,
        total_capped: None,
    }))
}

/// One enterprise, if it is in the caller's data scope (404 otherwise).
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "企业档案",
    params(("id" = Uuid, Path, description = "企业 id")),
    responses((status = 200, body = EnterpriseOut), (status = 404, body = ErrorBody)))]
pub async fn get_enterprise(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EnterpriseOut>> {
    p.require(Permission::EnterpriseRead)?;
    let e = visible(&state, &p, id).await?;
    let rules = crate::bands::rules(&state, p.zone_id()).await?;
    Ok(Json(enterprise_out(&p, e, &rules)))
}

pub(crate) async fn visible(state: &AppState, p: &Principal, id: Uuid) -> ApiResult<EnterpriseRow> {
    state
        .store
        .enterprise(p.zone_id(), &p.visibility(), id)
        .await?
        .ok_or_else(|| AppError::not_found("企业"))
}

/// The most rows one export holds.
pub const EXPORT_LIMIT: i64 = 100_000;

/// The filtered list as an Excel workbook (same filters as the list; at most 100,000 rows).
#[utoipa::path(get, path = "/api/v1/enterprises/export", tag = "企业档案",
    params(EnterpriseQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 422, body = ErrorBody)))]
pub async fn export_enterprises(
    State(state): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<EnterpriseQuery>,
) -> ApiResult<(HeaderMap, Vec<u8>)> {
    p.require(Permission::EnterpriseRead)?;
    let f = filter_of(&q)?;
    let rules = crate::bands::rules(&state, p.zone_id()).await?;
    let rows: Vec<EnterpriseOut> = state
        .store
        .export_enterprises(p.zone_id(), &p.visibility(), &f, EXPORT_LIMIT)
        .await?
        .into_iter()
        .map(|e| enterprise_out(&p, e, &rules))
        .collect();
    let bytes = tokio::task::spawn_blocking(move || workbook(&rows))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    Ok(super::xlsx_download("企业名录", "enterprises", bytes))
}

fn workbook(rows: &[EnterpriseOut]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("企业名录")?;
    let head = Format::new().set_bold().set_background_color("#DCE6F2");
    // the headers are those the import recognises, so an export can be edited and re-imported
    let cols: [(&str, f64); 24] = [
        ("统一社会信用代码", 22.0),
        ("企业名称", 32.0),
        ("曾用名", 20.0),
        ("法定代表人", 10.0),
        ("注册资本（万元）", 12.0),
        ("成立日期", 12.0),
        ("住所", 32.0),
        ("所属街道", 10.0),
        ("所属网格", 18.0),
        ("行业代码", 9.0),
        ("行业名称", 20.0),
        ("从业人员", 9.0),
        ("营业收入（万元）", 12.0),
        ("资产总额（万元）", 12.0),
        ("规模", 7.0),
        ("标签", 20.0),
        ("联系人", 9.0),
        ("联系电话", 14.0),
        ("服务专员", 10.0),
        ("运行色标", 8.0),
        ("经度", 11.0),
        ("纬度", 11.0),
        ("上年营业收入（万元）", 14.0),
        ("研发费用（万元）", 12.0),
    ];
    for (i, (name, width)) in cols.iter().enumerate() {
        ws.write_with_format(0, i as u16, *name, &head)?;
        ws.set_column_width(i as u16, *width)?;
    }
    for (r, e) in rows.iter().enumerate() {
        let row = r as u32 + 1;
        let text: [String; 22] = [
            e.uscc.clone(),
            e.name.clone(),
            e.former_names.join("；"),
            e.legal_rep.clone(),
            String::new(),
            e.founded_on.map(|d| d.to_string()).unwrap_or_default(),
            e.address.clone(),
            e.street_name.clone().unwrap_or_default(),
            e.grid_name.clone().unwrap_or_default(),
            e.industry_code.clone(),
            e.industry_name.clone(),
            String::new(),
            String::new(),
            String::new(),
            e.size_name.clone(),
            e.tags.join("；"),
            e.contact_name.clone(),
            e.contact_phone.clone(),
            e.service_staff_name.clone().unwrap_or_default(),
            e.band.as_ref().map(|b| b.name.clone()).unwrap_or_default(),
            String::new(),
            String::new(),
        ];
        for (c, v) in text.iter().enumerate() {
            if !v.is_empty() {
                ws.write(row, c as u16, v.as_str())?;
            }
        }
        for (c, v) in [
            (4u16, e.registered_capital_wan),
            (11, e.employees.map(|x| x as f64)),
            (12, e.revenue_wan),
            (13, e.assets_wan),
            (20, e.lon),
            (21, e.lat),
            (22, e.revenue_last_year_wan),
            (23, e.rd_spend_wan),
        ] {
            if let Some(v) = v {
                ws.write(row, c, v)?;
            }
        }
    }
    ws.set_freeze_panes(1, 2)?;
    wb.save_to_buffer()
}

/// A registry entry to create, or the fields to change (`PATCH` takes any subset).
#[derive(Deserialize, ToSchema, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseIn {
    pub uscc: Option<String>,
    pub name: Option<String>,
    pub former_names: Option<Vec<String>>,
    pub legal_rep: Option<String>,
    pub registered_capital_wan: Option<f64>,
    /// YYYY-MM-DD
    pub founded_on: Option<String>,
    pub address: Option<String>,
    pub grid_id: Option<Uuid>,
    /// GB/T 4754: `C39`, `3911`, `C3911`
    pub industry_code: Option<String>,
    pub employees: Option<i64>,
    pub revenue_wan: Option<f64>,
    /// 上年营业收入, 万元.
    pub revenue_last_year_wan: Option<f64>,
    /// 研发费用, 万元.
    pub rd_spend_wan: Option<f64>,
    pub assets_wan: Option<f64>,
    pub tags: Option<Vec<String>>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub service_staff_id: Option<Uuid>,
    /// The documented reason to keep a credit code that fails its check (administrator only).
    pub uscc_exception: Option<String>,
}

fn line(field: &str, label: &str, v: &Option<String>, max: usize) -> ApiResult<Option<String>> {
    match v {
        None => Ok(None),
        Some(s) => {
            let t = s.trim();
            if t.chars().count() > max {
                return Err(AppError::invalid(
                    "validation.too_long",
                    field,
                    format!("{label}不能超过 {max} 个字"),
                ));
            }
            Ok(Some(t.to_string()))
        }
    }
}

/// Checks an input and turns it into the fields of an import row (the same rules as an import).
async fn parse_in(
    state: &AppState,
    p: &Principal,
    body: &EnterpriseIn,
    creating: bool,
    current: Option<&EnterpriseRow>,
) -> ApiResult<(
    crate::import::EnterpriseFields,
    Option<Option<String>>,
    Option<Option<Uuid>>,
)> {
    use crate::import::EnterpriseFields;
    let mut out = EnterpriseFields::default();
    // the credit code, or a documented exception
    let exception =
        line("uscc_exception", "例外说明", &body.uscc_exception, 200)?.filter(|s| !s.is_empty());
    let uscc_in = body
        .uscc
        .clone()
        .or_else(|| current.map(|c| c.uscc.clone()))
        .unwrap_or_default();
    let mut exception_out = None;
    match Uscc::parse(&uscc_in) {
        Ok(u) => {
            out.uscc = u.as_str().to_string();
            if body.uscc.is_some() && current.is_some_and(|c| c.uscc_exception.is_some()) {
                exception_out = Some(None);
            }
        }
        Err(e) => {
            let unchanged_exception =
                current.is_some_and(|c| c.uscc == uscc_in && c.uscc_exception.is_some());
            match &exception {
                _ if unchanged_exception && body.uscc_exception.is_none() => {
                    out.uscc = uscc_in.clone()
                }
                Some(reason) if p.role == Role::Admin => {
                    let raw: String = uscc_in.trim().to_ascii_uppercase();
                    if raw.chars().count() != 18 || !raw.chars().all(|c| c.is_ascii_alphanumeric())
                    {
                        return Err(AppError::invalid(
                            "validation.uscc",
                            "uscc",
                            "登记例外的信用代码仍须是 18 位数字或大写字母",
                        ));
                    }
                    if reason.chars().count() < 4 {
                        return Err(AppError::invalid(
                            "validation.uscc_exception",
                            "uscc_exception",
                            "请写明保留该信用代码的依据（至少 4 个字）",
                        ));
                    }
                    out.uscc = raw;
                    exception_out = Some(Some(reason.clone()));
                }
                Some(_) => {
                    return Err(AppError::Forbidden {
                        code: "auth.forbidden",
                        message: "只有系统管理员可以登记信用代码例外".into(),
                    });
                }
                None => return Err(AppError::invalid("uscc_invalid", "uscc", e.message)),
            }
        }
    }
    out.name = line("name", "企业名称", &body.name, 100)?;
    if creating && out.name.as_deref().is_none_or(str::is_empty) {
        return Err(AppError::invalid(
            "validation.required",
            "name",
            "请填写企业名称",
        ));
    }
    if out.name.as_deref() == Some("") {
        return Err(AppError::invalid(
            "validation.required",
            "name",
            "企业名称不能为空",
        ));
    }
    out.former_names = body.former_names.as_ref().map(|v| {
        v.iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    });
    out.legal_rep = line("legal_rep", "法定代表人", &body.legal_rep, 32)?;
    out.address = line("address", "住所", &body.address, 200)?;
    out.contact_name = line("contact_name", "联系人", &body.contact_name, 32)?;
    let range = |field: &str,
                 label: &str,
                 v: Option<f64>,
                 lo: f64,
                 hi: f64|
     -> ApiResult<Option<Option<f64>>> {
        match v {
            None => Ok(None),
            Some(x) if x.is_finite() && (lo..=hi).contains(&x) => Ok(Some(Some(x))),
            Some(_) => Err(AppError::invalid(
                "validation.range",
                field,
                format!("{label}超出合理范围"),
            )),
        }
    };
    out.registered_capital_wan = range(
        "registered_capital_wan",
        "注册资本",
        body.registered_capital_wan,
        0.0,
        1e9,
    )?;
    out.revenue_wan = range("revenue_wan", "营业收入", body.revenue_wan, -1e9, 1e10)?;
    out.revenue_last_year_wan = range(
        "revenue_last_year_wan",
        "上年营业收入",
        body.revenue_last_year_wan,
        -1e9,
        1e10,
    )?;
    out.rd_spend_wan = range("rd_spend_wan", "研发费用", body.rd_spend_wan, 0.0, 1e10)?;
    out.assets_wan = range("assets_wan", "资产总额", body.assets_wan, -1e9, 1e10)?;
    out.lon = range("lon", "经度", body.lon, 73.0, 136.0)?;
    out.lat = range("lat", "纬度", body.lat, 3.0, 54.0)?;
    out.employees = match body.employees {
        None => None,
        Some(n) if (0..=10_000_000).contains(&n) => Some(Some(n)),
        Some(_) => {
            return Err(AppError::invalid(
                "validation.range",
                "employees",
                "从业人员超出合理范围",
            ));
        }
    };
    if let Some(s) = body.founded_on.as_deref().map(str::trim) {
        out.founded_on = Some(if s.is_empty() {
            None
        } else {
            Some(crate::import::parse_date(s).ok_or_else(|| {
                AppError::invalid(
                    "validation.date",
                    "founded_on",
                    format!("成立日期“{s}”不是有效日期"),
                )
            })?)
        });
    }
    if let Some(g) = body.grid_id {
        state
            .store
            .org_unit(g)
            .await?
            .filter(|u| u.zone_id == p.zone_id() && u.kind == "grid" && u.active)
            .ok_or_else(|| AppError::invalid("validation.grid", "grid_id", "网格不存在"))?;
        out.grid_id = Some(Some(g));
    }
    if let Some(s) = body.industry_code.as_deref().map(str::trim) {
        out.industry_code = Some(if s.is_empty() {
            String::new()
        } else {
            Industry::parse(s)
                .map_err(|e| e.with_field("industry_code"))?
                .as_str()
                .to_string()
        });
    }
    if let Some(tags) = &body.tags {
        // a tag of the vocabulary, or one the enterprise already carries (kept, not newly chosen)
        let vocab: Vec<String> = state
            .store
            .enterprise_tags(p.zone_id())
            .await?
            .into_iter()
            .filter(|(_, _, in_vocabulary)| *in_vocabulary)
            .map(|(t, _, _)| t)
            .collect();
        let carried: &[String] = current.map(|c| c.tags.0.as_slice()).unwrap_or(&[]);
        if let Some(t) = tags
            .iter()
            .find(|t| !vocab.contains(t) && !carried.contains(t))
        {
            return Err(AppError::invalid(
                "validation.tag",
                "tags",
                format!("标签“{t}”不在本区标签目录中"),
            ));
        }
        out.tags = Some(tags.clone());
    }
    if let Some(s) = body.contact_phone.as_deref().map(str::trim) {
        out.contact_phone = Some(if s.is_empty() {
            String::new()
        } else {
            Phone::parse(s)
                .map_err(|e| e.with_field("contact_phone"))?
                .as_str()
                .to_string()
        });
    }
    let staff = match body.service_staff_id {
        None => None,
        Some(id) => {
            let u = state
                .store
                .user_by_id(id)
                .await?
                .filter(|u| u.zone_id == p.zone_id() && u.active && u.role != "enterprise")
                .ok_or_else(|| {
                    AppError::invalid(
                        "validation.user",
                        "service_staff_id",
                        "服务专员须是本区在职工作人员",
                    )
                })?;
            Some(Some(u.id))
        }
    };
    Ok((out, exception_out, staff))
}

/// Enters an enterprise in the registry.
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "企业档案",
    request_body = EnterpriseIn,
    responses((status = 201, body = EnterpriseOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_enterprise(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<EnterpriseIn>,
) -> ApiResult<(StatusCode, Json<EnterpriseOut>)> {
    p.require(Permission::EnterpriseWrite)?;
    if body.uscc.as_deref().is_none_or(|s| s.trim().is_empty()) {
        return Err(AppError::invalid(
            "validation.required",
            "uscc",
            "请填写统一社会信用代码",
        ));
    }
    let (fields, exception, staff) = parse_in(&state, &p, &body, true, None).await?;
    let mut row = crate::import::new_enterprise(p.zone_id(), &fields);
    row.uscc_exception = exception.flatten();
    row.service_staff_id = staff.flatten();
    let mut tx = state.store.begin().await?;
    let id = tx.insert_enterprises(std::slice::from_ref(&row)).await?[0];
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "enterprise.create",
            target_type: "enterprise",
            target_id: Some(id),
            detail: json!({ "uscc": row.uscc, "name": row.name, "source": "manual",
                "uscc_exception": row.uscc_exception }),
        },
    )
    .await?;
    tx.commit().await?;
    // the registry facts decide which policies the enterprise qualifies for
    crate::policies::recompute_soon(&state, p.zone_id());
    let e = visible(&state, &p, id).await?;
    let rules = crate::bands::rules(&state, p.zone_id()).await?;
    Ok((StatusCode::CREATED, Json(enterprise_out(&p, e, &rules))))
}

/// Changes a registry entry (only the fields given). A new name keeps the old one among the
/// former names; the size class follows the figures.
#[utoipa::path(patch, path = "/api/v1/enterprises/{id}", tag = "企业档案",
    params(("id" = Uuid, Path, description = "企业 id")),
    request_body = EnterpriseIn,
    responses((status = 200, body = EnterpriseOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_enterprise(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<EnterpriseIn>,
) -> ApiResult<Json<EnterpriseOut>> {
    p.require(Permission::EnterpriseWrite)?;
    let current = visible(&state, &p, id).await?;
    let (fields, exception, staff) = parse_in(&state, &p, &body, false, Some(&current)).await?;
    let mut e = current.clone();
    let mut changes = Vec::new();
    if fields.uscc != e.uscc {
        changes.push((
            "统一社会信用代码".to_string(),
            e.uscc.clone(),
            fields.uscc.clone(),
        ));
        e.uscc = fields.uscc.clone();
    }
    if let Some(x) = exception
        && x != e.uscc_exception
    {
        changes.push((
            "信用代码例外".into(),
            e.uscc_exception.clone().unwrap_or_default(),
            x.clone().unwrap_or_default(),
        ));
        e.uscc_exception = x;
    }
    if let Some(s) = staff
        && s != e.service_staff_id
    {
        changes.push((
            "服务专员".into(),
            e.service_staff_name.clone().unwrap_or_default(),
            s.map(|x| x.to_string()).unwrap_or_default(),
        ));
        e.service_staff_id = s;
    }
    changes.extend(crate::import::merge_enterprise(&mut e, &fields));
    if !changes.is_empty() {
        let mut tx = state.store.begin().await?;
        tx.save_enterprise(&e).await?;
        tx.audit(
            &p.actor(),
            NewAudit {
                zone_id: p.zone_id(),
                action: "enterprise.update",
                target_type: "enterprise",
                target_id: Some(id),
                detail: json!({ "source": "manual", "changes": crate::import::changes_json(&changes) }),
            },
        )
        .await?;
        tx.commit().await?;
        crate::policies::recompute_soon(&state, p.zone_id());
    }
    let e = visible(&state, &p, id).await?;
    let rules = crate::bands::rules(&state, p.zone_id()).await?;
    Ok(Json(enterprise_out(&p, e, &rules)))
}

#[derive(Serialize, ToSchema)]
pub struct TagOut {
    pub name: String,
    /// Enterprises carrying it.
    pub count: i64,
    /// In the zone's vocabulary (false: carried by enterprises but no longer, or never, in it —
    /// kept as data, not offered for new choices).
    pub in_vocabulary: bool,
}

/// The zone's tag vocabulary (高新技术企业, 专精特新 …) with how many enterprises carry each.
#[utoipa::path(get, path = "/api/v1/enterprise-tags", tag = "企业档案",
    responses((status = 200, body = Vec<TagOut>)))]
pub async fn list_tags(
    State(state): State<AppState>,
    p: Principal,
) -> ApiResult<Json<Vec<TagOut>>> {
    p.require(Permission::EnterpriseRead)?;
    Ok(Json(
        state
            .store
            .enterprise_tags(p.zone_id())
            .await?
            .into_iter()
            .map(|(name, count, in_vocabulary)| TagOut {
                name,
                count,
                in_vocabulary,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsIn {
    pub tags: Vec<String>,
}

/// Replaces the zone's tag vocabulary (administrator).
#[utoipa::path(put, path = "/api/v1/enterprise-tags", tag = "企业档案",
    request_body = TagsIn,
    responses((status = 200, body = Vec<TagOut>), (status = 422, body = ErrorBody)))]
pub async fn put_tags(
    State(state): State<AppState>,
    p: Principal,
    ApiJson(body): ApiJson<TagsIn>,
) -> ApiResult<Json<Vec<TagOut>>> {
    p.require(Permission::EnterpriseWrite)?;
    let mut tags: Vec<String> = Vec::new();
    for t in &body.tags {
        let t = t.trim();
        if t.is_empty() || t.chars().count() > 20 {
            return Err(AppError::invalid(
                "validation.tag",
                "tags",
                "标签须为 1 至 20 个字",
            ));
        }
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_string());
        }
    }
    if tags.len() > 100 {
        return Err(AppError::invalid(
            "validation.tag",
            "tags",
            "标签目录最多 100 个",
        ));
    }
    let mut tx = state.store.begin().await?;
    tx.set_enterprise_tags(p.zone_id(), &tags).await?;
    tx.audit(
        &p.actor(),
        NewAudit {
            zone_id: p.zone_id(),
            action: "enterprise.tags",
            target_type: "zone",
            target_id: Some(p.zone_id()),
            detail: json!({ "tags": tags }),
        },
    )
    .await?;
    tx.commit().await?;
    crate::policies::recompute_soon(&state, p.zone_id());
    list_tags(State(state), p).await
}

#[derive(Serialize, ToSchema)]
pub struct TimelineItem {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// created | changed | case | indicator | band | warning
    pub kind: String,
    pub title: String,
    pub detail: String,
    pub ref_id: Option<Uuid>,
}

/// The enterprise's history in one list, newest first: registry changes, its cases, reported
/// values, changes of band and warnings.
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/timeline", tag = "企业档案",
    params(("id" = Uuid, Path, description = "企业 id")),
    responses((status = 200, body = Vec<TimelineItem>), (status = 404, body = ErrorBody)))]
pub async fn timeline(
    State(state): State<AppState>,
    p: Principal,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<TimelineItem>>> {
    p.require(Permission::EnterpriseRead)?;
    let e = visible(&state, &p, id).await?;
    let mut items = Vec::new();
    let (audit, _) = state
        .store
        .list_audit(
            p.zone_id(),
            &jiban_store::audit::AuditFilter {
                target_id: Some(id),
                ..Default::default()
            },
            Page::new(Some(1), Some(200)),
        )
        .await?;
    for a in audit {
        let who = a.actor_name.clone().unwrap_or_else(|| "系统".into());
        match a.action.as_str() {
            "enterprise.create" => items.push(TimelineItem {
                at: a.at,
                kind: "created".into(),
                title: "建档".into(),
                detail: format!(
                    "{who}{}",
                    if a.detail.0["source"] == "import" {
                        " 批量导入"
                    } else {
                        " 新增"
                    }
                ),
                ref_id: None,
            }),
            "enterprise.update" => {
                let changes: Vec<String> = a.detail.0["changes"]
                    .as_array()
                    .map(|v| {
                        v.iter()
                            .map(|c| {
                                format!(
                                    "{}：{} → {}",
                                    c["field"].as_str().unwrap_or(""),
                                    c["old"]
                                        .as_str()
                                        .filter(|s| !s.is_empty())
                                        .unwrap_or("（空）"),
                                    c["new"]
                                        .as_str()
                                        .filter(|s| !s.is_empty())
                                        .unwrap_or("（空）")
                                )
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                items.push(TimelineItem {
                    at: a.at,
                    kind: "changed".into(),
                    title: if a.detail.0["source"] == "import" {
                        format!("档案更新（{who} 导入）")
                    } else {
                        format!("档案修改（{who}）")
                    },
                    detail: changes.join("；"),
                    ref_id: None,
                });
            }
            _ => {}
        }
    }
    let (cases, _) = state
        .store
        .list_cases(
            p.zone_id(),
            &crate::casework::visibility(&p),
            &jiban_store::cases::CaseFilter {
                enterprise_id: Some(id),
                ..Default::default()
            },
            jiban_store::cases::CaseOrder::Newest,
            Page::new(Some(1), Some(100)),
        )
        .await?;
    for c in cases {
        let state_label = jiban_core::case::CaseState::parse(&c.state)
            .map(|s| s.label())
            .unwrap_or("");
        items.push(TimelineItem {
            at: c.created_at,
            kind: "case".into(),
            title: format!("诉求 {}", c.case_no),
            detail: format!("{}（{state_label}）", c.title),
            ref_id: Some(c.id),
        });
    }
    let rules = crate::bands::rules(&state, p.zone_id()).await?;
    let band_name = |c: &Option<String>| {
        c.as_deref()
            .map(|c| {
                rules
                    .band(c)
                    .map(|b| b.name.clone())
                    .unwrap_or_else(|| c.to_string())
            })
            .unwrap_or_else(|| "未评".into())
    };
    for h in state.store.band_history(id).await? {
        items.push(TimelineItem {
            at: h.at,
            kind: "band".into(),
            title: format!("色标 {} → {}", band_name(&h.prev_band), band_name(&h.band)),
            detail: h
                .score
                .map(|s| format!("综合得分 {s:.1}"))
                .unwrap_or_default(),
            ref_id: None,
        });
    }
    for w in state
        .store
        .warnings(p.zone_id(), Some(id), false, None, 100)
        .await?
    {
        items.push(TimelineItem {
            at: w.created_at,
            kind: "warning".into(),
            title: "运行预警".into(),
            detail: match &w.case_no {
                Some(no) => format!("{}；走访任务 {no}", w.message),
                None => w.message.clone(),
            },
            ref_id: w.case_id,
        });
    }
    let indicators = state.store.indicators(p.zone_id()).await?;
    let since = time::Date::from_calendar_date(e.created_at.year() - 3, time::Month::January, 1)
        .unwrap_or(time::Date::MIN);
    let mut reported: Vec<_> = state
        .store
        .enterprise_values(id, since)
        .await?
        .into_iter()
        .filter(|v| v.superseded_at.is_none())
        .collect();
    // one entry per period reported together, not one per value
    reported.sort_by_key(|v| {
        (
            std::cmp::Reverse(v.recorded_at),
            std::cmp::Reverse(v.period),
        )
    });
    let mut last: Option<(OffsetDateTime, Date, String)> = None;
    for v in reported {
        let name = indicators
            .iter()
            .find(|i| i.id == v.indicator_id)
            .map(|i| i.name.clone())
            .unwrap_or_default();
        match &mut last {
            Some((at, period, text)) if *at == v.recorded_at && *period == v.period => {
                text.push_str(&format!("；{name} {}", crate::import::fmt_number(v.value)));
            }
            _ => {
                if let Some((at, _, text)) = last.take() {
                    items.push(indicator_item(at, text));
                }
                last = Some((
                    v.recorded_at,
                    v.period,
                    format!(
                        "{} 期：{name} {}",
                        v.period,
                        crate::import::fmt_number(v.value)
                    ),
                ));
            }
        }
    }
    if let Some((at, _, text)) = last {
        items.push(indicator_item(at, text));
    }
    items.sort_by_key(|i| std::cmp::Reverse(i.at));
    items.truncate(300);
    Ok(Json(items))
}

fn indicator_item(at: OffsetDateTime, detail: String) -> TimelineItem {
    TimelineItem {
        at,
        kind: "indicator".into(),
        title: "报送运行数据".into(),
        detail,
        ref_id: None,
    }
}
