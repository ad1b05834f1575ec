//! The demo zone's map (GeoJSON of its streets and grids) and a year of operating data
//! (在岗人数, 正常用工人数, 用电量, 开票额) for the enterprises a zone watches: 规上 firms, the
//! medium and large ones, and a share of the small ones.
//!
//! Most enterprises run normally; some are soft, a few decline over the last three months
//! (they turn red and raise warnings), a few are in lasting difficulty, and a few stop reporting
//! two months before the end (silence warnings). Deterministic like the rest of the demo.

use crate::enterprises::grid_cells;
use crate::words::STREETS;
use crate::{DemoZone, street_code_of};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use time::{Date, Month};

/// A reported indicator of the demo: `(code, name, unit)`.
pub const REPORTED: [(&str, &str, &str); 4] = [
    ("zgrs", "在岗人数", "人"),
    ("zcygrs", "正常用工人数", "人"),
    ("ydl", "用电量", "万千瓦时"),
    ("kpe", "开票额", "万元"),
];

/// A computed indicator of the demo: `(code, name, unit, formula)`.
pub const COMPUTED: [(&str, &str, &str, &str); 3] = [
    ("fgl", "复工率", "", "在岗人数 ÷ 正常用工人数"),
    ("ydhfl", "用电恢复率", "", "用电量 ÷ 去年同期(用电量)"),
    ("kphfl", "开票恢复率", "", "开票额 ÷ 去年同期(开票额)"),
];

/// The zone's tag vocabulary.
pub const TAGS: [&str; 7] = [
    "高新技术企业",
    "专精特新",
    "规上工业",
    "外资",
    "上市",
    "科技型中小企业",
    "重点项目企业",
];

/// One reported value.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueSpec {
    pub enterprise_index: usize,
    pub code: &'static str,
    /// The first day of the month.
    pub period: Date,
    pub value: f64,
}

/// How an enterprise's operation goes over the demo year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Course {
    Normal,
    Soft,
    /// Falls over the last three months.
    Declining,
    /// Low all year.
    Distressed,
    /// Stops reporting two months before the end.
    Silent,
}

fn month_add(d: Date, months: i32) -> Date {
    let total = d.year() * 12 + (d.month() as i32 - 1) + months;
    Date::from_calendar_date(
        total.div_euclid(12),
        Month::try_from((total.rem_euclid(12) + 1) as u8).expect("1..=12"),
        1,
    )
    .expect("first of month")
}

/// Whether the zone watches an enterprise's operation.
pub fn watched(zone: &DemoZone, index: usize) -> bool {
    let e = &zone.enterprises[index];
    e.tags.iter().any(|t| t == "规上工业")
        || matches!(
            e.size,
            jiban_core::size::SizeClass::Large | jiban_core::size::SizeClass::Medium
        )
        || (e.size == jiban_core::size::SizeClass::Small && index.is_multiple_of(3))
}

