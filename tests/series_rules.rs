//! Cycles that build on the last: walk order, tool versions, movement,
//! "weak three times" and the compare grid. Pure rules.

use headway::domain::evaluation::{Evaluation, Judgement, Judgements};
use headway::domain::series::*;
use headway::domain::tool::{parse_tool, Tool};

fn tool(version: u32, statements: &[(&str, &str)]) -> Tool {
    let mut src = format!(
        "id = \"t\"\nversion = {version}\ntitle = \"T\"\narea = \"A\"\n\
         [scale]\nlevels = [\"one\", \"two\", \"three\", \"four\", \"five\"]\nweak_up_to = 2\n"
    );
    let mut aspect = "";
    for (a, s) in statements {
        if *a != aspect {
            src.push_str(&format!(
                "[[aspects]]\nid = \"{a}\"\ntitle = \"Aspect {a}\"\n"
            ));
            aspect = a;
        }
        src.push_str(&format!(
            "[[aspects.statements]]\nid = \"{s}\"\ntext = \"Statement {s}\"\n"
        ));
    }
    parse_tool(src.as_bytes()).unwrap()
}

fn v1() -> Tool {
    tool(1, &[("a", "s1"), ("a", "s2"), ("b", "s3"), ("b", "s4")])
}

fn judged(level: u8) -> Judgement {
    Judgement {
        level: Some(level),
        ..Default::default()
    }
}

fn deferred() -> Judgement {
    Judgement {
        deferred: true,
        defer_note: "need the data".into(),
        ..Default::default()
    }
}

fn judgements(items: &[(&str, Judgement)]) -> Judgements {
    items
        .iter()
        .map(|(k, j)| (format!("t/{k}"), j.clone()))
        .collect()
}

fn evaluation(id: i64, cycle: &str) -> Evaluation {
    Evaluation {
        id,
        school_id: 1,
        school_name: "School".into(),
        tool_id: "t".into(),
        tool_version: 1,
        scope: "Whole school".into(),
        cycle: cycle.into(),
        attendees: String::new(),
        created_at: String::new(),
    }
}

#[test]
fn a_first_cycle_walks_in_tool_order() {
    assert_eq!(walk_order(&v1(), None), vec![0, 1, 2, 3]);
}

#[test]
fn statements_deferred_last_time_come_first_in_tool_order() {
    let before = judgements(&[
        ("b/s4", deferred()),
        ("a/s1", judged(3)),
        ("a/s2", deferred()),
    ]);
    assert_eq!(walk_order(&v1(), Some(&before)), vec![1, 3, 0, 2]);
}

#[test]
fn version_changes_match_statements_by_key() {
    let v2 = tool(2, &[("a", "s1"), ("a", "s5"), ("b", "s3"), ("b", "s4")]);
    let changes = version_changes(&v1(), &v2);
    assert_eq!(
        changes.added.into_iter().collect::<Vec<_>>(),
        vec!["t/a/s5".to_string()]
    );
    assert_eq!(changes.removed.len(), 1);
    assert_eq!(changes.removed[0].key, "t/a/s2");
    assert_eq!(changes.removed[0].text, "Statement s2");
    assert_eq!(version_changes(&v1(), &v1()), VersionChanges::default());
}

#[test]
fn movement_needs_two_judgements() {
    assert_eq!(movement(Some(2), Some(4)), Some(Movement::Up));
    assert_eq!(movement(Some(4), Some(2)), Some(Movement::Down));
    assert_eq!(movement(Some(3), Some(3)), Some(Movement::Same));
    assert_eq!(movement(None, Some(3)), None);
    assert_eq!(movement(Some(3), None), None);
}

#[test]
fn weak_three_times_means_the_last_three_cycles() {
    let t = v1();
    assert!(weak_three_times(&t, &[Some(1), Some(2), Some(2)]));
    assert!(weak_three_times(&t, &[Some(5), Some(1), Some(2), Some(1)]));
    assert!(!weak_three_times(&t, &[Some(1), Some(2), Some(3)]));
    assert!(!weak_three_times(&t, &[Some(1), None, Some(2)]));
    assert!(!weak_three_times(&t, &[Some(1), Some(2)]));
}

#[test]
fn the_grid_puts_fallen_then_weak_three_times_first() {
    let t = v1();
    let cycles = [
        judgements(&[
            ("a/s1", judged(4)),
            ("a/s2", judged(1)),
            ("b/s3", judged(2)),
        ]),
        judgements(&[
            ("a/s1", judged(4)),
            ("a/s2", judged(2)),
            ("b/s3", judged(3)),
        ]),
        judgements(&[
            ("a/s1", judged(4)),
            ("a/s2", judged(1)),
            ("b/s3", judged(2)),
            (
                "b/s4",
                Judgement {
                    carried_from: Some(2),
                    ..judged(5)
                },
            ),
        ]),
    ];
    let evaluations = [
        evaluation(1, "Autumn 2025"),
        evaluation(2, "Spring 2026"),
        evaluation(3, "Summer 2026"),
    ];
    let series: Vec<Cycle> = evaluations
        .iter()
        .zip(&cycles)
        .map(|(evaluation, judgements)| Cycle {
            evaluation,
            tool: &t,
            judgements,
        })
        .collect();
    let c = compare(&series);
    assert_eq!(c.cycles, ["Autumn 2025", "Spring 2026", "Summer 2026"]);
    let order: Vec<&str> = c.rows.iter().map(|r| r.key.as_str()).collect();
    // s2 and s3 both fell; s2 is also weak three times; then tool order.
    assert_eq!(order, ["t/a/s2", "t/b/s3", "t/a/s1", "t/b/s4"]);
    assert!(c.rows[0].fell && c.rows[0].weak_three_times);
    assert_eq!(c.rows[2].movement, Some(Movement::Same));
    assert_eq!(c.rows[3].movement, None);
    assert_eq!(
        c.rows[3].cells,
        [
            Cell::Open,
            Cell::Open,
            Cell::Judged {
                level: 5,
                carried: true
            }
        ]
    );
    // Aspect a: (4+1)/2, (4+2)/2, (4+1)/2; aspect b has one, one, two.
    assert_eq!(c.trends[0].means, [Some(2.5), Some(3.0), Some(2.5)]);
    assert_eq!(c.trends[1].means, [Some(2.0), Some(3.0), Some(3.5)]);
}

#[test]
fn the_grid_keeps_removed_statements_after_the_current_ones() {
    let old = v1();
    let new = tool(2, &[("a", "s1"), ("a", "s5"), ("b", "s3"), ("b", "s4")]);
    let before = judgements(&[("a/s2", judged(3))]);
    let now = judgements(&[("a/s5", judged(2))]);
    let (e1, e2) = (evaluation(1, "Spring 2026"), evaluation(2, "Autumn 2026"));
    let c = compare(&[
        Cycle {
            evaluation: &e1,
            tool: &old,
            judgements: &before,
        },
        Cycle {
            evaluation: &e2,
            tool: &new,
            judgements: &now,
        },
    ]);
    let keys: Vec<&str> = c.rows.iter().map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["t/a/s1", "t/a/s5", "t/b/s3", "t/b/s4", "t/a/s2"]);
    assert_eq!(c.rows[1].cells[0], Cell::Absent);
    assert_eq!(
        c.rows[4].cells,
        [
            Cell::Judged {
                level: 3,
                carried: false
            },
            Cell::Absent
        ]
    );
}

#[test]
fn sparklines_scale_from_one_to_the_top_level() {
    assert_eq!(
        sparkline(&[Some(1.0), Some(3.0), Some(5.0), None], 5),
        "▁▅█·"
    );
}
