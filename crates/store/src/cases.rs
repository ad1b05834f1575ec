//! Cases (诉求), their assignments to units, their hash-linked event chain, and the requests
//! (extension, pause, park) that units raise on them.
//!
//! Reads take a [`CaseVisibility`]; writes happen in a [`Tx`] that first locks the case row
//! ([`Tx::lock_case`]), changes it in memory, appends the event ([`Tx::append_event`]) and saves it
//! ([`Tx::save_case`]) — so the state, the chain head and the event always move together.

use crate::{Json, Page, Result, Store, StoreError, Tx, now, ts, with_pool, with_tx};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::FromRow;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// Which cases a caller may read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseVisibility {
    /// Every case of the zone (intake, dispatch, supervision, leaders, administrators).
    Zone,
    /// Cases assigned (now or before) to a unit in this subtree, located in it, or filed by `user`.
    Units { path_prefix: String, user: Uuid },
    /// Cases of this enterprise or submitted by this account (the enterprise portal).
    Submitter {
        user: Uuid,
        enterprise: Option<Uuid>,
    },
}

impl CaseVisibility {
    fn path_like(&self) -> Option<String> {
        match self {
            CaseVisibility::Units { path_prefix, .. } => Some(format!("{path_prefix}%")),
            _ => None,
        }
    }
    fn user(&self) -> Option<Uuid> {
        match self {
            CaseVisibility::Units { user, .. } => Some(*user),
            _ => None,
        }
    }
    fn submitter(&self) -> Option<Uuid> {
        match self {
            CaseVisibility::Submitter { user, .. } => Some(*user),
            _ => None,
        }
    }
    fn enterprise(&self) -> Option<Uuid> {
        match self {
            CaseVisibility::Submitter { enterprise, .. } => *enterprise,
            _ => None,
        }
    }
}

/// A case as stored, with display names joined in.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct CaseRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub case_no: String,
    pub channel: String,
    pub state: String,
    pub title: String,
    pub description: String,
    pub category_code: String,
    pub category_name: Option<String>,
    pub urgency: String,
    pub enterprise_id: Option<Uuid>,
    pub enterprise_name: Option<String>,
    pub person_name: Option<String>,
    pub person_phone: Option<String>,
    pub address: Option<String>,
    pub grid_id: Option<Uuid>,
    pub grid_name: Option<String>,
    pub street_id: Option<Uuid>,
    pub street_name: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub expected_outcome: Option<String>,
    pub submitter_id: Option<Uuid>,
    pub filed_by: Uuid,
    pub filed_by_name: Option<String>,
    pub idempotency_key: Option<String>,
    pub reject_reason: Option<String>,
    pub lead_unit_id: Option<Uuid>,
    pub lead_unit_name: Option<String>,
    pub sign_by: Option<OffsetDateTime>,
    pub due_at: Option<OffsetDateTime>,
    pub bounces: i32,
    pub reworks: i32,
    pub rating: Option<String>,
    pub rating_comment: Option<String>,
    pub rated_at: Option<OffsetDateTime>,
    pub merged_into: Option<Uuid>,
    pub paused_at: Option<OffsetDateTime>,
    pub review_on: Option<Date>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub dispatched_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
    pub event_count: i32,
    pub last_hash: String,
    /// Set by the deadline sweep: `due_soon` or `overdue`.
    pub alert: Option<String>,
}

macro_rules! case_select {
    ($($part:expr),* $(,)?) => {
        concat!(
            "SELECT c.id, c.zone_id, c.case_no, c.channel, c.state, c.title, c.description, c.category_code, \
             k.name AS category_name, c.urgency, c.enterprise_id, e.name AS enterprise_name, c.person_name, \
             c.person_phone, c.address, c.grid_id, g.name AS grid_name, g.street_id, s.name AS street_name, \
             c.lon, c.lat, c.expected_outcome, c.submitter_id, c.filed_by, f.display_name AS filed_by_name, \
             c.idempotency_key, c.reject_reason, c.lead_unit_id, l.name AS lead_unit_name, c.sign_by, c.due_at, \
             c.bounces, c.reworks, c.rating, c.rating_comment, c.rated_at, c.merged_into, c.paused_at, \
             c.review_on, c.created_at, c.updated_at, c.dispatched_at, c.closed_at, c.event_count, c.last_hash, \
             c.alert \
             FROM cases c \
             LEFT JOIN categories k ON k.zone_id = c.zone_id AND k.code = c.category_code \
             LEFT JOIN enterprises e ON e.id = c.enterprise_id \
             LEFT JOIN org_units g ON g.id = c.grid_id \
             LEFT JOIN org_units s ON s.id = g.street_id \
             LEFT JOIN org_units l ON l.id = c.lead_unit_id \
             LEFT JOIN users f ON f.id = c.filed_by ",
            $($part),*
        )
    };
}

/// The visibility predicate shared by every case read; binds `$2..$5`.
macro_rules! case_visible {
    () => {
        "($2 IS NULL OR g.path LIKE $2 OR c.filed_by = $3 OR EXISTS (SELECT 1 FROM case_assignments va \
         JOIN org_units vu ON vu.id = va.unit_id WHERE va.case_id = c.id AND vu.path LIKE $2)) \
         AND ($4 IS NULL OR c.submitter_id = $4 OR c.enterprise_id = $5) "
    };
}

