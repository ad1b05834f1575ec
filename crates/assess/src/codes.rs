//! Serde for the code enums of `jiban-core` (`AssignmentRole`, `Satisfaction`, …), which carry
//! `Display` (the machine code) and `FromStr` but no serde of their own: written as their code
//! (`"lead"`, `"basic"`), read back with their `parse`.

use std::fmt::Display;
use std::str::FromStr;

use jiban_core::DomainError;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

pub(crate) mod code {
    use super::*;

    pub(crate) fn serialize<T: Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub(crate) fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr<Err = DomainError>,
        D: Deserializer<'de>,
    {
        let s = String::deserialize(d)?;
        s.parse().map_err(D::Error::custom)
    }
}

pub(crate) mod opt_code {
    use super::*;

    pub(crate) fn serialize<T: Display, S: Serializer>(
        v: &Option<T>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, T, D>(d: D) -> Result<Option<T>, D::Error>
    where
        T: FromStr<Err = DomainError>,
        D: Deserializer<'de>,
    {
        match Option::<String>::deserialize(d)? {
            Some(s) => s.parse().map(Some).map_err(D::Error::custom),
            None => Ok(None),
        }
    }
}
