//! Text that comes from people: bounded free text, user names, the password policy, phone numbers.
//!
//! Lengths are always counted in characters (Unicode scalar values), never bytes: “云岭” is 2
//! characters. All functions trim surrounding white space (including the full-width space U+3000).

use std::fmt;
use std::str::FromStr;

use crate::error::DomainError;

/// Characters removed silently before any check: the byte-order mark and the zero-width space,
/// invisible junk that copy-and-paste from office documents brings along.
fn is_invisible_junk(c: char) -> bool {
    matches!(c, '\u{FEFF}' | '\u{200B}')
}

/// Bidirectional formatting characters: they can make a text display differently from what it is
/// (a well-known spoofing trick), so they are refused like control characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

fn clean(
    field: &'static str,
    label: &str,
    value: &str,
    multiline: bool,
) -> Result<String, DomainError> {
    let normalised: String = value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|c| !is_invisible_junk(*c))
        .collect();
    let trimmed = normalised.trim();
    if trimmed.is_empty() {
        return Err(DomainError::required(field, label));
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\t');
    if let Some(bad) = trimmed
        .chars()
        .find(|&c| (c.is_control() && !allowed(c)) || is_bidi_control(c))
    {
        let what = match bad {
            '\n' => "换行".to_string(),
            '\t' => "制表符".to_string(),
            other => format!("U+{:04X}", other as u32),
        };
        return Err(DomainError::new(
            field,
            "validation.control_char",
            format!("{label}不能包含控制字符（{what}）"),
        ));
    }
    Ok(trimmed.to_string())
}

fn check_max(
    field: &'static str,
    label: &str,
    s: String,
    max_chars: usize,
) -> Result<String, DomainError> {
    let n = s.chars().count();
    if n > max_chars {
        return Err(DomainError::too_long(field, label, max_chars, n));
    }
    Ok(s)
}

