//! Issue 11, the meeting never stumbles: the real binary in a
//! pseudo-terminal, then what the database holds.

mod common;

use std::path::Path;

use common::{add_evaluation, Session};
use headway::store::{OpenMode, Store};
use rusqlite::Connection;

const TODAY: &[&str] = &["--today", "2026-11-22"];

/// Evaluations not removed, and every evaluation row.
fn evaluations(db: &Path) -> (i64, i64) {
    let conn = Connection::open(db).unwrap();
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get(0)).unwrap();
    (
        count("SELECT count(*) FROM evaluations WHERE removed_at IS NULL"),
        count("SELECT count(*) FROM evaluations"),
    )
}

/// Oakfield Primary with a behaviour evaluation of the whole school in
/// Autumn 2026, nothing judged yet.
fn one_evaluation_in_progress(db: &Path) -> i64 {
    let mut store = Store::open(db, OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    add_evaluation(
        &mut store,
        school.id,
        "behaviour-attendance",
        "Whole school",
    )
}

#[test]
fn enter_on_a_school_resumes_its_evaluation_in_progress() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    one_evaluation_in_progress(&db);
    let mut s = Session::start(&db, TODAY, 80, 24);
    s.wait_for("Oakfield Primary");
    // The school's row is selected at launch: Enter resumes, not restarts.
    s.send("\r");
    s.wait_for("statement 1 of 13");
    assert_eq!(evaluations(&db), (1, 1));
    s.send("q");
    s.wait_for("schools and evaluations");
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn starting_an_evaluation_that_exists_says_so_and_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    one_evaluation_in_progress(&db);
    let mut s = Session::start(&db, TODAY, 80, 24);
    s.wait_for("Oakfield Primary");
    s.send("n");
    s.wait_for("New evaluation for Oakfield Primary");
    s.type_slowly("behav");
    s.send("\t");
    s.wait_for("Whole school");
    s.send("\t\t\r");
    s.wait_for("already has this tool");
    assert_eq!(evaluations(&db), (1, 1), "no second evaluation");
    // Enter again opens the one already started.
    s.send("\r");
    s.wait_for("statement 1 of 13");
    assert_eq!(evaluations(&db), (1, 1));
    s.send("\x03");
    assert!(s.wait_exit());
    // Another cycle is another evaluation.
    let mut s = Session::start(&db, TODAY, 80, 24);
    s.wait_for("Oakfield Primary");
    s.send("n");
    s.wait_for("New evaluation for Oakfield Primary");
    s.type_slowly("behav");
    s.send("\t\t");
    s.wait_for("Autumn 2026");
    // Clear the cycle and type another.
    for _ in 0.."Autumn 2026".len() {
        s.send("\x7f");
    }
    s.type_slowly("Spring 2027");
    s.send("\t\r");
    s.wait_for("statement 1 of 13");
    assert_eq!(evaluations(&db), (2, 2));
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn an_evaluation_made_by_mistake_is_removed_after_asking_and_kept_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    one_evaluation_in_progress(&db);
    let mut s = Session::start(&db, TODAY, 80, 24);
    s.wait_for("Oakfield Primary");
    s.send("j");
    s.send("x");
    s.wait_for("Remove this evaluation?");
    // Any key but y keeps it.
    s.send("n");
    s.wait_for("Nothing removed.");
    assert_eq!(evaluations(&db), (1, 1));
    s.send("x");
    s.wait_for("Remove this evaluation?");
    s.send("y");
    s.wait_for("no evaluations yet");
    assert_eq!(evaluations(&db), (0, 1), "removed, and still in the file");
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn a_removed_evaluation_is_not_last_time_and_one_with_a_plan_is_not_removed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let (evaluation, _action) = common::meeting_db(&db);
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    let refused = store.remove_evaluation(evaluation).unwrap_err();
    assert!(
        refused.to_string().contains("in the school's plan"),
        "{refused}"
    );
    // A second cycle started by mistake, then a third.
    let first = store.evaluation(evaluation).unwrap();
    let mut next = |cycle: &str| {
        store
            .create_evaluation(&headway::store::NewEvaluation {
                school_id: first.school_id,
                tool_id: first.tool_id.clone(),
                tool_version: first.tool_version,
                scope: first.scope.clone(),
                cycle: cycle.into(),
                attendees: String::new(),
            })
            .unwrap()
    };
    let mistake = next("Spring 2027");
    let third = next("Summer 2027");
    store.remove_evaluation(mistake).unwrap();
    let third = store.evaluation(third).unwrap();
    let last_time = store.previous_evaluation(&third).unwrap().unwrap();
    assert_eq!(last_time.id, evaluation, "the removed one is skipped");
    // Starting the same cycle again is refused, in any case or spacing.
    let again = store.create_evaluation(&headway::store::NewEvaluation {
        school_id: first.school_id,
        tool_id: first.tool_id.clone(),
        tool_version: first.tool_version,
        scope: format!(" {} ", first.scope.to_uppercase()),
        cycle: "summer 2027".into(),
        attendees: String::new(),
    });
    assert!(matches!(
        again,
        Err(headway::store::StoreError::AlreadyStarted(id)) if id == third.id
    ));
}

