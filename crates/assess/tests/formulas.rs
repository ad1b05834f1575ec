//! The formulas on hand-built rows (see docs/ASSESSMENT.md).

mod common;

use common::*;
use jiban_assess::{
    ExemptedCase, MergedCase, Metric, Part, Period, Ratio, Weights, composite, metrics_by_unit,
    unit_metrics,
};
use jiban_core::case::Satisfaction::{Basic, Satisfied, Unsatisfied};
use time::macros::{date, datetime};

fn r(numerator: u32, denominator: u32) -> Ratio {
    Ratio {
        numerator,
        denominator,
    }
}

#[test]
fn signing_is_judged_in_the_period_of_dispatch() {
    let rows = [
        // signed within the 4 working hours (sign by 15:00)
        lead(1, datetime!(2025-10-13 09:00 +8)).signed(datetime!(2025-10-13 10:00 +8)),
        // signed late
        lead(2, datetime!(2025-10-13 09:00 +8)).signed(datetime!(2025-10-13 16:00 +8)),
        // an assisting unit that never signed: late once its sign_by passed
        assist(3, datetime!(2025-10-14 09:00 +8)),
        // dispatched Friday 17:00: sign by Monday 12:00, not yet due at Monday 08:00
        lead(4, datetime!(2025-10-17 17:00 +8)),
        // dispatched last week: that week's cohort
        lead(5, datetime!(2025-10-09 09:00 +8)).signed(datetime!(2025-10-13 09:00 +8)),
        // taken away (改派) before its sign_by: no signature was due
        lead(6, datetime!(2025-10-13 09:00 +8)).reassigned_at(datetime!(2025-10-13 10:00 +8)),
    ];
    let m = unit_metrics(&rows, &week(), &Weights::default(), &cal());
    assert_eq!(rows[3].sign_by, datetime!(2025-10-20 12:00 +8));
    assert_eq!(m.received, 5);
    assert_eq!(m.received_as_assist, 1);
    assert_eq!(m.signed_on_time, r(1, 3));
    assert_eq!(
        m.cases_behind(Metric::SignedOnTime, Part::Denominator),
        [id(1), id(2), id(3)]
    );
    assert_eq!(
        m.cases_behind(Metric::SignedOnTime, Part::Numerator),
        [id(1)]
    );
    // last week: case 5 was signed late (sign by 10-09 15:00)
    let last = unit_metrics(&rows, &last_week(), &Weights::default(), &cal());
    assert_eq!(last.signed_on_time, r(0, 1));
}

/// The rows of the 按期办结 boundary cases, week of 2025-10-13.
fn on_time_rows() -> Vec<jiban_assess::UnitCaseFacts> {
    let signed = |c, at| lead(c, at).signed(at + time::Duration::hours(1));
    vec![
        // 11: received last week, due Wed 10-15 17:30, answered Wed: on time, counted this week
        signed(11, datetime!(2025-10-09 09:00 +8)).replied(datetime!(2025-10-15 10:00 +8)),
        // 12: the same deadline, answered Thursday: late, counted this week
        signed(12, datetime!(2025-10-09 09:00 +8)).replied(datetime!(2025-10-16 10:00 +8)),
        // 13: due last Friday, answered this Tuesday: late, counted LAST week (as overdue then)
        signed(13, datetime!(2025-10-09 09:00 +8))
            .due(datetime!(2025-10-10 17:30 +8))
            .replied(datetime!(2025-10-14 10:00 +8)),
        // 14: due Thursday, still unanswered: late, and overdue now
        signed(14, datetime!(2025-10-13 09:00 +8)).due(datetime!(2025-10-16 17:30 +8)),
        // 15: due next Monday, unanswered: not yet due
        signed(15, datetime!(2025-10-13 09:00 +8)),
        // 16: answered last week
        signed(16, datetime!(2025-10-09 09:00 +8)).replied(datetime!(2025-10-10 10:00 +8)),
        // 17: answered Thursday but 核查不通过: the answer no longer stands; due Friday → late
        signed(17, datetime!(2025-10-13 09:00 +8))
            .due(datetime!(2025-10-17 17:30 +8))
            .replied(datetime!(2025-10-16 10:00 +8))
            .verify_failed(),
        // 18: held past its Wednesday deadline, then returned Thursday: late
        signed(18, datetime!(2025-10-13 09:00 +8))
            .due(datetime!(2025-10-15 17:30 +8))
            .returned_at(datetime!(2025-10-16 09:00 +8)),
        // 19: returned before its deadline: not judged on 按期办结
        signed(19, datetime!(2025-10-13 09:00 +8))
            .due(datetime!(2025-10-17 17:30 +8))
            .returned_at(datetime!(2025-10-14 09:00 +8)),
    ]
}

