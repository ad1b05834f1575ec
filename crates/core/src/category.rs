//! The demand taxonomy (诉求分类): two levels, identified by stable codes.
//!
//! A root code is two upper-case letters (`QY` 企业经营); a child adds two digits to its parent's
//! code (`QY01` 用工招聘). Codes are the identifiers that cases, routing rules and evaluations refer
//! to: names and scopes may be refined, codes never change.
//!
//! [`Taxonomy::default_zh`] is the default taxonomy embedded from `data/categories.csv`.
//!
//! ```
//! use jiban_core::category::{CategoryCode, Taxonomy};
//! let t = Taxonomy::default_zh();
//! let code = CategoryCode::parse("qy01").unwrap();
//! assert_eq!(t.get(&code).unwrap().name, "用工招聘");
//! assert!(t.is_leaf(&code));
//! assert_eq!(code.parent().unwrap().as_str(), "QY");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use crate::error::DomainError;

/// The embedded default taxonomy (`code,parent,name,scope`).
pub const DEFAULT_CATEGORIES_CSV: &str = include_str!("../data/categories.csv");

/// A category code: two upper-case ASCII letters, optionally followed by two digits
/// (`QY`, `QY01`). Parsing trims and upper-cases. Errors: `validation.required`,
/// `validation.format`; field `category`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct CategoryCode(String);

impl CategoryCode {
    /// Parses a code; see the type documentation.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(DomainError::required("category", "诉求分类"));
        }
        let b = s.as_bytes();
        let ok = (b.len() == 2 || b.len() == 4)
            && b[..2].iter().all(u8::is_ascii_uppercase)
            && b[2..].iter().all(u8::is_ascii_digit);
        if !ok {
            return Err(DomainError::new(
                "category",
                "validation.format",
                format!(
                    "诉求分类代码“{}”格式不正确，应为两位大写字母加可选的两位数字，如 QY01",
                    input.trim()
                ),
            ));
        }
        Ok(Self(s))
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is a top-level code (two letters).
    pub fn is_root(&self) -> bool {
        self.0.len() == 2
    }

    /// The parent code by shape (`QY01` → `QY`); `None` for a root.
    pub fn parent(&self) -> Option<CategoryCode> {
        (!self.is_root()).then(|| CategoryCode(self.0[..2].to_string()))
    }
}

impl fmt::Display for CategoryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CategoryCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for CategoryCode {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CategoryCode {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl TryFrom<&str> for CategoryCode {
    type Error = DomainError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl From<CategoryCode> for String {
    fn from(c: CategoryCode) -> Self {
        c.0
    }
}

/// One category.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Category {
    /// Stable code.
    pub code: CategoryCode,
    /// Parent code, `None` for a root.
    pub parent: Option<CategoryCode>,
    /// Chinese name (“用工招聘”).
    pub name: String,
    /// What belongs here, for people choosing a category (may be empty).
    pub scope: String,
}

static DEFAULT: LazyLock<Taxonomy> = LazyLock::new(|| {
    Taxonomy::parse_csv(DEFAULT_CATEGORIES_CSV).expect("embedded categories.csv is valid")
});

/// A two-level taxonomy, ordered by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    by_code: BTreeMap<CategoryCode, Category>,
}

impl Taxonomy {
    /// The default Chinese taxonomy, embedded from `data/categories.csv`.
    pub fn default_zh() -> Self {
        DEFAULT.clone()
    }

    /// Parses a taxonomy in the format of `data/categories.csv`: a header line, then
    /// `code,parent,name,scope` (the scope may contain commas in the Chinese sense `、`; an ASCII
    /// comma in it is kept as part of the scope).
    ///
    /// Checks (field `category`): codes parse, no duplicates (`validation.category.duplicate`),
    /// a root has no parent and a child's parent is the root its code starts with
    /// (`validation.category.parent`), names are not empty (`validation.required`).
    pub fn parse_csv(text: &str) -> Result<Self, DomainError> {
        let mut by_code = BTreeMap::new();
        for (i, line) in text.lines().enumerate().skip(1) {
            let line_no = i + 1;
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let mut f = line.splitn(4, ',');
            let code = CategoryCode::parse(f.next().unwrap_or(""))?;
            let parent_raw = f.next().unwrap_or("").trim();
            let name = f.next().unwrap_or("").trim().to_string();
            let scope = f.next().unwrap_or("").trim().to_string();
            let parent = if parent_raw.is_empty() {
                None
            } else {
                Some(CategoryCode::parse(parent_raw)?)
            };
            if parent != code.parent() {
                return Err(DomainError::new(
                    "category",
                    "validation.category.parent",
                    format!(
                        "诉求分类第 {line_no} 行：{code} 的上级应为“{}”",
                        code.parent().map(|p| p.0).unwrap_or_default()
                    ),
                ));
            }
            if name.is_empty() {
                return Err(DomainError::required("category", "诉求分类名称"));
            }
            let cat = Category {
                code: code.clone(),
                parent,
                name,
                scope,
            };
            if by_code.insert(code.clone(), cat).is_some() {
                return Err(DomainError::new(
                    "category",
                    "validation.category.duplicate",
                    format!("诉求分类第 {line_no} 行：代码 {code} 重复"),
                ));
            }
        }
        for cat in by_code.values() {
            if let Some(p) = &cat.parent
                && !by_code.contains_key(p)
            {
                return Err(DomainError::new(
                    "category",
                    "validation.category.parent",
                    format!("诉求分类 {} 的上级 {p} 不存在", cat.code),
                ));
            }
        }
        Ok(Self { by_code })
    }

