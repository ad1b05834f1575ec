//! Warning letters (提醒函 / 预警函 / 督办函): which tier a unit earns from its ranking history,
//! the rectification deadline, and the document number (文号) `经开督〔2025〕12号`.

use std::fmt;

use jiban_core::DomainError;
use jiban_core::calendar::{BEIJING, WorkCalendar};
use jiban_core::case::end_of_working_day;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::metrics::UnitMetrics;
use crate::rank::RankRow;

/// The tier of a letter, in increasing severity (`Ord` follows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterTier {
    /// 提醒函.
    Reminder,
    /// 预警函.
    Warning,
    /// 督办函, with a rectification deadline.
    Supervision,
}

impl LetterTier {
    pub const ALL: [LetterTier; 3] = [
        LetterTier::Reminder,
        LetterTier::Warning,
        LetterTier::Supervision,
    ];

    /// `reminder`, `warning`, `supervision`.
    pub const fn as_str(self) -> &'static str {
        match self {
            LetterTier::Reminder => "reminder",
            LetterTier::Warning => "warning",
            LetterTier::Supervision => "supervision",
        }
    }

    /// 提醒函, 预警函, 督办函.
    pub const fn label(self) -> &'static str {
        match self {
            LetterTier::Reminder => "提醒函",
            LetterTier::Warning => "预警函",
            LetterTier::Supervision => "督办函",
        }
    }
}

/// The administrator's letter rules. A `None` threshold switches that trigger off.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LetterRules {
    /// In the bottom places this many periods in a row → 提醒函. Default 1.
    pub reminder_after: Option<u32>,
    /// … → 预警函. Default 2.
    pub warning_after: Option<u32>,
    /// … → 督办函. Default 3.
    pub supervision_after: Option<u32>,
    /// How many places at the bottom count as 末位. Default 1 (the last place only).
    pub bottom: u32,
    /// 满意率 below this line (0–1) → at least 预警函. Default 0.8.
    pub satisfaction_below: Option<f64>,
    /// … but only with at least this many rated cases in the period. Default 3.
    pub satisfaction_min_rated: u32,
    /// Working days a 督办函 gives for rectification (整改). Default 10.
    pub rectify_days: u32,
}

impl Default for LetterRules {
    fn default() -> Self {
        LetterRules {
            reminder_after: Some(1),
            warning_after: Some(2),
            supervision_after: Some(3),
            bottom: 1,
            satisfaction_below: Some(0.8),
            satisfaction_min_rated: 3,
            rectify_days: 10,
        }
    }
}

impl LetterRules {
    /// Checks an administrator's input: streak thresholds 1–52 and non-decreasing from
    /// 提醒函 to 督办函; `bottom` 1–10; the satisfaction line in (0, 1]; `rectify_days` 1–60.
    /// Errors `validation.range` / `validation.assess.letter_order`, field `letter_rules.<name>`.
    pub fn validate(&self) -> Result<(), DomainError> {
        let thresholds = [
            (self.reminder_after, "letter_rules.reminder_after", "提醒函"),
            (self.warning_after, "letter_rules.warning_after", "预警函"),
            (
                self.supervision_after,
                "letter_rules.supervision_after",
                "督办函",
            ),
        ];
        let mut previous: Option<(u32, &str)> = None;
        for (n, field, label) in thresholds {
            let Some(n) = n else { continue };
            if !(1..=52).contains(&n) {
                return Err(DomainError::new(
                    field,
                    "validation.range",
                    format!("发{label}所需的连续末位期数应为 1 到 52"),
                ));
            }
            if let Some((p, plabel)) = previous
                && n < p
            {
                return Err(DomainError::new(
                    field,
                    "validation.assess.letter_order",
                    format!("发{label}所需的连续末位期数（{n}）不能少于{plabel}（{p}）"),
                ));
            }
            previous = Some((n, label));
        }
        if !(1..=10).contains(&self.bottom) {
            return Err(DomainError::new(
                "letter_rules.bottom",
                "validation.range",
                "末位名次数应为 1 到 10",
            ));
        }
        if let Some(line) = self.satisfaction_below
            && !(line.is_finite() && line > 0.0 && line <= 1.0)
        {
            return Err(DomainError::new(
                "letter_rules.satisfaction_below",
                "validation.range",
                "满意率预警线应大于 0% 且不超过 100%",
            ));
        }
        if !(1..=60).contains(&self.rectify_days) {
            return Err(DomainError::new(
                "letter_rules.rectify_days",
                "validation.range",
                "整改期限应为 1 到 60 个工作日",
            ));
        }
        Ok(())
    }
}

