//! Text the disk refused is never thrown away in silence: it is kept in a
//! private recovery file beside the database as soon as a save fails, a
//! signal exits with 128 + its number and loses nothing, the next start
//! offers the text back, and quitting or leaving with text unsaved asks
//! first. The real binary runs in a pseudo-terminal; a file-size limit makes
//! its writes to the database fail.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{fail_next_write, meeting_db, set_file_limit, Session};
use rusqlite::Connection;

const STATEMENT_2: &str = "curriculum-sequencing/intent/ambition-for-all";

fn rationale(db: &Path, key: &str) -> Option<String> {
    let conn = Connection::open(db).unwrap();
    conn.query_row(
        "SELECT rationale FROM judgements WHERE statement_key = ?1",
        [key],
        |r| r.get(0),
    )
    .ok()
}

fn recovery_file(db: &Path) -> PathBuf {
    db.with_file_name(format!(
        ".{}.unsaved",
        db.file_name().unwrap().to_string_lossy()
    ))
}

/// The walk at statement 2, judged 3, with "kept safe" typed into its
/// rationale after the disk started refusing writes.
fn refused_rationale(db: &Path) -> Session {
    meeting_db(db);
    let mut s = Session::start(db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("\x1b[B\r");
    s.wait_for("statement 2 of 15");
    s.send("3");
    s.wait_for("Judgement 3 Secure saved");
    fail_next_write(s.pid(), db);
    s.type_slowly("kept safe");
    s.wait_for("Not saved yet, your text is kept");
    s.wait_for("kept safe");
    s
}

#[test]
fn a_signal_keeps_refused_text_and_the_next_start_puts_it_back() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("m.db");
        let s = refused_rationale(&db);
        let file = recovery_file(&db);
        let kept = std::fs::read_to_string(&file).expect("the recovery file is written at once");
        assert!(kept.contains("kept safe"), "{kept}");
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "private to its owner");
        }
        // SAFETY: signalling our own child.
        unsafe {
            libc::kill(s.pid(), signal);
        }
        let (code, modes) = s.wait_exit_code_modes();
        assert_eq!(code, 128 + signal as u32, "exit code after signal {signal}");
        assert_eq!(modes, (false, false, false), "terminal given back");
        assert_eq!(rationale(&db, STATEMENT_2).as_deref(), Some(""));

        let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
        s.wait_for("Unsaved text from last time");
        assert!(
            s.screen().contains("statement 2, rationale"),
            "{}",
            s.screen()
        );
        assert!(!s.screen().contains("kept safe"), "hidden until asked");
        s.send("v");
        s.wait_for("\"kept safe\"");
        s.send("p");
        s.wait_for("Unsaved text put back where it belongs");
        assert!(!file.exists(), "removed once saved");
        s.send("\x03");
        assert!(s.wait_exit(), "nothing unsaved: Ctrl+C quits at once");
        assert_eq!(
            rationale(&db, STATEMENT_2).as_deref(),
            Some("kept safe"),
            "signal {signal}"
        );
    }
}

#[test]
fn ctrl_c_with_refused_text_asks_and_the_text_can_be_discarded_later() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut s = refused_rationale(&db);
    s.send("\x03");
    s.wait_for("Quit with unsaved text?");
    s.send("n");
    s.wait_for("Still here: your text is kept");
    s.type_slowly("!");
    s.wait_for("kept safe!");
    s.send("\x03");
    s.wait_for("Quit with unsaved text?");
    s.send("y");
    assert!(s.wait_exit());
    let file = recovery_file(&db);
    assert!(std::fs::read_to_string(&file)
        .unwrap()
        .contains("kept safe!"));

    // Later: the text stays kept, and q on the home screen asks before quitting.
    let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Unsaved text from last time");
    s.send("l");
    s.wait_for("offered again at the next start");
    s.send("q");
    s.wait_for("Quit with unsaved text?");
    s.send("y");
    assert!(s.wait_exit());
    assert!(file.exists());

    let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Unsaved text from last time");
    s.send("d");
    s.wait_for("Discard it for good?");
    s.send("y");
    s.wait_for("Unsaved text from last time discarded");
    assert!(!file.exists());
    s.send("\x03");
    assert!(s.wait_exit());
    assert_eq!(rationale(&db, STATEMENT_2).as_deref(), Some(""));
}

#[test]
fn the_finder_does_not_leave_refused_text_without_asking() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut s = refused_rationale(&db);
    s.send("\x06");
    s.wait_for("things to search");
    s.type_slowly("Oakfield");
    s.wait_for("school        Oakfield Primary");
    s.send("\r");
    s.wait_for("Leave with unsaved text?");
    s.send("n");
    s.wait_for("Still here: your text is kept");
    assert!(s.screen().contains("statement 2 of 15"), "{}", s.screen());
    // Once the disk takes writes again, the next keystroke saves it all and
    // the recovery file goes.
    set_file_limit(s.pid(), None);
    s.type_slowly(".");
    s.wait_for("Rationale saved");
    std::thread::sleep(Duration::from_millis(100));
    assert!(!recovery_file(&db).exists());
    s.send("\x1b");
    s.send("\x03");
    assert!(s.wait_exit());
    assert_eq!(rationale(&db, STATEMENT_2).as_deref(), Some("kept safe."));
}