const ASSIGNMENTS_OF_CASE: &str = "SELECT a.id, a.zone_id, a.case_id, a.unit_id, u.name AS unit_name, \
     u.path AS unit_path, a.role, a.state, a.note, a.sign_by, a.due_at, a.signed_at, a.signed_by, a.replied_at, \
     a.replied_by, a.reply, a.created_at, a.ended_at FROM case_assignments a JOIN org_units u ON u.id = a.unit_id \
     WHERE a.case_id = $1 ORDER BY a.id";

/// The filters of [`Store::list_cases`]; binds `$6..$15`.
macro_rules! case_filters {
    () => {
        "AND ($6 IS NULL OR $6 LIKE '%,' || c.state || ',%') \
         AND ($7 IS NULL OR c.category_code = $7 OR c.category_code LIKE $7 || '__') \
         AND ($8 IS NULL OR EXISTS (SELECT 1 FROM case_assignments fa WHERE fa.case_id = c.id \
              AND fa.unit_id = $8 AND fa.state IN ('pending','signed','replied'))) \
         AND ($9 IS NULL OR g.street_id = $9 OR c.grid_id = $9) AND ($10 IS NULL OR c.channel = $10) \
         AND ($11 IS NULL OR c.urgency = $11) \
         AND ($12 IS NULL OR (c.due_at < $12 AND c.state IN ('dispatched','handling'))) \
         AND ($13 IS NULL OR c.created_at >= $13) AND ($14 IS NULL OR c.created_at < $14) \
         AND ($15 IS NULL OR c.enterprise_id = $15) "
    };
}

/// Lists count at most this many rows (shown as “10000+”).
pub const COUNT_CAP: i64 = 10_000;

/// A new case, already parsed.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub zone_id: Uuid,
    pub case_no: String,
    pub channel: String,
    pub state: String,
    pub title: String,
    pub description: String,
    pub category_code: String,
    pub urgency: String,
    pub enterprise_id: Option<Uuid>,
    pub person_name: Option<String>,
    pub person_phone: Option<String>,
    pub address: Option<String>,
    pub grid_id: Option<Uuid>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub expected_outcome: Option<String>,
    pub submitter_id: Option<Uuid>,
    pub filed_by: Uuid,
    pub idempotency_key: Option<String>,
}

