//! In a real terminal, last cycle's confidential rationale never reaches the
//! shared screen until `v` is pressed on that statement: not one byte of it
//! is written to the terminal before.

mod common;

use common::{confidential_db, Session};

#[test]
fn last_cycles_confidential_rationale_is_not_sent_to_the_terminal_until_v() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    confidential_db(&db);
    let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("\x1b[B\r");
    s.wait_for("statement 2 of 15");
    s.send("\x1b[D");
    s.wait_for("statement 1 of 15");
    s.wait_for("[confidential: press v to show]");
    let before = String::from_utf8_lossy(&s.raw_output()).into_owned();
    assert!(!before.contains("capability"), "sent before v");
    assert!(!before.contains("off sick"), "sent before v");
    s.send("v");
    s.wait_for("Head of maths on a capability plan");
    s.wait_for("Teacher off sick");
    s.send("l");
    s.wait_for("statement 2 of 15");
    s.send("h");
    s.wait_for("statement 1 of 15");
    s.wait_for("[confidential: press v to show]");
    assert!(!s.screen().contains("capability"), "{}", s.screen());
    s.send("\x03");
    assert!(s.wait_exit());
}
