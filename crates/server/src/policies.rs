//! The policy calculator (政策计算器) on stored data: the catalog rules may use, the facts of
//! enterprises (registry columns, the latest indicator values including computed ones, the
//! band), matching every enterprise against every open item (stored as `policy_matches`), and
//! the live explanation for one enterprise. The eligibility logic itself is `jiban_policy`.

use crate::bands::{formula_pairs, formula_period, input_period};
use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use jiban_core::formula::Formula;
use jiban_core::org::UnitKind;
use jiban_core::size::SizeClass;
use jiban_policy::{Amount, Catalog, Explanation, Facts, Matcher, Rule};
use jiban_store::policies::{FactsRow, ItemRow, NewMatch};
use serde::Serialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Today in Beijing.
pub fn today() -> Date {
    jiban_core::calendar::to_beijing(OffsetDateTime::now_utc()).date()
}

/// The vocabularies of the zone that rules may refer to: tags of the administrator's
/// vocabulary, streets, active indicators, the bands of the five-colour rules.
pub async fn catalog(state: &AppState, zone_id: Uuid) -> ApiResult<Catalog> {
    let tags = state
        .store
        .enterprise_tags(zone_id)
        .await?
        .into_iter()
        .filter(|(_, _, in_vocabulary)| *in_vocabulary)
        .map(|(name, _, _)| name)
        .collect();
    let streets = state
        .store
        .org_units(zone_id)
        .await?
        .into_iter()
        .filter(|u| u.kind == UnitKind::Street.as_str() && u.active)
        .map(|u| (u.code, u.name))
        .collect();
    let indicators = state
        .store
        .indicators(zone_id)
        .await?
        .into_iter()
        .filter(|i| i.active)
        .map(|i| (i.code, i.name))
        .collect();
    let bands = crate::bands::rules(state, zone_id)
        .await?
        .bands
        .into_iter()
        .map(|b| (b.code, b.name))
        .collect();
    Ok(Catalog {
        tags,
        streets,
        indicators,
        bands,
    })
}

/// The latest value of every indicator (computed ones evaluated for their latest period) per
/// enterprise, keyed by indicator code: of the zone, or of one enterprise.
pub async fn indicator_facts(
    state: &AppState,
    zone_id: Uuid,
    only: Option<Uuid>,
) -> ApiResult<HashMap<Uuid, HashMap<String, f64>>> {
    let indicators = state.store.indicators(zone_id).await?;
    let by_name: HashMap<&str, Uuid> = indicators
        .iter()
        .filter(|i| i.kind == "reported")
        .flat_map(|i| [(i.code.as_str(), i.id), (i.name.as_str(), i.id)])
        .collect();
    let mut latest: HashMap<Uuid, Date> = HashMap::new();
    for i in indicators.iter().filter(|i| i.kind == "reported") {
        if let Some(p) = state.store.latest_period(zone_id, i.id).await? {
            latest.insert(i.id, p);
        }
    }
    // what to read: each reported indicator at its latest period; each computed one's inputs at
    // the latest period of any of them (and a year before, where it asks for that)
    let mut pairs: Vec<(Uuid, Date)> = latest.iter().map(|(i, p)| (*i, *p)).collect();
    let mut computed: Vec<(&str, Formula, Date)> = Vec::new();
    let input = |n: &str| by_name.get(n).copied();
    for i in indicators
        .iter()
        .filter(|i| i.active && i.kind == "computed")
    {
        let Some(f) = i.formula.as_deref().and_then(|f| Formula::parse(f).ok()) else {
            continue;
        };
        let Some(p) = formula_period(&f, input, |id| latest.get(&id).copied()) else {
            continue;
        };
        pairs.extend(formula_pairs(&f, input, p));
        computed.push((i.code.as_str(), f, p));
    }
    pairs.sort();
    pairs.dedup();
    let mut values: HashMap<Uuid, HashMap<(Uuid, Date), f64>> = HashMap::new();
    for (e, i, p, v) in state.store.current_values(zone_id, only, &pairs).await? {
        values.entry(e).or_default().insert((i, p), v);
    }
    let mut out: HashMap<Uuid, HashMap<String, f64>> = HashMap::new();
    for (e, vals) in &values {
        let mut m = HashMap::new();
        for i in indicators
            .iter()
            .filter(|i| i.active && i.kind == "reported")
        {
            if let Some(v) = latest.get(&i.id).and_then(|p| vals.get(&(i.id, *p))) {
                m.insert(i.code.clone(), *v);
            }
        }
        for (code, f, p) in &computed {
            let v = f.eval(|name, when| {
                let id = by_name.get(name)?;
                vals.get(&(*id, input_period(when, *p))).copied()
            });
            if let Ok(v) = v
                && v.is_finite()
            {
                m.insert((*code).to_string(), v);
            }
        }
        out.insert(*e, m);
    }
    Ok(out)
}