/// List filters (all optional, combined with AND).
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub states: Vec<String>,
    pub category_code: Option<String>,
    /// Cases this unit handles or handled (assignment not returned or cancelled).
    pub unit_id: Option<Uuid>,
    /// Cases located in this street — or in this grid, when the id is a grid's.
    pub street_id: Option<Uuid>,
    pub channel: Option<String>,
    pub urgency: Option<String>,
    /// Open cases whose handling deadline has passed at this instant.
    pub overdue_at: Option<OffsetDateTime>,
    pub created_from: Option<OffsetDateTime>,
    pub created_to: Option<OffsetDateTime>,
    /// Words searched in the full-text index (title, description, address, replies); a case
    /// number, phone number or credit code matches exactly, first.
    pub q: Option<String>,
    pub enterprise_id: Option<Uuid>,
}

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CaseOrder {
    /// Newest first.
    #[default]
    Newest,
    /// Nearest handling deadline first (open work), then newest.
    Deadline,
    /// Best search match first (exact identifiers, then relevance), then newest; without a
    /// search, newest first.
    Relevance,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct AssignmentRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub case_id: Uuid,
    pub unit_id: Uuid,
    pub unit_name: Option<String>,
    pub unit_path: Option<String>,
    pub role: String,
    pub state: String,
    pub note: Option<String>,
    pub sign_by: OffsetDateTime,
    pub due_at: OffsetDateTime,
    pub signed_at: Option<OffsetDateTime>,
    pub signed_by: Option<Uuid>,
    pub replied_at: Option<OffsetDateTime>,
    pub replied_by: Option<Uuid>,
    pub reply: Option<String>,
    pub created_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct CaseEventRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub case_id: Uuid,
    pub seq: i32,
    pub at: OffsetDateTime,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub detail: Json<serde_json::Value>,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct CaseRequestRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub case_id: Uuid,
    pub assignment_id: Uuid,
    pub kind: String,
    pub reason: String,
    pub days: Option<i32>,
    pub review_on: Option<Date>,
    pub state: String,
    pub requested_by: Uuid,
    pub requested_at: OffsetDateTime,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<OffsetDateTime>,
    pub decision_note: Option<String>,
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct SlaRuleRow {
    pub category_code: String,
    pub urgency: String,
    pub sign_hours: i32,
    pub handle_days: i32,
    pub updated_at: OffsetDateTime,
}

/// The hash of one event, chained to the previous one. Every field that matters is in it, so an
/// edited or deleted event breaks the chain at that point.
#[allow(clippy::too_many_arguments)]
pub fn event_hash(
    prev_hash: &str,
    seq: i32,
    case_id: Uuid,
    at: OffsetDateTime,
    actor_id: Option<Uuid>,
    action: &str,
    from_state: Option<&str>,
    to_state: &str,
    detail: &serde_json::Value,
) -> String {
    let mut h = Sha256::new();
    for part in [
        prev_hash.to_string(),
        seq.to_string(),
        case_id.to_string(),
        ts(at).unix_timestamp().to_string(),
        actor_id.map(|a| a.to_string()).unwrap_or_default(),
        action.to_string(),
        from_state.unwrap_or("").to_string(),
        to_state.to_string(),
        detail.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// Where a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    pub case_id: Uuid,
    pub case_no: String,
    /// The first sequence number whose event is missing or does not match its hash.
    pub seq: i32,
    pub reason: String,
}

impl Store {
    /// One case, if the visibility allows it.
    pub async fn case(
        &self,
        zone_id: Uuid,
        vis: &CaseVisibility,
        id: Uuid,
    ) -> Result<Option<CaseRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, CaseRow>(case_select!(
                "WHERE c.zone_id = $1 AND ",
                case_visible!(),
                "AND c.id = $6"
            ))
            .bind(zone_id)
            .bind(vis.path_like())
            .bind(vis.user())
            .bind(vis.submitter())
            .bind(vis.enterprise())
            .bind(id)
            .fetch_optional(p)
            .await
        })?)
    }

    /// The case filed earlier by `filed_by` with this idempotency key.
    pub async fn case_by_idempotency_key(
        &self,
        zone_id: Uuid,
        filed_by: Uuid,
        key: &str,
    ) -> Result<Option<CaseRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, CaseRow>(case_select!(
                "WHERE c.zone_id = $1 AND c.filed_by = $2 AND c.idempotency_key = $3"
            ))
            .bind(zone_id)
            .bind(filed_by)
            .bind(key)
            .fetch_optional(p)
            .await
        })?)
    }

    /// A page of cases within the visibility, filtered and ordered, with the total.
    pub async fn list_cases(
        &self,
        zone_id: Uuid,
        vis: &CaseVisibility,
        f: &CaseFilter,
        order: CaseOrder,
        page: Page,
    ) -> Result<(Vec<CaseRow>, i64)> {
        let states = if f.states.is_empty() {
            None
        } else {
            Some(format!(",{},", f.states.join(",")))
        };
        let overdue = f.overdue_at.map(ts);
        let from = f.created_from.map(ts);
        let to = f.created_to.map(ts);
        // binds $1..$15, shared by the page and the count
        macro_rules! bind_filters {
            ($q:expr) => {
                $q.bind(zone_id)
                    .bind(vis.path_like())
                    .bind(vis.user())
                    .bind(vis.submitter())
                    .bind(vis.enterprise())
                    .bind(states.as_deref())
                    .bind(f.category_code.as_deref())
                    .bind(f.unit_id)
                    .bind(f.street_id)
                    .bind(f.channel.as_deref())
                    .bind(f.urgency.as_deref())
                    .bind(overdue)
                    .bind(from)
                    .bind(to)
                    .bind(f.enterprise_id)
            };
        }
        // The states also go in as a literal IN list, which the planner can use with
        // ix_cases__state (a bound string cannot be); they come from a fixed vocabulary and are
        // checked here, so the literal is safe.
        if f.states
            .iter()
            .any(|st| st.is_empty() || !st.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        {
            return Err(StoreError::Config(format!(
                "无效的状态筛选：{:?}",
                f.states
            )));
        }
        let state_in = if f.states.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = f.states.iter().map(|st| format!("'{st}'")).collect();
            format!("AND c.state IN ({}) ", list.join(","))
        };
        // a search joins the matches (m: sid, rank) computed by a CTE over the full-text index
        let search = self.case_search_cte(f.q.as_deref());
        let (cte, join) = match &search {
            Some(cte) => (cte.as_str(), "JOIN m ON m.sid = c.id "),
            None => ("", ""),
        };
        let head = format!(
            "{cte}{}{join}WHERE c.zone_id = $1 AND {}{}",
            case_select!(),
            case_visible!(),
            case_filters!()
        );
        macro_rules! run {
            ($order:literal) => {{
                let sql = format!("{head}{state_in}{} LIMIT $16 OFFSET $17", $order);
                with_pool!(self, |p| {
                    bind_filters!(sqlx::query_as::<_, CaseRow>(sqlx::AssertSqlSafe(
                        sql.clone()
                    )))
                    .bind(page.limit())
                    .bind(page.offset())
                    .fetch_all(p)
                    .await
                })
            }};
        }
        let rows = match order {
            CaseOrder::Relevance if search.is_some() => run!("ORDER BY m.rank, c.id DESC"),
            CaseOrder::Newest | CaseOrder::Relevance => run!("ORDER BY c.id DESC"),
            CaseOrder::Deadline => {
                run!("ORDER BY CASE WHEN c.due_at IS NULL THEN 1 ELSE 0 END, c.due_at, c.id DESC")
            }
        }?;
        // the total is counted separately and stops at COUNT_CAP: an exact count over a city's
        // millions of cases would cost more than the page itself
        let count_sql = format!(
            "{cte}SELECT COUNT(*) FROM (SELECT 1 FROM cases c LEFT JOIN org_units g ON g.id = c.grid_id \
             {join}WHERE c.zone_id = $1 AND {}{}{state_in} LIMIT $16) t",
            case_visible!(),
            case_filters!()
        );
        let total: i64 = with_pool!(self, |p| {
            bind_filters!(sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql.clone())))
                .bind(COUNT_CAP + 1)
                .fetch_one(p)
                .await
        })?;
        Ok((rows, total))
    }

    /// A unit's work queue: cases the unit still has to sign or handle (its assignment is pending or
    /// signed), unsigned first, then by deadline. Driven from the assignment index, so it stays fast however many cases the zone has.
    pub async fn unit_queue(
        &self,
        unit_id: Uuid,
        states: &[String],
        page: Page,
    ) -> Result<(Vec<CaseRow>, i64)> {
        let states = if states.is_empty() {
            None
        } else {
            Some(format!(",{},", states.join(",")))
        };
        let rows = with_pool!(self, |p| {
            sqlx::query_as::<_, CaseRow>(case_select!(
                "JOIN case_assignments qa ON qa.case_id = c.id \
                 WHERE qa.unit_id = $1 AND qa.state IN ('pending','signed') \
                 AND ($2 IS NULL OR $2 LIKE '%,' || c.state || ',%') \
                 ORDER BY CASE WHEN qa.state = 'pending' THEN 0 ELSE 1 END, qa.due_at, c.id LIMIT $3 OFFSET $4"
            ))
            .bind(unit_id)
            .bind(states.as_deref())
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(p)
            .await
        })?;
        let total: i64 = with_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM case_assignments qa JOIN cases c ON c.id = qa.case_id \
                 WHERE qa.unit_id = $1 AND qa.state IN ('pending','signed') \
                 AND ($2 IS NULL OR $2 LIKE '%,' || c.state || ',%')",
            )
            .bind(unit_id)
            .bind(states.as_deref())
            .fetch_one(p)
            .await
        })?;
        Ok((rows, total))
    }

    /// Counts of cases per state within the visibility (for the workbench).
    pub async fn case_state_counts(
        &self,
        zone_id: Uuid,
        vis: &CaseVisibility,
    ) -> Result<Vec<(String, i64)>> {
        let rows: Vec<(String, i64)> = with_pool!(self, |p| {
            sqlx::query_as(concat!(
                "SELECT c.state, COUNT(*) FROM cases c LEFT JOIN org_units g ON g.id = c.grid_id \
                 WHERE c.zone_id = $1 AND ",
                case_visible!(),
                "GROUP BY c.state"
            ))
            .bind(zone_id)
            .bind(vis.path_like())
            .bind(vis.user())
            .bind(vis.submitter())
            .bind(vis.enterprise())
            .fetch_all(p)
            .await
        })?;
        Ok(rows)
    }

    pub async fn assignments(&self, case_id: Uuid) -> Result<Vec<AssignmentRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, AssignmentRow>(ASSIGNMENTS_OF_CASE)
                .bind(case_id)
                .fetch_all(p)
                .await
        })?)
    }

    pub async fn case_events(&self, case_id: Uuid) -> Result<Vec<CaseEventRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, CaseEventRow>(
                "SELECT id, zone_id, case_id, seq, at, actor_id, actor_name, action, from_state, to_state, detail, \
                 prev_hash, hash FROM case_events WHERE case_id = $1 ORDER BY seq",
            )
            .bind(case_id)
            .fetch_all(p)
            .await
        })?)
    }

    pub async fn case_requests(&self, case_id: Uuid) -> Result<Vec<CaseRequestRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, CaseRequestRow>(
                "SELECT id, zone_id, case_id, assignment_id, kind, reason, days, review_on, state, requested_by, \
                 requested_at, decided_by, decided_at, decision_note FROM case_requests WHERE case_id = $1 ORDER BY id",
            )
            .bind(case_id)
            .fetch_all(p)
            .await
        })?)
    }

    /// Verifies the event chain of every case (or one case): each event's hash must match its content
    /// and the previous hash, sequence numbers must be gapless, and the case's head must match the
    /// last event. Returns every break found.
    pub async fn verify_case_chains(&self, only: Option<Uuid>) -> Result<(usize, Vec<ChainBreak>)> {
        let heads: Vec<(Uuid, String, i32, String)> = with_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, case_no, event_count, last_hash FROM cases WHERE ($1 IS NULL OR id = $1) ORDER BY id",
            )
            .bind(only)
            .fetch_all(p)
            .await
        })?;
        let mut breaks = Vec::new();
        for (case_id, case_no, count, head) in &heads {
            let events = self.case_events(*case_id).await?;
            let mut prev = String::new();
            let mut broken = None;
            for (i, e) in events.iter().enumerate() {
                let want_seq = i as i32 + 1;
                if e.seq != want_seq {
                    broken = Some((want_seq, format!("缺少第 {want_seq} 条事件")));
                    break;
                }
                let h = event_hash(
                    &prev,
                    e.seq,
                    e.case_id,
                    e.at,
                    e.actor_id,
                    &e.action,
                    e.from_state.as_deref(),
                    &e.to_state,
                    &e.detail.0,
                );
                if e.prev_hash != prev || e.hash != h {
                    broken = Some((
                        e.seq,
                        format!("第 {} 条事件（{}）内容与哈希不符", e.seq, e.action),
                    ));
                    break;
                }
                prev = e.hash.clone();
            }
            if broken.is_none() && (events.len() as i32 != *count || prev != *head) {
                broken = Some((
                    events.len() as i32 + 1,
                    "末尾事件被删除或案件链头不符".to_string(),
                ));
            }
            if let Some((seq, reason)) = broken {
                breaks.push(ChainBreak {
                    case_id: *case_id,
                    case_no: case_no.clone(),
                    seq,
                    reason,
                });
            }
        }
        Ok((heads.len(), breaks))
    }

    /// The SLA rules of a zone.
    pub async fn sla_rules(&self, zone_id: Uuid) -> Result<Vec<SlaRuleRow>> {
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, SlaRuleRow>(
                "SELECT category_code, urgency, sign_hours, handle_days, updated_at FROM sla_rules \
                 WHERE zone_id = $1 ORDER BY category_code, urgency",
            )
            .bind(zone_id)
            .fetch_all(p)
            .await
        })?)
    }
}

