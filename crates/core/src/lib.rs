//! # jiban-core — the domain of 即办
//!
//! Types and rules of the platform, free of I/O and `async`, so that they can be tested quickly and
//! reused by every adapter (store, server, cli).
//!
//! The crate follows *parse, don't validate*: every value that arrives from the outside world
//! (a 统一社会信用代码, a user name, a phone number, a category code …) is turned into a newtype by a
//! `parse` function (also reachable through [`TryFrom`] / [`FromStr`](std::str::FromStr) and serde),
//! and a value of that type is valid by construction. Every parse failure is a
//! [`DomainError`] carrying a stable machine `code`, the `field` it concerns and a
//! Chinese message that names the field in Chinese, ready to be shown to the user.
//!
//! Modules:
//! - [`error`] — [`DomainError`].
//! - [`uscc`] — 统一社会信用代码 (GB 32100-2015).
//! - [`text`] — bounded free text, user names, password policy, phone numbers.
//! - [`org`] — kinds of organisational units and how they nest.
//! - [`roles`] — roles, permissions and data scopes.
//! - [`calendar`] — Chinese working days (调休 aware) and office hours, in Beijing time.
//! - [`size`] — enterprise size classification (《中小企业划型标准规定》).
//! - [`industry`] — GB/T 4754-2017 门类 and 大类.
//! - [`category`] — the demand taxonomy (诉求分类).

#[macro_use]
mod macros;

pub mod band;
pub mod calendar;
pub mod case;
pub mod category;
pub mod error;
pub mod files;
pub mod formula;
pub mod industry;
pub mod org;
pub mod roles;
pub mod size;
pub mod text;
pub mod uscc;

pub use error::DomainError;
