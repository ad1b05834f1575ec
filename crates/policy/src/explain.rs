//! Why an enterprise qualifies for an item, or why not: one [`Condition`] per leaf, with the
//! actual value and the value that would pass.

use jiban_core::industry::{Section, division_name};
use serde::Serialize;
use time::Date;

use crate::model::{
    Catalog, Facts, Rule, date_reaching, finite, founded_years, growth, hi, in_range, intensity,
    lo, norm_industry, norm_prefix,
};

/// One line of an explanation: a leaf condition, or the header of a group of alternatives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    /// Chinese, e.g. “从业人员 ≥ 50 人”, “行业属于 C 制造业”, “不得：规模为 大型”,
    /// or for a group header “满足以下任一项”.
    pub label: String,
    pub pass: bool,
    /// The enterprise's value, e.g. “45 人”, “未填报”; empty for a group header.
    pub actual: String,
    /// What would pass, when failing, e.g. “再增加 5 人（≥ 50 人）”; `None` when passing and for
    /// group headers.
    pub needed: Option<String>,
    /// The fact is unknown (the condition then fails, negated or not).
    pub missing: bool,
    /// Nesting level for indentation: 0 for the item's own conditions, +1 inside each group.
    pub depth: u8,
    /// This line is the header of a group (`满足以下任一项` / `同时满足以下各项`), not a leaf.
    pub group: bool,
}

/// The result of [`Rule::explain`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub pass: bool,
    /// Leaves (and group headers) in rule order; the alternatives of an `Any` are all listed.
    pub conditions: Vec<Condition>,
    failing_count: usize,
}

impl Explanation {
    /// How many failing leaves must change for the item to pass: the sum over an `All`, the
    /// smallest among the alternatives of an `Any`. 0 when it passes.
    pub fn failing_count(&self) -> usize {
        self.failing_count
    }

    /// “Almost qualifies”: fails, and exactly one leaf must change.
    pub fn almost(&self) -> bool {
        !self.pass && self.failing_count == 1
    }

    /// The failing leaves (not group headers).
    pub fn failing(&self) -> impl Iterator<Item = &Condition> {
        self.conditions.iter().filter(|c| !c.group && !c.pass)
    }
}

/// A number with at most 2 decimals, trailing zeros dropped: `6.2`, `50`, `0.75`.
pub(crate) fn num(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    let mut s = format!("{r:.2}");
    while s.ends_with('0') {
        s.pop();
    }
    if s.ends_with('.') {
        s.pop();
    }
    if s == "-0" { "0".to_owned() } else { s }
}

/// A ratio as a percentage: `0.062` → `6.2%`.
pub(crate) fn pct(v: f64) -> String {
    format!("{}%", num(v * 100.0))
}

struct Ctx<'a> {
    facts: &'a Facts,
    catalog: &'a Catalog,
    today: Date,
    industry: Option<String>,
    years: f64,
    growth: f64,
    intensity: f64,
}

impl Rule {
    /// Explains the rule for one enterprise on `today`. `pass` is exactly what the
    /// [`Matcher`](crate::Matcher) computes. `Not` is pushed down to the leaves (De Morgan), so
    /// every leaf says what it requires (“不得：…”); a leaf whose fact is unknown never passes.
    pub fn explain(&self, facts: &Facts, today: Date, catalog: &Catalog) -> Explanation {
        let ctx = Ctx {
            facts,
            catalog,
            today,
            industry: norm_industry(&facts.industry_code),
            years: facts
                .founded_on
                .map_or(f64::NAN, |d| founded_years(d, today)),
            growth: growth(facts.revenue_wan, facts.revenue_last_year_wan),
            intensity: intensity(facts.rd_spend_wan, facts.revenue_wan),
        };
        let mut conditions = Vec::new();
        let (pass, failing_count) = node(self, false, 0, true, &ctx, &mut conditions);
        Explanation {
            pass,
            conditions,
            failing_count,
        }
    }
}

