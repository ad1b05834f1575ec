//! # jiban-assess — the assessment of units (考核评价)
//!
//! “每天推送数据、每周通报排名”: per unit and period, the figures of the closed loop, a composite
//! score, a ranking per unit type with the movement since the last period, and the warning-letter
//! tier each unit earns. Pure: no I/O, no `async`, no database, no clock (every “now” is
//! [`Period::as_of`]). The definitions, with their formulas, are in `docs/ASSESSMENT.md`.
//!
//! - [`UnitCaseFacts`] — one row per (case, unit assignment), as the store produces it.
//! - [`unit_metrics`] — 收件数, 签收及时率, 按期办结率, 解决率, 满意率, 退单率, 重办率, 当前超期,
//!   平均办理时长; exempted cases and merged duplicates left out and listed; every ratio with its
//!   numerator and denominator ([`Ratio`]), `None` when there is nothing to count; one
//!   [`CaseLine`] per counted row for the drill-down.
//! - [`composite`] — 0–100 from the administrator's [`Weights`].
//! - [`rank`] — per unit type, deterministic tie-break, [`Movement`] since the last period.
//! - [`letter_tier`] — 提醒函 / 预警函 / 督办函 from the ranking history ([`LetterRules`]);
//!   [`rectification_due`]; [`DocNo`] — `经开督〔2025〕12号`.
//!
//! ```
//! use jiban_assess::{DocNo, format_doc_no};
//! assert_eq!(format_doc_no("经开督", 2025, 12).unwrap(), "经开督〔2025〕12号");
//! assert_eq!(DocNo::parse("经开督[2025]12号").unwrap().to_string(), "经开督〔2025〕12号");
//! ```

mod codes;
mod facts;
mod letters;
mod metrics;
mod rank;
mod weights;

pub use facts::{Period, UnitCaseFacts, UnitId};
pub use letters::{
    DocNo, LetterDecision, LetterRules, LetterTier, Standing, format_doc_no, letter_tier,
    rectification_due,
};
pub use metrics::{
    CaseLine, ExemptedCase, HandlingTime, MergedCase, Metric, Part, Ratio, SatisfactionRate,
    UnitMetrics, composite, metrics_by_unit, unit_metrics,
};
pub use rank::{Movement, RankRow, rank, rank_group};
pub use weights::{MAX_WEIGHT, Weights};
