//! Working days and office hours in Beijing time — the clock of every deadline.
//!
//! Chinese public holidays move every year and come with **调休**: to make a longer holiday, a
//! Saturday or Sunday next to it becomes a working day (“调休上班”). A day is therefore a working
//! day when
//! - the holiday table marks it `workday` (a make-up working day), or
//! - it is Monday–Friday and the table does not mark it `holiday`.
//!
//! [`WorkCalendar::china_default`] loads the State Council dates for 2024–2026 embedded in the
//! binary (`data/holidays.csv`); later years are added by an administrator
//! ([`WorkCalendar::parse_csv`], [`WorkCalendar::from_days`]). For a year without entries the
//! calendar falls back to Monday–Friday ([`WorkCalendar::has_year`] tells which years are known).
//!
//! Deadlines in hours use [`OfficeHours`] (by default 08:30–12:00 and 14:00–17:30) on working days.
//! All arithmetic happens in Beijing time, the fixed offset [`BEIJING`] (+08:00, China has no
//! daylight saving time); instants in any offset are accepted and results are returned at +08:00.
//!
//! ```
//! use jiban_core::calendar::WorkCalendar;
//! use time::macros::date;
//! let cal = WorkCalendar::china_default();
//! // 10-01…10-08 are 国庆/中秋 holidays, 10-11 (a Saturday) is a make-up working day.
//! assert_eq!(cal.add_workdays(date!(2025-09-30), 3), date!(2025-10-11));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound::{Excluded, Included};
use std::str::FromStr;
use std::sync::LazyLock;

use time::macros::{format_description, offset, time};
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset, Weekday};

use crate::error::DomainError;

/// Beijing time, UTC+08:00, the offset of every calculation in this module.
pub const BEIJING: UtcOffset = offset!(+8);

/// The embedded holiday table (`date,kind,name`), 2024–2026.
pub const CHINA_HOLIDAYS_CSV: &str = include_str!("../data/holidays.csv");

/// The same instant in Beijing time.
pub fn to_beijing(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(BEIJING)
}

/// What the holiday table says about a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum DayKind {
    /// `holiday` — 法定节假日 (a day off, even if it is a weekday).
    Holiday,
    /// `workday` — 调休上班 (a make-up working day, always a Saturday or Sunday).
    Workday,
}

impl DayKind {
    /// `holiday` or `workday`.
    pub const fn as_str(self) -> &'static str {
        match self {
            DayKind::Holiday => "holiday",
            DayKind::Workday => "workday",
        }
    }

    /// 法定节假日 or 调休上班.
    pub const fn label(self) -> &'static str {
        match self {
            DayKind::Holiday => "法定节假日",
            DayKind::Workday => "调休上班",
        }
    }

    /// Parses `holiday` / `workday`. Error `validation.unknown_value`, field `kind`.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "holiday" => Ok(DayKind::Holiday),
            "workday" => Ok(DayKind::Workday),
            other => Err(DomainError::unknown_value("kind", "日期类型", other)),
        }
    }
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for DayKind {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<DayKind> for &'static str {
    fn from(k: DayKind) -> Self {
        k.as_str()
    }
}

/// One entry of the holiday table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CalendarDay {
    /// The date (Beijing).
    pub date: Date,
    /// Holiday or make-up working day.
    pub kind: DayKind,
    /// Name shown to people (“国庆节”, “春节调休上班”); may be empty.
    pub name: String,
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Number of Monday–Friday days among the day indices `[0, n)`, where index 0 is a Monday.
/// Works for negative `n` as a prefix sum (only differences are meaningful).
fn weekdays_before(n: i64) -> i64 {
    n.div_euclid(7) * 5 + n.rem_euclid(7).min(5)
}

/// Day index with 0 = Monday 2024-01-01.
fn day_index(d: Date) -> i64 {
    const MONDAY: Date = time::macros::date!(2024 - 01 - 01);
    i64::from(d.to_julian_day()) - i64::from(MONDAY.to_julian_day())
}

static CHINA_DEFAULT: LazyLock<WorkCalendar> = LazyLock::new(|| {
    WorkCalendar::parse_csv(CHINA_HOLIDAYS_CSV).expect("embedded holidays.csv is valid")
});

/// Working days (with holidays and 调休) plus office hours. Cheap to clone; build it once and
/// share it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkCalendar {
    days: BTreeMap<Date, CalendarDay>,
    hours: OfficeHours,
}

