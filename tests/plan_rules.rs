//! Plan rules: drafting, merging, the priority limit, status and impact,
//! cadence and due dates across month ends, leap days and term boundaries.

use headway::domain::evaluation::{Judgement, Judgements};
use headway::domain::plan::*;
use headway::domain::tool::parse_tool;
use jiff::civil::{date, Date};

fn tool() -> headway::domain::tool::Tool {
    parse_tool(
        br#"
id = "t"
version = 1
title = "T"
area = "A"
[[aspects]]
id = "a"
title = "Aspect A"
[[aspects.statements]]
id = "s1"
text = "Pupils can explain the sequence. Leaders check it."
[[aspects.statements]]
id = "s2"
text = "Reading is a priority"
draft = "Put reading first"
[[aspects.statements]]
id = "s3"
text = "Strong already"
[[aspects.statements]]
id = "s4"
text = "Too hard today"
"#,
    )
    .unwrap()
}

fn judgements() -> Judgements {
    let mut j = Judgements::new();
    j.insert(
        "t/a/s1".into(),
        Judgement {
            level: Some(1),
            rationale: "No pupil could explain it".into(),
            evidence: "Pupil voice each half term".into(),
            ..Default::default()
        },
    );
    j.insert(
        "t/a/s2".into(),
        Judgement {
            level: Some(2),
            rationale: "Weak readers found late".into(),
            ..Default::default()
        },
    );
    j.insert(
        "t/a/s3".into(),
        Judgement {
            level: Some(4),
            ..Default::default()
        },
    );
    j.insert(
        "t/a/s4".into(),
        Judgement {
            deferred: true,
            defer_note: "Need the data first".into(),
            ..Default::default()
        },
    );
    j
}

fn action(id: i64) -> Action {
    Action {
        id,
        evaluation_id: 1,
        stage: Stage::Accepted,
        title: format!("Action {id}"),
        description: String::new(),
        reason: String::new(),
        statements: vec![],
        owner: "R. Patel".into(),
        owner_role: Some(Role::MiddleLeader),
        checker: "J. Lee".into(),
        start: None,
        due: None,
        milestones: vec![],
        success_criteria: String::new(),
        impact_check: String::new(),
        cadence: Cadence::Weekly,
        target_group: String::new(),
        status: Status::InProgress,
        impact: Impact::NotYetKnown,
        accepted_on: None,
        confidential: false,
    }
}

#[test]
fn one_draft_per_weak_statement_prefilled_from_the_meeting() {
    let drafts = draft_from_weak(&tool(), &judgements(), &[]);
    assert_eq!(
        drafts.len(),
        2,
        "levels 1 and 2 are weak; 4 is not; deferred is not drafted"
    );
    assert_eq!(drafts[0].title, "Improve: Pupils can explain the sequence");
    assert_eq!(drafts[0].reason, "No pupil could explain it");
    assert_eq!(drafts[0].impact_check, "Pupil voice each half term");
    assert_eq!(drafts[0].statements, vec!["t/a/s1"]);
    assert_eq!(drafts[1].reason, "Weak readers found late");
    // A tool's own short title for the action is used as it is.
    assert_eq!(drafts[1].title, "Put reading first");
}

#[test]
fn statements_already_in_the_plan_are_not_drafted_again() {
    let drafts = draft_from_weak(&tool(), &judgements(), &["t/a/s1".to_string()]);
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].statements, vec!["t/a/s2"]);
}

#[test]
fn drafting_twice_adds_nothing_and_says_what_it_left_alone() {
    let (t, j) = (tool(), judgements());
    let first = drafts_for_weak(&t, &j, &[], &[]);
    assert_eq!(first.seeds.len(), 2);
    // The drafts are stored: drafting again finds them.
    let stored = |stage: Stage, key: &str, id: i64| Action {
        stage,
        statements: vec![key.to_string()],
        ..action(id)
    };
    let again = drafts_for_weak(
        &t,
        &j,
        &[
            stored(Stage::Draft, "t/a/s1", 1),
            stored(Stage::Draft, "t/a/s2", 2),
        ],
        &[],
    );
    assert_eq!(
        again,
        Drafting {
            already_drafted: 2,
            ..Default::default()
        }
    );
    // A discarded draft stays discarded; an accepted one is in the plan.
    let later = drafts_for_weak(
        &t,
        &j,
        &[
            stored(Stage::Discarded, "t/a/s1", 1),
            stored(Stage::Accepted, "t/a/s2", 2),
        ],
        &[],
    );
    assert_eq!(
        (later.seeds.len(), later.discarded, later.in_plan),
        (0, 1, 1)
    );
    // A live action from last cycle's plan covers the statement too.
    let next_cycle = drafts_for_weak(&t, &j, &[], &["t/a/s2".to_string()]);
    assert_eq!(next_cycle.in_plan, 1);
    assert_eq!(next_cycle.seeds.len(), 1);
    assert_eq!(next_cycle.seeds[0].statements, vec!["t/a/s1"]);
}

