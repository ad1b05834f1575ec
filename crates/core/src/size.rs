//! Enterprise size classification: 大型 / 中型 / 小型 / 微型, per 《中小企业划型标准规定》
//! (工信部联企业〔2011〕300号), as applied by the statistical rules of 2017 to GB/T 4754-2017 codes.
//!
//! The thresholds are data, embedded from `data/enterprise_size.csv` and versioned by
//! [`TABLE_VERSION`] (a revision of the rules replaces the file and the version). Each industry
//! row uses one or two metrics (从业人员 employees 人, 营业收入 revenue 万元, 资产总额 assets 万元):
//!
//! - **大型** unless `a < sme_below_a` **or** `b < sme_below_b` (where the row has a `b`);
//! - among SMEs, **中型** if `a ≥ medium_a` **and** `b ≥ medium_b`,
//!   **小型** if `a ≥ small_a` **and** `b ≥ small_b`, otherwise **微型**.
//!
//! The industry code picks the row: 门类 letters and 2-digit 大类 ranges (`工业` = B, C, D = 06–46;
//! `交通运输业` = 54–58, without railway 53), and for 房地产业 the 4-digit classes 7010 房地产开发经营
//! and 7020 物业管理. Everything else — including 房地产业 given only as `K70`, and unknown codes —
//! falls to the row `其他未列明行业`.
//!
//! ```
//! use jiban_core::size::{classify, SizeClass};
//! let r = classify("C38", Some(350), Some(5000.0), None);
//! assert_eq!(r.class, SizeClass::Medium);
//! assert_eq!(r.rule, "工业：从业人员 350 人 ≥ 300 且营业收入 5000 万元 ≥ 2000 万元 → 中型");
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use crate::error::DomainError;

/// The embedded threshold table.
pub const SIZE_TABLE_CSV: &str = include_str!("../data/enterprise_size.csv");

/// Version of the embedded table: the document it comes from.
pub const TABLE_VERSION: &str = "工信部联企业〔2011〕300号";

/// Size class of an enterprise. Serialised as [`as_str`](Self::as_str).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "&'static str")]
pub enum SizeClass {
    /// 大型
    Large,
    /// 中型
    Medium,
    /// 小型
    Small,
    /// 微型
    Micro,
}

impl SizeClass {
    /// All classes, largest first.
    pub const ALL: [SizeClass; 4] = [
        SizeClass::Large,
        SizeClass::Medium,
        SizeClass::Small,
        SizeClass::Micro,
    ];

    /// `large`, `medium`, `small`, `micro`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SizeClass::Large => "large",
            SizeClass::Medium => "medium",
            SizeClass::Small => "small",
            SizeClass::Micro => "micro",
        }
    }

    /// 大型, 中型, 小型, 微型.
    pub const fn label(self) -> &'static str {
        match self {
            SizeClass::Large => "大型",
            SizeClass::Medium => "中型",
            SizeClass::Small => "小型",
            SizeClass::Micro => "微型",
        }
    }

    /// Whether this is a 中小微 enterprise (anything but large).
    pub const fn is_sme(self) -> bool {
        !matches!(self, SizeClass::Large)
    }

    /// Parses `large` / `medium` / `small` / `micro` (or the Chinese labels). Error
    /// `validation.unknown_value`, field `size`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim();
        Self::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(s) || c.label() == s)
            .ok_or_else(|| DomainError::unknown_value("size", "企业规模", s))
    }
}

