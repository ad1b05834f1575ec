//! Smart dispatch and duplicates, wired to the store: which model serves a zone, the lead unit the
//! zone's rules give for a category, training on confirmed dispatches, the duplicate check at
//! intake and the nightly duplicate sweep.
//!
//! Models live in the database (`routing_models`), so any app node can serve any zone: each node
//! keeps the zone's model in memory and checks the stored version at most once a minute, so a
//! model retrained on another node is picked up without a restart. A zone without a trained model
//! uses the built-in corpus model.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};
use std::time::{Duration, Instant};

use jiban_route::duplicates::{DupConfig, DupDoc, DupMatch, INTAKE_THRESHOLD, find_pairs, score};
use jiban_route::{Model, Trainer, builtin_corpus};
use jiban_store::Store;
use jiban_store::org::OrgUnitRow;
use jiban_store::routing::DupCaseRow;
use serde::Serialize;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::error::ApiResult;

static BUILTIN: LazyLock<Arc<Model>> = LazyLock::new(|| Arc::new(Model::builtin()));

/// The model of the built-in corpus.
pub fn builtin_model() -> Arc<Model> {
    BUILTIN.clone()
}

/// Per-node cache of the zones' models.
#[derive(Default)]
pub struct Models {
    zones: RwLock<HashMap<Uuid, (Arc<Model>, Instant)>>,
}

const RECHECK: Duration = Duration::from_secs(60);

impl Models {
    /// The model that serves a zone now.
    pub async fn for_zone(&self, store: &Store, zone_id: Uuid) -> ApiResult<Arc<Model>> {
        let cached = self.zones.read().expect("lock").get(&zone_id).cloned();
        if let Some((m, at)) = &cached
            && at.elapsed() < RECHECK
        {
            return Ok(m.clone());
        }
        let stored = store.routing_model_version(zone_id).await?;
        let model = match (stored, cached) {
            (None, _) => builtin_model(),
            (Some(v), Some((m, _))) if m.version == v => m,
            (Some(_), _) => match store.routing_model(zone_id).await? {
                Some(row) => match Model::from_json(&row.model) {
                    Ok(m) => Arc::new(m),
                    Err(e) => {
                        tracing::warn!(error = %e, "stored routing model unreadable; using the built-in one");
                        builtin_model()
                    }
                },
                None => builtin_model(),
            },
        };
        self.zones
            .write()
            .expect("lock")
            .insert(zone_id, (model.clone(), Instant::now()));
        Ok(model)
    }

    /// Replaces a zone's model in this node's cache (after training here).
    pub fn set(&self, zone_id: Uuid, model: Arc<Model>) {
        self.zones
            .write()
            .expect("lock")
            .insert(zone_id, (model, Instant::now()));
    }
}

/// The lead unit the rules give.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LeadUnit {
    pub id: Uuid,
    pub name: String,
    pub kind: String,
    /// `category` (the category's department) or `territorial` (the street of the place, 先属地后属主).
    pub rule: String,
}

/// The lead unit for a category and a place: a territorial category goes to the street of the
/// grid when the place is known, else to the category's department.
pub async fn lead_unit_for(
    store: &Store,
    zone_id: Uuid,
    category: &str,
    grid_id: Option<Uuid>,
    units: &[OrgUnitRow],
) -> ApiResult<Option<LeadUnit>> {
    let rules = store.routing_rules(zone_id).await?;
    let Some(rule) = rules.iter().find(|r| r.category_code == category) else {
        return Ok(None);
    };
    let unit = |id: Uuid| units.iter().find(|u| u.id == id && u.active);
    if rule.territorial
        && let Some(street) = grid_id
            .and_then(unit)
            .and_then(|g| g.street_id)
            .and_then(unit)
    {
        return Ok(Some(LeadUnit {
            id: street.id,
            name: street.name.clone(),
            kind: street.kind.clone(),
            rule: "territorial".into(),
        }));
    }
    Ok(rule.lead_unit_id.and_then(unit).map(|u| LeadUnit {
        id: u.id,
        name: u.name.clone(),
        kind: u.kind.clone(),
        rule: "category".into(),
    }))
}

/// What training did.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    pub version: String,
    pub documents: u64,
    pub zone_documents: u64,
    pub vocabulary: usize,
    pub millis: u128,
}

