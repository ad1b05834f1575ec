//! The five-colour map: recomputing every enterprise's band from its indicators and open overdue
//! cases, keeping the history and the daily counts, and raising early warnings (研判预警) with a
//! visit task (a 走访 case dispatched to the service staff member's unit or the street).

use crate::auth::Principal;
use crate::casework::{Command, DispatchPlan};
use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use jiban_core::band::{BandRules, ComponentKind, WarningKind};
use jiban_core::case::Urgency;
use jiban_core::formula::{Formula, When};
use jiban_store::audit::{Actor, NewAudit};
use jiban_store::indicators::{BandChange, IndicatorRow, NewWarning};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::time::Instant;
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// The zone's rules (the defaults until an administrator saves some).
pub async fn rules(state: &AppState, zone_id: Uuid) -> ApiResult<BandRules> {
    Ok(match state.store.band_rules_json(zone_id).await? {
        Some(v) => serde_json::from_value(v).map_err(|e| AppError::Internal(e.into()))?,
        None => BandRules::default(),
    })
}

/// What a recompute did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct RecomputeOut {
    /// Enterprises looked at.
    pub computed: usize,
    /// Enterprises whose band changed.
    pub changed: usize,
    /// Warnings raised.
    pub warnings: usize,
    /// Enterprises with a band.
    pub rated: usize,
    /// Enterprises per band after the recompute.
    pub counts: std::collections::BTreeMap<String, i64>,
    pub millis: u64,
    /// Where the time went: reading values and enterprises, computing, writing.
    pub read_ms: u64,
    pub compute_ms: u64,
    pub write_ms: u64,
}

/// How to recompute.
#[derive(Debug, Clone, Copy, Default)]
pub struct RecomputeOptions {
    /// Compute as of this day (the latest period that contains it); default: the latest data.
    pub as_of: Option<Date>,
    /// When the change is recorded (history, band_since); default: now.
    pub at: Option<OffsetDateTime>,
    /// Open a visit case for each warning.
    pub open_visits: bool,
    /// Raise no warnings (historical replays).
    pub quiet: bool,
}

/// Months between two period starts (`later` − `earlier`), for monthly silence.
fn periods_between(kind: &str, earlier: Date, later: Date) -> i64 {
    match kind {
        "month" => {
            (later.year() as i64 * 12 + later.month() as i64)
                - (earlier.year() as i64 * 12 + earlier.month() as i64)
        }
        "week" => (later - earlier).whole_weeks(),
        _ => (later - earlier).whole_days(),
    }
}

/// The same day a year earlier (29 February → 28 February).
pub fn year_before(d: Date) -> Date {
    d.replace_year(d.year() - 1).unwrap_or_else(|_| {
        d.replace_day(28)
            .and_then(|x| x.replace_year(d.year() - 1))
            .unwrap_or(d)
    })
}

/// The period a formula input is read for when the formula is computed for period `p`.
pub fn input_period(when: When, p: Date) -> Date {
    match when {
        When::Current => p,
        When::LastYear => year_before(p),
    }
}

/// The period a computed indicator is computed for: the latest period of any of its inputs.
pub fn formula_period(
    f: &Formula,
    input: impl Fn(&str) -> Option<Uuid>,
    latest: impl Fn(Uuid) -> Option<Date>,
) -> Option<Date> {
    f.names()
        .iter()
        .filter_map(|n| input(n.as_str()))
        .filter_map(latest)
        .max()
}

/// The (reported indicator, period) pairs a formula reads when computed for period `p`.
pub fn formula_pairs(
    f: &Formula,
    input: impl Fn(&str) -> Option<Uuid>,
    p: Date,
) -> Vec<(Uuid, Date)> {
    let mut out = Vec::new();
    for (name, whens) in f.inputs() {
        if let Some(id) = input(name.as_str()) {
            out.extend(whens.iter().map(|w| (id, input_period(*w, p))));
        }
    }
    out
}

/// An indicator as the computation uses it.
struct Compiled<'a> {
    row: &'a IndicatorRow,
    formula: Option<Formula>,
}