/// Returns (pass, failing leaves that must change).
fn node(
    rule: &Rule,
    neg: bool,
    depth: u8,
    in_conj: bool,
    ctx: &Ctx,
    rows: &mut Vec<Condition>,
) -> (bool, usize) {
    match rule {
        Rule::Not { rule } => node(rule, !neg, depth, in_conj, ctx, rows),
        Rule::All { rules } | Rule::Any { rules } => {
            let conj = matches!(rule, Rule::All { .. }) != neg;
            let (child_depth, header) = if conj && in_conj {
                (depth, None)
            } else {
                rows.push(Condition {
                    label: if conj {
                        "同时满足以下各项"
                    } else {
                        "满足以下任一项"
                    }
                    .to_owned(),
                    pass: false,
                    actual: String::new(),
                    needed: None,
                    missing: false,
                    depth,
                    group: true,
                });
                (depth.saturating_add(1), Some(rows.len() - 1))
            };
            let mut pass = conj;
            let mut failing = if conj { 0 } else { usize::MAX };
            for r in rules {
                let (p, f) = node(r, neg, child_depth, conj, ctx, rows);
                if conj {
                    pass &= p;
                    failing += f;
                } else {
                    pass |= p;
                    failing = failing.min(f);
                }
            }
            if pass {
                failing = 0;
            } else if failing == usize::MAX {
                failing = 1;
            }
            if let Some(h) = header {
                rows[h].pass = pass;
            }
            (pass, failing)
        }
        leaf => {
            let l = explain_leaf(leaf, ctx);
            let pass = l.raw.is_some_and(|r| r != neg);
            let missing = l.raw.is_none();
            rows.push(Condition {
                label: if neg {
                    format!("不得：{}", l.label)
                } else {
                    l.label
                },
                pass,
                actual: l.actual,
                needed: (!pass).then_some(if missing {
                    l.if_missing
                } else if neg {
                    l.if_neg
                } else {
                    l.if_pos
                }),
                missing,
                depth,
                group: false,
            });
            (pass, usize::from(!pass))
        }
    }
}

struct Leaf {
    /// `None` when the fact is unknown.
    raw: Option<bool>,
    label: String,
    actual: String,
    /// What would pass the leaf as written.
    if_pos: String,
    /// What would pass the negated leaf.
    if_neg: String,
    if_missing: String,
}

const UNREPORTED: &str = "未填报";

fn industry_desc(code: &str) -> String {
    match code.len() {
        1 => match Section::parse(code) {
            Ok(s) => format!("{code} {}", s.name()),
            Err(_) => code.to_owned(),
        },
        _ => match division_name(&code[..code.len().min(3)]) {
            Some(n) if code.len() == 3 => format!("{code} {n}"),
            Some(n) => format!("{code}（{n}）"),
            None => code.to_owned(),
        },
    }
}

fn set_leaf(
    raw: Option<bool>,
    what: &str,
    items: &[String],
    actual: String,
    if_missing: &str,
) -> Leaf {
    let list = items.join(" 或 ");
    Leaf {
        raw,
        label: format!("{what}为 {list}"),
        actual,
        if_pos: format!("{what}须为 {list}"),
        if_neg: format!("{what}须不为 {list}"),
        if_missing: if_missing.to_owned(),
    }
}

