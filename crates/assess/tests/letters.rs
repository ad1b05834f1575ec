//! Letter tiers over consecutive weeks, rules, rectification deadlines, document numbers.

mod common;

use common::*;
use jiban_assess::{
    DocNo, LetterRules, LetterTier, Standing, UnitMetrics, Weights, format_doc_no, letter_tier,
    rank, rectification_due, unit_metrics,
};
use jiban_core::org::UnitKind::Department;
use time::macros::datetime;

fn metrics(composite: f64, satisfied: u32, unsatisfied: u32) -> UnitMetrics {
    let mut m = unit_metrics(&[], &week(), &Weights::default(), &cal());
    m.composite = Some(composite);
    m.satisfied.satisfied = satisfied;
    m.satisfied.unsatisfied = unsatisfied;
    m
}

fn last(of: u32) -> Standing {
    Standing { rank: Some(of), of }
}

fn mid(of: u32) -> Standing {
    Standing { rank: Some(1), of }
}

#[test]
fn letters_escalate_over_consecutive_weeks() {
    // four departments ranked weekly; 经济发展部 (unit 4) is last in weeks 1–4, fourth of five
    // in week 5 (a new department joins and takes the last place), last again in week 6
    let rules = LetterRules::default();
    let good = metrics(90.0, 10, 0);
    let weak = metrics(50.0, 9, 1);
    let weakest = metrics(40.0, 9, 1);
    let mut history: Vec<Standing> = Vec::new(); // most recent first
    let mut got = Vec::new();
    for week in 1..=6 {
        let mut units = vec![
            (id(1), Department, &good, None),
            (id(2), Department, &good, None),
            (id(3), Department, &good, None),
            (id(4), Department, &weak, None),
        ];
        if week == 5 {
            units.push((id(5), Department, &weakest, None));
        }
        let rows = rank(&units);
        let row = rows.iter().find(|r| r.unit_id == id(4)).unwrap();
        history.insert(0, Standing::from(row));
        got.push(letter_tier(&history, &weak, &rules).map(|d| (d.tier, d.reason, d.rectify_days)));
    }
    use LetterTier::*;
    assert_eq!(
        got,
        [
            Some((
                Reminder,
                "本期排名末位（第 4 名，共 4 名）".to_string(),
                None
            )),
            Some((
                Warning,
                "连续 2 期排名末位（本期第 4 名，共 4 名）".to_string(),
                None
            )),
            Some((
                Supervision,
                "连续 3 期排名末位（本期第 4 名，共 4 名）".to_string(),
                Some(10)
            )),
            Some((
                Supervision,
                "连续 4 期排名末位（本期第 4 名，共 4 名）".to_string(),
                Some(10)
            )),
            None,
            Some((
                Reminder,
                "本期排名末位（第 4 名，共 4 名）".to_string(),
                None
            )),
        ]
    );
}

#[test]
fn low_satisfaction_alone_earns_a_warning() {
    let rules = LetterRules::default();
    // 满意率 7/10 = 70 % < 80 %, not last
    let m = metrics(75.0, 7, 3);
    let d = letter_tier(&[mid(5)], &m, &rules).unwrap();
    assert_eq!(d.tier, LetterTier::Warning);
    assert_eq!(d.reason, "满意率 70% 低于 80%（评价 10 件）");
    assert_eq!(d.bottom_streak, 0);
    assert_eq!(d.rectify_days, None);
    // too few ratings to judge
    assert_eq!(letter_tier(&[mid(5)], &metrics(75.0, 1, 1), &rules), None);
    // nothing rated: no line to fall under
    assert_eq!(letter_tier(&[mid(5)], &metrics(75.0, 0, 0), &rules), None);
    // last once and under the line: the higher tier, both reasons
    let d = letter_tier(&[last(5)], &metrics(60.0, 2, 1), &rules).unwrap();
    assert_eq!(d.tier, LetterTier::Warning);
    assert_eq!(
        d.reason,
        "本期排名末位（第 5 名，共 5 名）；满意率 66.7% 低于 80%（评价 3 件）"
    );
    // three times last and under the line: 督办函
    let d = letter_tier(&[last(5), last(5), last(6)], &metrics(60.0, 2, 1), &rules).unwrap();
    assert_eq!(d.tier, LetterTier::Supervision);
    assert_eq!(d.bottom_streak, 3);
}

#[test]
fn what_counts_as_last_place() {
    // alone in its group: never last
    assert!(!last(1).is_bottom(1));
    assert!(last(2).is_bottom(1));
    assert!(!Standing { rank: None, of: 4 }.is_bottom(1));
    assert!(
        !Standing {
            rank: Some(3),
            of: 4
        }
        .is_bottom(1)
    );
    // the bottom two places
    assert!(
        Standing {
            rank: Some(3),
            of: 4
        }
        .is_bottom(2)
    );
    assert!(
        !Standing {
            rank: Some(2),
            of: 4
        }
        .is_bottom(2)
    );
    assert!(!last(2).is_bottom(2));

    let rules = LetterRules {
        bottom: 2,
        ..LetterRules::default()
    };
    let d = letter_tier(
        &[Standing {
            rank: Some(9),
            of: 10,
        }],
        &metrics(60.0, 9, 1),
        &rules,
    )
    .unwrap();
    assert_eq!(d.reason, "本期排名后 2 位（第 9 名，共 10 名）");
    // an unranked period (no case) breaks the streak
    let history = [last(4), Standing { rank: None, of: 3 }, last(4), last(4)];
    let d = letter_tier(&history, &metrics(60.0, 9, 1), &LetterRules::default()).unwrap();
    assert_eq!((d.tier, d.bottom_streak), (LetterTier::Reminder, 1));
    assert_eq!(
        letter_tier(&[], &metrics(60.0, 9, 1), &LetterRules::default()),
        None
    );
}

