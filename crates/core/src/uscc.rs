//! 统一社会信用代码 — the unified social credit identifier of GB 32100-2015.
//!
//! An identifier has 18 characters from the 31-character alphabet
//! `0123456789ABCDEFGHJKLMNPQRTUWXY` (the letters I, O, S, V, Z are not used):
//!
//! | position | length | meaning |
//! |---|---|---|
//! | 1 | 1 | 登记管理部门代码 (registration authority: `9` 市场监管/工商, `5` 民政, `1` 机构编制 …) |
//! | 2 | 1 | 机构类别代码 (entity type within that authority: for `9`, `1` 企业, `2` 个体工商户, `3` 农民专业合作社) |
//! | 3–8 | 6 | 登记管理机关行政区划码 (GB/T 2260 region code) |
//! | 9–17 | 9 | 主体标识码 (the organisation code, GB 11714) |
//! | 18 | 1 | 校验码 (check character) |
//!
//! The check character is `31 − (Σ value(cᵢ)·wᵢ mod 31)`, with 31 written as `0`, where `value` is
//! the index in the alphabet and the weights are `1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28`
//! (3ⁱ mod 31). Because 31 is prime and no weight is a multiple of it, every single-character
//! substitution is detected.
//!
//! ```
//! use jiban_core::uscc::Uscc;
//! let code = Uscc::parse(" 91330100716105852f ").unwrap();
//! assert_eq!(code.as_str(), "91330100716105852F");
//! assert_eq!(code.region_code(), "330100");
//! assert_eq!(code.organisation_code(), "716105852");
//! assert_eq!(Uscc::parse("91330100716105852X").unwrap_err().code, "validation.uscc.check_digit");
//! ```

use std::fmt;
use std::str::FromStr;

use crate::error::DomainError;

/// The 31 characters of the GB 32100-2015 alphabet, in value order (`'0'` = 0 … `'Y'` = 30).
pub const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 for the check character.
pub const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

const FIELD: &str = "uscc";
const LABEL: &str = "统一社会信用代码";

/// Value (0–30) of a character of the alphabet, or `None` if it is not in the alphabet.
/// Only upper-case characters are accepted here.
pub fn char_value(c: char) -> Option<u32> {
    ALPHABET.find(c).map(|i| i as u32)
}

/// The character of value `v` (0–30).
fn value_char(v: u32) -> char {
    ALPHABET.as_bytes()[v as usize] as char
}

