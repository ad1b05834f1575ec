//! The rule language, the facts about one enterprise and the catalog rules refer to, and the
//! values derived from the facts that both [`explain`](crate::Rule::explain) and the
//! [`Matcher`](crate::Matcher) use (so that they agree bit for bit).

use std::collections::HashMap;

use jiban_core::industry::{Industry, Section};
use jiban_core::size::SizeClass;
use serde::{Deserialize, Serialize};
use time::Date;

/// An eligibility condition of a policy item. Serialised with a `kind` tag, e.g.
/// `{"kind":"employees","min":50,"max":null}`, `{"kind":"no_serious_hazard"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// Every rule holds.
    All { rules: Vec<Rule> },
    /// At least one rule holds.
    Any { rules: Vec<Rule> },
    /// The rule does not hold (a rule whose fact is unknown fails either way).
    Not { rule: Box<Rule> },
    /// GB/T 4754 code prefixes: `C`, `C39`, `I65`, `3911` (a prefix without its letter is read
    /// with the letter of its 大类).
    Industry { prefixes: Vec<String> },
    /// One of these size classes.
    Size { classes: Vec<SizeClass> },
    /// Street codes, e.g. `YL-S01`.
    Street { streets: Vec<String> },
    /// Has every tag.
    TagsAll { tags: Vec<String> },
    /// Has at least one tag.
    TagsAny { tags: Vec<String> },
    /// Has none of the tags.
    TagsNone { tags: Vec<String> },
    /// Years since founding at the evaluation date (anniversary based: 满 3 年 from the third
    /// anniversary on).
    FoundedYears { min: Option<f64>, max: Option<f64> },
    /// 从业人员, 人.
    Employees { min: Option<f64>, max: Option<f64> },
    /// 营业收入, 万元.
    Revenue { min: Option<f64>, max: Option<f64> },
    /// (this year − last year) / last year; 0.1 = 10 %.
    RevenueGrowth { min: Option<f64>, max: Option<f64> },
    /// R&D spend / revenue; 0.03 = 3 %.
    RdIntensity { min: Option<f64>, max: Option<f64> },
    /// Latest value of an operating indicator.
    Indicator {
        code: String,
        min: Option<f64>,
        max: Option<f64>,
    },
    /// Five-colour band codes (`green`, `blue`, `yellow`, `orange`, `red`).
    Band { bands: Vec<String> },
    /// No unresolved serious safety hazard.
    NoSeriousHazard,
}

/// What is known about one enterprise. `None` (and NaN) means “not reported”.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// GB/T 4754 code (`C3911`, `3911`, `C39`); empty when unknown.
    pub industry_code: String,
    pub size_class: SizeClass,
    /// Street code.
    pub street: Option<String>,
    /// Tag names.
    pub tags: Vec<String>,
    pub founded_on: Option<Date>,
    pub employees: Option<f64>,
    /// 营业收入, 万元.
    pub revenue_wan: Option<f64>,
    pub revenue_last_year_wan: Option<f64>,
    pub rd_spend_wan: Option<f64>,
    /// Latest value of each operating indicator, by code.
    #[serde(default)]
    pub indicators: HashMap<String, f64>,
    /// Five-colour band code.
    pub band: Option<String>,
    /// Unresolved serious safety hazards.
    #[serde(default)]
    pub serious_hazards: u32,
}

/// The vocabularies rules may use.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Catalog {
    /// Tag names.
    pub tags: Vec<String>,
    /// (code, name).
    pub streets: Vec<(String, String)>,
    /// (code, name).
    pub indicators: Vec<(String, String)>,
    /// (code, name), best first.
    pub bands: Vec<(String, String)>,
}

impl Catalog {
    pub(crate) fn street_name<'a>(&'a self, code: &'a str) -> &'a str {
        lookup(&self.streets, code)
    }
    pub(crate) fn band_name<'a>(&'a self, code: &'a str) -> &'a str {
        lookup(&self.bands, code)
    }
    pub(crate) fn indicator_name<'a>(&'a self, code: &'a str) -> &'a str {
        lookup(&self.indicators, code)
    }
}

