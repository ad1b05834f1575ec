//! The enterprise registry, read side (the import and edit side comes with the registry issue).

use super::Paged;
use crate::auth::Principal;
use crate::error::{ApiResult, AppError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use jiban_core::roles::{Permission, Role};
use jiban_core::text::Phone;
use jiban_store::Page;
use jiban_store::enterprises::{EnterpriseFilter, EnterpriseRow};
use serde::{Deserialize, Serialize};
use time::Date;
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
    pub assets_wan: Option<f64>,
    pub tags: Vec<String>,
    pub founded_on: Option<Date>,
    pub contact_name: String,
    /// Masked unless the caller's role may see contact numbers.
    pub contact_phone: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// In a search: the words matched and a snippet of the former names or address.
    #[serde(rename = "match")]
    pub matched: Option<super::SearchMatch>,
}

/// Roles that call enterprises back and so see full contact numbers; the enterprise itself too.
fn sees_contacts(p: &Principal, e: &EnterpriseRow) -> bool {
    matches!(p.role, Role::Admin | Role::Intake | Role::Dispatcher)
        || (p.role == Role::Enterprise && p.user.enterprise_id == Some(e.id))
}

pub fn enterprise_out(p: &Principal, e: EnterpriseRow) -> EnterpriseOut {
    let phone = if sees_contacts(p, &e) {
        e.contact_phone.clone()
    } else {
        Phone::parse(&e.contact_phone)
            .map(|ph| ph.masked())
            .unwrap_or_default()
    };
    EnterpriseOut {
        id: e.id,
        industry_name: jiban_core::industry::Industry::parse(&e.industry_code)
            .map(|i| i.division_name().to_string())
            .unwrap_or_default(),
        size_name: jiban_core::size::SizeClass::parse(&e.size_class)
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
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
        assets_wan: e.assets_wan,
        tags: e.tags.0,
        founded_on: e.founded_on,
        contact_name: e.contact_name,
        contact_phone: phone,
        lon: e.lon,
        lat: e.lat,
        matched: None,
    }
}

#[derive(Deserialize, IntoParams, Debug)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseQuery {
    /// Full-text search over the name, former names and address (best match first); a credit
    /// code matches exactly.
    pub q: Option<String>,
    pub street_id: Option<Uuid>,
    pub grid_id: Option<Uuid>,
    pub page: Option<u32>,
    pub page_size: Option<u32>,
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
    let f = EnterpriseFilter {
        q: q.q.map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
        street_id: q.street_id,
        grid_id: q.grid_id,
    };
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
                    ..enterprise_out(&p, e)
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
    let e = state
        .store
        .enterprise(p.zone_id(), &p.visibility(), id)
        .await?
        .ok_or_else(|| AppError::not_found("企业"))?;
    Ok(Json(enterprise_out(&p, e)))
}
