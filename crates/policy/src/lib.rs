//! # jiban-policy — the policy calculator (政策计算器)
//!
//! Which benefits each enterprise qualifies for, and why or why not. Pure: no I/O, no `async`,
//! no database.
//!
//! - [`Rule`] — the eligibility language (JSON with a `kind` tag), checked against a
//!   [`Catalog`] by [`Rule::validate`].
//! - [`Rule::explain`] — one [`Condition`] per leaf with the actual value and what would pass
//!   (“再增加 5 人（≥ 50 人）”); [`Explanation::almost`] for “almost qualifies”.
//! - [`Amount`] — fixed or formula amounts (reusing [`jiban_core::formula`]), with cap and floor.
//! - [`Matcher`] — the boolean fast path: compiled programs over [`CompactFacts`], for matching
//!   every enterprise against every item. It agrees exactly with `explain(..).pass`.
//!   [`Matcher::match_batch`] gives the same pairs for many enterprises at once, item by item
//!   over columns of enterprises (the fast way to match a whole zone).
//!
//! Semantics: a leaf whose fact is unknown (not reported, NaN, or not computable, such as the
//! growth rate without last year's revenue) never passes, negated or not; `Not` is pushed down
//! to the leaves. Numeric bounds are inclusive (`min ≤ v ≤ max`).
//!
//! ```
//! use jiban_policy::{Catalog, Facts, Rule};
//! use jiban_core::size::SizeClass;
//! let rule: Rule = serde_json::from_str(r#"{"kind":"employees","min":50,"max":null}"#).unwrap();
//! let facts = Facts {
//!     industry_code: "C3911".into(), size_class: SizeClass::Small, street: None, tags: vec![],
//!     founded_on: None, employees: Some(45.0), revenue_wan: None, revenue_last_year_wan: None,
//!     rd_spend_wan: None, indicators: Default::default(), band: None, serious_hazards: 0,
//! };
//! let e = rule.explain(&facts, time::macros::date!(2025 - 06 - 01), &Catalog::default());
//! assert!(!e.pass && e.almost());
//! assert_eq!(e.conditions[0].label, "从业人员 ≥ 50 人");
//! assert_eq!(e.conditions[0].needed.as_deref(), Some("再增加 5 人（≥ 50 人）"));
//! ```

mod amount;
mod batch;
mod explain;
mod matcher;
mod model;
#[cfg(test)]
pub(crate) mod testgen;
mod validate;

/// Lets [`testgen`], which the integration tests include too, name this crate the same way.
#[cfg(test)]
extern crate self as jiban_policy;

pub use amount::{AMOUNT_CODE, AMOUNT_FIELD, AMOUNT_NAMES, Amount};
pub use explain::{Condition, Explanation};
pub use matcher::{CompactFacts, ItemId, MAX_CODES, MAX_TAGS, Matcher};
pub use model::{Catalog, Facts, Rule};
pub use validate::{CODE as RULE_CODE, FIELD as RULE_FIELD, MAX_DEPTH};
