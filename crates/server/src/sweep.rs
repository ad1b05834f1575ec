//! The deadline sweep (期限巡查). Runs every few minutes on whichever app node holds the lease,
//! and is idempotent: each (assignment, kind) is acted on once, recorded in `sweep_marks` in the same
//! transaction as the event and the messages, so two nodes racing produce one reminder.
//!
//! For every active assignment of a running case:
//! - unsigned past its sign-in limit → 签收超时 reminder to the unit;
//! - lead unit within one working day (one office day, 7 h by default) of its deadline → 临期 reminder, case
//!   marked `due_soon`;
//! - past the deadline → 超期 催办 to the unit, case marked `overdue`;
//! - one working day past → escalated to the unit's heads (inbox + SMS via the outbox);
//! - three working days past → escalated up the org tree: the heads of the parent unit, or the
//!   zone's leaders when the unit sits directly under the zone.
//!
//! Supervision orders past their deadline and not acknowledged are escalated to the zone's leaders.
//! Parked (挂账) cases whose review date has come are put before the dispatchers again.

use crate::casework::zone_calendar;
use jiban_core::calendar::OfficeHours;
use jiban_core::calendar::{BEIJING, WorkCalendar};
use jiban_store::supervision::SweepCandidate;
use jiban_store::{Store, now as store_now};
use serde_json::json;
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub sign_overdue: usize,
    pub due_soon: usize,
    pub overdue: usize,
    pub escalated_to_head: usize,
    pub escalated_up: usize,
    pub orders_escalated: usize,
    pub parked_reviews: usize,
}

const ACTOR: &str = "系统（期限巡查）";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    SignOverdue,
    DueSoon,
    Overdue,
    EscalateHead,
    EscalateUp,
}

impl Kind {
    fn mark(self) -> &'static str {
        match self {
            Kind::SignOverdue => "sign_overdue",
            Kind::DueSoon => "due_soon",
            Kind::Overdue => "overdue",
            Kind::EscalateHead => "escalate_head",
            Kind::EscalateUp => "escalate_up",
        }
    }
}

/// Which reminders are due for one assignment at `now` (pure: tested without a database).
fn due_kinds(
    cal: &WorkCalendar,
    c: &SweepCandidate,
    marks: &[String],
    now: OffsetDateTime,
) -> Vec<Kind> {
    let now_b = now.to_offset(BEIJING);
    let due = c.due_at.to_offset(BEIJING);
    let lead = c.role == "lead";
    // one working day = the length of the office day (7 h by default)
    let day = cal.office_hours().per_day().whole_minutes().max(60);
    let mut out = Vec::new();
    if c.state == "pending" && now > c.sign_by {
        out.push(Kind::SignOverdue);
    }
    if now <= c.due_at {
        if lead && cal.working_minutes_between(now_b, due) <= day {
            out.push(Kind::DueSoon);
        }
    } else {
        out.push(Kind::Overdue);
        if lead && now_b > cal.add_working_minutes(due, day as u64) {
            out.push(Kind::EscalateHead);
        }
        if lead && now_b > cal.add_working_minutes(due, 3 * day as u64) {
            out.push(Kind::EscalateUp);
        }
    }
    out.retain(|k| !marks.iter().any(|m| m == k.mark()));
    out
}

