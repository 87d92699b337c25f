//! Issue 9, item 9: confidential stays confidential everywhere. Random
//! meetings with random confidential marks: no output format or command
//! shows a confidential note, or text copied from one, unless asked.

use std::path::Path;
use std::process::Command;

use headway::domain::evaluation::TextField;
use headway::domain::plan::{draft_from_weak, merge, Rag};
use headway::export::csv::{to_csv, CsvKind};
use headway::export::report::{load, Selection};
use headway::export::{html, ics, json, markdown};
use headway::finder::Index;
use headway::store::{NewEvaluation, OpenMode, Store};
use jiff::civil::date;
use proptest::prelude::*;

const TOOL: &str = "curriculum-sequencing";

/// One statement's part of a meeting: a level (1 and 2 are weak), whether
/// its notes are confidential, and whether that mark comes after drafting.
#[derive(Debug, Clone)]
struct Judged {
    level: u8,
    confidential: bool,
    marked_late: bool,
}

#[derive(Debug, Clone)]
struct Meeting {
    judged: Vec<Judged>,
    /// For each check-in: whether its note is confidential.
    check_ins: Vec<bool>,
    merge_first_two: bool,
}

fn meetings() -> impl Strategy<Value = Meeting> {
    (
        prop::collection::vec(
            (1u8..=4, any::<bool>(), any::<bool>()).prop_map(|(level, confidential, late)| {
                Judged {
                    level,
                    confidential,
                    marked_late: confidential && late,
                }
            }),
            1..8,
        ),
        prop::collection::vec(any::<bool>(), 0..4),
        any::<bool>(),
    )
        .prop_map(|(judged, check_ins, merge_first_two)| Meeting {
            judged,
            check_ins,
            merge_first_two,
        })
}

/// Text that must never leave a confidential place: `SECRET` and a number.
fn text_for(confidential: bool, n: usize, what: &str) -> String {
    if confidential {
        format!("SECRET{n}x {what}")
    } else {
        format!("open{n}x {what}")
    }
}

/// Builds the meeting in a new database, returns how many secrets it holds.
fn build(db: &Path, m: &Meeting) -> usize {
    let mut store = Store::open(db, OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap().id;
    let tool = store.tool(TOOL, 1).unwrap();
    let keys: Vec<String> = tool.statements().map(|s| s.key(&tool.id)).collect();
    let mut secrets = 0;
    let mut evaluation_id = 0;
    // Two cycles: the second builds on the first, whose notes it shows.
    for cycle in ["Spring 2026", "Autumn 2026"] {
        let e = store
            .create_evaluation(&NewEvaluation {
                school_id: school,
                tool_id: TOOL.into(),
                tool_version: 1,
                scope: "Whole school".into(),
                cycle: cycle.into(),
                attendees: String::new(),
            })
            .unwrap();
        for (i, j) in m.judged.iter().enumerate() {
            let key = &keys[i];
            store.set_level(e, key, Some(j.level)).unwrap();
            for (field, what) in [
                (TextField::Rationale, "rationale"),
                (TextField::Evidence, "evidence"),
            ] {
                let text = text_for(j.confidential, secrets, what);
                store.set_text(e, key, field, &text, true).unwrap();
                secrets += usize::from(j.confidential);
            }
            // Marked late only in the newest cycle, after its drafts.
            let late = j.marked_late && cycle == "Autumn 2026";
            if j.confidential && !late {
                store.set_confidential(e, key, true).unwrap();
            }
        }
        evaluation_id = e;
    }
    let e = evaluation_id;
    let judgements = store.judgements(e).unwrap();
    let seeds = draft_from_weak(&tool, &judgements, &[]);
    let ids = store.add_drafts(e, &seeds).unwrap();
    for (i, j) in m.judged.iter().enumerate() {
        if j.marked_late {
            store.set_confidential(e, &keys[i], true).unwrap();
        }
    }
    let mut plan = ids.clone();
    if m.merge_first_two && ids.len() >= 2 {
        let actions = store.actions(e).unwrap();
        let chosen: Vec<_> = actions
            .iter()
            .filter(|a| ids[..2].contains(&a.id))
            .collect();
        store.merge_drafts(&merge(&chosen).unwrap()).unwrap();
        plan.remove(1);
    }
    for id in &plan {
        store.accept_action(*id, date(2026, 11, 2)).unwrap();
    }
    if let Some(first) = plan.first() {
        for (n, confidential) in m.check_ins.iter().enumerate() {
            let c = store
                .add_check_in(*first, date(2026, 11, 9 + n as i8), Rag::Amber)
                .unwrap();
            let text = text_for(*confidential, secrets, "check-in");
            store.set_check_in_text(c, false, &text).unwrap();
            if *confidential {
                store.set_check_in_confidential(c, true).unwrap();
                secrets += 1;
            }
        }
    }
    secrets
}

/// Every output headway can make of the school, in-process.
fn outputs(store: &Store, include: bool) -> Vec<(String, String)> {
    let today = date(2026, 11, 23);
    let mut out = Vec::new();
    for cycle in ["Spring 2026", "Autumn 2026"] {
        let selection = Selection {
            cycle: Some(cycle.into()),
            ..Default::default()
        };
        let report = load(store, &selection, today, include).unwrap();
        out.push((format!("html {cycle}"), html::to_html(&report)));
        out.push((format!("markdown {cycle}"), markdown::to_markdown(&report)));
        out.push((format!("ics {cycle}"), ics::to_ics(&report)));
        for kind in CsvKind::ALL {
            out.push((format!("csv {cycle} {kind:?}"), to_csv(&report, kind)));
        }
    }
    out.push((
        "json".into(),
        json::to_json(&store.snapshot().unwrap(), include),
    ));
    let mut index = Index::load(store).unwrap();
    if !include {
        index = index.without_confidential();
    }
    // Every note starts with SECRET or open: between them, these two
    // searches find every note the finder may show.
    for query in ["secret", "open"] {
        let found = index.search(store, query, 10_000).unwrap();
        out.push((format!("find {query}"), headway::finder::to_text(&found)));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn no_output_shows_a_confidential_note_unless_asked(m in meetings()) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        let secrets = build(&db, &m);
        let store = Store::open(&db, OpenMode::Read).unwrap();
        for (name, text) in outputs(&store, false) {
            prop_assert!(!text.contains("SECRET"), "{} shows a confidential note:\n{}", name, text);
        }
        // Asked for, they are there: the test can see what it looks for.
        let all: String = outputs(&store, true).into_iter().map(|(_, t)| t).collect();
        for n in 0..secrets {
            let token = format!("SECRET{n}x");
            prop_assert!(all.contains(&token), "{} missing with --include-confidential", token);
        }
    }
}

#[test]
fn the_find_command_leaves_confidential_notes_out_unless_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let m = Meeting {
        judged: vec![Judged {
            level: 1,
            confidential: true,
            marked_late: false,
        }],
        check_ins: vec![true],
        merge_first_two: false,
    };
    build(&db, &m);
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_headway"))
            .arg("--db")
            .arg(&db)
            .args(["find", "SECRET"])
            .args(extra)
            .env_remove("HEADWAY_DB")
            .output()
            .unwrap()
    };
    let hidden = run(&[]);
    assert!(!String::from_utf8_lossy(&hidden.stdout).contains("SECRET"));
    let shown = run(&["--include-confidential"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("SECRET"));
    for args in [
        &["export"][..],
        &["report"][..],
        &["report", "--format", "markdown"][..],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_headway"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .env_remove("HEADWAY_DB")
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("SECRET"),
            "{args:?}"
        );
    }
}