#[test]
fn resolved_on_time_at_the_boundaries() {
    let rows = on_time_rows();
    let m = unit_metrics(&rows, &week(), &Weights::default(), &cal());
    assert_eq!(m.resolved_on_time, r(1, 5));
    assert_eq!(
        m.cases_behind(Metric::ResolvedOnTime, Part::Denominator),
        [id(11), id(12), id(14), id(17), id(18)]
    );
    assert_eq!(
        m.cases_behind(Metric::ResolvedOnTime, Part::Numerator),
        [id(11)]
    );
    assert_eq!(m.overdue_now, 2);
    assert_eq!(
        m.cases_behind(Metric::OverdueNow, Part::Numerator),
        [id(14), id(17)]
    );

    // last week: 13 (deadline passed unanswered) late, 16 on time; 11 and 12 were not yet due
    let last = unit_metrics(&rows, &last_week(), &Weights::default(), &cal());
    assert_eq!(last.resolved_on_time, r(1, 2));
    assert_eq!(
        last.cases_behind(Metric::ResolvedOnTime, Part::Denominator),
        [id(13), id(16)]
    );
}

#[test]
fn a_period_in_progress_judges_only_what_is_due() {
    let at = datetime!(2025-10-16 12:00 +8);
    let p = Period::week(date!(2025 - 10 - 16), at).unwrap();
    let rows = [
        // due Thursday 17:30: not yet due at 12:00
        lead(14, datetime!(2025-10-13 09:00 +8))
            .signed(datetime!(2025-10-13 10:00 +8))
            .due(datetime!(2025-10-16 17:30 +8)),
        // due Wednesday: overdue already
        lead(20, datetime!(2025-10-13 09:00 +8))
            .signed(datetime!(2025-10-13 10:00 +8))
            .due(datetime!(2025-10-15 17:30 +8)),
    ];
    let m = unit_metrics(&rows, &p, &Weights::default(), &cal());
    assert_eq!(m.resolved_on_time, r(0, 1));
    assert_eq!(m.overdue_now, 1);
}

#[test]
fn paused_time_is_not_counted_against_the_unit() {
    let cal = cal();
    // dispatched Mon 10-13 09:00, due Mon 10-20 17:30; paused Tue 08:30 → resumed Thu 08:30:
    // 2 working days = 840 minutes, which the engine added to the deadline on 恢复办理
    let mut row = lead(21, datetime!(2025-10-13 09:00 +8)).signed(datetime!(2025-10-13 09:30 +8));
    assert_eq!(row.due_at, datetime!(2025-10-20 17:30 +8));
    let paused = cal.working_minutes_between(
        datetime!(2025-10-14 08:30 +8),
        datetime!(2025-10-16 08:30 +8),
    );
    assert_eq!(paused, 840);
    row.due_at = cal.add_working_minutes(row.due_at, 840);
    assert_eq!(row.due_at, datetime!(2025-10-22 17:30 +8));
    row.paused_minutes = paused;
    let row = row.replied(datetime!(2025-10-22 10:00 +8));

    let next_week = Period::week(date!(2025 - 10 - 22), datetime!(2025-10-27 08:00 +8)).unwrap();
    let m = unit_metrics(
        std::slice::from_ref(&row),
        &next_week,
        &Weights::default(),
        &cal,
    );
    assert_eq!(
        m.resolved_on_time,
        r(1, 1),
        "on time against the moved deadline"
    );
    // 3000 working minutes from dispatch to answer, 840 of them paused
    assert_eq!(
        cal.working_minutes_between(row.received_at, row.replied_at.unwrap()),
        3000
    );
    assert_eq!(m.handling.total_minutes, 2160);
    assert_eq!(m.handling.average_hours(), Some(36.0));
    // and not late in the week its original deadline would have fallen in
    let m = unit_metrics(
        std::slice::from_ref(&row),
        &week(),
        &Weights::default(),
        &cal,
    );
    assert_eq!(m.resolved_on_time.denominator, 0);
    assert_eq!(m.resolved_on_time.rate(), None);

    // a pause still open at as_of moves the deadline by the time stopped so far
    let running = lead(22, datetime!(2025-10-13 09:00 +8))
        .signed(datetime!(2025-10-13 09:30 +8))
        .due(datetime!(2025-10-17 17:30 +8));
    let stopped = running.clone().paused(datetime!(2025-10-16 08:30 +8));
    let as_of = week().as_of;
    assert_eq!(
        stopped.effective_due(as_of, &cal),
        datetime!(2025-10-21 17:30 +8)
    );
    let m = unit_metrics(&[stopped], &week(), &Weights::default(), &cal);
    assert_eq!((m.resolved_on_time.denominator, m.overdue_now), (0, 0));
    let m = unit_metrics(&[running], &week(), &Weights::default(), &cal);
    assert_eq!((m.resolved_on_time, m.overdue_now), (r(0, 1), 1));
}

