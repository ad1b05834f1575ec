//! GB/T 4754-2017 国民经济行业分类: the 20 门类 (sections, letters A–T) and 97 大类 (divisions,
//! 2-digit codes 01–97), with their official Chinese names.
//!
//! Codes are written with the section letter in front of the digits: `C38` is 大类 38 电气机械和器材制造业
//! in 门类 C 制造业; deeper levels add digits (中类 `C381`, 小类 `C3811`). The deeper levels are not
//! tabulated here (473 中类, about 1,380 小类): [`Industry::parse`] accepts them by shape and checks
//! the 大类.
//!
//! ```
//! use jiban_core::industry::{division_name, section_of, Industry, Section};
//! assert_eq!(division_name("38"), Some("电气机械和器材制造业"));
//! assert_eq!(section_of("38"), Some(Section::C));
//! let i = Industry::parse("38").unwrap();
//! assert_eq!(i.as_str(), "C38");
//! assert_eq!(i.section().name(), "制造业");
//! ```

use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

use crate::error::DomainError;

/// A 门类 of GB/T 4754-2017. Serialised as its letter.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "&'static str")]
#[allow(missing_docs)]
pub enum Section {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
    H,
    I,
    J,
    K,
    L,
    M,
    N,
    O,
    P,
    Q,
    R,
    S,
    T,
}

impl Section {
    /// All 20 sections, A–T.
    pub const ALL: [Section; 20] = [
        Section::A,
        Section::B,
        Section::C,
        Section::D,
        Section::E,
        Section::F,
        Section::G,
        Section::H,
        Section::I,
        Section::J,
        Section::K,
        Section::L,
        Section::M,
        Section::N,
        Section::O,
        Section::P,
        Section::Q,
        Section::R,
        Section::S,
        Section::T,
    ];

    /// The letter, `"A"` … `"T"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Section::A => "A",
            Section::B => "B",
            Section::C => "C",
            Section::D => "D",
            Section::E => "E",
            Section::F => "F",
            Section::G => "G",
            Section::H => "H",
            Section::I => "I",
            Section::J => "J",
            Section::K => "K",
            Section::L => "L",
            Section::M => "M",
            Section::N => "N",
            Section::O => "O",
            Section::P => "P",
            Section::Q => "Q",
            Section::R => "R",
            Section::S => "S",
            Section::T => "T",
        }
    }

    /// The letter as a `char`.
    pub const fn letter(self) -> char {
        self.as_str().as_bytes()[0] as char
    }

    /// Official name of the 门类.
    pub const fn name(self) -> &'static str {
        match self {
            Section::A => "农、林、牧、渔业",
            Section::B => "采矿业",
            Section::C => "制造业",
            Section::D => "电力、热力、燃气及水生产和供应业",
            Section::E => "建筑业",
            Section::F => "批发和零售业",
            Section::G => "交通运输、仓储和邮政业",
            Section::H => "住宿和餐饮业",
            Section::I => "信息传输、软件和信息技术服务业",
            Section::J => "金融业",
            Section::K => "房地产业",
            Section::L => "租赁和商务服务业",
            Section::M => "科学研究和技术服务业",
            Section::N => "水利、环境和公共设施管理业",
            Section::O => "居民服务、修理和其他服务业",
            Section::P => "教育",
            Section::Q => "卫生和社会工作",
            Section::R => "文化、体育和娱乐业",
            Section::S => "公共管理、社会保障和社会组织",
            Section::T => "国际组织",
        }
    }

    /// The 大类 numbers of the section (A: 1..=5, B: 6..=12, C: 13..=43, …, T: 97..=97).
    pub const fn divisions(self) -> RangeInclusive<u8> {
        let (lo, hi) = match self {
            Section::A => (1, 5),
            Section::B => (6, 12),
            Section::C => (13, 43),
            Section::D => (44, 46),
            Section::E => (47, 50),
            Section::F => (51, 52),
            Section::G => (53, 60),
            Section::H => (61, 62),
            Section::I => (63, 65),
            Section::J => (66, 69),
            Section::K => (70, 70),
            Section::L => (71, 72),
            Section::M => (73, 75),
            Section::N => (76, 79),
            Section::O => (80, 82),
            Section::P => (83, 83),
            Section::Q => (84, 85),
            Section::R => (86, 90),
            Section::S => (91, 96),
            Section::T => (97, 97),
        };
        RangeInclusive::new(lo, hi)
    }

    /// Whether this is 工业 in the statistical sense (B 采矿业, C 制造业, D 电力热力燃气及水).
    pub const fn is_industrial(self) -> bool {
        matches!(self, Section::B | Section::C | Section::D)
    }

    /// Parses a letter (trimmed, case-insensitive). Error `validation.unknown_value`, field
    /// `industry_section`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = input.trim();
        Self::ALL
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| DomainError::unknown_value("industry_section", "行业门类", s))
    }

    /// The section of a 大类 number, if it is one of 1–97.
    pub fn of_division(division: u8) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.divisions().contains(&division))
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for Section {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Section> for &'static str {
    fn from(s: Section) -> Self {
        s.as_str()
    }
}

