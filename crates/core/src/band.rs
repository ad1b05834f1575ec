//! The five-colour map (企业运行“五色图”): how an enterprise's score is computed from its
//! indicators and open overdue cases, and which colour band the score falls in.
//!
//! Each component maps its value linearly from `zero` (score 0) to `full` (score 100), clamped to
//! 0…100, so a falling indicator (`zero` < `full`) and a count where less is better (`zero` >
//! `full`, e.g. overdue cases) are written the same way. The score is the weighted mean of the
//! components that have a value; an enterprise with none has no band (未评).

use crate::error::DomainError;
use serde::{Deserialize, Serialize};

/// One colour band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandDef {
    /// Stable code (`green`, `blue`, `yellow`, `orange`, `red` by default).
    pub code: String,
    /// Shown name (绿 …).
    pub name: String,
    /// CSS colour.
    pub color: String,
    /// The lowest score of the band (ignored for the last band, which takes everything below).
    pub min_score: f64,
}

/// What a component measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    /// An indicator's value for the latest period (`code` names it).
    Indicator,
    /// The number of the enterprise's open cases that are past their deadline.
    OverdueCases,
}

/// One term of the score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Component {
    pub kind: ComponentKind,
    /// The indicator code (for [`ComponentKind::Indicator`]).
    #[serde(default)]
    pub code: Option<String>,
    pub weight: f64,
    /// The value that scores 0.
    pub zero: f64,
    /// The value that scores 100.
    pub full: f64,
}

impl Component {
    /// The component's score (0…100) for a value.
    pub fn score(&self, value: f64) -> f64 {
        let s = (value - self.zero) / (self.full - self.zero) * 100.0;
        if s.is_nan() { 0.0 } else { s.clamp(0.0, 100.0) }
    }
}

/// A zone's band rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BandRules {
    /// Best first.
    pub bands: Vec<BandDef>,
    pub components: Vec<Component>,
    /// An enterprise that has reported before but nothing for this many periods raises a warning.
    pub silent_periods: u32,
    /// The category of the visit task opened by a warning.
    pub visit_category: String,
}

impl Default for BandRules {
    fn default() -> Self {
        let band = |code: &str, name: &str, color: &str, min: f64| BandDef {
            code: code.into(),
            name: name.into(),
            color: color.into(),
            min_score: min,
        };
        let ind = |code: &str, weight: f64, zero: f64, full: f64| Component {
            kind: ComponentKind::Indicator,
            code: Some(code.into()),
            weight,
            zero,
            full,
        };
        BandRules {
            bands: vec![
                band("green", "绿", "#2e9d4f", 85.0),
                band("blue", "蓝", "#2f7fd8", 70.0),
                band("yellow", "黄", "#e6b422", 55.0),
                band("orange", "橙", "#ee7d31", 40.0),
                band("red", "红", "#d8342c", 0.0),
            ],
            components: vec![
                ind("fgl", 0.3, 0.5, 1.0),
                ind("ydhfl", 0.3, 0.5, 1.0),
                ind("kphfl", 0.3, 0.5, 1.0),
                Component {
                    kind: ComponentKind::OverdueCases,
                    code: None,
                    weight: 0.1,
                    zero: 3.0,
                    full: 0.0,
                },
            ],
            silent_periods: 2,
            visit_category: "QY06".into(),
        }
    }
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::new("rules", "validation.band_rules", message)
}

impl BandRules {
    /// Checks the rules; indicator codes are checked against the zone by the caller.
    pub fn validate(&self) -> Result<(), DomainError> {
        if !(2..=7).contains(&self.bands.len()) {
            return Err(invalid("色标须有 2 至 7 档"));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, b) in self.bands.iter().enumerate() {
            if b.code.trim().is_empty() || b.name.trim().is_empty() {
                return Err(invalid(format!("第 {} 档色标缺少代码或名称", i + 1)));
            }
            if !seen.insert(b.code.as_str()) {
                return Err(invalid(format!("色标代码“{}”重复", b.code)));
            }
            if !b.min_score.is_finite() || !(0.0..=100.0).contains(&b.min_score) {
                return Err(invalid(format!("“{}”的最低分须在 0 至 100 之间", b.name)));
            }
            if i > 0 && i + 1 < self.bands.len() && b.min_score >= self.bands[i - 1].min_score {
                return Err(invalid(format!(
                    "“{}”的最低分须低于“{}”",
                    b.name,
                    self.bands[i - 1].name
                )));
            }
        }
        if self.components.is_empty() {
            return Err(invalid("至少需要一项评分指标"));
        }
        for (i, c) in self.components.iter().enumerate() {
            let n = i + 1;
            if !(c.weight.is_finite() && c.weight > 0.0) {
                return Err(invalid(format!("第 {n} 项评分指标的权重须大于 0")));
            }
            if !c.zero.is_finite() || !c.full.is_finite() || c.zero == c.full {
                return Err(invalid(format!("第 {n} 项评分指标的 0 分值与满分值须不同")));
            }
            if c.kind == ComponentKind::Indicator
                && c.code.as_deref().is_none_or(|s| s.trim().is_empty())
            {
                return Err(invalid(format!("第 {n} 项评分指标未选择指标")));
            }
        }
        if self.silent_periods == 0 || self.silent_periods > 24 {
            return Err(invalid("未报送预警期数须在 1 至 24 之间"));
        }
        Ok(())
    }

