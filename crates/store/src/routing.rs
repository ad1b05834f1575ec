//! Smart dispatch data: the zone's dispatch rules (category → lead unit, 先属地后属主), what the
//! model suggested at each dispatch and what the dispatcher chose, the trained model, the
//! training documents (confirmed dispatches), and the likely duplicates the sweep found.

use crate::{Result, Store, StoreError, Tx, now, ts, with_pool, with_tx};
use serde::Serialize;
use sqlx::FromRow;
use time::OffsetDateTime;
use uuid::Uuid;

/// A dispatch rule of a category.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct RoutingRuleRow {
    pub category_code: String,
    pub lead_unit_id: Option<Uuid>,
    pub lead_unit_name: Option<String>,
    pub territorial: bool,
}

/// A stored model.
#[derive(Debug, Clone, FromRow)]
pub struct RoutingModelRow {
    pub version: String,
    pub trained_at: OffsetDateTime,
    pub documents: i32,
    pub zone_documents: i32,
    pub model: String,
}

/// What was suggested at a dispatch and what was chosen.
#[derive(Debug, Clone)]
pub struct NewRoutingFeedback {
    pub zone_id: Uuid,
    pub case_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub model_version: String,
    pub suggested_category: Option<String>,
    pub confidence: Option<f64>,
    pub suggested_unit_id: Option<Uuid>,
    pub chosen_category: String,
    pub chosen_unit_id: Option<Uuid>,
}

/// Acceptance of the suggestions over a period.
#[derive(Debug, Clone, Default, FromRow, Serialize)]
pub struct FeedbackSummary {
    pub dispatches: i64,
    pub category_accepted: i64,
    pub unit_accepted: i64,
}

/// A training document: a confirmed dispatch.
#[derive(Debug, Clone, FromRow)]
pub struct TrainingDoc {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub category_code: String,
    /// The dispatcher corrected the model's suggestion on this case.
    pub corrected: bool,
}

/// An open case as the duplicate detector sees it.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct DupCaseRow {
    pub id: Uuid,
    pub case_no: String,
    pub title: String,
    pub description: String,
    pub state: String,
    pub enterprise_id: Option<Uuid>,
    pub grid_id: Option<Uuid>,
    pub created_at: OffsetDateTime,
}

/// A likely duplicate pair found by the sweep.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct DuplicatePairRow {
    pub id: Uuid,
    pub score: f64,
    pub reason: String,
    pub found_at: OffsetDateTime,
    pub case_id: Uuid,
    pub case_no: String,
    pub case_title: String,
    pub case_state: String,
    pub case_created_at: OffsetDateTime,
    pub other_id: Uuid,
    pub other_no: String,
    pub other_title: String,
    pub other_state: String,
    pub other_created_at: OffsetDateTime,
    #[serde(skip)]
    #[sqlx(default)]
    pub total_count: i64,
}

/// The states in which a case may still be merged (and so counts as a duplicate candidate).
pub const OPEN_STATES: &str = "'submitted','pending_dispatch','dispatched','handling'";

impl Store {
    /// The zone's dispatch rules.
    pub async fn routing_rules(&self, zone_id: Uuid) -> Result<Vec<RoutingRuleRow>> {
        Ok(with_pool!(self, |p| sqlx::query_as::<_, RoutingRuleRow>(
            "SELECT r.category_code, r.lead_unit_id, u.name AS lead_unit_name, r.territorial \
             FROM routing_rules r LEFT JOIN org_units u ON u.id = r.lead_unit_id \
             WHERE r.zone_id = $1 ORDER BY r.category_code"
        )
        .bind(zone_id)
        .fetch_all(p)
        .await)?)
    }

