//! Progress, resume point, weak and deferred lists: pure rules.

use headway::domain::evaluation::*;
use headway::domain::tool::{parse_tool, Tool};

fn tool() -> Tool {
    parse_tool(
        br#"
id = "t"
version = 1
title = "T"
area = "A"
[scale]
levels = ["one", "two", "three", "four", "five"]
weak_up_to = 2
[[aspects]]
id = "a"
title = "Aspect A"
[[aspects.statements]]
id = "s1"
text = "First"
[[aspects.statements]]
id = "s2"
text = "Second"
[[aspects]]
id = "b"
title = "Aspect B"
[[aspects.statements]]
id = "s3"
text = "Third"
[[aspects.statements]]
id = "s4"
text = "Fourth"
"#,
    )
    .unwrap()
}

fn judged(level: u8, rationale: &str) -> Judgement {
    Judgement {
        level: Some(level),
        rationale: rationale.into(),
        ..Default::default()
    }
}

fn deferred_with(note: &str) -> Judgement {
    Judgement {
        deferred: true,
        defer_note: note.into(),
        ..Default::default()
    }
}

#[test]
fn an_empty_evaluation_resumes_at_the_start() {
    let t = tool();
    let j = Judgements::new();
    assert_eq!(resume_index(&t, &j), Some(0));
    assert_eq!(
        progress(&t, &j),
        Progress {
            judged: 0,
            deferred: 0,
            left: 4
        }
    );
}

#[test]
fn resume_skips_judged_and_deferred_statements() {
    let t = tool();
    let mut j = Judgements::new();
    j.insert("t/a/s1".into(), judged(3, "ok"));
    j.insert("t/a/s2".into(), deferred_with("later"));
    assert_eq!(resume_index(&t, &j), Some(2));
    j.insert("t/b/s3".into(), judged(1, ""));
    j.insert("t/b/s4".into(), judged(5, ""));
    assert_eq!(resume_index(&t, &j), None);
    assert!(progress(&t, &j).is_complete());
}

#[test]
fn a_row_with_only_text_is_still_open() {
    let t = tool();
    let mut j = Judgements::new();
    j.insert(
        "t/a/s1".into(),
        Judgement {
            evidence: "book look".into(),
            ..Default::default()
        },
    );
    assert_eq!(resume_index(&t, &j), Some(0));
}

#[test]
fn next_open_wraps_round() {
    let t = tool();
    let mut j = Judgements::new();
    j.insert("t/a/s1".into(), judged(2, ""));
    j.insert("t/b/s3".into(), judged(2, ""));
    assert_eq!(next_open_after(&t, &j, 1), Some(3));
    assert_eq!(next_open_after(&t, &j, 3), Some(1));
    j.insert("t/a/s2".into(), judged(2, ""));
    j.insert("t/b/s4".into(), judged(2, ""));
    assert_eq!(next_open_after(&t, &j, 0), None);
}

#[test]
fn weak_means_at_or_below_the_threshold() {
    let t = tool();
    let mut j = Judgements::new();
    j.insert("t/a/s1".into(), judged(2, "thin evidence"));
    j.insert("t/a/s2".into(), judged(3, "fine"));
    j.insert("t/b/s3".into(), judged(1, "none"));
    j.insert("t/b/s4".into(), deferred_with("new lead starts in May"));
    let weak = weak(&t, &j);
    assert_eq!(weak.iter().map(|w| w.index).collect::<Vec<_>>(), vec![0, 2]);
    assert_eq!(weak[0].note, "thin evidence");
    assert_eq!(weak[0].aspect, "Aspect A");
    assert_eq!(weak[1].level, Some(1));
    let d = deferred(&t, &j);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].note, "new lead starts in May");
    assert!(left(&t, &j).is_empty());
}

#[test]
fn spread_counts_levels_per_aspect() {
    let t = tool();
    let mut j = Judgements::new();
    j.insert("t/a/s1".into(), judged(2, ""));
    j.insert("t/a/s2".into(), judged(2, ""));
    j.insert("t/b/s3".into(), deferred_with(""));
    let s = spread_by_aspect(&t, &j);
    assert_eq!(s[0].at_level, vec![0, 2, 0, 0, 0]);
    assert_eq!((s[1].deferred, s[1].left), (1, 1));
}

#[test]
fn judgements_for_unknown_keys_are_ignored() {
    let t = tool();
    let mut j = Judgements::new();
    j.insert("t/gone/old".into(), judged(1, ""));
    assert_eq!(progress(&t, &j).left, 4);
    assert!(weak(&t, &j).is_empty());
}