fn explain_leaf(rule: &Rule, ctx: &Ctx) -> Leaf {
    let f = ctx.facts;
    let cat = ctx.catalog;
    match rule {
        Rule::Industry { prefixes } => {
            let norm: Vec<String> = prefixes
                .iter()
                .map(|p| norm_prefix(p).unwrap_or_else(|| p.trim().to_owned()))
                .collect();
            let list = norm
                .iter()
                .map(|p| industry_desc(p))
                .collect::<Vec<_>>()
                .join(" 或 ");
            Leaf {
                raw: ctx
                    .industry
                    .as_ref()
                    .map(|c| norm.iter().any(|p| c.starts_with(p.as_str()))),
                label: format!("行业属于 {list}"),
                actual: ctx
                    .industry
                    .as_deref()
                    .map_or_else(|| UNREPORTED.to_owned(), industry_desc),
                if_pos: format!("行业须属于 {list}"),
                if_neg: format!("行业须不属于 {list}"),
                if_missing: "须填报行业代码".to_owned(),
            }
        }
        Rule::Size { classes } => {
            let labels: Vec<String> = classes.iter().map(|c| c.label().to_owned()).collect();
            set_leaf(
                Some(classes.contains(&f.size_class)),
                "规模",
                &labels,
                f.size_class.label().to_owned(),
                "须填报企业规模",
            )
        }
        Rule::Street { streets } => {
            let names: Vec<String> = streets
                .iter()
                .map(|s| cat.street_name(s).to_owned())
                .collect();
            set_leaf(
                f.street.as_ref().map(|s| streets.contains(s)),
                "所在街道",
                &names,
                f.street
                    .as_deref()
                    .map_or(UNREPORTED, |s| cat.street_name(s))
                    .to_owned(),
                "须填报所在街道",
            )
        }
        Rule::Band { bands } => {
            let names: Vec<String> = bands.iter().map(|b| cat.band_name(b).to_owned()).collect();
            set_leaf(
                f.band.as_ref().map(|b| bands.contains(b)),
                "五色图评级",
                &names,
                f.band
                    .as_deref()
                    .map_or("未评", |b| cat.band_name(b))
                    .to_owned(),
                "尚未评定五色图，须先完成评级",
            )
        }
        Rule::TagsAll { tags } | Rule::TagsAny { tags } | Rule::TagsNone { tags } => {
            let has = |t: &String| f.tags.contains(t);
            let present: Vec<&str> = tags.iter().filter(|t| has(t)).map(|t| t.as_str()).collect();
            let absent: Vec<&str> = tags
                .iter()
                .filter(|t| !has(t))
                .map(|t| t.as_str())
                .collect();
            let actual = if f.tags.is_empty() {
                "无标签".to_owned()
            } else {
                f.tags.join("、")
            };
            let one_of = |ts: &[String]| {
                if ts.len() == 1 {
                    format!("须取得 {}", ts[0])
                } else {
                    format!("须取得 {} 之一", ts.join(" 或 "))
                }
            };
            let (raw, label, if_pos, if_neg) = match rule {
                Rule::TagsAll { .. } => (
                    absent.is_empty(),
                    format!("标签含 {}", tags.join(" 和 ")),
                    format!("还需取得 {}", absent.join("、")),
                    if tags.len() == 1 {
                        format!("须不具有 {}", tags[0])
                    } else {
                        format!("须不同时具有 {}", tags.join(" 和 "))
                    },
                ),
                Rule::TagsAny { .. } => (
                    !present.is_empty(),
                    format!("标签含 {}", tags.join(" 或 ")),
                    one_of(tags),
                    format!("须不具有 {}", present.join("、")),
                ),
                _ => (
                    present.is_empty(),
                    format!("标签不含 {}", tags.join("、")),
                    format!("须不具有 {}", present.join("、")),
                    one_of(tags),
                ),
            };
            Leaf {
                raw: Some(raw),
                label,
                actual,
                if_pos,
                if_neg,
                if_missing: String::new(),
            }
        }
        Rule::NoSeriousHazard => {
            let n = f.serious_hazards;
            Leaf {
                raw: Some(n == 0),
                label: "无未整改的重大安全隐患".to_owned(),
                actual: if n == 0 {
                    "无".to_owned()
                } else {
                    format!("{n} 项未整改")
                },
                if_pos: format!("须整改完成 {n} 项重大安全隐患"),
                if_neg: "须存在未整改的重大安全隐患".to_owned(),
                if_missing: String::new(),
            }
        }
        Rule::FoundedYears { min, max } => numeric(
            &Metric {
                name: "成立年限".to_owned(),
                unit: Unit::Years,
                needs: "成立日期",
            },
            ctx.years,
            *min,
            *max,
            f.founded_on.map(|d| (d, ctx.today)),
            UNREPORTED,
        ),
        Rule::Employees { min, max } => numeric(
            &Metric {
                name: "从业人员".to_owned(),
                unit: Unit::Count,
                needs: "从业人员",
            },
            finite(f.employees).unwrap_or(f64::NAN),
            *min,
            *max,
            None,
            UNREPORTED,
        ),
        Rule::Revenue { min, max } => numeric(
            &Metric {
                name: "营业收入".to_owned(),
                unit: Unit::Money,
                needs: "营业收入",
            },
            finite(f.revenue_wan).unwrap_or(f64::NAN),
            *min,
            *max,
            None,
            UNREPORTED,
        ),
        Rule::RevenueGrowth { min, max } => numeric(
            &Metric {
                name: "营业收入增长率".to_owned(),
                unit: Unit::Ratio,
                needs: "本年和上年营业收入（上年须大于 0）",
            },
            ctx.growth,
            *min,
            *max,
            None,
            if finite(f.revenue_wan).is_some() && finite(f.revenue_last_year_wan).is_some() {
                "无法计算（上年营业收入为 0）"
            } else {
                UNREPORTED
            },
        ),
        Rule::RdIntensity { min, max } => numeric(
            &Metric {
                name: "研发投入强度".to_owned(),
                unit: Unit::Ratio,
                needs: "研发费用和营业收入（营业收入须大于 0）",
            },
            ctx.intensity,
            *min,
            *max,
            None,
            if finite(f.rd_spend_wan).is_some() && finite(f.revenue_wan).is_some() {
                "无法计算（营业收入为 0）"
            } else {
                UNREPORTED
            },
        ),
        Rule::Indicator { code, min, max } => {
            let name = cat.indicator_name(code).to_owned();
            numeric(
                &Metric {
                    name: name.clone(),
                    unit: Unit::Plain,
                    needs: &name,
                },
                f.indicators
                    .get(code)
                    .copied()
                    .filter(|v| v.is_finite())
                    .unwrap_or(f64::NAN),
                *min,
                *max,
                None,
                UNREPORTED,
            )
        }
        Rule::All { .. } | Rule::Any { .. } | Rule::Not { .. } => unreachable!("not a leaf"),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Unit {
    Count,
    Money,
    Ratio,
    Plain,
    Years,
}

struct Metric<'a> {
    name: String,
    unit: Unit,
    /// What to report when missing.
    needs: &'a str,
}

impl Metric<'_> {
    fn fmt(&self, v: f64) -> String {
        match self.unit {
            Unit::Count => format!("{} 人", num(v)),
            Unit::Money => format!("{} 万元", num(v)),
            Unit::Ratio => pct(v),
            Unit::Plain => num(v),
            Unit::Years => format!("{} 年", num(v)),
        }
    }
}

