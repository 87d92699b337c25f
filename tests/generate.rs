//! The generated file used by the benchmarks: valid, of the asked shape,
//! and the same for the same seed.

mod common;

use headway::store::generate::Shape;
use headway::store::{OpenMode, Store};
use rusqlite::Connection;

fn small(seed: u64) -> Shape {
    Shape {
        schools: 3,
        tools: 2,
        aspects_per_tool: 2,
        statements_per_aspect: 3,
        cycles: 4,
        actions_per_evaluation: 2,
        check_ins_per_action: 3,
        seed,
        as_of: jiff::civil::date(2026, 11, 23),
    }
}

fn count(db: &std::path::Path, table: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_generated_file_has_its_shape_and_passes_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    store.generate(&small(7)).unwrap();
    drop(store);
    assert_eq!(count(&db, "schools"), 3);
    assert_eq!(count(&db, "evaluations"), 3 * 2 * 4);
    assert_eq!(count(&db, "judgements"), 3 * 2 * 4 * 6);
    let actions = count(&db, "actions");
    assert!(actions > 0);
    // Up to three check-ins at its cadence for each action under way or
    // closed (at least one by the day), none for one not started.
    let started: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM actions WHERE status != 'not started'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(started > 0 && started < actions);
    let check_ins = count(&db, "checkins");
    assert!(
        started <= check_ins && check_ins <= started * 3,
        "{check_ins} of {started}"
    );
    let unstarted_checked: i64 = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM checkins c JOIN actions a ON a.uuid = c.action_uuid
             WHERE a.status = 'not started'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unstarted_checked, 0);
    let conn = Connection::open(&db).unwrap();
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0);
    // headway reads it like any file: every evaluation and the reports.
    let store = Store::open(&db, OpenMode::Read).unwrap();
    for e in store.evaluations().unwrap() {
        store.judgements(e.id).unwrap();
        store.actions(e.id).unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(&db)
        .args(["report", "--school", "Generated School 0001"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_generated_file_reads_like_a_liaisons_file_on_its_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let shape = Shape {
        cycles: 5,
        check_ins_per_action: 12,
        as_of: jiff::civil::date(2026, 1, 20),
        ..small(3)
    };
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    store.generate(&shape).unwrap();
    drop(store);
    let conn = Connection::open(&db).unwrap();
    // Cycles in the order they were held, the newest the last before the day.
    let cycles: Vec<String> = conn
        .prepare("SELECT cycle FROM evaluations GROUP BY cycle ORDER BY min(rowid)")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        cycles,
        [
            "Summer 2024",
            "Autumn 2024",
            "Spring 2025",
            "Summer 2025",
            "Autumn 2025"
        ]
    );
    // Plans of the two newest cycles are live; older ones are closed.
    let open_by_cycle = |cycle: &str| -> i64 {
        conn.query_row(
            "SELECT count(*) FROM actions a JOIN evaluations e ON e.uuid = a.evaluation_uuid
             WHERE e.cycle = ?1 AND a.status NOT IN ('done', 'dropped')",
            [cycle],
            |r| r.get(0),
        )
        .unwrap()
    };
    for old in ["Summer 2024", "Autumn 2024", "Spring 2025"] {
        assert_eq!(open_by_cycle(old), 0, "{old}");
    }
    assert!(open_by_cycle("Summer 2025") + open_by_cycle("Autumn 2025") > 0);
    // Done work has its impact judged; the rest is not yet known.
    let unjudged_done: i64 = conn
        .query_row(
            "SELECT count(*) FROM actions WHERE status = 'done' AND impact = 'not yet known'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unjudged_done, 0);
    // Rows are stamped on their own days, not on the day of generating.
    let first_evaluation: String = conn
        .query_row("SELECT min(created_at) FROM evaluations", [], |r| r.get(0))
        .unwrap();
    assert!(
        first_evaluation.starts_with("2024-06-01"),
        "{first_evaluation}"
    );
    // Nobody has checked anything after the day the file is as of.
    let after: i64 = conn
        .query_row(
            "SELECT count(*) FROM checkins WHERE checked_on > '2026-01-20'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(after, 0);
    let latest: String = conn
        .query_row("SELECT max(checked_on) FROM checkins", [], |r| r.get(0))
        .unwrap();
    assert!(latest.as_str() > "2025-12-01", "{latest}");
}

#[test]
fn the_same_seed_gives_the_same_file_and_another_seed_another() {
    let dir = tempfile::tempdir().unwrap();
    let dumps: Vec<Vec<String>> = [1u64, 1, 2]
        .iter()
        .enumerate()
        .map(|(i, seed)| {
            let db = dir.path().join(format!("g{i}.db"));
            let mut store = Store::open(&db, OpenMode::Write).unwrap();
            store.generate(&small(*seed)).unwrap();
            drop(store);
            common::table_rows(&db, true)
        })
        .collect();
    assert_eq!(dumps[0], dumps[1]);
    assert_ne!(dumps[0], dumps[2]);
}

#[test]
fn home_progress_counted_by_sqlite_matches_the_domain_rule() {
    use headway::domain::evaluation::{progress, TextField};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    store.generate(&small(11)).unwrap();
    // A note typed without a level leaves the statement open.
    let first = store.evaluations().unwrap()[0].clone();
    let key = "generated-0/aspect-0/statement-0";
    store.set_level(first.id, key, None).unwrap();
    store
        .set_text(
            first.id,
            key,
            TextField::Rationale,
            "typed, not judged",
            true,
        )
        .unwrap();
    for listing in store.evaluation_listings().unwrap() {
        let e = &listing.evaluation;
        let tool = store.tool(&e.tool_id, e.tool_version).unwrap();
        let judgements = store.judgements(e.id).unwrap();
        assert_eq!(listing.progress, progress(&tool, &judgements), "{}", e.id);
    }
}

#[test]
fn plan_rows_read_in_a_few_queries_match_each_action_read_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("g.db");
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    store.generate(&small(5)).unwrap();
    let rows = store.plan_rows(None).unwrap();
    assert!(!rows.is_empty());
    for row in &rows {
        let alone = store.action(row.action.id).unwrap();
        assert_eq!(row.action, alone);
        let latest = store.check_ins(row.action.id).unwrap().into_iter().next();
        assert_eq!(row.last_check_in, latest);
    }
    let school = rows[0].school_id;
    let one: Vec<_> = store.plan_rows(Some(school)).unwrap();
    assert!(one.iter().all(|r| r.school_id == school));
    assert_eq!(
        one.len(),
        rows.iter().filter(|r| r.school_id == school).count()
    );
}
