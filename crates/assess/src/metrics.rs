//! Per-unit metrics over a period: [`unit_metrics`], and the [`composite`] score.
//!
//! Every figure is computed from one [`CaseLine`] per assignment row, kept in
//! [`UnitMetrics::cases`], so the drill-down ([`UnitMetrics::cases_behind`]) shows exactly the
//! rows behind each numerator and denominator.

use std::collections::BTreeMap;

use jiban_core::calendar::WorkCalendar;
use jiban_core::case::{AssignmentRole, CaseState, Satisfaction};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};
use uuid::Uuid;

use crate::codes::{code, opt_code};
use crate::facts::{Period, UnitCaseFacts, UnitId};
use crate::weights::Weights;

/// The figures of the assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// 收件数.
    Received,
    /// 签收及时率.
    SignedOnTime,
    /// 按期办结率.
    ResolvedOnTime,
    /// 解决率.
    Resolved,
    /// 满意率.
    Satisfied,
    /// 退单率.
    Returned,
    /// 重办率.
    Reworked,
    /// 当前超期.
    OverdueNow,
    /// 平均办理时长.
    HandlingTime,
}

impl Metric {
    pub const ALL: [Metric; 9] = [
        Metric::Received,
        Metric::SignedOnTime,
        Metric::ResolvedOnTime,
        Metric::Resolved,
        Metric::Satisfied,
        Metric::Returned,
        Metric::Reworked,
        Metric::OverdueNow,
        Metric::HandlingTime,
    ];

    /// Stable machine code, e.g. `signed_on_time`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Metric::Received => "received",
            Metric::SignedOnTime => "signed_on_time",
            Metric::ResolvedOnTime => "resolved_on_time",
            Metric::Resolved => "resolved",
            Metric::Satisfied => "satisfied",
            Metric::Returned => "returned",
            Metric::Reworked => "reworked",
            Metric::OverdueNow => "overdue_now",
            Metric::HandlingTime => "handling_time",
        }
    }

    /// Chinese name.
    pub const fn label(self) -> &'static str {
        match self {
            Metric::Received => "收件数",
            Metric::SignedOnTime => "签收及时率",
            Metric::ResolvedOnTime => "按期办结率",
            Metric::Resolved => "解决率",
            Metric::Satisfied => "满意率",
            Metric::Returned => "退单率",
            Metric::Reworked => "重办率",
            Metric::OverdueNow => "当前超期",
            Metric::HandlingTime => "平均办理时长",
        }
    }

    /// The field of its weight in [`Weights`] (for error messages).
    pub(crate) const fn weight_field(self) -> &'static str {
        match self {
            Metric::SignedOnTime => "weights.signed_on_time",
            Metric::ResolvedOnTime => "weights.resolved_on_time",
            Metric::Resolved => "weights.resolved",
            Metric::Satisfied => "weights.satisfied",
            Metric::Returned => "weights.returned",
            Metric::Reworked => "weights.reworked",
            _ => "weights",
        }
    }
}

/// A ratio with its two counts. Its [`rate`](Self::rate) is `None` when nothing was counted — never
/// 0 % or 100 %. Serialised as `{numerator, denominator, rate}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct Ratio {
    pub numerator: u32,
    pub denominator: u32,
}

impl Ratio {
    /// `numerator / denominator` in `[0, 1]`, `None` when the denominator is 0.
    pub fn rate(&self) -> Option<f64> {
        (self.denominator > 0)
            .then(|| (f64::from(self.numerator) / f64::from(self.denominator)).clamp(0.0, 1.0))
    }

    fn tally(&mut self, hit: Option<bool>) {
        if let Some(hit) = hit {
            self.denominator += 1;
            self.numerator += u32::from(hit);
        }
    }
}

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Ratio", 3)?;
        st.serialize_field("numerator", &self.numerator)?;
        st.serialize_field("denominator", &self.denominator)?;
        st.serialize_field("rate", &self.rate())?;
        st.end()
    }
}

/// 满意率 over the rated cases: (满意 + 基本满意 × factor) / (满意 + 基本满意 + 不满意). Serialised
/// with `numerator` (weighted), `denominator` and `rate`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
pub struct SatisfactionRate {
    pub satisfied: u32,
    pub basic: u32,
    pub unsatisfied: u32,
    /// The 基本满意 factor it was computed with ([`Weights::basic_satisfied`]).
    pub basic_weight: f64,
}

impl SatisfactionRate {
    /// Rated cases.
    pub fn denominator(&self) -> u32 {
        self.satisfied + self.basic + self.unsatisfied
    }

    /// 满意 + 基本满意 × factor.
    pub fn numerator(&self) -> f64 {
        self.numerator_with(self.basic_weight)
    }