#[test]
fn exempted_cases_are_excluded_and_listed() {
    let good = lead(31, datetime!(2025-10-13 09:00 +8))
        .signed(datetime!(2025-10-13 09:30 +8))
        .replied(datetime!(2025-10-14 09:00 +8))
        .verified()
        .rated(datetime!(2025-10-15 09:00 +8), Satisfied);
    let unreasonable = lead(32, datetime!(2025-10-13 09:00 +8))
        .signed(datetime!(2025-10-14 09:00 +8))
        .due(datetime!(2025-10-15 17:30 +8))
        .exempt("诉求人要求明显不合理（督查员裁定）");
    let long_ago = lead(33, datetime!(2025-09-01 09:00 +8))
        .signed(datetime!(2025-09-01 09:30 +8))
        .exempt("重复诉求");
    let w = Weights::default();
    let alone = unit_metrics(std::slice::from_ref(&good), &week(), &w, &cal());
    let mut m = unit_metrics(&[good, unreasonable, long_ago], &week(), &w, &cal());
    assert_eq!(
        m.exempted,
        [ExemptedCase {
            case_id: id(32),
            reason: "诉求人要求明显不合理（督查员裁定）".into()
        }]
    );
    assert_eq!(m.overdue_now, 0);
    m.exempted.clear();
    assert_eq!(m, alone, "an exempted case changes no figure");
    assert_eq!(alone.composite, Some(100.0));
}

#[test]
fn merged_duplicates_are_excluded_and_the_master_counts() {
    let master = lead(41, datetime!(2025-10-13 09:00 +8)).signed(datetime!(2025-10-13 09:30 +8));
    let duplicate =
        lead(42, datetime!(2025-10-13 09:10 +8)).merged_into(41, datetime!(2025-10-13 10:00 +8));
    let m = unit_metrics(&[master, duplicate], &week(), &Weights::default(), &cal());
    assert_eq!(m.received, 1);
    assert_eq!(m.signed_on_time, r(1, 1));
    assert_eq!(m.returned, r(0, 1));
    assert_eq!(
        m.merged,
        [MergedCase {
            case_id: id(42),
            merged_into: id(41)
        }]
    );
    assert!(m.exempted.is_empty());
    assert_eq!(m.cases.len(), 1);
}