    /// The zone's stored model, if one was trained.
    pub async fn routing_model(&self, zone_id: Uuid) -> Result<Option<RoutingModelRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, RoutingModelRow>(
            "SELECT version, trained_at, documents, zone_documents, model FROM routing_models WHERE zone_id = $1"
        )
        .bind(zone_id)
        .fetch_optional(p)
        .await
        })?)
    }

    /// The version of the zone's stored model (cheap: nodes poll it to pick up a retrained one).
    pub async fn routing_model_version(&self, zone_id: Uuid) -> Result<Option<String>> {
        Ok(with_pool!(self, |p| sqlx::query_scalar(
            "SELECT version FROM routing_models WHERE zone_id = $1"
        )
        .bind(zone_id)
        .fetch_optional(p)
        .await)?)
    }

    /// A page of confirmed dispatches after `after` (by id), for training.
    pub async fn training_docs(
        &self,
        zone_id: Uuid,
        after: Uuid,
        limit: i64,
    ) -> Result<Vec<TrainingDoc>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, TrainingDoc>(
            "SELECT c.id, c.title, c.description, c.category_code, \
             EXISTS (SELECT 1 FROM routing_feedback f WHERE f.case_id = c.id AND NOT f.category_accepted) AS corrected \
             FROM cases c WHERE c.zone_id = $1 AND c.id > $2 AND c.dispatched_at IS NOT NULL AND c.channel <> 'visit' \
             ORDER BY c.id LIMIT $3"
        )
        .bind(zone_id)
        .bind(after)
        .bind(limit)
        .fetch_all(p)
        .await
        })?)
    }

    /// Acceptance of the suggestions since `since`.
    pub async fn routing_feedback_summary(
        &self,
        zone_id: Uuid,
        since: OffsetDateTime,
    ) -> Result<FeedbackSummary> {
        Ok(with_pool!(self, |p| sqlx::query_as::<_, FeedbackSummary>(
            "SELECT COUNT(*) AS dispatches, \
             COALESCE(SUM(CASE WHEN category_accepted THEN 1 ELSE 0 END), 0) AS category_accepted, \
             COALESCE(SUM(CASE WHEN unit_accepted THEN 1 ELSE 0 END), 0) AS unit_accepted \
             FROM routing_feedback WHERE zone_id = $1 AND at >= $2"
        )
        .bind(zone_id)
        .bind(ts(since))
        .fetch_one(p)
        .await)?)
    }

    /// Open cases of the zone created since `since` that share the enterprise or the grid, or
    /// any of `terms` in the full-text index (the candidates a new demand is compared with).
    pub async fn duplicate_candidates_for(
        &self,
        zone_id: Uuid,
        since: OffsetDateTime,
        enterprise_id: Option<Uuid>,
        grid_id: Option<Uuid>,
        terms: &[String],
        limit: i64,
    ) -> Result<Vec<DupCaseRow>> {
        let text_match = if terms.is_empty() {
            "1 = 0".to_string()
        } else if self.backend() == crate::Backend::Postgres {
            let q: Vec<String> = terms.iter().map(|t| jiban_lang::ts_lexeme(t)).collect();
            format!(
                "c.id IN (SELECT s.case_id FROM case_search s WHERE s.zone_id = $1 AND s.doc @@ {}::tsquery)",
                crate::search::sql_literal(&q.join(" | "))
            )
        } else {
            let q: Vec<String> = terms
                .iter()
                .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
                .collect();
            format!(
                "c.id IN (SELECT s.case_id FROM case_fts JOIN case_search s ON s.id = case_fts.rowid \
                 WHERE case_fts MATCH {})",
                crate::search::sql_literal(&q.join(" OR "))
            )
        };
        let sql = format!(
            "SELECT c.id, c.case_no, c.title, c.description, c.state, c.enterprise_id, c.grid_id, c.created_at \
             FROM cases c WHERE c.zone_id = $1 AND c.created_at >= $2 AND c.state IN ({OPEN_STATES}) AND c.channel <> 'visit' \
             AND (c.enterprise_id = $3 OR c.grid_id = $4 OR {text_match}) \
             ORDER BY c.id DESC LIMIT $5"
        );
        Ok(with_pool!(self, |p| sqlx::query_as::<_, DupCaseRow>(
            sqlx::AssertSqlSafe(sql.clone())
        )
        .bind(zone_id)
        .bind(ts(since))
        .bind(enterprise_id)
        .bind(grid_id)
        .bind(limit)
        .fetch_all(p)
        .await)?)
    }

    /// Every open case of the zone created since `since` (the nightly sweep's input).
    pub async fn open_cases_since(
        &self,
        zone_id: Uuid,
        since: OffsetDateTime,
    ) -> Result<Vec<DupCaseRow>> {
        let sql = format!(
            "SELECT c.id, c.case_no, c.title, c.description, c.state, c.enterprise_id, c.grid_id, c.created_at \
             FROM cases c WHERE c.zone_id = $1 AND c.created_at >= $2 AND c.state IN ({OPEN_STATES}) AND c.channel <> 'visit' ORDER BY c.id"
        );
        Ok(with_pool!(self, |p| sqlx::query_as::<_, DupCaseRow>(
            sqlx::AssertSqlSafe(sql.clone())
        )
        .bind(zone_id)
        .bind(ts(since))
        .fetch_all(p)
        .await)?)
    }

    /// Open duplicate pairs, best first; pairs whose cases are no longer open are left out.
    pub async fn duplicate_pairs(
        &self,
        zone_id: Uuid,
        page: crate::Page,
    ) -> Result<(Vec<DuplicatePairRow>, i64)> {
        let sql = format!(
            "SELECT d.id, d.score, d.reason, d.found_at, d.case_id, a.case_no, a.title AS case_title, \
             a.state AS case_state, a.created_at AS case_created_at, d.other_id, b.case_no AS other_no, \
             b.title AS other_title, b.state AS other_state, b.created_at AS other_created_at, \
             COUNT(*) OVER () AS total_count \
             FROM duplicate_candidates d JOIN cases a ON a.id = d.case_id JOIN cases b ON b.id = d.other_id \
             WHERE d.zone_id = $1 AND d.state = 'open' AND a.state IN ({OPEN_STATES}) AND b.state IN ({OPEN_STATES}) \
             ORDER BY d.score DESC, d.id LIMIT $2 OFFSET $3"
        );
        let rows = with_pool!(self, |p| sqlx::query_as::<_, DuplicatePairRow>(
            sqlx::AssertSqlSafe(sql.clone())
        )
        .bind(zone_id)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(p)
        .await)?;
        let total = rows.first().map(|r| r.total_count).unwrap_or(0);
        Ok((rows, total))
    }

    /// One duplicate pair.
    pub async fn duplicate_pair(&self, zone_id: Uuid, id: Uuid) -> Result<(Uuid, Uuid, String)> {
        let row: Option<(Uuid, Uuid, String)> = with_pool!(self, |p| {
            sqlx::query_as(
            "SELECT case_id, other_id, state FROM duplicate_candidates WHERE zone_id = $1 AND id = $2"
        )
        .bind(zone_id)
        .bind(id)
        .fetch_optional(p)
        .await
        })?;
        row.ok_or(StoreError::NotFound)
    }
}

