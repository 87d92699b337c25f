//! How quickly the finder loads and answers on a large database: 20
//! schools with 12 cycles each, every statement judged with a rationale,
//! and a plan with check-ins. Run with `cargo bench --bench finder`.

use std::time::{Duration, Instant};

use headway::domain::evaluation::TextField;
use headway::domain::plan::{DraftSeed, Rag};
use headway::finder::Index;
use headway::store::{NewEvaluation, OpenMode, Store};
use jiff::civil::date;

const WORDS: &[&str] = &[
    "phonics",
    "retrieval",
    "book looks",
    "Year 4",
    "vocabulary",
    "pupil voice",
    "sequencing",
    "assessment",
    "reading spine",
    "catch-up",
    "subject leader",
    "fidelity",
    "writing",
];

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("big.db"), OpenMode::Write).unwrap();
    let keys = store
        .tool("curriculum-sequencing", 1)
        .unwrap()
        .statement_keys();
    let mut n = 0usize;
    for s in 0..20 {
        let school = store.add_school(&format!("School number {s}")).unwrap().id;
        for c in 0..12 {
            let e = store
                .create_evaluation(&NewEvaluation {
                    school_id: school,
                    tool_id: "curriculum-sequencing".into(),
                    tool_version: 1,
                    scope: "English".into(),
                    cycle: format!("Cycle {c}"),
                    attendees: String::new(),
                })
                .unwrap();
            for key in &keys {
                n += 1;
                let word = WORDS[n % WORDS.len()];
                store.set_level(e, key, Some((n % 4 + 1) as u8)).unwrap();
                let why = format!("Seen in {word} during visit {n}; staff agreed on the next step");
                store
                    .set_text(e, key, TextField::Rationale, &why, true)
                    .unwrap();
            }
            let ids = store
                .add_drafts(
                    e,
                    &[DraftSeed {
                        title: format!("Improve {} in cycle {c}", WORDS[c % WORDS.len()]),
                        reason: String::new(),
                        impact_check: String::new(),
                        statements: vec![keys[c % keys.len()].clone()],
                    }],
                )
                .unwrap();
            store.accept_action(ids[0], date(2026, 9, 1)).unwrap();
            for week in 0..4 {
                let on = date(2026, 9, 7 + week * 7);
                let check = store.add_check_in(ids[0], on, Rag::Amber).unwrap();
                let note = format!(
                    "Week {week}: {} on track",
                    WORDS[(c + week as usize) % WORDS.len()]
                );
                store.set_check_in_text(check, false, &note).unwrap();
            }
        }
    }
    let loads: Vec<Duration> = (0..5)
        .map(|_| {
            let start = Instant::now();
            let index = Index::load(&store).unwrap();
            std::hint::black_box(index.items.len());
            start.elapsed()
        })
        .collect();
    let index = Index::load(&store).unwrap();
    println!(
        "finder index: {} items; load median {:?}",
        index.items.len(),
        median(loads)
    );
    for query in [
        "p",
        "phon",
        "pupil voice",
        "subject leader visit 12",
        "zzqx",
    ] {
        let times: Vec<Duration> = (0..20)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(index.search(&store, query, 200).unwrap().len());
                start.elapsed()
            })
            .collect();
        println!(
            "search {query:>24}: {:>5} hits, median {:?}",
            index.search(&store, query, usize::MAX).unwrap().len(),
            median(times)
        );
    }
}
