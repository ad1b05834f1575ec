//! Shared impls for the enums that have a stable machine code (`as_str`) and a list `ALL`.

/// Implements `parse` (trimmed, case-insensitive; error `validation.unknown_value` naming the
/// field), `Display`, `FromStr`, `TryFrom<String>`, `TryFrom<&str>` and `From<T> for &'static str`
/// for an enum with `const ALL` and `fn as_str`.
macro_rules! code_enum_impls {
    ($t:ident, $field:literal, $label:literal) => {
        impl $t {
            /// Parses a machine code (trimmed, case-insensitive). Error
            /// `validation.unknown_value`.
            pub fn parse(input: &str) -> Result<Self, $crate::error::DomainError> {
                let s = input.trim();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str().eq_ignore_ascii_case(s))
                    .ok_or_else(|| $crate::error::DomainError::unknown_value($field, $label, s))
            }
        }
        impl ::std::fmt::Display for $t {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for $t {
            type Err = $crate::error::DomainError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl TryFrom<String> for $t {
            type Error = $crate::error::DomainError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl TryFrom<&str> for $t {
            type Error = $crate::error::DomainError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::parse(s)
            }
        }
        impl From<$t> for &'static str {
            fn from(v: $t) -> Self {
                v.as_str()
            }
        }
    };
}