/// Recomputes the bands of the zone and writes what changed, in one transaction; then opens
/// the visit tasks of the warnings it raised.
pub async fn recompute(
    state: &AppState,
    zone_id: Uuid,
    opts: RecomputeOptions,
) -> ApiResult<RecomputeOut> {
    let started = Instant::now();
    let rules = rules(state, zone_id).await?;
    let indicators = state.store.indicators(zone_id).await?;
    let by_code: HashMap<&str, Compiled> = indicators
        .iter()
        .map(|i| {
            let formula = i.formula.as_deref().and_then(|f| Formula::parse(f).ok());
            (i.code.as_str(), Compiled { row: i, formula })
        })
        .collect();
    let by_name: HashMap<&str, &IndicatorRow> = indicators
        .iter()
        .flat_map(|i| [(i.code.as_str(), i), (i.name.as_str(), i)])
        .collect();
    // the period each component is computed for: the latest one with data (up to as_of)
    let mut latest: HashMap<Uuid, Option<Date>> = HashMap::new();
    for i in indicators.iter().filter(|i| i.kind == "reported") {
        let mut p = state.store.latest_period(zone_id, i.id).await?;
        if let Some(a) = opts.as_of {
            let cap = crate::import::period_start(&i.period, a);
            p = p.map(|p| p.min(cap));
        }
        latest.insert(i.id, p);
    }
    let period_of = |c: &Compiled| -> Option<Date> {
        match &c.formula {
            None => latest.get(&c.row.id).copied().flatten(),
            Some(f) => formula_period(
                f,
                |n| by_name.get(n).map(|i| i.id),
                |id| latest.get(&id).copied().flatten(),
            ),
        }
    };
    // exactly the (reported indicator, period) pairs the components read
    let mut pairs: Vec<(Uuid, Date)> = Vec::new();
    let mut component_period: Vec<Option<Date>> = Vec::new();
    for comp in &rules.components {
        let c = match comp.kind {
            ComponentKind::Indicator => comp.code.as_deref().and_then(|c| by_code.get(c)),
            ComponentKind::OverdueCases => None,
        };
        let p = c.and_then(&period_of);
        if let (Some(c), Some(p)) = (c, p) {
            match &c.formula {
                None => pairs.push((c.row.id, p)),
                Some(f) => pairs.extend(formula_pairs(f, |n| by_name.get(n).map(|i| i.id), p)),
            }
        }
        component_period.push(p);
    }
    pairs.sort();
    pairs.dedup();
    let pair_index: HashMap<(Uuid, Date), usize> =
        pairs.iter().enumerate().map(|(k, p)| (*p, k)).collect();
    let at = opts.at.unwrap_or_else(jiban_store::now);
    let read_values = started.elapsed();
    let subjects = state.store.band_subjects(zone_id, at, &pairs).await?;
    let read_subjects = started.elapsed();

    // the reference period for silence: the latest monthly period of any reported indicator
    let reference = indicators
        .iter()
        .filter(|i| i.kind == "reported" && i.active)
        .filter_map(|i| {
            latest
                .get(&i.id)
                .copied()
                .flatten()
                .map(|p| (i.period.as_str(), p))
        })
        .max_by_key(|(_, p)| *p);
    let silent_open: Vec<Uuid> = state
        .store
        .open_warning_enterprises(zone_id, WarningKind::Silent.as_str())
        .await?;
    let mut red_open = state
        .store
        .open_warning_enterprises(zone_id, WarningKind::Red.as_str())
        .await?;
    red_open.extend(
        state
            .store
            .open_warning_enterprises(zone_id, WarningKind::Drop.as_str())
            .await?,
    );

    let mut out = RecomputeOut {
        computed: subjects.len(),
        ..Default::default()
    };
    let mut changes = Vec::new();
    let mut warnings = Vec::new();
    let mut counts: HashMap<String, i64> = HashMap::new();
    let mut comp_values: Vec<Option<f64>> = Vec::with_capacity(rules.components.len());
    for s in &subjects {
        comp_values.clear();
        let mut detail = serde_json::Map::new();
        for (comp, period) in rules.components.iter().zip(&component_period) {
            let v = match comp.kind {
                ComponentKind::OverdueCases => Some(s.overdue as f64),
                ComponentKind::Indicator => {
                    let c = comp.code.as_deref().and_then(|c| by_code.get(c));
                    match (c, period) {
                        (Some(c), Some(p)) => match &c.formula {
                            None => pair_index.get(&(c.row.id, *p)).and_then(|k| s.values[*k]),
                            Some(f) => f
                                .eval(|name, when| {
                                    let i = by_name.get(name)?;
                                    pair_index
                                        .get(&(i.id, input_period(when, *p)))
                                        .and_then(|k| s.values[*k])
                                })
                                .ok(),
                        },
                        _ => None,
                    }
                }
            };
            let key = comp.code.clone().unwrap_or_else(|| "overdue_cases".into());
            detail.insert(key, json!(v.map(|x| (x * 10_000.0).round() / 10_000.0)));
            comp_values.push(v);
        }
        let mut score = rules.score(&comp_values).map(|x| (x * 10.0).round() / 10.0);
        let mut band = score.map(|x| rules.bands[rules.band_index(x)].code.clone());
        if band.is_none() && s.band.is_some() && s.last_period.is_some() {
            // nothing reported for the latest period: the band stands until the enterprise
            // reports again (the silence warning deals with an enterprise that stops)
            band = s.band.clone();
            score = s.band_score;
        }
        if let Some(b) = &band {
            *counts.entry(b.clone()).or_default() += 1;
            out.rated += 1;
        }
        let band_changed = band != s.band;
        if band_changed || score != s.band_score {
            if band_changed {
                out.changed += 1;
                if let Some(to) = &band
                    && let Some(kind) = rules.warning_for(s.band.as_deref(), to)
                    && !red_open.contains(&s.id)
                {
                    let name = |c: Option<&str>| {
                        c.and_then(|c| rules.band(c))
                            .map(|b| b.name.clone())
                            .unwrap_or_else(|| "未评".into())
                    };
                    warnings.push((
                        s,
                        NewWarning {
                            zone_id,
                            enterprise_id: s.id,
                            kind: kind.as_str().into(),
                            from_band: s.band.clone(),
                            to_band: band.clone(),
                            message: format!(
                                "运行色标由{}转为{}（{}，综合得分 {}）",
                                name(s.band.as_deref()),
                                name(Some(to)),
                                kind.label(),
                                score.map(|x| format!("{x:.1}")).unwrap_or_default()
                            ),
                            at,
                        },
                    ));
                }
            }
            changes.push(BandChange {
                enterprise_id: s.id,
                band: band.clone(),
                prev_band: s.band.clone(),
                score,
                band_changed,
                detail: serde_json::Value::Object(detail),
            });
        }
        if let (Some((kind, reference)), Some(last)) = (reference, s.last_period)
            && periods_between(kind, last, reference) >= rules.silent_periods as i64
            && !silent_open.contains(&s.id)
        {
            warnings.push((
                s,
                NewWarning {
                    zone_id,
                    enterprise_id: s.id,
                    kind: WarningKind::Silent.as_str().into(),
                    from_band: s.band.clone(),
                    to_band: band.clone(),
                    message: format!(
                        "最近一次报送为 {}，已连续 {} 期未报送运行数据",
                        last,
                        periods_between(kind, last, reference)
                    ),
                    at,
                },
            ));
        }
    }
    if opts.quiet {
        warnings.clear();
    }
    // the enterprise's name in front of each message (names are read for the few warned only)
    let mut names: HashMap<Uuid, String> = HashMap::new();
    for (s, w) in warnings.iter_mut() {
        let name = match names.get(&s.id) {
            Some(n) => n.clone(),
            None => {
                let n = state
                    .store
                    .enterprise(zone_id, &jiban_store::enterprises::Visibility::Zone, s.id)
                    .await?
                    .map(|e| e.name)
                    .unwrap_or_default();
                names.insert(s.id, n.clone());
                n
            }
        };
        w.message = format!("{name}：{}", w.message);
    }
    out.warnings = warnings.len();
    out.counts = counts.iter().map(|(k, v)| (k.clone(), *v)).collect();

    let computed_at = started.elapsed();
    let mut tx = state.store.begin().await?;
    tx.write_bands(zone_id, at, &changes).await?;
    let day = at.to_offset(jiban_core::calendar::BEIJING).date();
    let mut daily: Vec<(String, i64)> = counts.into_iter().collect();
    daily.sort();
    tx.set_band_daily(zone_id, day, &daily).await?;
    let mut raised = Vec::new();
    for (s, w) in &warnings {
        let id = tx.insert_warning(w).await?;
        raised.push((id, *s, w));
    }
    tx.audit(
        &Actor {
            id: None,
            name: Some("系统（五色图重算）".into()),
            ip: None,
            request_id: None,
        },
        NewAudit {
            zone_id,
            action: "bands.recompute",
            target_type: "zone",
            target_id: Some(zone_id),
            detail: json!({ "computed": out.computed, "changed": out.changed, "warnings": out.warnings,
                "as_of": opts.as_of.map(|d| d.to_string()) }),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        zone = %zone_id,
        enterprises = out.computed,
        changed = out.changed,
        read_values_ms = read_values.as_millis() as u64,
        read_enterprises_ms = (read_subjects - read_values).as_millis() as u64,
        compute_ms = (computed_at - read_subjects).as_millis() as u64,
        write_ms = (started.elapsed() - computed_at).as_millis() as u64,
        "bands recomputed"
    );

    if opts.open_visits && !raised.is_empty() {
        let system = system_principal(state, zone_id).await?;
        for (warning_id, s, w) in raised {
            let name = names.get(&s.id).cloned().unwrap_or_default();
            if let Err(e) = open_visit(state, &system, &rules, warning_id, s, &name, w).await {
                tracing::warn!(error = %e, enterprise = %s.id, "could not open the visit task of a warning");
            }
        }
    }
    out.millis = started.elapsed().as_millis() as u64;
    out.read_ms = read_subjects.as_millis() as u64;
    out.compute_ms = (computed_at - read_subjects).as_millis() as u64;
    out.write_ms = out.millis - out.read_ms - out.compute_ms;
    Ok(out)
}

/// The zone's system account as a principal (a dispatcher of the zone that cannot sign in).
pub async fn system_principal(state: &AppState, zone_id: Uuid) -> ApiResult<Principal> {
    let zone = state
        .store
        .org_unit(zone_id)
        .await?
        .ok_or_else(|| AppError::not_found("开发区"))?;
    let username = format!("sys-{}", zone.code.to_ascii_lowercase());
    let mut tx = state.store.begin().await?;
    tx.ensure_system_user(zone_id, &username, "系统（研判预警）")
        .await?;
    tx.commit().await?;
    let user = state
        .store
        .user_by_username(&username)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("system account missing")))?;
    Principal::of(user)
}

