//! The terminal in a real pseudo-terminal: hostile text never reaches it as
//! an escape sequence, and a panic or Ctrl+Z / fg always gives it back.

mod common;

use std::time::{Duration, Instant};

use common::Session;
use headway::domain::evaluation::TextField;
use headway::domain::plan::{DraftSeed, Rag};
use headway::store::{NewEvaluation, OpenMode, Store};
use jiff::civil::date;
use rusqlite::Connection;

/// Clear screen, a clipboard write (OSC 52), a link (OSC 8), a window title,
/// a cursor report request, a C1 control introducer and a bidi override.
const HOSTILE: &str = "A\u{1b}[2J\u{1b}]52;c;aGVsbG8=\u{7}B\u{1b}]8;;http://x.invalid\u{1b}\\link\u{1b}]8;;\u{1b}\\\u{1b}]0;pwned\u{7}\u{1b}[6n\u{9b}31m\u{202E}desrever";

/// A database whose text was written by another program, hostile bytes and
/// all: headway's own inputs would have cleaned it.
fn hostile_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("hostile.db");
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    let school = store.add_school("Placeholder school").unwrap().id;
    let keys = store
        .tool("curriculum-sequencing", 1)
        .unwrap()
        .statement_keys();
    let e = store
        .create_evaluation(&NewEvaluation {
            school_id: school,
            tool_id: "curriculum-sequencing".into(),
            tool_version: 1,
            scope: "English".into(),
            cycle: "Autumn 2026".into(),
            attendees: "placeholder".into(),
        })
        .unwrap();
    store.set_level(e, &keys[0], Some(2)).unwrap();
    store
        .set_text(e, &keys[0], TextField::Rationale, "placeholder", true)
        .unwrap();
    let ids = store
        .add_drafts(
            e,
            &[DraftSeed {
                title: "placeholder".into(),
                reason: String::new(),
                impact_check: String::new(),
                statements: vec![keys[0].clone()],
            }],
        )
        .unwrap();
    store.accept_action(ids[0], date(2026, 11, 1)).unwrap();
    let c = store
        .add_check_in(ids[0], date(2026, 11, 8), Rag::Red)
        .unwrap();
    store.set_check_in_text(c, false, "placeholder").unwrap();
    drop(store);
    let conn = Connection::open(&db).unwrap();
    for sql in [
        "UPDATE schools SET name = ?1",
        "UPDATE evaluations SET attendees = ?1",
        "UPDATE judgements SET rationale = ?1",
        "UPDATE actions SET title = ?1",
        "UPDATE checkins SET note = ?1",
    ] {
        conn.execute(sql, [HOSTILE]).unwrap();
    }
    db
}

/// Finds escape sequences that are not the renderer's own: OSC and DCS
/// strings, BEL, a cursor report request, C1 controls and bidi overrides.
fn foreign_sequences(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut found = Vec::new();
    for (needle, what) in [
        ("\u{1b}]", "an OSC string (clipboard, link, title)"),
        ("\u{1b}P", "a DCS string"),
        ("\u{7}", "BEL"),
        ("\u{1b}[6n", "a cursor position request"),
        ("\u{1b}\\", "a string terminator"),
    ] {
        if text.contains(needle) {
            found.push(what.to_string());
        }
    }
    if text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
        found.push("a C1 control".into());
    }
    if text
        .chars()
        .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
    {
        found.push("a bidi override".into());
    }
    // Every remaining ESC must start a well-formed CSI sequence.
    let bytes = raw;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b {
            if bytes.get(i + 1) != Some(&b'[') {
                found.push(format!(
                    "ESC followed by {:?}",
                    bytes.get(i + 1).map(|b| *b as char)
                ));
            } else {
                let mut j = i + 2;
                while j < bytes.len() && (0x20..=0x3f).contains(&bytes[j]) {
                    j += 1;
                }
                if j >= bytes.len() || !(0x40..=0x7e).contains(&bytes[j]) {
                    found.push("an unterminated CSI".into());
                }
            }
        }
        i += 1;
    }
    found
}

