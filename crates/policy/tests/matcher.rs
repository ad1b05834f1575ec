mod common;

use common::*;
use jiban_core::size::SizeClass;
use jiban_policy::{Catalog, Facts, Matcher, Rule};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use time::Date;
use time::macros::date;

fn opt_bounds(vals: &'static [f64]) -> impl Strategy<Value = (Option<f64>, Option<f64>)> {
    (
        proptest::option::of(proptest::sample::select(vals)),
        proptest::option::of(proptest::sample::select(vals)),
    )
        .prop_map(|(a, b)| match (a, b) {
            (None, None) => (Some(vals[1]), None),
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            x => x,
        })
}

const COUNTS: &[f64] = &[0.0, 10.0, 45.0, 50.0, 100.0, 1000.0, 2000.0];
const RATIOS: &[f64] = &[-0.5, 0.0, 0.02, 0.03, 0.062, 0.1, 1.0];
const YEARS: &[f64] = &[0.0, 0.5, 1.0, 2.75, 3.0, 5.0];
const IND: &[f64] = &[0.5, 0.75, 0.8, 1.0];

fn subset(all: Vec<String>) -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(all.clone(), 1..=3.min(all.len()))
}

fn leaf() -> impl Strategy<Value = Rule> {
    let cat = catalog();
    let tags = cat.tags.clone();
    let streets: Vec<String> = cat.streets.iter().map(|s| s.0.clone()).collect();
    let bands: Vec<String> = cat.bands.iter().map(|s| s.0.clone()).collect();
    let inds: Vec<String> = cat.indicators.iter().map(|s| s.0.clone()).take(3).collect();
    prop_oneof![
        proptest::sample::subsequence(s(&["C", "C39", "C3911", "I65", "65", "A", "38"]), 1..=3)
            .prop_map(|prefixes| Rule::Industry { prefixes }),
        proptest::sample::subsequence(SizeClass::ALL.to_vec(), 1..=3)
            .prop_map(|classes| Rule::Size { classes }),
        subset(streets).prop_map(|streets| Rule::Street { streets }),
        subset(tags.clone()).prop_map(|tags| Rule::TagsAll { tags }),
        subset(tags.clone()).prop_map(|tags| Rule::TagsAny { tags }),
        subset(tags).prop_map(|tags| Rule::TagsNone { tags }),
        opt_bounds(YEARS).prop_map(|(min, max)| Rule::FoundedYears { min, max }),
        opt_bounds(COUNTS).prop_map(|(min, max)| Rule::Employees { min, max }),
        opt_bounds(COUNTS).prop_map(|(min, max)| Rule::Revenue { min, max }),
        opt_bounds(RATIOS).prop_map(|(min, max)| Rule::RevenueGrowth { min, max }),
        opt_bounds(RATIOS).prop_map(|(min, max)| Rule::RdIntensity { min, max }),
        (proptest::sample::select(inds), opt_bounds(IND))
            .prop_map(|(code, (min, max))| Rule::Indicator { code, min, max }),
        subset(bands).prop_map(|bands| Rule::Band { bands }),
        Just(Rule::NoSeriousHazard),
    ]
}

fn rule() -> impl Strategy<Value = Rule> {
    leaf().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..5).prop_map(|rules| Rule::All { rules }),
            proptest::collection::vec(inner.clone(), 1..5).prop_map(|rules| Rule::Any { rules }),
            inner.prop_map(|r| Rule::Not { rule: Box::new(r) }),
        ]
    })
}

fn facts() -> impl Strategy<Value = Facts> {
    let mut tag_pool = catalog().tags;
    tag_pool.push("非目录标签".into());
    let num = |vals: &'static [f64]| {
        prop_oneof![
            1 => Just(None),
            1 => Just(Some(f64::NAN)),
            6 => proptest::sample::select(vals).prop_map(Some),
        ]
    };
    let dates: Vec<Date> = vec![
        date!(2025 - 06 - 01),
        date!(2024 - 06 - 01),
        date!(2022 - 09 - 01),
        date!(2022 - 06 - 01),
        date!(2020 - 02 - 29),
        date!(2026 - 01 - 01),
    ];
    (
        proptest::sample::select(s(&[
            "C3911", "C3811", "I6513", "6513", "", "C", "A0111", "XYZ",
        ])),
        proptest::sample::select(SizeClass::ALL.to_vec()),
        proptest::option::of(proptest::sample::select(s(&[
            "YL-S01", "YL-S02", "YL-S03", "YL-S04", "ZZ",
        ]))),
        proptest::sample::subsequence(tag_pool.clone(), 0..=4),
        proptest::option::of(proptest::sample::select(dates)),
        (
            num(COUNTS),
            num(COUNTS),
            num(&[0.0, 500.0, 1000.0]),
            num(&[0.0, 10.0, 30.0, 50.0]),
        ),
        proptest::collection::hash_map(
            proptest::sample::select(s(&["fgl", "ydhfl", "kphfl", "zz"])),
            prop_oneof![proptest::sample::select(IND), Just(f64::NAN)],
            0..4,
        ),
        proptest::option::of(proptest::sample::select(s(&[
            "green", "blue", "yellow", "orange", "red", "purple",
        ]))),
        0u32..3,
    )
        .prop_map(
            |(
                industry_code,
                size_class,
                street,
                tags,
                founded_on,
                (employees, revenue_wan, revenue_last_year_wan, rd_spend_wan),
                indicators,
                band,
                serious_hazards,
            )| Facts {
                industry_code,
                size_class,
                street,
                tags,
                founded_on,
                employees,
                revenue_wan,
                revenue_last_year_wan,
                rd_spend_wan,
                indicators,
                band,
                serious_hazards,
            },
        )
}