    /// The weighted score of the components that have a value (`values[i]` for `components[i]`).
    /// An enterprise is rated only on data it reported: when the rules read indicators and none
    /// has a value, there is no score (overdue cases alone do not make a band).
    pub fn score(&self, values: &[Option<f64>]) -> Option<f64> {
        let (mut sum, mut weights) = (0.0, 0.0);
        let mut reported = false;
        for (c, v) in self.components.iter().zip(values) {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                sum += c.weight * c.score(v);
                weights += c.weight;
                reported |= c.kind == ComponentKind::Indicator;
            }
        }
        let needs_report = self
            .components
            .iter()
            .any(|c| c.kind == ComponentKind::Indicator);
        (weights > 0.0 && (reported || !needs_report)).then(|| sum / weights)
    }

    /// The index of the band a score falls in (0 = best).
    pub fn band_index(&self, score: f64) -> usize {
        self.bands
            .iter()
            .position(|b| score >= b.min_score)
            .unwrap_or(self.bands.len() - 1)
            .min(self.bands.len() - 1)
    }

    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.bands.iter().position(|b| b.code == code)
    }

    pub fn band(&self, code: &str) -> Option<&BandDef> {
        self.bands.iter().find(|b| b.code == code)
    }

    /// Why a change of band raises a warning: a drop of two bands or more at once, or a fall
    /// into the last band. `None` when it does not.
    pub fn warning_for(&self, from: Option<&str>, to: &str) -> Option<WarningKind> {
        let to_i = self.index_of(to)?;
        let from_i = from.and_then(|f| self.index_of(f));
        let last = self.bands.len() - 1;
        if to_i == last && from_i != Some(last) {
            return Some(WarningKind::Red);
        }
        match from_i {
            Some(f) if to_i >= f + 2 => Some(WarningKind::Drop),
            _ => None,
        }
    }
}

/// Why an early warning was raised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningKind {
    /// Dropped two bands or more at once.
    Drop,
    /// Fell into the last (red) band.
    Red,
    /// Stopped reporting.
    Silent,
}

impl WarningKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            WarningKind::Drop => "drop",
            WarningKind::Red => "red",
            WarningKind::Silent => "silent",
        }
    }
    pub const fn label(self) -> &'static str {
        match self {
            WarningKind::Drop => "连降两级",
            WarningKind::Red => "落入红色",
            WarningKind::Silent => "未按期报送",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_are_valid() {
        BandRules::default().validate().unwrap();
    }

    #[test]
    fn component_scores_both_directions() {
        let rising = Component {
            kind: ComponentKind::Indicator,
            code: Some("fgl".into()),
            weight: 1.0,
            zero: 0.5,
            full: 1.0,
        };
        assert_eq!(rising.score(0.75), 50.0);
        assert_eq!(rising.score(0.2), 0.0);
        assert_eq!(rising.score(1.3), 100.0);
        let falling = Component {
            kind: ComponentKind::OverdueCases,
            code: None,
            weight: 1.0,
            zero: 3.0,
            full: 0.0,
        };
        assert_eq!(falling.score(0.0), 100.0);
        assert!((falling.score(1.0) - 66.666).abs() < 0.01);
        assert_eq!(falling.score(7.0), 0.0);
    }

    #[test]
    fn score_is_the_weighted_mean_of_present_components() {
        let r = BandRules::default();
        // fgl 1.0 (100), ydhfl missing, kphfl 0.75 (50), no overdue (100)
        let s = r.score(&[Some(1.0), None, Some(0.75), Some(0.0)]).unwrap();
        assert!((s - (0.3 * 100.0 + 0.3 * 50.0 + 0.1 * 100.0) / 0.7).abs() < 1e-9);
        assert_eq!(r.score(&[None, None, None, None]), None);
        assert_eq!(r.score(&[Some(f64::NAN), None, None, None]), None);
        // no indicator reported: overdue cases alone make no band
        assert_eq!(r.score(&[None, None, None, Some(0.0)]), None);
    }

    #[test]
    fn bands_at_each_boundary() {
        let r = BandRules::default();
        let code = |s: f64| r.bands[r.band_index(s)].code.as_str();
        assert_eq!(code(100.0), "green");
        assert_eq!(code(85.0), "green");
        assert_eq!(code(84.99), "blue");
        assert_eq!(code(70.0), "blue");
        assert_eq!(code(69.9), "yellow");
        assert_eq!(code(55.0), "yellow");
        assert_eq!(code(40.0), "orange");
        assert_eq!(code(39.9), "red");
        assert_eq!(code(0.0), "red");
    }

    #[test]
    fn warnings() {
        let r = BandRules::default();
        assert_eq!(
            r.warning_for(Some("green"), "yellow"),
            Some(WarningKind::Drop)
        );
        assert_eq!(r.warning_for(Some("green"), "blue"), None);
        assert_eq!(r.warning_for(Some("orange"), "red"), Some(WarningKind::Red));
        assert_eq!(r.warning_for(None, "red"), Some(WarningKind::Red));
        assert_eq!(r.warning_for(Some("red"), "red"), None);
        assert_eq!(r.warning_for(None, "orange"), None);
        assert_eq!(r.warning_for(Some("yellow"), "green"), None);
        assert_eq!(r.warning_for(Some("blue"), "red"), Some(WarningKind::Red));
    }

    #[test]
    fn validation_names_the_problem() {
        let mut r = BandRules::default();
        r.bands[2].min_score = 90.0;
        assert!(r.validate().unwrap_err().message.contains("黄"));
        let mut r = BandRules::default();
        r.components[0].weight = 0.0;
        assert!(r.validate().unwrap_err().message.contains("权重"));
        let mut r = BandRules::default();
        r.components[1].zero = 1.0;
        assert!(r.validate().is_err());
        let mut r = BandRules::default();
        r.bands[1].code = "green".into();
        assert!(r.validate().unwrap_err().message.contains("重复"));
        let mut r = BandRules::default();
        r.bands.truncate(1);
        assert!(r.validate().is_err());
    }
}
