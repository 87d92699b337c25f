//! End to end: from weak statements to an accepted plan, then a weekly
//! check-in a week later, in the real binary; then the database.

mod common;

use std::process::Command;

use common::Session;
use rusqlite::Connection;

/// owner, checker, cadence, status, date, rag, note, impact note
type CheckInRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
);

const SHORT_TOOL: &str = r#"id = "reading-short"
version = 1
title = "Reading check"
area = "Curriculum"
[[aspects]]
id = "reading"
title = "Reading"
[[aspects.statements]]
id = "phonics"
text = "Phonics is taught daily with fidelity."
[[aspects.statements]]
id = "catch-up"
text = "Weak readers catch up quickly."
[[aspects.statements]]
id = "love"
text = "Pupils read widely for pleasure."
"#;

fn headway(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// Moves through the action form to the named field and types or cycles.
fn set_owner_and_cadence(s: &mut Session, owner: &str, checker: &str) {
    s.wait_for("Owner (accountable)");
    s.send("\x1b[B\x1b[B"); // down twice: to Owner
    s.type_slowly(owner);
    s.wait_for(owner);
    s.send("\x1b[B\x1b[C"); // down to role, right: senior leader
    s.wait_for("senior leader");
    s.send("\x1b[B"); // checker
    s.type_slowly(checker);
    s.wait_for(checker);
    for _ in 0..6 {
        s.send("\x1b[B"); // start, due, milestones, success, impact check, cadence
    }
    s.send("\x1b[D"); // fortnightly -> weekly
    s.wait_for("Check cadence: weekly saved");
    s.send("\x1b"); // back to the plan
    s.wait_for("In the plan");
}

#[test]
fn weak_statements_become_a_plan_that_is_checked_a_week_later() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plan.db");
    let tool = dir.path().join("short.toml");
    std::fs::write(&tool, SHORT_TOOL).unwrap();
    assert!(headway(&db, &["tools", "import", tool.to_str().unwrap()])
        .status
        .success());

    let mut s = Session::start(&db, &["--today", "2026-11-22"], 110, 32);
    s.wait_for("Welcome to headway.");
    s.send("a");
    s.type_slowly("Oakfield Primary");
    s.send("\r");
    s.wait_for("no evaluations yet");
    s.send("\r");
    s.type_slowly("reading check");
    s.wait_for("Reading check (Curriculum)");
    s.send("\t\t\t\r");
    s.wait_for("statement 1 of 3");
    for (level, why) in [
        ("1", "Not daily in year 1"),
        ("2", "No catch-up groups"),
        ("1", "Library shut"),
    ] {
        s.send(level);
        s.type_slowly(why);
        s.wait_for(why);
        s.send("\r");
    }
    s.wait_for("Weak statements (3)");
    s.send("D");
    s.wait_for("3 drafts made from weak statements");
    s.send("a"); // accept the first draft
    s.wait_for("Accepted into the plan");
    // The selection followed it into the plan; back up to the drafts.
    s.send("k");
    s.send("k");
    s.send("m");
    s.send("j");
    s.send("m");
    s.send("M"); // merge the other two
    s.wait_for("2 drafts merged into one");
    // The selection is on the merged draft, not where the cursor was.
    s.send("a"); // accept the merged draft
    s.wait_for("Open priorities: 2");
    // Set owners, checkers and a weekly cadence on both accepted actions.
    // `e` edits the action just accepted, then the one above it.
    s.send("e");
    set_owner_and_cadence(&mut s, "R. Patel", "J. Lee");
    s.send("k");
    // k and e must not arrive together: two keys at once are a paste.
    s.wait_for("▶ Improve: Phonics");
    s.send("e");
    set_owner_and_cadence(&mut s, "S. Okafor", "J. Lee");
    s.send("q");
    s.wait_for("Summary");
    s.send("q");
    s.wait_for("Oakfield Primary");
    s.send("q");
    assert!(s.wait_exit());

    // A week later: the agenda lists both, then the check-in screen.
    let list = headway(
        &db,
        &[
            "--today",
            "2026-11-29",
            "checkin",
            "--list",
            "--checker",
            "lee",
        ],
    );
    let agenda = String::from_utf8_lossy(&list.stdout);
    assert!(
        agenda.contains("Check-ins due in the week from 2026-11-29 for checker lee: 2"),
        "{agenda}"
    );
    assert!(agenda.contains("due today"), "{agenda}");
    let mut s = Session::start(&db, &["--today", "2026-11-29", "checkin"], 110, 32);
    s.wait_for("Weekly check-in");
    s.wait_for("1 of 2");
    s.send("g");
    s.type_slowly("Daily phonics now in every class");
    s.send("\r");
    s.wait_for("2 of 2");
    s.send("a");
    s.type_slowly("Groups start late");
    s.send("\t");
    s.type_slowly("Two pupils moved up a band");
    s.send("\r");
    s.wait_for("All 2 checks are through: 2 checked");
    s.send("q");
    s.wait_for("Oakfield Primary");
    s.send("q");
    assert!(s.wait_exit());

    let conn = Connection::open(&db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT a.owner, a.checker, a.cadence, a.status, c.checked_on, c.rag, c.note, c.impact_note
             FROM checkins c JOIN actions a ON a.uuid = c.action_uuid ORDER BY c.rowid",
        )
        .unwrap();
    let rows: Vec<CheckInRow> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let owners: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert!(
        owners.contains(&"R. Patel") && owners.contains(&"S. Okafor"),
        "{rows:?}"
    );
    for r in &rows {
        assert_eq!(
            (r.1.as_str(), r.2.as_str(), r.3.as_str(), r.4.as_str()),
            ("J. Lee", "weekly", "in progress", "2026-11-29")
        );
    }
    let by_note = |note: &str| {
        rows.iter()
            .find(|r| r.6 == note)
            .unwrap_or_else(|| panic!("{note} in {rows:?}"))
    };
    assert_eq!(by_note("Daily phonics now in every class").5, "green");
    let amber = by_note("Groups start late");
    assert_eq!(
        (amber.5.as_str(), amber.7.as_str()),
        ("amber", "Two pupils moved up a band")
    );
    // The merged action addresses two statements; the absorbed draft is kept.
    let merged: i64 = conn
        .query_row(
            "SELECT count(*) FROM actions WHERE stage = 'merged'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(merged, 1);
    let two: i64 = conn
        .query_row(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM action_statements GROUP BY action_uuid)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(two, 2);
}