/// Oakfield Primary's curriculum evaluation of English with three drafts,
/// titled First, Second and Third draft. Returns the evaluation.
fn three_drafts(db: &Path) -> i64 {
    use headway::domain::plan::DraftSeed;
    let mut store = Store::open(db, OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    store.add_school("Riverside Academy").unwrap();
    let evaluation = add_evaluation(&mut store, school.id, "curriculum-sequencing", "English");
    let keys = [
        "curriculum-sequencing/intent/purpose-stated",
        "curriculum-sequencing/intent/ambition-for-all",
        "curriculum-sequencing/intent/knowledge-specified",
    ];
    let seeds: Vec<DraftSeed> = ["First draft", "Second draft", "Third draft"]
        .iter()
        .zip(keys)
        .map(|(title, key)| DraftSeed {
            title: title.to_string(),
            reason: String::new(),
            impact_check: String::new(),
            statements: vec![key.into()],
        })
        .collect();
    store.add_drafts(evaluation, &seeds).unwrap();
    evaluation
}

fn selected_line(s: &Session) -> String {
    s.screen()
        .lines()
        .find(|l| l.contains('▶'))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn after_a_child_screen_the_selection_is_where_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    three_drafts(&db);
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("Oakfield Primary");
    // Home → summary → drafts; the second draft selected and edited.
    s.send("j");
    s.send("s");
    s.wait_for("Summary:");
    s.send("P");
    s.wait_for("Third draft");
    s.send("j");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(selected_line(&s).contains("Second draft"), "{}", s.screen());
    s.send("e");
    s.wait_for("Action ·");
    s.send("\x1b");
    s.wait_for("Third draft");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(
        selected_line(&s).contains("Second draft"),
        "back on the same draft:\n{}",
        s.screen()
    );
    // Editing again reaches the draft the user is looking at.
    s.send("e");
    s.wait_for("Action · draft · Second draft");
    s.send("\x1b");
    s.wait_for("Third draft");
    // Back to the summary and home: home still has the evaluation selected.
    s.send("q");
    s.wait_for("Summary:");
    s.send("q");
    s.wait_for("schools and evaluations");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(selected_line(&s).contains("Autumn 2026"), "{}", s.screen());
    // Home keeps its selection across the plan and the check-in too.
    s.send("G");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(selected_line(&s).contains("Riverside Academy"));
    for (key, shows) in [("p", "Plan for Riverside Academy"), ("c", "heck")] {
        s.send(key);
        s.wait_for(shows);
        s.send("q");
        s.wait_for("schools and evaluations");
        std::thread::sleep(std::time::Duration::from_millis(200));
        assert!(
            selected_line(&s).contains("Riverside Academy"),
            "after {key}:\n{}",
            s.screen()
        );
    }
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn drafting_again_adds_nothing_already_drafted_discarded_or_in_the_plan() {
    use headway::domain::plan::DraftSeed;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let k1 = "curriculum-sequencing/intent/purpose-stated";
    let k2 = "curriculum-sequencing/intent/ambition-for-all";
    {
        let mut store = Store::open(&db, OpenMode::Write).unwrap();
        let school = store.add_school("Oakfield Primary").unwrap();
        // Last cycle: statement 1 weak, and its action is still in the plan.
        let last = store
            .create_evaluation(&headway::store::NewEvaluation {
                school_id: school.id,
                tool_id: "curriculum-sequencing".into(),
                tool_version: 1,
                scope: "English".into(),
                cycle: "Summer 2026".into(),
                attendees: String::new(),
            })
            .unwrap();
        let ids = store
            .add_drafts(
                last,
                &[DraftSeed {
                    title: "Write the curriculum story".into(),
                    reason: String::new(),
                    impact_check: String::new(),
                    statements: vec![k1.into()],
                }],
            )
            .unwrap();
        store
            .accept_action(ids[0], jiff::civil::date(2026, 6, 1))
            .unwrap();
        // This cycle: statements 1 and 2 weak.
        let now = add_evaluation(&mut store, school.id, "curriculum-sequencing", "English");
        store.set_level(now, k1, Some(1)).unwrap();
        store.set_level(now, k2, Some(2)).unwrap();
    }
    let drafts = || -> i64 {
        Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM actions WHERE stage IN ('draft', 'discarded')",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("j");
    s.send("s");
    s.wait_for("Summary:");
    s.send("D");
    s.wait_for("1 draft made from a weak statement; left alone: 1 already in the plan");
    // The school's whole plan counts: last cycle's action is open.
    s.wait_for("Open priorities: 1");
    assert_eq!(drafts(), 1);
    s.send("q");
    s.wait_for("Summary:");
    s.send("D");
    s.wait_for("No new drafts; left alone: 1 already drafted, 1 already in the plan");
    assert_eq!(drafts(), 1);
    // Discarded, it stays discarded.
    s.send("x");
    s.wait_for("Draft discarded");
    s.send("q");
    s.wait_for("Summary:");
    s.send("D");
    s.wait_for("left alone: 1 already in the plan, 1 discarded (u brings one back)");
    assert_eq!(drafts(), 1);
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn a_message_has_its_own_line_never_hides_a_key_and_fades() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    one_evaluation_in_progress(&db);
    let mut s = Session::start(&db, TODAY, 80, 24);
    s.wait_for("Oakfield Primary");
    s.send("\r");
    s.wait_for("statement 1 of 13");
    s.send("3");
    s.wait_for("Judgement 3 Secure saved");
    let screen = s.screen();
    let rows: Vec<&str> = screen.lines().collect();
    let message = rows
        .iter()
        .position(|r| r.contains("Judgement 3 Secure saved"))
        .unwrap();
    // The keys are all there, below the message; in a text box `?` is a
    // letter, so the help is F1.
    let keys = rows[message + 1..].join(" ");
    assert!(keys.contains("F1 help"), "{screen}");
    assert!(keys.contains("Enter next statement"), "{screen}");
    assert!(!rows[message].contains("help"), "{screen}");
    // A few seconds later the message has gone; the keys stay.
    std::thread::sleep(std::time::Duration::from_millis(4600));
    let screen = s.screen();
    assert!(!screen.contains("Secure saved"), "{screen}");
    assert!(screen.contains("Enter next statement"), "{screen}");
    s.send("\x03");
    assert!(s.wait_exit());
}

/// Waits (a few seconds at most) for a value read from the file to be
/// `want`: a save follows the key that made it, a moment later.
fn settles(read: impl Fn() -> String, want: &str) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let mut got = read();
    while got != want && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(50));
        got = read();
    }
    assert_eq!(got, want);
}