/// The 97 大类 of GB/T 4754-2017: `(code, official name)`, in code order.
pub const DIVISIONS: [(&str, &str); 97] = [
    ("01", "农业"),
    ("02", "林业"),
    ("03", "畜牧业"),
    ("04", "渔业"),
    ("05", "农、林、牧、渔专业及辅助性活动"),
    ("06", "煤炭开采和洗选业"),
    ("07", "石油和天然气开采业"),
    ("08", "黑色金属矿采选业"),
    ("09", "有色金属矿采选业"),
    ("10", "非金属矿采选业"),
    ("11", "开采专业及辅助性活动"),
    ("12", "其他采矿业"),
    ("13", "农副食品加工业"),
    ("14", "食品制造业"),
    ("15", "酒、饮料和精制茶制造业"),
    ("16", "烟草制品业"),
    ("17", "纺织业"),
    ("18", "纺织服装、服饰业"),
    ("19", "皮革、毛皮、羽毛及其制品和制鞋业"),
    ("20", "木材加工和木、竹、藤、棕、草制品业"),
    ("21", "家具制造业"),
    ("22", "造纸和纸制品业"),
    ("23", "印刷和记录媒介复制业"),
    ("24", "文教、工美、体育和娱乐用品制造业"),
    ("25", "石油、煤炭及其他燃料加工业"),
    ("26", "化学原料和化学制品制造业"),
    ("27", "医药制造业"),
    ("28", "化学纤维制造业"),
    ("29", "橡胶和塑料制品业"),
    ("30", "非金属矿物制品业"),
    ("31", "黑色金属冶炼和压延加工业"),
    ("32", "有色金属冶炼和压延加工业"),
    ("33", "金属制品业"),
    ("34", "通用设备制造业"),
    ("35", "专用设备制造业"),
    ("36", "汽车制造业"),
    ("37", "铁路、船舶、航空航天和其他运输设备制造业"),
    ("38", "电气机械和器材制造业"),
    ("39", "计算机、通信和其他电子设备制造业"),
    ("40", "仪器仪表制造业"),
    ("41", "其他制造业"),
    ("42", "废弃资源综合利用业"),
    ("43", "金属制品、机械和设备修理业"),
    ("44", "电力、热力生产和供应业"),
    ("45", "燃气生产和供应业"),
    ("46", "水的生产和供应业"),
    ("47", "房屋建筑业"),
    ("48", "土木工程建筑业"),
    ("49", "建筑安装业"),
    ("50", "建筑装饰、装修和其他建筑业"),
    ("51", "批发业"),
    ("52", "零售业"),
    ("53", "铁路运输业"),
    ("54", "道路运输业"),
    ("55", "水上运输业"),
    ("56", "航空运输业"),
    ("57", "管道运输业"),
    ("58", "多式联运和运输代理业"),
    ("59", "装卸搬运和仓储业"),
    ("60", "邮政业"),
    ("61", "住宿业"),
    ("62", "餐饮业"),
    ("63", "电信、广播电视和卫星传输服务"),
    ("64", "互联网和相关服务"),
    ("65", "软件和信息技术服务业"),
    ("66", "货币金融服务"),
    ("67", "资本市场服务"),
    ("68", "保险业"),
    ("69", "其他金融业"),
    ("70", "房地产业"),
    ("71", "租赁业"),
    ("72", "商务服务业"),
    ("73", "研究和试验发展"),
    ("74", "专业技术服务业"),
    ("75", "科技推广和应用服务业"),
    ("76", "水利管理业"),
    ("77", "生态保护和环境治理业"),
    ("78", "公共设施管理业"),
    ("79", "土地管理业"),
    ("80", "居民服务业"),
    ("81", "机动车、电子产品和日用产品修理业"),
    ("82", "其他服务业"),
    ("83", "教育"),
    ("84", "卫生"),
    ("85", "社会工作"),
    ("86", "新闻和出版业"),
    ("87", "广播、电视、电影和录音制作业"),
    ("88", "文化艺术业"),
    ("89", "体育"),
    ("90", "娱乐业"),
    ("91", "中国共产党机关"),
    ("92", "国家机构"),
    ("93", "人民政协、民主党派"),
    ("94", "社会保障"),
    ("95", "群众团体、社会团体和其他成员组织"),
    ("96", "基层群众自治组织及其他组织"),
    ("97", "国际组织"),
];

