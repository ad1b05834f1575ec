//! The demand (诉求/案件) and its closed loop: 受理 → 派单 → 签收 → 办理/答复 → 核查 → 评价, with
//! return, reassignment, extension, pause/park, rework, withdrawal, merge and supervisor review.
//!
//! This module is the single source of truth for *which transition is possible from which state*
//! and *which role may ask for it*. The server adds the relation checks that need data (the caller
//! belongs to the assigned unit, is the submitter, …) and writes the event; it never decides a
//! transition by itself.
//!
//! ```text
//!  submitted ──accept──► pending_dispatch ──dispatch──► dispatched ──sign(lead)──► handling
//!     │  └─reject─► rejected        ▲   ▲                   │  ▲                     │  │
//!     └─withdraw─► withdrawn        │   └──return──────────┘  └──reassign           │  reply(lead)
//!                                   │   (too many bounces → supervisor_review)        ▼
//!   paused/parked ◄─approve_pause── handling ◄──verify(fail)── replied ──verify(pass)──► pending_rating
//!        └──resume──► handling                                                         │
//!   pending_rating ──rate(满意/基本满意)──► closed                                       │
//!   pending_rating ──rate(不满意, first)──► handling (重办)                               │
//!   pending_rating ──rate(不满意, again)──► supervisor_review ──decide──► closed | dispatched
//!   any open state ──merge──► merged
//! ```

use crate::calendar::{BEIJING, WorkCalendar};
use crate::error::DomainError;
use crate::roles::Role;
use time::{Date, OffsetDateTime, PrimitiveDateTime, Time};

/// Where a demand came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Portal,
    Hotline,
    Grid,
    Leader,
    Superior,
    Visit,
    Inspection,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Portal,
        Channel::Hotline,
        Channel::Grid,
        Channel::Leader,
        Channel::Superior,
        Channel::Visit,
        Channel::Inspection,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::Portal => "portal",
            Channel::Hotline => "hotline",
            Channel::Grid => "grid",
            Channel::Leader => "leader",
            Channel::Superior => "superior",
            Channel::Visit => "visit",
            Channel::Inspection => "inspection",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            Channel::Portal => "企业端",
            Channel::Hotline => "热线",
            Channel::Grid => "网格上报",
            Channel::Leader => "领导交办",
            Channel::Superior => "上级转办",
            Channel::Visit => "走访",
            Channel::Inspection => "巡查发现",
        }
    }
    /// Who may file through this channel.
    pub const fn filed_by(self) -> &'static [Role] {
        match self {
            Channel::Portal => &[Role::Enterprise],
            Channel::Hotline => &[Role::Intake],
            Channel::Grid => &[Role::GridWorker],
            Channel::Leader => &[Role::Leader, Role::Intake, Role::Dispatcher],
            Channel::Superior => &[Role::Intake, Role::Dispatcher],
            Channel::Visit => &[
                Role::Intake,
                Role::Dispatcher,
                Role::Handler,
                Role::DeptHead,
            ],
            Channel::Inspection => &[
                Role::GridWorker,
                Role::Handler,
                Role::DeptHead,
                Role::Supervisor,
            ],
        }
    }
    /// Channels whose cases are accepted on filing (an operator already screened them).
    pub const fn accepted_on_filing(self) -> bool {
        !matches!(self, Channel::Portal | Channel::Grid)
    }
}
code_enum_impls!(Channel, "channel", "渠道");

/// 紧急 / 一般.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Urgency {
    Urgent,
    Normal,
}

impl Urgency {
    pub const ALL: [Urgency; 2] = [Urgency::Urgent, Urgency::Normal];
    pub const fn as_str(self) -> &'static str {
        match self {
            Urgency::Urgent => "urgent",
            Urgency::Normal => "normal",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            Urgency::Urgent => "紧急",
            Urgency::Normal => "一般",
        }
    }
}
code_enum_impls!(Urgency, "urgency", "紧急程度");

/// The state of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseState {
    Submitted,
    PendingDispatch,
    Dispatched,
    Handling,
    Paused,
    Parked,
    Replied,
    PendingRating,
    SupervisorReview,
    Closed,
    Rejected,
    Withdrawn,
    Merged,
}