#[test]
fn assisting_units_are_assessed_on_signing_only() {
    // late signature, an answer, and the case closed 满意 — only the signature counts
    let row = assist(51, datetime!(2025-10-13 09:00 +8))
        .signed(datetime!(2025-10-13 16:00 +8))
        .replied(datetime!(2025-10-14 10:00 +8))
        .rated(datetime!(2025-10-15 10:00 +8), Satisfied);
    let m = unit_metrics(&[row], &week(), &Weights::default(), &cal());
    assert_eq!((m.received, m.received_as_assist), (1, 1));
    assert_eq!(m.signed_on_time, r(0, 1));
    assert_eq!(m.resolved_on_time.rate(), None);
    assert_eq!(m.resolved.rate(), None);
    assert_eq!(m.satisfied.rate(), None);
    assert_eq!(m.returned.rate(), None);
    assert_eq!(m.reworked.rate(), None);
    assert_eq!(m.handling.average_hours(), None);
    assert_eq!(m.overdue_now, 0);
    // the composite is the mean of what has a value: 签收及时率 0 %
    assert_eq!(m.composite, Some(0.0));
}

#[test]
fn zero_denominators_are_none_not_zero() {
    let w = Weights::default();
    let m = unit_metrics(&[], &week(), &w, &cal());
    assert_eq!(m.received, 0);
    for ratio in [
        m.signed_on_time,
        m.resolved_on_time,
        m.resolved,
        m.returned,
        m.reworked,
    ] {
        assert_eq!(ratio, r(0, 0));
        assert_eq!(ratio.rate(), None);
    }
    assert_eq!(m.satisfied.rate(), None);
    assert_eq!(m.handling.average_hours(), None);
    assert_eq!(m.composite, None);
    assert_eq!(composite(&m, &w), None);
    // a row that counts nowhere in the period is left out entirely
    let old = lead(1, datetime!(2025-09-01 09:00 +8))
        .signed(datetime!(2025-09-01 09:30 +8))
        .replied(datetime!(2025-09-02 09:00 +8));
    let m = unit_metrics(&[old], &week(), &w, &cal());
    assert!(m.cases.is_empty());
    assert_eq!(m.composite, None);
}

#[test]
fn satisfaction_resolution_and_rework_by_the_period_of_rating_and_closing() {
    let at = |d: u8, h: u8| {
        time::PrimitiveDateTime::new(
            time::Date::from_calendar_date(2025, time::Month::October, d).unwrap(),
            time::Time::from_hms(h, 0, 0).unwrap(),
        )
        .assume_offset(jiban_core::calendar::BEIJING)
    };
    let answered = |c| {
        lead(c, at(9, 9))
            .signed(at(9, 10))
            .replied(at(13, 9))
            .verified()
    };
    let rows = [
        answered(61).rated(at(14, 9), Satisfied),
        answered(62).rated(at(14, 10), Satisfied),
        answered(63).rated(at(14, 11), Basic),
        // first 不满意: 重办, still open — counts in 满意率 (rated this week), not in 解决率
        answered(64).rated(at(15, 9), Unsatisfied),
        // 不满意 twice, then closed by a supervisor: unresolved and reworked
        answered(65)
            .rated(at(13, 15), Unsatisfied)
            .replied(at(15, 10))
            .verified()
            .rated(at(16, 9), Unsatisfied)
            .supervisor_closed(at(17, 9)),
        // rated last week: not this week
        answered(66).replied(at(10, 9)).rated(at(10, 15), Satisfied),
        // returned by this unit, later closed by a supervisor: not this unit's outcome
        lead(67, at(13, 9))
            .returned_at(at(13, 11))
            .supervisor_closed(at(17, 10)),
    ];
    let m = unit_metrics(&rows, &week(), &Weights::default(), &cal());
    let s = m.satisfied;
    assert_eq!((s.satisfied, s.basic, s.unsatisfied), (2, 1, 2));
    assert!((s.rate().unwrap() - 2.8 / 5.0).abs() < 1e-12);
    assert!((s.rate_with(1.0).unwrap() - 3.0 / 5.0).abs() < 1e-12);
    assert!((s.numerator() - 2.8).abs() < 1e-12);
    assert_eq!(m.resolved, r(3, 4));
    assert_eq!(
        m.cases_behind(Metric::Resolved, Part::Denominator),
        [id(61), id(62), id(63), id(65)]
    );
    assert_eq!(m.reworked, r(1, 4));
    assert_eq!(m.cases_behind(Metric::Reworked, Part::Numerator), [id(65)]);
    // the 满意率 counts 满意 and 基本满意 in the drill-down's numerator
    assert_eq!(
        m.cases_behind(Metric::Satisfied, Part::Numerator),
        [id(61), id(62), id(63)]
    );
}