/// The facts of an enterprise as the rules see them.
pub fn facts(row: &FactsRow, indicators: HashMap<String, f64>) -> Facts {
    Facts {
        industry_code: row.industry_code.clone(),
        size_class: SizeClass::parse(&row.size_class).unwrap_or(SizeClass::Micro),
        street: row.street_code.clone(),
        tags: row.tags.0.clone(),
        founded_on: row.founded_on,
        employees: row.employees.map(|v| v as f64),
        revenue_wan: row.revenue_wan,
        revenue_last_year_wan: row.revenue_last_year_wan,
        rd_spend_wan: row.rd_spend_wan,
        indicators,
        band: row.band.clone(),
        // inspections are not recorded yet: no enterprise has an open serious hazard
        serious_hazards: 0,
    }
}

/// An item with its parsed rule and amount.
pub struct ParsedItem {
    pub row: ItemRow,
    pub rule: Rule,
    pub amount: Amount,
}

/// Parses the stored rule and amount of items; an item whose JSON no longer parses or whose
/// rule no longer validates against the catalog (a tag removed from the vocabulary) is left
/// out with a warning in the log.
pub fn parse_items(rows: Vec<ItemRow>, catalog: &Catalog) -> Vec<ParsedItem> {
    rows.into_iter()
        .filter_map(|row| {
            let rule: Rule = serde_json::from_value(row.rule.0.clone()).ok()?;
            let amount: Amount =
                serde_json::from_value(row.amount.0.clone()).unwrap_or(Amount::None);
            if let Err(e) = rule.validate(catalog) {
                tracing::warn!(item = %row.id, error = %e.message, "policy item rule no longer valid; not matched");
                return None;
            }
            Some(ParsedItem { row, rule, amount })
        })
        .collect()
}

/// The amount for an enterprise: (万元, note when it cannot be computed).
pub fn amount_of(amount: &Amount, facts: &Facts) -> (Option<f64>, Option<String>) {
    match amount.compute(facts) {
        Ok(v) => (v.map(|v| (v * 100.0).round() / 100.0), None),
        Err(note) => (None, Some(note)),
    }
}

/// What a recompute did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct MatchStats {
    /// Open items matched.
    pub items: usize,
    pub enterprises: usize,
    /// Qualifying (item, enterprise) pairs.
    pub matches: usize,
    pub millis: u64,
}