/// A unit's result in one period: its rank (`None`: not ranked) among `of` ranked units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub rank: Option<u32>,
    pub of: u32,
}

impl Standing {
    /// In the last `bottom` places of a group of more than `bottom` ranked units (a unit alone in
    /// its group, or a group no larger than the bottom, has no 末位).
    pub fn is_bottom(&self, bottom: u32) -> bool {
        self.of > bottom
            && self
                .rank
                .is_some_and(|r| r <= self.of && r > self.of - bottom)
    }
}

impl From<&RankRow> for Standing {
    fn from(r: &RankRow) -> Self {
        Standing {
            rank: r.rank,
            of: r.of,
        }
    }
}

/// What a unit earns this period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterDecision {
    pub tier: LetterTier,
    /// Why, in Chinese, for the letter's body (“连续 3 期排名末位（本期第 12 名，共 12 名）”).
    pub reason: String,
    /// Consecutive periods in the bottom places, this one included.
    pub bottom_streak: u32,
    /// Working days to rectify — for a 督办函 only.
    pub rectify_days: Option<u32>,
}

fn percent(x: f64) -> String {
    let s = format!("{:.1}", x * 100.0);
    format!("{}%", s.strip_suffix(".0").unwrap_or(&s))
}

/// The letter a unit earns: `history` is its standing per period, **most recent first** (the
/// period just ranked at `[0]`), `metrics` its figures of that period.
///
/// The bottom streak is the number of consecutive periods, from the most recent, in the bottom
/// places; the highest tier whose threshold the streak reaches applies. A 满意率 below the line
/// (with enough rated cases) raises the tier to at least 预警函. `None`: no letter.
pub fn letter_tier(
    history: &[Standing],
    metrics: &UnitMetrics,
    rules: &LetterRules,
) -> Option<LetterDecision> {
    let streak = history
        .iter()
        .take_while(|s| s.is_bottom(rules.bottom))
        .count();
    let streak = u32::try_from(streak).unwrap_or(u32::MAX);
    let by_streak = [
        (rules.reminder_after, LetterTier::Reminder),
        (rules.warning_after, LetterTier::Warning),
        (rules.supervision_after, LetterTier::Supervision),
    ]
    .into_iter()
    .filter(|(n, _)| n.is_some_and(|n| streak >= n))
    .map(|(_, t)| t)
    .max();

    let sat = metrics.satisfied;
    let low_satisfaction = match (rules.satisfaction_below, sat.rate()) {
        (Some(line), Some(rate)) if sat.denominator() >= rules.satisfaction_min_rated.max(1) => {
            (rate < line).then_some((rate, line))
        }
        _ => None,
    };
    let by_satisfaction = low_satisfaction.map(|_| LetterTier::Warning);
    let tier = by_streak.max(by_satisfaction)?;

    let mut reasons = Vec::new();
    if by_streak.is_some() {
        let place = if rules.bottom == 1 {
            "末位".to_string()
        } else {
            format!("后 {} 位", rules.bottom)
        };
        let now = history[0];
        let rank = now.rank.unwrap_or(0);
        reasons.push(if streak == 1 {
            format!("本期排名{place}（第 {rank} 名，共 {} 名）", now.of)
        } else {
            format!(
                "连续 {streak} 期排名{place}（本期第 {rank} 名，共 {} 名）",
                now.of
            )
        });
    }
    if let Some((rate, line)) = low_satisfaction {
        reasons.push(format!(
            "满意率 {} 低于 {}（评价 {} 件）",
            percent(rate),
            percent(line),
            sat.denominator()
        ));
    }
    Some(LetterDecision {
        tier,
        reason: reasons.join("；"),
        bottom_streak: streak,
        rectify_days: (tier == LetterTier::Supervision).then_some(rules.rectify_days),
    })
}