#[test]
fn a_field_entered_has_its_text_selected_and_shell_keys_edit_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let evaluation = three_drafts(&db);
    let action = |column: &str| -> String {
        Connection::open(&db)
            .unwrap()
            .query_row(
                &format!(
                    "SELECT coalesce({column}, '') FROM actions
                     WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1)
                     ORDER BY rowid LIMIT 1"
                ),
                [evaluation],
                |r| r.get(0),
            )
            .unwrap()
    };
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("j");
    s.send("s");
    s.wait_for("Summary:");
    s.send("P");
    s.wait_for("Third draft");
    s.send("e");
    s.wait_for("Action · draft · First draft");
    // The title is selected: typing replaces it.
    s.type_slowly("Phonics catch-up");
    s.wait_for("Title saved");
    settles(|| action("title"), "Phonics catch-up");
    // Down past the description to the owner: typed, then Ctrl+W, Ctrl+/
    // (undo) and Ctrl+U.
    s.send("\x1b[B");
    s.send("\x1b[B");
    s.type_slowly("R. Patel");
    s.wait_for("saved");
    s.send("\x17"); // Ctrl+W: the word before
    std::thread::sleep(std::time::Duration::from_millis(300));
    settles(|| action("owner"), "R. ");
    s.send("\x1f"); // Ctrl+/ (Ctrl+_): undo
    std::thread::sleep(std::time::Duration::from_millis(300));
    settles(|| action("owner"), "R. Patel");
    s.send("\x15"); // Ctrl+U: back to the start
    std::thread::sleep(std::time::Duration::from_millis(300));
    settles(|| action("owner"), "");
    // Down to the due date, twice over: the second replaces the first.
    for _ in 0..4 {
        s.send("\x1b[B");
    }
    s.wait_for("Due date");
    std::thread::sleep(std::time::Duration::from_millis(200));
    // Passing through the start date changed nothing, and says nothing.
    assert!(!s.screen().contains("Start date saved"), "{}", s.screen());
    s.type_slowly("2026-11-30");
    s.send("\x1b[A");
    s.send("\x1b[B");
    s.type_slowly("2026-12-01");
    s.send("\x1b[A");
    std::thread::sleep(std::time::Duration::from_millis(300));
    settles(|| action("due_date"), "2026-12-01");
    s.send("\x1b");
    s.wait_for("Third draft");
    // The limit of open priorities: typing 3 makes it 3, not 53.
    s.send("L");
    s.wait_for("limit");
    s.send("3\r");
    s.wait_for("Limit of 3 open priorities saved");
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn the_check_in_shows_what_was_checked_today_counts_right_and_undoes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let (_, action) = common::meeting_db(&db);
    let today = || -> (i64, String) {
        Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT count(*), coalesce(max(rag), '') FROM checkins
                 WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1)
                   AND checked_on = '2026-11-22'",
                [action],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
    };
    let status = || -> String {
        Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT status FROM actions WHERE rowid = ?1",
                [action],
                |r| r.get(0),
            )
            .unwrap()
    };
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("c");
    s.wait_for("Write the curriculum story");
    // A check-in made by mistake is taken back; its words stay in history.
    s.send("g");
    s.type_slowly("Wrong action");
    s.wait_for("Note saved");
    s.send("\x1b");
    // The note closed: the keys of the list are back.
    s.wait_for("u undo");
    assert_eq!(today(), (1, "green".into()));
    s.send("u");
    s.wait_for("Check-in taken back");
    assert_eq!(today().0, 0);
    let kept: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT old_value FROM action_revisions WHERE field = 'check-in withdrawn'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(kept.contains("Wrong action"), "{kept}");
    // Checked for real, then back with ←: nothing is left, not two.
    s.send("a");
    s.type_slowly("Slow but moving");
    s.send("\r");
    s.wait_for(" through: ");
    s.send("\x1b[D");
    s.wait_for("checked 1 · skipped 0 · done 0 · left 0");
    s.send("q");
    s.wait_for("schools and evaluations");
    // Opened again the same day: it says what was checked, and a colour
    // key changes today's check-in rather than adding one.
    s.send("c");
    s.wait_for("CHECKED TODAY: AMBER");
    s.wait_for("checked 1 · skipped 0 · done 0 · left 0");
    s.send("g");
    s.send("\x1b");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(today(), (1, "green".into()));
    // Done, and undone.
    s.send("D");
    s.wait_for("Marked done");
    assert_eq!(status(), "done");
    s.send("\x1b[D");
    s.send("u");
    s.wait_for("No longer marked done");
    assert_eq!(status(), "in progress");
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn after_an_unclean_end_the_half_typed_rationale_is_shown_and_reached() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    one_evaluation_in_progress(&db);
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("\r");
    s.wait_for("statement 1 of 13");
    s.send("\x1b[C"); // on to statement 2
    s.wait_for("statement 2 of 13");
    s.send("2");
    s.type_slowly("Staff agree the routines but the corridors at lunch are noi");
    s.wait_for("Rationale saved");
    s.kill_hard();
    // The next start says where the meeting was and how the text ends.
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("Pick up where you were?");
    s.wait_for("statement 2 of 13");
    s.wait_for("lunch are noi\"");
    s.send("\r");
    s.wait_for("statement 2 of 13");
    s.wait_for("Rationale");
    assert!(s.screen().contains("lunch are noi"));
    // Quitting normally leaves nothing to pick up.
    s.send("q");
    s.wait_for("schools and evaluations");
    s.send("q");
    assert!(s.wait_exit());
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("Oakfield Primary");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!s.screen().contains("Pick up where you were?"));
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn ctrl_x_writes_a_note_in_the_users_own_editor() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    one_evaluation_in_progress(&db);
    // An "editor" that says how private its file was and what it was given.
    let editor = dir.path().join("editor.sh");
    std::fs::write(
        &editor,
        "#!/bin/sh\nwas=$(cat \"$1\")\nprintf 'mode %s, was [%s], now written in an editor\\n' \"$(stat -c %a \"$1\")\" \"$was\" > \"$1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o700)).unwrap();
    let db_arg = db.to_string_lossy().to_string();
    let mut s = Session::start_program(
        env!("CARGO_BIN_EXE_headway"),
        &["--db", &db_arg, "--today", "2026-11-22"],
        &[
            ("VISUAL", editor.to_str().unwrap()),
            ("TMPDIR", dir.path().to_str().unwrap()),
        ],
        100,
        30,
    );
    s.wait_for("Oakfield Primary");
    s.send("\r");
    s.wait_for("statement 1 of 13");
    s.send("3");
    s.type_slowly("Typed here");
    s.wait_for("Rationale saved");
    s.send("\x18"); // Ctrl+X
    s.wait_for("now written in an editor");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let rationale: String = Connection::open(&db)
        .unwrap()
        .query_row("SELECT rationale FROM judgements", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        rationale,
        "mode 600, was [Typed here], now written in an editor"
    );
    // The temporary file is gone.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("headway-note"))
        .collect();
    assert!(left.is_empty());
    s.send("\x03");
    assert!(s.wait_exit());
}