/// The 2 digits of a 大类 given as `"38"` or `"C38"` (the letter, if any, must be its section's).
fn division_number(division: &str) -> Option<u8> {
    let s = division.trim();
    let (letter, digits) = match s.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => (Some(c.to_ascii_uppercase()), &s[1..]),
        _ => (None, s),
    };
    if digits.len() != 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u8 = digits.parse().ok()?;
    let section = Section::of_division(n)?;
    match letter {
        Some(l) if l != section.letter() => None,
        _ => Some(n),
    }
}

/// The 门类 of a 大类 (`"38"` or `"C38"`), or `None` if it is not a 大类 of the standard.
pub fn section_of(division: &str) -> Option<Section> {
    division_number(division).and_then(Section::of_division)
}

/// The official name of a 大类 (`"38"` or `"C38"` → `"电气机械和器材制造业"`).
pub fn division_name(division: &str) -> Option<&'static str> {
    division_number(division).map(|n| DIVISIONS[usize::from(n) - 1].1)
}

/// An industry code of GB/T 4754-2017 at 大类 level or deeper, normalised with its section letter:
/// `C38`, `C381`, `C3811`.
///
/// [`parse`](Self::parse) accepts the code with or without the letter (`38` → `C38`), any case,
/// and 2–4 digits. Errors (field `industry_code`): `validation.required`, `validation.format`
/// (not a letter + 2–4 digits), `validation.industry.unknown` (no such 大类),
/// `validation.industry.section_mismatch` (`A38`). Serialised as the normalised string.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Industry(String);

impl Industry {
    /// Parses and normalises; see the type documentation.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        const FIELD: &str = "industry_code";
        const LABEL: &str = "行业代码";
        let s = input.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(DomainError::required(FIELD, LABEL));
        }
        let (letter, digits) = match s.chars().next() {
            Some(c) if c.is_ascii_alphabetic() => (Some(c), &s[1..]),
            _ => (None, s.as_str()),
        };
        if !(2..=4).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::new(
                FIELD,
                "validation.format",
                format!(
                    "{LABEL}“{}”格式不正确，应为门类字母加 2–4 位数字，如 C38",
                    input.trim()
                ),
            ));
        }
        let n: u8 = digits[..2].parse().unwrap_or(0);
        let Some(section) = Section::of_division(n) else {
            return Err(DomainError::new(
                FIELD,
                "validation.industry.unknown",
                format!("{LABEL}“{}”中的大类 {} 不存在", input.trim(), &digits[..2]),
            ));
        };
        if let Some(l) = letter
            && l != section.letter()
        {
            return Err(DomainError::new(
                FIELD,
                "validation.industry.section_mismatch",
                format!(
                    "{LABEL}“{}”的门类应为 {}（{}），不是 {l}",
                    input.trim(),
                    section.letter(),
                    section.name()
                ),
            ));
        }
        Ok(Self(format!("{}{digits}", section.letter())))
    }

    /// The normalised code, e.g. `C38`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 门类.
    pub fn section(&self) -> Section {
        Section::parse(&self.0[..1]).expect("valid by construction")
    }

    /// The 2 digits of the 大类, e.g. `"38"`.
    pub fn division(&self) -> &str {
        &self.0[1..3]
    }

    /// The official name of the 大类.
    pub fn division_name(&self) -> &'static str {
        division_name(self.division()).expect("valid by construction")
    }

    /// The code without the letter, as GB/T 4754 writes it (`3811`).
    pub fn digits(&self) -> &str {
        &self.0[1..]
    }
}