/// Required free text (may span lines): trimmed, non-empty, at most `max_chars` characters, no
/// control characters except `\n` and `\t`.
///
/// `\r\n` and lone `\r` become `\n`; BOM and zero-width spaces are removed; bidirectional
/// formatting characters are refused. `field` is the machine field name, `label` its Chinese name
/// used in messages.
///
/// Errors: `validation.required`, `validation.too_long`, `validation.control_char`.
///
/// ```
/// use jiban_core::text::required_text;
/// assert_eq!(required_text("title", "标题", "  路灯不亮 \r\n", 50).unwrap(), "路灯不亮");
/// assert_eq!(required_text("title", "标题", "一二三", 2).unwrap_err().message, "标题不能超过 2 个字符（当前 3 个）");
/// ```
pub fn required_text(
    field: &'static str,
    label: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, DomainError> {
    let s = clean(field, label, value, true)?;
    check_max(field, label, s, max_chars)
}

/// Optional free text: `None` or blank gives `Ok(None)`, anything else is checked like
/// [`required_text`].
pub fn optional_text(
    field: &'static str,
    label: &str,
    value: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, DomainError> {
    match value {
        Some(v) if !is_blank(v) => required_text(field, label, v, max_chars).map(Some),
        _ => Ok(None),
    }
}

/// Required single-line text (names, titles, addresses): like [`required_text`] but `\n` and `\t`
/// are refused too.
pub fn required_line(
    field: &'static str,
    label: &str,
    value: &str,
    max_chars: usize,
) -> Result<String, DomainError> {
    let s = clean(field, label, value, false)?;
    check_max(field, label, s, max_chars)
}

/// Optional single-line text: `None` or blank gives `Ok(None)`, anything else is checked like
/// [`required_line`].
pub fn optional_line(
    field: &'static str,
    label: &str,
    value: Option<&str>,
    max_chars: usize,
) -> Result<Option<String>, DomainError> {
    match value {
        Some(v) if !is_blank(v) => required_line(field, label, v, max_chars).map(Some),
        _ => Ok(None),
    }
}

fn is_blank(v: &str) -> bool {
    v.chars().all(|c| c.is_whitespace() || is_invisible_junk(c))
}

macro_rules! string_newtype_impls {
    ($t:ty) => {
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl FromStr for $t {
            type Err = DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl TryFrom<String> for $t {
            type Error = DomainError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl TryFrom<&str> for $t {
            type Error = DomainError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> Self {
                v.0
            }
        }
    };
}

/// A login name: 3–32 characters from `a-z 0-9 _ . -`, starting with a letter or digit.
///
/// Input is trimmed and upper-case ASCII letters are lowered (`Admin` → `admin`), so user names
/// are case-insensitive. Errors: `validation.required`, `validation.too_short`,
/// `validation.too_long`, `validation.username.charset`; field `username`.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    /// Shortest allowed user name, in characters.
    pub const MIN_CHARS: usize = 3;
    /// Longest allowed user name, in characters.
    pub const MAX_CHARS: usize = 32;

    /// Parses and normalises a user name; see the type documentation.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        const FIELD: &str = "username";
        const LABEL: &str = "用户名";
        let s = input.trim().to_ascii_lowercase();
        if s.is_empty() {
            return Err(DomainError::required(FIELD, LABEL));
        }
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| !matches!(c, 'a'..='z' | '0'..='9' | '_' | '.' | '-'))
        {
            return Err(DomainError::new(
                FIELD,
                "validation.username.charset",
                format!(
                    "用户名第{}位“{c}”不是合法字符（只能使用小写字母、数字和 _ . -）",
                    i + 1
                ),
            ));
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return Err(DomainError::new(
                FIELD,
                "validation.username.charset",
                "用户名须以字母或数字开头",
            ));
        }
        let n = s.chars().count();
        if n < Self::MIN_CHARS {
            return Err(DomainError::too_short(FIELD, LABEL, Self::MIN_CHARS, n));
        }
        if n > Self::MAX_CHARS {
            return Err(DomainError::too_long(FIELD, LABEL, Self::MAX_CHARS, n));
        }
        Ok(Self(s))
    }

    /// The normalised user name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype_impls!(Username);

/// Shortest allowed password, in characters.
pub const PASSWORD_MIN_CHARS: usize = 8;
/// Longest allowed password, in characters.
pub const PASSWORD_MAX_CHARS: usize = 128;

/// The policy for a *new* password (on creation, reset or change; never applied at login):
/// 8–128 characters, at least one ASCII letter and one digit, no control characters.
///
/// The password is not trimmed: what the user typed is what is hashed. All failures have the code
/// `validation.password.weak` and field `password`, with a message saying what is missing.
///
/// ```
/// use jiban_core::text::validate_new_password;
/// assert!(validate_new_password("Jiban@2025").is_ok());
/// assert_eq!(validate_new_password("12345678").unwrap_err().message, "密码须同时包含字母和数字");
/// ```
pub fn validate_new_password(password: &str) -> Result<(), DomainError> {
    const FIELD: &str = "password";
    const CODE: &str = "validation.password.weak";
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(DomainError::new(
            FIELD,
            CODE,
            format!("密码至少需要 {PASSWORD_MIN_CHARS} 个字符（当前 {n} 个）"),
        ));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(DomainError::new(
            FIELD,
            CODE,
            format!("密码不能超过 {PASSWORD_MAX_CHARS} 个字符（当前 {n} 个）"),
        ));
    }
    if password.chars().any(char::is_control) {
        return Err(DomainError::new(FIELD, CODE, "密码不能包含控制字符"));
    }
    let has_letter = password.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if !(has_letter && has_digit) {
        return Err(DomainError::new(FIELD, CODE, "密码须同时包含字母和数字"));
    }
    Ok(())
}

/// A new password that satisfies [`validate_new_password`].
///
/// `Debug` never shows the secret; there is deliberately no `Display` and no `Serialize`.
/// Deserialises from a string (validating), so it can be used directly in request bodies.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct NewPassword(String);

impl NewPassword {
    /// Checks the policy and wraps the password.
    pub fn parse(password: &str) -> Result<Self, DomainError> {
        validate_new_password(password)?;
        Ok(Self(password.to_string()))
    }

    /// The secret itself, for hashing.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

impl TryFrom<String> for NewPassword {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        validate_new_password(&s)?;
        Ok(Self(s))
    }
}

/// Kind of a [`Phone`] number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhoneKind {
    /// Mainland mobile number, 11 digits `1[3-9]xxxxxxxxx`.
    Mobile,
    /// Fixed line with area code, `0551-12345678` (optionally `-ext`).
    Landline,
}