#[test]
fn deferred_statements_are_listed_and_drafted_only_on_request() {
    let t = tool();
    let j = judgements();
    let listed = undrafted_deferred(&t, &j, &[]);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key, "t/a/s4");
    let d = draft_from_deferred(&t, &j, "t/a/s4").unwrap();
    assert_eq!(d.reason, "Need the data first");
    assert!(
        draft_from_deferred(&t, &j, "t/a/s1").is_none(),
        "not deferred"
    );
    assert!(undrafted_deferred(&t, &j, &["t/a/s4".to_string()]).is_empty());
}

#[test]
fn long_statements_make_short_titles() {
    let long = "word ".repeat(40);
    let title = title_from(&long);
    assert!(title.chars().count() <= 90, "{title}");
    assert!(title.ends_with('…'));
}

#[test]
fn merging_joins_statements_and_words_without_repeats() {
    let mut a = action(1);
    a.statements = vec!["t/a/s1".into()];
    a.reason = "r1".into();
    a.impact_check = "book look".into();
    let mut b = action(2);
    b.statements = vec!["t/a/s2".into(), "t/a/s1".into()];
    b.reason = "r2".into();
    b.impact_check = "book look".into();
    let m = merge(&[&a, &b]).unwrap();
    assert_eq!(m.into, 1);
    assert_eq!(m.absorbed, vec![2]);
    assert_eq!(m.statements, vec!["t/a/s1", "t/a/s2"]);
    assert_eq!(m.reason, "r1 / r2");
    assert_eq!(m.impact_check, "book look");
    assert!(merge(&[]).is_none());
}

#[test]
fn the_priority_limit_warns_only_past_the_limit() {
    assert!(priority_warning(5, 5).is_none());
    let w = priority_warning(6, 5).unwrap();
    assert!(
        w.contains("6 open priorities") && w.contains("limit of 5"),
        "{w}"
    );
}

#[test]
fn only_accepted_open_actions_count_as_open() {
    let mut a = action(1);
    assert!(a.is_open());
    for status in [Status::Done, Status::Dropped] {
        a.status = status;
        assert!(!a.is_open(), "{status:?}");
    }
    a.status = Status::NotStarted;
    a.stage = Stage::Draft;
    assert!(!a.is_open(), "drafts are not in the plan");
}

#[test]
fn status_and_impact_are_separate_scales() {
    assert_eq!(Status::ALL.len(), 4);
    assert_eq!(Impact::ALL.len(), 4);
    assert_eq!(Status::parse("done"), Some(Status::Done));
    assert_eq!(Impact::parse("done"), None, "done is not an impact");
    assert_eq!(Status::Dropped.next(), Status::NotStarted);
    assert_eq!(Rag::Green.previous(), Rag::Red);
    assert!(Rag::Amber.meaning().contains("recoverable"));
}

#[test]
fn cadences_step_across_month_ends_and_leap_days() {
    assert_eq!(Cadence::Weekly.after(date(2026, 12, 28)), date(2027, 1, 4));
    assert_eq!(
        Cadence::Fortnightly.after(date(2027, 2, 20)),
        date(2027, 3, 6)
    );
    assert_eq!(Cadence::Monthly.after(date(2027, 1, 31)), date(2027, 2, 28));
    assert_eq!(
        Cadence::Monthly.after(date(2028, 1, 31)),
        date(2028, 2, 29),
        "leap year"
    );
    assert_eq!(Cadence::Weekly.after(date(2028, 2, 26)), date(2028, 3, 4));
    assert_eq!(
        Cadence::HalfTermly.after(date(2026, 9, 7)),
        date(2026, 10, 19)
    );
    assert_eq!(
        Cadence::Monthly.after(Date::MAX),
        Date::MAX,
        "saturates, never panics"
    );
}

