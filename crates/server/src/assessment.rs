//! The assessment on stored data: settings, snapshots (taken by the Monday job, on demand, or as
//! a correction), warning letters issued from a snapshot, the escalation of unanswered letters,
//! and the weekly job that runs them. The formulas are `jiban_assess`; see docs/ASSESSMENT.md.

use crate::casework::calendar;
use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use jiban_assess::{
    LetterRules, LetterTier, Movement, Period, Standing, UnitCaseFacts, UnitMetrics, Weights,
    letter_tier, metrics_by_unit, rank, rank_group, rectification_due, unit_metrics,
};
use jiban_core::calendar::BEIJING;
use jiban_core::case::{AssignmentRole, AssignmentState, CaseState, Satisfaction};
use jiban_core::org::UnitKind;
use jiban_store::Store;
use jiban_store::assessment::{NewLetter, NewSnapshot, SnapshotRow, SnapshotUnitRow};
use jiban_store::audit::{Actor, NewAudit};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// When the weekly job runs (Beijing time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    /// 0–23.
    pub hour: u8,
}

/// The administrator's settings of the assessment (per zone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentSettings {
    #[schema(value_type = Object)]
    pub weights: Weights,
    #[schema(value_type = Object)]
    pub letter_rules: LetterRules,
    /// Working days a unit has to answer a 提醒函 or 预警函 (a 督办函: its rectification days).
    pub answer_days: u32,
    /// 发文机关代字 of the 文号, e.g. `经开督`.
    pub doc_prefix: String,
    /// 发文机关 (版头 and 落款).
    pub issuer: String,
    pub schedule: Schedule,
}

impl AssessmentSettings {
    pub fn default_for(zone_name: &str) -> Self {
        AssessmentSettings {
            weights: Weights::default(),
            letter_rules: LetterRules::default(),
            answer_days: 5,
            doc_prefix: "经开督".into(),
            issuer: if zone_name.ends_with("管理委员会") || zone_name.ends_with("管委会") {
                format!("{zone_name}督查室")
            } else {
                format!("{zone_name}管理委员会督查室")
            },
            schedule: Schedule {
                weekday: 1,
                hour: 8,
            },
        }
    }

    pub fn validate(&self) -> ApiResult<()> {
        self.weights.validate()?;
        self.letter_rules.validate()?;
        let bad = |field: &str, message: &str| AppError::Invalid {
            code: "validation.assessment_settings".into(),
            field: Some(field.into()),
            message: message.into(),
        };
        if !(1..=30).contains(&self.answer_days) {
            return Err(bad("answer_days", "答复期限应为 1 到 30 个工作日"));
        }
        let prefix = self.doc_prefix.trim();
        if prefix.is_empty()
            || prefix.chars().count() > 10
            || prefix
                .chars()
                .any(|c| c.is_ascii_digit() || "〔〕[]【】()（）".contains(c))
        {
            return Err(bad(
                "doc_prefix",
                "发文机关代字应为 1 到 10 个字，不含数字和括号",
            ));
        }
        let issuer = self.issuer.trim();
        if issuer.is_empty() || issuer.chars().count() > 40 {
            return Err(bad("issuer", "发文机关应为 1 到 40 个字"));
        }
        if !(1..=7).contains(&self.schedule.weekday) {
            return Err(bad(
                "schedule.weekday",
                "排名日应为星期一（1）到星期日（7）",
            ));
        }
        if self.schedule.hour > 23 {
            return Err(bad("schedule.hour", "排名时刻应为 0 到 23 点"));
        }
        Ok(())
    }
}

pub async fn settings(store: &Store, zone_id: Uuid) -> ApiResult<AssessmentSettings> {
    if let Some(v) = store.assessment_settings(zone_id).await?
        && let Ok(s) = serde_json::from_value::<AssessmentSettings>(v)
    {
        return Ok(s);
    }
    let zone = store
        .org_unit(zone_id)
        .await?
        .ok_or_else(|| AppError::not_found("开发区"))?;
    Ok(AssessmentSettings::default_for(&zone.name))
}

/// Kinds of period.
pub const KINDS: [&str; 4] = ["week", "month", "quarter", "custom"];