impl CaseState {
    pub const ALL: [CaseState; 13] = [
        CaseState::Submitted,
        CaseState::PendingDispatch,
        CaseState::Dispatched,
        CaseState::Handling,
        CaseState::Paused,
        CaseState::Parked,
        CaseState::Replied,
        CaseState::PendingRating,
        CaseState::SupervisorReview,
        CaseState::Closed,
        CaseState::Rejected,
        CaseState::Withdrawn,
        CaseState::Merged,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            CaseState::Submitted => "submitted",
            CaseState::PendingDispatch => "pending_dispatch",
            CaseState::Dispatched => "dispatched",
            CaseState::Handling => "handling",
            CaseState::Paused => "paused",
            CaseState::Parked => "parked",
            CaseState::Replied => "replied",
            CaseState::PendingRating => "pending_rating",
            CaseState::SupervisorReview => "supervisor_review",
            CaseState::Closed => "closed",
            CaseState::Rejected => "rejected",
            CaseState::Withdrawn => "withdrawn",
            CaseState::Merged => "merged",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            CaseState::Submitted => "待受理",
            CaseState::PendingDispatch => "待派单",
            CaseState::Dispatched => "待签收",
            CaseState::Handling => "办理中",
            CaseState::Paused => "已挂起",
            CaseState::Parked => "已挂账",
            CaseState::Replied => "待核查",
            CaseState::PendingRating => "待评价",
            CaseState::SupervisorReview => "待督查裁定",
            CaseState::Closed => "已办结",
            CaseState::Rejected => "不予受理",
            CaseState::Withdrawn => "已撤回",
            CaseState::Merged => "已并单",
        }
    }
    /// No further transition is possible.
    pub const fn is_terminal(self) -> bool {
        matches!(
            self,
            CaseState::Closed | CaseState::Rejected | CaseState::Withdrawn | CaseState::Merged
        )
    }
    /// A unit is working on it and its handling clock runs.
    pub const fn clock_runs(self) -> bool {
        matches!(self, CaseState::Dispatched | CaseState::Handling)
    }
}
code_enum_impls!(CaseState, "state", "状态");

/// 满意 / 基本满意 / 不满意.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Satisfaction {
    Satisfied,
    Basic,
    Unsatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [
        Satisfaction::Satisfied,
        Satisfaction::Basic,
        Satisfaction::Unsatisfied,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::Basic => "basic",
            Satisfaction::Unsatisfied => "unsatisfied",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "满意",
            Satisfaction::Basic => "基本满意",
            Satisfaction::Unsatisfied => "不满意",
        }
    }
}
code_enum_impls!(Satisfaction, "satisfaction", "评价");

/// 主办 / 协办.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentRole {
    Lead,
    Assist,
}

impl AssignmentRole {
    pub const ALL: [AssignmentRole; 2] = [AssignmentRole::Lead, AssignmentRole::Assist];
    pub const fn as_str(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "lead",
            AssignmentRole::Assist => "assist",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            AssignmentRole::Lead => "主办",
            AssignmentRole::Assist => "协办",
        }
    }
}
code_enum_impls!(AssignmentRole, "role", "承办类型");

/// The state of one unit's assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssignmentState {
    /// Waiting for the unit to sign (签收).
    Pending,
    Signed,
    Replied,
    /// Returned by the unit (退回) — no longer active.
    Returned,
    /// Taken away by a reassignment (改派) or the case ended — no longer active.
    Cancelled,
}

impl AssignmentState {
    pub const ALL: [AssignmentState; 5] = [
        AssignmentState::Pending,
        AssignmentState::Signed,
        AssignmentState::Replied,
        AssignmentState::Returned,
        AssignmentState::Cancelled,
    ];
    pub const fn as_str(self) -> &'static str {
        match self {
            AssignmentState::Pending => "pending",
            AssignmentState::Signed => "signed",
            AssignmentState::Replied => "replied",
            AssignmentState::Returned => "returned",
            AssignmentState::Cancelled => "cancelled",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            AssignmentState::Pending => "待签收",
            AssignmentState::Signed => "办理中",
            AssignmentState::Replied => "已答复",
            AssignmentState::Returned => "已退回",
            AssignmentState::Cancelled => "已撤销",
        }
    }
    pub const fn is_active(self) -> bool {
        matches!(
            self,
            AssignmentState::Pending | AssignmentState::Signed | AssignmentState::Replied
        )
    }
}
code_enum_impls!(AssignmentState, "assignment_state", "承办状态");