async fn open_visit(
    state: &AppState,
    system: &Principal,
    rules: &BandRules,
    warning_id: Uuid,
    s: &jiban_store::indicators::BandSubject,
    name: &str,
    w: &NewWarning,
) -> ApiResult<()> {
    let kind_label = match w.kind.as_str() {
        "drop" => WarningKind::Drop.label(),
        "red" => WarningKind::Red.label(),
        _ => WarningKind::Silent.label(),
    };
    let req = crate::routes::cases::NewCaseRequest {
        channel: "visit".into(),
        title: format!("运行预警走访：{name}（{kind_label}）"),
        description: format!(
            "{}。请服务专员在时限内上门走访，了解生产经营困难，提出帮扶措施并回复。",
            w.message
        ),
        category_code: rules.visit_category.clone(),
        urgency: Some(
            if w.kind == "red" {
                Urgency::Urgent
            } else {
                Urgency::Normal
            }
            .as_str()
            .into(),
        ),
        enterprise_uscc: None,
        enterprise_id: Some(s.id),
        person_name: None,
        person_phone: None,
        address: None,
        grid_id: None,
        lon: None,
        lat: None,
        expected_outcome: None,
        idempotency_key: Some(format!("warning-{warning_id}")),
    };
    let (case_id, _) = crate::casework::file(state, system, &req).await?;
    let staff_unit = match s.service_staff_id {
        Some(u) => state.store.user_by_id(u).await?.map(|u| u.org_unit_id),
        None => None,
    };
    let lead = staff_unit.or(s.street_id).ok_or_else(|| {
        AppError::invalid(
            "validation.unit",
            "enterprise",
            "企业没有所属街道，无法派发走访任务",
        )
    })?;
    let assists = match s.street_id {
        Some(street) if street != lead => vec![street],
        _ => vec![],
    };
    crate::casework::run(
        state,
        system,
        case_id,
        Command::Dispatch(DispatchPlan {
            lead_unit_id: lead,
            assist_unit_ids: assists,
            note: Some("研判预警自动派发".into()),
            category_code: None,
            urgency: None,
        }),
    )
    .await?;
    let mut tx = state.store.begin().await?;
    tx.set_warning_case(warning_id, case_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Recomputes the zone's bands a moment from now on a background task (values just arrived);
/// several calls in a row for one zone give one recompute.
pub fn recompute_soon(state: &AppState, zone_id: Uuid) {
    let state = state.clone();
    crate::debounce::soon(
        "bands",
        zone_id,
        std::time::Duration::from_millis(500),
        move || async move {
            let opts = RecomputeOptions {
                open_visits: true,
                ..Default::default()
            };
            if let Err(e) = recompute(&state, zone_id, opts).await {
                tracing::warn!(error = %e, "band recompute failed");
            }
            // bands are facts of the policy rules
            crate::policies::recompute_soon(&state, zone_id);
        },
    );
}
