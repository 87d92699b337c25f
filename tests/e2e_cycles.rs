//! End to end in a real terminal: a second cycle that builds on the first
//! (carry two judgements forward, re-judge one), the compare screen showing
//! the movement, and the finder jumping to an action by a word from a
//! check-in note.

mod common;

use common::Session;
use headway::domain::evaluation::TextField;
use headway::domain::plan::{DraftSeed, Rag};
use headway::store::{NewEvaluation, OpenMode, Store};
use jiff::civil::date;
use rusqlite::Connection;

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
[[aspects.statements]]
id = "library"
text = "The library is used by every class each week."
"#;

const PHONICS: &str = "reading-short/reading/phonics";
const CATCH_UP: &str = "reading-short/reading/catch-up";
const LOVE: &str = "reading-short/reading/love";
const LIBRARY: &str = "reading-short/reading/library";

/// A school with a judged summer cycle and a plan action with check-ins.
fn summer(db: &std::path::Path) {
    let mut store = Store::open(db, OpenMode::Write).unwrap();
    store.import_tool(SHORT_TOOL).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap().id;
    let e = store
        .create_evaluation(&NewEvaluation {
            school_id: school,
            tool_id: "reading-short".into(),
            tool_version: 1,
            scope: "Whole school".into(),
            cycle: "Summer 2026".into(),
            attendees: "Liaison: A. Khan".into(),
        })
        .unwrap();
    for (key, level, why) in [
        (PHONICS, 2, "Drift from the scheme in Year 1"),
        (CATCH_UP, 3, "Catch-up groups work well"),
        (LIBRARY, 3, "Every class has a slot"),
    ] {
        store.set_level(e, key, Some(level)).unwrap();
        store
            .set_text(e, key, TextField::Rationale, why, true)
            .unwrap();
    }
    store.set_deferred(e, LOVE, true).unwrap();
    store
        .set_text(
            e,
            LOVE,
            TextField::DeferNote,
            "Wait for the reading survey",
            true,
        )
        .unwrap();
    let ids = store
        .add_drafts(
            e,
            &[DraftSeed {
                title: "Phonics fidelity in Year 1".into(),
                reason: String::new(),
                impact_check: String::new(),
                statements: vec![PHONICS.into()],
            }],
        )
        .unwrap();
    store.accept_action(ids[0], date(2026, 7, 1)).unwrap();
    let c = store
        .add_check_in(ids[0], date(2026, 10, 5), Rag::Green)
        .unwrap();
    store
        .set_check_in_text(
            c,
            false,
            "Walkthroughs show the scheme followed in every room",
        )
        .unwrap();
}

#[test]
fn a_second_cycle_carries_rejudges_and_compares() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cycles.db");
    summer(&db);

    let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("n");
    s.wait_for("New evaluation for Oakfield Primary");
    s.type_slowly("reading check");
    s.wait_for("Reading check (Curriculum)");
    s.send("\t\t");
    s.wait_for("Autumn 2026");
    s.send("\t");
    s.type_slowly("Liaison: A. Khan; Head: J. Lee");
    s.send("\r");
    // Last time's deferred statement comes first, with its note.
    s.wait_for("Pupils read widely for pleasure.");
    s.wait_for("Last time · Summer 2026: left until next time — Wait for the reading survey");
    s.send("4");
    s.type_slowly("Survey shows most pupils read at home");
    s.send("\r");
    // Then the rest in tool order, each with last time's judgement.
    s.wait_for("Phonics is taught daily with fidelity.");
    s.wait_for("Last time · Summer 2026: 2");
    s.wait_for("Drift from the scheme in Year 1");
    // Closing the loop: the plan's action and its last check-in.
    s.wait_for("Plan: Phonics fidelity in Year 1");
    s.wait_for("2026-10-05 green: Walkthroughs show the scheme");
    s.send("3");
    s.type_slowly("Scheme followed everywhere now");
    s.send("\r");
    s.wait_for("Weak readers catch up quickly.");
    s.send("c");
    s.wait_for("Carried 3");
    s.wait_for("The library is used by every class each week.");
    s.send("c");
    // The last carry ends the walk at the summary.
    s.wait_for("Builds on Summer 2026: 2 judgements carried forward unchanged");
    s.send("C");
    s.wait_for("Compare cycles: Reading check");
    s.wait_for("Sum26 Aut26");
    let screen = s.screen();
    let phonics = screen
        .lines()
        .find(|l| l.contains("Phonics is taught"))
        .expect("a phonics row");
    assert!(phonics.contains("↑ up"), "{screen}");
    let catch_up = screen
        .lines()
        .find(|l| l.contains("Weak readers"))
        .expect("a catch-up row");
    assert!(
        catch_up.contains("3*") && catch_up.contains("= same"),
        "{screen}"
    );
    s.send("\x03");
    assert!(s.wait_exit());

    let conn = Connection::open(&db).unwrap();
    let rows: Vec<(String, Option<i64>, Option<i64>, String)> = conn
        .prepare(
            "SELECT j.statement_key, j.level,
                    (SELECT c.rowid FROM evaluations c WHERE c.uuid = j.carried_from), j.rationale
             FROM judgements j
             JOIN evaluations e ON e.uuid = j.evaluation_uuid WHERE e.cycle = 'Autumn 2026'
             ORDER BY j.statement_key",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        rows,
        [
            (
                CATCH_UP.into(),
                Some(3),
                Some(1),
                "Catch-up groups work well".into()
            ),
            (
                LIBRARY.into(),
                Some(3),
                Some(1),
                "Every class has a slot".into()
            ),
            (
                LOVE.into(),
                Some(4),
                None,
                "Survey shows most pupils read at home".into()
            ),
            (
                PHONICS.into(),
                Some(3),
                None,
                "Scheme followed everywhere now".into()
            ),
        ]
    );
}

#[test]
fn the_finder_jumps_to_an_action_by_a_word_from_its_check_in_note() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("find.db");
    summer(&db);
    let mut s = Session::start(&db, &["--today", "2026-11-22"], 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("\x06"); // Ctrl+F
    s.wait_for("Find anything");
    s.type_slowly("walkthroughs");
    s.wait_for("check-in");
    s.wait_for("Walkthroughs show the scheme");
    s.send("\r");
    // The action form of the action that check-in belongs to.
    s.wait_for("Phonics fidelity in Year 1");
    s.wait_for("Owner (accountable)");
    s.send("\x03");
    assert!(s.wait_exit());
}
