//! How much an enterprise gets from an item: nothing stated, a fixed sum, or a formula over its
//! facts (reusing [`jiban_core::formula`]) with an optional cap and floor.

use jiban_core::DomainError;
use jiban_core::formula::{Formula, When};
use serde::{Deserialize, Serialize};

use crate::model::{Catalog, Facts, finite};

/// Names a formula may use besides indicator codes.
pub const AMOUNT_NAMES: [&str; 4] = ["营业收入", "去年营业收入", "研发费用", "从业人员"];

/// Field of amount validation errors.
pub const AMOUNT_FIELD: &str = "amount";
/// Code of amount validation errors other than formula syntax (which keep `formula_invalid`).
pub const AMOUNT_CODE: &str = "validation.policy_amount";

/// The benefit of an item, in 万元. Serialised with a `kind` tag:
/// `{"kind":"formula","formula":"研发费用 * 5%","cap_wan":100,"floor_wan":null}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Amount {
    /// No amount stated (a qualification, a service …).
    None,
    /// A fixed sum.
    Fixed { wan: f64 },
    /// A formula over 营业收入, 去年营业收入, 研发费用, 从业人员 and indicator codes (latest value);
    /// `去年同期(营业收入)` is 去年营业收入 too. The result is capped and floored when given.
    Formula {
        formula: String,
        cap_wan: Option<f64>,
        floor_wan: Option<f64>,
    },
}

fn invalid(message: impl Into<String>) -> DomainError {
    DomainError::new(AMOUNT_FIELD, AMOUNT_CODE, message)
}

impl Amount {
    /// Checks the amount: a fixed sum finite and ≥ 0; a formula that parses and uses only
    /// [`AMOUNT_NAMES`] and the catalog's indicator codes (error code `formula_invalid`, field
    /// `amount`); cap and floor finite, ≥ 0, floor ≤ cap.
    pub fn validate(&self, catalog: &Catalog) -> Result<(), DomainError> {
        match self {
            Amount::None => Ok(()),
            Amount::Fixed { wan } => {
                if wan.is_finite() && *wan >= 0.0 {
                    Ok(())
                } else {
                    Err(invalid("固定金额须为不小于 0 的数值"))
                }
            }
            Amount::Formula {
                formula,
                cap_wan,
                floor_wan,
            } => {
                Formula::parse_checked(formula, |n| {
                    AMOUNT_NAMES.contains(&n) || catalog.indicators.iter().any(|(c, _)| c == n)
                })
                .map_err(|e| e.with_field(AMOUNT_FIELD))?;
                for (v, what) in [(cap_wan, "上限"), (floor_wan, "下限")] {
                    if let Some(v) = v
                        && !(v.is_finite() && *v >= 0.0)
                    {
                        return Err(invalid(format!("金额{what}须为不小于 0 的数值")));
                    }
                }
                if let (Some(c), Some(f)) = (cap_wan, floor_wan)
                    && f > c
                {
                    return Err(invalid("金额下限不能大于上限"));
                }
                Ok(())
            }
        }
    }

    /// The amount for one enterprise, in 万元: `Ok(None)` for [`Amount::None`]; `Err` with a
    /// Chinese reason when an input is missing or the formula cannot be evaluated, e.g.
    /// “无法计算金额：缺少本期的“研发费用””. Never panics.
    pub fn compute(&self, facts: &Facts) -> Result<Option<f64>, String> {
        match self {
            Amount::None => Ok(None),
            Amount::Fixed { wan } => Ok(Some(*wan)),
            Amount::Formula {
                formula,
                cap_wan,
                floor_wan,
            } => {
                let f = Formula::parse(formula).map_err(|e| format!("金额公式有误：{e}"))?;
                let mut v = f
                    .eval(|name, when| match (name, when) {
                        ("营业收入", When::Current) => finite(facts.revenue_wan),
                        ("营业收入", When::LastYear) | ("去年营业收入", When::Current) => {
                            finite(facts.revenue_last_year_wan)
                        }
                        ("研发费用", When::Current) => finite(facts.rd_spend_wan),
                        ("从业人员", When::Current) => finite(facts.employees),
                        (code, When::Current) => facts.indicators.get(code).copied(),
                        _ => None,
                    })
                    .map_err(|e| format!("无法计算金额：{e}"))?;
                if let Some(c) = cap_wan {
                    v = v.min(*c);
                }
                if let Some(f) = floor_wan {
                    v = v.max(*f);
                }
                Ok(Some(v))
            }
        }
    }
}
