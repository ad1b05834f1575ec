//! Properties over random rows: ratios in [0, 1], composite in [0, 100], the drill-down matches
//! the counts, exclusions change nothing, monotonicity, rank is a permutation, letters.

mod common;

use common::*;
use jiban_assess::{
    DocNo, LetterRules, Metric, Part, Standing, UnitCaseFacts, UnitMetrics, Weights, composite,
    letter_tier, rank, rank_group, unit_metrics,
};
use jiban_core::case::{AssignmentRole, AssignmentState, CaseState, Satisfaction};
use jiban_core::org::UnitKind;
use proptest::prelude::*;
use time::{Duration, OffsetDateTime};

/// An instant within three weeks around the assessed week (minute resolution).
fn instant() -> impl Strategy<Value = OffsetDateTime> {
    let base = week().from - Duration::days(8);
    (0i64..24 * 60 * 23).prop_map(move |m| base + Duration::minutes(m))
}

fn opt_instant() -> impl Strategy<Value = Option<OffsetDateTime>> {
    prop::option::of(instant())
}

fn row() -> impl Strategy<Value = UnitCaseFacts> {
    (
        (
            0u128..12,
            prop::bool::ANY,
            prop::sample::select(AssignmentState::ALL.to_vec()),
            prop::sample::select(CaseState::ALL.to_vec()),
            instant(),
            0i64..60 * 24 * 3,
            opt_instant(),
            0i64..60 * 24 * 10,
        ),
        (
            opt_instant(),
            opt_instant(),
            opt_instant(),
            0u32..3,
            prop::option::of(prop::sample::select(Satisfaction::ALL.to_vec())),
            opt_instant(),
            0i64..3000,
            opt_instant(),
        ),
        prop::option::weighted(0.1, Just("不合理诉求".to_string())),
        prop::option::weighted(0.1, 100u128..103),
    )
        .prop_map(
            |(
                (case, is_lead, state, case_state, received_at, sign_in, signed_at, handle),
                (replied_at, ended_at, closed_at, reworks, rating, rated_at, paused, paused_since),
                exempted,
                merged_into,
            )| UnitCaseFacts {
                case_id: id(case),
                assignment_id: id(case * 1000 + u128::from(is_lead)),
                unit_id: id(UNIT),
                role: if is_lead {
                    AssignmentRole::Lead
                } else {
                    AssignmentRole::Assist
                },
                state,
                case_state,
                received_at,
                sign_by: received_at + Duration::minutes(sign_in),
                signed_at,
                due_at: received_at + Duration::minutes(handle),
                replied_at,
                ended_at,
                closed_at,
                reworks,
                rating,
                rated_at,
                paused_minutes: paused,
                paused_since,
                exempted,
                merged_into: merged_into.map(id),
            },
        )
}

/// A lead row answered late within the week, its deadline in the week too.
fn late_row() -> impl Strategy<Value = UnitCaseFacts> {
    (row(), 1i64..60 * 24 * 6, 1i64..60 * 24).prop_map(|(mut f, due, late)| {
        let from = week().from;
        f.role = AssignmentRole::Lead;
        f.state = AssignmentState::Replied;
        f.case_state = CaseState::Replied;
        f.exempted = None;
        f.merged_into = None;
        f.due_at = from + Duration::minutes(due);
        f.replied_at = Some(f.due_at + Duration::minutes(late));
        f
    })
}

fn rows() -> impl Strategy<Value = Vec<UnitCaseFacts>> {
    prop::collection::vec(row(), 0..40)
}

fn weights() -> impl Strategy<Value = Weights> {
    (
        prop::array::uniform6(0.0f64..=100.0),
        0.0f64..=1.0,
        prop::sample::select(vec![0usize, 1, 2, 3, 4, 5]),
    )
        .prop_map(|(w, basic, keep)| {
            let mut w = w;
            // never all zero
            if w.iter().all(|x| *x == 0.0) {
                w[keep] = 1.0;
            }
            Weights {
                signed_on_time: w[0],
                resolved_on_time: w[1],
                resolved: w[2],
                satisfied: w[3],
                returned: w[4],
                reworked: w[5],
                basic_satisfied: basic,
            }
        })
}