#[test]
fn text_left_behind_is_dropped_once_newer_text_is_saved_in_the_same_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut s = refused_rationale(&db);
    s.send("\x06");
    s.wait_for("things to search");
    s.type_slowly("Oakfield");
    s.wait_for("school        Oakfield Primary");
    s.send("\r");
    s.wait_for("Leave with unsaved text?");
    s.send("y");
    s.wait_for("Plan for Oakfield Primary");
    assert!(recovery_file(&db).exists(), "left behind, so kept");
    // Back to the same rationale, with the disk working again: what is
    // typed now is saved, and the older kept text is no longer offered.
    set_file_limit(s.pid(), None);
    s.send("q");
    s.wait_for("Autumn 2026");
    s.send("\x1b[B\r");
    s.wait_for("statement 3 of 15");
    s.send("\x1b[D");
    s.wait_for("statement 2 of 15");
    s.send("\r");
    std::thread::sleep(Duration::from_millis(150));
    s.type_slowly("fresh");
    s.wait_for("Rationale saved");
    std::thread::sleep(Duration::from_millis(100));
    assert!(!recovery_file(&db).exists());
    s.send("\x1b");
    s.send("\x03");
    assert!(s.wait_exit(), "nothing unsaved: Ctrl+C quits at once");
    assert_eq!(rationale(&db, STATEMENT_2).as_deref(), Some("fresh"));
}

/// Opens the walk at statement 1 with its rationale box open for typing.
fn typing_the_first_rationale(db: &Path) -> Session {
    let mut s = Session::start(db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("\x1b[B\r");
    s.wait_for("statement 2 of 15");
    s.send("\x1b[D");
    s.wait_for("statement 1 of 15");
    s.send("\r");
    s.wait_for("Esc stop typing");
    s
}

#[test]
fn when_the_recovery_file_cannot_be_written_either_the_screen_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let mut s = typing_the_first_rationale(&db);
    // The log is still empty: a limit at its header leaves no room for the
    // recovery file either.
    fail_next_write(s.pid(), &db);
    s.type_slowly("abc");
    s.wait_for("No recovery file either");
    assert!(!recovery_file(&db).exists());
    s.send("\x03");
    s.wait_for("The recovery file could not be written either");
    s.send("y");
    assert!(s.wait_exit());
}

#[test]
fn sigterm_with_no_recovery_file_prints_the_text_once_the_terminal_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let mut s = typing_the_first_rationale(&db);
    fail_next_write(s.pid(), &db);
    s.type_slowly("words only on screen");
    s.wait_for("No recovery file either");
    // SAFETY: signals our own child.
    unsafe {
        libc::kill(s.pid(), libc::SIGTERM);
    }
    let start = std::time::Instant::now();
    let printed = loop {
        let raw = String::from_utf8_lossy(&s.raw_output()).into_owned();
        // The whole line, not the part of it read so far.
        let whole = raw
            .rfind("your text for")
            .is_some_and(|at| raw[at..].contains('\n'));
        if whole || start.elapsed().as_secs() > 10 {
            break raw;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let tail = &printed[printed.rfind("your text for").expect(&printed)..];
    assert!(tail.contains("words only on screen"), "{tail}");
    let (code, _) = s.wait_exit_code_modes();
    assert_eq!(code, 128 + 15);
}

#[test]
fn a_refused_check_in_survives_sigterm_and_is_put_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let mut s = Session::start(&db, &["--today", "2026-11-22", "checkin"], 100, 30);
    s.wait_for("Write the curriculum story");
    s.send("a");
    s.wait_for("Check-in (amber) saved");
    s.send("\x1b");
    s.wait_for("g/a/r status");
    fail_next_write(s.pid(), &db);
    s.send("g"); // refused: the note box opens anyway
    s.wait_for("not saved yet");
    s.type_slowly("stalled");
    s.wait_for("stalled");
    assert!(std::fs::read_to_string(recovery_file(&db))
        .unwrap()
        .contains("stalled"));
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(s.pid(), libc::SIGTERM);
    }
    let (code, _) = s.wait_exit_code_modes();
    assert_eq!(code, 128 + libc::SIGTERM as u32);

    let mut s = Session::start(&db, &["--today", "2026-11-22", "checkin"], 100, 30);
    s.wait_for("Unsaved text from last time");
    assert!(s
        .screen()
        .contains("check-in of Write the curriculum story"));
    s.send("p");
    s.wait_for("Unsaved text put back where it belongs");
    s.send("\x03");
    assert!(s.wait_exit());
    let conn = Connection::open(&db).unwrap();
    let row: String = conn
        .query_row(
            "SELECT rag || ' ' || note FROM checkins WHERE checked_on = '2026-11-22'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(row, "green stalled");
}