impl WorkCalendar {
    /// The national calendar 2024–2026 embedded from `data/holidays.csv`, with default
    /// [`OfficeHours`].
    pub fn china_default() -> Self {
        CHINA_DEFAULT.clone()
    }

    /// A calendar from bare `(date, kind)` entries (names left empty). A later entry for the same
    /// date replaces an earlier one. No checks: use [`parse_csv`](Self::parse_csv) for input from
    /// people.
    pub fn from_entries(entries: impl IntoIterator<Item = (Date, DayKind)>) -> Self {
        Self::from_days(entries.into_iter().map(|(date, kind)| CalendarDay {
            date,
            kind,
            name: String::new(),
        }))
    }

    /// A calendar from named entries. A later entry for the same date replaces an earlier one.
    pub fn from_days(days: impl IntoIterator<Item = CalendarDay>) -> Self {
        Self {
            days: days.into_iter().map(|d| (d.date, d)).collect(),
            hours: OfficeHours::default(),
        }
    }

    /// Parses a holiday table in the format of `data/holidays.csv`:
    /// `date,kind,name` lines (`2025-10-01,holiday,国庆节`), an optional header line starting with
    /// `date`, blank lines ignored.
    ///
    /// Errors (field `calendar`, message naming the line): `validation.calendar.format` (not three
    /// fields / bad date), `validation.calendar.kind`, `validation.calendar.duplicate` (a date
    /// twice), `validation.calendar.workday_not_weekend` (a make-up working day must be a Saturday
    /// or Sunday).
    pub fn parse_csv(text: &str) -> Result<Self, DomainError> {
        const FIELD: &str = "calendar";
        let date_format = format_description!("[year]-[month]-[day]");
        let mut days = BTreeMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim().trim_start_matches('\u{FEFF}');
            if line.is_empty() || (i == 0 && line.starts_with("date")) {
                continue;
            }
            let mut parts = line.splitn(3, ',');
            let (Some(d), Some(k)) = (parts.next(), parts.next()) else {
                return Err(DomainError::new(
                    FIELD,
                    "validation.calendar.format",
                    format!("工作日历第 {line_no} 行应为“日期,类型,名称”"),
                ));
            };
            let name = parts.next().unwrap_or("").trim().to_string();
            let date = Date::parse(d.trim(), date_format).map_err(|_| {
                DomainError::new(
                    FIELD,
                    "validation.calendar.format",
                    format!(
                        "工作日历第 {line_no} 行日期“{}”不是 YYYY-MM-DD 格式",
                        d.trim()
                    ),
                )
            })?;
            let kind = DayKind::parse(k).map_err(|_| {
                DomainError::new(
                    FIELD,
                    "validation.calendar.kind",
                    format!(
                        "工作日历第 {line_no} 行类型“{}”应为 holiday 或 workday",
                        k.trim()
                    ),
                )
            })?;
            if kind == DayKind::Workday && !is_weekend(date) {
                return Err(DomainError::new(
                    FIELD,
                    "validation.calendar.workday_not_weekend",
                    format!("工作日历第 {line_no} 行：调休上班日 {date} 不是周六或周日"),
                ));
            }
            if days
                .insert(date, CalendarDay { date, kind, name })
                .is_some()
            {
                return Err(DomainError::new(
                    FIELD,
                    "validation.calendar.duplicate",
                    format!("工作日历第 {line_no} 行：日期 {date} 重复"),
                ));
            }
        }
        Ok(Self {
            days,
            hours: OfficeHours::default(),
        })
    }

    /// The same calendar with other office hours.
    #[must_use]
    pub fn with_office_hours(mut self, hours: OfficeHours) -> Self {
        self.hours = hours;
        self
    }

    /// The office hours used by the hour-based functions.
    pub fn office_hours(&self) -> &OfficeHours {
        &self.hours
    }

    /// All entries, in date order.
    pub fn days(&self) -> impl Iterator<Item = &CalendarDay> {
        self.days.values()
    }

    /// The entries of one year, in date order.
    pub fn days_in_year(&self, year: i32) -> impl Iterator<Item = &CalendarDay> {
        self.days.values().filter(move |d| d.date.year() == year)
    }

    /// The table's entry for a date, if any.
    pub fn day(&self, date: Date) -> Option<&CalendarDay> {
        self.days.get(&date)
    }

    /// Whether the table has at least one entry in `year` (if not, that year is computed as plain
    /// Monday–Friday, which is wrong around holidays: someone should enter the year's notice).
    pub fn has_year(&self, year: i32) -> bool {
        self.days.keys().any(|d| d.year() == year)
    }

    /// Whether `date` is a working day: a make-up working day, or Monday–Friday and not a holiday.
    pub fn is_workday(&self, date: Date) -> bool {
        match self.days.get(&date).map(|d| d.kind) {
            Some(DayKind::Workday) => true,
            Some(DayKind::Holiday) => false,
            None => !is_weekend(date),
        }
    }

    /// The first working day on or after `date`.
    pub fn workday_on_or_after(&self, date: Date) -> Date {
        let mut d = date;
        while !self.is_workday(d) {
            match d.next_day() {
                Some(n) => d = n,
                None => break,
            }
        }
        d
    }

    /// The `n`-th working day after `date` (`date` itself does not count, whatever it is). With
    /// `n = 0` the date is returned unchanged. A deadline of “3 working days” from a dispatch on
    /// `date` falls on `add_workdays(date, 3)`.
    ///
    /// Saturates at [`Date::MAX`] (never reached in practice).
    pub fn add_workdays(&self, date: Date, n: u32) -> Date {
        let mut d = date;
        let mut left = n;
        while left > 0 {
            match d.next_day() {
                Some(next) => d = next,
                None => return d,
            }
            if self.is_workday(d) {
                left -= 1;
            }
        }
        d
    }

    /// Number of working days in `(from, to]` — after `from`, up to and including `to` — so that
    /// `workdays_between(d, add_workdays(d, n)) == n`. Negative when `to` is before `from`.
    ///
    /// Runs in time proportional to the number of table entries in the range, not the number of
    /// days.
    pub fn workdays_between(&self, from: Date, to: Date) -> i64 {
        if to < from {
            return -self.workdays_between(to, from);
        }
        let mut n = weekdays_before(day_index(to) + 1) - weekdays_before(day_index(from) + 1);
        for day in self
            .days
            .range((Excluded(from), Included(to)))
            .map(|(_, d)| d)
        {
            match (day.kind, is_weekend(day.date)) {
                (DayKind::Holiday, false) => n -= 1,
                (DayKind::Workday, true) => n += 1,
                _ => {}
            }
        }
        n
    }

    /// The instant when `hours` office hours have passed after `at`, counting only office hours
    /// of working days. See [`add_working_minutes`](Self::add_working_minutes).
    pub fn add_working_hours(&self, at: OffsetDateTime, hours: u32) -> OffsetDateTime {
        self.add_working_minutes(at, u64::from(hours) * 60)
    }

    /// The instant when `minutes` office minutes have passed after `at` (any offset; the result is
    /// at +08:00).
    ///
    /// If `at` is outside office hours the count starts at the next opening. When the time runs
    /// out exactly at a closing time the result is that closing time (12:00, not 14:00). With
    /// `minutes = 0`, `at` is returned (at +08:00).
    pub fn add_working_minutes(&self, at: OffsetDateTime, minutes: u64) -> OffsetDateTime {
        let local = to_beijing(at);
        let mut remaining = Duration::minutes(i64::try_from(minutes).unwrap_or(i64::MAX / 120));
        if remaining.is_zero() {
            return local;
        }
        let mut date = local.date();
        let mut from = local.time() - Time::MIDNIGHT;
        loop {
            if self.is_workday(date) {
                for &(start, end) in self.hours.spans() {
                    let begin = start.max(from);
                    if begin >= end {
                        continue;
                    }
                    let available = end - begin;
                    if remaining <= available {
                        return (date.midnight() + begin + remaining).assume_offset(BEIJING);
                    }
                    remaining -= available;
                }
            }
            match date.next_day() {
                Some(next) => date = next,
                None => return date.midnight().assume_offset(BEIJING),
            }
            from = Duration::ZERO;
        }
    }

    /// Office time between two instants, in whole minutes (truncated toward zero); negative when
    /// `to` is before `from`. `working_minutes_between(a, add_working_minutes(a, m)) == m`.
    pub fn working_minutes_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> i64 {
        self.working_time_between(from, to).whole_minutes()
    }

    /// Office time between two instants, exactly; negative when `to` is before `from`.
    pub fn working_time_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> Duration {
        if to < from {
            return -self.working_time_between(to, from);
        }
        let (a, b) = (to_beijing(from), to_beijing(to));
        let (da, ta) = (a.date(), a.time() - Time::MIDNIGHT);
        let (db, tb) = (b.date(), b.time() - Time::MIDNIGHT);
        if da == db {
            return self.office_time_on(da, ta, tb);
        }
        let full_days = self.workdays_between(da, db) - i64::from(self.is_workday(db));
        let full = self.hours.per_day() * i32::try_from(full_days).unwrap_or(i32::MAX);
        self.office_time_on(da, ta, Duration::DAY)
            + full
            + self.office_time_on(db, Duration::ZERO, tb)
    }

    /// Office time on `date` between two offsets from midnight.
    fn office_time_on(&self, date: Date, from: Duration, to: Duration) -> Duration {
        if !self.is_workday(date) {
            return Duration::ZERO;
        }
        self.hours
            .spans()
            .iter()
            .map(|&(s, e)| (e.min(to) - s.max(from)).max(Duration::ZERO))
            .sum()
    }
}