impl Tx {
    /// Sets the rule of a category.
    pub async fn upsert_routing_rule(
        &mut self,
        zone_id: Uuid,
        category_code: &str,
        lead_unit_id: Option<Uuid>,
        territorial: bool,
    ) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO routing_rules (zone_id, category_code, lead_unit_id, territorial, updated_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (zone_id, category_code) DO UPDATE SET \
             lead_unit_id = EXCLUDED.lead_unit_id, territorial = EXCLUDED.territorial, updated_at = EXCLUDED.updated_at"
        )
        .bind(zone_id)
        .bind(category_code)
        .bind(lead_unit_id)
        .bind(territorial)
        .bind(now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records what was suggested and chosen at a dispatch.
    pub async fn insert_routing_feedback(&mut self, f: &NewRoutingFeedback) -> Result<()> {
        let category_accepted = f.suggested_category.as_deref() == Some(f.chosen_category.as_str());
        let unit_accepted =
            f.suggested_unit_id.is_some() && f.suggested_unit_id == f.chosen_unit_id;
        with_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO routing_feedback (id, zone_id, case_id, at, actor_id, model_version, suggested_category, \
             confidence, suggested_unit_id, chosen_category, chosen_unit_id, category_accepted, unit_accepted) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        )
        .bind(crate::new_id())
        .bind(f.zone_id)
        .bind(f.case_id)
        .bind(now())
        .bind(f.actor_id)
        .bind(&f.model_version)
        .bind(f.suggested_category.as_deref())
        .bind(f.confidence)
        .bind(f.suggested_unit_id)
        .bind(&f.chosen_category)
        .bind(f.chosen_unit_id)
        .bind(category_accepted)
        .bind(unit_accepted)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Stores a trained model, replacing the zone's previous one.
    pub async fn save_routing_model(
        &mut self,
        zone_id: Uuid,
        version: &str,
        documents: i64,
        zone_documents: i64,
        model: &str,
    ) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO routing_models (zone_id, version, trained_at, documents, zone_documents, model) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (zone_id) DO UPDATE SET version = EXCLUDED.version, \
             trained_at = EXCLUDED.trained_at, documents = EXCLUDED.documents, \
             zone_documents = EXCLUDED.zone_documents, model = EXCLUDED.model"
        )
        .bind(zone_id)
        .bind(version)
        .bind(now())
        .bind(documents as i32)
        .bind(zone_documents as i32)
        .bind(model)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Records a likely duplicate pair unless it is already known (a dismissed pair stays
    /// dismissed). Returns whether it was new.
    pub async fn insert_duplicate_pair(
        &mut self,
        zone_id: Uuid,
        case_id: Uuid,
        other_id: Uuid,
        score: f64,
        reason: &str,
    ) -> Result<bool> {
        let n = with_tx!(self, |c| {
            sqlx::query(
            "INSERT INTO duplicate_candidates (id, zone_id, case_id, other_id, score, reason, found_at, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'open') ON CONFLICT (case_id, other_id) DO NOTHING"
        )
        .bind(crate::new_id())
        .bind(zone_id)
        .bind(case_id)
        .bind(other_id)
        .bind(score)
        .bind(reason)
        .bind(now())
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    /// Decides a pair: `merged` or `dismissed`.
    pub async fn decide_duplicate_pair(
        &mut self,
        id: Uuid,
        state: &str,
        by: Option<Uuid>,
    ) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
            "UPDATE duplicate_candidates SET state = $1, decided_by = $2, decided_at = $3 WHERE id = $4"
        )
        .bind(state)
        .bind(by)
        .bind(now())
        .bind(id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// Marks the open pairs of a merged case as merged.
    pub async fn close_duplicate_pairs_of(&mut self, case_id: Uuid, by: Uuid) -> Result<()> {
        with_tx!(self, |c| sqlx::query(
            "UPDATE duplicate_candidates SET state = 'merged', decided_by = $1, decided_at = $2 \
             WHERE state = 'open' AND (case_id = $3 OR other_id = $3)"
        )
        .bind(by)
        .bind(now())
        .bind(case_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