impl fmt::Display for SizeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SizeClass {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for SizeClass {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<SizeClass> for &'static str {
    fn from(c: SizeClass) -> Self {
        c.as_str()
    }
}

/// The outcome of [`classify`].
#[derive(Debug, Clone, PartialEq)]
pub struct SizeResult {
    /// The class.
    pub class: SizeClass,
    /// How it was derived, in Chinese, e.g.
    /// “工业：从业人员 350 人 ≥ 300 且营业收入 5000 万元 ≥ 2000 万元 → 中型”.
    pub rule: String,
    /// The table row used (`工业`, `批发业`, `其他未列明行业` …).
    pub industry: &'static str,
    /// Whether every metric the row needs was given. When not, the class is derived from the
    /// metrics that were given (and is [`SizeClass::Micro`] if none was); the rule says so.
    pub complete: bool,
    /// [`TABLE_VERSION`].
    pub table_version: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    Employees,
    Revenue,
    Assets,
}

impl Metric {
    fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "employees" => Some(Metric::Employees),
            "revenue" => Some(Metric::Revenue),
            "assets" => Some(Metric::Assets),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Metric::Employees => "从业人员",
            Metric::Revenue => "营业收入",
            Metric::Assets => "资产总额",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Metric::Employees => "人",
            Metric::Revenue | Metric::Assets => "万元",
        }
    }

    fn fmt_value(self, v: f64) -> String {
        format!("{} {}", fmt_num(v), self.unit())
    }
}

/// Numbers in rules: integers without decimals, others with up to 2.
fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        let s = format!("{v:.2}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Thresholds of one metric in one row.
#[derive(Debug, Clone, Copy)]
struct Thresholds {
    metric: Metric,
    sme_below: f64,
    medium: f64,
    small: f64,
}

/// Which codes a row covers.
#[derive(Debug, Clone, Default)]
struct Coverage {
    /// Inclusive ranges of 2-digit 大类.
    divisions: Vec<(u8, u8)>,
    /// 4-digit 小类 codes (matched on the first 4 digits of the input).
    classes: Vec<String>,
    /// 大类 excluded (`不含 …`).
    excluded: Vec<u8>,
    /// The catch-all row.
    other: bool,
}

#[derive(Debug, Clone)]
struct Row {
    industry: &'static str,
    coverage: Coverage,
    a: Thresholds,
    b: Option<Thresholds>,
}

/// Parses the `gb4754_2017` column: `A (01-05)`, `B C D (06-46)`, `51`, `54-58 (不含铁路运输业 53)`,
/// `7010`, `other`. Letters are documentation (their ranges are given in digits); numbers after
/// `不含` are exclusions.
fn parse_coverage(s: &str) -> Coverage {
    let mut c = Coverage::default();
    if s.trim() == "other" {
        c.other = true;
        return c;
    }
    let (include, exclude) = match s.find("不含") {
        Some(i) => (&s[..i], &s[i..]),
        None => (s, ""),
    };
    for token in number_tokens(include) {
        match token {
            (lo, Some(hi)) if lo.len() == 2 => c.divisions.push((num(&lo), num(&hi))),
            (d, None) if d.len() == 2 => c.divisions.push((num(&d), num(&d))),
            (d, None) if d.len() == 4 => c.classes.push(d),
            other => panic!("enterprise_size.csv: cannot read code {other:?} in {s:?}"),
        }
    }
    c.excluded = number_tokens(exclude)
        .into_iter()
        .map(|(d, _)| num(&d))
        .collect();
    c
}

fn num(s: &str) -> u8 {
    s.parse().expect("2-digit number")
}

/// Digit runs, with `a-b` ranges joined: `"54-58 (x 53)"` → `[("54", Some("58")), ("53", None)]`.
fn number_tokens(s: &str) -> Vec<(String, Option<String>)> {
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut chars = s.chars().peekable();
    let mut pending_range = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut d = String::from(c);
            while let Some(&n) = chars.peek().filter(|n| n.is_ascii_digit()) {
                d.push(n);
                chars.next();
            }
            match out.last_mut() {
                Some(last) if pending_range => last.1 = Some(d),
                _ => out.push((d, None)),
            }
            pending_range = false;
        } else if c == '-' && !out.is_empty() {
            pending_range = true;
        } else if !c.is_whitespace() {
            pending_range = false;
        }
    }
    out
}