impl Tx {
    pub(crate) fn is_postgres(&self) -> bool {
        matches!(self, Tx::Postgres(_))
    }

    /// Next number in the zone's per-day sequence (never reused, even if the transaction that drew
    /// it is the only one of the day).
    pub async fn next_case_seq(&mut self, zone_id: Uuid, day: &str) -> Result<i32> {
        Ok(with_tx!(self, |c| {
            sqlx::query_scalar(
                "INSERT INTO case_counters (zone_id, day, last) VALUES ($1, $2, 1) \
                 ON CONFLICT (zone_id, day) DO UPDATE SET last = case_counters.last + 1 RETURNING last",
            )
            .bind(zone_id)
            .bind(day)
            .fetch_one(&mut *c)
            .await
        })?)
    }

    /// The cases merged into `master`: (id, case number, submitter or filer).
    pub async fn merged_into(&mut self, master: Uuid) -> Result<Vec<(Uuid, String, Uuid)>> {
        let rows: Vec<(Uuid, String, Option<Uuid>, Uuid)> = with_tx!(self, |c| {
            sqlx::query_as("SELECT id, case_no, submitter_id, filed_by FROM cases WHERE merged_into = $1 ORDER BY id")
                .bind(master)
                .fetch_all(&mut *c)
                .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, no, s, f)| (id, no, s.unwrap_or(f)))
            .collect())
    }

    pub async fn set_case_no(&mut self, id: Uuid, case_no: &str) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query("UPDATE cases SET case_no = $1 WHERE id = $2")
                .bind(case_no)
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn insert_case(&mut self, n: &NewCase) -> Result<Uuid> {
        let id = crate::new_id();
        let t = now();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO cases (id, zone_id, case_no, channel, state, title, description, category_code, urgency, \
                 enterprise_id, person_name, person_phone, address, grid_id, lon, lat, expected_outcome, submitter_id, \
                 filed_by, idempotency_key, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)",
            )
            .bind(id)
            .bind(n.zone_id)
            .bind(&n.case_no)
            .bind(&n.channel)
            .bind(&n.state)
            .bind(&n.title)
            .bind(&n.description)
            .bind(&n.category_code)
            .bind(&n.urgency)
            .bind(n.enterprise_id)
            .bind(n.person_name.as_deref())
            .bind(n.person_phone.as_deref())
            .bind(n.address.as_deref())
            .bind(n.grid_id)
            .bind(n.lon)
            .bind(n.lat)
            .bind(n.expected_outcome.as_deref())
            .bind(n.submitter_id)
            .bind(n.filed_by)
            .bind(n.idempotency_key.as_deref())
            .bind(t)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        self.rollup_after(None, id).await?;
        self.index_case(id).await?;
        Ok(id)
    }

    /// Reads a case inside the transaction, locking it against concurrent changes
    /// (`FOR UPDATE` on PostgreSQL; SQLite's `BEGIN IMMEDIATE` already serialises writers).
    pub async fn lock_case(&mut self, zone_id: Uuid, id: Uuid) -> Result<CaseRow> {
        if self.is_postgres() {
            // window functions cannot be combined with FOR UPDATE: lock first, then read
            with_tx!(self, |c| {
                sqlx::query("SELECT id FROM cases WHERE id = $1 FOR UPDATE")
                    .bind(id)
                    .execute(&mut *c)
                    .await
                    .map(|r| r.rows_affected())
            })?;
        }
        let row = with_tx!(self, |c| {
            sqlx::query_as::<_, CaseRow>(case_select!("WHERE c.zone_id = $1 AND c.id = $2"))
                .bind(zone_id)
                .bind(id)
                .fetch_optional(&mut *c)
                .await
        })?;
        row.ok_or(StoreError::NotFound)
    }

    /// Writes back every mutable column of a case.
    pub async fn save_case(&mut self, k: &CaseRow) -> Result<()> {
        let before = self.rollup_key(k.id).await?;
        with_tx!(self, |c| {
            sqlx::query(
                "UPDATE cases SET state = $1, category_code = $2, urgency = $3, reject_reason = $4, lead_unit_id = $5, \
                 sign_by = $6, due_at = $7, bounces = $8, reworks = $9, rating = $10, rating_comment = $11, \
                 rated_at = $12, merged_into = $13, paused_at = $14, review_on = $15, updated_at = $16, \
                 dispatched_at = $17, closed_at = $18, event_count = $19, last_hash = $20, \
                 alert = CASE WHEN $1 IN ('dispatched','handling') THEN alert ELSE NULL END WHERE id = $21",
            )
            .bind(&k.state)
            .bind(&k.category_code)
            .bind(&k.urgency)
            .bind(k.reject_reason.as_deref())
            .bind(k.lead_unit_id)
            .bind(k.sign_by.map(ts))
            .bind(k.due_at.map(ts))
            .bind(k.bounces)
            .bind(k.reworks)
            .bind(k.rating.as_deref())
            .bind(k.rating_comment.as_deref())
            .bind(k.rated_at.map(ts))
            .bind(k.merged_into)
            .bind(k.paused_at.map(ts))
            .bind(k.review_on)
            .bind(now())
            .bind(k.dispatched_at.map(ts))
            .bind(k.closed_at.map(ts))
            .bind(k.event_count)
            .bind(&k.last_hash)
            .bind(k.id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        self.rollup_after(before, k.id).await?;
        Ok(())
    }

    /// Appends an event to the case's chain and advances the chain head in `case` (saved by
    /// [`Tx::save_case`]).
    pub async fn append_event(
        &mut self,
        case: &mut CaseRow,
        actor_id: Option<Uuid>,
        actor_name: &str,
        action: &str,
        from_state: Option<&str>,
        detail: serde_json::Value,
    ) -> Result<CaseEventRow> {
        let at = now();
        let seq = case.event_count + 1;
        let hash = event_hash(
            &case.last_hash,
            seq,
            case.id,
            at,
            actor_id,
            action,
            from_state,
            &case.state,
            &detail,
        );
        let ev = CaseEventRow {
            id: crate::new_id(),
            zone_id: case.zone_id,
            case_id: case.id,
            seq,
            at,
            actor_id,
            actor_name: actor_name.to_string(),
            action: action.to_string(),
            from_state: from_state.map(str::to_string),
            to_state: case.state.clone(),
            detail: Json(detail),
            prev_hash: case.last_hash.clone(),
            hash,
        };
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO case_events (id, zone_id, case_id, seq, at, actor_id, actor_name, action, from_state, \
                 to_state, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            )
            .bind(ev.id)
            .bind(ev.zone_id)
            .bind(ev.case_id)
            .bind(ev.seq)
            .bind(ev.at)
            .bind(ev.actor_id)
            .bind(&ev.actor_name)
            .bind(&ev.action)
            .bind(ev.from_state.as_deref())
            .bind(&ev.to_state)
            .bind(&ev.detail)
            .bind(&ev.prev_hash)
            .bind(&ev.hash)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        case.event_count = seq;
        case.last_hash = ev.hash.clone();
        Ok(ev)
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_assignment(
        &mut self,
        case: &CaseRow,
        unit_id: Uuid,
        role: &str,
        note: Option<&str>,
        sign_by: OffsetDateTime,
        due_at: OffsetDateTime,
    ) -> Result<Uuid> {
        let id = crate::new_id();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO case_assignments (id, zone_id, case_id, unit_id, role, state, note, sign_by, due_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(case.zone_id)
            .bind(case.id)
            .bind(unit_id)
            .bind(role)
            .bind(note)
            .bind(ts(sign_by))
            .bind(ts(due_at))
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    /// The case's assignments, read inside the transaction.
    pub async fn assignments(&mut self, case_id: Uuid) -> Result<Vec<AssignmentRow>> {
        Ok(with_tx!(self, |c| {
            sqlx::query_as::<_, AssignmentRow>(ASSIGNMENTS_OF_CASE)
                .bind(case_id)
                .fetch_all(&mut *c)
                .await
        })?)
    }

    /// One request of a case, read inside the transaction.
    pub async fn case_request(
        &mut self,
        case_id: Uuid,
        id: Uuid,
    ) -> Result<Option<CaseRequestRow>> {
        Ok(with_tx!(self, |c| {
            sqlx::query_as::<_, CaseRequestRow>(
                "SELECT id, zone_id, case_id, assignment_id, kind, reason, days, review_on, state, requested_by, \
                 requested_at, decided_by, decided_at, decision_note FROM case_requests WHERE case_id = $1 AND id = $2",
            )
            .bind(case_id)
            .bind(id)
            .fetch_optional(&mut *c)
            .await
        })?)
    }

    /// Forgets what the sweep did for this case (its deadline moved: rework, extension, resume).
    pub async fn reset_sweep(&mut self, case_id: Uuid) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "DELETE FROM sweep_marks WHERE assignment_id IN (SELECT id FROM case_assignments WHERE case_id = $1)",
            )
            .bind(case_id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        let before = self.rollup_key(case_id).await?;
        with_tx!(self, |c| {
            sqlx::query("UPDATE cases SET alert = NULL WHERE id = $1")
                .bind(case_id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        self.rollup_after(before, case_id).await?;
        Ok(())
    }

    /// Writes back an assignment's mutable columns.
    pub async fn save_assignment(&mut self, a: &AssignmentRow) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "UPDATE case_assignments SET state = $1, due_at = $2, signed_at = $3, signed_by = $4, replied_at = $5, \
                 replied_by = $6, reply = $7, ended_at = $8 WHERE id = $9",
            )
            .bind(&a.state)
            .bind(ts(a.due_at))
            .bind(a.signed_at.map(ts))
            .bind(a.signed_by)
            .bind(a.replied_at.map(ts))
            .bind(a.replied_by)
            .bind(a.reply.as_deref())
            .bind(a.ended_at.map(ts))
            .bind(a.id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        if a.reply.is_some() {
            // replies are searched too, in the same transaction
            self.index_case(a.case_id).await?;
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn insert_case_request(
        &mut self,
        case: &CaseRow,
        assignment_id: Uuid,
        kind: &str,
        reason: &str,
        days: Option<i32>,
        review_on: Option<Date>,
        requested_by: Uuid,
    ) -> Result<Uuid> {
        let id = crate::new_id();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO case_requests (id, zone_id, case_id, assignment_id, kind, reason, days, review_on, state, \
                 requested_by, requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10)",
            )
            .bind(id)
            .bind(case.zone_id)
            .bind(case.id)
            .bind(assignment_id)
            .bind(kind)
            .bind(reason)
            .bind(days)
            .bind(review_on)
            .bind(requested_by)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }

    /// Decides a pending request; false if it was not pending.
    pub async fn decide_case_request(
        &mut self,
        id: Uuid,
        approved: bool,
        by: Uuid,
        note: Option<&str>,
    ) -> Result<bool> {
        let n = with_tx!(self, |c| {
            sqlx::query(
                "UPDATE case_requests SET state = $1, decided_by = $2, decided_at = $3, decision_note = $4 \
                 WHERE id = $5 AND state = 'pending'",
            )
            .bind(if approved { "approved" } else { "refused" })
            .bind(by)
            .bind(now())
            .bind(note)
            .bind(id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }

    pub async fn upsert_sla_rule(
        &mut self,
        zone_id: Uuid,
        category_code: &str,
        urgency: &str,
        sign_hours: i32,
        handle_days: i32,
    ) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO sla_rules (zone_id, category_code, urgency, sign_hours, handle_days, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (zone_id, category_code, urgency) \
                 DO UPDATE SET sign_hours = excluded.sign_hours, handle_days = excluded.handle_days, \
                 updated_at = excluded.updated_at",
            )
            .bind(zone_id)
            .bind(category_code)
            .bind(urgency)
            .bind(sign_hours)
            .bind(handle_days)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// A message in an account's or a unit's in-app inbox.
    #[allow(clippy::too_many_arguments)]
    pub async fn notify(
        &mut self,
        zone_id: Uuid,
        user_id: Option<Uuid>,
        unit_id: Option<Uuid>,
        case_id: Option<Uuid>,
        kind: &str,
        title: &str,
        body: &str,
    ) -> Result<()> {
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO notifications (id, zone_id, user_id, unit_id, case_id, kind, title, body, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(crate::new_id())
            .bind(zone_id)
            .bind(user_id)
            .bind(unit_id)
            .bind(case_id)
            .bind(kind)
            .bind(title)
            .bind(body)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(())
    }
}

/// An entry of the in-app inbox.
#[derive(Debug, Clone, FromRow, Serialize)]
pub struct NotificationRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub user_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub case_id: Option<Uuid>,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub created_at: OffsetDateTime,
    pub read_at: Option<OffsetDateTime>,
    #[serde(skip)]
    #[sqlx(default)]
    pub total_count: i64,
}

impl Store {
    /// The inbox of an account: messages to it and to its unit, newest first.
    pub async fn notifications(
        &self,
        user_id: Uuid,
        unit_id: Uuid,
        unread_only: bool,
        page: Page,
    ) -> Result<(Vec<NotificationRow>, i64)> {
        let rows = with_pool!(self, |p| {
            sqlx::query_as::<_, NotificationRow>(
                "SELECT id, zone_id, user_id, unit_id, case_id, kind, title, body, created_at, read_at, \
                 COUNT(*) OVER () AS total_count FROM notifications \
                 WHERE (user_id = $1 OR unit_id = $2) AND ($3 = FALSE OR read_at IS NULL) \
                 ORDER BY id DESC LIMIT $4 OFFSET $5",
            )
            .bind(user_id)
            .bind(unit_id)
            .bind(unread_only)
            .bind(page.limit())
            .bind(page.offset())
            .fetch_all(p)
            .await
        })?;
        let total = rows.first().map(|r| r.total_count).unwrap_or(0);
        Ok((rows, total))
    }

    /// Marks one inbox entry read; false if it is not in this inbox.
    pub async fn mark_notification_read(
        &self,
        user_id: Uuid,
        unit_id: Uuid,
        id: Uuid,
    ) -> Result<bool> {
        let n = with_pool!(self, |p| {
            sqlx::query(
                "UPDATE notifications SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND (user_id = $3 OR unit_id = $4)",
            )
            .bind(now())
            .bind(id)
            .bind(user_id)
            .bind(unit_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(n > 0)
    }
}

#[derive(Debug, Clone, FromRow, Serialize)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub zone_id: Uuid,
    pub case_id: Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub has_thumb: bool,
    pub note: Option<String>,
    pub uploaded_by: Uuid,
    pub uploaded_by_name: Option<String>,
    pub created_at: OffsetDateTime,
}

const ATTACHMENT_COLS: &str = "SELECT a.id, a.zone_id, a.case_id, a.file_name, a.content_type, a.size, a.sha256, \
     a.has_thumb, a.note, a.uploaded_by, u.display_name AS uploaded_by_name, a.created_at \
     FROM case_attachments a LEFT JOIN users u ON u.id = a.uploaded_by ";

impl Store {
    pub async fn attachments(&self, case_id: Uuid) -> Result<Vec<AttachmentRow>> {
        let sql = format!("{ATTACHMENT_COLS} WHERE a.case_id = $1 ORDER BY a.id");
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, AttachmentRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(case_id)
                .fetch_all(p)
                .await
        })?)
    }

    pub async fn attachment(&self, zone_id: Uuid, id: Uuid) -> Result<Option<AttachmentRow>> {
        let sql = format!("{ATTACHMENT_COLS} WHERE a.zone_id = $1 AND a.id = $2");
        Ok(with_pool!(self, |p| {
            sqlx::query_as::<_, AttachmentRow>(sqlx::AssertSqlSafe(sql.clone()))
                .bind(zone_id)
                .bind(id)
                .fetch_optional(p)
                .await
        })?)
    }
}

impl Tx {
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_attachment(
        &mut self,
        case: &CaseRow,
        file_name: &str,
        content_type: &str,
        size: i64,
        sha256: &str,
        has_thumb: bool,
        note: Option<&str>,
        uploaded_by: Uuid,
    ) -> Result<Uuid> {
        let id = crate::new_id();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO case_attachments (id, zone_id, case_id, file_name, content_type, size, sha256, has_thumb, \
                 note, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            )
            .bind(id)
            .bind(case.zone_id)
            .bind(case.id)
            .bind(file_name)
            .bind(content_type)
            .bind(size)
            .bind(sha256)
            .bind(has_thumb)
            .bind(note)
            .bind(uploaded_by)
            .bind(now())
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        Ok(id)
    }
}

/// A case carried over from an earlier system with its whole history (历史件导入): the demo's
/// past weeks, and a zone migrating its 12345 records. Written in one go with its assignments.
#[derive(Debug, Clone)]
pub struct HistoricCase {
    pub case: NewCase,
    pub created_at: OffsetDateTime,
    pub dispatched_at: OffsetDateTime,
    pub lead_unit_id: Uuid,
    pub sign_by: OffsetDateTime,
    pub due_at: OffsetDateTime,
    pub closed_at: Option<OffsetDateTime>,
    pub reworks: i32,
    pub rating: Option<String>,
    pub rated_at: Option<OffsetDateTime>,
    pub assignments: Vec<HistoricAssignment>,
}

#[derive(Debug, Clone)]
pub struct HistoricAssignment {
    pub unit_id: Uuid,
    pub role: String,
    pub state: String,
    pub sign_by: OffsetDateTime,
    pub due_at: OffsetDateTime,
    pub signed_at: Option<OffsetDateTime>,
    pub replied_at: Option<OffsetDateTime>,
    pub reply: Option<String>,
    pub created_at: OffsetDateTime,
    pub ended_at: Option<OffsetDateTime>,
}

impl Tx {
    /// Writes a historic case, its assignments and an `import` event; the rollups follow.
    pub async fn insert_historic_case(&mut self, h: &HistoricCase) -> Result<Uuid> {
        let n = &h.case;
        let id = crate::new_id();
        with_tx!(self, |c| {
            sqlx::query(
                "INSERT INTO cases (id, zone_id, case_no, channel, state, title, description, category_code, urgency, \
                 enterprise_id, grid_id, filed_by, lead_unit_id, sign_by, due_at, reworks, rating, rated_at, \
                 created_at, updated_at, dispatched_at, closed_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20, $21)",
            )
            .bind(id)
            .bind(n.zone_id)
            .bind(&n.case_no)
            .bind(&n.channel)
            .bind(&n.state)
            .bind(&n.title)
            .bind(&n.description)
            .bind(&n.category_code)
            .bind(&n.urgency)
            .bind(n.enterprise_id)
            .bind(n.grid_id)
            .bind(n.filed_by)
            .bind(h.lead_unit_id)
            .bind(ts(h.sign_by))
            .bind(ts(h.due_at))
            .bind(h.reworks)
            .bind(h.rating.as_deref())
            .bind(h.rated_at.map(ts))
            .bind(ts(h.created_at))
            .bind(ts(h.dispatched_at))
            .bind(h.closed_at.map(ts))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected())
        })?;
        for a in &h.assignments {
            with_tx!(self, |c| {
                sqlx::query(
                    "INSERT INTO case_assignments (id, zone_id, case_id, unit_id, role, state, sign_by, due_at, signed_at, \
                     replied_at, reply, created_at, ended_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(crate::new_id())
                .bind(n.zone_id)
                .bind(id)
                .bind(a.unit_id)
                .bind(&a.role)
                .bind(&a.state)
                .bind(ts(a.sign_by))
                .bind(ts(a.due_at))
                .bind(a.signed_at.map(ts))
                .bind(a.replied_at.map(ts))
                .bind(a.reply.as_deref())
                .bind(ts(a.created_at))
                .bind(a.ended_at.map(ts))
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
            })?;
        }
        let mut row = self.lock_case(n.zone_id, id).await?;
        self.append_event(
            &mut row,
            Some(n.filed_by),
            "历史数据导入",
            "import",
            None,
            serde_json::json!({ "created_at": ts(h.created_at), "closed_at": h.closed_at.map(ts) }),
        )
        .await?;
        with_tx!(self, |c| {
            sqlx::query("UPDATE cases SET event_count = $1, last_hash = $2 WHERE id = $3")
                .bind(row.event_count)
                .bind(&row.last_hash)
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected())
        })?;
        self.rollup_after(None, id).await?;
        self.index_case(id).await?;
        Ok(id)
    }
}
