#![allow(dead_code)]

#[path = "../../src/testgen.rs"]
mod testgen;
pub use testgen::*;

use jiban_core::size::SizeClass;
use jiban_policy::{Condition, Facts, Rule};
use time::macros::date;

/// 一家小型电子制造企业：45 人，营收 1062 万元（上年 1000），研发 21.24 万元，成立于 2022-09-01。
pub fn acme() -> Facts {
    Facts {
        industry_code: "C3911".into(),
        size_class: SizeClass::Small,
        street: Some("YL-S01".into()),
        tags: vec!["高新技术企业".into()],
        founded_on: Some(date!(2022 - 09 - 01)),
        employees: Some(45.0),
        revenue_wan: Some(1062.0),
        revenue_last_year_wan: Some(1000.0),
        rd_spend_wan: Some(21.24),
        indicators: [("fgl".to_string(), 0.75)].into_iter().collect(),
        band: Some("blue".into()),
        serious_hazards: 0,
    }
}

/// The single condition of a leaf rule, after checking the rule is valid.
pub fn leaf(rule: &Rule, facts: &Facts) -> Condition {
    rule.validate(&catalog()).unwrap();
    let e = rule.explain(facts, TODAY, &catalog());
    assert_eq!(e.conditions.len(), 1, "{e:?}");
    let c = e.conditions[0].clone();
    assert_eq!(e.pass, c.pass);
    assert_eq!(e.failing_count(), usize::from(!c.pass));
    assert_eq!(e.almost(), !c.pass);
    c
}

/// Asserts a failing leaf with its exact texts.
#[track_caller]
pub fn fails(c: &Condition, label: &str, actual: &str, needed: &str) {
    assert!(!c.pass, "{c:?}");
    assert_eq!(c.label, label);
    assert_eq!(c.actual, actual);
    assert_eq!(c.needed.as_deref(), Some(needed));
}

#[track_caller]
pub fn passes(c: &Condition, label: &str, actual: &str) {
    assert!(c.pass, "{c:?}");
    assert!(!c.missing);
    assert_eq!(c.label, label);
    assert_eq!(c.actual, actual);
    assert_eq!(c.needed, None);
}