fn assert_bounded(m: &UnitMetrics) {
    for r in [
        m.signed_on_time,
        m.resolved_on_time,
        m.resolved,
        m.returned,
        m.reworked,
    ] {
        assert!(r.numerator <= r.denominator);
        match r.rate() {
            None => assert_eq!(r.denominator, 0),
            Some(x) => assert!((0.0..=1.0).contains(&x)),
        }
    }
    match m.satisfied.rate() {
        None => assert_eq!(m.satisfied.denominator(), 0),
        Some(x) => assert!((0.0..=1.0).contains(&x)),
    }
    if let Some(c) = m.composite {
        assert!((0.0..=100.0).contains(&c), "{c}");
    }
    assert!(m.handling.total_minutes >= 0);
    assert!(m.received_as_assist <= m.received);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn ratios_and_composite_are_bounded(rows in rows(), w in weights()) {
        let m = unit_metrics(&rows, &week(), &w, &cal());
        assert_bounded(&m);
        prop_assert_eq!(m.composite, composite(&m, &w));
        // the composite has a value exactly when some positively weighted metric has one
        let any = [
            (w.signed_on_time, m.signed_on_time.rate()),
            (w.resolved_on_time, m.resolved_on_time.rate()),
            (w.resolved, m.resolved.rate()),
            (w.satisfied, m.satisfied.rate()),
            (w.returned, m.returned.rate()),
            (w.reworked, m.reworked.rate()),
        ]
        .iter()
        .any(|(w, v)| *w > 0.0 && v.is_some());
        prop_assert_eq!(m.composite.is_some(), any);
    }

    #[test]
    fn the_drill_down_matches_the_counts(rows in rows()) {
        let m = unit_metrics(&rows, &week(), &Weights::default(), &cal());
        let n = |metric, part| m.cases_behind(metric, part).len() as u32;
        for (metric, r) in [
            (Metric::SignedOnTime, m.signed_on_time),
            (Metric::ResolvedOnTime, m.resolved_on_time),
            (Metric::Resolved, m.resolved),
            (Metric::Returned, m.returned),
            (Metric::Reworked, m.reworked),
        ] {
            prop_assert_eq!(n(metric, Part::Numerator), r.numerator);
            prop_assert_eq!(n(metric, Part::Denominator), r.denominator);
        }
        prop_assert_eq!(n(Metric::Satisfied, Part::Denominator), m.satisfied.denominator());
        prop_assert_eq!(n(Metric::Received, Part::Numerator), m.received);
        prop_assert_eq!(n(Metric::OverdueNow, Part::Numerator), m.overdue_now);
        prop_assert_eq!(n(Metric::HandlingTime, Part::Numerator), m.handling.cases);
        // an assisting unit's line counts in receiving and signing only
        for l in m.cases.iter().filter(|l| l.role == AssignmentRole::Assist) {
            prop_assert!(l.resolved_on_time.is_none() && l.resolved.is_none());
            prop_assert!(l.satisfaction.is_none() && l.returned.is_none());
            prop_assert!(l.reworked.is_none() && !l.overdue_now);
            prop_assert!(l.handling_minutes.is_none());
        }
        // no excluded case is counted
        for e in &m.exempted {
            prop_assert!(rows.iter().any(|f| f.case_id == e.case_id && f.exempted.is_some()));
        }
    }

    #[test]
    fn excluded_rows_change_no_figure(rows in rows(), extra in rows()) {
        let w = Weights::default();
        let kept: Vec<_> = rows
            .iter()
            .filter(|f| f.exempted.is_none() && f.merged_into.is_none())
            .cloned()
            .collect();
        let excluded = extra
            .into_iter()
            .enumerate()
            .map(|(i, mut f)| {
                if i % 2 == 0 {
                    f.exempted = Some("免于考核".into());
                } else {
                    f.merged_into = Some(id(999));
                }
                f
            });
        let all: Vec<_> = kept.iter().cloned().chain(excluded).collect();
        let mut with = unit_metrics(&all, &week(), &w, &cal());
        let without = unit_metrics(&kept, &week(), &w, &cal());
        with.exempted.clear();
        with.merged.clear();
        prop_assert_eq!(with, without);
    }

    /// Turning one late answer of the period into an on-time one (a longer deadline) never
    /// lowers the composite, and raises the on-time numerator by one.
    #[test]
    fn answering_on_time_never_lowers_the_composite(
        rows in rows(),
        late_rows in prop::collection::vec(late_row(), 1..4),
        w in weights(),
        pick in 0usize..40,
    ) {
        let cal = cal();
        let mut rows = rows;
        rows.extend(late_rows);
        let p = week();
        let before = unit_metrics(&rows, &p, &w, &cal);
        let late: Vec<usize> = rows
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                f.exempted.is_none()
                    && f.merged_into.is_none()
                    && f.standing_reply().is_some_and(|r| p.contains(r) && r > f.due_at && f.due_at >= p.from)
            })
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!late.is_empty());
        let i = late[pick % late.len()];
        let mut better = rows.clone();
        better[i].due_at = better[i].replied_at.unwrap();
        let after = unit_metrics(&better, &p, &w, &cal);
        prop_assert_eq!(after.resolved_on_time.numerator, before.resolved_on_time.numerator + 1);
        prop_assert_eq!(after.resolved_on_time.denominator, before.resolved_on_time.denominator);
        match (before.composite, after.composite) {
            (Some(b), Some(a)) => prop_assert!(a >= b, "{} → {}", b, a),
            (None, None) => {} // 按期办结率 weighs 0 and nothing else has a value
            (b, a) => prop_assert!(false, "{:?} → {:?}", b, a),
        }
    }

    #[test]
    fn rank_is_a_permutation_per_group(
        units in prop::collection::vec(
            (
                prop::option::weighted(0.85, 0.0f64..=100.0),
                prop::sample::select(vec![
                    UnitKind::Department,
                    UnitKind::Street,
                    UnitKind::Community,
                    UnitKind::Village,
                ]),
                prop::option::of(1u32..20),
                0u32..30,
            ),
            0..30,
        )
    ) {
        let base = unit_metrics(&[], &week(), &Weights::default(), &cal());
        let metrics: Vec<UnitMetrics> = units
            .iter()
            .map(|(c, _, _, received)| {
                let mut m = base.clone();
                m.composite = c.map(|c| (c * 4.0).round() / 4.0); // many ties
                m.received = *received;
                m
            })
            .collect();
        let input: Vec<_> = units
            .iter()
            .enumerate()
            .map(|(i, (_, kind, prev, _))| (id(i as u128), *kind, &metrics[i], *prev))
            .collect();
        let rows = rank(&input);
        prop_assert_eq!(rows.len(), input.len());
        let mut ids: Vec<_> = rows.iter().map(|r| r.unit_id).collect();
        ids.sort();
        ids.dedup();
        prop_assert_eq!(ids.len(), input.len());
        for group in [UnitKind::Department, UnitKind::Street, UnitKind::Community] {
            let g: Vec<_> = rows.iter().filter(|r| r.group == group).collect();
            let ranked: Vec<u32> = g.iter().filter_map(|r| r.rank).collect();
            let want: Vec<u32> = (1..=ranked.len() as u32).collect();
            prop_assert_eq!(&ranked, &want, "ranks listed in order 1..=n");
            let scored = input
                .iter()
                .filter(|(_, k, m, _)| rank_group(*k) == group && m.composite.is_some())
                .count();
            prop_assert_eq!(ranked.len(), scored);
            for r in &g {
                prop_assert_eq!(r.of as usize, scored);
                prop_assert_eq!(r.rank.is_some(), r.score.is_some());
                prop_assert_eq!(r.movement.is_some(), r.rank.is_some());
            }
            // scores never increase down the table
            let scores: Vec<f64> = g.iter().filter_map(|r| r.score).collect();
            prop_assert!(scores.windows(2).all(|w| w[0] >= w[1]));
        }
        // and the same table whatever the input order
        let mut reversed = input.clone();
        reversed.reverse();
        prop_assert_eq!(rank(&reversed), rows);
    }

    /// One more period in the bottom place never lowers the tier.
    #[test]
    fn letters_never_soften_with_a_longer_streak(
        history in prop::collection::vec((prop::option::of(1u32..6), 1u32..6), 0..8),
        satisfied in 0u32..10,
        unsatisfied in 0u32..10,
    ) {
        let history: Vec<Standing> = history
            .into_iter()
            .map(|(rank, of)| Standing { rank: rank.map(|r| r.min(of)), of })
            .collect();
        let mut m = unit_metrics(&[], &week(), &Weights::default(), &cal());
        m.satisfied.satisfied = satisfied;
        m.satisfied.unsatisfied = unsatisfied;
        let rules = LetterRules::default();
        let now = letter_tier(&history, &m, &rules).map(|d| d.tier);
        let mut longer = vec![Standing { rank: Some(5), of: 5 }];
        longer.extend(history.iter().copied());
        let then = letter_tier(&longer, &m, &rules);
        prop_assert!(then.as_ref().map(|d| d.tier) >= now);
        prop_assert!(then.is_some());
    }

    #[test]
    fn document_numbers_round_trip(
        prefix in "[经开督办云区委发函]{1,6}",
        year in 1900i32..=9999,
        seq in 1u32..=999_999,
    ) {
        let n = DocNo::new(&prefix, year, seq).unwrap();
        let s = n.to_string();
        prop_assert!(s.contains('〔') && s.contains('〕') && s.ends_with('号'));
        prop_assert_eq!(DocNo::parse(&s).unwrap(), n);
    }
}