/// What someone asks to do with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseAction {
    Accept,
    Reject,
    Withdraw,
    Dispatch,
    /// A unit signs its assignment; moves the case only when the lead signs.
    Sign {
        lead: bool,
    },
    /// The lead unit returns the case to dispatch.
    Return,
    Reassign,
    /// A unit replies; moves the case only when the lead replies.
    Reply {
        lead: bool,
    },
    Verify {
        pass: bool,
    },
    Rate(Satisfaction),
    RequestExtension,
    DecideExtension,
    RequestPause,
    ApprovePause {
        park: bool,
    },
    Resume,
    Merge,
    /// A supervisor's binding decision on a case in review: close it, or send it back to dispatch.
    SupervisorClose,
    SupervisorRedispatch,
    /// 催办: a reminder to the units working on it; no change of state.
    Remind,
    /// 督办: a supervision order with its own deadline; no change of state.
    Supervise,
    /// The lead unit acknowledges a supervision order.
    AcknowledgeSupervision,
}

impl CaseAction {
    pub const fn code(self) -> &'static str {
        match self {
            CaseAction::Accept => "accept",
            CaseAction::Reject => "reject",
            CaseAction::Withdraw => "withdraw",
            CaseAction::Dispatch => "dispatch",
            CaseAction::Sign { .. } => "sign",
            CaseAction::Return => "return",
            CaseAction::Reassign => "reassign",
            CaseAction::Reply { .. } => "reply",
            CaseAction::Verify { .. } => "verify",
            CaseAction::Rate(_) => "rate",
            CaseAction::RequestExtension => "request_extension",
            CaseAction::DecideExtension => "decide_extension",
            CaseAction::RequestPause => "request_pause",
            CaseAction::ApprovePause { .. } => "approve_pause",
            CaseAction::Resume => "resume",
            CaseAction::Merge => "merge",
            CaseAction::SupervisorClose => "supervisor_close",
            CaseAction::SupervisorRedispatch => "supervisor_redispatch",
            CaseAction::Remind => "remind",
            CaseAction::Supervise => "supervise",
            CaseAction::AcknowledgeSupervision => "acknowledge_supervision",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            CaseAction::Accept => "受理",
            CaseAction::Reject => "不予受理",
            CaseAction::Withdraw => "撤回",
            CaseAction::Dispatch => "派单",
            CaseAction::Sign { .. } => "签收",
            CaseAction::Return => "退回",
            CaseAction::Reassign => "改派",
            CaseAction::Reply { .. } => "答复",
            CaseAction::Verify { pass: true } => "核查通过",
            CaseAction::Verify { pass: false } => "核查不通过",
            CaseAction::Rate(_) => "评价",
            CaseAction::RequestExtension => "申请延期",
            CaseAction::DecideExtension => "审批延期",
            CaseAction::RequestPause => "申请挂起/挂账",
            CaseAction::ApprovePause { park: false } => "批准挂起",
            CaseAction::ApprovePause { park: true } => "批准挂账",
            CaseAction::Resume => "恢复办理",
            CaseAction::Merge => "并单",
            CaseAction::SupervisorClose => "督查裁定办结",
            CaseAction::SupervisorRedispatch => "督查裁定重派",
            CaseAction::Remind => "催办",
            CaseAction::Supervise => "督办",
            CaseAction::AcknowledgeSupervision => "签收督办",
        }
    }

    /// The roles that may ask for this action at all. The server adds the relation to the case
    /// (own unit, own submission).
    pub const fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            CaseAction::Accept | CaseAction::Reject => &[Intake, Dispatcher],
            // the submitter (enterprise or the operator who filed it for a caller)
            CaseAction::Withdraw => &[Enterprise, Intake, GridWorker],
            CaseAction::Dispatch | CaseAction::Reassign => &[Dispatcher, Supervisor],
            // the intake operator merges a duplicate at once, as it is entered
            CaseAction::Merge => &[Intake, Dispatcher, Supervisor],
            CaseAction::Sign { .. }
            | CaseAction::Return
            | CaseAction::Reply { .. }
            | CaseAction::RequestExtension
            | CaseAction::RequestPause => &[Handler, DeptHead],
            CaseAction::Verify { .. } => &[Dispatcher, Supervisor],
            // the submitter rates; an intake operator logs a phone revisit (回访)
            CaseAction::Rate(_) => &[Enterprise, Intake, GridWorker],
            CaseAction::DecideExtension | CaseAction::ApprovePause { .. } | CaseAction::Resume => {
                &[Dispatcher, Supervisor]
            }
            CaseAction::SupervisorClose | CaseAction::SupervisorRedispatch => &[Supervisor],
            CaseAction::Remind => &[Dispatcher, Supervisor, Leader],
            CaseAction::Supervise => &[Supervisor, Leader],
            CaseAction::AcknowledgeSupervision => &[Handler, DeptHead],
        }
    }
}

