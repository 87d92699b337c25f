//! The report across schools, from a real database and the real binary:
//! each aspect's weak share with its movement, the statements weak in
//! several schools, and plan health most concerning first, as Markdown,
//! CSV and HTML.

mod common;

use headway::domain::plan::{DraftSeed, Rag};
use headway::store::{ActionField, NewEvaluation, OpenMode, Store};
use jiff::civil::date;

const TOOL: &str = "curriculum-sequencing";
const K1: &str = "curriculum-sequencing/intent/purpose-stated";
const K2: &str = "curriculum-sequencing/intent/ambition-for-all";

fn evaluation(store: &mut Store, school: i64, cycle: &str) -> i64 {
    store
        .create_evaluation(&NewEvaluation {
            school_id: school,
            tool_id: TOOL.into(),
            tool_version: 1,
            scope: "English".into(),
            cycle: cycle.into(),
            attendees: String::new(),
        })
        .unwrap()
}

/// Ash: purpose weak now and before, ambition weak before only. Birch
/// (with a name that is HTML): purpose weak, and a plan whose action had
/// a red check-in and is past its check.
fn two_schools(db: &std::path::Path) {
    // No process starts while the store holds its lock: a child would
    // inherit the lock until it runs its program.
    let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let mut store = Store::open(db, OpenMode::Write).unwrap();
    let ash = store.add_school("Ash Primary").unwrap();
    let birch = store.add_school("Birch <b>Academy</b>").unwrap();
    let before = evaluation(&mut store, ash.id, "Summer 2026");
    store.set_level(before, K1, Some(1)).unwrap();
    store.set_level(before, K2, Some(2)).unwrap();
    let now = evaluation(&mut store, ash.id, "Autumn 2026");
    store.set_level(now, K1, Some(2)).unwrap();
    store.set_level(now, K2, Some(4)).unwrap();
    let b = evaluation(&mut store, birch.id, "Autumn 2026");
    store.set_level(b, K1, Some(1)).unwrap();
    let action = store
        .add_drafts(
            b,
            &[DraftSeed {
                title: "Agree a clear purpose".into(),
                reason: String::new(),
                impact_check: String::new(),
                statements: vec![K1.into()],
            }],
        )
        .unwrap()[0];
    store.accept_action(action, date(2026, 10, 1)).unwrap();
    store
        .set_action_field(action, ActionField::Cadence, Some("weekly"), true)
        .unwrap();
    store
        .add_check_in(action, date(2026, 10, 8), Rag::Red)
        .unwrap();
}

fn report(db: &std::path::Path, format: &str) -> std::process::Output {
    let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .args(["--db", db.to_str().unwrap(), "--today", "2026-11-23"])
        .args(["report", "--across", "--format", format])
        .output()
        .unwrap()
}

#[test]
fn the_report_across_schools_shows_shares_shared_weaknesses_and_plan_health() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    two_schools(&db);

    let out = report(&db, "markdown");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let md = String::from_utf8(out.stdout).unwrap();
    // Ash's intent: 1 of 2 judged weak now (50%), 2 of 2 before (100%).
    assert!(
        md.contains("| Ash Primary · English | Autumn 2026 | 50% ↓50 |"),
        "{md}"
    );
    assert!(md.contains("**2 schools**"), "{md}");
    assert!(md.contains("Leaders can say in plain words"), "{md}");
    // Birch first: a red check-in and an overdue check.
    let health = md.split("Plan health").nth(1).unwrap();
    let birch = health.find("Birch").unwrap();
    let ash = health.find("Ash").unwrap();
    assert!(birch < ash, "{health}");
    assert!(health.contains("| 1 | 1 | 1 | 0 |"), "{health}");

    let out = report(&db, "csv");
    assert!(out.status.success());
    let mut rows = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = rows.headers().unwrap().clone();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let ash_intent = records
        .iter()
        .find(|r| &r[col("school")] == "Ash Primary" && r[col("aspect")].contains("intent"))
        .expect("a row for Ash's intent aspect");
    assert_eq!(&ash_intent[col("weak_percent")], "50");
    assert_eq!(&ash_intent[col("movement_points")], "-50");

    let out = report(&db, "html");
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(
        html.contains("Birch &lt;b&gt;Academy&lt;/b&gt;"),
        "names are escaped"
    );
    assert!(!html.contains("<b>Academy"), "{html}");

    let out = report(&db, "ics");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("html, markdown or csv"));
}

/// The same view in the app: `A` on home, at 80x24 and at 200x50.
#[test]
fn the_across_screen_reads_at_every_size() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use headway::tui::app::App;
    use headway::tui::theme::Theme;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    two_schools(&db);
    let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let store = Store::open(&db, OpenMode::Write).unwrap();
    let mut app = App::new(store, date(2026, 11, 23), Theme::new(true));
    let press =
        |app: &mut App, c: char| app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    press(&mut app, 'A');
    for (w, h) in [(80, 24), (200, 50)] {
        let text = common::screen(&app, w, h);
        assert!(text.contains("Across schools"), "{text}");
        assert!(text.contains("Curriculum intent and sequencing"), "{text}");
        let ash = text
            .lines()
            .find(|l| l.contains("Ash Primary"))
            .unwrap_or_default();
        assert!(ash.contains("50% ↓50"), "{w}x{h}: {ash}\n{text}");
    }
    press(&mut app, 'G');
    let text = common::screen(&app, 80, 24);
    assert!(text.contains("Plan health"), "{text}");
    let health: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("Plan health"))
        .collect();
    let birch = health.iter().position(|l| l.contains("Birch"));
    let ash = health.iter().position(|l| l.contains("Ash Primary"));
    assert!(
        birch.is_some() && birch < ash,
        "most concerning first:\n{text}"
    );
    press(&mut app, 'q');
    assert!(common::screen(&app, 80, 24).contains("schools and evaluations"));
}
