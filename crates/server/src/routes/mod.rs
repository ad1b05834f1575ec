//! HTTP routes: one module per resource, each handler annotated with `#[utoipa::path]`. The axum
//! router and the OpenAPI document are built from the same list in [`api_router`], so the
//! document cannot drift from the code.

pub mod assessment;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod enterprises;
pub mod health;
pub mod imports;
pub mod indicators;
pub mod notifications;
pub mod org;
pub mod policies;
pub mod policy_applications;
pub mod reference;
pub mod routing;
pub mod users;

use crate::state::AppState;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// A time shown to people: Beijing time (+08:00).
pub fn bj(t: OffsetDateTime) -> OffsetDateTime {
    jiban_core::calendar::to_beijing(t)
}

/// Where a search matched a row.
#[derive(Serialize, ToSchema, Debug, Clone, PartialEq)]
pub struct SearchMatch {
    /// The words to highlight (as typed, segmented like the index).
    pub terms: Vec<String>,
    /// A window (~80 characters) of the longest field around the first match.
    pub snippet: String,
}

/// The words of a search to highlight: the query's words and, for an identifier, the query.
pub fn search_terms(q: &str) -> Vec<String> {
    let mut t = jiban_lang::segmenter().query(q).highlight_terms();
    if jiban_store::search::identifier_query(q).is_some() {
        t.push(q.trim().to_string());
    }
    t
}

/// The match of a row: the terms and a snippet of the first field (after the first, which is
/// shown whole — a title or a name) that contains one, else of the last field.
pub fn search_match(terms: &[String], fields: &[&str]) -> SearchMatch {
    let body = fields
        .iter()
        .skip(1)
        .find(|f| !jiban_lang::highlight_ranges(f, terms).is_empty())
        .or(fields.last())
        .copied()
        .unwrap_or("");
    SearchMatch {
        terms: terms.to_vec(),
        snippet: jiban_lang::snippet(body, terms, 80),
    }
}

/// One page of a list.
#[derive(Serialize, ToSchema)]
pub struct Paged<T: ToSchema> {
    pub items: Vec<T>,
    /// Matching rows; for very large lists at most the cap, with `total_capped` true.
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
    /// Present and true when `total` stopped at the count cap (show it as “10000+”).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_capped: Option<bool>,
}

/// An xlsx download: `<title>-YYYYMMDD.xlsx` (Beijing date), with an ASCII fallback name.
pub fn xlsx_download(title: &str, ascii: &str, bytes: Vec<u8>) -> (axum::http::HeaderMap, Vec<u8>) {
    use axum::http::header;
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            .parse()
            .expect("valid"),
    );
    let stamp = jiban_store::now().to_offset(jiban_core::calendar::BEIJING);
    let name = format!(
        "{title}-{:04}{:02}{:02}.xlsx",
        stamp.year(),
        u8::from(stamp.month()),
        stamp.day()
    );
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'.' || b == b'-' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    headers.insert(
        header::CONTENT_DISPOSITION,
        format!("attachment; filename=\"{ascii}.xlsx\"; filename*=UTF-8''{encoded}")
            .parse()
            .expect("ascii"),
    );
    (headers, bytes)
}

/// `?page=&page_size=` (page from 1; page_size 1–200, default 20).
#[derive(Deserialize, IntoParams, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    pub page: Option<u32>,
    pub page_size: Option<u32>,
}

pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(auth::list_tokens, auth::create_token))
        .routes(routes!(auth::revoke_token))
        .routes(routes!(reference::roles))
        .routes(routes!(reference::categories))
        .routes(routes!(
            reference::calendar_days,
            reference::put_calendar_day
        ))
        .routes(routes!(reference::delete_calendar_day))
        .routes(routes!(reference::overview))
        .routes(routes!(org::list_units, org::create_unit))
        .routes(routes!(org::update_unit))
        .routes(routes!(org::unit_history))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::update_user))
        .routes(routes!(users::reset_password))
        .routes(routes!(
            enterprises::list_enterprises,
            enterprises::create_enterprise
        ))
        .routes(routes!(enterprises::export_enterprises))
        .routes(routes!(
            enterprises::get_enterprise,
            enterprises::update_enterprise
        ))
        .routes(routes!(enterprises::timeline))
        .routes(routes!(enterprises::list_tags, enterprises::put_tags))
        .routes(routes!(
            indicators::list_indicators,
            indicators::create_indicator
        ))
        .routes(routes!(indicators::put_indicator))
        .routes(routes!(indicators::post_values))
        .routes(routes!(indicators::enterprise_series))
        .routes(routes!(indicators::get_rules, indicators::put_rules))
        .routes(routes!(indicators::recompute))
        .routes(routes!(indicators::summary))
        .routes(routes!(indicators::points))
        .routes(routes!(indicators::geo))
        .routes(routes!(assessment::get_settings, assessment::put_settings))
        .routes(routes!(
            assessment::list_snapshots,
            assessment::create_snapshot
        ))
        .routes(routes!(assessment::latest_snapshot))
        .routes(routes!(assessment::get_snapshot))
        .routes(routes!(assessment::drill))
        .routes(routes!(assessment::correct_snapshot))
        .routes(routes!(assessment::report))
        .routes(routes!(assessment::issue_letters))
        .routes(routes!(assessment::list_letters))
        .routes(routes!(assessment::get_letter))
        .routes(routes!(assessment::letter_pdf))
        .routes(routes!(assessment::letter_docx))
        .routes(routes!(assessment::acknowledge_letter))
        .routes(routes!(assessment::answer_letter))
        .routes(routes!(assessment::exempt_case, assessment::unexempt_case))
        .routes(routes!(assessment::dashboard))
        .routes(routes!(indicators::list_warnings))
        .routes(routes!(imports::list_imports))
        .routes(routes!(imports::get_import))
        .routes(routes!(imports::preview))
        .routes(routes!(imports::confirm))
        .routes(routes!(audit::list_audit))
        .routes(routes!(cases::file_case, cases::list_cases))
        .routes(routes!(cases::case_stats))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::accept))
        .routes(routes!(cases::reject))
        .routes(routes!(cases::withdraw))
        .routes(routes!(cases::dispatch))
        .routes(routes!(cases::reassign))
        .routes(routes!(cases::sign))
        .routes(routes!(cases::return_case))
        .routes(routes!(cases::reply))
        .routes(routes!(cases::verify))
        .routes(routes!(cases::rate))
        .routes(routes!(cases::request_extension))
        .routes(routes!(cases::request_pause))
        .routes(routes!(cases::decide))
        .routes(routes!(cases::resume))
        .routes(routes!(cases::merge))
        .routes(routes!(cases::remind))
        .routes(routes!(cases::supervise))
        .routes(routes!(cases::acknowledge_supervision))
        .routes(routes!(cases::supervisor_decision))
        .routes(routes!(cases::calendar_deadline))
        .routes(routes!(cases::list_sla_rules, cases::put_sla_rule))
        .routes(routes!(cases::export_cases))
        .routes(routes!(routing::suggest))
        .routes(routes!(routing::list_rules))
        .routes(routes!(routing::put_rule))
        .routes(routes!(routing::get_model))
        .routes(routes!(routing::retrain))
        .routes(routes!(routing::check_duplicates))
        .routes(routes!(routing::case_duplicates))
        .routes(routes!(routing::list_pairs))
        .routes(routes!(routing::dismiss_pair))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::unread_count))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(attachments::list))
        .routes(routes!(attachments::download))
        .routes(routes!(attachments::thumbnail))
        // the policy library (policy_catalog, rules, matching, applications): docs/POLICIES.md
        .routes(routes!(policies::catalog))
        .routes(routes!(policies::check_rule))
        .routes(routes!(policies::list_policies, policies::create_policy))
        .routes(routes!(policies::get_policy, policies::put_policy))
        .routes(routes!(policies::recompute_matches))
        .routes(routes!(policies::download_policy_file))
        .routes(routes!(policies::delete_policy_file))
        .routes(routes!(policies::enterprise_policies))
        .routes(routes!(policies::get_item))
        .routes(routes!(policies::item_enterprises))
        .routes(routes!(policies::export_item_enterprises))
        .routes(routes!(policies::push_item))
        .routes(routes!(policies::portal_pushes))
        .routes(routes!(policies::read_push))
        .routes(routes!(
            policy_applications::list_applications,
            policy_applications::create_application
        ))
        .routes(routes!(policy_applications::get_application))
        .routes(routes!(policy_applications::review_application))
        .routes(routes!(policy_applications::resubmit_application))
        .routes(routes!(policy_applications::payout_application))
        .routes(routes!(policy_applications::auto_payout))
        .merge(
            // uploads may be larger than the 2 MB every other body is held to
            OpenApiRouter::new()
                .routes(routes!(attachments::upload))
                .routes(routes!(policies::upload_policy_file))
                .routes(routes!(policy_applications::upload_application_file))
                .layer(axum::extract::DefaultBodyLimit::max(
                    attachments::MAX_BYTES as usize + 64 * 1024,
                )),
        )
        .merge(OpenApiRouter::new().routes(routes!(imports::upload)).layer(
            axum::extract::DefaultBodyLimit::max(crate::import::MAX_BYTES + 64 * 1024),
        ))
}