fn lookup<'a>(list: &'a [(String, String)], code: &'a str) -> &'a str {
    list.iter()
        .find(|(c, _)| c == code)
        .map_or(code, |(_, n)| n.as_str())
}

/// A finite value, or `None`.
pub(crate) fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|v| v.is_finite())
}

/// The normalised industry code of the facts (`C3911`), `None` when empty or not a valid code.
/// A bare section letter (`C`) is kept as is.
pub(crate) fn norm_industry(code: &str) -> Option<String> {
    let s = code.trim().to_ascii_uppercase();
    if s.len() == 1 && Section::parse(&s).is_ok() {
        return Some(s);
    }
    Industry::parse(&s).ok().map(|i| i.as_str().to_owned())
}

/// The normalised form of a rule's prefix (`39` → `C39`), `None` when invalid: a letter A–T
/// optionally followed by 2–4 digits (whose 大类 exists and belongs to it), or 2–4 digits.
pub(crate) fn norm_prefix(prefix: &str) -> Option<String> {
    let s = prefix.trim();
    if s.len() == 1 {
        return Section::parse(s).ok().map(|sec| sec.as_str().to_owned());
    }
    if s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return None;
    }
    Industry::parse(s).ok().map(|i| i.as_str().to_owned())
}

/// Anniversary `n` of `founded` (29 February → 28 February in common years).
fn anniversary(founded: Date, n: i32) -> Option<Date> {
    let year = founded.year().checked_add(n)?;
    founded
        .replace_year(year)
        .ok()
        .or_else(|| Date::from_calendar_date(year, founded.month(), founded.day() - 1).ok())
}

/// Years since founding: whole anniversaries passed plus the elapsed fraction of the current
/// year of age. NaN when the dates are out of range. Negative before the founding date.
pub(crate) fn founded_years(founded: Date, today: Date) -> f64 {
    let go = || -> Option<f64> {
        let mut y = today.year() - founded.year();
        if anniversary(founded, y)? > today {
            y -= 1;
        }
        let a = anniversary(founded, y)?;
        let b = anniversary(founded, y + 1)?;
        let span = (b - a).whole_days() as f64;
        Some(f64::from(y) + (today - a).whole_days() as f64 / span)
    };
    go().unwrap_or(f64::NAN)
}

/// The first date on which [`founded_years`] reaches `min`.
pub(crate) fn date_reaching(founded: Date, min: f64) -> Option<Date> {
    let n = min.floor();
    if !(-1.0e4..=1.0e4).contains(&n) {
        return None;
    }
    let n = n as i32;
    let a = anniversary(founded, n)?;
    let b = anniversary(founded, n + 1)?;
    let frac = min - f64::from(n);
    let mut d = a.checked_add(time::Duration::days(
        (frac * (b - a).whole_days() as f64).ceil() as i64,
    ))?;
    for _ in 0..4 {
        if founded_years(founded, d) >= min {
            return Some(d);
        }
        d = d.next_day()?;
    }
    Some(d)
}

/// (this year − last year) / last year; NaN when either is missing or last year is not positive.
pub(crate) fn growth(this: Option<f64>, last: Option<f64>) -> f64 {
    match (finite(this), finite(last)) {
        (Some(t), Some(l)) if l > 0.0 => (t - l) / l,
        _ => f64::NAN,
    }
}

/// R&D spend / revenue; NaN when either is missing or revenue is not positive.
pub(crate) fn intensity(rd: Option<f64>, revenue: Option<f64>) -> f64 {
    match (finite(rd), finite(revenue)) {
        (Some(r), Some(v)) if v > 0.0 => r / v,
        _ => f64::NAN,
    }
}

/// `v ∈ [min, max]` with absent bounds open. NaN never passes.
#[inline]
pub(crate) fn in_range(v: f64, min: f64, max: f64) -> bool {
    v >= min && v <= max
}

pub(crate) fn lo(min: Option<f64>) -> f64 {
    min.unwrap_or(f64::NEG_INFINITY)
}

pub(crate) fn hi(max: Option<f64>) -> f64 {
    max.unwrap_or(f64::INFINITY)
}