fn numeric(
    m: &Metric,
    v: f64,
    min: Option<f64>,
    max: Option<f64>,
    founded: Option<(Date, Date)>,
    missing_actual: &str,
) -> Leaf {
    let name = &m.name;
    let label = match (m.unit, min, max) {
        (Unit::Years, Some(a), None) => format!("成立满 {} 年", num(a)),
        (Unit::Years, None, Some(b)) => format!("成立不超过 {} 年", num(b)),
        (Unit::Years, Some(a), Some(b)) => format!("成立 {} 至 {} 年", num(a), num(b)),
        (_, Some(a), None) => format!("{name} ≥ {}", m.fmt(a)),
        (_, None, Some(b)) => format!("{name} ≤ {}", m.fmt(b)),
        (_, Some(a), Some(b)) => format!("{name} {} 至 {}", m.fmt(a), m.fmt(b)),
        (_, None, None) => format!("{name}不限"),
    };
    let missing = v.is_nan();
    let now = m.fmt(v);
    let if_pos = if missing {
        String::new()
    } else if let Some(a) = min.filter(|a| v < *a) {
        match m.unit {
            Unit::Count | Unit::Money => format!("再增加 {}（≥ {}）", m.fmt(a - v), m.fmt(a)),
            Unit::Years => match founded.and_then(|(f, t)| Some((date_reaching(f, a)?, t))) {
                Some((d, today)) => format!(
                    "还需 {} 天（{d} 起成立满 {} 年）",
                    (d - today).whole_days(),
                    num(a)
                ),
                None => format!("成立年限须满 {} 年（现 {now}）", num(a)),
            },
            Unit::Ratio | Unit::Plain => format!("{name} ≥ {}（现 {now}）", m.fmt(a)),
        }
    } else if let Some(b) = max.filter(|b| v > *b) {
        match m.unit {
            Unit::Count | Unit::Money => format!("须减少 {}（≤ {}）", m.fmt(v - b), m.fmt(b)),
            _ => format!("{name} ≤ {}（现 {now}）", m.fmt(b)),
        }
    } else {
        String::new()
    };
    let if_neg = match (min, max) {
        (Some(a), Some(b)) => format!("{name}须低于 {} 或高于 {}（现 {now}）", m.fmt(a), m.fmt(b)),
        (Some(a), None) => format!("{name}须低于 {}（现 {now}）", m.fmt(a)),
        (None, Some(b)) => format!("{name}须高于 {}（现 {now}）", m.fmt(b)),
        (None, None) => String::new(),
    };
    Leaf {
        raw: (!missing).then(|| in_range(v, lo(min), hi(max))),
        label,
        actual: if missing {
            missing_actual.to_owned()
        } else {
            now
        },
        if_pos,
        if_neg,
        if_missing: format!("须填报{}", m.needs),
    }
}