/// Matches every enterprise of the zone against every open item and stores who qualifies.
pub async fn recompute(state: &AppState, zone_id: Uuid) -> ApiResult<MatchStats> {
    let started = Instant::now();
    let today = today();
    let catalog = catalog(state, zone_id).await?;
    let items = parse_items(
        state.store.open_policy_items(zone_id, today).await?,
        &catalog,
    );
    let rules: Vec<(u32, Rule)> = items
        .iter()
        .enumerate()
        .map(|(k, it)| (k as u32, it.rule.clone()))
        .collect();
    let matcher = Matcher::new(&rules, &catalog).map_err(AppError::from)?;
    let rows = state.store.policy_facts(zone_id, None).await?;
    let mut indicators = indicator_facts(state, zone_id, None).await?;
    let facts: Vec<Facts> = rows
        .iter()
        .map(|row| facts(row, indicators.remove(&row.id).unwrap_or_default()))
        .collect();
    let compact: Vec<_> = facts.iter().map(|f| matcher.compact(f, today)).collect();
    // item-major and columnar: every enterprise against every item in one pass
    let mut hits = Vec::new();
    matcher.match_batch(&compact, &mut hits);
    let matches: Vec<NewMatch> = hits
        .into_iter()
        .map(|(e, k)| {
            let it = &items[k as usize];
            let (amount_wan, amount_note) = amount_of(&it.amount, &facts[e as usize]);
            NewMatch {
                item_id: it.row.id,
                enterprise_id: rows[e as usize].id,
                amount_wan,
                amount_note,
            }
        })
        .collect();
    let mut tx = state.store.begin().await?;
    tx.replace_policy_matches(zone_id, None, &matches).await?;
    tx.commit().await?;
    Ok(MatchStats {
        items: items.len(),
        enterprises: rows.len(),
        matches: matches.len(),
        millis: started.elapsed().as_millis() as u64,
    })
}

/// [`recompute`] a moment from now on a background task (enterprise data, tags, indicator
/// values or bands changed); several calls in a row give one run.
pub fn recompute_soon(state: &AppState, zone_id: Uuid) {
    let state = state.clone();
    crate::debounce::soon(
        "policy-matches",
        zone_id,
        Duration::from_millis(800),
        move || async move {
            if let Err(e) = recompute(&state, zone_id).await {
                tracing::warn!(error = %e, "policy matching failed");
            }
        },
    );
}

/// One item explained for one enterprise.
pub struct Explained<'a> {
    pub item: &'a ParsedItem,
    pub explanation: Explanation,
    pub amount_wan: Option<f64>,
    pub amount_note: Option<String>,
}

/// At most this many failing conditions make an item “almost” (差一点).
pub const ALMOST_MAX_FAILING: usize = 2;

/// Explains every open item for one enterprise, live: (qualified, almost).
pub async fn explain_enterprise<'a>(
    state: &AppState,
    zone_id: Uuid,
    enterprise_id: Uuid,
    items: &'a [ParsedItem],
    catalog: &Catalog,
) -> ApiResult<(Vec<Explained<'a>>, Vec<Explained<'a>>)> {
    let today = today();
    let row = state
        .store
        .policy_facts(zone_id, Some(enterprise_id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::not_found("企业"))?;
    let mut ind = indicator_facts(state, zone_id, Some(enterprise_id)).await?;
    let f = facts(&row, ind.remove(&enterprise_id).unwrap_or_default());
    let mut qualified = Vec::new();
    let mut almost = Vec::new();
    for it in items {
        let explanation = it.rule.explain(&f, today, catalog);
        if explanation.pass {
            let (amount_wan, amount_note) = amount_of(&it.amount, &f);
            qualified.push(Explained {
                item: it,
                explanation,
                amount_wan,
                amount_note,
            });
        } else if (1..=ALMOST_MAX_FAILING).contains(&explanation.failing_count()) {
            almost.push(Explained {
                item: it,
                explanation,
                amount_wan: None,
                amount_note: None,
            });
        }
    }
    almost.sort_by_key(|e| e.explanation.failing_count());
    Ok((qualified, almost))
}

/// The open items of the zone, parsed (for explaining).
pub async fn open_items(
    state: &AppState,
    zone_id: Uuid,
    catalog: &Catalog,
) -> ApiResult<Vec<ParsedItem>> {
    Ok(parse_items(
        state.store.open_policy_items(zone_id, today()).await?,
        catalog,
    ))
}