/// The daily office hours: one or more intervals of a day, sorted and not overlapping.
///
/// Default: 08:30–12:00 and 14:00–17:30 (7 hours). Written and parsed as
/// `"08:30-12:00,14:00-17:30"` (also the serde form), so it can live in a config file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfficeHours {
    intervals: Vec<(Time, Time)>,
    /// The same intervals as offsets from midnight, for arithmetic.
    spans: Vec<(Duration, Duration)>,
}

impl Default for OfficeHours {
    fn default() -> Self {
        Self::new(vec![
            (time!(08:30), time!(12:00)),
            (time!(14:00), time!(17:30)),
        ])
        .expect("default office hours are valid")
    }
}

impl OfficeHours {
    /// Office hours from `(start, end)` intervals. They must be non-empty, each with
    /// `start < end`, in order and not overlapping (one may start where the previous ends).
    /// Error `validation.office_hours`, field `office_hours`.
    pub fn new(intervals: Vec<(Time, Time)>) -> Result<Self, DomainError> {
        let err = |m: String| DomainError::new("office_hours", "validation.office_hours", m);
        if intervals.is_empty() {
            return Err(err("办公时间不能为空".into()));
        }
        for (i, &(s, e)) in intervals.iter().enumerate() {
            if s >= e {
                return Err(err(format!(
                    "办公时间第 {} 段的开始时间应早于结束时间",
                    i + 1
                )));
            }
            if i > 0 && intervals[i - 1].1 > s {
                return Err(err(format!(
                    "办公时间第 {} 段与前一段重叠或顺序颠倒",
                    i + 1
                )));
            }
        }
        let spans = intervals
            .iter()
            .map(|&(s, e)| (s - Time::MIDNIGHT, e - Time::MIDNIGHT))
            .collect();
        Ok(Self { intervals, spans })
    }

