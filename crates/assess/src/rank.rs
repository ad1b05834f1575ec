//! The ranking per unit type, with the movement since the last period.

use std::cmp::Reverse;
use std::fmt;

use jiban_core::org::UnitKind;
use serde::{Deserialize, Serialize};

use crate::facts::UnitId;
use crate::metrics::UnitMetrics;

/// The change of rank since the last period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "by", rename_all = "snake_case")]
pub enum Movement {
    /// Not ranked last period (新上榜).
    New,
    /// Same rank.
    Same,
    /// Moved up by that many places.
    Up(u32),
    /// Moved down by that many places.
    Down(u32),
}

impl Movement {
    /// From the previous and the current rank (1 = first).
    pub fn between(previous: Option<u32>, current: u32) -> Movement {
        match previous {
            None => Movement::New,
            Some(p) if p > current => Movement::Up(p - current),
            Some(p) if p < current => Movement::Down(current - p),
            Some(_) => Movement::Same,
        }
    }

    /// For the table: `新`, `—`, `↑2`, `↓1`.
    pub fn label(self) -> String {
        match self {
            Movement::New => "新".into(),
            Movement::Same => "—".into(),
            Movement::Up(n) => format!("↑{n}"),
            Movement::Down(n) => format!("↓{n}"),
        }
    }
}

impl fmt::Display for Movement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// One unit's place in its group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankRow {
    pub unit_id: UnitId,
    pub kind: UnitKind,
    /// The group it is ranked in ([`rank_group`]).
    pub group: UnitKind,
    /// 1 = first; `None` when the unit has no composite score (no case to assess) and is listed
    /// after the ranked units, unranked.
    pub rank: Option<u32>,
    /// Number of ranked units in the group.
    pub of: u32,
    /// The composite rounded to two decimals (what is shown and what ties are decided on).
    pub score: Option<f64>,
    pub previous_rank: Option<u32>,
    /// `None` for an unranked unit.
    pub movement: Option<Movement>,
    /// Another ranked unit of the group has the same score; the order between them comes from
    /// the tie-break.
    pub tied: bool,
}

/// The group a unit kind is ranked in: departments, streets, 村（社区） (villages with the
/// communities), grids; every other kind on its own.
pub fn rank_group(kind: UnitKind) -> UnitKind {
    match kind {
        UnitKind::Village => UnitKind::Community,
        k => k,
    }
}

/// Score in hundredths, the unit of comparison.
fn cents(x: f64) -> i64 {
    // composite is within [0, 100]: no overflow
    (x * 100.0).round() as i64
}

/// A rate in millionths for the tie-break, `-1` when it has no value (a missing rate loses).
fn micros(x: Option<f64>) -> i64 {
    x.map_or(-1, |x| (x * 1e6).round() as i64)
}

/// Ranks units per [`rank_group`] by their composite score (`metrics.composite`), highest first.
///
/// Ties on the score rounded to two decimals are broken, in order, by: higher 满意率, higher
/// 按期办结率 (a missing rate after any value), more cases received, and the smaller unit id (then
/// the input order) — so the ranks of a group are always exactly 1..=n. Units without a score are
/// listed after the ranked ones of their group, by unit id, with no rank.
///
/// Output: groups in [`UnitKind`] order, each ranked units by rank, then the unranked.
/// `previous_rank` is the unit's rank in the last period (`None`: not ranked then).
pub fn rank(units: &[(UnitId, UnitKind, &UnitMetrics, Option<u32>)]) -> Vec<RankRow> {
    let score = |i: usize| units[i].2.composite.filter(|c| c.is_finite()).map(cents);
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by_key(|&i| {
        let (id, kind, m, _) = &units[i];
        let group = rank_group(*kind);
        match score(i) {
            Some(s) => (
                group,
                false,
                Reverse(s),
                Reverse(micros(m.satisfied.rate())),
                Reverse(micros(m.resolved_on_time.rate())),
                Reverse(m.received),
                *id,
                i,
            ),
            None => (
                group,
                true,
                Reverse(0),
                Reverse(0),
                Reverse(0),
                Reverse(0),
                *id,
                i,
            ),
        }
    });

    let mut rows: Vec<RankRow> = Vec::with_capacity(units.len());
    for members in order.chunk_by(|a, b| rank_group(units[*a].1) == rank_group(units[*b].1)) {
        let group = rank_group(units[members[0]].1);
        let ranked: Vec<usize> = members
            .iter()
            .copied()
            .filter(|i| score(*i).is_some())
            .collect();
        let of = u32::try_from(ranked.len()).unwrap_or(u32::MAX);
        for &i in members {
            let (unit_id, kind, _, previous_rank) = units[i];
            let s = score(i);
            let rank = ranked
                .iter()
                .position(|j| *j == i)
                .map(|p| u32::try_from(p + 1).unwrap_or(u32::MAX));
            let tied = s.is_some() && ranked.iter().any(|j| *j != i && score(*j) == s);
            rows.push(RankRow {
                unit_id,
                kind,
                group,
                rank,
                of,
                score: s.map(|c| c as f64 / 100.0),
                previous_rank,
                movement: rank.map(|r| Movement::between(previous_rank, r)),
                tied,
            });
        }
    }
    rows
}