/// Retrains a zone's model from the built-in corpus and the zone's confirmed dispatches (a
/// dispatcher's correction counts twice), stores it and puts it in this node's cache.
pub async fn train(store: &Store, models: &Models, zone_id: Uuid) -> anyhow::Result<TrainReport> {
    let started = Instant::now();
    let mut t = Trainer::new();
    for e in builtin_corpus() {
        t.add(&e.text, &e.category, 1.0);
    }
    let builtin = t.documents();
    let mut after = Uuid::nil();
    loop {
        let page = store.training_docs(zone_id, after, 2000).await?;
        let Some(last) = page.last() else { break };
        after = last.id;
        // segmentation is the cost: keep it off the async workers
        let mut trainer = t;
        t = tokio::task::spawn_blocking(move || {
            for d in &page {
                let text = format!("{}。{}", d.title, d.description);
                trainer.add(&text, &d.category_code, if d.corrected { 2.0 } else { 1.0 });
            }
            trainer
        })
        .await?;
    }
    let documents = t.documents();
    let zone_documents = documents - builtin;
    let now = jiban_core::calendar::to_beijing(OffsetDateTime::now_utc());
    let version = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}-{documents}",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let (model, json) = tokio::task::spawn_blocking(move || {
        let m = t.finish(&version);
        let json = m.to_json();
        (m, json)
    })
    .await?;
    let mut tx = store.begin().await?;
    tx.save_routing_model(
        zone_id,
        &model.version,
        documents as i64,
        zone_documents as i64,
        &json,
    )
    .await?;
    tx.commit().await?;
    let report = TrainReport {
        version: model.version.clone(),
        documents,
        zone_documents,
        vocabulary: model.vocabulary(),
        millis: started.elapsed().as_millis(),
    };
    models.set(zone_id, Arc::new(model));
    Ok(report)
}

/// A likely duplicate of a demand.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DuplicateOut {
    pub case_id: Uuid,
    pub case_no: String,
    pub title: String,
    pub state: String,
    pub state_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub score: f64,
    pub reason: String,
    pub same_enterprise: bool,
    pub same_grid: bool,
}

fn day_of(t: OffsetDateTime) -> f64 {
    t.unix_timestamp() as f64 / 86_400.0
}

fn doc_of(model: &Model, c: &DupCaseRow) -> DupDoc {
    DupDoc::new(
        model,
        c.enterprise_id.map(|u| u.to_string()),
        c.grid_id.map(|u| u.to_string()),
        day_of(c.created_at),
        &format!("{}。{}", c.title, c.description),
    )
}

fn out_of(c: &DupCaseRow, m: &DupMatch) -> DuplicateOut {
    DuplicateOut {
        case_id: c.id,
        case_no: c.case_no.clone(),
        title: c.title.clone(),
        state: c.state.clone(),
        state_name: jiban_core::case::CaseState::parse(&c.state)
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
        created_at: c.created_at,
        score: m.score,
        reason: m.reason(),
        same_enterprise: m.same_enterprise,
        same_grid: m.same_grid,
    }
}

/// Open cases of the zone that are probably the same demand as `text` (best first, at most 5):
/// compared with the open cases of the same enterprise or grid, and those sharing one of the
/// text's rarest words, within the window.
#[allow(clippy::too_many_arguments)]
pub async fn duplicates_of(
    store: &Store,
    models: &Models,
    zone_id: Uuid,
    text: &str,
    enterprise_id: Option<Uuid>,
    grid_id: Option<Uuid>,
    exclude: Option<Uuid>,
    at: OffsetDateTime,
    window_days: u32,
) -> ApiResult<Vec<DuplicateOut>> {
    let model = models.for_zone(store, zone_id).await?;
    let me = DupDoc::new(
        &model,
        enterprise_id.map(|u| u.to_string()),
        grid_id.map(|u| u.to_string()),
        day_of(at),
        text,
    );
    // the text's rarest words pick the text-similar candidates out of the index
    let mut words: Vec<(f64, &String)> = me
        .features
        .iter()
        .filter(|f| !f.starts_with('\u{1}') && f.chars().count() >= 2)
        .map(|f| (model.idf(f), f))
        .collect();
    words.sort_by(|a, b| b.0.total_cmp(&a.0));
    let terms: Vec<String> = words.iter().take(8).map(|(_, f)| (*f).clone()).collect();
    let since = at - time::Duration::days(window_days as i64);
    let rows = store
        .duplicate_candidates_for(zone_id, since, enterprise_id, grid_id, &terms, 500)
        .await?;
    let cfg = DupConfig {
        window_days: window_days as f64,
        threshold: INTAKE_THRESHOLD,
    };
    let mut out: Vec<(DupMatch, &DupCaseRow)> = rows
        .iter()
        .filter(|c| Some(c.id) != exclude)
        .filter_map(|c| {
            score(&model, &cfg, &me, &doc_of(&model, c))
                .filter(|m| m.score >= cfg.threshold)
                .map(|m| (m, c))
        })
        .collect();
    out.sort_by(|a, b| b.0.score.total_cmp(&a.0.score));
    Ok(out.iter().take(5).map(|(m, c)| out_of(c, m)).collect())
}