    /// Parses `"08:30-12:00,14:00-17:30"` (spaces allowed; `，` and `－`/`–` accepted).
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let hm = format_description!("[hour]:[minute]");
        let bad = || {
            DomainError::new(
                "office_hours",
                "validation.office_hours",
                format!(
                    "办公时间“{}”格式不正确，应如 08:30-12:00,14:00-17:30",
                    input.trim()
                ),
            )
        };
        let normalised = input.replace('，', ",").replace(['－', '–', '—'], "-");
        let mut intervals = Vec::new();
        for part in normalised.split(',') {
            let (s, e) = part.split_once('-').ok_or_else(bad)?;
            let s = Time::parse(s.trim(), hm).map_err(|_| bad())?;
            let e = Time::parse(e.trim(), hm).map_err(|_| bad())?;
            intervals.push((s, e));
        }
        Self::new(intervals)
    }

    /// The intervals.
    pub fn intervals(&self) -> &[(Time, Time)] {
        &self.intervals
    }

    /// Total office time of one working day.
    pub fn per_day(&self) -> Duration {
        self.spans.iter().map(|&(s, e)| e - s).sum()
    }

    fn spans(&self) -> &[(Duration, Duration)] {
        &self.spans
    }
}

impl fmt::Display for OfficeHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (s, e)) in self.intervals.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(
                f,
                "{:02}:{:02}-{:02}:{:02}",
                s.hour(),
                s.minute(),
                e.hour(),
                e.minute()
            )?;
        }
        Ok(())
    }
}

