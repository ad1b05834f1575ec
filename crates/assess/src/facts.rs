//! The input: one row per (case, unit assignment) — [`UnitCaseFacts`] — and the assessment
//! [`Period`].

use jiban_core::DomainError;
use jiban_core::calendar::{BEIJING, WorkCalendar};
use jiban_core::case::{AssignmentRole, AssignmentState, CaseState, Satisfaction};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime};
use uuid::Uuid;

/// The id of an organisational unit (`org_units.id`).
pub type UnitId = Uuid;

/// One unit's part in one case: a row of `case_assignments` joined with its case, as the store
/// produces it for the assessment. A unit dispatched twice to the same case (returned, then sent
/// back to it) has two rows.
///
/// The crate never reads the clock: every “now” is [`Period::as_of`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitCaseFacts {
    /// `cases.id`.
    pub case_id: Uuid,
    /// `case_assignments.id`.
    pub assignment_id: Uuid,
    /// `case_assignments.unit_id`.
    pub unit_id: UnitId,
    /// 主办 / 协办 (`case_assignments.role`).
    pub role: AssignmentRole,
    /// The assignment's state now (`case_assignments.state`): `returned` is 退单 by this unit;
    /// `cancelled` is 改派, 督查裁定 or the end of the case.
    pub state: AssignmentState,
    /// The case's state now (`cases.state`).
    pub case_state: CaseState,
    /// When the case was dispatched to this unit (派单 / 改派; `case_assignments.created_at`).
    pub received_at: OffsetDateTime,
    /// 签收 deadline (`case_assignments.sign_by`). Pauses never move it.
    pub sign_by: OffsetDateTime,
    /// 签收 (`case_assignments.signed_at`).
    pub signed_at: Option<OffsetDateTime>,
    /// 办理 deadline as stored (`case_assignments.due_at`). The engine has already moved it by
    /// every approved extension (延期) and by every **finished** pause (恢复办理 adds the stopped
    /// working minutes), and reset it on a rework (重办). The crate adds nothing for those; it
    /// only extends it by a pause still open at [`Period::as_of`] (see
    /// [`effective_due`](Self::effective_due)).
    pub due_at: OffsetDateTime,
    /// This unit's last reply (答复, `case_assignments.replied_at`). Stale when the case came back
    /// to the unit afterwards (核查不通过, 重办): see [`standing_reply`](Self::standing_reply).
    pub replied_at: Option<OffsetDateTime>,
    /// When the assignment stopped being active (`case_assignments.ended_at`): 退回, 改派,
    /// 督查裁定, 并单.
    pub ended_at: Option<OffsetDateTime>,
    /// When the case was closed (`cases.closed_at`; also set on 并单).
    pub closed_at: Option<OffsetDateTime>,
    /// Reworks of the case so far (`cases.reworks`, 重办 after a first 不满意).
    pub reworks: u32,
    /// The case's latest rating (`cases.rating`).
    pub rating: Option<Satisfaction>,
    /// When it was given (`cases.rated_at`).
    pub rated_at: Option<OffsetDateTime>,
    /// Working minutes the case was stopped (挂起 / 挂账) by pauses that ended between
    /// `received_at` and the reply — the sum of `paused_working_minutes` of the 恢复办理 events
    /// in that span. Subtracted from the handling time only (the deadline already moved).
    pub paused_minutes: i64,
    /// Start of a pause still open (`cases.paused_at`), if the case is paused or parked now.
    pub paused_since: Option<OffsetDateTime>,
    /// A supervisor exempted the case from the assessment (免于考核), with the reason (e.g.
    /// 诉求人要求明显不合理). The row is excluded from every figure and listed.
    pub exempted: Option<String>,
    /// The case was merged into this master case (并单, `cases.merged_into`): a duplicate, excluded
    /// from every figure and listed; the master counts.
    pub merged_into: Option<Uuid>,
}

impl UnitCaseFacts {
    /// 主办.
    pub fn is_lead(&self) -> bool {
        self.role == AssignmentRole::Lead
    }

    /// 退单: this unit returned the case (assignment state `returned`).
    pub fn returned(&self) -> bool {
        self.state == AssignmentState::Returned
    }

    /// Whether this unit held the case as its lead at `t`: dispatched to it by then and not yet
    /// ended (an assignment ended at exactly `t` — a supervisor closing the case — still held it).
    pub fn held_at(&self, t: OffsetDateTime) -> bool {
        self.is_lead() && self.received_at <= t && self.ended_at.is_none_or(|e| t <= e)
    }

    /// The instant the lead unit answered the case, if that answer still stands: the assignment
    /// is `replied` (awaiting 核查 / 评价, closed, or in supervisor review), or a supervisor closed
    /// the case with it (assignment cancelled at `closed_at`). `None` for an assisting unit, a
    /// unit that never answered, and a stale answer (核查不通过 or 重办 sent the case back).
    pub fn standing_reply(&self) -> Option<OffsetDateTime> {
        if !self.is_lead() {
            return None;
        }
        let r = self.replied_at?;
        match self.state {
            AssignmentState::Replied => Some(r),
            AssignmentState::Cancelled
                if self.case_state == CaseState::Closed
                    && self.closed_at.is_some()
                    && self.ended_at == self.closed_at =>
            {
                Some(r)
            }
            _ => None,
        }
    }

    /// The deadline as it stands at `as_of`: `due_at`, moved by the working minutes of a pause
    /// still open at `as_of` (exactly what 恢复办理 would do at that instant).
    pub fn effective_due(&self, as_of: OffsetDateTime, cal: &WorkCalendar) -> OffsetDateTime {
        match (self.case_state, self.paused_since) {
            (CaseState::Paused | CaseState::Parked, Some(since)) if self.ended_at.is_none() => {
                let stopped = cal.working_minutes_between(since, as_of).max(0);
                cal.add_working_minutes(self.due_at, stopped.unsigned_abs())
            }
            _ => self.due_at,
        }
    }

