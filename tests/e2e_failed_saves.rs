//! After a failed save, what is typed next goes where the user meant it to
//! go, and the screen says what was not saved. The real binary runs in a
//! pseudo-terminal; a file-size limit on it makes its next write fail, as a
//! full disk would.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{fail_next_write, meeting_db, set_file_limit, Session};
use rusqlite::Connection;

fn query(db: &Path, sql: &str) -> Vec<String> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn pause() {
    std::thread::sleep(Duration::from_millis(150));
}

/// Opens the evaluation from the home screen: the walk, at statement 2.
fn open_walk(db: &Path) -> Session {
    let s = Session::start(db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Oakfield Primary");
    let mut s = s;
    s.send("\x1b[B\r");
    s.wait_for("statement 2 of 15");
    s
}

/// The walk at statement 2, where judging 3 was just refused.
fn walk_with_a_refused_level(db: &Path) -> Session {
    let mut s = open_walk(db);
    fail_next_write(s.pid(), db);
    s.send("3");
    s.wait_for("not saved yet");
    s
}

#[test]
fn a_failed_level_still_opens_the_rationale_and_keeps_what_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let mut s = walk_with_a_refused_level(&db);
    // In browsing mode `n` would move on and `e` open the evidence note.
    s.type_slowly("needs evidence");
    s.wait_for("needs evidence");
    let screen = s.screen();
    assert!(screen.contains("statement 2 of 15"), "{screen}");
    assert!(
        screen.contains("Judgement 3"),
        "the status names it:\n{screen}"
    );
    set_file_limit(s.pid(), None);
    s.type_slowly(".");
    s.wait_for("Rationale saved");
    s.send("\x1b");
    s.send("\x03");
    assert!(s.wait_exit());
    let rows = query(
        &db,
        "SELECT level || ' ' || rationale FROM judgements ORDER BY statement_key",
    );
    assert!(rows.contains(&"3 needs evidence.".to_string()), "{rows:?}");
    let evidence = query(&db, "SELECT evidence FROM judgements WHERE evidence != ''");
    assert!(
        evidence.is_empty(),
        "nothing landed in an evidence note: {evidence:?}"
    );
}

#[test]
fn tab_while_text_is_unsaved_says_it_waits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let mut s = walk_with_a_refused_level(&db);
    s.type_slowly("first part");
    s.send("\t");
    s.wait_for("Tab waits: still in the rationale");
    set_file_limit(s.pid(), None);
    s.type_slowly(" x");
    s.wait_for("Rationale saved");
    s.send("\x1b");
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn a_failed_deferral_still_opens_its_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let mut s = open_walk(&db);
    fail_next_write(s.pid(), &db);
    s.send("d");
    s.wait_for("not saved yet");
    s.type_slowly("no data");
    s.wait_for("no data");
    assert!(s.screen().contains("statement 2 of 15"), "{}", s.screen());
    set_file_limit(s.pid(), None);
    s.type_slowly("!");
    s.wait_for("Note saved");
    s.send("\x1b");
    s.send("\x03");
    assert!(s.wait_exit());
    let rows = query(&db, "SELECT defer_note FROM judgements WHERE deferred = 1");
    assert_eq!(rows, vec!["no data!".to_string()]);
}

#[test]
fn a_failed_check_in_status_still_opens_the_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let mut s = Session::start(&db, &["--today", "2026-11-22", "checkin"], 100, 30);
    s.wait_for("Write the curriculum story");
    fail_next_write(s.pid(), &db);
    s.send("g");
    s.wait_for("not saved yet");
    // In browsing mode `s` would skip the action and `a` set amber.
    s.type_slowly("sand");
    s.wait_for("sand");
    assert!(
        s.screen().contains("Write the curriculum story"),
        "{}",
        s.screen()
    );
    set_file_limit(s.pid(), None);
    s.type_slowly(".");
    s.wait_for("Note saved");
    s.send("\r");
    s.wait_for("1 checked");
    s.send("\x03");
    assert!(s.wait_exit());
    let rows = query(
        &db,
        "SELECT rag || ' ' || note FROM checkins WHERE checked_on = '2026-11-22'",
    );
    assert_eq!(rows, vec!["green sand.".to_string()]);
}

#[test]
fn after_a_failed_change_outside_a_text_box_keys_are_held_until_seen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let mut s = open_walk(&db);
    s.send("\x1b[D");
    s.wait_for("statement 1 of 15");
    fail_next_write(s.pid(), &db);
    s.send("x"); // clear the judgement: refused
    s.wait_for("Nothing you type now runs as a command");
    s.type_slowly("n3");
    pause();
    let screen = s.screen();
    assert!(
        screen.contains("statement 1 of 15"),
        "n did not move on:\n{screen}"
    );
    assert!(
        screen.contains("Clearing the judgement not saved"),
        "{screen}"
    );
    s.send("\r");
    pause();
    s.send("l");
    s.wait_for("statement 2 of 15");
    s.send("\x03");
    assert!(s.wait_exit());
    let rows = query(
        &db,
        "SELECT CAST(level AS TEXT) FROM judgements WHERE level IS NOT NULL",
    );
    assert_eq!(rows.len(), 1, "nothing was judged by held keys: {rows:?}");
}

#[test]
fn a_refused_action_field_keeps_the_editor_open_on_esc() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("\x06");
    s.wait_for("things to search");
    s.type_slowly("curriculum story");
    s.wait_for("action        Write the curriculum story");
    s.send("\r");
    s.wait_for("Success criteria");
    fail_next_write(s.pid(), &db);
    // The title opens selected; End keeps it and goes to its end.
    s.send("\x1b[F");
    s.type_slowly(" now");
    s.wait_for("Not saved yet, your text is kept");
    s.send("\x1b");
    pause();
    // Still in the title: this lands in it rather than on the home screen.
    s.type_slowly("!");
    s.wait_for("story now!");
    set_file_limit(s.pid(), None);
    s.send("\x1b");
    s.wait_for("Oakfield Primary");
    s.send("\x03");
    assert!(s.wait_exit());
    let rows = query(&db, "SELECT title FROM actions");
    assert_eq!(rows, vec!["Write the curriculum story now!".to_string()]);
}