fn parse_table(csv: &'static str) -> Vec<Row> {
    let mut rows = Vec::new();
    for line in csv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let f: Vec<&'static str> = line.split(',').collect();
        assert_eq!(
            f.len(),
            10,
            "enterprise_size.csv: 10 fields expected in {line:?}"
        );
        let n = |s: &str| -> Option<f64> {
            let s = s.trim();
            (!s.is_empty()).then(|| s.parse().expect("number in enterprise_size.csv"))
        };
        let a = Thresholds {
            metric: Metric::parse(f[2]).expect("metric_a"),
            sme_below: n(f[4]).expect("sme_below_a"),
            medium: n(f[6]).expect("medium_a"),
            small: n(f[8]).expect("small_a"),
        };
        let b = Metric::parse(f[3]).map(|metric| Thresholds {
            metric,
            sme_below: n(f[5]).expect("sme_below_b"),
            medium: n(f[7]).expect("medium_b"),
            small: n(f[9]).expect("small_b"),
        });
        rows.push(Row {
            industry: f[0].trim(),
            coverage: parse_coverage(f[1]),
            a,
            b,
        });
    }
    rows
}

static TABLE: LazyLock<Vec<Row>> = LazyLock::new(|| parse_table(SIZE_TABLE_CSV));

/// Reads an industry code: optional 门类 letter, then 2–4 digits (`C38`, `38`, `K7010`, `3811`).
/// Returns the digits.
fn code_digits(code: &str) -> Option<&str> {
    let s = code.trim();
    let digits = s
        .strip_prefix(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(s);
    (digits.len() >= 2 && digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then_some(digits)
}

fn find_row(industry_code: &str) -> &'static Row {
    let table: &'static [Row] = &TABLE;
    let other = table
        .iter()
        .find(|r| r.coverage.other)
        .expect("enterprise_size.csv has an 'other' row");
    let Some(digits) = code_digits(industry_code) else {
        return other;
    };
    let division: u8 = digits[..2].parse().unwrap_or(0);
    // The most specific match first: 4-digit classes, then 大类 ranges.
    if digits.len() == 4
        && let Some(r) = table
            .iter()
            .find(|r| r.coverage.classes.iter().any(|c| c == digits))
    {
        return r;
    }
    table
        .iter()
        .find(|r| {
            !r.coverage.excluded.contains(&division)
                && r.coverage
                    .divisions
                    .iter()
                    .any(|&(lo, hi)| (lo..=hi).contains(&division))
        })
        .unwrap_or(other)
}

fn clean(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite()).map(|x| x.max(0.0))
}