    fn numerator_with(&self, basic_weight: f64) -> f64 {
        f64::from(self.satisfied) + f64::from(self.basic) * basic_weight.clamp(0.0, 1.0)
    }

    /// The rate in `[0, 1]`, `None` when nothing was rated.
    pub fn rate(&self) -> Option<f64> {
        self.rate_with(self.basic_weight)
    }

    /// The rate with another 基本满意 factor.
    pub fn rate_with(&self, basic_weight: f64) -> Option<f64> {
        let d = self.denominator();
        (d > 0).then(|| (self.numerator_with(basic_weight) / f64::from(d)).clamp(0.0, 1.0))
    }

    fn tally(&mut self, rating: Option<Satisfaction>) {
        match rating {
            Some(Satisfaction::Satisfied) => self.satisfied += 1,
            Some(Satisfaction::Basic) => self.basic += 1,
            Some(Satisfaction::Unsatisfied) => self.unsatisfied += 1,
            None => {}
        }
    }
}

impl Serialize for SatisfactionRate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("SatisfactionRate", 7)?;
        st.serialize_field("satisfied", &self.satisfied)?;
        st.serialize_field("basic", &self.basic)?;
        st.serialize_field("unsatisfied", &self.unsatisfied)?;
        st.serialize_field("basic_weight", &self.basic_weight)?;
        st.serialize_field("numerator", &self.numerator())?;
        st.serialize_field("denominator", &self.denominator())?;
        st.serialize_field("rate", &self.rate())?;
        st.end()
    }
}

/// 平均办理时长: the answered cases and their working minutes, received → answer, pauses out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub struct HandlingTime {
    pub cases: u32,
    pub total_minutes: i64,
}

impl HandlingTime {
    /// Mean working hours per answered case, `None` when none was answered.
    pub fn average_hours(&self) -> Option<f64> {
        // minutes are far below 2^53: exact as f64
        (self.cases > 0).then(|| self.total_minutes as f64 / 60.0 / f64::from(self.cases))
    }
}

impl Serialize for HandlingTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("HandlingTime", 3)?;
        st.serialize_field("cases", &self.cases)?;
        st.serialize_field("total_minutes", &self.total_minutes)?;
        st.serialize_field("average_hours", &self.average_hours())?;
        st.end()
    }
}

/// How one assignment row counts in each figure of the period: `None` = not in that
/// denominator, `Some(true)` = in the numerator too, `Some(false)` = in the denominator only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLine {
    pub case_id: Uuid,
    pub assignment_id: Uuid,
    #[serde(with = "code")]
    pub role: AssignmentRole,
    /// Dispatched to the unit in the period.
    pub received: bool,
    pub signed_on_time: Option<bool>,
    pub resolved_on_time: Option<bool>,
    pub resolved: Option<bool>,
    /// The rating counted in 满意率 this period.
    #[serde(with = "opt_code")]
    pub satisfaction: Option<Satisfaction>,
    pub returned: Option<bool>,
    pub reworked: Option<bool>,
    pub overdue_now: bool,
    /// Working minutes received → answer, pauses out, when answered in the period.
    pub handling_minutes: Option<i64>,
}

impl CaseLine {
    fn is_empty(&self) -> bool {
        !self.received
            && self.signed_on_time.is_none()
            && self.resolved_on_time.is_none()
            && self.resolved.is_none()
            && self.satisfaction.is_none()
            && self.returned.is_none()
            && self.reworked.is_none()
            && !self.overdue_now
            && self.handling_minutes.is_none()
    }

    /// Whether the line is in the `part` of `metric`.
    pub fn counts_in(&self, metric: Metric, part: Part) -> bool {
        let flag = |f: Option<bool>| match part {
            Part::Numerator => f == Some(true),
            Part::Denominator => f.is_some(),
        };
        match metric {
            Metric::Received => self.received,
            Metric::SignedOnTime => flag(self.signed_on_time),
            Metric::ResolvedOnTime => flag(self.resolved_on_time),
            Metric::Resolved => flag(self.resolved),
            Metric::Satisfied => match part {
                Part::Numerator => matches!(
                    self.satisfaction,
                    Some(Satisfaction::Satisfied | Satisfaction::Basic)
                ),
                Part::Denominator => self.satisfaction.is_some(),
            },
            Metric::Returned => flag(self.returned),
            Metric::Reworked => flag(self.reworked),
            Metric::OverdueNow => self.overdue_now,
            Metric::HandlingTime => self.handling_minutes.is_some(),
        }
    }
}

/// Which side of a ratio to drill into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Numerator,
    Denominator,
}

