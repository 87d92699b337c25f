//! How long one keystroke's save takes: one BEGIN IMMEDIATE transaction with
//! synchronous=FULL on a real file. Run with `cargo bench`.

use std::time::Instant;

use headway::domain::evaluation::TextField;
use headway::store::{NewEvaluation, OpenMode, Store};

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
    let key = "curriculum-sequencing/intent/purpose-stated";
    let sentence = "Leaders could each tell the story of the curriculum, but pupils in year eight could not say what came before.";
    let mut times = Vec::new();
    for round in 0..5 {
        let mut text = String::new();
        for (n, c) in sentence.chars().enumerate() {
            text.push(c);
            let start = Instant::now();
            store
                .set_text(id, key, TextField::Rationale, &text, n == 0 && round == 0)
                .unwrap();
            times.push(start.elapsed());
        }
    }
    times.sort();
    let pct = |p: usize| times[(times.len() - 1) * p / 100];
    println!(
        "keystroke save over {} saves: median {:?}, p90 {:?}, p99 {:?}, max {:?}",
        times.len(),
        pct(50),
        pct(90),
        pct(99),
        times[times.len() - 1]
    );
}