impl FromStr for OfficeHours {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for OfficeHours {
    type Error = DomainError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<OfficeHours> for String {
    fn from(h: OfficeHours) -> Self {
        h.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::{date, datetime};

    fn cal() -> WorkCalendar {
        WorkCalendar::china_default()
    }

    #[test]
    fn embedded_table_loads() {
        let c = cal();
        assert!(c.days().count() > 100);
        for y in 2024..=2026 {
            assert!(c.has_year(y));
        }
        assert!(!c.has_year(2027));
        let d = c.day(date!(2025 - 10 - 01)).unwrap();
        assert_eq!(d.kind, DayKind::Holiday);
        assert_eq!(d.name, "国庆节、中秋节");
        // Every make-up working day is a weekend day and every one is a working day.
        for day in c.days() {
            assert_eq!(c.is_workday(day.date), day.kind == DayKind::Workday);
            if day.kind == DayKind::Workday {
                assert!(is_weekend(day.date));
            }
        }
    }

    #[test]
    fn national_day_2025() {
        let c = cal();
        assert!(c.is_workday(date!(2025 - 09 - 28)), "Sunday make-up day");
        for d in 1..=8 {
            assert!(
                !c.is_workday(Date::from_calendar_date(2025, time::Month::October, d).unwrap())
            );
        }
        assert!(c.is_workday(date!(2025 - 10 - 11)), "Saturday make-up day");
        assert_eq!(
            c.add_workdays(date!(2025 - 09 - 30), 1),
            date!(2025 - 10 - 09)
        );
        assert_eq!(
            c.add_workdays(date!(2025 - 09 - 30), 2),
            date!(2025 - 10 - 10)
        );
        assert_eq!(
            c.add_workdays(date!(2025 - 09 - 30), 3),
            date!(2025 - 10 - 11)
        );
        assert_eq!(
            c.add_workdays(date!(2025 - 09 - 30), 4),
            date!(2025 - 10 - 13)
        );
        assert_eq!(
            c.add_workdays(date!(2025 - 09 - 26), 1),
            date!(2025 - 09 - 28)
        );
        assert_eq!(
            c.workdays_between(date!(2025 - 09 - 30), date!(2025 - 10 - 11)),
            3
        );
        // October 2025: 23 weekdays − 6 holidays on weekdays + 1 make-up Saturday = 18.
        assert_eq!(
            c.workdays_between(date!(2025 - 09 - 30), date!(2025 - 10 - 31)),
            18
        );
    }

    #[test]
    fn spring_festival_2025() {
        let c = cal();
        // 01-26 (Sunday) and 02-08 (Saturday) are make-up days; 01-28…02-04 off.
        assert_eq!(
            c.add_workdays(date!(2025 - 01 - 24), 1),
            date!(2025 - 01 - 26)
        );
        assert_eq!(
            c.add_workdays(date!(2025 - 01 - 24), 2),
            date!(2025 - 01 - 27)
        );
        assert_eq!(
            c.add_workdays(date!(2025 - 01 - 24), 3),
            date!(2025 - 02 - 05)
        );
        assert_eq!(
            c.add_workdays(date!(2025 - 01 - 24), 6),
            date!(2025 - 02 - 08)
        );
        assert_eq!(
            c.add_workdays(date!(2025 - 01 - 24), 7),
            date!(2025 - 02 - 10)
        );
        assert!(!c.is_workday(date!(2025 - 01 - 25)), "plain Saturday");
        assert_eq!(
            c.workday_on_or_after(date!(2025 - 01 - 28)),
            date!(2025 - 02 - 05)
        );
    }

    #[test]
    fn spring_festival_2026() {
        let c = cal();
        // 02-14 (Saturday) and 02-28 (Saturday) are make-up days; 02-15…02-23 off.
        assert_eq!(
            c.add_workdays(date!(2026 - 02 - 13), 1),
            date!(2026 - 02 - 14)
        );
        assert_eq!(
            c.add_workdays(date!(2026 - 02 - 13), 2),
            date!(2026 - 02 - 24)
        );
        assert_eq!(
            c.add_workdays(date!(2026 - 02 - 24), 4),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            c.add_workdays(date!(2026 - 02 - 24), 5),
            date!(2026 - 03 - 02)
        );
        assert_eq!(
            c.workdays_between(date!(2026 - 02 - 13), date!(2026 - 02 - 28)),
            6
        );
    }

    #[test]
    fn national_day_2026() {
        let c = cal();
        // 中秋 09-25…27, make-up Sunday 09-20; 国庆 10-01…07, make-up Saturday 10-10.
        assert_eq!(
            c.add_workdays(date!(2026 - 09 - 18), 1),
            date!(2026 - 09 - 20)
        );
        assert_eq!(
            c.add_workdays(date!(2026 - 09 - 24), 1),
            date!(2026 - 09 - 28)
        );
        assert_eq!(
            c.add_workdays(date!(2026 - 09 - 30), 1),
            date!(2026 - 10 - 08)
        );
        assert_eq!(
            c.add_workdays(date!(2026 - 09 - 30), 3),
            date!(2026 - 10 - 10)
        );
        assert_eq!(
            c.add_workdays(date!(2026 - 09 - 30), 4),
            date!(2026 - 10 - 12)
        );
        assert_eq!(
            c.workdays_between(date!(2026 - 09 - 30), date!(2026 - 09 - 30)),
            0
        );
        assert_eq!(
            c.workdays_between(date!(2026 - 10 - 10), date!(2026 - 09 - 30)),
            -3
        );
    }

    #[test]
    fn plain_weeks_without_table() {
        let c = WorkCalendar::from_entries([]);
        assert_eq!(
            c.add_workdays(date!(2027 - 01 - 01), 1),
            date!(2027 - 01 - 04)
        );
        assert_eq!(
            c.add_workdays(date!(2027 - 01 - 01), 0),
            date!(2027 - 01 - 01)
        );
        assert_eq!(
            c.workdays_between(date!(2027 - 01 - 01), date!(2027 - 12 - 31)),
            260
        );
        let c = WorkCalendar::from_entries([(date!(2027 - 01 - 04), DayKind::Holiday)]);
        assert_eq!(
            c.add_workdays(date!(2027 - 01 - 01), 1),
            date!(2027 - 01 - 05)
        );
    }

    #[test]
    fn csv_errors() {
        let e = WorkCalendar::parse_csv(
            "date,kind,name\n2025-10-01,holiday,国庆\n2025-13-01,holiday,x",
        )
        .unwrap_err();
        assert_eq!(e.code, "validation.calendar.format");
        assert!(e.message.contains("第 3 行"), "{}", e.message);
        let e = WorkCalendar::parse_csv("2025-10-09,workday,x").unwrap_err();
        assert_eq!(e.code, "validation.calendar.workday_not_weekend");
        let e = WorkCalendar::parse_csv("2025-10-01,off,x").unwrap_err();
        assert_eq!(e.code, "validation.calendar.kind");
        let e = WorkCalendar::parse_csv("2025-10-01,holiday,a\n2025-10-01,holiday,b").unwrap_err();
        assert_eq!(e.code, "validation.calendar.duplicate");
        let c = WorkCalendar::parse_csv("\n2027-10-01,holiday,国庆节\n").unwrap();
        assert_eq!(c.days_in_year(2027).count(), 1);
    }

    #[test]
    fn office_hours_config() {
        let h = OfficeHours::default();
        assert_eq!(h.to_string(), "08:30-12:00,14:00-17:30");
        assert_eq!(h.per_day(), Duration::hours(7));
        assert_eq!(OfficeHours::parse("08:30-12:00， 14:00－17:30").unwrap(), h);
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            "\"08:30-12:00,14:00-17:30\""
        );
        for bad in [
            "",
            "8-12",
            "12:00-08:30",
            "08:00-12:00,11:00-17:00",
            "25:00-26:00",
        ] {
            assert_eq!(
                OfficeHours::parse(bad).unwrap_err().code,
                "validation.office_hours",
                "{bad}"
            );
        }
        let summer = OfficeHours::parse("08:00-12:00,15:00-18:00").unwrap();
        let c = cal().with_office_hours(summer.clone());
        assert_eq!(c.office_hours(), &summer);
    }

    #[test]
    fn working_hours() {
        let c = cal();
        // 16:00 + 4h: 1.5h on 09-30, then the holiday, then 2.5h on 10-09.
        assert_eq!(
            c.add_working_hours(datetime!(2025-09-30 16:00 +8), 4),
            datetime!(2025-10-09 11:00 +8)
        );
        // The same instant given in UTC; the result is in Beijing time.
        let r = c.add_working_hours(datetime!(2025-09-30 08:00 UTC), 4);
        assert_eq!(r, datetime!(2025-10-09 11:00 +8));
        assert_eq!(r.offset(), BEIJING);
        // Lunch break and evenings are skipped.
        assert_eq!(
            c.add_working_hours(datetime!(2025-06-10 12:30 +8), 1),
            datetime!(2025-06-10 15:00 +8)
        );
        assert_eq!(
            c.add_working_hours(datetime!(2025-06-10 07:00 +8), 3),
            datetime!(2025-06-10 11:30 +8)
        );
        // Ending exactly at a closing time gives the closing time.
        assert_eq!(
            c.add_working_minutes(datetime!(2025-06-10 07:00 +8), 210),
            datetime!(2025-06-10 12:00 +8)
        );
        assert_eq!(
            c.add_working_hours(datetime!(2025-06-10 20:00 +8), 0),
            datetime!(2025-06-10 20:00 +8)
        );
        // Friday evening + 2h → Monday 10:30; a make-up Sunday counts.
        assert_eq!(
            c.add_working_hours(datetime!(2025-06-13 18:00 +8), 2),
            datetime!(2025-06-16 10:30 +8)
        );
        assert_eq!(
            c.add_working_hours(datetime!(2025-09-26 17:00 +8), 1),
            datetime!(2025-09-28 09:00 +8)
        );
        assert_eq!(
            c.working_minutes_between(
                datetime!(2025-09-30 16:00 +8),
                datetime!(2025-10-09 11:00 +8)
            ),
            240
        );
        assert_eq!(
            c.working_minutes_between(
                datetime!(2025-10-09 11:00 +8),
                datetime!(2025-09-30 16:00 +8)
            ),
            -240
        );
        // A whole ordinary week: 5 × 7h.
        assert_eq!(
            c.working_minutes_between(
                datetime!(2025-06-09 00:00 +8),
                datetime!(2025-06-16 00:00 +8)
            ),
            5 * 7 * 60
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        // 2023-12-01 … 2027-01-31, around the embedded table.
        (0i32..1158).prop_map(|k| date!(2023 - 12 - 01) + Duration::days(i64::from(k)))
    }

    fn any_instant() -> impl Strategy<Value = OffsetDateTime> {
        (any_date(), 0i64..86_400, -12i8..=14).prop_map(|(d, s, off)| {
            (d.midnight() + Duration::seconds(s))
                .assume_offset(BEIJING)
                .to_offset(UtcOffset::from_hms(off, 0, 0).unwrap())
        })
    }

    proptest! {
        #[test]
        fn add_workdays_lands_on_a_workday(d in any_date(), n in 1u32..400) {
            prop_assert!(cal().is_workday(cal().add_workdays(d, n)));
        }

        #[test]
        fn add_workdays_is_monotone(d in any_date(), n in 0u32..300, k in 1u32..30) {
            let c = cal();
            prop_assert!(c.add_workdays(d, n) < c.add_workdays(d, n + k));
        }

        #[test]
        fn workdays_between_inverts_add(d in any_date(), n in 0u32..400) {
            let c = cal();
            prop_assert_eq!(c.workdays_between(d, c.add_workdays(d, n)), i64::from(n));
        }

        #[test]
        fn workdays_between_counts_days(a in any_date(), b in any_date()) {
            let c = cal();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let mut n = 0;
            let mut d = lo;
            while d < hi {
                d = d.next_day().unwrap();
                n += i64::from(c.is_workday(d));
            }
            prop_assert_eq!(c.workdays_between(lo, hi), n);
            prop_assert_eq!(c.workdays_between(hi, lo), -n);
        }

        #[test]
        fn working_minutes_invert_add(at in any_instant(), minutes in 0u64..20_000) {
            let c = cal();
            let end = c.add_working_minutes(at, minutes);
            prop_assert!(end >= at);
            prop_assert_eq!(c.working_minutes_between(at, end), minutes as i64);
        }

        #[test]
        fn working_time_is_additive(a in any_instant(), b in any_instant(), m in any_instant()) {
            let c = cal();
            prop_assert_eq!(
                c.working_time_between(a, b),
                c.working_time_between(a, m) + c.working_time_between(m, b)
            );
        }
    }
}