/// The dates `first ..= last` of the last complete period of `kind` before `today`.
pub fn last_complete(kind: &str, today: Date) -> Option<(Date, Date)> {
    match kind {
        "week" => {
            let monday =
                today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
            Some((monday - Duration::days(7), monday - Duration::days(1)))
        }
        "month" => {
            let first_this = today.replace_day(1).ok()?;
            let last = first_this.previous_day()?;
            Some((last.replace_day(1).ok()?, last))
        }
        "quarter" => {
            let m = u8::from(today.month());
            let q_first = Date::from_calendar_date(
                today.year(),
                time::Month::try_from(((m - 1) / 3) * 3 + 1).ok()?,
                1,
            )
            .ok()?;
            let last = q_first.previous_day()?;
            let lm = u8::from(last.month());
            let first = Date::from_calendar_date(
                last.year(),
                time::Month::try_from(((lm - 1) / 3) * 3 + 1).ok()?,
                1,
            )
            .ok()?;
            Some((first, last))
        }
        _ => None,
    }
}

/// The period's name: `2026年11月16日至11月22日（第47周）`, `2026年10月`, `2026年第三季度`.
pub fn period_label(kind: &str, first: Date, last: Date) -> String {
    let as_of = first.midnight().assume_offset(BEIJING);
    let days = Period::days(first, last, as_of)
        .map(|p| jiban_letters::period_text(&p))
        .unwrap_or_default();
    match kind {
        "week" => format!("{days}（第{}周）", first.iso_week()),
        "month" => format!("{}年{}月", first.year(), u8::from(first.month())),
        "quarter" => format!(
            "{}年第{}季度",
            first.year(),
            ["一", "二", "三", "四"][usize::from((u8::from(first.month()) - 1) / 3)]
        ),
        _ => days,
    }
}

fn parse_fact(r: jiban_store::assessment::AssessmentFactRow, paused: i64) -> Option<UnitCaseFacts> {
    Some(UnitCaseFacts {
        case_id: r.case_id,
        assignment_id: r.assignment_id,
        unit_id: r.unit_id,
        role: AssignmentRole::parse(&r.role).ok()?,
        state: AssignmentState::parse(&r.state).ok()?,
        case_state: CaseState::parse(&r.case_state).ok()?,
        received_at: r.received_at,
        sign_by: r.sign_by,
        signed_at: r.signed_at,
        due_at: r.due_at,
        replied_at: r.replied_at,
        ended_at: r.ended_at,
        closed_at: r.closed_at,
        reworks: u32::try_from(r.reworks).unwrap_or(0),
        rating: r
            .rating
            .as_deref()
            .and_then(|s| Satisfaction::parse(s).ok()),
        rated_at: r.rated_at,
        paused_minutes: paused,
        paused_since: r.paused_at,
        exempted: r.exempted,
        merged_into: r.merged_into,
    })
}

/// The facts of a zone for a period: every assignment that may count, with the working minutes
/// of the pauses that ended between its dispatch and its answer (or `as_of`).
pub async fn facts(store: &Store, zone_id: Uuid, period: &Period) -> ApiResult<Vec<UnitCaseFacts>> {
    let rows = store
        .assessment_facts(zone_id, period.from, period.to)
        .await?;
    let since = rows
        .iter()
        .map(|r| r.received_at)
        .min()
        .unwrap_or(period.from);
    let mut resumes: HashMap<Uuid, Vec<(OffsetDateTime, i64)>> = HashMap::new();
    for e in store.resume_events(zone_id, since).await? {
        let minutes = serde_json::from_str::<serde_json::Value>(&e.detail)
            .ok()
            .and_then(|v| v["paused_working_minutes"].as_i64())
            .unwrap_or(0);
        resumes.entry(e.case_id).or_default().push((e.at, minutes));
    }
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let end = r.replied_at.unwrap_or(period.as_of);
            let paused = resumes.get(&r.case_id).map_or(0, |v| {
                v.iter()
                    .filter(|(at, _)| *at >= r.received_at && *at <= end)
                    .map(|(_, m)| m)
                    .sum()
            });
            parse_fact(r, paused)
        })
        .collect())
}