impl fmt::Display for Industry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Industry {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Industry {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl TryFrom<&str> for Industry {
    type Error = DomainError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl From<Industry> for String {
    fn from(i: Industry) -> Self {
        i.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_ordered() {
        assert_eq!(DIVISIONS.len(), 97);
        for (i, (code, name)) in DIVISIONS.iter().enumerate() {
            assert_eq!(*code, format!("{:02}", i + 1));
            assert!(!name.is_empty());
        }
        // The sections' ranges partition 1..=97 in order.
        let mut next = 1u8;
        for s in Section::ALL {
            let r = s.divisions();
            assert_eq!(*r.start(), next, "{s}");
            next = r.end() + 1;
        }
        assert_eq!(next, 98);
        let total: usize = Section::ALL.iter().map(|s| s.divisions().count()).sum();
        assert_eq!(total, 97);
    }

    #[test]
    fn names() {
        assert_eq!(division_name("38"), Some("电气机械和器材制造业"));
        assert_eq!(
            division_name("C39"),
            Some("计算机、通信和其他电子设备制造业")
        );
        assert_eq!(division_name("65"), Some("软件和信息技术服务业"));
        assert_eq!(division_name("97"), Some("国际组织"));
        assert_eq!(division_name("98"), None);
        assert_eq!(division_name("00"), None);
        assert_eq!(division_name("A38"), None);
        assert_eq!(division_name("381"), None);
        assert_eq!(Section::G.name(), "交通运输、仓储和邮政业");
        assert_eq!(section_of("70"), Some(Section::K));
        assert_eq!(section_of("43"), Some(Section::C));
        assert_eq!(section_of("44"), Some(Section::D));
        assert!(Section::C.is_industrial() && !Section::F.is_industrial());
    }

    #[test]
    fn industry_parse() {
        assert_eq!(Industry::parse("c38").unwrap().as_str(), "C38");
        assert_eq!(Industry::parse(" 3811 ").unwrap().as_str(), "C3811");
        let i = Industry::parse("K7010").unwrap();
        assert_eq!(
            (i.section(), i.division(), i.digits()),
            (Section::K, "70", "7010")
        );
        assert_eq!(i.division_name(), "房地产业");
        assert_eq!(Industry::parse("").unwrap_err().code, "validation.required");
        assert_eq!(Industry::parse("C3").unwrap_err().code, "validation.format");
        assert_eq!(
            Industry::parse("C38111").unwrap_err().code,
            "validation.format"
        );
        assert_eq!(
            Industry::parse("制造业").unwrap_err().code,
            "validation.format"
        );
        assert_eq!(
            Industry::parse("99").unwrap_err().code,
            "validation.industry.unknown"
        );
        let e = Industry::parse("A38").unwrap_err();
        assert_eq!(e.code, "validation.industry.section_mismatch");
        assert_eq!(e.message, "行业代码“A38”的门类应为 C（制造业），不是 A");
        let json = serde_json::to_string(&Industry::parse("38").unwrap()).unwrap();
        assert_eq!(json, "\"C38\"");
    }
}