#[test]
fn the_next_check_follows_the_last_check_in_and_never_passes_the_due_date() {
    let today = date(2026, 11, 22);
    let mut a = action(1);
    a.cadence = Cadence::Fortnightly;
    assert_eq!(
        next_check(&a, Some(date(2026, 11, 10)), today),
        date(2026, 11, 24)
    );
    a.start = Some(date(2026, 11, 1));
    assert_eq!(
        next_check(&a, None, today),
        date(2026, 11, 15),
        "from the start date"
    );
    a.due = Some(date(2026, 11, 12));
    assert_eq!(
        next_check(&a, None, today),
        date(2026, 11, 12),
        "due date comes first"
    );
    // Checked on or after its due date, a late action's next check is a
    // cadence on: a check-in clears it instead of leaving it overdue.
    assert_eq!(
        next_check(&a, Some(date(2026, 11, 20)), today),
        date(2026, 12, 4),
        "checked after the due date"
    );
    assert_eq!(
        next_check(&a, Some(date(2026, 11, 12)), today),
        date(2026, 11, 26),
        "checked on the due date"
    );
    a.start = None;
    a.due = None;
    assert_eq!(
        next_check(&a, None, today),
        date(2026, 12, 6),
        "new actions: one cadence from today"
    );
}

#[test]
fn due_means_within_seven_days_and_overdue_means_past() {
    let today = date(2026, 12, 21); // across the Christmas break and year end
    assert_eq!(check_state(date(2026, 12, 28), today), CheckState::Due(7));
    assert_eq!(
        check_state(date(2026, 12, 29), today),
        CheckState::NotYet(8)
    );
    assert_eq!(
        check_state(date(2026, 12, 20), today),
        CheckState::Overdue(1)
    );
    assert_eq!(
        check_state(date(2027, 1, 4), date(2026, 12, 31)),
        CheckState::Due(4)
    );
    assert_eq!(
        check_state(date(2028, 2, 28), date(2028, 3, 1)),
        CheckState::Overdue(2),
        "leap day counted"
    );
}

#[test]
fn due_checks_list_open_actions_most_overdue_first() {
    let today = date(2026, 11, 29);
    let mut a = action(1); // weekly, last 2026-11-22: due today
    a.title = "due today".into();
    let mut b = action(2); // weekly, last 2026-11-01: overdue since 11-08
    b.title = "overdue".into();
    let c = action(3); // weekly, last 2026-11-28: not yet (12-05 is within 7 days: due)
    let mut d = action(4);
    d.status = Status::Done; // done: never listed
    let mut e = action(5);
    e.cadence = Cadence::Monthly; // monthly from 11-25: 12-25, not yet
    let list = due_checks(
        &[
            (a, Some(date(2026, 11, 22))),
            (b, Some(date(2026, 11, 1))),
            (c, Some(date(2026, 11, 28))),
            (d, Some(date(2026, 10, 1))),
            (e, Some(date(2026, 11, 25))),
        ],
        today,
    );
    let ids: Vec<i64> = list.iter().map(|d| d.action.id).collect();
    assert_eq!(ids, vec![2, 1, 3]);
    assert_eq!(list[0].state, CheckState::Overdue(21));
    assert_eq!(list[1].state, CheckState::Due(0));
}

#[test]
fn overdue_actions_are_open_and_past_their_due_date() {
    let mut a = action(1);
    a.due = Some(date(2026, 11, 20));
    assert!(is_overdue(&a, date(2026, 11, 21)));
    assert!(!is_overdue(&a, date(2026, 11, 20)));
    a.status = Status::Done;
    assert!(!is_overdue(&a, date(2026, 12, 1)));
}

#[test]
fn dates_and_milestones_parse_or_explain() {
    assert_eq!(parse_date(" 2027-01-15 ").unwrap(), Some(date(2027, 1, 15)));
    assert_eq!(parse_date("").unwrap(), None);
    assert!(parse_date("15/01/2027").unwrap_err().contains("YYYY-MM-DD"));
    // Written the right way but not a day: says why, not how to write it.
    let e = parse_date("2026-11-31").unwrap_err();
    assert!(e.contains("that month has 30 days"), "{e}");
    let e = parse_date("2028-02-30").unwrap_err();
    assert!(e.contains("29 days"), "{e}");
    assert!(parse_date("2027-13-01").unwrap_err().contains("no month"));
    let m = parse_milestones("2027-01-10 first book look; 2026-12-01 plan agreed;").unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(m[0].date, date(2026, 12, 1), "sorted by date");
    assert_eq!(
        format_milestones(&m),
        "2026-12-01 plan agreed; 2027-01-10 first book look"
    );
    assert!(parse_milestones("2027-01-10")
        .unwrap_err()
        .contains("few words"));
    assert!(parse_milestones("soon review").is_err());
    let mut a = action(1);
    a.milestones = m;
    assert_eq!(milestones_due(&a, date(2026, 12, 15)).len(), 1);
}