/// The units that are assessed: departments, streets, communities and villages, active.
async fn assessed_units(store: &Store, zone_id: Uuid) -> ApiResult<Vec<(Uuid, String, UnitKind)>> {
    Ok(store
        .org_units(zone_id)
        .await?
        .into_iter()
        .filter(|u| u.active)
        .filter_map(|u| {
            let kind = UnitKind::parse(&u.kind).ok()?;
            matches!(
                kind,
                UnitKind::Department | UnitKind::Street | UnitKind::Community | UnitKind::Village
            )
            .then_some((u.id, u.name, kind))
        })
        .collect())
}

/// What to take a snapshot of.
pub struct SnapshotRequest {
    pub kind: String,
    pub first: Date,
    pub last: Date,
    pub as_of: OffsetDateTime,
    pub trigger: &'static str,
    pub corrects: Option<Uuid>,
    pub reason: Option<String>,
}

/// Computes and stores a snapshot; returns its id. The audit row is written in the same
/// transaction.
pub async fn take_snapshot(
    state: &AppState,
    zone_id: Uuid,
    req: SnapshotRequest,
    actor: &Actor,
) -> ApiResult<Uuid> {
    let store = &state.store;
    let settings = settings(store, zone_id).await?;
    let cal = calendar(state, zone_id).await?;
    let period = Period::days(req.first, req.last, req.as_of)?;
    let facts = facts(store, zone_id, &period).await?;
    let mut by_unit = metrics_by_unit(&facts, &period, &settings.weights, &cal);
    let units = assessed_units(store, zone_id).await?;
    for (id, _, _) in &units {
        by_unit
            .entry(*id)
            .or_insert_with(|| unit_metrics(&[], &period, &settings.weights, &cal));
    }
    // the ranks of the standing snapshot of the same kind before this period
    let previous: HashMap<Uuid, u32> = match store
        .standing_snapshots(zone_id, &req.kind, req.first, 1)
        .await?
        .first()
    {
        Some(s) => store
            .snapshot_rows(s.id, false)
            .await?
            .into_iter()
            .filter_map(|r| Some((r.unit_id, u32::try_from(r.rank?).ok()?)))
            .collect(),
        None => HashMap::new(),
    };
    let input: Vec<(Uuid, UnitKind, &UnitMetrics, Option<u32>)> = units
        .iter()
        .map(|(id, _, kind)| (*id, *kind, &by_unit[id], previous.get(id).copied()))
        .collect();
    let names: HashMap<Uuid, &str> = units.iter().map(|(id, n, _)| (*id, n.as_str())).collect();
    let ranked = rank(&input);
    let mut rows = Vec::with_capacity(ranked.len());
    for r in ranked {
        let m = &by_unit[&r.unit_id];
        rows.push(SnapshotUnitRow {
            unit_id: r.unit_id,
            unit_name: names
                .get(&r.unit_id)
                .copied()
                .unwrap_or_default()
                .to_string(),
            unit_kind: r.kind.as_str().into(),
            grp: r.group.as_str().into(),
            rank: r.rank.map(i64::from),
            of_count: i64::from(r.of),
            score: r.score,
            previous_rank: r.previous_rank.map(i64::from),
            movement: r
                .movement
                .map(|mv| serde_json::to_string(&mv).unwrap_or_default()),
            tied: r.tied,
            metrics: serde_json::to_string(m).map_err(|e| AppError::Internal(e.into()))?,
        });
    }
    let weights =
        serde_json::to_value(settings.weights).map_err(|e| AppError::Internal(e.into()))?;
    let mut tx = store.begin().await?;
    let id = tx
        .insert_snapshot(
            &NewSnapshot {
                zone_id,
                kind: req.kind.clone(),
                period_from: req.first,
                period_to: req.last,
                as_of: req.as_of,
                trigger_kind: req.trigger.into(),
                corrects: req.corrects,
                correction_reason: req.reason.clone(),
                weights,
                created_by: actor.id,
            },
            &rows,
        )
        .await
        .map_err(|e| match e {
            jiban_store::StoreError::Duplicate { .. } if req.corrects.is_some() => {
                AppError::Transition {
                    code: "assessment.already_corrected",
                    message: "该排名快照已被更正，请更正最新的快照".into(),
                }
            }
            e => e.into(),
        })?;
    tx.audit(
        actor,
        NewAudit {
            zone_id,
            action: if req.corrects.is_some() {
                "assessment.snapshot.correct"
            } else {
                "assessment.snapshot.create"
            },
            target_type: "assessment_snapshot",
            target_id: Some(id),
            detail: json!({ "kind": req.kind, "from": req.first.to_string(), "to": req.last.to_string(),
                "trigger": req.trigger, "corrects": req.corrects, "reason": req.reason, "units": rows.len() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A snapshot's standing per unit: `(rank, of)` by unit id.
async fn standings(store: &Store, snapshot_id: Uuid) -> ApiResult<HashMap<Uuid, Standing>> {
    Ok(store
        .snapshot_rows(snapshot_id, false)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.unit_id,
                Standing {
                    rank: r.rank.and_then(|x| u32::try_from(x).ok()),
                    of: u32::try_from(r.of_count).unwrap_or(0),
                },
            )
        })
        .collect())
}

/// Issues the letters a snapshot earns (once per snapshot). Returns the ids of the new letters.
pub async fn issue_letters(
    state: &AppState,
    zone_id: Uuid,
    snap: &SnapshotRow,
    actor: &Actor,
) -> ApiResult<Vec<Uuid>> {
    let store = &state.store;
    if snap.letters > 0 {
        return Err(AppError::Transition {
            code: "assessment.letters_issued",
            message: "该排名快照的函件已生成".into(),
        });
    }
    let settings = settings(store, zone_id).await?;
    let cal = calendar(state, zone_id).await?;
    let rows = store.snapshot_rows(snap.id, true).await?;
    let mut history: Vec<HashMap<Uuid, Standing>> = Vec::new();
    for s in store
        .standing_snapshots(zone_id, &snap.kind, snap.period_from, 6)
        .await?
    {
        history.push(standings(store, s.id).await?);
    }
    let label = period_label(&snap.kind, snap.period_from, snap.period_to);
    let now = jiban_store::now();
    let today = now.to_offset(BEIJING).date();
    let mut decisions = Vec::new();
    for r in &rows {
        let Ok(m) = serde_json::from_str::<UnitMetrics>(&r.metrics) else {
            continue;
        };
        let mut h = vec![Standing {
            rank: r.rank.and_then(|x| u32::try_from(x).ok()),
            of: u32::try_from(r.of_count).unwrap_or(0),
        }];
        for past in &history {
            // a unit missing from an earlier snapshot breaks the streak
            h.push(
                past.get(&r.unit_id)
                    .copied()
                    .unwrap_or(Standing { rank: None, of: 0 }),
            );
        }
        if let Some(d) = letter_tier(&h, &m, &settings.letter_rules) {
            decisions.push((r, m, d));
        }
    }
    let mut tx = store.begin().await?;
    let mut ids = Vec::new();
    for (r, m, d) in decisions {
        let seq = tx
            .next_letter_seq(zone_id, settings.doc_prefix.trim(), today.year())
            .await?;
        let doc_no = jiban_assess::format_doc_no(settings.doc_prefix.trim(), today.year(), seq)?;
        let (answer_due, rectify_by) = match d.rectify_days {
            Some(days) => {
                let due = rectification_due(&cal, now, days);
                (due, Some(due.to_offset(BEIJING).date()))
            }
            None => (rectification_due(&cal, now, settings.answer_days), None),
        };
        let letter = jiban_letters::Letter::compose(jiban_letters::LetterFacts {
            tier: d.tier,
            issuer: settings.issuer.clone(),
            signer: settings.issuer.clone(),
            doc_no: doc_no.clone(),
            unit: r.unit_name.clone(),
            period: jiban_letters::period_text(&m.period),
            reason: d.reason.clone(),
            metrics: jiban_letters::metrics_text(&m),
            date: today,
            rectify_by,
            cc: None,
        })
        .map_err(|e| AppError::Internal(anyhow::anyhow!("letter: {e}")))?;
        let id = tx
            .insert_letter(&NewLetter {
                zone_id,
                snapshot_id: snap.id,
                unit_id: r.unit_id,
                tier: d.tier.as_str().into(),
                doc_no: doc_no.clone(),
                reason: d.reason.clone(),
                period_label: label.clone(),
                letter: serde_json::to_string(&letter).map_err(|e| AppError::Internal(e.into()))?,
                issued_at: now,
                issued_by: actor.id,
                answer_due,
                rectify_by,
            })
            .await?;
        tx.notify(
            zone_id,
            None,
            Some(r.unit_id),
            None,
            "letter",
            &format!("收到{}：{doc_no}", d.tier.label()),
            &format!("{label}考核：{}。请签收并答复整改措施。", d.reason),
        )
        .await?;
        tx.audit(
            actor,
            NewAudit {
                zone_id,
                action: "letter.issue",
                target_type: "warning_letter",
                target_id: Some(id),
                detail: json!({ "doc_no": doc_no, "tier": d.tier.as_str(), "unit_id": r.unit_id,
                    "snapshot_id": snap.id, "reason": d.reason }),
            },
        )
        .await?;
        ids.push(id);
    }
    tx.commit().await?;
    Ok(ids)
}

/// Escalates unanswered letters past their deadline (once each): the supervisors' inbox and the
/// parent unit's. Returns how many were escalated.
pub async fn escalate_letters(store: &Store, at: OffsetDateTime) -> ApiResult<usize> {
    let mut n = 0;
    for l in store.letters_to_escalate(at).await? {
        let mut tx = store.begin().await?;
        if !tx.mark_letter_escalated(l.id).await? {
            continue;
        }
        let tier = LetterTier::ALL
            .into_iter()
            .find(|t| t.as_str() == l.tier)
            .map_or("函件", |t| t.label());
        let title = format!("{tier}逾期未答复：{}（{}）", l.doc_no, l.unit_name);
        let body = format!(
            "答复期限 {}，请督促整改。",
            l.answer_due.to_offset(BEIJING).date()
        );
        for u in store.users_with_role(l.zone_id, "supervisor").await? {
            tx.notify(
                l.zone_id,
                Some(u.id),
                None,
                None,
                "letter_overdue",
                &title,
                &body,
            )
            .await?;
        }
        if let Some(parent) = l.parent_id {
            tx.notify(
                l.zone_id,
                None,
                Some(parent),
                None,
                "letter_overdue",
                &title,
                &body,
            )
            .await?;
        }
        tx.audit(
            &Actor::system(),
            NewAudit {
                zone_id: l.zone_id,
                action: "letter.escalate",
                target_type: "warning_letter",
                target_id: Some(l.id),
                detail: json!({ "doc_no": l.doc_no, "answer_due": l.answer_due }),
            },
        )
        .await?;
        tx.commit().await?;
        n += 1;
    }
    Ok(n)
}

/// The scheduled part, run every few minutes by one node (lease): at the zone's hour on its day,
/// the snapshot of last week (and on the first such run of a month, of last month; of a quarter,
/// of last quarter) is taken once, and the weekly one's letters issued; overdue answers escalate.
pub async fn scheduled(state: &AppState, now: OffsetDateTime) -> ApiResult<usize> {
    let store = &state.store;
    let mut taken = 0;
    for zone in store.zones().await? {
        let s = settings(store, zone.id).await?;
        let local = now.to_offset(BEIJING);
        let today = local.date();
        if local.hour() < s.schedule.hour
            || today.weekday().number_from_monday() != s.schedule.weekday
        {
            continue;
        }
        for kind in ["week", "month", "quarter"] {
            let Some((first, last)) = last_complete(kind, today) else {
                continue;
            };
            let exists = store
                .snapshots(zone.id, Some(kind), 5)
                .await?
                .iter()
                .any(|x| x.trigger_kind == "scheduled" && x.period_from == first);
            if exists {
                continue;
            }
            let req = SnapshotRequest {
                kind: kind.into(),
                first,
                last,
                as_of: now,
                trigger: "scheduled",
                corrects: None,
                reason: None,
            };
            let id = match take_snapshot(state, zone.id, req, &Actor::system()).await {
                Ok(id) => id,
                // another node took it between the check and the write
                Err(AppError::Conflict { .. }) => continue,
                Err(e) => return Err(e),
            };
            taken += 1;
            if kind == "week"
                && let Some(snap) = store.snapshot(zone.id, id).await?
            {
                issue_letters(state, zone.id, &snap, &Actor::system()).await?;
            }
        }
    }
    escalate_letters(store, now).await?;
    Ok(taken)
}

pub async fn run_forever(state: AppState, every: std::time::Duration) {
    let holder = jiban_store::new_id().to_string();
    // first run a minute after the start: the demo loads and the sweep settles first
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tick.tick().await;
        let ttl = time::Duration::seconds(every.as_secs() as i64 * 2 + 60);
        match state.store.try_lease("assessment", &holder, ttl).await {
            Ok(true) => match scheduled(&state, jiban_store::now()).await {
                Ok(n) if n > 0 => tracing::info!(snapshots = n, "assessment snapshots taken"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "assessment job failed"),
            },
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "assessment lease failed"),
        }
    }
}

