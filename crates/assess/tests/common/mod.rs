#![allow(dead_code)]
//! Hand-built rows. The week under assessment is Monday 2025-10-13 to Monday 2025-10-20 (five
//! ordinary working days after the National Day holidays), read on Monday 2025-10-20 08:00.

use jiban_assess::{Period, UnitCaseFacts};
use jiban_core::calendar::WorkCalendar;
use jiban_core::case::{
    AssignmentRole, AssignmentState, CaseState, Satisfaction, SlaRule, Urgency, deadlines,
};
use time::OffsetDateTime;
use time::macros::{date, datetime};
use uuid::Uuid;

pub const UNIT: u128 = 0xA;

pub fn cal() -> WorkCalendar {
    WorkCalendar::china_default()
}

pub fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// The week of 2025-10-13, read at 2025-10-20 08:00.
pub fn week() -> Period {
    Period::week(date!(2025 - 10 - 15), datetime!(2025-10-20 08:00 +8)).unwrap()
}

/// The week before.
pub fn last_week() -> Period {
    Period::week(date!(2025 - 10 - 08), datetime!(2025-10-20 08:00 +8)).unwrap()
}

/// A lead assignment of case `case` to [`UNIT`], dispatched at `at` under the default rule for
/// normal cases (sign within 4 working hours, handle within 5 working days); pending signature.
pub fn lead(case: u128, at: OffsetDateTime) -> UnitCaseFacts {
    let d = deadlines(&cal(), at, SlaRule::default_for(Urgency::Normal));
    UnitCaseFacts {
        case_id: id(case),
        assignment_id: id(case * 1000 + 1),
        unit_id: id(UNIT),
        role: AssignmentRole::Lead,
        state: AssignmentState::Pending,
        case_state: CaseState::Dispatched,
        received_at: at,
        sign_by: d.sign_by,
        signed_at: None,
        due_at: d.due_at,
        replied_at: None,
        ended_at: None,
        closed_at: None,
        reworks: 0,
        rating: None,
        rated_at: None,
        paused_minutes: 0,
        paused_since: None,
        exempted: None,
        merged_into: None,
    }
}

/// The same as an assisting unit.
pub fn assist(case: u128, at: OffsetDateTime) -> UnitCaseFacts {
    UnitCaseFacts {
        role: AssignmentRole::Assist,
        assignment_id: id(case * 1000 + 2),
        ..lead(case, at)
    }
}

/// Fluent changes of a row, in the order things happen.
pub trait Build: Sized {
    fn signed(self, at: OffsetDateTime) -> Self;
    fn due(self, at: OffsetDateTime) -> Self;
    fn replied(self, at: OffsetDateTime) -> Self;
    fn verify_failed(self) -> Self;
    fn verified(self) -> Self;
    fn rated(self, at: OffsetDateTime, level: Satisfaction) -> Self;
    fn supervisor_closed(self, at: OffsetDateTime) -> Self;
    fn returned_at(self, at: OffsetDateTime) -> Self;
    fn reassigned_at(self, at: OffsetDateTime) -> Self;
    fn paused(self, since: OffsetDateTime) -> Self;
    fn exempt(self, reason: &str) -> Self;
    fn merged_into(self, master: u128, at: OffsetDateTime) -> Self;
}

impl Build for UnitCaseFacts {
    fn signed(mut self, at: OffsetDateTime) -> Self {
        self.signed_at = Some(at);
        self.state = AssignmentState::Signed;
        if self.role == AssignmentRole::Lead {
            self.case_state = CaseState::Handling;
        }
        self
    }
    fn due(mut self, at: OffsetDateTime) -> Self {
        self.due_at = at;
        self
    }
    fn replied(mut self, at: OffsetDateTime) -> Self {
        self.replied_at = Some(at);
        self.state = AssignmentState::Replied;
        if self.role == AssignmentRole::Lead {
            self.case_state = CaseState::Replied;
        }
        self
    }
    fn verify_failed(mut self) -> Self {
        self.state = AssignmentState::Signed;
        self.case_state = CaseState::Handling;
        self
    }
    fn verified(mut self) -> Self {
        self.case_state = CaseState::PendingRating;
        self
    }
    /// 满意 / 基本满意 close the case; a first 不满意 sends it back (重办), a second to review.
    fn rated(mut self, at: OffsetDateTime, level: Satisfaction) -> Self {
        self.rating = Some(level);
        self.rated_at = Some(at);
        match level {
            Satisfaction::Satisfied | Satisfaction::Basic => {
                self.case_state = CaseState::Closed;
                self.closed_at = Some(at);
            }
            Satisfaction::Unsatisfied if self.reworks == 0 => {
                self.reworks = 1;
                self.state = AssignmentState::Signed;
                self.case_state = CaseState::Handling;
            }
            Satisfaction::Unsatisfied => self.case_state = CaseState::SupervisorReview,
        }
        self
    }
    fn supervisor_closed(mut self, at: OffsetDateTime) -> Self {
        self.case_state = CaseState::Closed;
        self.closed_at = Some(at);
        if self.state.is_active() {
            self.state = AssignmentState::Cancelled;
            self.ended_at = Some(at);
        }
        self
    }
    fn returned_at(mut self, at: OffsetDateTime) -> Self {
        self.state = AssignmentState::Returned;
        self.ended_at = Some(at);
        self.case_state = CaseState::PendingDispatch;
        self
    }
    fn reassigned_at(mut self, at: OffsetDateTime) -> Self {
        self.state = AssignmentState::Cancelled;
        self.ended_at = Some(at);
        self.case_state = CaseState::Dispatched;
        self
    }
    fn paused(mut self, since: OffsetDateTime) -> Self {
        self.case_state = CaseState::Paused;
        self.paused_since = Some(since);
        self
    }
    fn exempt(mut self, reason: &str) -> Self {
        self.exempted = Some(reason.to_string());
        self
    }
    fn merged_into(mut self, master: u128, at: OffsetDateTime) -> Self {
        self.merged_into = Some(id(master));
        self.case_state = CaseState::Merged;
        self.closed_at = Some(at);
        if self.state.is_active() {
            self.state = AssignmentState::Cancelled;
            self.ended_at = Some(at);
        }
        self
    }
}