/// A case left out because a supervisor exempted it (免于考核).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExemptedCase {
    pub case_id: Uuid,
    pub reason: String,
}

/// A duplicate left out because it was merged into another case (并单).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MergedCase {
    pub case_id: Uuid,
    pub merged_into: Uuid,
}

/// The figures of one unit over one period. See `docs/ASSESSMENT.md` for the definitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitMetrics {
    pub period: Period,
    /// 收件数: assignments dispatched to the unit in the period (lead and assist).
    pub received: u32,
    /// Of which as an assisting unit (协办).
    pub received_as_assist: u32,
    /// 签收及时率 (lead and assist).
    pub signed_on_time: Ratio,
    /// 按期办结率 (lead).
    pub resolved_on_time: Ratio,
    /// 解决率 (lead).
    pub resolved: Ratio,
    /// 满意率 (lead).
    pub satisfied: SatisfactionRate,
    /// 退单率 (lead).
    pub returned: Ratio,
    /// 重办率 (lead).
    pub reworked: Ratio,
    /// 当前超期 at `period.as_of` (lead).
    pub overdue_now: u32,
    /// 平均办理时长 (lead).
    pub handling: HandlingTime,
    /// The composite score 0–100 ([`composite`]), `None` when no scored metric has a value.
    pub composite: Option<f64>,
    /// Exempted cases touching the period, left out of every figure (by case id).
    pub exempted: Vec<ExemptedCase>,
    /// Merged duplicates touching the period, left out of every figure (by case id).
    pub merged: Vec<MergedCase>,
    /// One line per counted assignment row, ordered by (case id, assignment id).
    pub cases: Vec<CaseLine>,
}

impl UnitMetrics {
    fn empty(period: Period, basic_weight: f64) -> UnitMetrics {
        UnitMetrics {
            period,
            received: 0,
            received_as_assist: 0,
            signed_on_time: Ratio::default(),
            resolved_on_time: Ratio::default(),
            resolved: Ratio::default(),
            satisfied: SatisfactionRate {
                basic_weight,
                ..SatisfactionRate::default()
            },
            returned: Ratio::default(),
            reworked: Ratio::default(),
            overdue_now: 0,
            handling: HandlingTime::default(),
            composite: None,
            exempted: Vec::new(),
            merged: Vec::new(),
            cases: Vec::new(),
        }
    }

    /// The case ids behind a number: the rows in the numerator or the denominator of `metric`
    /// (for counts — 收件数, 当前超期, 平均办理时长 — both parts are the counted rows). A case
    /// appears once per counted row.
    pub fn cases_behind(&self, metric: Metric, part: Part) -> Vec<Uuid> {
        self.cases
            .iter()
            .filter(|l| l.counts_in(metric, part))
            .map(|l| l.case_id)
            .collect()
    }
}

/// How one row counts in `period`.
fn line(f: &UnitCaseFacts, p: &Period, cal: &WorkCalendar) -> CaseLine {
    let received = p.contains(f.received_at);
    // 签收: cohort of the period of dispatch; due once signed, or once sign_by has passed while
    // the unit still held the assignment
    let signed_on_time = (received
        && (f.signed_at.is_some()
            || (f.sign_by < p.as_of && f.ended_at.is_none_or(|e| e > f.sign_by))))
    .then(|| f.signed_at.is_some_and(|s| s <= f.sign_by));

    let mut l = CaseLine {
        case_id: f.case_id,
        assignment_id: f.assignment_id,
        role: f.role,
        received,
        signed_on_time,
        resolved_on_time: None,
        resolved: None,
        satisfaction: None,
        returned: None,
        reworked: None,
        overdue_now: false,
        handling_minutes: None,
    };
    if !f.is_lead() {
        // an assisting unit is assessed on receiving and signing only
        return l;
    }

    let reply = f.standing_reply();
    l.resolved_on_time = match reply {
        // answered before the period: counted in the period of the answer
        Some(r) if r < p.from => None,
        // answered in the period: counted here unless its deadline fell in an earlier period
        // (then it was counted there, as overdue)
        Some(r) if r < p.to => (f.due_at >= p.from).then_some(r <= f.due_at),
        // not answered by the end of the period: late here if the deadline passed in the period
        // while the unit held the case
        _ => {
            let due = match reply {
                Some(_) => f.due_at,
                None => f.effective_due(p.as_of, cal),
            };
            (p.contains(due) && due < p.as_of && f.ended_at.is_none_or(|e| e > due))
                .then_some(false)
        }
    };

    if let Some(c) = f.closed_at
        && f.case_state == CaseState::Closed
        && p.contains(c)
        && f.held_at(c)
    {
        l.resolved = Some(matches!(
            f.rating,
            Some(Satisfaction::Satisfied | Satisfaction::Basic)
        ));
        l.reworked = Some(f.reworks > 0);
    }

    if let Some(t) = f.rated_at
        && p.contains(t)
        && f.held_at(t)
    {
        l.satisfaction = f.rating;
    }

    l.returned = received.then(|| f.returned());
    l.overdue_now = f.overdue_at(p.as_of, cal);
    l.handling_minutes = reply
        .filter(|r| p.contains(*r))
        .map(|r| (cal.working_minutes_between(f.received_at, r) - f.paused_minutes.max(0)).max(0));
    l
}