/// Classifies an enterprise.
///
/// - `industry_code`: GB/T 4754-2017 code with or without the 门类 letter — `"C38"`, `"38"`, or a
///   deeper code such as `"K7010"` (needed to tell 房地产开发经营 from 物业管理). Unreadable or
///   unlisted codes use the row `其他未列明行业`.
/// - `employees` in 人, `revenue_wan` 营业收入 and `assets_wan` 资产总额 in 万元. Negative values
///   count as 0; NaN and infinities as missing.
///
/// If a metric the row needs is missing, the class is derived from the metrics that are present
/// (`complete = false`, and the rule says which one was missing); with none present the class is
/// 微型. Never fails.
pub fn classify(
    industry_code: &str,
    employees: Option<i64>,
    revenue_wan: Option<f64>,
    assets_wan: Option<f64>,
) -> SizeResult {
    let row = find_row(industry_code);
    let value = |m: Metric| match m {
        Metric::Employees => employees.map(|e| e.max(0) as f64),
        Metric::Revenue => clean(revenue_wan),
        Metric::Assets => clean(assets_wan),
    };
    // The metrics of the row that were given, with their values.
    let given: Vec<(Thresholds, f64)> = std::iter::once(row.a)
        .chain(row.b)
        .filter_map(|t| value(t.metric).map(|v| (t, v)))
        .collect();
    let missing: Vec<&str> = std::iter::once(row.a)
        .chain(row.b)
        .filter(|t| value(t.metric).is_none())
        .map(|t| t.metric.name())
        .collect();
    let complete = missing.is_empty();
    let note = if complete {
        String::new()
    } else {
        format!("（未提供{}，按已有指标划分）", missing.join("、"))
    };
    let prefix = row.industry;
    let done = |class: SizeClass, because: String| SizeResult {
        class,
        rule: format!("{prefix}：{because}{note} → {}", class.label()),
        industry: row.industry,
        complete,
        table_version: TABLE_VERSION,
    };

    if given.is_empty() {
        return done(SizeClass::Micro, "无划型指标".into());
    }
    let cond = |t: &Thresholds, v: f64, threshold: f64, ge: bool| {
        let unit = if t.metric.unit() == "人" {
            ""
        } else {
            " 万元"
        };
        format!(
            "{} {} {} {}{unit}",
            t.metric.name(),
            t.metric.fmt_value(v),
            if ge { "≥" } else { "<" },
            fmt_num(threshold)
        )
    };
    let all_met = |pick: fn(&Thresholds) -> f64| -> Result<String, String> {
        // Ok(conditions joined by 且) if all met, Err(first failing condition) otherwise.
        let mut met = Vec::new();
        for (t, v) in &given {
            let th = pick(t);
            if *v >= th {
                met.push(cond(t, *v, th, true));
            } else {
                return Err(cond(t, *v, th, false));
            }
        }
        Ok(met.join(" 且"))
    };

    match all_met(|t| t.sme_below) {
        Ok(why) => done(SizeClass::Large, why),
        Err(_) => match all_met(|t| t.medium) {
            Ok(why) => done(SizeClass::Medium, why),
            Err(_) => match all_met(|t| t.small) {
                Ok(why) => done(SizeClass::Small, why),
                Err(why_not) => done(SizeClass::Micro, why_not),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn row_name(code: &str) -> &'static str {
        classify(code, Some(1), Some(1.0), Some(1.0)).industry
    }

    #[test]
    fn table_parses() {
        assert_eq!(TABLE.len(), 16);
        let industrial = TABLE.iter().find(|r| r.industry == "工业").unwrap();
        assert_eq!(industrial.coverage.divisions, [(6, 46)]);
        let transport = TABLE.iter().find(|r| r.industry == "交通运输业").unwrap();
        assert_eq!(transport.coverage.divisions, [(54, 58)]);
        assert_eq!(transport.coverage.excluded, [53]);
        let dev = TABLE
            .iter()
            .find(|r| r.industry == "房地产开发经营")
            .unwrap();
        assert_eq!(dev.coverage.classes, ["7010"]);
    }

    #[test]
    fn industry_mapping() {
        for (code, row) in [
            ("A01", "农、林、牧、渔业"),
            ("05", "农、林、牧、渔业"),
            ("B06", "工业"),
            ("C13", "工业"),
            ("C38", "工业"),
            ("38", "工业"),
            ("C3811", "工业"),
            ("D46", "工业"),
            ("E47", "建筑业"),
            ("E50", "建筑业"),
            ("F51", "批发业"),
            ("F52", "零售业"),
            ("G53", "其他未列明行业"),
            ("G54", "交通运输业"),
            ("G58", "交通运输业"),
            ("G59", "仓储业"),
            ("G60", "邮政业"),
            ("H61", "住宿业"),
            ("H62", "餐饮业"),
            ("I63", "信息传输业"),
            ("I64", "信息传输业"),
            ("I65", "软件和信息技术服务业"),
            ("J66", "其他未列明行业"),
            ("K70", "其他未列明行业"),
            ("K7010", "房地产开发经营"),
            ("7020", "物业管理"),
            ("K7030", "其他未列明行业"),
            ("L71", "租赁和商务服务业"),
            ("L72", "租赁和商务服务业"),
            ("M73", "其他未列明行业"),
            ("Q85", "其他未列明行业"),
            ("", "其他未列明行业"),
            ("制造业", "其他未列明行业"),
            ("C3", "其他未列明行业"),
        ] {
            assert_eq!(row_name(code), row, "{code}");
        }
    }

    #[test]
    fn industrial_examples() {
        let r = classify("C38", Some(350), Some(5000.0), None);
        assert_eq!(r.class, SizeClass::Medium);
        assert_eq!(
            r.rule,
            "工业：从业人员 350 人 ≥ 300 且营业收入 5000 万元 ≥ 2000 万元 → 中型"
        );
        assert!(r.complete);
        assert_eq!(r.table_version, TABLE_VERSION);

        let r = classify("C39", Some(1200), Some(50000.0), Some(1.0));
        assert_eq!(r.class, SizeClass::Large);
        assert_eq!(
            r.rule,
            "工业：从业人员 1200 人 ≥ 1000 且营业收入 50000 万元 ≥ 40000 万元 → 大型"
        );

        // Many employees but small revenue: an SME; revenue decides.
        let r = classify("C39", Some(1200), Some(1500.5), None);
        assert_eq!(r.class, SizeClass::Small);

        let r = classify("C34", Some(10), Some(5000.0), None);
        assert_eq!(r.class, SizeClass::Micro);
        assert_eq!(r.rule, "工业：从业人员 10 人 < 20 → 微型");

        // Boundaries are inclusive for the class above.
        assert_eq!(
            classify("C34", Some(300), Some(2000.0), None).class,
            SizeClass::Medium
        );
        assert_eq!(
            classify("C34", Some(299), Some(2000.0), None).class,
            SizeClass::Small
        );
        assert_eq!(
            classify("C34", Some(1000), Some(40000.0), None).class,
            SizeClass::Large
        );
        assert_eq!(
            classify("C34", Some(1000), Some(39999.0), None).class,
            SizeClass::Medium
        );
        assert_eq!(
            classify("C34", Some(20), Some(300.0), None).class,
            SizeClass::Small
        );
        assert_eq!(
            classify("C34", Some(20), Some(299.99), None).class,
            SizeClass::Micro
        );
    }

    #[test]
    fn other_rows() {
        // 建筑业: revenue and assets.
        let r = classify("E48", None, Some(7000.0), Some(6000.0));
        assert_eq!(r.class, SizeClass::Medium);
        assert_eq!(
            r.rule,
            "建筑业：营业收入 7000 万元 ≥ 6000 万元 且资产总额 6000 万元 ≥ 5000 万元 → 中型"
        );
        // 批发业.
        assert_eq!(
            classify("F51", Some(25), Some(6000.0), None).class,
            SizeClass::Medium
        );
        assert_eq!(
            classify("F51", Some(4), Some(6000.0), None).class,
            SizeClass::Micro
        );
        // 农业: revenue only.
        assert_eq!(
            classify("A01", None, Some(600.0), None).class,
            SizeClass::Medium
        );
        assert_eq!(
            classify("A01", None, Some(20000.0), None).class,
            SizeClass::Large
        );
        assert_eq!(
            classify("A01", None, Some(49.0), None).class,
            SizeClass::Micro
        );
        // 软件: small thresholds 10 人 / 50 万元.
        assert_eq!(
            classify("I65", Some(10), Some(50.0), None).class,
            SizeClass::Small
        );
        // 其他未列明行业: employees only.
        let r = classify("M75", Some(120), Some(1.0), None);
        assert_eq!(r.class, SizeClass::Medium);
        assert_eq!(r.rule, "其他未列明行业：从业人员 120 人 ≥ 100 → 中型");
        assert_eq!(
            classify("M75", Some(300), None, None).class,
            SizeClass::Large
        );
        // 房地产开发经营 and 物业管理.
        assert_eq!(
            classify("K7010", None, Some(1000.0), Some(5000.0)).class,
            SizeClass::Medium
        );
        assert_eq!(
            classify("K7020", Some(150), Some(600.0), None).class,
            SizeClass::Small
        );
    }

    /// Every row of the table, every tier, every metric: exactly at the threshold gives the tier,
    /// one unit below on any one metric gives the tier under it.
    #[test]
    fn every_boundary_of_the_table() {
        let tiers = [
            (SizeClass::Large, SizeClass::Medium),
            (SizeClass::Medium, SizeClass::Small),
            (SizeClass::Small, SizeClass::Micro),
        ];
        let mut checked = 0;
        for row in TABLE.iter() {
            let code = if row.coverage.other {
                "M75".to_string()
            } else if let Some((lo, _)) = row.coverage.divisions.first() {
                format!("{lo:02}")
            } else {
                row.coverage.classes[0].clone()
            };
            assert_eq!(find_row(&code).industry, row.industry, "{code}");
            let metrics: Vec<Thresholds> = std::iter::once(row.a).chain(row.b).collect();
            for (tier, (class, below)) in tiers.iter().enumerate() {
                let at = |t: &Thresholds| match tier {
                    0 => t.sme_below,
                    1 => t.medium,
                    _ => t.small,
                };
                let run = |lower: Option<usize>| {
                    let mut e = None;
                    let mut r = None;
                    let mut a = None;
                    for (i, t) in metrics.iter().enumerate() {
                        let step = if t.metric == Metric::Employees {
                            1.0
                        } else {
                            0.01
                        };
                        let v = at(t) - if lower == Some(i) { step } else { 0.0 };
                        match t.metric {
                            Metric::Employees => e = Some(v as i64),
                            Metric::Revenue => r = Some(v),
                            Metric::Assets => a = Some(v),
                        }
                    }
                    classify(&code, e, r, a)
                };
                let exact = run(None);
                assert_eq!(exact.class, *class, "{}: {}", row.industry, exact.rule);
                assert!(exact.complete);
                for i in 0..metrics.len() {
                    let r = run(Some(i));
                    // one metric short of this tier: the tier below (the next thresholds are lower)
                    assert_eq!(r.class, *below, "{}: {}", row.industry, r.rule);
                    checked += 1;
                }
            }
        }
        assert!(checked >= 3 * TABLE.len(), "{checked}");
    }

    #[test]
    fn missing_metrics() {
        let r = classify("C38", Some(350), None, None);
        assert!(!r.complete);
        assert_eq!(r.class, SizeClass::Medium);
        assert_eq!(
            r.rule,
            "工业：从业人员 350 人 ≥ 300（未提供营业收入，按已有指标划分） → 中型"
        );
        let r = classify("C38", None, None, None);
        assert_eq!(r.class, SizeClass::Micro);
        assert!(!r.complete);
        let r = classify("C38", Some(-5), Some(f64::NAN), None);
        assert_eq!(r.class, SizeClass::Micro);
        assert!(!r.complete);
    }

    #[test]
    fn class_codes() {
        for c in SizeClass::ALL {
            assert_eq!(SizeClass::parse(c.as_str()).unwrap(), c);
            assert_eq!(SizeClass::parse(c.label()).unwrap(), c);
        }
        assert_eq!(SizeClass::Medium.label(), "中型");
        assert!(SizeClass::Micro.is_sme() && !SizeClass::Large.is_sme());
    }

    proptest! {
        /// More of everything never makes an enterprise smaller.
        #[test]
        fn monotone_in_metrics(
            div in 1u8..98,
            e in 0i64..5000, r in 0.0f64..300_000.0, a in 0.0f64..300_000.0,
            de in 0i64..1000, dr in 0.0f64..50_000.0, da in 0.0f64..50_000.0,
        ) {
            let code = format!("{div:02}");
            let small = classify(&code, Some(e), Some(r), Some(a));
            let big = classify(&code, Some(e + de), Some(r + dr), Some(a + da));
            // SizeClass orders Large < Medium < Small < Micro.
            prop_assert!(big.class <= small.class, "{} vs {}", big.rule, small.rule);
            prop_assert!(small.rule.ends_with(small.class.label()));
        }
    }
}
