//! Ranking per unit type, ties, movement.

mod common;

use common::*;
use jiban_assess::{Movement, Ratio, UnitMetrics, Weights, rank, rank_group, unit_metrics};
use jiban_core::org::UnitKind::{self, Community, Department, Street, Village};

/// Figures with the given composite, 满意率 (满意, 不满意), 按期办结 (on time, judged), received.
fn m(composite: Option<f64>, sat: (u32, u32), on_time: (u32, u32), received: u32) -> UnitMetrics {
    let mut m = unit_metrics(&[], &week(), &Weights::default(), &cal());
    m.composite = composite;
    m.satisfied.satisfied = sat.0;
    m.satisfied.unsatisfied = sat.1;
    m.resolved_on_time = Ratio {
        numerator: on_time.0,
        denominator: on_time.1,
    };
    m.received = received;
    m
}

fn ranks(rows: &[jiban_assess::RankRow]) -> Vec<(u128, Option<u32>)> {
    rows.iter().map(|r| (r.unit_id.as_u128(), r.rank)).collect()
}

#[test]
fn ranked_per_unit_type_highest_first() {
    let (a, b, c, d, e) = (
        m(Some(91.0), (9, 1), (9, 10), 10),
        m(Some(85.5), (9, 1), (9, 10), 10),
        m(Some(70.0), (9, 1), (9, 10), 10),
        m(Some(60.0), (9, 1), (9, 10), 10),
        m(Some(99.0), (9, 1), (9, 10), 10),
    );
    let input: Vec<(uuid::Uuid, UnitKind, &UnitMetrics, Option<u32>)> = vec![
        (id(1), Department, &a, Some(3)),
        (id(2), Department, &b, Some(1)),
        (id(3), Department, &c, None),
        (id(4), Street, &d, Some(1)),
        (id(5), Street, &e, Some(2)),
    ];
    let rows = rank(&input);
    assert_eq!(
        ranks(&rows),
        [
            (1, Some(1)),
            (2, Some(2)),
            (3, Some(3)),
            (5, Some(1)),
            (4, Some(2))
        ]
    );
    assert_eq!(rows[0].of, 3);
    assert_eq!(rows[3].of, 2);
    let moves: Vec<_> = rows.iter().map(|r| r.movement.unwrap().label()).collect();
    assert_eq!(moves, ["↑2", "↓1", "新", "↑1", "↓1"]);
    assert_eq!(rows[1].score, Some(85.5));
    assert!(rows.iter().all(|r| !r.tied));
}

#[test]
fn ties_are_broken_by_satisfaction_then_on_time_then_workload_then_id() {
    // all score 80.00 once rounded to two decimals
    let by_sat = m(Some(80.001), (8, 2), (5, 10), 10); // 满意率 0.8
    let best_sat = m(Some(79.999), (9, 1), (5, 10), 10); // 0.9
    let by_on_time = m(Some(80.0), (8, 2), (9, 10), 10);
    let by_workload = m(Some(80.0), (8, 2), (5, 10), 30);
    let by_id_1 = m(Some(80.0), (8, 2), (5, 10), 10);
    let by_id_2 = by_id_1.clone();
    let no_sat = m(Some(80.0), (0, 0), (9, 10), 99); // 满意率 None loses to any value
    let lower = m(Some(79.99), (10, 0), (10, 10), 99);
    let input = vec![
        (id(7), Street, &by_id_2, None),
        (id(1), Street, &by_sat, None),
        (id(9), Street, &lower, None),
        (id(2), Street, &best_sat, None),
        (id(8), Street, &no_sat, None),
        (id(3), Street, &by_on_time, None),
        (id(6), Street, &by_id_1, None),
        (id(4), Street, &by_workload, None),
    ];
    let rows = rank(&input);
    let order: Vec<u128> = rows.iter().map(|r| r.unit_id.as_u128()).collect();
    assert_eq!(order, [2, 3, 4, 1, 6, 7, 8, 9]);
    assert_eq!(
        rows.iter().map(|r| r.rank.unwrap()).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<u32>>()
    );
    assert!(rows[..7].iter().all(|r| r.tied && r.score == Some(80.0)));
    assert!(!rows[7].tied);
    // the same whatever the input order
    let mut reversed = input.clone();
    reversed.reverse();
    assert_eq!(rank(&reversed), rows);
}

#[test]
fn units_without_a_score_are_listed_unranked() {
    let none = m(None, (0, 0), (0, 0), 0);
    let some = m(Some(50.0), (1, 1), (1, 2), 2);
    let rows = rank(&[
        (id(3), Department, &none, Some(1)),
        (id(2), Department, &some, Some(2)),
        (id(1), Department, &none, None),
    ]);
    assert_eq!(ranks(&rows), [(2, Some(1)), (1, None), (3, None)]);
    assert_eq!(rows[0].movement, Some(Movement::Up(1)));
    assert_eq!(rows[1].movement, None);
    assert!(rows.iter().all(|r| r.of == 1));
    assert!(rank(&[]).is_empty());
}

#[test]
fn villages_are_ranked_with_communities() {
    assert_eq!(rank_group(Village), Community);
    assert_eq!(rank_group(Street), Street);
    let (x, y) = (
        m(Some(60.0), (1, 0), (1, 1), 1),
        m(Some(70.0), (1, 0), (1, 1), 1),
    );
    let rows = rank(&[(id(1), Community, &x, None), (id(2), Village, &y, None)]);
    assert_eq!(ranks(&rows), [(2, Some(1)), (1, Some(2))]);
    assert_eq!(rows[0].kind, Village);
    assert_eq!(rows[0].group, Community);
}

#[test]
fn movement_labels() {
    assert_eq!(Movement::between(None, 4), Movement::New);
    assert_eq!(Movement::between(Some(4), 4), Movement::Same);
    assert_eq!(Movement::between(Some(5), 3), Movement::Up(2));
    assert_eq!(Movement::between(Some(1), 2), Movement::Down(1));
    assert_eq!(Movement::Same.to_string(), "—");
    assert_eq!(Movement::Down(3).to_string(), "↓3");
}
