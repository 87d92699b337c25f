//! Three copies of one school's record, random edits on each and random
//! exchanges through their shared folder: once every bundle has reached
//! every copy and the conflicts are settled, the copies hold the same
//! record, row for row.

mod common;

use std::path::{Path, PathBuf};

use headway::domain::evaluation::TextField;
use headway::domain::plan::{DraftSeed, Rag, Status};
use headway::store::{ActionField, OpenMode, Store};
use jiff::civil::date;
use proptest::prelude::*;

const TOOL: &str = "curriculum-sequencing";

#[derive(Debug, Clone)]
enum Edit {
    Status(usize, usize),
    Owner(usize, usize),
    CheckIn(usize, usize),
    Level(usize, u8),
    Rationale(usize, usize),
    Defer(usize),
    Sync,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (0..2usize, 0..4usize).prop_map(|(a, v)| Edit::Status(a, v)),
        (0..2usize, 0..3usize).prop_map(|(a, v)| Edit::Owner(a, v)),
        (0..2usize, 0..3usize).prop_map(|(a, v)| Edit::CheckIn(a, v)),
        (0..3usize, 1..5u8).prop_map(|(k, l)| Edit::Level(k, l)),
        (0..3usize, 0..3usize).prop_map(|(k, v)| Edit::Rationale(k, v)),
        (0..3usize).prop_map(Edit::Defer),
        Just(Edit::Sync),
    ]
}

struct Copies {
    _dir: tempfile::TempDir,
    files: Vec<PathBuf>,
    folder: PathBuf,
}

fn open(db: &Path) -> Store {
    Store::open(db, OpenMode::Write).unwrap()
}

/// The first copy made and shared; the other two start from the share.
fn copies() -> Copies {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("shared");
    std::fs::create_dir(&folder).unwrap();
    let files: Vec<PathBuf> = (0..3)
        .map(|n| dir.path().join(format!("copy{n}.db")))
        .collect();
    let mut first = open(&files[0]);
    let school = first.add_school("Oakfield Primary").unwrap();
    let evaluation = common::add_evaluation(&mut first, school.id, TOOL, "English");
    let key = first.tool(TOOL, 1).unwrap().statement_key(0).unwrap();
    let ids = first
        .add_drafts(
            evaluation,
            &["Action A", "Action B"].map(|title| DraftSeed {
                title: title.into(),
                reason: String::new(),
                impact_check: String::new(),
                statements: vec![key.clone()],
            }),
        )
        .unwrap();
    for id in ids {
        first.accept_action(id, date(2026, 11, 1)).unwrap();
    }
    headway::exchange::share(&mut first, "Oakfield", &folder, true).unwrap();
    drop(first);
    for file in &files[1..] {
        let mut store = open(file);
        let done = headway::exchange::sync(&mut store, None, Some(&folder)).unwrap();
        assert!(done.refused.is_empty(), "{:?}", done.refused);
    }
    Copies {
        _dir: dir,
        files,
        folder,
    }
}

fn action(store: &Store, n: usize) -> i64 {
    let school = store.schools().unwrap()[0].id;
    let mut rows = store.plan_rows(Some(school)).unwrap();
    rows.sort_by(|a, b| a.action.title.cmp(&b.action.title));
    rows[n].action.id
}

fn evaluation(store: &Store) -> i64 {
    store.evaluations().unwrap()[0].id
}

fn sync(store: &mut Store, folder: &Path) {
    let done = headway::exchange::sync(store, None, Some(folder)).unwrap();
    assert!(done.refused.is_empty(), "{:?}", done.refused);
}

fn run(store: &mut Store, folder: &Path, edit: &Edit) {
    let key = |k: usize| store.tool(TOOL, 1).unwrap().statement_key(k).unwrap();
    match *edit {
        Edit::Status(a, v) => {
            let status = [
                Status::NotStarted,
                Status::InProgress,
                Status::Done,
                Status::Dropped,
            ][v];
            let id = action(store, a);
            store
                .set_action_field(id, ActionField::Status, Some(status.as_str()), true)
                .unwrap();
        }
        Edit::Owner(a, v) => {
            let id = action(store, a);
            let owner = ["R. Patel", "J. Lee", "S. Okafor"][v];
            store
                .set_action_field(id, ActionField::Owner, Some(owner), true)
                .unwrap();
        }
        Edit::CheckIn(a, v) => {
            let id = action(store, a);
            let rag = [Rag::Green, Rag::Amber, Rag::Red][v];
            store.add_check_in(id, date(2026, 11, 20), rag).unwrap();
        }
        Edit::Level(k, l) => {
            let (e, k) = (evaluation(store), key(k));
            store.set_level(e, &k, Some(l)).unwrap();
        }
        Edit::Rationale(k, v) => {
            let (e, k) = (evaluation(store), key(k));
            let text = ["Seen in books", "Not yet in Year 2", "Strong in KS2"][v];
            store
                .set_text(e, &k, TextField::Rationale, text, true)
                .unwrap();
        }
        Edit::Defer(k) => {
            let (e, k) = (evaluation(store), key(k));
            store.set_deferred(e, &k, true).unwrap();
        }
        Edit::Sync => sync(store, folder),
    }
}

/// The school's record as rows, by UUID (conflicts, which each copy finds
/// at its own time, aside).
fn record(db: &Path) -> Vec<String> {
    let tables: Vec<&str> = headway::store::TRAVELLING
        .iter()
        .copied()
        .filter(|t| *t != "conflicts")
        .collect();
    common::rows_of(db, &tables)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_copy_ends_with_the_same_record(
        edits in proptest::collection::vec((0..3usize, edit()), 1..30),
    ) {
        let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        let c = copies();
        for (copy, edit) in &edits {
            let mut store = open(&c.files[*copy]);
            run(&mut store, &c.folder, edit);
        }
        // Every bundle reaches every copy.
        for _ in 0..2 {
            for file in &c.files {
                sync(&mut open(file), &c.folder);
            }
        }
        // Each copy settles what it found with the value kept, and the
        // settlements travel too.
        for file in &c.files {
            let mut store = open(file);
            for conflict in store.open_conflicts().unwrap() {
                store.settle_conflict(conflict.id, conflict.kept.as_deref()).unwrap();
            }
        }
        for _ in 0..2 {
            for file in &c.files {
                sync(&mut open(file), &c.folder);
            }
        }
        let first = record(&c.files[0]);
        prop_assert!(first.len() > 5);
        for file in &c.files[1..] {
            let other = record(file);
            let only_first: Vec<_> = first.iter().filter(|r| !other.contains(r)).collect();
            let only_other: Vec<_> = other.iter().filter(|r| !first.contains(r)).collect();
            prop_assert!(
                only_first.is_empty() && only_other.is_empty(),
                "{} differs:\nfirst only: {only_first:#?}\nother only: {only_other:#?}",
                file.display()
            );
        }
        for file in &c.files {
            prop_assert!(open(file).open_conflicts().unwrap().is_empty());
        }
    }
}
