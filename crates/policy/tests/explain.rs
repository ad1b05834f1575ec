mod common;

use common::*;
use jiban_core::size::SizeClass;
use jiban_policy::Rule;

fn all(rules: Vec<Rule>) -> Rule {
    Rule::All { rules }
}
fn any(rules: Vec<Rule>) -> Rule {
    Rule::Any { rules }
}
fn not(rule: Rule) -> Rule {
    Rule::Not {
        rule: Box::new(rule),
    }
}
fn emp(min: Option<f64>, max: Option<f64>) -> Rule {
    Rule::Employees { min, max }
}

#[test]
fn industry() {
    let f = acme();
    let r = Rule::Industry {
        prefixes: s(&["C"]),
    };
    passes(
        &leaf(&r, &f),
        "行业属于 C 制造业",
        "C3911（计算机、通信和其他电子设备制造业）",
    );
    let r = Rule::Industry {
        prefixes: s(&["39"]),
    };
    passes(
        &leaf(&r, &f),
        "行业属于 C39 计算机、通信和其他电子设备制造业",
        "C3911（计算机、通信和其他电子设备制造业）",
    );
    let r = Rule::Industry {
        prefixes: s(&["I65", "C38"]),
    };
    fails(
        &leaf(&r, &f),
        "行业属于 I65 软件和信息技术服务业 或 C38 电气机械和器材制造业",
        "C3911（计算机、通信和其他电子设备制造业）",
        "行业须属于 I65 软件和信息技术服务业 或 C38 电气机械和器材制造业",
    );
    // a facts code without its letter is read with it
    let mut g = acme();
    g.industry_code = "6513".into();
    assert!(leaf(&r, &g).pass);
    // prefix deeper than the code does not match
    let r = Rule::Industry {
        prefixes: s(&["C3912"]),
    };
    assert!(!leaf(&r, &f).pass);
    // missing
    g.industry_code = String::new();
    let c = leaf(
        &Rule::Industry {
            prefixes: s(&["C"]),
        },
        &g,
    );
    assert!(c.missing);
    fails(&c, "行业属于 C 制造业", "未填报", "须填报行业代码");
}

#[test]
fn size() {
    let f = acme();
    let r = Rule::Size {
        classes: vec![SizeClass::Small, SizeClass::Micro],
    };
    passes(&leaf(&r, &f), "规模为 小型 或 微型", "小型");
    let r = Rule::Size {
        classes: vec![SizeClass::Micro],
    };
    fails(&leaf(&r, &f), "规模为 微型", "小型", "规模须为 微型");
}

#[test]
fn street() {
    let mut f = acme();
    passes(
        &leaf(
            &Rule::Street {
                streets: s(&["YL-S01"]),
            },
            &f,
        ),
        "所在街道为 阳林街道",
        "阳林街道",
    );
    let r = Rule::Street {
        streets: s(&["YL-S02", "YL-S03"]),
    };
    fails(
        &leaf(&r, &f),
        "所在街道为 东湖街道 或 西岭街道",
        "阳林街道",
        "所在街道须为 东湖街道 或 西岭街道",
    );
    f.street = None;
    let c = leaf(&r, &f);
    assert!(c.missing);
    fails(
        &c,
        "所在街道为 东湖街道 或 西岭街道",
        "未填报",
        "须填报所在街道",
    );
    // missing fails a negated street too
    let c = leaf(&not(r), &f);
    assert!(c.missing && !c.pass);
    assert_eq!(c.label, "不得：所在街道为 东湖街道 或 西岭街道");
}

#[test]
fn tags() {
    let f = acme();
    let r = Rule::TagsAll {
        tags: s(&["高新技术企业", "专精特新"]),
    };
    fails(
        &leaf(&r, &f),
        "标签含 高新技术企业 和 专精特新",
        "高新技术企业",
        "还需取得 专精特新",
    );
    let r = Rule::TagsAll {
        tags: s(&["高新技术企业"]),
    };
    passes(&leaf(&r, &f), "标签含 高新技术企业", "高新技术企业");
    let r = Rule::TagsAny {
        tags: s(&["专精特新", "小巨人"]),
    };
    fails(
        &leaf(&r, &f),
        "标签含 专精特新 或 小巨人",
        "高新技术企业",
        "须取得 专精特新 或 小巨人 之一",
    );
    let r = Rule::TagsAny {
        tags: s(&["专精特新", "高新技术企业"]),
    };
    assert!(leaf(&r, &f).pass);
    let r = Rule::TagsNone {
        tags: s(&["上市企业", "高新技术企业"]),
    };
    fails(
        &leaf(&r, &f),
        "标签不含 上市企业、高新技术企业",
        "高新技术企业",
        "须不具有 高新技术企业",
    );
    let mut g = acme();
    g.tags.clear();
    passes(&leaf(&r, &g), "标签不含 上市企业、高新技术企业", "无标签");
}