/// The figures of one unit over `period`, from the rows of that unit (rows of other units are not
/// told apart: filter first, or use [`metrics_by_unit`]). Rows may be given generously — every row
/// that was received, answered, rated, closed, ended or due in the period, or is still open; a
/// row that counts nowhere is ignored. `weights` gives the 基本满意 factor and the composite.
pub fn unit_metrics(
    facts: &[UnitCaseFacts],
    period: &Period,
    weights: &Weights,
    calendar: &WorkCalendar,
) -> UnitMetrics {
    let mut m = UnitMetrics::empty(*period, weights.basic_satisfied);
    let mut exempted = BTreeMap::new();
    let mut merged = BTreeMap::new();
    for f in facts {
        if let Some(into) = f.merged_into {
            if f.touches(period) {
                merged.insert(f.case_id, into);
            }
            continue;
        }
        if let Some(reason) = &f.exempted {
            if f.touches(period) {
                exempted.insert(f.case_id, reason.clone());
            }
            continue;
        }
        let l = line(f, period, calendar);
        if l.is_empty() {
            continue;
        }
        if l.received {
            m.received += 1;
            if l.role == AssignmentRole::Assist {
                m.received_as_assist += 1;
            }
        }
        m.signed_on_time.tally(l.signed_on_time);
        m.resolved_on_time.tally(l.resolved_on_time);
        m.resolved.tally(l.resolved);
        m.satisfied.tally(l.satisfaction);
        m.returned.tally(l.returned);
        m.reworked.tally(l.reworked);
        m.overdue_now += u32::from(l.overdue_now);
        if let Some(min) = l.handling_minutes {
            m.handling.cases += 1;
            m.handling.total_minutes += min;
        }
        m.cases.push(l);
    }
    m.cases.sort_by_key(|l| (l.case_id, l.assignment_id));
    m.exempted = exempted
        .into_iter()
        .map(|(case_id, reason)| ExemptedCase { case_id, reason })
        .collect();
    m.merged = merged
        .into_iter()
        .map(|(case_id, merged_into)| MergedCase {
            case_id,
            merged_into,
        })
        .collect();
    m.composite = composite(&m, weights);
    m
}

/// [`unit_metrics`] for every unit present in `facts`, by unit id.
pub fn metrics_by_unit(
    facts: &[UnitCaseFacts],
    period: &Period,
    weights: &Weights,
    calendar: &WorkCalendar,
) -> BTreeMap<UnitId, UnitMetrics> {
    let mut rows: BTreeMap<UnitId, Vec<UnitCaseFacts>> = BTreeMap::new();
    for f in facts {
        rows.entry(f.unit_id).or_default().push(f.clone());
    }
    rows.into_iter()
        .map(|(u, rows)| (u, unit_metrics(&rows, period, weights, calendar)))
        .collect()
}

/// The composite score, 0–100: the weighted mean of the scored metrics that have a value —
/// 签收及时率, 按期办结率, 解决率, 满意率 (with `weights.basic_satisfied`), 1 − 退单率 and
/// 1 − 重办率 — times 100. A metric without a value (nothing to count) leaves the mean, its weight
/// with it; `None` when no metric with a positive weight has a value. A weight that is not a
/// positive finite number counts as 0 (validated weights never have one).
pub fn composite(metrics: &UnitMetrics, weights: &Weights) -> Option<f64> {
    let inverse = |r: Option<f64>| r.map(|r| 1.0 - r);
    let values = [
        metrics.signed_on_time.rate(),
        metrics.resolved_on_time.rate(),
        metrics.resolved.rate(),
        metrics.satisfied.rate_with(weights.basic_satisfied),
        inverse(metrics.returned.rate()),
        inverse(metrics.reworked.rate()),
    ];
    let (mut sum, mut total) = (0.0, 0.0);
    for ((_, w), v) in weights.parts().into_iter().zip(values) {
        if let Some(v) = v
            && w.is_finite()
            && w > 0.0
        {
            sum += w * v;
            total += w;
        }
    }
    (total > 0.0).then(|| (100.0 * sum / total).clamp(0.0, 100.0))
}
