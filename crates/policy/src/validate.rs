//! Checking a rule against the catalog before it is saved.

use jiban_core::DomainError;

use crate::model::{Catalog, Rule, norm_prefix};

/// The deepest nesting allowed: the root is at depth 1, each `All` / `Any` / `Not` adds one.
pub const MAX_DEPTH: usize = 8;

/// Field of every rule validation error.
pub const FIELD: &str = "rules";
/// Code of every rule validation error.
pub const CODE: &str = "validation.policy_rule";

/// “第 2 条条件的第 1 项：” for the path `[2, 1]`; empty for the root.
pub(crate) fn place(path: &[usize]) -> String {
    let mut s = String::new();
    for (i, n) in path.iter().enumerate() {
        if i == 0 {
            s.push_str(&format!("第 {n} 条条件"));
        } else {
            s.push_str(&format!("的第 {n} 项"));
        }
    }
    if !s.is_empty() {
        s.push('：');
    }
    s
}

impl Rule {
    /// Checks the rule: non-empty lists and groups, bounds (at least one, finite, min ≤ max),
    /// tags / streets / indicators / bands known to the catalog, industry prefixes well formed
    /// (a letter A–T, optionally with 2–4 digits of a 大类 of that section, or 2–4 digits),
    /// nesting at most [`MAX_DEPTH`]. Errors: field `rules`, code `validation.policy_rule`, a
    /// Chinese message that names the place, e.g.
    /// “第 2 条条件的第 1 项：标签“独角兽”不在标签目录中”.
    pub fn validate(&self, catalog: &Catalog) -> Result<(), DomainError> {
        let mut path = Vec::new();
        check(self, catalog, 1, &mut path)
            .map_err(|m| DomainError::new(FIELD, CODE, format!("{}{m}", place(&path))))
    }
}

fn bounds(name: &str, min: Option<f64>, max: Option<f64>) -> Result<(), String> {
    match (min, max) {
        (None, None) => Err(format!("{name}至少需要填写下限或上限")),
        (a, b) if a.is_some_and(|v| !v.is_finite()) || b.is_some_and(|v| !v.is_finite()) => {
            Err(format!("{name}的界限须为有效数值"))
        }
        (Some(a), Some(b)) if a > b => Err(format!(
            "{name}的下限 {} 不能大于上限 {}",
            crate::explain::num(a),
            crate::explain::num(b)
        )),
        _ => Ok(()),
    }
}

fn non_empty<T>(list: &[T], what: &str) -> Result<(), String> {
    if list.is_empty() {
        Err(format!("{what}不能为空"))
    } else {
        Ok(())
    }
}

fn known(list: &[(String, String)], code: &str) -> bool {
    list.iter().any(|(c, _)| c == code)
}

/// On error, `path` is left pointing at the offending rule.
fn check(rule: &Rule, cat: &Catalog, depth: usize, path: &mut Vec<usize>) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err(format!("条件嵌套不能超过 {MAX_DEPTH} 层"));
    }
    match rule {
        Rule::All { rules } | Rule::Any { rules } => {
            non_empty(rules, "条件组")?;
            for (i, r) in rules.iter().enumerate() {
                path.push(i + 1);
                check(r, cat, depth + 1, path)?;
                path.pop();
            }
            Ok(())
        }
        Rule::Not { rule } => check(rule, cat, depth + 1, path),
        Rule::Industry { prefixes } => {
            non_empty(prefixes, "行业范围")?;
            for p in prefixes {
                if norm_prefix(p).is_none() {
                    return Err(format!(
                        "行业代码“{}”不正确，应为门类字母 A–T（可加 2–4 位该门类的大类代码）或 2–4 位数字，如 C、C39、3911",
                        p.trim()
                    ));
                }
            }
            Ok(())
        }
        Rule::Size { classes } => non_empty(classes, "企业规模"),
        Rule::Street { streets } => {
            non_empty(streets, "所在街道")?;
            match streets.iter().find(|s| !known(&cat.streets, s)) {
                Some(s) => Err(format!("街道“{s}”不在街道目录中")),
                None => Ok(()),
            }
        }
        Rule::TagsAll { tags } | Rule::TagsAny { tags } | Rule::TagsNone { tags } => {
            non_empty(tags, "标签")?;
            match tags.iter().find(|t| !cat.tags.contains(t)) {
                Some(t) => Err(format!("标签“{t}”不在标签目录中")),
                None => Ok(()),
            }
        }
        Rule::FoundedYears { min, max } => bounds("成立年限", *min, *max),
        Rule::Employees { min, max } => bounds("从业人员", *min, *max),
        Rule::Revenue { min, max } => bounds("营业收入", *min, *max),
        Rule::RevenueGrowth { min, max } => bounds("营业收入增长率", *min, *max),
        Rule::RdIntensity { min, max } => bounds("研发投入强度", *min, *max),
        Rule::Indicator { code, min, max } => {
            if !known(&cat.indicators, code) {
                return Err(format!("指标“{code}”不在指标目录中"));
            }
            bounds(&format!("指标“{}”", cat.indicator_name(code)), *min, *max)
        }
        Rule::Band { bands } => {
            non_empty(bands, "五色图色标")?;
            match bands.iter().find(|b| !known(&cat.bands, b)) {
                Some(b) => Err(format!("色标“{b}”不在五色图色标中")),
                None => Ok(()),
            }
        }
        Rule::NoSeriousHazard => Ok(()),
    }
}
