//! Plans in the store: migration from schema 1, drafts, merge, fields with
//! history, check-ins, settings.

mod common;

use std::fs;
use std::path::PathBuf;

use headway::domain::plan::*;
use headway::store::{ActionField, OpenMode, Store, SCHEMA_VERSION};
use jiff::civil::date;

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.db");
    (dir, path)
}

fn seed(title: &str, key: &str) -> DraftSeed {
    DraftSeed {
        title: title.into(),
        reason: format!("why {title}"),
        impact_check: format!("check {title}"),
        statements: vec![key.into()],
    }
}

fn store_with_evaluation(path: &std::path::Path) -> (Store, i64) {
    let mut store = Store::open(path, OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let id = common::add_evaluation(&mut store, school.id, "curriculum-sequencing", "English");
    (store, id)
}

#[test]
fn a_schema_one_database_upgrades_without_loss() {
    let (_dir, path) = temp();
    fs::copy("tests/fixtures/schema-1.db", &path).unwrap();
    let store = Store::open(&path, OpenMode::Write).unwrap();
    let e = &store.evaluations().unwrap()[0];
    assert_eq!(
        (e.school_name.as_str(), e.cycle.as_str()),
        ("Oakfield Primary", "Summer 2026")
    );
    let j = store.judgements(e.id).unwrap();
    let k1 = "curriculum-sequencing/intent/purpose-stated";
    assert_eq!(j[k1].level, Some(2));
    assert_eq!(j[k1].rationale, "Leaders tell different stories");
    assert_eq!(
        j["curriculum-sequencing/intent/knowledge-specified"].defer_note,
        "New lead starts in January"
    );
    assert_eq!(store.history(e.id, Some(k1)).unwrap()[0].old_value, "3");
    assert!(store.actions(e.id).unwrap().is_empty());
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(v, SCHEMA_VERSION);
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn drafts_round_trip_and_merge_keeps_the_absorbed() {
    let (_dir, path) = temp();
    let (mut store, e) = store_with_evaluation(&path);
    let ids = store
        .add_drafts(
            e,
            &[seed("A", "t/a/1"), seed("B", "t/a/2"), seed("C", "t/b/3")],
        )
        .unwrap();
    let actions = store.actions(e).unwrap();
    assert_eq!(actions.len(), 3);
    assert!(actions.iter().all(|a| a.stage == Stage::Draft));
    assert_eq!(actions[0].reason, "why A");
    assert_eq!(actions[0].impact_check, "check A");
    let a = store.action(ids[0]).unwrap();
    let b = store.action(ids[1]).unwrap();
    let merged = merge(&[&a, &b]).unwrap();
    store.merge_drafts(&merged).unwrap();
    let a = store.action(ids[0]).unwrap();
    assert_eq!(a.statements, vec!["t/a/1", "t/a/2"]);
    assert_eq!(a.reason, "why A / why B");
    let b = store.action(ids[1]).unwrap();
    assert_eq!(
        b.stage,
        Stage::Merged,
        "absorbed drafts are kept, marked merged"
    );
}

#[test]
fn action_fields_keep_history_and_accept_only_valid_values() {
    let (_dir, path) = temp();
    let (mut store, e) = store_with_evaluation(&path);
    let id = store.add_drafts(e, &[seed("A", "t/a/1")]).unwrap()[0];
    store.accept_action(id, date(2026, 11, 22)).unwrap();
    store
        .set_action_field(id, ActionField::Owner, Some("R. Patel"), true)
        .unwrap();
    store
        .set_action_field(id, ActionField::OwnerRole, Some("middle leader"), true)
        .unwrap();
    store
        .set_action_field(id, ActionField::Due, Some("2027-02-12"), true)
        .unwrap();
    store
        .set_action_field(id, ActionField::Cadence, Some("weekly"), true)
        .unwrap();
    store
        .set_action_field(id, ActionField::Owner, Some("S. Okafor"), true)
        .unwrap();
    store
        .set_milestones(
            id,
            &parse_milestones("2027-01-10 first look; 2026-12-01 plan agreed").unwrap(),
        )
        .unwrap();
    let a = store.action(id).unwrap();
    assert_eq!(a.stage, Stage::Accepted);
    assert_eq!(a.accepted_on, Some(date(2026, 11, 22)));
    assert_eq!(a.owner, "S. Okafor");
    assert_eq!(a.owner_role, Some(Role::MiddleLeader));
    assert_eq!(a.due, Some(date(2027, 2, 12)));
    assert_eq!(a.cadence, Cadence::Weekly);
    assert_eq!(a.milestones[0].date, date(2026, 12, 1));
    let history = store.action_history(id).unwrap();
    assert!(
        history
            .iter()
            .any(|(f, old, _)| f == "owner" && old == "R. Patel"),
        "{history:?}"
    );
    assert!(
        history
            .iter()
            .any(|(f, old, _)| f == "stage" && old == "draft"),
        "{history:?}"
    );
    // The schema refuses values outside the rules.
    let err = store
        .set_action_field(id, ActionField::Status, Some("finished"), true)
        .unwrap_err()
        .to_string();
    assert!(err.contains("CHECK constraint failed"), "{err}");
    assert!(
        !err.contains("UPDATE") && err.lines().count() == 1,
        "one sentence, no SQL: {err}"
    );
    assert!(store
        .set_action_field(id, ActionField::Due, Some("12/02/2027"), true)
        .is_err());
    assert_eq!(store.action(id).unwrap().status, Status::NotStarted);
}

#[test]
fn check_ins_are_stored_newest_first_and_start_the_action() {
    let (_dir, path) = temp();
    let (mut store, e) = store_with_evaluation(&path);
    let id = store.add_drafts(e, &[seed("A", "t/a/1")]).unwrap()[0];
    store.accept_action(id, date(2026, 11, 22)).unwrap();
    let first = store
        .add_check_in(id, date(2026, 11, 20), Rag::Amber)
        .unwrap();
    store.set_check_in_text(first, false, "Slow start").unwrap();
    let second = store
        .add_check_in(id, date(2026, 11, 27), Rag::Green)
        .unwrap();
    store
        .set_check_in_text(second, true, "Books show longer answers")
        .unwrap();
    let list = store.check_ins(id).unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(
        (list[0].rag, list[0].impact_note.as_str()),
        (Rag::Green, "Books show longer answers")
    );
    assert_eq!(list[1].note, "Slow start");
    assert_eq!(store.action(id).unwrap().status, Status::InProgress);
    let rows = store.plan_rows(None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].last_check_in.as_ref().unwrap().id, second);
    assert_eq!(rows[0].school, "Oakfield Primary");
}

#[test]
fn the_priority_limit_is_a_setting_with_a_default() {
    let (_dir, path) = temp();
    let (mut store, _) = store_with_evaluation(&path);
    assert_eq!(store.priority_limit().unwrap(), DEFAULT_PRIORITY_LIMIT);
    store
        .set_setting(headway::store::PRIORITY_LIMIT_KEY, "3")
        .unwrap();
    drop(store);
    let store = Store::open(&path, OpenMode::Write).unwrap();
    assert_eq!(store.priority_limit().unwrap(), 3);
}

/// Taking back the only check-in takes back the start it made; a status
/// set by hand is left alone.
#[test]
fn withdrawing_the_first_check_in_takes_back_the_start_it_made() {
    let (_dir, path) = temp();
    let (mut store, e) = store_with_evaluation(&path);
    let ids = store
        .add_drafts(e, &[seed("A", "t/a/1"), seed("B", "t/a/2")])
        .unwrap();
    let (a, b) = (ids[0], ids[1]);
    for id in [a, b] {
        store.accept_action(id, date(2026, 11, 22)).unwrap();
    }
    let first = store
        .add_check_in(a, date(2026, 11, 20), Rag::Amber)
        .unwrap();
    assert_eq!(store.action(a).unwrap().status, Status::InProgress);
    store.withdraw_check_in(first).unwrap();
    assert_eq!(store.action(a).unwrap().status, Status::NotStarted);
    // Started by hand, then checked and withdrawn: still started.
    store
        .set_action_field(b, ActionField::Status, Some("in progress"), true)
        .unwrap();
    let check = store
        .add_check_in(b, date(2026, 11, 20), Rag::Green)
        .unwrap();
    store.withdraw_check_in(check).unwrap();
    assert_eq!(store.action(b).unwrap().status, Status::InProgress);
}