#[test]
fn returns_are_judged_in_the_period_of_dispatch() {
    let at = datetime!(2025-10-13 09:00 +8);
    let rows = [
        lead(71, at),
        lead(72, at).signed(at),
        lead(73, at).returned_at(datetime!(2025-10-14 09:00 +8)),
        // the assisting unit's assignment ends with the return; it is not its 退单
        assist(73, at).reassigned_at(datetime!(2025-10-14 09:00 +8)),
    ];
    let m = unit_metrics(&rows, &week(), &Weights::default(), &cal());
    assert_eq!(m.returned, r(1, 3));
    assert_eq!(m.cases_behind(Metric::Returned, Part::Numerator), [id(73)]);
}

#[test]
fn handling_time_counts_office_hours_only() {
    let at = datetime!(2025-10-13 09:00 +8);
    let rows = [
        // Mon 09:00–12:00, 14:00–17:30, Tue 08:30–10:00 = 8 h
        lead(81, at)
            .signed(at)
            .replied(datetime!(2025-10-14 10:00 +8)),
        // 2 h
        lead(82, at)
            .signed(at)
            .replied(datetime!(2025-10-13 11:00 +8)),
    ];
    let m = unit_metrics(&rows, &week(), &Weights::default(), &cal());
    assert_eq!(m.handling.cases, 2);
    assert_eq!(m.handling.total_minutes, 600);
    assert_eq!(m.handling.average_hours(), Some(5.0));
}

#[test]
fn the_drill_down_matches_every_count() {
    let mut rows = on_time_rows();
    rows.extend([
        assist(91, datetime!(2025-10-13 09:00 +8)).signed(datetime!(2025-10-13 09:30 +8)),
        lead(92, datetime!(2025-10-13 09:00 +8))
            .signed(datetime!(2025-10-13 09:30 +8))
            .replied(datetime!(2025-10-14 09:00 +8))
            .verified()
            .rated(datetime!(2025-10-15 09:00 +8), Basic),
    ]);
    let m = unit_metrics(&rows, &week(), &Weights::default(), &cal());
    let n = |metric, part| m.cases_behind(metric, part).len() as u32;
    for (metric, ratio) in [
        (Metric::SignedOnTime, m.signed_on_time),
        (Metric::ResolvedOnTime, m.resolved_on_time),
        (Metric::Resolved, m.resolved),
        (Metric::Returned, m.returned),
        (Metric::Reworked, m.reworked),
    ] {
        assert_eq!(n(metric, Part::Numerator), ratio.numerator, "{metric:?}");
        assert_eq!(
            n(metric, Part::Denominator),
            ratio.denominator,
            "{metric:?}"
        );
    }
    assert_eq!(
        n(Metric::Satisfied, Part::Denominator),
        m.satisfied.denominator()
    );
    assert_eq!(n(Metric::Received, Part::Numerator), m.received);
    assert_eq!(n(Metric::OverdueNow, Part::Numerator), m.overdue_now);
    assert_eq!(n(Metric::HandlingTime, Part::Numerator), m.handling.cases);
}

#[test]
fn metrics_by_unit_splits_the_rows() {
    let mut other = lead(2, datetime!(2025-10-13 09:00 +8));
    other.unit_id = id(0xB);
    let rows = [lead(1, datetime!(2025-10-13 09:00 +8)), other];
    let by = metrics_by_unit(&rows, &week(), &Weights::default(), &cal());
    assert_eq!(by.len(), 2);
    assert_eq!(
        by[&id(UNIT)].cases_behind(Metric::Received, Part::Numerator),
        [id(1)]
    );
    assert_eq!(
        by[&id(0xB)].cases_behind(Metric::Received, Part::Numerator),
        [id(2)]
    );
}

