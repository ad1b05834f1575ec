mod common;

use common::*;
use jiban_core::size::SizeClass;
use jiban_policy::{Catalog, Facts, Matcher, Rule};
use proptest::prelude::*;
use proptest::strategy::ValueTree;

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