#[test]
fn triggers_can_be_switched_off() {
    let rules = LetterRules {
        reminder_after: None,
        warning_after: Some(2),
        supervision_after: None,
        satisfaction_below: None,
        ..LetterRules::default()
    };
    rules.validate().unwrap();
    let m = metrics(10.0, 0, 10);
    assert_eq!(letter_tier(&[last(4)], &m, &rules), None);
    let d = letter_tier(&[last(4), last(4), last(4), last(4)], &m, &rules).unwrap();
    assert_eq!(d.tier, LetterTier::Warning);
}

#[test]
fn rules_are_validated() {
    LetterRules::default().validate().unwrap();
    let e = LetterRules {
        warning_after: Some(4),
        supervision_after: Some(3),
        ..LetterRules::default()
    }
    .validate()
    .unwrap_err();
    assert_eq!(e.field, "letter_rules.supervision_after");
    assert_eq!(e.code, "validation.assess.letter_order");
    assert_eq!(
        e.message,
        "发督办函所需的连续末位期数（3）不能少于预警函（4）"
    );
    let e = LetterRules {
        reminder_after: Some(0),
        ..LetterRules::default()
    }
    .validate()
    .unwrap_err();
    assert_eq!(e.field, "letter_rules.reminder_after");
    for (rules, field) in [
        (
            LetterRules {
                bottom: 0,
                ..LetterRules::default()
            },
            "letter_rules.bottom",
        ),
        (
            LetterRules {
                satisfaction_below: Some(1.5),
                ..LetterRules::default()
            },
            "letter_rules.satisfaction_below",
        ),
        (
            LetterRules {
                rectify_days: 0,
                ..LetterRules::default()
            },
            "letter_rules.rectify_days",
        ),
    ] {
        assert_eq!(rules.validate().unwrap_err().field, field);
    }
}

#[test]
fn rectification_deadline_in_working_days() {
    let cal = cal();
    // issued on the eve of National Day: 10 working days are 10-09, 10-10, 10-11 (调休), 10-13 …
    // 10-17, 10-20, 10-21
    assert_eq!(
        rectification_due(&cal, datetime!(2025-09-30 10:00 +8), 10),
        datetime!(2025-10-21 17:30 +8)
    );
    // an instant in UTC is read in Beijing time (2025-10-13 01:00 +8 is a Monday)
    assert_eq!(
        rectification_due(&cal, datetime!(2025-10-12 17:00 UTC), 1),
        datetime!(2025-10-14 17:30 +8)
    );
}

#[test]
fn document_numbers() {
    assert_eq!(
        format_doc_no("经开督", 2025, 12).unwrap(),
        "经开督〔2025〕12号"
    );
    assert_eq!(
        format_doc_no(" 云经开督办 ", 2026, 1).unwrap(),
        "云经开督办〔2026〕1号"
    );
    let n = DocNo::new("经开督", 2025, 12).unwrap();
    assert_eq!((n.prefix(), n.year(), n.seq()), ("经开督", 2025, 12));
    for typed in [
        "经开督〔2025〕12号",
        "经开督[2025]12号",
        "经开督［2025］12号",
        "经开督【2025】12号",
        "经开督（2025）12号",
        "经开督(2025)12",
        " 经开督〔2025〕12号 ",
    ] {
        assert_eq!(DocNo::parse(typed).unwrap(), n, "{typed}");
    }
    for bad in [
        "经开督〔25〕12号",
        "经开督〔2025〕012号",
        "经开督〔2025〕号",
        "经开督2025-12",
        "〔2025〕12号",
        "经开督〔2025〕12号号",
        "经开督〔2025〕〔12〕号",
    ] {
        assert_eq!(
            DocNo::parse(bad).unwrap_err().code,
            "validation.doc_no",
            "{bad}"
        );
    }
    for (prefix, year, seq, field) in [
        ("", 2025, 1, "doc_prefix"),
        ("经开 督", 2025, 1, "doc_prefix"),
        ("经开督〔", 2025, 1, "doc_prefix"),
        ("经开督1", 2025, 1, "doc_prefix"),
        (
            "一二三四五六七八九十一二三四五六七八九十一",
            2025,
            1,
            "doc_prefix",
        ),
        ("经开督", 25, 1, "doc_no"),
        ("经开督", 2025, 0, "doc_no"),
    ] {
        assert_eq!(
            DocNo::new(prefix, year, seq).unwrap_err().field,
            field,
            "{prefix} {year} {seq}"
        );
    }
    assert_eq!(
        DocNo::new("经开督", 2025, 0).unwrap_err().message,
        "发文字号序号应为 1 到 999999（当前 0）"
    );
}

#[test]
fn tier_codes_and_labels() {
    let labels: Vec<_> = LetterTier::ALL
        .iter()
        .map(|t| (t.as_str(), t.label()))
        .collect();
    assert_eq!(
        labels,
        [
            ("reminder", "提醒函"),
            ("warning", "预警函"),
            ("supervision", "督办函")
        ]
    );
    assert!(LetterTier::Reminder < LetterTier::Warning);
    assert!(LetterTier::Warning < LetterTier::Supervision);
}
