//! End to end: the real binary in a pseudo-terminal, then the database.

mod common;

use common::Session;
use rusqlite::Connection;

const TODAY: &[&str] = &["--today", "2026-11-22"];

fn row(db: &std::path::Path, key: &str) -> (Option<i64>, i64, String, String, String) {
    let conn = Connection::open(db).unwrap();
    conn.query_row(
        "SELECT level, deferred, rationale, evidence, defer_note FROM judgements WHERE statement_key = ?1",
        [key],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
    )
    .unwrap()
}

const K1: &str = "curriculum-sequencing/intent/purpose-stated";
const K2: &str = "curriculum-sequencing/intent/ambition-for-all";
const K3: &str = "curriculum-sequencing/intent/knowledge-specified";
const K4: &str = "curriculum-sequencing/intent/local-context";

/// Adds Oakfield Primary and starts a curriculum evaluation of English.
fn start_evaluation(s: &mut Session) {
    s.wait_for("Welcome to headway.");
    s.send("a");
    s.wait_for("Add a school");
    s.type_slowly("Oakfield Primary");
    s.send("\r");
    s.wait_for("no evaluations yet");
    s.send("\r");
    s.wait_for("New evaluation for Oakfield Primary");
    s.type_slowly("curric");
    s.wait_for("Curriculum intent and sequencing (Curriculum)");
    s.send("\t");
    s.type_slowly("English");
    s.send("\t");
    s.wait_for("Autumn 2026");
    s.send("\t");
    s.type_slowly("Liaison: A. Khan; Head: J. Lee");
    s.send("\r");
    s.wait_for("statement 1 of 15");
}

#[test]
fn a_meeting_walks_quits_and_resumes_where_it_left_off() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("meeting.db");
    let mut s = Session::start(&db, TODAY, 100, 30);
    start_evaluation(&mut s);

    s.send("2");
    s.type_slowly("Leaders tell different stories");
    s.send("\r");
    s.wait_for("statement 2 of 15");
    s.send("3");
    s.type_slowly("Same content for every set");
    s.send("\t");
    s.type_slowly("Compare set plans in spring");
    s.send("\r");
    s.wait_for("statement 3 of 15");
    s.send("d");
    s.type_slowly("Wait for the new subject lead");
    s.send("\r");
    s.wait_for("statement 4 of 15");
    s.send("1");
    s.type_slowly("No one could explain the choices");
    s.send("\r");
    s.wait_for("statement 5 of 15");
    s.wait_for("judged 3 · deferred 1 · left 11");
    s.send("q");
    // The walk names the school too: wait for a key only home offers.
    s.wait_for("a add school");
    s.send("q");
    assert!(s.wait_exit(), "headway exits cleanly");

    // Reopen: Enter on the evaluation resumes at statement 5, all kept.
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("3/15");
    s.send("j\r");
    s.wait_for("statement 5 of 15");
    s.send("h");
    s.wait_for("statement 4 of 15");
    s.wait_for("No one could explain the choices");
    s.send("h");
    s.wait_for("Left until next time");
    s.wait_for("Wait for the new subject lead");
    s.send("q");
    s.send("q");
    assert!(s.wait_exit());

    assert_eq!(
        row(&db, K1),
        (
            Some(2),
            0,
            "Leaders tell different stories".into(),
            "".into(),
            "".into()
        )
    );
    assert_eq!(
        row(&db, K2),
        (
            Some(3),
            0,
            "Same content for every set".into(),
            "Compare set plans in spring".into(),
            "".into()
        )
    );
    assert_eq!(
        row(&db, K3),
        (
            None,
            1,
            "".into(),
            "".into(),
            "Wait for the new subject lead".into()
        )
    );
    assert_eq!(row(&db, K4).0, Some(1));
}

#[test]
fn a_run_killed_mid_walk_keeps_everything_shown_as_saved() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("killed.db");
    let mut s = Session::start(&db, TODAY, 100, 30);
    start_evaluation(&mut s);
    s.send("2");
    s.type_slowly("Saved before the crash");
    s.wait_for("Saved before the crash");
    s.wait_for("Rationale saved");
    s.send("\r");
    s.wait_for("statement 2 of 15");
    s.send("4");
    s.wait_for("Judgement 4 Exemplary saved");
    // Start typing and kill the process part way through.
    let typed = "Typed when the laptop died";
    s.send(typed);
    s.wait_for("Typed when");
    let shown = s.screen();
    s.kill_hard();

    let conn = Connection::open(&db).unwrap();
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
    drop(conn);
    assert_eq!(row(&db, K1).0, Some(2));
    assert_eq!(row(&db, K1).2, "Saved before the crash");
    let (level, _, rationale, _, _) = row(&db, K2);
    assert_eq!(level, Some(4));
    // Every character that was on screen is in the file: the stored text is a
    // prefix of what was typed, at least as long as what was shown.
    assert!(typed.starts_with(&rationale), "{rationale:?}");
    let visible = typed
        .char_indices()
        .map(|(i, c)| &typed[..i + c.len_utf8()])
        .rfind(|p| shown.contains(p))
        .unwrap_or("");
    assert!(
        rationale.len() >= visible.len(),
        "stored {rationale:?}, shown {visible:?}"
    );

    // And the next start resumes on statement 3 with both judgements kept.
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("2/15");
    s.send("j\r");
    s.wait_for("statement 3 of 15");
    s.send("q");
    s.send("q");
    assert!(s.wait_exit());
}

#[test]
fn a_second_headway_on_the_same_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let s = Session::start(&db, TODAY, 80, 24);
    s.wait_for("Welcome to headway.");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("open in another headway"), "{err}");
    s.kill_hard();
}

#[test]
fn the_terminal_is_given_back_on_quit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quit.db");
    let mut s = Session::start(&db, TODAY, 80, 24);
    s.wait_for("Welcome to headway.");
    assert_eq!(
        s.terminal_modes(),
        (true, true, true),
        "running: alternate screen, paste on"
    );
    s.send("q");
    let (ok, modes) = s.wait_exit_modes();
    assert!(ok);
    assert_eq!(
        modes,
        (false, false, false),
        "main screen, cursor shown, paste off"
    );
}

#[test]
fn sigterm_and_sighup_give_the_terminal_back() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("signal.db");
        let s = Session::start(&db, TODAY, 80, 24);
        s.wait_for("Welcome to headway.");
        // SAFETY: signalling our own child.
        unsafe {
            libc::kill(s.pid(), signal);
        }
        let (code, modes) = s.wait_exit_code_modes();
        assert_eq!(code, 128 + signal as u32, "exit code after signal {signal}");
        assert_eq!(
            modes,
            (false, false, false),
            "signal {signal}: terminal restored"
        );
    }
}

#[test]
fn a_dropped_terminal_ends_headway_and_frees_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hangup.db");
    let mut s = Session::start(&db, TODAY, 80, 24);
    s.wait_for("Welcome to headway.");
    s.send("a");
    s.wait_for("Add a school");
    s.type_slowly("Hung Up High");
    s.send("\r");
    s.wait_for("no evaluations yet");
    assert!(s.hang_up(), "headway exits when its terminal goes away");
    // The file is free again, and what was saved is there.
    let mut store =
        headway::store::Store::open(&db, headway::store::OpenMode::Write).expect("lock released");
    assert_eq!(store.schools().unwrap()[0].name, "Hung Up High");
    store.add_school("Another").unwrap();
}