/// Facts about a case that decide where some transitions lead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CaseFacts {
    /// Whether any unit has signed (withdrawal is possible only before handling starts).
    pub any_signed: bool,
    /// Times the case went back to dispatch by return.
    pub bounces: u32,
    /// Returns allowed before a supervisor must decide.
    pub bounce_limit: u32,
    /// Reworks after an unsatisfied rating so far.
    pub reworks: u32,
}

fn refuse(action: CaseAction, state: CaseState) -> DomainError {
    DomainError {
        field: "action",
        code: "case.transition_refused",
        message: format!(
            "案件当前为“{}”，不能执行“{}”",
            state.label(),
            action.label()
        ),
    }
}

/// Where `action` takes a case in `state`, or why it cannot.
pub fn next_state(
    state: CaseState,
    action: CaseAction,
    facts: CaseFacts,
) -> Result<CaseState, DomainError> {
    use CaseState as S;
    let next = match (action, state) {
        (CaseAction::Accept, S::Submitted) => S::PendingDispatch,
        (CaseAction::Reject, S::Submitted) => S::Rejected,
        (CaseAction::Withdraw, S::Submitted | S::PendingDispatch) => S::Withdrawn,
        (CaseAction::Withdraw, S::Dispatched) if !facts.any_signed => S::Withdrawn,
        (CaseAction::Dispatch, S::PendingDispatch) => S::Dispatched,
        (CaseAction::Sign { lead: true }, S::Dispatched) => S::Handling,
        (CaseAction::Sign { lead: false }, S::Dispatched | S::Handling) => state,
        (CaseAction::Return, S::Dispatched | S::Handling) => {
            if facts.bounces + 1 > facts.bounce_limit {
                S::SupervisorReview
            } else {
                S::PendingDispatch
            }
        }
        (CaseAction::Reassign, S::Dispatched | S::Handling) => S::Dispatched,
        (CaseAction::Reply { lead: true }, S::Handling) => S::Replied,
        // an assisting unit may answer the lead as soon as it has signed itself
        (CaseAction::Reply { lead: false }, S::Dispatched | S::Handling) => state,
        (CaseAction::Verify { pass: true }, S::Replied) => S::PendingRating,
        (CaseAction::Verify { pass: false }, S::Replied) => S::Handling,
        (CaseAction::Rate(Satisfaction::Satisfied | Satisfaction::Basic), S::PendingRating) => {
            S::Closed
        }
        (CaseAction::Rate(Satisfaction::Unsatisfied), S::PendingRating) => {
            if facts.reworks == 0 {
                S::Handling
            } else {
                S::SupervisorReview
            }
        }
        (CaseAction::RequestExtension | CaseAction::RequestPause, S::Handling) => S::Handling,
        (CaseAction::DecideExtension, S::Handling | S::Paused) => state,
        (CaseAction::ApprovePause { park: false }, S::Handling) => S::Paused,
        (CaseAction::ApprovePause { park: true }, S::Handling) => S::Parked,
        (CaseAction::Resume, S::Paused | S::Parked) => S::Handling,
        (CaseAction::Merge, S::Submitted | S::PendingDispatch | S::Dispatched | S::Handling) => {
            S::Merged
        }
        (CaseAction::SupervisorClose, S::SupervisorReview) => S::Closed,
        (CaseAction::SupervisorRedispatch, S::SupervisorReview) => S::PendingDispatch,
        (CaseAction::Remind, S::Dispatched | S::Handling) => state,
        (
            CaseAction::Supervise | CaseAction::AcknowledgeSupervision,
            S::Dispatched | S::Handling | S::Paused | S::Parked | S::Replied,
        ) => state,
        _ => return Err(refuse(action, state)),
    };
    Ok(next)
}