/// The course of a watched enterprise (enterprise 0, the showcase, always runs normally).
pub fn course(index: usize) -> Course {
    if index == 0 {
        return Course::Normal;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(0x5eed_0000 + index as u64);
    let x: f64 = rng.random();
    match x {
        _ if x < 0.025 => Course::Declining,
        _ if x < 0.035 => Course::Distressed,
        _ if x < 0.045 => Course::Silent,
        _ if x < 0.20 => Course::Soft,
        _ => Course::Normal,
    }
}

/// Fifteen months of values ending with `last_month` (so each of the last three months has its
/// same month a year earlier), for every watched enterprise.
pub fn values(zone: &DemoZone, last_month: Date) -> Vec<ValueSpec> {
    const MONTHS: i32 = 15;
    let first = month_add(last_month, -(MONTHS - 1));
    let mut out = Vec::new();
    for (i, e) in zone.enterprises.iter().enumerate() {
        if !watched(zone, i) {
            continue;
        }
        let course = course(i);
        let mut rng = ChaCha8Rng::seed_from_u64(0xda7a_0000 + i as u64);
        let staff = e.employees.max(5) as f64;
        let power = (staff * rng.random_range(0.2..0.6)).max(1.0);
        let sales = (e.revenue_wan / 12.0).max(5.0);
        let growth: f64 = rng.random_range(0.99..1.08);
        for m in 0..MONTHS {
            let period = month_add(first, m);
            let months_to_end = MONTHS - 1 - m;
            if course == Course::Silent && months_to_end < 2 {
                continue;
            }
            // how far the enterprise runs below normal in this month (a year ago: normally)
            let health: f64 = match (course, months_to_end) {
                (_, 12..) | (Course::Normal, _) => rng.random_range(0.97..1.04),
                (Course::Soft, _) => rng.random_range(0.80..0.92),
                (Course::Distressed, _) => rng.random_range(0.55..0.68),
                (Course::Declining, 0) => rng.random_range(0.42..0.52),
                (Course::Declining, 1) => rng.random_range(0.62..0.72),
                (Course::Declining, 2) => rng.random_range(0.82..0.9),
                (Course::Declining, _) => rng.random_range(0.97..1.04),
                (Course::Silent, _) => rng.random_range(0.9..1.0),
            };
            let season =
                1.0 + 0.12 * ((period.month() as i32 as f64) * std::f64::consts::PI / 6.0).cos();
            let trend = if months_to_end < 12 { growth } else { 1.0 };
            let on_duty = (staff * health.min(1.0) * rng.random_range(0.97..1.0)).round();
            let round2 = |x: f64| (x * 100.0).round() / 100.0;
            for (code, value) in [
                ("zcygrs", staff),
                ("zgrs", on_duty.min(staff)),
                ("ydl", round2(power * season * trend * health)),
                ("kpe", round2(sales * season * trend * health)),
            ] {
                out.push(ValueSpec {
                    enterprise_index: i,
                    code,
                    period,
                    value,
                });
            }
        }
    }
    out
}

/// GeoJSON of the zone: one feature per street and per grid, drawn from the same cells the
/// enterprises' coordinates were placed in (so every enterprise lies inside its grid).
pub fn geojson(zone: &DemoZone) -> String {
    let ring = |(x0, x1, y0, y1): (f64, f64, f64, f64)| {
        format!("[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]")
    };
    let mut features = Vec::new();
    for (si, s) in STREETS.iter().enumerate() {
        let code = format!("YL-S{:02}", si + 1);
        features.push(format!(
            r#"{{"type":"Feature","properties":{{"code":"{code}","name":"{}","kind":"street","street_code":"{code}"}},"geometry":{{"type":"Polygon","coordinates":{}}}}}"#,
            s.name,
            ring(s.bbox)
        ));
    }
    for cell in grid_cells() {
        let name = zone
            .unit(cell.code())
            .map(|u| u.name.clone())
            .unwrap_or_default();
        features.push(format!(
            r#"{{"type":"Feature","properties":{{"code":"{}","name":"{name}","kind":"grid","street_code":"{}"}},"geometry":{{"type":"Polygon","coordinates":{}}}}}"#,
            cell.code(),
            street_code_of(cell.code()).unwrap_or_default(),
            ring(cell.bbox())
        ));
    }
    format!(
        r#"{{"type":"FeatureCollection","name":"{}","features":[{}]}}"#,
        zone.zone.name,
        features.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enterprise_lies_in_its_grid_polygon() {
        let zone = crate::generate(crate::DEFAULT_SEED, 2000);
        let cells = grid_cells();
        for e in &zone.enterprises {
            let c = cells.iter().find(|c| c.code() == e.grid_code).unwrap();
            let (x0, x1, y0, y1) = c.bbox();
            assert!(
                (x0..=x1).contains(&e.lon) && (y0..=y1).contains(&e.lat),
                "{}",
                e.name
            );
        }
        let g = geojson(&zone);
        assert!(g.starts_with(r#"{"type":"FeatureCollection""#));
        assert_eq!(g.matches(r#""kind":"street""#).count(), 4);
        assert_eq!(g.matches(r#""kind":"grid""#).count(), cells.len());
    }

    #[test]
    fn a_year_of_values_with_every_course() {
        let zone = crate::generate(crate::DEFAULT_SEED, 5000);
        let last = Date::from_calendar_date(2026, Month::October, 1).unwrap();
        let v = values(&zone, last);
        let watched: Vec<usize> = (0..zone.enterprises.len())
            .filter(|i| watched(&zone, *i))
            .collect();
        assert!(watched.len() > 500, "{}", watched.len());
        for c in [
            Course::Declining,
            Course::Distressed,
            Course::Silent,
            Course::Soft,
        ] {
            assert!(watched.iter().any(|i| course(*i) == c), "{c:?}");
        }
        assert!(v.iter().all(|x| x.value.is_finite() && x.value >= 0.0));
        assert_eq!(
            v.iter().map(|x| x.period).min(),
            Some(Date::from_calendar_date(2025, Month::August, 1).unwrap())
        );
        assert_eq!(v.iter().map(|x| x.period).max(), Some(last));
        assert_eq!(values(&zone, last), v, "deterministic");
    }
}