#[test]
fn founded_years() {
    let mut f = acme();
    let r = Rule::FoundedYears {
        min: Some(3.0),
        max: None,
    };
    fails(
        &leaf(&r, &f),
        "成立满 3 年",
        "2.75 年",
        "还需 92 天（2025-09-01 起成立满 3 年）",
    );
    passes(
        &leaf(
            &Rule::FoundedYears {
                min: Some(2.0),
                max: None,
            },
            &f,
        ),
        "成立满 2 年",
        "2.75 年",
    );
    let r = Rule::FoundedYears {
        min: None,
        max: Some(2.0),
    };
    fails(
        &leaf(&r, &f),
        "成立不超过 2 年",
        "2.75 年",
        "成立年限 ≤ 2 年（现 2.75 年）",
    );
    let r = Rule::FoundedYears {
        min: Some(1.0),
        max: Some(5.0),
    };
    passes(&leaf(&r, &f), "成立 1 至 5 年", "2.75 年");
    // exactly on the anniversary
    f.founded_on = Some(time::macros::date!(2022 - 06 - 01));
    passes(
        &leaf(
            &Rule::FoundedYears {
                min: Some(3.0),
                max: None,
            },
            &f,
        ),
        "成立满 3 年",
        "3 年",
    );
    f.founded_on = Some(time::macros::date!(2022 - 06 - 02));
    fails(
        &leaf(
            &Rule::FoundedYears {
                min: Some(3.0),
                max: None,
            },
            &f,
        ),
        "成立满 3 年",
        "3 年",
        "还需 1 天（2025-06-02 起成立满 3 年）",
    );
    f.founded_on = None;
    let c = leaf(&r, &f);
    assert!(c.missing);
    fails(&c, "成立 1 至 5 年", "未填报", "须填报成立日期");
}

#[test]
fn employees_and_revenue() {
    let mut f = acme();
    fails(
        &leaf(&emp(Some(50.0), None), &f),
        "从业人员 ≥ 50 人",
        "45 人",
        "再增加 5 人（≥ 50 人）",
    );
    fails(
        &leaf(&emp(None, Some(40.0)), &f),
        "从业人员 ≤ 40 人",
        "45 人",
        "须减少 5 人（≤ 40 人）",
    );
    passes(
        &leaf(&emp(Some(45.0), Some(45.0)), &f),
        "从业人员 45 人 至 45 人",
        "45 人",
    );
    let r = Rule::Revenue {
        min: Some(2000.0),
        max: None,
    };
    fails(
        &leaf(&r, &f),
        "营业收入 ≥ 2000 万元",
        "1062 万元",
        "再增加 938 万元（≥ 2000 万元）",
    );
    f.employees = None;
    let c = leaf(&emp(Some(50.0), None), &f);
    assert!(c.missing);
    fails(&c, "从业人员 ≥ 50 人", "未填报", "须填报从业人员");
    f.employees = Some(f64::NAN);
    assert!(leaf(&emp(Some(50.0), None), &f).missing);
}

#[test]
fn growth_and_rd() {
    let mut f = acme();
    let r = Rule::RevenueGrowth {
        min: Some(0.1),
        max: None,
    };
    fails(
        &leaf(&r, &f),
        "营业收入增长率 ≥ 10%",
        "6.2%",
        "营业收入增长率 ≥ 10%（现 6.2%）",
    );
    let r5 = Rule::RevenueGrowth {
        min: Some(0.05),
        max: Some(0.5),
    };
    passes(&leaf(&r5, &f), "营业收入增长率 5% 至 50%", "6.2%");
    let rd = Rule::RdIntensity {
        min: Some(0.03),
        max: None,
    };
    fails(
        &leaf(&rd, &f),
        "研发投入强度 ≥ 3%",
        "2%",
        "研发投入强度 ≥ 3%（现 2%）",
    );
    f.revenue_last_year_wan = Some(0.0);
    let c = leaf(&r, &f);
    assert!(c.missing);
    fails(
        &c,
        "营业收入增长率 ≥ 10%",
        "无法计算（上年营业收入为 0）",
        "须填报本年和上年营业收入（上年须大于 0）",
    );
    f.revenue_last_year_wan = None;
    assert_eq!(leaf(&r, &f).actual, "未填报");
    f.rd_spend_wan = None;
    let c = leaf(&rd, &f);
    assert!(c.missing);
    fails(
        &c,
        "研发投入强度 ≥ 3%",
        "未填报",
        "须填报研发费用和营业收入（营业收入须大于 0）",
    );
}