fn by_explain(items: &[(u32, Rule)], f: &Facts, cat: &Catalog) -> Vec<u32> {
    items
        .iter()
        .filter(|(_, r)| r.explain(f, TODAY, cat).pass)
        .map(|(id, _)| *id)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn matcher_agrees_with_explain(rules in proptest::collection::vec(rule(), 1..12), fs in proptest::collection::vec(facts(), 1..6)) {
        let cat = catalog();
        let items: Vec<(u32, Rule)> = rules.into_iter().enumerate().map(|(i, r)| (i as u32 * 7 + 3, r)).collect();
        for (_, r) in &items {
            prop_assert!(r.validate(&cat).is_ok(), "{:?}", r);
        }
        let m = Matcher::new(&items, &cat).unwrap();
        for f in &fs {
            let c = m.compact(f, TODAY);
            let fast: Vec<u32> = m.matches(&c).collect();
            prop_assert_eq!(&fast, &by_explain(&items, f, &cat), "facts {:?}", f);
            for (i, (_, r)) in items.iter().enumerate() {
                prop_assert_eq!(m.matches_item(i, &c), r.explain(f, TODAY, &cat).pass);
            }
        }
    }

    #[test]
    fn explain_counts_are_consistent(r in rule(), f in facts()) {
        let e = r.explain(&f, TODAY, &catalog());
        prop_assert_eq!(e.pass, e.failing_count() == 0);
        prop_assert!(e.failing_count() <= e.failing().count());
        for c in &e.conditions {
            prop_assert_eq!(c.needed.is_some(), !c.pass && !c.group);
            if c.missing { prop_assert!(!c.pass); }
        }
    }
}

#[test]
fn prefilter_edges() {
    let cat = catalog();
    let not = |r: Rule| Rule::Not { rule: Box::new(r) };
    let items = vec![
        (
            1,
            not(Rule::Street {
                streets: s(&["YL-S02"]),
            }),
        ),
        (
            2,
            Rule::All {
                rules: vec![
                    Rule::Street {
                        streets: s(&["YL-S01"]),
                    },
                    Rule::Size {
                        classes: vec![SizeClass::Small],
                    },
                ],
            },
        ),
        (
            3,
            not(Rule::Any {
                rules: vec![
                    Rule::Band { bands: s(&["red"]) },
                    Rule::Size {
                        classes: vec![SizeClass::Large],
                    },
                ],
            }),
        ),
        (
            4,
            Rule::TagsAll {
                tags: s(&["高新技术企业", "专精特新"]),
            },
        ),
        (
            5,
            not(Rule::TagsAll {
                tags: s(&["专精特新"]),
            }),
        ),
    ];
    let m = Matcher::new(&items, &cat).unwrap();
    assert_eq!(m.len(), 5);
    let run = |f: &Facts| m.matches(&m.compact(f, TODAY)).collect::<Vec<_>>();
    let mut f = acme();
    assert_eq!(run(&f), [1, 2, 3, 5]);
    f.street = Some("ZZ".into()); // given, not in the catalog
    assert_eq!(run(&f), [1, 3, 5]);
    f.street = None; // unknown: a negated street fails too
    f.band = Some("red".into());
    f.tags = s(&["专精特新", "高新技术企业"]);
    assert_eq!(run(&f), [4]);
    f.band = None;
    assert_eq!(run(&f), [4]);
    for (id, r) in &items {
        assert_eq!(
            run(&f).contains(id),
            r.explain(&f, TODAY, &cat).pass,
            "{id}"
        );
    }
}

#[test]
fn matcher_rejects_invalid_items() {
    let e = Matcher::new(
        &[(
            42,
            Rule::TagsAll {
                tags: s(&["独角兽"]),
            },
        )],
        &catalog(),
    )
    .unwrap_err();
    assert_eq!(e.code, "validation.policy_rule");
    assert_eq!(e.message, "条目 42：标签“独角兽”不在标签目录中");
    let mut big = catalog();
    big.tags = (0..129).map(|i| format!("t{i}")).collect();
    assert_eq!(
        Matcher::new(&[], &big).unwrap_err().code,
        "validation.policy_catalog"
    );
}

#[test]
fn deterministic() {
    let cat = catalog();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let rules: Vec<(u32, Rule)> = (0..200)
        .map(|i| (i, rule().new_tree(&mut runner).unwrap().current()))
        .collect();
    let fs: Vec<Facts> = (0..200)
        .map(|_| facts().new_tree(&mut runner).unwrap().current())
        .collect();
    let a = Matcher::new(&rules, &cat).unwrap();
    let b = Matcher::new(&rules, &cat).unwrap();
    for f in &fs {
        let ra: Vec<u32> = a.matches(&a.compact(f, TODAY)).collect();
        let rb: Vec<u32> = b.matches(&b.compact(f, TODAY)).collect();
        assert_eq!(ra, rb);
        // tag order does not matter
        let mut g = f.clone();
        g.tags.reverse();
        let rg: Vec<u32> = a.matches(&a.compact(&g, TODAY)).collect();
        assert_eq!(ra, rg);
        for (_, r) in rules.iter().take(20) {
            let e1 = serde_json::to_string(&r.explain(f, TODAY, &cat)).unwrap();
            let e2 = serde_json::to_string(&r.explain(f, TODAY, &cat)).unwrap();
            assert_eq!(e1, e2);
        }
    }
}