/// A mainland China phone number in canonical form.
///
/// Accepted:
/// - mobile `1[3-9]` + 9 digits; spaces and hyphens inside are dropped and a `+86` / `86` / `0086`
///   prefix is removed (`+86 138-1234-5678` → `13812345678`);
/// - landline: area code (`010` and `02x` have 3 digits, all others 4) and a local number of 7–8
///   digits not starting with 0 or 1, optionally an extension of 1–6 digits. The parts may be
///   separated by `-`, spaces or brackets, or written together; the canonical form is
///   `0551-12345678` or `0551-12345678-801`.
///
/// Full-width digits are accepted. Errors: `validation.required`, `validation.phone.format`;
/// field `phone` (rename with [`DomainError::with_field`]).
///
/// ```
/// use jiban_core::text::Phone;
/// let p = Phone::parse("138 1234 5678").unwrap();
/// assert_eq!(p.as_str(), "13812345678");
/// assert_eq!(p.masked(), "138****5678");
/// assert_eq!(Phone::parse("(0551)62345678").unwrap().as_str(), "0551-62345678");
/// ```
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    /// Parses a phone number; see the type documentation.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        const FIELD: &str = "phone";
        const LABEL: &str = "电话号码";
        let s: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '（' => '(',
                '）' => ')',
                '－' => '-',
                '＋' => '+',
                '\u{3000}' => ' ',
                _ => c,
            })
            .collect();
        if s.is_empty() {
            return Err(DomainError::required(FIELD, LABEL));
        }
        let bad = || {
            DomainError::new(
                FIELD,
                "validation.phone.format",
                format!(
                    "{LABEL}“{}”格式不正确（手机号为 11 位数字，固定电话如 0551-12345678）",
                    input.trim()
                ),
            )
        };
        // Split into groups of digits; only separators are allowed between them.
        let rest = s.strip_prefix('+').unwrap_or(&s);
        let mut groups: Vec<String> = Vec::new();
        let mut current = String::new();
        for c in rest.chars() {
            match c {
                '0'..='9' => current.push(c),
                ' ' | '-' | '(' | ')' => {
                    if !current.is_empty() {
                        groups.push(std::mem::take(&mut current));
                    }
                }
                _ => return Err(bad()),
            }
        }
        if !current.is_empty() {
            groups.push(current);
        }
        let all: String = groups.concat();

        // Mobile, possibly with a country prefix.
        let mobile = all
            .strip_prefix("0086")
            .or_else(|| all.strip_prefix("86").filter(|m| m.len() == 11))
            .unwrap_or(&all);
        if is_mobile(mobile) {
            return Ok(Self(mobile.to_string()));
        }

        // Landline: area code + local number (+ extension).
        if !all.starts_with('0') {
            return Err(bad());
        }
        let area_len = if all.starts_with("010") || all.starts_with("02") {
            3
        } else {
            4
        };
        let (area, local, ext) = match groups.len() {
            1 => {
                let g = &groups[0];
                if g.len() < area_len + 7 || g.len() > area_len + 8 {
                    return Err(bad());
                }
                (g[..area_len].to_string(), g[area_len..].to_string(), None)
            }
            2 | 3 => (groups[0].clone(), groups[1].clone(), groups.get(2).cloned()),
            _ => return Err(bad()),
        };
        let local_ok = (7..=8).contains(&local.len()) && !local.starts_with(['0', '1']);
        let ext_ok = ext.as_ref().is_none_or(|e| (1..=6).contains(&e.len()));
        if area.len() != area_len || !local_ok || !ext_ok {
            return Err(bad());
        }
        let mut canonical = format!("{area}-{local}");
        if let Some(e) = ext {
            canonical.push('-');
            canonical.push_str(&e);
        }
        Ok(Self(canonical))
    }

    /// The canonical form (`13812345678`, `0551-62345678`, `0551-62345678-801`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Mobile or landline.
    pub fn kind(&self) -> PhoneKind {
        if self.0.starts_with('1') {
            PhoneKind::Mobile
        } else {
            PhoneKind::Landline
        }
    }

    /// The number with the middle hidden, for lists and exports shown to people who may not see
    /// personal data: `138****5678`, `0551-****5678` (the extension is dropped).
    pub fn masked(&self) -> String {
        match self.kind() {
            PhoneKind::Mobile => format!("{}****{}", &self.0[..3], &self.0[7..]),
            PhoneKind::Landline => {
                let mut parts = self.0.split('-');
                let area = parts.next().unwrap_or_default();
                let local = parts.next().unwrap_or_default();
                let tail = &local[local.len().saturating_sub(4)..];
                format!("{area}-****{tail}")
            }
        }
    }
}

fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1])
        && b.iter().all(u8::is_ascii_digit)
}

string_newtype_impls!(Phone);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn required_text_rules() {
        assert_eq!(
            required_text("t", "标题", "\u{3000} 你好\t世界 \n", 10).unwrap(),
            "你好\t世界"
        );
        assert_eq!(
            required_text("t", "标题", "a\r\nb\rc", 10).unwrap(),
            "a\nb\nc"
        );
        assert_eq!(
            required_text("t", "标题", "\u{FEFF}abc\u{200B}", 10).unwrap(),
            "abc"
        );
        let e = required_text("t", "标题", "  \n ", 10).unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            ("validation.required", "标题不能为空")
        );
        // Counted in characters, not bytes: 10 Chinese characters are 30 bytes.
        assert!(required_text("t", "标题", "一二三四五六七八九十", 10).is_ok());
        let e = required_text("t", "标题", "一二三四五六七八九十一", 10).unwrap_err();
        assert_eq!(e.code, "validation.too_long");
        assert_eq!(e.field, "t");
        let e = required_text("t", "标题", "a\u{0007}b", 10).unwrap_err();
        assert_eq!(e.code, "validation.control_char");
        assert_eq!(e.message, "标题不能包含控制字符（U+0007）");
        let e = required_text("t", "标题", "a\u{202E}b", 10).unwrap_err();
        assert_eq!(e.code, "validation.control_char");
    }

    #[test]
    fn optional_and_line() {
        assert_eq!(optional_text("t", "备注", None, 5).unwrap(), None);
        assert_eq!(optional_text("t", "备注", Some("  "), 5).unwrap(), None);
        assert_eq!(
            optional_text("t", "备注", Some(" x "), 5).unwrap(),
            Some("x".into())
        );
        assert!(optional_text("t", "备注", Some("123456"), 5).is_err());
        assert_eq!(required_line("n", "名称", " 云岭 ", 5).unwrap(), "云岭");
        let e = required_line("n", "名称", "云\n岭", 5).unwrap_err();
        assert_eq!(e.message, "名称不能包含控制字符（换行）");
        assert_eq!(optional_line("n", "名称", Some(""), 5).unwrap(), None);
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" Admin ").unwrap().as_str(), "admin");
        assert_eq!(Username::parse("grid_xy01").unwrap().as_str(), "grid_xy01");
        assert_eq!(Username::parse("a.b-c").unwrap().as_str(), "a.b-c");
        assert_eq!(
            Username::parse("ab").unwrap_err().code,
            "validation.too_short"
        );
        assert_eq!(
            Username::parse(&"a".repeat(33)).unwrap_err().code,
            "validation.too_long"
        );
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        let e = Username::parse("张三abc").unwrap_err();
        assert_eq!(e.code, "validation.username.charset");
        assert!(e.message.starts_with("用户名第1位“张”"), "{}", e.message);
        assert_eq!(
            Username::parse("_abc").unwrap_err().code,
            "validation.username.charset"
        );
        assert_eq!(
            Username::parse("a b c").unwrap_err().code,
            "validation.username.charset"
        );
        assert_eq!(Username::parse("").unwrap_err().code, "validation.required");
        let u: Username = serde_json::from_str("\"QiYe\"").unwrap();
        assert_eq!(u.as_str(), "qiye");
    }

    #[test]
    fn passwords() {
        assert!(validate_new_password("Jiban@2025").is_ok());
        assert!(validate_new_password("abcdefg1").is_ok());
        for bad in [
            "abc123",
            "abcdefgh",
            "12345678",
            "密码密码密码密码1",
            "abc\u{0}12345",
        ] {
            let e = validate_new_password(bad).unwrap_err();
            assert_eq!(e.code, "validation.password.weak", "{bad}");
            assert_eq!(e.field, "password");
        }
        assert!(validate_new_password(&format!("a1{}", "x".repeat(126))).is_ok());
        assert!(validate_new_password(&format!("a1{}", "x".repeat(127))).is_err());
        let p = NewPassword::parse("Jiban@2025").unwrap();
        assert_eq!(p.expose_secret(), "Jiban@2025");
        assert_eq!(format!("{p:?}"), "NewPassword(<redacted>)");
        assert!(serde_json::from_str::<NewPassword>("\"short1\"").is_err());
    }

    #[test]
    fn phones() {
        let cases = [
            ("13812345678", "13812345678"),
            ("+86 138-1234-5678", "13812345678"),
            ("8613812345678", "13812345678"),
            ("008613812345678", "13812345678"),
            ("１３８１２３４５６７８", "13812345678"),
        ];
        for (input, want) in cases {
            assert_eq!(Phone::parse(input).unwrap().as_str(), want, "{input}");
        }
        assert_eq!(
            Phone::parse("0551-62345678").unwrap().as_str(),
            "0551-62345678"
        );
        assert_eq!(
            Phone::parse("055162345678").unwrap().as_str(),
            "0551-62345678"
        );
        assert_eq!(
            Phone::parse("（0551）6234567").unwrap().as_str(),
            "0551-6234567"
        );
        assert_eq!(
            Phone::parse("010 82345678").unwrap().as_str(),
            "010-82345678"
        );
        assert_eq!(
            Phone::parse("02152345678").unwrap().as_str(),
            "021-52345678"
        );
        assert_eq!(
            Phone::parse("0551-62345678-801").unwrap().as_str(),
            "0551-62345678-801"
        );
        for bad in [
            "12812345678",
            "1381234567",
            "138123456789",
            "0551-1234567",
            "0551-0234567",
            "055-62345678",
            "021-623456789",
            "tel:13812345678",
            "12345",
            "0551-62345678-1234567",
        ] {
            let e = Phone::parse(bad).unwrap_err();
            assert_eq!(e.code, "validation.phone.format", "{bad}");
        }
        assert_eq!(Phone::parse("").unwrap_err().code, "validation.required");
    }

    #[test]
    fn masking() {
        assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
        assert_eq!(
            Phone::parse("13812345678").unwrap().kind(),
            PhoneKind::Mobile
        );
        let l = Phone::parse("0551-62345678-801").unwrap();
        assert_eq!(l.kind(), PhoneKind::Landline);
        assert_eq!(l.masked(), "0551-****5678");
    }

    proptest! {
        #[test]
        fn any_mobile_parses_and_masks(second in 3u8..=9, rest in "[0-9]{9}") {
            let s = format!("1{second}{rest}");
            let p = Phone::parse(&s).unwrap();
            prop_assert_eq!(p.as_str(), s.as_str());
            let m = p.masked();
            prop_assert_eq!(m.chars().count(), 11);
            prop_assert!(m.contains("****"));
        }

        #[test]
        fn required_text_output_is_bounded_and_clean(s in "\\PC{0,40}", max in 1usize..30) {
            if let Ok(out) = required_text("t", "标题", &s, max) {
                prop_assert!(out.chars().count() <= max);
                prop_assert!(!out.is_empty());
                prop_assert_eq!(out.trim(), out.as_str());
                prop_assert!(out.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
            }
        }
    }
}