    /// 当前超期: at `as_of` the unit holds the case as its lead, has no standing answer, and the
    /// [effective deadline](Self::effective_due) has passed. Assisting units are never counted.
    pub fn overdue_at(&self, as_of: OffsetDateTime, cal: &WorkCalendar) -> bool {
        self.is_lead()
            && self.ended_at.is_none()
            && self.state.is_active()
            && !self.case_state.is_terminal()
            && self.standing_reply().is_none()
            && self.effective_due(as_of, cal) < as_of
    }

    /// Whether any instant of the row falls in `period` (used to list the excluded rows).
    pub(crate) fn touches(&self, period: &Period) -> bool {
        [
            Some(self.received_at),
            self.signed_at,
            Some(self.due_at),
            self.replied_at,
            self.ended_at,
            self.closed_at,
            self.rated_at,
        ]
        .into_iter()
        .flatten()
        .any(|t| period.contains(t))
    }
}

/// An assessment period `[from, to)` as seen at `as_of` (the instant the facts were read). For a
/// finished period `as_of ≥ to`; for the period in progress (an on-demand ranking) `as_of < to`,
/// and deadlines after `as_of` are not yet due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    #[serde(with = "time::serde::rfc3339")]
    pub from: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub to: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub as_of: OffsetDateTime,
}

impl Period {
    /// `[from, to)` seen at `as_of`. Error `validation.period` (field `period`) unless
    /// `from < to`.
    pub fn new(
        from: OffsetDateTime,
        to: OffsetDateTime,
        as_of: OffsetDateTime,
    ) -> Result<Period, DomainError> {
        if from >= to {
            return Err(DomainError::new(
                "period",
                "validation.period",
                "考核期的结束时间应晚于开始时间",
            ));
        }
        Ok(Period { from, to, as_of })
    }

    /// The calendar days `first ..= last` (Beijing time) — a custom period.
    pub fn days(first: Date, last: Date, as_of: OffsetDateTime) -> Result<Period, DomainError> {
        let to = last.next_day().unwrap_or(Date::MAX);
        Period::new(midnight(first), midnight(to), as_of)
    }

    /// The week (Monday 00:00 to the next Monday 00:00, Beijing time) that contains `day`.
    pub fn week(day: Date, as_of: OffsetDateTime) -> Result<Period, DomainError> {
        let monday = day - Duration::days(i64::from(day.weekday().number_days_from_monday()));
        Period::new(
            midnight(monday),
            midnight(monday + Duration::days(7)),
            as_of,
        )
    }

    /// The calendar month `month` (1–12) of `year`.
    pub fn month(year: i32, month: u8, as_of: OffsetDateTime) -> Result<Period, DomainError> {
        let bad = || {
            DomainError::new(
                "period",
                "validation.period",
                format!("月份应为 1 到 12（当前 {month}）"),
            )
        };
        let m = Month::try_from(month).map_err(|_| bad())?;
        let first = Date::from_calendar_date(year, m, 1).map_err(|_| bad())?;
        let next = match m {
            Month::December => Date::from_calendar_date(year + 1, Month::January, 1),
            _ => Date::from_calendar_date(year, m.next(), 1),
        }
        .map_err(|_| bad())?;
        Period::new(midnight(first), midnight(next), as_of)
    }

    /// The quarter `quarter` (1–4) of `year`.
    pub fn quarter(year: i32, quarter: u8, as_of: OffsetDateTime) -> Result<Period, DomainError> {
        if !(1..=4).contains(&quarter) {
            return Err(DomainError::new(
                "period",
                "validation.period",
                format!("季度应为 1 到 4（当前 {quarter}）"),
            ));
        }
        let first = Period::month(year, quarter * 3 - 2, as_of)?;
        let last = Period::month(year, quarter * 3, as_of)?;
        Period::new(first.from, last.to, as_of)
    }

    /// `from ≤ t < to`.
    pub fn contains(&self, t: OffsetDateTime) -> bool {
        self.from <= t && t < self.to
    }
}

fn midnight(d: Date) -> OffsetDateTime {
    d.midnight().assume_offset(BEIJING)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn period_constructors() {
        let now = datetime!(2025-10-20 08:00 +8);
        let w = Period::week(date!(2025 - 10 - 15), now).unwrap();
        assert_eq!(w.from, datetime!(2025-10-13 00:00 +8));
        assert_eq!(w.to, datetime!(2025-10-20 00:00 +8));
        let m = Period::month(2025, 12, now).unwrap();
        assert_eq!(m.to, datetime!(2026-01-01 00:00 +8));
        let q = Period::quarter(2025, 4, now).unwrap();
        assert_eq!(q.from, datetime!(2025-10-01 00:00 +8));
        assert_eq!(q.to, datetime!(2026-01-01 00:00 +8));
        let d = Period::days(date!(2025 - 10 - 01), date!(2025 - 10 - 01), now).unwrap();
        assert!(d.contains(datetime!(2025-10-01 23:59 +8)));
        assert!(!d.contains(datetime!(2025-10-02 00:00 +8)));
        assert_eq!(Period::month(2025, 13, now).unwrap_err().field, "period");
        assert_eq!(
            Period::quarter(2025, 0, now).unwrap_err().code,
            "validation.period"
        );
        assert!(Period::days(date!(2025 - 10 - 02), date!(2025 - 10 - 01), now).is_err());
    }
}
