mod common;

use common::*;
use jiban_core::size::SizeClass;
use jiban_policy::{Amount, Rule};

fn err(r: &Rule) -> String {
    let e = r.validate(&catalog()).unwrap_err();
    assert_eq!(e.field, "rules");
    assert_eq!(e.code, "validation.policy_rule");
    e.message
}

fn all(rules: Vec<Rule>) -> Rule {
    Rule::All { rules }
}

#[test]
fn validation_of_each_kind() {
    let emp = Rule::Employees {
        min: Some(1.0),
        max: None,
    };
    assert_eq!(
        err(&all(vec![
            emp.clone(),
            all(vec![Rule::TagsAll {
                tags: s(&["独角兽"])
            }])
        ])),
        "第 2 条条件的第 1 项：标签“独角兽”不在标签目录中"
    );
    assert_eq!(err(&Rule::TagsAny { tags: vec![] }), "标签不能为空");
    assert_eq!(
        err(&Rule::TagsNone { tags: s(&["x"]) }),
        "标签“x”不在标签目录中"
    );
    assert_eq!(err(&all(vec![])), "条件组不能为空");
    assert_eq!(
        err(&all(vec![Rule::Any { rules: vec![] }])),
        "第 1 条条件：条件组不能为空"
    );
    assert_eq!(
        err(&Rule::Industry { prefixes: vec![] }),
        "行业范围不能为空"
    );
    for bad in ["U", "C3", "C39111", "X39", "A39", "99", "", "c 39"] {
        let m = err(&Rule::Industry {
            prefixes: s(&[bad]),
        });
        assert!(
            m.starts_with(&format!("行业代码“{}”不正确", bad.trim())),
            "{bad}: {m}"
        );
    }
    for good in ["C", "C39", "I65", "3911", "65", "C3911", "T"] {
        Rule::Industry {
            prefixes: s(&[good]),
        }
        .validate(&catalog())
        .unwrap();
    }
    assert_eq!(err(&Rule::Size { classes: vec![] }), "企业规模不能为空");
    Rule::Size {
        classes: vec![SizeClass::Large],
    }
    .validate(&catalog())
    .unwrap();
    assert_eq!(err(&Rule::Street { streets: vec![] }), "所在街道不能为空");
    assert_eq!(
        err(&Rule::Street {
            streets: s(&["YL-S09"])
        }),
        "街道“YL-S09”不在街道目录中"
    );
    assert_eq!(
        err(&Rule::Band {
            bands: s(&["purple"])
        }),
        "色标“purple”不在五色图色标中"
    );
    assert_eq!(err(&Rule::Band { bands: vec![] }), "五色图色标不能为空");
    assert_eq!(
        err(&Rule::Indicator {
            code: "xx".into(),
            min: Some(1.0),
            max: None
        }),
        "指标“xx”不在指标目录中"
    );
    assert_eq!(
        err(&Rule::Indicator {
            code: "fgl".into(),
            min: None,
            max: None
        }),
        "指标“复工率”至少需要填写下限或上限"
    );
    assert_eq!(
        err(&Rule::Employees {
            min: Some(50.0),
            max: Some(10.0)
        }),
        "从业人员的下限 50 不能大于上限 10"
    );
    assert_eq!(
        err(&Rule::Revenue {
            min: None,
            max: None
        }),
        "营业收入至少需要填写下限或上限"
    );
    assert_eq!(
        err(&Rule::RevenueGrowth {
            min: Some(f64::NAN),
            max: None
        }),
        "营业收入增长率的界限须为有效数值"
    );
    assert_eq!(
        err(&Rule::RdIntensity {
            min: None,
            max: Some(f64::INFINITY)
        }),
        "研发投入强度的界限须为有效数值"
    );
    assert_eq!(
        err(&Rule::FoundedYears {
            min: Some(5.0),
            max: Some(3.0)
        }),
        "成立年限的下限 5 不能大于上限 3"
    );
    Rule::NoSeriousHazard.validate(&catalog()).unwrap();
    // Not does not add a position; nested positions
    assert_eq!(
        err(&all(vec![
            emp.clone(),
            emp.clone(),
            Rule::Any {
                rules: vec![
                    emp.clone(),
                    Rule::Not {
                        rule: Box::new(Rule::Street { streets: s(&["?"]) })
                    }
                ]
            },
        ])),
        "第 3 条条件的第 2 项：街道“?”不在街道目录中"
    );
}

