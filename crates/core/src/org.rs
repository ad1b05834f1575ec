//! Organisational units: the administration (管委会), its functional departments, and the
//! territorial hierarchy street → community / village → grid.
//!
//! ```text
//! zone 管委会
//! ├── department 部门            (functional: serves the whole zone)
//! └── street 街道（镇）           (territorial from here down)
//!     ├── community 社区
//!     │   └── grid 网格
//!     └── village 村
//!         └── grid 网格
//! ```
//!
//! [`UnitKind::can_contain`] is the only nesting rule; the tree itself lives in the store.

use std::fmt;
use std::str::FromStr;

use crate::error::DomainError;

/// The kind of an organisational unit.
///
/// Serialised (JSON, database) as its [`as_str`](Self::as_str) code; [`label`](Self::label) is the
/// Chinese name for people. `Display` writes the code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "&'static str")]
pub enum UnitKind {
    /// 管委会 — the top-level administration of a development zone (one per zone; the tree root).
    Zone,
    /// 部门 — a functional department (经济发展部, 应急管理局 …). Serves the whole zone.
    Department,
    /// 街道（镇）— a street office or a town.
    Street,
    /// 社区 — an urban community (居委会).
    Community,
    /// 村 — a village (村委会), found under towns.
    Village,
    /// 网格 — the smallest territorial unit, under a community or a village.
    Grid,
}

impl UnitKind {
    /// All kinds, from the root down.
    pub const ALL: [UnitKind; 6] = [
        UnitKind::Zone,
        UnitKind::Department,
        UnitKind::Street,
        UnitKind::Community,
        UnitKind::Village,
        UnitKind::Grid,
    ];

    /// Stable machine code: `zone`, `department`, `street`, `community`, `village`, `grid`.
    pub const fn as_str(self) -> &'static str {
        match self {
            UnitKind::Zone => "zone",
            UnitKind::Department => "department",
            UnitKind::Street => "street",
            UnitKind::Community => "community",
            UnitKind::Village => "village",
            UnitKind::Grid => "grid",
        }
    }

    /// Chinese name: 管委会, 部门, 街道（镇）, 社区, 村, 网格.
    pub const fn label(self) -> &'static str {
        match self {
            UnitKind::Zone => "管委会",
            UnitKind::Department => "部门",
            UnitKind::Street => "街道（镇）",
            UnitKind::Community => "社区",
            UnitKind::Village => "村",
            UnitKind::Grid => "网格",
        }
    }

    /// Parses a machine code (trimmed, case-insensitive). Error `validation.unknown_value`,
    /// field `kind`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| DomainError::unknown_value("kind", "单位类型", s))
    }

    /// Whether a unit of this kind may have a direct child of kind `child`:
    /// zone → department | street; street → community | village; community | village → grid.
    /// Nothing else (departments have no sub-units in the model; grids are leaves).
    pub const fn can_contain(self, child: UnitKind) -> bool {
        matches!(
            (self, child),
            (UnitKind::Zone, UnitKind::Department | UnitKind::Street)
                | (UnitKind::Street, UnitKind::Community | UnitKind::Village)
                | (UnitKind::Community | UnitKind::Village, UnitKind::Grid)
        )
    }

    /// Territorial units (street, community, village, grid) are responsible for a piece of land
    /// and see what happens inside it; the zone and departments are not territorial.
    pub const fn is_territorial(self) -> bool {
        matches!(
            self,
            UnitKind::Street | UnitKind::Community | UnitKind::Village | UnitKind::Grid
        )
    }
}

impl fmt::Display for UnitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for UnitKind {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for UnitKind {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl TryFrom<&str> for UnitKind {
    type Error = DomainError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl From<UnitKind> for &'static str {
    fn from(k: UnitKind) -> Self {
        k.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use UnitKind::*;

    #[test]
    fn codes_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()).unwrap(), k);
            assert_eq!(k.to_string(), k.as_str());
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
            assert_eq!(serde_json::from_str::<UnitKind>(&json).unwrap(), k);
        }
        assert_eq!(UnitKind::parse(" Grid ").unwrap(), Grid);
        let e = UnitKind::parse("city").unwrap_err();
        assert_eq!(e.code, "validation.unknown_value");
        assert_eq!(e.field, "kind");
        assert_eq!(Street.label(), "街道（镇）");
    }

    #[test]
    fn nesting() {
        let allowed = [
            (Zone, Department),
            (Zone, Street),
            (Street, Community),
            (Street, Village),
            (Community, Grid),
            (Village, Grid),
        ];
        for p in UnitKind::ALL {
            for c in UnitKind::ALL {
                assert_eq!(p.can_contain(c), allowed.contains(&(p, c)), "{p} → {c}");
            }
        }
    }

    #[test]
    fn territorial() {
        let t: Vec<_> = UnitKind::ALL
            .into_iter()
            .filter(|k| k.is_territorial())
            .collect();
        assert_eq!(t, [Street, Community, Village, Grid]);
    }
}