/// The app on the school's plan, in its first action's due date.
fn due_date_of_the_first_action(db: &Path) -> Session {
    let mut s = Session::start(db, TODAY, 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("p");
    s.wait_for("Plan for Oakfield Primary");
    s.send("\r");
    s.wait_for("Action ·");
    for _ in 0..6 {
        s.send("\x1b[B");
    }
    s.wait_for("Due date");
    s
}

#[test]
fn ctrl_c_saves_a_typed_date_first_and_asks_twice_over_text_that_would_be_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let (_, action) = common::meeting_db(&db);
    let column = |name: &str| -> String {
        Connection::open(&db)
            .unwrap()
            .query_row(
                &format!("SELECT coalesce({name}, '') FROM actions WHERE rowid = ?1"),
                [action],
                |r| r.get(0),
            )
            .unwrap()
    };
    let mut s = due_date_of_the_first_action(&db);
    s.type_slowly("2027-02-11");
    // Ctrl+C: the date is checked and saved, then the app ends.
    s.send("\x03");
    assert!(s.wait_exit());
    assert_eq!(column("due_date"), "2027-02-11");
    // Text that is not a date: the first Ctrl+C says so, the second quits.
    let mut s = due_date_of_the_first_action(&db);
    s.type_slowly("2027-13-01");
    s.send("\x03");
    s.wait_for("again to quit without it");
    s.send("\x03");
    assert!(s.wait_exit());
    assert_eq!(column("due_date"), "2027-02-11");
}