/// Normalises user input: trims surrounding white space, turns full-width ASCII (`９１３３…`, as typed
/// with a Chinese input method) into half-width, and upper-cases.
fn normalise(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn charset_error(position: usize, c: char) -> DomainError {
    let hint = if matches!(c, 'I' | 'O' | 'S' | 'V' | 'Z') {
        "（代码中不使用字母 I、O、S、V、Z）"
    } else {
        ""
    };
    DomainError::new(
        FIELD,
        "validation.uscc.charset",
        format!("{LABEL}第{position}位“{c}”不是合法字符{hint}"),
    )
}

/// Checks that `chars` (already normalised) all belong to the alphabet and returns the weighted
/// check character of the first 17 of them.
fn compute_check(chars: &[char]) -> Result<char, DomainError> {
    let mut sum = 0u32;
    for (i, &c) in chars.iter().take(17).enumerate() {
        let v = char_value(c).ok_or_else(|| charset_error(i + 1, c))?;
        sum += v * WEIGHTS[i];
    }
    let check = (31 - sum % 31) % 31;
    Ok(value_char(check))
}

/// The check character for the first 17 characters of a code.
///
/// The input is normalised like [`Uscc::parse`] (trim, full-width → half-width, upper case). Fails
/// with `validation.uscc.length` unless there are exactly 17 characters, and with
/// `validation.uscc.charset` (naming the position) for a character outside the alphabet.
///
/// ```
/// assert_eq!(jiban_core::uscc::check_char("91330100716105852").unwrap(), 'F');
/// ```
pub fn check_char(first17: &str) -> Result<char, DomainError> {
    let chars: Vec<char> = normalise(first17).chars().collect();
    if chars.len() != 17 {
        return Err(DomainError::new(
            FIELD,
            "validation.uscc.length",
            format!("{LABEL}前 17 位应为 17 个字符，实为 {} 个", chars.len()),
        ));
    }
    compute_check(&chars)
}

/// A valid 统一社会信用代码: 18 characters of the alphabet, upper case, with a correct check
/// character. See the [module documentation](self).
///
/// Serialises as its 18-character string; deserialisation parses (and so validates).
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

impl Uscc {
    /// Parses user input.
    ///
    /// Trims white space, accepts full-width characters and lower case, then checks in order:
    /// - non-empty (`validation.required`),
    /// - exactly 18 characters (`validation.uscc.length`),
    /// - every character in the alphabet (`validation.uscc.charset`, naming the first bad position),
    /// - the check character (`validation.uscc.check_digit`, naming the expected one).
    ///
    /// The region code and the organisation code are not checked beyond the alphabet: real codes
    /// issued by older registration systems do not always follow GB/T 2260 and GB 11714 strictly.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let s = normalise(input);
        if s.is_empty() {
            return Err(DomainError::required(FIELD, LABEL));
        }
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(DomainError::new(
                FIELD,
                "validation.uscc.length",
                format!("{LABEL}应为 18 位，实为 {} 位", chars.len()),
            ));
        }
        if let Some((i, &c)) = chars
            .iter()
            .enumerate()
            .find(|(_, c)| char_value(**c).is_none())
        {
            return Err(charset_error(i + 1, c));
        }
        let expected = compute_check(&chars)?;
        if chars[17] != expected {
            return Err(DomainError::new(
                FIELD,
                "validation.uscc.check_digit",
                format!("{LABEL}校验位应为“{expected}”，实为“{}”", chars[17]),
            ));
        }
        Ok(Self(s))
    }

    /// Builds a code from its first 17 characters by appending the computed check character
    /// (used by generators and tests). Errors as [`check_char`].
    pub fn from_parts(first17: &str) -> Result<Self, DomainError> {
        let body = normalise(first17);
        let check = check_char(&body)?;
        let mut s = body;
        s.push(check);
        Ok(Self(s))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Position 1: 登记管理部门代码 (`'9'` for enterprises registered by 市场监管).
    pub fn registration_authority(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// Chinese name of the registration authority (position 1), if the code is one of GB 32100's.
    pub fn registration_authority_name(&self) -> Option<&'static str> {
        Some(match self.registration_authority() {
            '1' => "机构编制",
            '2' => "外交",
            '3' => "司法行政",
            '4' => "文化",
            '5' => "民政",
            '6' => "旅游",
            '7' => "宗教",
            '8' => "工会",
            '9' => "市场监督管理",
            'A' => "中央军委改革和编制办公室",
            'N' => "农业",
            'Y' => "其他",
            _ => return None,
        })
    }

    /// Position 2: 机构类别代码 (entity type, meaningful together with the authority).
    pub fn entity_type(&self) -> char {
        self.0.as_bytes()[1] as char
    }

    /// Chinese name of the entity type for the most common authorities (机构编制, 民政, 市场监管),
    /// `None` otherwise.
    pub fn entity_type_name(&self) -> Option<&'static str> {
        Some(match (self.registration_authority(), self.entity_type()) {
            ('1', '1') => "机关",
            ('1', '2') => "事业单位",
            ('1', '3') => "中央编办直接管理机构编制的群众团体",
            ('1', '9') => "其他",
            ('5', '1') => "社会团体",
            ('5', '2') => "民办非企业单位",
            ('5', '3') => "基金会",
            ('5', '9') => "其他",
            ('9', '1') => "企业",
            ('9', '2') => "个体工商户",
            ('9', '3') => "农民专业合作社",
            _ => return None,
        })
    }

    /// Positions 3–8: the registration authority's region code (GB/T 2260, normally 6 digits).
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: 主体标识码 (the 9-character organisation code).
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }

    /// Position 18: the check character.
    pub fn check_char(&self) -> char {
        self.0.as_bytes()[17] as char
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Uscc {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Uscc {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Uscc {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl TryFrom<&str> for Uscc {
    type Error = DomainError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl From<Uscc> for String {
    fn from(u: Uscc) -> Self {
        u.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const REAL: [&str; 3] = [
        "91330100716105852F",
        "9144030071526726XG",
        "914403001922038216",
    ];

    #[test]
    fn real_examples_validate() {
        for s in REAL {
            let u = Uscc::parse(s).unwrap();
            assert_eq!(u.as_str(), s);
            assert_eq!(u.to_string(), s);
            assert_eq!(Uscc::from_parts(&s[..17]).unwrap(), u);
            assert_eq!(check_char(&s[..17]).unwrap(), s.chars().last().unwrap());
        }
    }

    /// Exhaustively: every single-character corruption of the real examples (each of the 18
    /// positions, each other character of the alphabet, and lower-case letters outside it) is
    /// detected, and the message names a position.
    #[test]
    fn every_single_corruption_of_real_examples_is_detected() {
        let mut tried = 0;
        for s in REAL {
            let chars: Vec<char> = s.chars().collect();
            for pos in 0..18 {
                for c in ALPHABET.chars().chain("IOSVZ#".chars()) {
                    if c == chars[pos] {
                        continue;
                    }
                    let mut v = chars.clone();
                    v[pos] = c;
                    let bad: String = v.into_iter().collect();
                    let err = Uscc::parse(&bad).expect_err(&bad);
                    assert!(
                        err.message.contains('第') || err.message.contains("校验位"),
                        "{bad}: {}",
                        err.message
                    );
                    tried += 1;
                }
            }
        }
        assert!(tried > 3 * 18 * 30, "{tried}");
    }

    #[test]
    fn accessors() {
        let u = Uscc::parse("9144030071526726XG").unwrap();
        assert_eq!(u.registration_authority(), '9');
        assert_eq!(u.registration_authority_name(), Some("市场监督管理"));
        assert_eq!(u.entity_type(), '1');
        assert_eq!(u.entity_type_name(), Some("企业"));
        assert_eq!(u.region_code(), "440300");
        assert_eq!(u.organisation_code(), "71526726X");
        assert_eq!(u.check_char(), 'G');
    }

    #[test]
    fn normalises_input() {
        let u = Uscc::parse("  9144030071526726xg\n").unwrap();
        assert_eq!(u.as_str(), "9144030071526726XG");
        let full_width = "９１３３０１００７１６１０５８５２Ｆ";
        assert_eq!(
            Uscc::parse(full_width).unwrap().as_str(),
            "91330100716105852F"
        );
    }

    #[test]
    fn error_messages_name_the_position() {
        let e = Uscc::parse("9133I100716105852F").unwrap_err();
        assert_eq!(e.code, "validation.uscc.charset");
        assert_eq!(e.field, "uscc");
        assert!(
            e.message
                .starts_with("统一社会信用代码第5位“I”不是合法字符"),
            "{}",
            e.message
        );

        let e = Uscc::parse("91330100716105852X").unwrap_err();
        assert_eq!(e.code, "validation.uscc.check_digit");
        assert_eq!(e.message, "统一社会信用代码校验位应为“F”，实为“X”");

        let e = Uscc::parse("9133010071610585").unwrap_err();
        assert_eq!(e.code, "validation.uscc.length");
        assert_eq!(e.message, "统一社会信用代码应为 18 位，实为 16 位");

        let e = Uscc::parse("   ").unwrap_err();
        assert_eq!(e.code, "validation.required");

        let e = Uscc::parse("91330100-16105852F").unwrap_err();
        assert_eq!(e.code, "validation.uscc.charset");
        assert!(e.message.contains("第9位“-”"), "{}", e.message);

        assert_eq!(
            check_char("123").unwrap_err().code,
            "validation.uscc.length"
        );
    }

    #[test]
    fn serde_round_trip() {
        let u = Uscc::parse("914403001922038216").unwrap();
        let json = serde_json::to_string(&u).unwrap();
        assert_eq!(json, "\"914403001922038216\"");
        let back: Uscc = serde_json::from_str(&json).unwrap();
        assert_eq!(back, u);
        assert!(serde_json::from_str::<Uscc>("\"914403001922038217\"").is_err());
    }

    fn body() -> impl Strategy<Value = String> {
        proptest::collection::vec(0usize..31, 17).prop_map(|v| {
            v.into_iter()
                .map(|i| ALPHABET.as_bytes()[i] as char)
                .collect()
        })
    }

    proptest! {
        #[test]
        fn from_parts_always_parses(b in body()) {
            let u = Uscc::from_parts(&b).unwrap();
            prop_assert_eq!(Uscc::parse(u.as_str()).unwrap(), u);
        }

        /// Every single-character change of a valid code is rejected, whether the new character is
        /// in the alphabet or not.
        #[test]
        fn single_substitution_is_rejected(
            b in body(),
            pos in 0usize..18,
            replacement in proptest::char::any(),
        ) {
            let valid = Uscc::from_parts(&b).unwrap();
            let mut chars: Vec<char> = valid.as_str().chars().collect();
            prop_assume!(chars[pos] != replacement.to_ascii_uppercase());
            prop_assume!(!replacement.is_whitespace());
            prop_assume!(!('\u{FF01}'..='\u{FF5E}').contains(&replacement));
            chars[pos] = replacement;
            let changed: String = chars.into_iter().collect();
            prop_assert!(Uscc::parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn single_substitution_within_alphabet_is_rejected(
            b in body(),
            pos in 0usize..18,
            shift in 1usize..31,
        ) {
            let valid = Uscc::from_parts(&b).unwrap();
            let mut chars: Vec<char> = valid.as_str().chars().collect();
            let v = char_value(chars[pos]).unwrap() as usize;
            chars[pos] = ALPHABET.as_bytes()[(v + shift) % 31] as char;
            let changed: String = chars.into_iter().collect();
            let err = Uscc::parse(&changed).unwrap_err();
            prop_assert_eq!(err.code, "validation.uscc.check_digit");
        }
    }
}