/// One pass of the sweep at `now`.
pub async fn sweep(
    store: &Store,
    hours: &OfficeHours,
    now: OffsetDateTime,
) -> anyhow::Result<SweepReport> {
    let mut report = SweepReport::default();
    let default_cal = WorkCalendar::china_default();
    // the widest window any zone's calendar could need: one working day ahead, plus slack for a
    // zone's own office hours; the exact test is per zone below
    let horizon = default_cal.add_working_hours(now.to_offset(BEIJING), 8) + Duration::days(2);
    let candidates = store.sweep_candidates(now, horizon, 5_000).await?;
    let mut calendars: HashMap<Uuid, WorkCalendar> = HashMap::new();
    for (c, marks) in candidates {
        let cal = match calendars.entry(c.zone_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let cal = zone_calendar(store, c.zone_id, hours)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                v.insert(cal)
            }
        };
        for kind in due_kinds(cal, &c, &marks, now) {
            if act(store, &c, kind).await? {
                match kind {
                    Kind::SignOverdue => report.sign_overdue += 1,
                    Kind::DueSoon => report.due_soon += 1,
                    Kind::Overdue => report.overdue += 1,
                    Kind::EscalateHead => report.escalated_to_head += 1,
                    Kind::EscalateUp => report.escalated_up += 1,
                }
            }
        }
    }
    for o in store.overdue_supervision_orders(now).await? {
        let mut tx = store.begin().await?;
        if !tx.escalate_supervision_order(o.id).await? {
            continue;
        }
        let mut case = tx.lock_case(o.zone_id, o.case_id).await?;
        let text = format!(
            "督办超期未签收：{} {}（{}）",
            case.case_no,
            case.title,
            o.unit_name.clone().unwrap_or_default()
        );
        let leaders = store.users_with_role(o.zone_id, "leader").await?;
        tx.alert_people(
            o.zone_id,
            leaders,
            case.id,
            "case.escalation",
            &format!("【即办】{text}"),
        )
        .await?;
        let state = case.state.clone();
        tx.append_event(
            &mut case,
            None,
            ACTOR,
            "supervision_overdue",
            Some(&state),
            json!({ "order_id": o.id }),
        )
        .await?;
        tx.save_case(&case).await?;
        tx.commit().await?;
        report.orders_escalated += 1;
    }
    // 挂账 cases whose review date has come: remind the dispatchers, once per review date
    let today = now.to_offset(BEIJING).date();
    for (zone_id, case_id, case_no, title, review_on) in store.parked_due_for_review(today).await? {
        let mut tx = store.begin().await?;
        let mut case = tx.lock_case(zone_id, case_id).await?;
        let key = format!("review:{review_on}");
        let assignment = tx
            .assignments(case_id)
            .await?
            .into_iter()
            .find(|a| a.role == "lead");
        let Some(lead) = assignment else { continue };
        if !tx.add_sweep_mark(lead.id, &key).await? {
            continue;
        }
        let text = format!("挂账诉求到期复核：{case_no} {title}（复核日期 {review_on}）");
        for d in store.users_with_role(zone_id, "dispatcher").await? {
            tx.notify(
                zone_id,
                Some(d.id),
                None,
                Some(case_id),
                "case.review_due",
                &text,
                "",
            )
            .await?;
        }
        let state = case.state.clone();
        tx.append_event(
            &mut case,
            None,
            ACTOR,
            "review_due",
            Some(&state),
            json!({ "review_on": review_on.to_string() }),
        )
        .await?;
        tx.save_case(&case).await?;
        tx.commit().await?;
        report.parked_reviews += 1;
    }
    Ok(report)
}