/// The rectification deadline of a letter issued at `issued_at`: the close of office hours on the
/// `days`-th working day after the day of issue (Beijing time), as for case deadlines.
pub fn rectification_due(
    calendar: &WorkCalendar,
    issued_at: OffsetDateTime,
    days: u32,
) -> OffsetDateTime {
    let day = issued_at.to_offset(BEIJING).date();
    end_of_working_day(calendar, calendar.add_workdays(day, days))
}

/// A document number (发文字号, GB/T 9704): 发文机关代字 + year in 六角括号 〔〕 + sequence + 号,
/// e.g. `经开督〔2025〕12号`. The sequence has no leading zeros and no 第.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocNo {
    prefix: String,
    year: i32,
    seq: u32,
}

/// Brackets people type instead of 〔〕, accepted by [`DocNo::parse`].
const BRACKETS: [(char, char); 6] = [
    ('〔', '〕'),
    ('[', ']'),
    ('［', '］'),
    ('【', '】'),
    ('(', ')'),
    ('（', '）'),
];

fn doc_no_error(message: String) -> DomainError {
    DomainError::new("doc_no", "validation.doc_no", message)
}

impl DocNo {
    /// Checks the parts: the prefix (代字) 1–20 characters, no whitespace, brackets or control
    /// characters, not ending in a digit; year 1900–9999; sequence 1–999999. Errors
    /// `validation.doc_no`, field `doc_prefix` for the prefix, `doc_no` otherwise.
    pub fn new(prefix: &str, year: i32, seq: u32) -> Result<DocNo, DomainError> {
        let prefix = prefix.trim();
        let n = prefix.chars().count();
        let bad_char = prefix.chars().any(|c| {
            c.is_whitespace()
                || c.is_control()
                || c == '号'
                || BRACKETS.iter().any(|(o, cl)| c == *o || c == *cl)
        });
        if n == 0 || n > 20 || bad_char || prefix.ends_with(|c: char| c.is_ascii_digit()) {
            return Err(DomainError::new(
                "doc_prefix",
                "validation.doc_no",
                format!(
                    "发文字号前缀“{prefix}”应为 1 到 20 个字符，不含空格、括号或“号”，且不以数字结尾"
                ),
            ));
        }
        if !(1900..=9999).contains(&year) {
            return Err(doc_no_error(format!(
                "发文字号年份应为四位数（当前 {year}）"
            )));
        }
        if !(1..=999_999).contains(&seq) {
            return Err(doc_no_error(format!(
                "发文字号序号应为 1 到 999999（当前 {seq}）"
            )));
        }
        Ok(DocNo {
            prefix: prefix.to_string(),
            year,
            seq,
        })
    }

    /// Reads `经开督〔2025〕12号`; also accepts `[ ]`, `［ ］`, `【 】`, `( )`, `（ ）` for the
    /// brackets and a missing 号 (written back with 〔〕 and 号).
    pub fn parse(input: &str) -> Result<DocNo, DomainError> {
        let s = input.trim();
        let bad = || doc_no_error(format!("发文字号“{s}”格式应为 经开督〔2025〕12号"));
        let body = s.strip_suffix('号').unwrap_or(s);
        let (open_at, close) = BRACKETS
            .iter()
            .filter_map(|(o, c)| body.rfind(*o).map(|i| (i, *c)))
            .max_by_key(|(i, _)| *i)
            .ok_or_else(bad)?;
        let prefix = &body[..open_at];
        let rest = &body[open_at..];
        let rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
        let (year, seq) = rest.split_once(close).ok_or_else(bad)?;
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || !digits(seq) || seq.starts_with('0') {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        DocNo::new(prefix, year, seq)
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl fmt::Display for DocNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}〔{}〕{}号", self.prefix, self.year, self.seq)
    }
}

/// `经开督〔2025〕12号` from its parts; see [`DocNo::new`] for the checks.
pub fn format_doc_no(prefix: &str, year: i32, seq: u32) -> Result<String, DomainError> {
    DocNo::new(prefix, year, seq).map(|d| d.to_string())
}
