//! Cycles in the store: the previous evaluation, carrying a judgement
//! forward, re-judging it, and confidential notes.

mod common;

use headway::domain::evaluation::TextField;
use headway::store::{NewEvaluation, OpenMode, Store};

const TOOL: &str = "curriculum-sequencing";

fn next_cycle(store: &mut Store, school: i64, cycle: &str) -> i64 {
    store
        .create_evaluation(&NewEvaluation {
            school_id: school,
            tool_id: TOOL.into(),
            tool_version: 1,
            scope: "English".into(),
            cycle: cycle.into(),
            attendees: String::new(),
        })
        .unwrap()
}

fn first_key(store: &Store) -> (String, String) {
    let keys = store.tool(TOOL, 1).unwrap().statement_keys();
    (keys[0].clone(), keys[1].clone())
}

#[test]
fn the_previous_evaluation_is_the_same_school_tool_and_scope() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("h.db"), OpenMode::Write).unwrap();
    let a = store.add_school("Oakfield Primary").unwrap();
    let b = store.add_school("Riverside Academy").unwrap();
    let first = common::add_evaluation(&mut store, a.id, TOOL, "English");
    common::add_evaluation(&mut store, a.id, TOOL, "Maths");
    common::add_evaluation(&mut store, b.id, TOOL, "English");
    let second = next_cycle(&mut store, a.id, "Spring 2027");
    let third = next_cycle(&mut store, a.id, "Summer 2027");

    let of = |id| store.evaluation(id).unwrap();
    assert_eq!(store.previous_evaluation(&of(first)).unwrap(), None);
    assert_eq!(
        store.previous_evaluation(&of(second)).unwrap().unwrap().id,
        first
    );
    assert_eq!(
        store.previous_evaluation(&of(third)).unwrap().unwrap().id,
        second
    );
    let series: Vec<i64> = store
        .series(a.id, TOOL, "English")
        .unwrap()
        .iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(series, [first, second, third]);
}

#[test]
fn carrying_copies_level_and_rationale_and_rejudging_clears_the_mark() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    let mut store = Store::open(&path, OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let (k1, k2) = first_key(&store);
    let first = common::add_evaluation(&mut store, school.id, TOOL, "English");
    store.set_level(first, &k1, Some(4)).unwrap();
    store
        .set_text(
            first,
            &k1,
            TextField::Rationale,
            "Secure in all years",
            true,
        )
        .unwrap();
    store.set_confidential(first, &k1, true).unwrap();
    let second = next_cycle(&mut store, school.id, "Spring 2027");

    let carried = store.carry_forward(second, &k1, first).unwrap().unwrap();
    assert_eq!(carried.level, Some(4));
    assert_eq!(carried.rationale, "Secure in all years");
    assert_eq!(carried.carried_from, Some(first));
    assert!(
        carried.confidential,
        "a confidential note stays confidential"
    );
    // Nothing to carry where the last cycle did not judge.
    assert_eq!(store.carry_forward(second, &k2, first).unwrap(), None);
    drop(store);

    // Reopened from disk, the mark is there; judging again clears it.
    let mut store = Store::open(&path, OpenMode::Write).unwrap();
    assert_eq!(
        store.judgements(second).unwrap()[&k1].carried_from,
        Some(first)
    );
    store.set_level(second, &k1, Some(4)).unwrap();
    let j = &store.judgements(second).unwrap()[&k1];
    assert_eq!((j.level, j.carried_from), (Some(4), None));
    // The earlier cycle is untouched.
    let before = &store.judgements(first).unwrap()[&k1];
    assert_eq!((before.level, before.carried_from), (Some(4), None));
}

