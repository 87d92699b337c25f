//! How long one keystroke's save takes: one BEGIN IMMEDIATE transaction with
//! synchronous=FULL on a real file, beside its floor, a bare SQLite commit
//! of the same text with the same settings (WAL, synchronous=FULL) on a
//! file in the same folder. The two are taken in turn, key by key, so a
//! slow moment of the disk falls on both. Run with `cargo bench --bench
//! keystroke_save`.

mod support;

use std::time::{Duration, Instant};

use headway::domain::evaluation::TextField;
use headway::store::{NewEvaluation, OpenMode, Store};
use rusqlite::{Connection, TransactionBehavior};
use support::report::{self, median, percentile, Amount, Target};

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("bench.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Bench School").unwrap();
    let id = store
        .create_evaluation(&NewEvaluation {
            school_id: school.id,
            tool_id: "curriculum-sequencing".into(),
            tool_version: 1,
            scope: "English".into(),
            cycle: "Autumn 2026".into(),
            attendees: String::new(),
        })
        .unwrap();
    let mut bare = bare_file(&dir.path().join("bare.db"));
    let key = "curriculum-sequencing/intent/purpose-stated";
    let sentence = "Leaders could each tell the story of the curriculum, but pupils in year eight could not say what came before.";
    let mut saves = Vec::new();
    let mut commits = Vec::new();
    for round in 0..5 {
        let mut text = String::new();
        for (n, c) in sentence.chars().enumerate() {
            text.push(c);
            let start = Instant::now();
            store
                .set_text(id, key, TextField::Rationale, &text, n == 0 && round == 0)
                .unwrap();
            saves.push(start.elapsed());
            commits.push(bare_commit(&mut bare, &text));
        }
    }
    let pct = |times: &[Duration], p| percentile(times, p).unwrap();
    println!(
        "keystroke save over {} saves: median {:?}, p90 {:?}, p99 {:?}, max {:?}",
        saves.len(),
        pct(&saves, 50),
        pct(&saves, 90),
        pct(&saves, 99),
        pct(&saves, 100)
    );
    report::section("keystroke save beside a bare SQLite commit (WAL, synchronous=FULL)");
    report::line(
        "keystroke save, median",
        Amount::Time(median(&saves).unwrap()),
        Some(Amount::Time(median(&commits).unwrap())),
        Target::RatioAtMost(1.3),
    );
    report::line(
        "keystroke save, p99",
        Amount::Time(pct(&saves, 99)),
        Some(Amount::Time(pct(&commits, 99))),
        Target::None,
    );
}

/// A file with the store's settings and one row of text.
fn bare_file(path: &std::path::Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "FULL").unwrap();
    conn.execute_batch(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT;
         INSERT INTO notes VALUES (1, '');",
    )
    .unwrap();
    conn
}

/// One transaction that replaces the row's text, timed to its commit.
fn bare_commit(conn: &mut Connection, text: &str) -> Duration {
    let start = Instant::now();
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();
    tx.execute("UPDATE notes SET text = ?1 WHERE id = 1", [text])
        .unwrap();
    tx.commit().unwrap();
    start.elapsed()
}