#[test]
fn an_evaluation_with_a_plan_is_not_offered_for_removal_and_home_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    common::meeting_db(&db);
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("j");
    s.send("x");
    s.wait_for("has actions in the school's plan");
    assert!(!s.screen().contains("Remove this evaluation?"));
    // Keys still work at once.
    s.send("p");
    s.wait_for("Plan for Oakfield Primary");
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn a_colour_changed_by_mistake_is_put_back_and_kept_in_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let (_, action) = common::meeting_db(&db);
    let rag = || -> String {
        Connection::open(&db)
            .unwrap()
            .query_row(
                "SELECT rag FROM checkins WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1)
                 AND checked_on = '2026-11-22'",
                [action],
                |r| r.get(0),
            )
            .unwrap()
    };
    let mut s = Session::start(&db, TODAY, 100, 30);
    s.wait_for("Oakfield Primary");
    s.send("c");
    s.wait_for("Write the curriculum story");
    s.send("g");
    s.wait_for("Check-in (green) saved");
    s.send("\x1b");
    s.wait_for("u undo");
    s.send("r");
    s.wait_for("Check-in (red) saved");
    s.send("\x1b");
    s.wait_for("u undo");
    assert_eq!(rag(), "red");
    s.send("u");
    s.wait_for("Colour put back");
    assert_eq!(rag(), "green");
    let kept: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM action_revisions WHERE field = 'check-in colour'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 2, "green replaced by red, then red by green");
    s.send("\x03");
    assert!(s.wait_exit());
}
