//! The one error type of the domain.
//!
//! Every `parse` / `TryFrom` in this crate fails with a [`DomainError`]. It carries three things:
//!
//! - `field` — the machine name of the input field concerned (`"uscc"`, `"username"`, …). The HTTP
//!   layer returns it as `field` of a 422 response so a form can highlight the input.
//! - `code` — a stable, dotted machine code (`"validation.uscc.check_digit"`). Clients branch on the
//!   code, never on the message. Codes are part of the API: do not rename them.
//! - `message` — a complete Chinese sentence for people, naming the field in Chinese
//!   (“统一社会信用代码校验位应为“F”，实为“X””).
//!
//! Codes used by this crate:
//!
//! | code | meaning |
//! |---|---|
//! | `validation.required` | empty or blank |
//! | `validation.too_long` / `validation.too_short` | length out of bounds (counted in characters) |
//! | `validation.control_char` | a control or bidirectional-formatting character |
//! | `validation.format` | not the expected shape (industry code, category code) |
//! | `validation.unknown_value` | not one of an enumeration's codes (role, unit kind, size …) |
//! | `validation.uscc.length` / `.charset` / `.check_digit` | 统一社会信用代码 |
//! | `validation.username.charset` | user name characters |
//! | `validation.password.weak` | new-password policy (length, letter + digit) |
//! | `validation.phone.format` | phone number |
//! | `validation.industry.unknown` / `.section_mismatch` | GB/T 4754 code |
//! | `validation.category.parent` / `.duplicate` | demand taxonomy file |
//! | `validation.calendar.format` / `.kind` / `.duplicate` / `.workday_not_weekend` | holiday table |
//! | `validation.office_hours` | office hours configuration |

use std::fmt;

/// A failed parse or broken domain rule, with a stable `code`, the `field` concerned and a Chinese
/// `message` for people. See the [module documentation](self) for the list of codes.
///
/// `Display` prints the message only; `Debug` prints all three parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct DomainError {
    /// Machine name of the input field (`"uscc"`, `"username"`, `"name"` …).
    pub field: &'static str,
    /// Stable dotted machine code, e.g. `"validation.uscc.check_digit"`.
    pub code: &'static str,
    /// Chinese sentence for people, naming the field in Chinese.
    pub message: String,
}

impl DomainError {
    /// Builds an error from its three parts.
    pub fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }

    /// `validation.required`: “{label}不能为空”.
    pub fn required(field: &'static str, label: &str) -> Self {
        Self::new(field, "validation.required", format!("{label}不能为空"))
    }

    /// `validation.too_long`: “{label}不能超过 {max} 个字符（当前 {actual} 个）”.
    pub fn too_long(field: &'static str, label: &str, max: usize, actual: usize) -> Self {
        Self::new(
            field,
            "validation.too_long",
            format!("{label}不能超过 {max} 个字符（当前 {actual} 个）"),
        )
    }

    /// `validation.too_short`: “{label}不能少于 {min} 个字符（当前 {actual} 个）”.
    pub fn too_short(field: &'static str, label: &str, min: usize, actual: usize) -> Self {
        Self::new(
            field,
            "validation.too_short",
            format!("{label}不能少于 {min} 个字符（当前 {actual} 个）"),
        )
    }

    /// `validation.unknown_value`: “{label}“{value}”不是可选的值”.
    pub fn unknown_value(field: &'static str, label: &str, value: &str) -> Self {
        Self::new(
            field,
            "validation.unknown_value",
            format!("{label}“{value}”不是可选的值"),
        )
    }

    /// The same error reported against another field (for example when a nested value is
    /// validated as part of a larger form: `uscc` → `enterprise.uscc`).
    #[must_use]
    pub fn with_field(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DomainError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_the_message() {
        let e = DomainError::required("name", "名称");
        assert_eq!(e.to_string(), "名称不能为空");
        assert_eq!(e.code, "validation.required");
        assert_eq!(e.field, "name");
    }

    #[test]
    fn with_field_renames() {
        let e = DomainError::too_long("name", "名称", 10, 12).with_field("enterprise.name");
        assert_eq!(e.field, "enterprise.name");
        assert_eq!(e.message, "名称不能超过 10 个字符（当前 12 个）");
    }
}