#[test]
fn indicator() {
    let f = acme();
    let r = Rule::Indicator {
        code: "fgl".into(),
        min: Some(0.8),
        max: None,
    };
    fails(
        &leaf(&r, &f),
        "复工率 ≥ 0.8",
        "0.75",
        "复工率 ≥ 0.8（现 0.75）",
    );
    let r = Rule::Indicator {
        code: "fgl".into(),
        min: None,
        max: Some(0.9),
    };
    passes(&leaf(&r, &f), "复工率 ≤ 0.9", "0.75");
    let r = Rule::Indicator {
        code: "ydhfl".into(),
        min: Some(0.8),
        max: None,
    };
    let c = leaf(&r, &f);
    assert!(c.missing);
    fails(&c, "用电恢复率 ≥ 0.8", "未填报", "须填报用电恢复率");
}

#[test]
fn band_and_hazard() {
    let mut f = acme();
    let r = Rule::Band {
        bands: s(&["green"]),
    };
    fails(&leaf(&r, &f), "五色图评级为 绿", "蓝", "五色图评级须为 绿");
    passes(
        &leaf(
            &Rule::Band {
                bands: s(&["green", "blue"]),
            },
            &f,
        ),
        "五色图评级为 绿 或 蓝",
        "蓝",
    );
    f.band = None;
    let c = leaf(&r, &f);
    assert!(c.missing);
    fails(
        &c,
        "五色图评级为 绿",
        "未评",
        "尚未评定五色图，须先完成评级",
    );
    passes(
        &leaf(&Rule::NoSeriousHazard, &f),
        "无未整改的重大安全隐患",
        "无",
    );
    f.serious_hazards = 2;
    fails(
        &leaf(&Rule::NoSeriousHazard, &f),
        "无未整改的重大安全隐患",
        "2 项未整改",
        "须整改完成 2 项重大安全隐患",
    );
}

#[test]
fn not_leaves() {
    let f = acme();
    passes(
        &leaf(
            &not(Rule::Size {
                classes: vec![SizeClass::Large],
            }),
            &f,
        ),
        "不得：规模为 大型",
        "小型",
    );
    fails(
        &leaf(
            &not(Rule::Size {
                classes: vec![SizeClass::Small],
            }),
            &f,
        ),
        "不得：规模为 小型",
        "小型",
        "规模须不为 小型",
    );
    fails(
        &leaf(&not(emp(Some(40.0), None)), &f),
        "不得：从业人员 ≥ 40 人",
        "45 人",
        "从业人员须低于 40 人（现 45 人）",
    );
    fails(
        &leaf(&not(emp(Some(40.0), Some(50.0))), &f),
        "不得：从业人员 40 人 至 50 人",
        "45 人",
        "从业人员须低于 40 人 或高于 50 人（现 45 人）",
    );
    fails(
        &leaf(
            &not(Rule::TagsAny {
                tags: s(&["高新技术企业", "上市企业"]),
            }),
            &f,
        ),
        "不得：标签含 高新技术企业 或 上市企业",
        "高新技术企业",
        "须不具有 高新技术企业",
    );
    // double negation is the rule itself
    assert_eq!(
        leaf(&not(not(emp(Some(50.0), None))), &f),
        leaf(&emp(Some(50.0), None), &f)
    );
    // a missing fact fails the negation too
    let mut g = acme();
    g.employees = None;
    let c = leaf(&not(emp(Some(50.0), None)), &g);
    assert!(c.missing && !c.pass);
    assert_eq!(c.needed.as_deref(), Some("须填报从业人员"));
}