#[test]
fn validation_depth() {
    let mut r = Rule::NoSeriousHazard;
    for _ in 0..7 {
        r = all(vec![r]);
    }
    r.validate(&catalog()).unwrap(); // 8 levels
    let deep = all(vec![r]);
    assert_eq!(
        err(&deep),
        "第 1 条条件的第 1 项的第 1 项的第 1 项的第 1 项的第 1 项的第 1 项的第 1 项：条件嵌套不能超过 8 层"
    );
    let mut n = Rule::NoSeriousHazard;
    for _ in 0..8 {
        n = Rule::Not { rule: Box::new(n) };
    }
    assert_eq!(err(&n), "条件嵌套不能超过 8 层");
}

fn formula(f: &str, cap: Option<f64>, floor: Option<f64>) -> Amount {
    Amount::Formula {
        formula: f.into(),
        cap_wan: cap,
        floor_wan: floor,
    }
}

#[test]
fn amounts() {
    let cat = catalog();
    let mut f = acme();
    assert_eq!(Amount::None.compute(&f), Ok(None));
    assert_eq!(Amount::Fixed { wan: 30.0 }.compute(&f), Ok(Some(30.0)));
    // 5 % of R&D spend capped at 100 万元
    let a = formula("研发费用 * 5%", Some(100.0), None);
    a.validate(&cat).unwrap();
    let v = a.compute(&f).unwrap().unwrap();
    assert!((v - 1.062).abs() < 1e-9, "{v}");
    f.rd_spend_wan = Some(5000.0);
    assert_eq!(a.compute(&f), Ok(Some(100.0)));
    // floor
    let a = formula("(营业收入 - 去年营业收入) × 10%", Some(50.0), Some(5.0));
    a.validate(&cat).unwrap();
    assert_eq!(a.compute(&f), Ok(Some(6.2)));
    f.revenue_wan = Some(1010.0);
    assert_eq!(a.compute(&f), Ok(Some(5.0)));
    // 去年同期(营业收入) is last year's revenue; indicator codes and 从业人员
    let a = formula("去年同期(营业收入) / 1000 + 从业人员 * fgl", None, None);
    a.validate(&cat).unwrap();
    assert_eq!(a.compute(&f), Ok(Some(1.0 + 45.0 * 0.75)));
    // missing input
    f.rd_spend_wan = None;
    assert_eq!(
        formula("研发费用 * 5%", Some(100.0), None).compute(&f),
        Err("无法计算金额：缺少本期的“研发费用”".to_owned())
    );
    assert_eq!(
        formula("营业收入 / (从业人员 - 45)", None, None).compute(&f),
        Err("无法计算金额：除数为零".to_owned())
    );
    assert!(
        formula("研发费用 *", None, None)
            .compute(&f)
            .unwrap_err()
            .starts_with("金额公式有误：")
    );
    // JSON shape
    let json = serde_json::to_string(&formula("研发费用 * 5%", Some(100.0), None)).unwrap();
    assert_eq!(
        json,
        r#"{"kind":"formula","formula":"研发费用 * 5%","cap_wan":100.0,"floor_wan":null}"#
    );
    assert_eq!(
        serde_json::to_string(&Amount::None).unwrap(),
        r#"{"kind":"none"}"#
    );
}

#[test]
fn amount_validation() {
    let cat = catalog();
    let e = formula("利润 * 5%", None, None).validate(&cat).unwrap_err();
    assert_eq!((e.field, e.code), ("amount", "formula_invalid"));
    assert_eq!(e.message, "公式中的“利润”不是已定义的上报指标");
    let e = formula("(研发费用", None, None).validate(&cat).unwrap_err();
    assert_eq!(e.code, "formula_invalid");
    let e = formula("研发费用", Some(10.0), Some(20.0))
        .validate(&cat)
        .unwrap_err();
    assert_eq!(
        (e.code, e.message.as_str()),
        ("validation.policy_amount", "金额下限不能大于上限")
    );
    let e = formula("研发费用", Some(-1.0), None)
        .validate(&cat)
        .unwrap_err();
    assert_eq!(e.message, "金额上限须为不小于 0 的数值");
    let e = Amount::Fixed { wan: f64::NAN }.validate(&cat).unwrap_err();
    assert_eq!(e.message, "固定金额须为不小于 0 的数值");
    Amount::Fixed { wan: 0.0 }.validate(&cat).unwrap();
    Amount::None.validate(&cat).unwrap();
}