/// The nightly duplicate sweep of a zone: compares the open cases of the window, records the
/// new likely pairs (the newer case as `case_id`). Returns how many pairs were new.
pub async fn sweep_duplicates(
    store: &Store,
    models: &Models,
    zone_id: Uuid,
    at: OffsetDateTime,
    window_days: u32,
) -> anyhow::Result<usize> {
    let model = models.for_zone(store, zone_id).await?;
    let rows = store
        .open_cases_since(zone_id, at - time::Duration::days(window_days as i64))
        .await?;
    let cfg = DupConfig {
        window_days: window_days as f64,
        ..DupConfig::default()
    };
    let (rows, pairs) = tokio::task::spawn_blocking(move || {
        let docs: Vec<DupDoc> = rows.iter().map(|c| doc_of(&model, c)).collect();
        let pairs = find_pairs(&model, &cfg, &docs);
        (rows, pairs)
    })
    .await?;
    let mut tx = store.begin().await?;
    let mut new = 0;
    for (i, j, m) in pairs {
        let (newer, older) = if rows[i].id > rows[j].id {
            (&rows[i], &rows[j])
        } else {
            (&rows[j], &rows[i])
        };
        if tx
            .insert_duplicate_pair(zone_id, newer.id, older.id, m.score, &m.reason())
            .await?
        {
            new += 1;
        }
    }
    tx.commit().await?;
    Ok(new)
}

/// Runs the nightly work (retraining every zone's model, then the duplicate sweep) once a day
/// after `hour` o'clock Beijing time, on the node that takes that day's lease.
pub async fn run_nightly(state: crate::state::AppState) {
    let store = state.store.clone();
    let models = state.models.clone();
    let hour = state.cfg.jobs.nightly_hour;
    let window_days = state.cfg.jobs.duplicate_window_days;
    let holder = jiban_store::new_id().to_string();
    let mut last_done: Option<time::Date> = None;
    let mut tick = tokio::time::interval(Duration::from_secs(300));
    loop {
        tick.tick().await;
        let now = jiban_core::calendar::to_beijing(OffsetDateTime::now_utc());
        if now.hour() < hour || last_done == Some(now.date()) {
            continue;
        }
        let lease = format!("routing_nightly_{}", now.date());
        match store
            .try_lease(&lease, &holder, time::Duration::hours(30))
            .await
        {
            Ok(true) => {}
            Ok(false) => {
                last_done = Some(now.date());
                continue;
            }
            Err(e) => {
                tracing::warn!(error = %e, "nightly routing lease failed");
                continue;
            }
        }
        last_done = Some(now.date());
        let zones = match store.zones().await {
            Ok(z) => z,
            Err(e) => {
                tracing::warn!(error = %e, "nightly routing: zones unreadable");
                continue;
            }
        };
        for z in zones {
            match train(&store, &models, z.id).await {
                Ok(r) => tracing::info!(zone = %z.code, report = ?r, "routing model retrained"),
                Err(e) => tracing::warn!(zone = %z.code, error = %e, "routing training failed"),
            }
            match sweep_duplicates(
                &store,
                &models,
                z.id,
                OffsetDateTime::now_utc(),
                window_days,
            )
            .await
            {
                Ok(n) => tracing::info!(zone = %z.code, new_pairs = n, "duplicate sweep"),
                Err(e) => tracing::warn!(zone = %z.code, error = %e, "duplicate sweep failed"),
            }
            // the bands follow the overdue cases too, which change without new values
            let opts = crate::bands::RecomputeOptions {
                open_visits: true,
                ..Default::default()
            };
            match crate::bands::recompute(&state, z.id, opts).await {
                Ok(r) => {
                    tracing::info!(zone = %z.code, changed = r.changed, warnings = r.warnings, "bands recomputed")
                }
                Err(e) => tracing::warn!(zone = %z.code, error = %e, "band recompute failed"),
            }
            // application windows open and close with the date
            match crate::policies::recompute(&state, z.id).await {
                Ok(r) => {
                    tracing::info!(zone = %z.code, matches = r.matches, "policy matches recomputed")
                }
                Err(e) => tracing::warn!(zone = %z.code, error = %e, "policy matching failed"),
            }
        }
    }
}