#[test]
fn all_any_and_almost() {
    let f = acme();
    let cat = catalog();
    // one failing leaf: almost
    let r = all(vec![
        Rule::Size {
            classes: vec![SizeClass::Small, SizeClass::Micro],
        },
        Rule::TagsAll {
            tags: s(&["高新技术企业"]),
        },
        emp(Some(50.0), None),
    ]);
    r.validate(&cat).unwrap();
    let e = r.explain(&f, TODAY, &cat);
    assert!(!e.pass && e.almost());
    assert_eq!(e.failing_count(), 1);
    assert_eq!(e.conditions.len(), 3);
    assert!(e.conditions.iter().all(|c| c.depth == 0 && !c.group));
    let failing: Vec<_> = e.failing().map(|c| c.needed.clone().unwrap()).collect();
    assert_eq!(failing, ["再增加 5 人（≥ 50 人）"]);

    // three failing: not almost
    let r = all(vec![
        emp(Some(50.0), None),
        Rule::Revenue {
            min: Some(2000.0),
            max: None,
        },
        Rule::Band {
            bands: s(&["green"]),
        },
    ]);
    let e = r.explain(&f, TODAY, &cat);
    assert_eq!((e.pass, e.failing_count(), e.almost()), (false, 3, false));

    // Any: smallest alternative; all alternatives listed under a header
    let r = all(vec![
        Rule::Size {
            classes: vec![SizeClass::Small],
        },
        any(vec![
            all(vec![
                emp(Some(50.0), None),
                Rule::Revenue {
                    min: Some(2000.0),
                    max: None,
                },
            ]),
            Rule::TagsAll {
                tags: s(&["专精特新"]),
            },
        ]),
    ]);
    r.validate(&cat).unwrap();
    let e = r.explain(&f, TODAY, &cat);
    assert!(!e.pass && e.almost());
    let rows: Vec<_> = e
        .conditions
        .iter()
        .map(|c| (c.depth, c.group, c.pass, c.label.as_str()))
        .collect();
    assert_eq!(
        rows,
        [
            (0, false, true, "规模为 小型"),
            (0, true, false, "满足以下任一项"),
            (1, true, false, "同时满足以下各项"),
            (2, false, false, "从业人员 ≥ 50 人"),
            (2, false, false, "营业收入 ≥ 2000 万元"),
            (1, false, false, "标签含 专精特新"),
        ]
    );

    // Any that passes through one alternative
    let r = any(vec![
        emp(Some(50.0), None),
        Rule::TagsAny {
            tags: s(&["高新技术企业"]),
        },
    ]);
    let e = r.explain(&f, TODAY, &cat);
    assert!(e.pass && !e.almost());
    assert_eq!(e.failing_count(), 0);
    assert_eq!(e.conditions[0].label, "满足以下任一项");
    assert!(e.conditions[0].pass && !e.conditions[1].pass && e.conditions[2].pass);

    // Not over All: De Morgan, alternatives each negated
    let r = not(all(vec![
        Rule::Size {
            classes: vec![SizeClass::Small],
        },
        emp(Some(40.0), None),
    ]));
    let e = r.explain(&f, TODAY, &cat);
    let labels: Vec<_> = e.conditions.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "满足以下任一项",
            "不得：规模为 小型",
            "不得：从业人员 ≥ 40 人"
        ]
    );
    assert_eq!((e.pass, e.failing_count()), (false, 1));

    // Not over Any: every alternative must fail
    let r = not(any(vec![
        Rule::Size {
            classes: vec![SizeClass::Large],
        },
        Rule::TagsAny {
            tags: s(&["高新技术企业"]),
        },
    ]));
    let e = r.explain(&f, TODAY, &cat);
    let labels: Vec<_> = e.conditions.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["不得：规模为 大型", "不得：标签含 高新技术企业"]);
    assert!(!e.pass && e.almost());

    // Kleene: Not(All(unknown, false)) passes, Not(All(unknown, true)) fails
    let mut g = acme();
    g.employees = None;
    let r = not(all(vec![
        emp(Some(10.0), None),
        Rule::Size {
            classes: vec![SizeClass::Large],
        },
    ]));
    assert!(r.explain(&g, TODAY, &cat).pass);
    let r = not(all(vec![
        emp(Some(10.0), None),
        Rule::Size {
            classes: vec![SizeClass::Small],
        },
    ]));
    let e = r.explain(&g, TODAY, &cat);
    assert!(!e.pass && e.failing_count() == 1);
}

#[test]
fn serde_shape() {
    let r = all(vec![
        Rule::NoSeriousHazard,
        emp(Some(50.0), None),
        not(Rule::TagsAny {
            tags: s(&["上市企业"]),
        }),
    ]);
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(
        json,
        r#"{"kind":"all","rules":[{"kind":"no_serious_hazard"},{"kind":"employees","min":50.0,"max":null},{"kind":"not","rule":{"kind":"tags_any","tags":["上市企业"]}}]}"#
    );
    assert_eq!(serde_json::from_str::<Rule>(&json).unwrap(), r);
    let r: Rule = serde_json::from_str(r#"{"kind":"size","classes":["small","微型"]}"#).unwrap();
    assert_eq!(
        r,
        Rule::Size {
            classes: vec![SizeClass::Small, SizeClass::Micro]
        }
    );
}