    /// The category with this code.
    pub fn get(&self, code: &CategoryCode) -> Option<&Category> {
        self.by_code.get(code)
    }

    /// Whether the code exists.
    pub fn contains(&self, code: &CategoryCode) -> bool {
        self.by_code.contains_key(code)
    }

    /// The top-level categories, by code.
    pub fn roots(&self) -> impl Iterator<Item = &Category> {
        self.by_code.values().filter(|c| c.parent.is_none())
    }

    /// The direct children of `code`, by code (empty for a leaf or an unknown code).
    pub fn children<'a>(
        &'a self,
        code: &'a CategoryCode,
    ) -> impl Iterator<Item = &'a Category> + 'a {
        self.by_code
            .values()
            .filter(move |c| c.parent.as_ref() == Some(code))
    }

    /// Whether `code` exists and has no children (a case is normally filed under a leaf).
    pub fn is_leaf(&self, code: &CategoryCode) -> bool {
        self.contains(code) && self.children(code).next().is_none()
    }

    /// All categories, by code (each root followed by its children).
    pub fn iter(&self) -> impl Iterator<Item = &Category> {
        self.by_code.values()
    }

    /// Number of categories.
    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    /// Whether there is no category.
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> CategoryCode {
        CategoryCode::parse(s).unwrap()
    }

    #[test]
    fn codes() {
        assert_eq!(code(" qy01 ").as_str(), "QY01");
        assert!(code("CS").is_root());
        assert_eq!(code("CS99").parent(), Some(code("CS")));
        for bad in ["Q", "QY0", "QY001", "Q1", "1Y01", "QYAB", "企业", "QY-1"] {
            assert_eq!(
                CategoryCode::parse(bad).unwrap_err().code,
                "validation.format",
                "{bad}"
            );
        }
        assert_eq!(
            CategoryCode::parse(" ").unwrap_err().code,
            "validation.required"
        );
        assert_eq!(serde_json::to_string(&code("ZW02")).unwrap(), "\"ZW02\"");
    }

    #[test]
    fn default_taxonomy() {
        let t = Taxonomy::default_zh();
        let roots: Vec<_> = t.roots().map(|c| c.code.as_str()).collect();
        assert_eq!(roots, ["AQ", "CS", "QY", "ZW"]);
        assert_eq!(t.children(&code("QY")).count(), 8);
        assert_eq!(t.children(&code("ZW")).count(), 5);
        assert_eq!(t.children(&code("AQ")).count(), 3);
        assert_eq!(t.children(&code("CS")).count(), 8);
        assert_eq!(t.len(), 4 + 8 + 5 + 3 + 8);
        assert!(!t.is_leaf(&code("QY")));
        assert!(t.is_leaf(&code("CS99")));
        assert!(!t.is_leaf(&code("XX01")));
        let c = t.get(&code("AQ01")).unwrap();
        assert_eq!(c.name, "安全生产");
        assert!(c.scope.contains("危险化学品"));
        assert_eq!(t.get(&code("QY")).unwrap().parent, None);
        assert!(t.get(&code("QY99")).is_none());
    }

    #[test]
    fn csv_checks() {
        let h = "code,parent,name,scope\n";
        assert!(Taxonomy::parse_csv(&format!("{h}QY,,企业,\nQY01,QY,用工,招工")).is_ok());
        let e = Taxonomy::parse_csv(&format!("{h}QY,,企业,\nQY01,ZW,用工,")).unwrap_err();
        assert_eq!(e.code, "validation.category.parent");
        let e = Taxonomy::parse_csv(&format!("{h}QY01,QY,用工,")).unwrap_err();
        assert_eq!(e.code, "validation.category.parent");
        let e = Taxonomy::parse_csv(&format!("{h}QY,,企业,\nQY,,企业2,")).unwrap_err();
        assert_eq!(e.code, "validation.category.duplicate");
        let e = Taxonomy::parse_csv(&format!("{h}QY,,,")).unwrap_err();
        assert_eq!(e.code, "validation.required");
    }
}
