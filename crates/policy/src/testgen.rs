//! Test data shared by the unit tests of the crate and its integration tests (which include
//! this file with `#[path]` from `tests/common/mod.rs`): the test catalog and proptest
//! generators of rules and facts. Paths go through `jiban_policy::`, which the crate also names
//! itself in test builds (`extern crate self as jiban_policy` in `lib.rs`).

use jiban_core::size::SizeClass;
use jiban_policy::{Catalog, Facts, Rule};
use proptest::prelude::*;
use time::Date;
use time::macros::date;

pub const TODAY: Date = date!(2025 - 06 - 01);

pub fn catalog() -> Catalog {
    let pairs = |v: &[(&str, &str)]| {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect::<Vec<_>>()
    };
    Catalog {
        tags: [
            "高新技术企业",
            "专精特新",
            "科技型中小企业",
            "规上企业",
            "外资企业",
            "上市企业",
            "小巨人",
        ]
        .map(String::from)
        .to_vec(),
        streets: pairs(&[
            ("YL-S01", "阳林街道"),
            ("YL-S02", "东湖街道"),
            ("YL-S03", "西岭街道"),
            ("YL-S04", "南港街道"),
        ]),
        indicators: pairs(&[
            ("fgl", "复工率"),
            ("ydhfl", "用电恢复率"),
            ("kphfl", "开票恢复率"),
            ("zgrs", "在岗人数"),
            ("ydl", "用电量"),
            ("kpe", "开票额"),
            ("nsje", "纳税金额"),
        ]),
        bands: pairs(&[
            ("green", "绿"),
            ("blue", "蓝"),
            ("yellow", "黄"),
            ("orange", "橙"),
            ("red", "红"),
        ]),
    }
}

pub fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

pub fn opt_bounds(vals: &'static [f64]) -> impl Strategy<Value = (Option<f64>, Option<f64>)> {
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

pub const COUNTS: &[f64] = &[0.0, 10.0, 45.0, 50.0, 100.0, 1000.0, 2000.0];
pub const RATIOS: &[f64] = &[-0.5, 0.0, 0.02, 0.03, 0.062, 0.1, 1.0];
pub const YEARS: &[f64] = &[0.0, 0.5, 1.0, 2.75, 3.0, 5.0];
pub const IND: &[f64] = &[0.5, 0.75, 0.8, 1.0];

pub fn subset(all: Vec<String>) -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(all.clone(), 1..=3.min(all.len()))
}

pub fn leaf_rule() -> impl Strategy<Value = Rule> {
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

pub fn rule() -> impl Strategy<Value = Rule> {
    leaf_rule().prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 1..5).prop_map(|rules| Rule::All { rules }),
            proptest::collection::vec(inner.clone(), 1..5).prop_map(|rules| Rule::Any { rules }),
            inner.prop_map(|r| Rule::Not { rule: Box::new(r) }),
        ]
    })
}

pub fn facts() -> impl Strategy<Value = Facts> {
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