/// Time limits for one category and urgency: 签收 within `sign_hours` working hours of dispatch,
/// 办结 within `handle_days` working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaRule {
    pub sign_hours: u32,
    pub handle_days: u32,
}

impl SlaRule {
    /// The defaults when no rule is set: urgent 1 h / 1 day, normal 4 h / 5 days.
    pub const fn default_for(urgency: Urgency) -> SlaRule {
        match urgency {
            Urgency::Urgent => SlaRule {
                sign_hours: 1,
                handle_days: 1,
            },
            Urgency::Normal => SlaRule {
                sign_hours: 4,
                handle_days: 5,
            },
        }
    }

    /// Checks an administrator's input: 1–40 working hours to sign, 1–60 working days to handle.
    pub fn new(sign_hours: u32, handle_days: u32) -> Result<SlaRule, DomainError> {
        if !(1..=40).contains(&sign_hours) {
            return Err(DomainError::new(
                "sign_hours",
                "validation.range",
                "签收时限应为 1 到 40 个工作小时",
            ));
        }
        if !(1..=60).contains(&handle_days) {
            return Err(DomainError::new(
                "handle_days",
                "validation.range",
                "办理时限应为 1 到 60 个工作日",
            ));
        }
        Ok(SlaRule {
            sign_hours,
            handle_days,
        })
    }
}

/// The rules a new zone starts with: every category (`*`) urgent 1 h / 1 day, normal 4 h / 5
/// days; matters that take longer by nature get more days.
pub const DEFAULT_SLA: &[(&str, Urgency, u32, u32)] = &[
    ("*", Urgency::Urgent, 1, 1),
    ("*", Urgency::Normal, 4, 5),
    ("QY02", Urgency::Normal, 4, 10),
    ("ZW04", Urgency::Normal, 4, 15),
    ("ZW05", Urgency::Normal, 4, 10),
];

/// The two deadlines of an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    pub sign_by: OffsetDateTime,
    pub due_at: OffsetDateTime,
}

/// The end of the working day on `date` (the close of its last office interval), Beijing time.
pub fn end_of_working_day(cal: &WorkCalendar, date: Date) -> OffsetDateTime {
    let close = cal
        .office_hours()
        .intervals()
        .last()
        .map(|(_, end)| *end)
        .unwrap_or(Time::from_hms(17, 30, 0).expect("valid"));
    PrimitiveDateTime::new(date, close).assume_offset(BEIJING)
}

/// Deadlines for work handed over at `at`: sign within the rule's working hours; handle by the end
/// of the `handle_days`-th working day after the day of `at`.
pub fn deadlines(cal: &WorkCalendar, at: OffsetDateTime, rule: SlaRule) -> Deadlines {
    let local = at.to_offset(BEIJING);
    Deadlines {
        sign_by: cal.add_working_hours(local, rule.sign_hours),
        due_at: end_of_working_day(cal, cal.add_workdays(local.date(), rule.handle_days)),
    }
}

/// A human case number: `JB` + Beijing date + `-` + a per-zone, per-day sequence of at least four
/// digits, e.g. `JB20251009-0123`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNo(String);

impl CaseNo {
    pub fn new(day: Date, seq: u32) -> CaseNo {
        CaseNo(format!(
            "JB{:04}{:02}{:02}-{:04}",
            day.year(),
            u8::from(day.month()),
            day.day(),
            seq
        ))
    }

