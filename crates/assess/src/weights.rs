//! The administrator's weights: of each metric in the composite score, and of 基本满意 in 满意率.

use jiban_core::DomainError;
use serde::{Deserialize, Serialize};

use crate::metrics::Metric;

/// Weights set by the administrator. The composite is the weighted mean of the metrics that have
/// a value, so the weights need not add up to 100 (the defaults do, and read as percentages).
///
/// JSON: every field optional, a missing one takes its default.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// 签收及时率. Default 10.
    pub signed_on_time: f64,
    /// 按期办结率. Default 30.
    pub resolved_on_time: f64,
    /// 解决率. Default 20.
    pub resolved: f64,
    /// 满意率. Default 30.
    pub satisfied: f64,
    /// 退单率, scored as 1 − 退单率. Default 5.
    pub returned: f64,
    /// 重办率, scored as 1 − 重办率. Default 5.
    pub reworked: f64,
    /// What a 基本满意 counts for in 满意率 (满意 counts 1, 不满意 0). Default 0.8.
    pub basic_satisfied: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            signed_on_time: 10.0,
            resolved_on_time: 30.0,
            resolved: 20.0,
            satisfied: 30.0,
            returned: 5.0,
            reworked: 5.0,
            basic_satisfied: 0.8,
        }
    }
}

/// Largest weight of one metric.
pub const MAX_WEIGHT: f64 = 100.0;

impl Weights {
    /// The composite weight of each scored metric, in the order of the composite.
    pub fn parts(&self) -> [(Metric, f64); 6] {
        [
            (Metric::SignedOnTime, self.signed_on_time),
            (Metric::ResolvedOnTime, self.resolved_on_time),
            (Metric::Resolved, self.resolved),
            (Metric::Satisfied, self.satisfied),
            (Metric::Returned, self.returned),
            (Metric::Reworked, self.reworked),
        ]
    }

    /// Checks an administrator's input: each metric weight a number from 0 to 100, not all 0;
    /// the 基本满意 factor from 0 to 1. Errors `validation.range` (field `weights.<metric>` or
    /// `weights.basic_satisfied`) and `validation.assess.weights_zero` (field `weights`).
    pub fn validate(&self) -> Result<(), DomainError> {
        for (metric, w) in self.parts() {
            if !(w.is_finite() && (0.0..=MAX_WEIGHT).contains(&w)) {
                return Err(DomainError::new(
                    metric.weight_field(),
                    "validation.range",
                    format!("{}权重应为 0 到 100 之间的数", metric.label()),
                ));
            }
        }
        if self.parts().iter().all(|(_, w)| *w == 0.0) {
            return Err(DomainError::new(
                "weights",
                "validation.assess.weights_zero",
                "各项指标的权重不能全部为 0",
            ));
        }
        if !(self.basic_satisfied.is_finite() && (0.0..=1.0).contains(&self.basic_satisfied)) {
            return Err(DomainError::new(
                "weights.basic_satisfied",
                "validation.range",
                "“基本满意”折算系数应为 0 到 1 之间的数",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_add_up_to_100() {
        let w = Weights::default();
        w.validate().unwrap();
        let sum: f64 = w.parts().iter().map(|(_, w)| w).sum();
        assert_eq!(sum, 100.0);
    }

    #[test]
    fn validation_names_the_field() {
        let e = Weights {
            resolved: -1.0,
            ..Weights::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.field, "weights.resolved");
        assert_eq!(e.code, "validation.range");
        assert_eq!(e.message, "解决率权重应为 0 到 100 之间的数");

        let e = Weights {
            satisfied: f64::NAN,
            ..Weights::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.field, "weights.satisfied");

        let zero = Weights {
            signed_on_time: 0.0,
            resolved_on_time: 0.0,
            resolved: 0.0,
            satisfied: 0.0,
            returned: 0.0,
            reworked: 0.0,
            basic_satisfied: 0.8,
        };
        assert_eq!(
            zero.validate().unwrap_err().code,
            "validation.assess.weights_zero"
        );

        let e = Weights {
            basic_satisfied: 1.2,
            ..Weights::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.field, "weights.basic_satisfied");
        assert_eq!(e.message, "“基本满意”折算系数应为 0 到 1 之间的数");
    }
}