/// Acts on one (assignment, kind) in one transaction; false if another pass already did.
async fn act(store: &Store, c: &SweepCandidate, kind: Kind) -> anyhow::Result<bool> {
    let mut tx = store.begin().await?;
    if !tx.add_sweep_mark(c.assignment_id, kind.mark()).await? {
        return Ok(false);
    }
    let mut case = tx.lock_case(c.zone_id, c.case_id).await?;
    let unit_name = store
        .org_unit(c.unit_id)
        .await?
        .map(|u| u.name)
        .unwrap_or_default();
    let label = format!("{} {}", case.case_no, case.title);
    let (action, alert, recipients_title) = match kind {
        Kind::SignOverdue => (
            "sign_overdue",
            None,
            format!("签收超时，请立即签收：{label}"),
        ),
        Kind::DueSoon => (
            "due_soon",
            Some("due_soon"),
            format!("临期提醒（不足 1 个工作日）：{label}"),
        ),
        Kind::Overdue => (
            "overdue",
            Some("overdue"),
            format!("已超期，请加快办理：{label}"),
        ),
        Kind::EscalateHead => (
            "escalate",
            Some("overdue"),
            format!("超期 1 个工作日，已上报部门负责人：{label}"),
        ),
        Kind::EscalateUp => (
            "escalate",
            Some("overdue"),
            format!("超期 3 个工作日，已上报上级：{label}"),
        ),
    };
    tx.notify(
        c.zone_id,
        None,
        Some(c.unit_id),
        Some(case.id),
        "case.reminder",
        &recipients_title,
        "",
    )
    .await?;
    let mut escalated_to = Vec::new();
    match kind {
        Kind::EscalateHead => {
            let text = format!("【即办】{unit_name}承办的 {label} 已超期，请督促办理。");
            let heads = store.unit_heads(c.unit_id).await?;
            escalated_to = tx
                .alert_people(c.zone_id, heads, case.id, "case.escalation", &text)
                .await?;
        }
        Kind::EscalateUp => {
            let parent = match c.unit_parent_id {
                Some(p) => store.org_unit(p).await?,
                None => None,
            };
            let up = match &parent {
                Some(p) if p.kind != "zone" => store.unit_heads(p.id).await?,
                _ => store.users_with_role(c.zone_id, "leader").await?,
            };
            let text = format!("【即办】{unit_name}承办的 {label} 已超期 3 个工作日，请关注。");
            escalated_to = tx
                .alert_people(c.zone_id, up, case.id, "case.escalation", &text)
                .await?;
        }
        _ => {}
    }
    let state = case.state.clone();
    let detail = json!({
        "kind": kind.mark(),
        "unit": unit_name,
        "role": c.role,
        "due_at": crate::casework::rfc3339(c.due_at),
        "escalated_to": escalated_to,
    });
    tx.append_event(&mut case, None, ACTOR, action, Some(&state), detail)
        .await?;
    tx.save_case(&case).await?;
    if let Some(a) = alert
        && c.role == "lead"
    {
        tx.set_case_alert(case.id, Some(a)).await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Runs the sweep every `every`, on the node that holds the lease.
pub async fn run_forever(store: Store, hours: OfficeHours, every: std::time::Duration) {
    let holder = jiban_store::new_id().to_string();
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let ttl = Duration::seconds(every.as_secs() as i64 * 2 + 30);
        match store.try_lease("case_sweep", &holder, ttl).await {
            Ok(true) => match sweep(&store, &hours, store_now()).await {
                Ok(r) if r != SweepReport::default() => tracing::info!(report = ?r, "case sweep"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "case sweep failed"),
            },
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "case sweep lease failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn cand(
        state: &str,
        role: &str,
        sign_by: OffsetDateTime,
        due_at: OffsetDateTime,
    ) -> SweepCandidate {
        SweepCandidate {
            assignment_id: Uuid::nil(),
            case_id: Uuid::nil(),
            zone_id: Uuid::nil(),
            unit_id: Uuid::nil(),
            unit_parent_id: None,
            role: role.into(),
            state: state.into(),
            sign_by,
            due_at,
        }
    }

    #[test]
    fn reminders_by_working_time() {
        let cal = WorkCalendar::china_default();
        // due Friday 2025-09-26 17:30; Thursday 10:00 is 5.5 h + 7 h = 12.5 working hours before it:
        // more than one working day (7 h), not yet due soon
        let c = cand(
            "signed",
            "lead",
            datetime!(2025-09-22 12:00 +8),
            datetime!(2025-09-26 17:30 +8),
        );
        assert!(due_kinds(&cal, &c, &[], datetime!(2025-09-25 10:00 +8)).is_empty());
        assert_eq!(
            due_kinds(&cal, &c, &[], datetime!(2025-09-26 09:00 +8)),
            [Kind::DueSoon]
        );
        // the weekend does not count; one working day after 09-26 17:30 ends on 09-28 17:30 (a
        // make-up Sunday), three end on 09-30 17:30, and the National Day week does not count
        assert_eq!(
            due_kinds(&cal, &c, &[], datetime!(2025-09-27 10:00 +8)),
            [Kind::Overdue]
        );
        assert_eq!(
            due_kinds(&cal, &c, &[], datetime!(2025-09-29 09:00 +8)),
            [Kind::Overdue, Kind::EscalateHead]
        );
        assert_eq!(
            due_kinds(
                &cal,
                &c,
                &["overdue".into(), "escalate_head".into()],
                datetime!(2025-10-09 12:00 +8)
            ),
            [Kind::EscalateUp]
        );
        // assisting units are reminded, not escalated
        let a = cand(
            "pending",
            "assist",
            datetime!(2025-09-22 12:00 +8),
            datetime!(2025-09-26 17:30 +8),
        );
        assert_eq!(
            due_kinds(&cal, &a, &[], datetime!(2025-10-09 12:00 +8)),
            [Kind::SignOverdue, Kind::Overdue]
        );
    }
}