/// Labels of the ranking groups.
pub fn group_label(group: &str) -> &'static str {
    match group {
        "department" => "部门",
        "street" => "街道",
        "community" => "社区",
        _ => "其他",
    }
}

/// A movement stored as JSON back to its value.
pub fn movement_of(s: Option<&str>) -> Option<Movement> {
    s.and_then(|s| serde_json::from_str(s).ok())
}

/// The group of a unit kind string (`village` ranks with communities).
pub fn group_of(kind: &str) -> String {
    UnitKind::parse(kind)
        .map(|k| rank_group(k).as_str().to_string())
        .unwrap_or_else(|_| kind.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn last_complete_periods() {
        let wed = date!(2026 - 11 - 25);
        assert_eq!(
            last_complete("week", wed),
            Some((date!(2026 - 11 - 16), date!(2026 - 11 - 22)))
        );
        assert_eq!(
            last_complete("week", date!(2026 - 11 - 23)),
            Some((date!(2026 - 11 - 16), date!(2026 - 11 - 22)))
        );
        assert_eq!(
            last_complete("month", wed),
            Some((date!(2026 - 10 - 01), date!(2026 - 10 - 31)))
        );
        assert_eq!(
            last_complete("month", date!(2026 - 01 - 05)),
            Some((date!(2025 - 12 - 01), date!(2025 - 12 - 31)))
        );
        assert_eq!(
            last_complete("quarter", wed),
            Some((date!(2026 - 07 - 01), date!(2026 - 09 - 30)))
        );
        assert_eq!(
            last_complete("quarter", date!(2026 - 02 - 01)),
            Some((date!(2025 - 10 - 01), date!(2025 - 12 - 31)))
        );
        assert_eq!(last_complete("custom", wed), None);
    }

    #[test]
    fn labels() {
        assert_eq!(
            period_label("week", date!(2026 - 11 - 16), date!(2026 - 11 - 22)),
            "2026年11月16日至11月22日（第47周）"
        );
        assert_eq!(
            period_label("month", date!(2026 - 10 - 01), date!(2026 - 10 - 31)),
            "2026年10月"
        );
        assert_eq!(
            period_label("quarter", date!(2026 - 07 - 01), date!(2026 - 09 - 30)),
            "2026年第三季度"
        );
    }

    #[test]
    fn settings_are_checked_with_the_field() {
        let mut s = AssessmentSettings::default_for("云岭经济技术开发区");
        assert!(s.validate().is_ok());
        assert_eq!(s.issuer, "云岭经济技术开发区管理委员会督查室");
        assert_eq!(
            AssessmentSettings::default_for("云岭经济技术开发区管理委员会").issuer,
            "云岭经济技术开发区管理委员会督查室"
        );
        s.doc_prefix = "经开[督]".into();
        match s.validate() {
            Err(AppError::Invalid { field, .. }) => {
                assert_eq!(field.as_deref(), Some("doc_prefix"))
            }
            other => panic!("{other:?}"),
        }
        s.doc_prefix = "经开督".into();
        s.schedule.hour = 24;
        match s.validate() {
            Err(AppError::Invalid { field, .. }) => {
                assert_eq!(field.as_deref(), Some("schedule.hour"))
            }
            other => panic!("{other:?}"),
        }
    }
}