    pub fn parse(input: &str) -> Result<CaseNo, DomainError> {
        let s = input.trim().to_ascii_uppercase();
        let bad = || {
            DomainError::new(
                "case_no",
                "validation.case_no",
                format!("案件编号“{}”格式应为 JB20251009-0123", input.trim()),
            )
        };
        let rest = s.strip_prefix("JB").ok_or_else(bad)?;
        let (date, seq) = rest.split_once('-').ok_or_else(bad)?;
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if seq.len() < 4 || seq.len() > 6 || !seq.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let y: i32 = date[0..4].parse().map_err(|_| bad())?;
        let m: u8 = date[4..6].parse().map_err(|_| bad())?;
        let d: u8 = date[6..8].parse().map_err(|_| bad())?;
        let month = time::Month::try_from(m).map_err(|_| bad())?;
        Date::from_calendar_date(y, month, d).map_err(|_| bad())?;
        Ok(CaseNo(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CaseNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn facts() -> CaseFacts {
        CaseFacts {
            bounce_limit: 2,
            ..Default::default()
        }
    }

    #[test]
    fn the_whole_loop() {
        use CaseAction::*;
        let mut s = CaseState::Submitted;
        for (a, want) in [
            (Accept, CaseState::PendingDispatch),
            (Dispatch, CaseState::Dispatched),
            (Sign { lead: false }, CaseState::Dispatched),
            (Sign { lead: true }, CaseState::Handling),
            (Reply { lead: false }, CaseState::Handling),
            (Reply { lead: true }, CaseState::Replied),
            (Verify { pass: false }, CaseState::Handling),
            (Reply { lead: true }, CaseState::Replied),
            (Verify { pass: true }, CaseState::PendingRating),
            (Rate(Satisfaction::Unsatisfied), CaseState::Handling),
        ] {
            s = next_state(s, a, facts()).unwrap();
            assert_eq!(s, want, "after {a:?}");
        }
        let rework = CaseFacts {
            reworks: 1,
            ..facts()
        };
        s = next_state(s, Reply { lead: true }, rework).unwrap();
        s = next_state(s, Verify { pass: true }, rework).unwrap();
        assert_eq!(
            next_state(s, Rate(Satisfaction::Unsatisfied), rework).unwrap(),
            CaseState::SupervisorReview,
            "a second 不满意 goes to a supervisor"
        );
        assert_eq!(
            next_state(s, Rate(Satisfaction::Basic), rework).unwrap(),
            CaseState::Closed
        );
    }

    #[test]
    fn bounces_are_capped() {
        let f = CaseFacts {
            bounces: 1,
            bounce_limit: 2,
            ..Default::default()
        };
        assert_eq!(
            next_state(CaseState::Handling, CaseAction::Return, f).unwrap(),
            CaseState::PendingDispatch
        );
        let f = CaseFacts {
            bounces: 2,
            bounce_limit: 2,
            ..Default::default()
        };
        assert_eq!(
            next_state(CaseState::Handling, CaseAction::Return, f).unwrap(),
            CaseState::SupervisorReview
        );
        assert_eq!(
            next_state(
                CaseState::SupervisorReview,
                CaseAction::SupervisorRedispatch,
                f
            )
            .unwrap(),
            CaseState::PendingDispatch
        );
    }

    #[test]
    fn withdrawal_only_before_handling() {
        let signed = CaseFacts {
            any_signed: true,
            ..facts()
        };
        assert!(next_state(CaseState::Dispatched, CaseAction::Withdraw, facts()).is_ok());
        assert!(next_state(CaseState::Dispatched, CaseAction::Withdraw, signed).is_err());
        let e = next_state(CaseState::Handling, CaseAction::Withdraw, facts()).unwrap_err();
        assert_eq!(e.code, "case.transition_refused");
        assert_eq!(e.message, "案件当前为“办理中”，不能执行“撤回”");
    }

    #[test]
    fn terminal_states_refuse_everything() {
        let all = [
            CaseAction::Accept,
            CaseAction::Reject,
            CaseAction::Withdraw,
            CaseAction::Dispatch,
            CaseAction::Sign { lead: true },
            CaseAction::Sign { lead: false },
            CaseAction::Return,
            CaseAction::Reassign,
            CaseAction::Reply { lead: true },
            CaseAction::Verify { pass: true },
            CaseAction::Rate(Satisfaction::Satisfied),
            CaseAction::RequestExtension,
            CaseAction::DecideExtension,
            CaseAction::RequestPause,
            CaseAction::ApprovePause { park: true },
            CaseAction::Resume,
            CaseAction::Merge,
            CaseAction::SupervisorClose,
            CaseAction::SupervisorRedispatch,
            CaseAction::Remind,
            CaseAction::Supervise,
            CaseAction::AcknowledgeSupervision,
        ];
        for s in CaseState::ALL.into_iter().filter(|s| s.is_terminal()) {
            for a in all {
                assert!(next_state(s, a, facts()).is_err(), "{s:?} {a:?}");
            }
        }
        // and every action has at least one state it is valid in
        for a in all {
            assert!(
                CaseState::ALL
                    .iter()
                    .any(|s| next_state(*s, a, facts()).is_ok()),
                "{a:?} is never possible"
            );
            assert!(!a.roles().is_empty());
        }
    }

    #[test]
    fn pause_and_park() {
        let s = next_state(
            CaseState::Handling,
            CaseAction::ApprovePause { park: true },
            facts(),
        )
        .unwrap();
        assert_eq!(s, CaseState::Parked);
        assert!(!s.clock_runs());
        assert_eq!(
            next_state(s, CaseAction::Resume, facts()).unwrap(),
            CaseState::Handling
        );
        assert!(
            next_state(
                CaseState::Replied,
                CaseAction::ApprovePause { park: false },
                facts()
            )
            .is_err()
        );
    }

    #[test]
    fn default_deadlines_cross_national_day() {
        let cal = WorkCalendar::china_default();
        // dispatched 2025-09-30 10:00: sign by 16:00 (10–12 and 14–16: the lunch break does not count),
        // handle in 5 working days: 10-09, 10-10, 10-11 (make-up Saturday), 10-13, 10-14
        let d = deadlines(
            &cal,
            datetime!(2025-09-30 10:00 +8),
            SlaRule::default_for(Urgency::Normal),
        );
        assert_eq!(d.sign_by, datetime!(2025-09-30 16:00 +8));
        assert_eq!(d.due_at, datetime!(2025-10-14 17:30 +8));
        // urgent, dispatched on the eve of 春节 2026
        let d = deadlines(
            &cal,
            datetime!(2026-02-13 16:30 +8),
            SlaRule::default_for(Urgency::Urgent),
        );
        assert_eq!(d.sign_by, datetime!(2026-02-13 17:30 +8));
        assert_eq!(d.due_at.date(), cal.add_workdays(date!(2026 - 02 - 13), 1));
    }

    #[test]
    fn case_numbers() {
        let n = CaseNo::new(date!(2025 - 10 - 09), 123);
        assert_eq!(n.as_str(), "JB20251009-0123");
        assert_eq!(CaseNo::parse(" jb20251009-0123 ").unwrap(), n);
        assert_eq!(
            CaseNo::new(date!(2025 - 10 - 09), 12345).as_str(),
            "JB20251009-12345"
        );
        for bad in [
            "JB20251309-0001",
            "JB2025109-0001",
            "XX20251009-0001",
            "JB20251009-12",
            "JB20251009",
        ] {
            assert_eq!(
                CaseNo::parse(bad).unwrap_err().code,
                "validation.case_no",
                "{bad}"
            );
        }
    }

    #[test]
    fn sla_rule_bounds() {
        assert!(SlaRule::new(4, 5).is_ok());
        assert_eq!(SlaRule::new(0, 5).unwrap_err().field, "sign_hours");
        assert_eq!(SlaRule::new(4, 61).unwrap_err().field, "handle_days");
    }

    #[test]
    fn codes_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()).unwrap(), c);
            assert!(!c.filed_by().is_empty());
        }
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.as_str()).unwrap(), s);
        }
        assert_eq!(Urgency::parse("URGENT").unwrap(), Urgency::Urgent);
        assert_eq!(Satisfaction::parse("x").unwrap_err().field, "satisfaction");
    }
}
