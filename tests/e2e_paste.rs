//! A pasted text can carry its own end-of-paste marker (`ESC[201~`), so the
//! terminal ends the paste early and the rest arrives as key presses. Those
//! keys must never run as commands: while a text box is open they are text
//! (and an Esc among them does not close the box); with no box open they
//! are dropped. The real binary runs in a pseudo-terminal.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{meeting_db, Session};
use rusqlite::Connection;

const STATEMENT_2: &str = "curriculum-sequencing/intent/ambition-for-all";

fn rationale(db: &Path) -> String {
    let conn = Connection::open(db).unwrap();
    conn.query_row(
        "SELECT rationale FROM judgements WHERE statement_key = ?1",
        [STATEMENT_2],
        |r| r.get(0),
    )
    .unwrap_or_default()
}

fn walk_at_statement_2(db: &Path) -> Session {
    meeting_db(db);
    let mut s = Session::start(db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("\x1b[B\r");
    s.wait_for("statement 2 of 15");
    s
}

#[test]
fn keys_behind_an_early_paste_end_are_text_while_a_box_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut s = walk_at_statement_2(&db);
    s.send("\r");
    s.wait_for("Esc stop typing");
    // One burst: the paste ends early, then a space and "world", Enter, n,
    // Ctrl+C, Alt+q (ESC q) and a lone Esc. As commands they would save and
    // move on twice, then quit or go home.
    s.send("\x1b[200~hello\x1b[201~ world\rn\x03\x1bq\x1b");
    s.wait_for("hello world nq");
    std::thread::sleep(Duration::from_millis(200));
    // The box is still open: the next key types.
    s.send("x");
    s.wait_for("hello world nqx");
    let screen = s.screen();
    assert!(screen.contains("statement 2 of 15"), "{screen}");
    assert!(screen.contains("Esc stop typing"), "{screen}");
    s.send("\x1b");
    s.wait_for("d defer");
    s.send("\x03");
    assert!(s.wait_exit());
    assert_eq!(rationale(&db), "hello world nqx");
}

#[test]
fn keys_behind_a_paste_with_no_box_open_are_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut s = walk_at_statement_2(&db);
    // In browsing mode `3` would judge, `n` move on and `q` go home.
    s.send("\x1b[200~text\x1b[201~3nq");
    std::thread::sleep(Duration::from_millis(300));
    let screen = s.screen();
    assert!(screen.contains("statement 2 of 15"), "{screen}");
    assert!(screen.contains("Not judged yet"), "{screen}");
    s.wait_for("Keys that came in with a paste were ignored");
    s.send("\x03");
    assert!(s.wait_exit());
    let conn = Connection::open(&db).unwrap();
    let judged: i64 = conn
        .query_row(
            "SELECT count(*) FROM judgements WHERE statement_key = ?1 AND level IS NOT NULL",
            [STATEMENT_2],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(judged, 0, "3 did not judge");
}

/// An unmarked paste (or keys pressed faster than anyone types) with no
/// text box open runs no command, and says why nothing happened.
#[test]
fn an_unmarked_paste_with_no_box_open_runs_no_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut s = walk_at_statement_2(&db);
    std::thread::sleep(Duration::from_millis(100));
    // As commands: defer with a note, move on, then clear.
    s.send("dq3 hello there\rx");
    s.wait_for("Pasted text goes into a text box");
    let screen = s.screen();
    assert!(screen.contains("statement 2 of 15"), "{screen}");
    assert!(screen.contains("Not judged yet"), "{screen}");
    s.send("\x03");
    assert!(s.wait_exit());
    let conn = Connection::open(&db).unwrap();
    let touched: i64 = conn
        .query_row(
            "SELECT count(*) FROM judgements WHERE statement_key = ?1",
            [STATEMENT_2],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(touched, 0, "nothing deferred, judged or cleared");
}

/// Even two keys in the same instant are a paste when no text box is open:
/// a pasted `xy` on home must not remove an evaluation and answer its
/// question, and `xl` in the walk must not clear and move on.
#[test]
fn two_keys_at_once_with_no_box_open_run_no_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    meeting_db(&db);
    let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("j");
    std::thread::sleep(Duration::from_millis(100));
    s.send("xy");
    s.wait_for("Pasted text goes into a text box");
    assert!(
        !s.screen().contains("Remove this evaluation?"),
        "{}",
        s.screen()
    );
    s.send("\r");
    s.wait_for("statement 2 of 15");
    std::thread::sleep(Duration::from_millis(100));
    s.send("\x1b[D");
    s.wait_for("statement 1 of 15");
    std::thread::sleep(Duration::from_millis(100));
    s.send("xl");
    s.wait_for("Pasted text goes into a text box");
    assert!(s.screen().contains("statement 1 of 15"), "{}", s.screen());
    s.send("\x03");
    assert!(s.wait_exit());
    let conn = Connection::open(&db).unwrap();
    let (evaluations, judged): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM evaluations WHERE removed_at IS NULL),
                    (SELECT count(*) FROM judgements WHERE level IS NOT NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((evaluations, judged), (1, 1), "nothing removed or cleared");
}

/// A paste the terminal does not mark (no bracketed paste) arrives as a
/// burst of keys: while a text box is open it is text, all of it, line
/// breaks included, and never runs as commands across the next statements.
#[test]
fn an_unmarked_paste_of_several_kilobytes_with_line_breaks_is_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let mut s = walk_at_statement_2(&db);
    s.send("2");
    s.wait_for("Judgement 2");
    s.wait_for("Esc stop typing");
    let line = "Pupils in lower sets get the same texts with more support; ";
    let pasted: String = (0..40).map(|n| format!("{line}{n}\r")).collect();
    assert!(pasted.len() > 2048);
    s.send(&pasted);
    let want: String = (0..40)
        .map(|n| format!("{line}{n}"))
        .collect::<Vec<_>>()
        .join(" ");
    let start = std::time::Instant::now();
    // Patient: under a full test run's load the paste can take a while.
    while rationale(&db).trim() != want.trim() && start.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(rationale(&db).trim(), want.trim());
    // Still on statement 2, still typing: the line breaks were not Enter.
    assert!(s.screen().contains("statement 2 of 15"), "{}", s.screen());
    assert!(s.screen().contains("Esc stop typing"), "{}", s.screen());
    s.send("\x03");
    assert!(s.wait_exit());
}