#[test]
fn carrying_over_a_typed_rationale_keeps_it_in_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("h.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let (k1, _) = first_key(&store);
    let first = common::add_evaluation(&mut store, school.id, TOOL, "English");
    store.set_level(first, &k1, Some(2)).unwrap();
    store
        .set_text(first, &k1, TextField::Rationale, "Gaps in Year 4", true)
        .unwrap();
    let second = next_cycle(&mut store, school.id, "Spring 2027");
    store.set_level(second, &k1, Some(3)).unwrap();
    store
        .set_text(second, &k1, TextField::Rationale, "Better now", true)
        .unwrap();
    store.carry_forward(second, &k1, first).unwrap();
    let history = store.history(second, Some(&k1)).unwrap();
    let kept: Vec<(&str, &str)> = history
        .iter()
        .map(|r| (r.field.as_str(), r.old_value.as_str()))
        .collect();
    assert_eq!(kept, [("level", "3"), ("rationale", "Better now")]);
}

#[test]
fn confidential_marks_round_trip_for_judgements_and_check_ins() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("h.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let (k1, _) = first_key(&store);
    let e = common::add_evaluation(&mut store, school.id, TOOL, "English");
    store.set_confidential(e, &k1, true).unwrap();
    assert!(store.judgements(e).unwrap()[&k1].confidential);
    store.set_confidential(e, &k1, false).unwrap();
    assert!(!store.judgements(e).unwrap()[&k1].confidential);

    let ids = store
        .add_drafts(
            e,
            &[headway::domain::plan::DraftSeed {
                title: "Phonics".into(),
                reason: String::new(),
                impact_check: String::new(),
                statements: vec![k1.clone()],
            }],
        )
        .unwrap();
    let today = jiff::civil::date(2026, 11, 22);
    store.accept_action(ids[0], today).unwrap();
    let c = store
        .add_check_in(ids[0], today, headway::domain::plan::Rag::Amber)
        .unwrap();
    store.set_check_in_confidential(c, true).unwrap();
    assert!(store.check_ins(ids[0]).unwrap()[0].confidential);
}

#[test]
fn scope_and_cycle_match_without_case_or_extra_spaces() {
    use headway::store::{NewEvaluation, OpenMode, Store, StoreError};
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("s.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let new = |scope: &str, cycle: &str| NewEvaluation {
        school_id: school.id,
        tool_id: "curriculum-sequencing".into(),
        tool_version: 1,
        scope: headway::domain::school::clean_name(scope, "scope").unwrap(),
        cycle: headway::domain::school::clean_name(cycle, "cycle").unwrap(),
        attendees: String::new(),
    };
    let first = store
        .create_evaluation(&new("English", "Summer 2026"))
        .unwrap();
    assert!(matches!(
        store.create_evaluation(&new("  english ", "Summer   2026")),
        Err(StoreError::AlreadyStarted(id)) if id == first
    ));
    // The next cycle builds on the last whatever the scope's case.
    let next = store
        .create_evaluation(&new("ENGLISH", "Autumn 2026"))
        .unwrap();
    let next = store.evaluation(next).unwrap();
    assert_eq!(next.cycle, "Autumn 2026");
    let last = store.previous_evaluation(&next).unwrap().unwrap();
    assert_eq!(last.id, first);
}

/// A judgement carried from an evaluation that is then removed (it was
/// started by mistake) is no longer counted as carried: nothing it holds
/// came from a cycle that stands.
#[test]
fn a_judgement_carried_from_a_removed_evaluation_is_not_carried() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("h.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let (k1, _) = first_key(&store);
    let first = common::add_evaluation(&mut store, school.id, TOOL, "English");
    store.set_level(first, &k1, Some(3)).unwrap();
    let second = next_cycle(&mut store, school.id, "Spring 2027");
    store.carry_forward(second, &k1, first).unwrap();
    assert_eq!(
        store.judgements(second).unwrap()[&k1].carried_from,
        Some(first)
    );
    store.remove_evaluation(first).unwrap();
    let j = &store.judgements(second).unwrap()[&k1];
    assert_eq!(j.carried_from, None);
    assert_eq!(j.level, Some(3), "the level itself stays");
}