/// The worked example of docs/ASSESSMENT.md (经济发展部, week of 2025-10-13).
#[test]
fn the_worked_example_of_the_docs() {
    let d = |s: &str| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
    };
    let rows = [
        // A: signed in time, answered on time, 满意
        lead(1, d("2025-10-13T09:00:00+08:00"))
            .signed(d("2025-10-13T10:00:00+08:00"))
            .due(d("2025-10-17T17:30:00+08:00"))
            .replied(d("2025-10-15T16:00:00+08:00"))
            .verified()
            .rated(d("2025-10-16T10:00:00+08:00"), Satisfied),
        // B: signed late, answered on time, 基本满意
        lead(2, d("2025-10-13T09:00:00+08:00"))
            .signed(d("2025-10-13T16:00:00+08:00"))
            .due(d("2025-10-17T17:30:00+08:00"))
            .replied(d("2025-10-16T11:00:00+08:00"))
            .verified()
            .rated(d("2025-10-17T09:00:00+08:00"), Basic),
        // C: signed in time, answered late (due Wednesday), awaiting the rating
        lead(3, d("2025-10-13T14:00:00+08:00"))
            .signed(d("2025-10-13T15:00:00+08:00"))
            .due(d("2025-10-15T17:30:00+08:00"))
            .replied(d("2025-10-16T09:00:00+08:00"))
            .verified(),
        // D: signed in time, returned (退单)
        lead(4, d("2025-10-14T09:00:00+08:00"))
            .signed(d("2025-10-14T09:30:00+08:00"))
            .returned_at(d("2025-10-14T10:00:00+08:00")),
        // E: signed in time, due Thursday, unanswered: late and overdue now
        lead(5, d("2025-10-14T09:00:00+08:00"))
            .signed(d("2025-10-14T11:00:00+08:00"))
            .due(d("2025-10-16T17:30:00+08:00")),
        // F: as the assisting unit, signed in time
        assist(6, d("2025-10-15T09:00:00+08:00")).signed(d("2025-10-15T10:00:00+08:00")),
        // G: exempted by a supervisor
        lead(7, d("2025-10-15T09:00:00+08:00")).exempt("诉求人要求明显不合理"),
        // H: dispatched last week; 不满意 on Monday → 重办 with a new deadline (10-20), answered
        // again Wednesday, 不满意 again Thursday, closed by a supervisor Friday
        lead(8, d("2025-10-09T09:00:00+08:00"))
            .signed(d("2025-10-09T10:00:00+08:00"))
            .replied(d("2025-10-10T10:00:00+08:00"))
            .verified()
            .rated(d("2025-10-13T09:00:00+08:00"), Unsatisfied)
            .due(d("2025-10-20T17:30:00+08:00"))
            .replied(d("2025-10-15T15:00:00+08:00"))
            .verified()
            .rated(d("2025-10-16T10:00:00+08:00"), Unsatisfied)
            .supervisor_closed(d("2025-10-17T10:00:00+08:00")),
    ];
    let m = unit_metrics(&rows, &week(), &Weights::default(), &cal());
    assert_eq!((m.received, m.received_as_assist), (6, 1));
    assert_eq!(m.signed_on_time, r(5, 6));
    assert_eq!(m.resolved_on_time, r(3, 5));
    assert_eq!(m.resolved, r(2, 3));
    let s = m.satisfied;
    assert_eq!((s.satisfied, s.basic, s.unsatisfied), (1, 1, 1));
    assert!((s.rate().unwrap() - 0.6).abs() < 1e-12);
    assert_eq!(m.returned, r(1, 5));
    assert_eq!(m.reworked, r(1, 3));
    assert_eq!(m.overdue_now, 1);
    // A 1140 + B 1380 + C 1080 + H 2340 working minutes (H: 10-09 … 10-15, 10-11 is a 调休
    // working Saturday)
    assert_eq!(m.handling.cases, 4);
    assert_eq!(m.handling.total_minutes, 1140 + 1380 + 1080 + 2340);
    assert_eq!(m.handling.average_hours(), Some(24.75));
    assert_eq!(m.exempted.len(), 1);
    assert_eq!(
        m.cases_behind(Metric::ResolvedOnTime, Part::Numerator),
        [id(1), id(2), id(8)]
    );
    // 10×5/6 + 30×3/5 + 20×2/3 + 30×0.6 + 5×(1 − 1/5) + 5×(1 − 1/3) = 65
    assert!((m.composite.unwrap() - 65.0).abs() < 1e-9);
}