#[test]
fn hostile_text_in_the_database_never_reaches_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_db(dir.path());
    let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
    // Home shows the school's name.
    s.wait_for("desrev");
    // The walk: the rationale and who was in the room.
    s.send("\x1b[B\r");
    s.wait_for("› statement");
    s.wait_for("Rationale");
    // The school's plan: the action's title.
    s.send("q");
    s.wait_for("evaluation");
    s.send("\x1b[A");
    s.send("p");
    std::thread::sleep(Duration::from_millis(300));
    s.send("q");
    // The finder: the check-in note.
    s.send("\x06");
    s.wait_for("Find anything");
    s.type_slowly("link");
    s.wait_for("check-in");
    std::thread::sleep(Duration::from_millis(300));
    let raw = s.raw_output();
    s.send("\x03");
    assert!(s.wait_exit());
    let text = String::from_utf8_lossy(&raw);
    assert!(text.contains("desrev"), "the text itself is shown");
    let problems = foreign_sequences(&raw);
    assert!(problems.is_empty(), "found {problems:?}");
}

/// Reads the process state letter from /proc (T when stopped).
fn state(pid: i32) -> char {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit(')')
                .next()
                .map(str::trim)
                .and_then(|r| r.chars().next())
        })
        .unwrap_or('?')
}

fn headway_pid_under(shell: i32) -> Option<i32> {
    let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).ok()?;
    children.split_whitespace().next()?.parse().ok()
}

#[test]
fn ctrl_z_gives_the_terminal_back_and_fg_redraws() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("z.db");
    drop(Store::open(&db, OpenMode::Write).unwrap());
    // A shell with job control, as a user would have; its line editor is
    // told not to turn bracketed paste on, so the modes seen are headway's.
    let inputrc = dir.path().join("inputrc");
    std::fs::write(&inputrc, "set enable-bracketed-paste off\n").unwrap();
    let mut s = Session::start_program(
        "bash",
        &["--norc", "--noprofile", "-i"],
        &[("PS1", "shell$ "), ("INPUTRC", inputrc.to_str().unwrap())],
        100,
        30,
    );
    s.wait_for("shell$");
    s.type_slowly(&format!(
        "{} --db {}\r",
        env!("CARGO_BIN_EXE_headway"),
        db.display()
    ));
    s.wait_for("Welcome to headway.");
    assert_eq!(s.terminal_modes(), (true, true, true));
    let shell = s.pid();
    let app = headway_pid_under(shell).expect("headway runs under the shell");
    s.send("\x1a"); // Ctrl+Z
    let start = Instant::now();
    while state(app) != 'T' && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(state(app), 'T', "headway is stopped");
    s.wait_for("shell$");
    assert_eq!(
        s.terminal_modes(),
        (false, false, false),
        "main screen, cursor shown, bracketed paste off"
    );
    s.type_slowly("fg\r");
    let start = Instant::now();
    while s.terminal_modes() != (true, true, true) && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(s.terminal_modes(), (true, true, true), "{}", s.screen());
    s.wait_for("Welcome to headway.");
    s.send("q");
    s.wait_for("shell$");
    assert_eq!(s.terminal_modes(), (false, false, false));
    s.type_slowly("exit\r");
    assert!(s.wait_exit());
}

#[test]
fn a_panic_gives_the_terminal_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("p.db");
    let s = Session::start_program(
        env!("CARGO_BIN_EXE_headway"),
        &["--db", db.to_str().unwrap()],
        &[("HEADWAY_TEST_PANIC", "1")],
        80,
        24,
    );
    let (ok, modes) = s.wait_exit_modes();
    assert!(!ok, "a panic is a failure");
    assert_eq!(modes, (false, false, false), "the terminal is given back");
}

#[test]
fn the_scanner_finds_every_kind_of_hostile_sequence() {
    // The check above is only as good as this scanner: fed the hostile text
    // itself, it must name each kind of sequence in it.
    let found = foreign_sequences(HOSTILE.as_bytes());
    for kind in [
        "an OSC string (clipboard, link, title)",
        "BEL",
        "a cursor position request",
        "a string terminator",
        "a C1 control",
        "a bidi override",
    ] {
        assert!(
            found.iter().any(|f| f == kind),
            "{kind} not found in {found:?}"
        );
    }
    assert!(foreign_sequences(b"\x1b[1;31mred\x1b[0m\x1b[?1049h").is_empty());
}

#[test]
fn ctrl_c_quits_and_gives_the_terminal_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let mut s = Session::start(&db, &[], 80, 24);
    s.wait_for("Welcome to headway.");
    assert_eq!(s.terminal_modes(), (true, true, true));
    s.send("\x03");
    let (ok, modes) = s.wait_exit_modes();
    assert!(ok);
    assert_eq!(modes, (false, false, false));
}
