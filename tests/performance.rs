//! Guards of issue 10's principle, without timing anything: what a screen
//! reads follows what it shows, not what the file holds. Each test builds
//! a small file and one with many more schools, and compares the work
//! SQLite does (in steps of its virtual machine) for the same screen. A
//! read that scans a whole table grows with the file and fails here.
//!
//! The check-in agenda is found through a stored next check; the first
//! test makes sure that what the index finds is exactly what the domain's
//! rule finds over every action, through every kind of change.

use headway::agenda::{agenda_ids, agenda_item, Filter};
use headway::domain::plan::{due_checks, Cadence, Rag, Status, DUE_WINDOW_DAYS};
use headway::store::generate::Shape;
use headway::store::{ActionField, OpenMode, Store};
use jiff::civil::{date, Date};

fn shape(schools: usize) -> Shape {
    Shape {
        schools,
        tools: 2,
        aspects_per_tool: 2,
        statements_per_aspect: 3,
        cycles: 4,
        actions_per_evaluation: 2,
        check_ins_per_action: 3,
        seed: 11,
        as_of: date(2024, 11, 23),
    }
}

fn generated(dir: &std::path::Path, name: &str, schools: usize) -> Store {
    let mut store = Store::open(&dir.join(name), OpenMode::Write).unwrap();
    store.generate(&shape(schools)).unwrap();
    store
}

/// The agenda as the domain's rule gives it from every action in the plan.
fn by_the_rule(store: &Store, today: Date) -> Vec<i64> {
    let pairs: Vec<_> = store
        .plan_rows(None)
        .unwrap()
        .into_iter()
        .map(|r| (r.action.clone(), r.last_check_in.map(|c| c.on)))
        .collect();
    due_checks(&pairs, today)
        .into_iter()
        .map(|d| d.action.id)
        .collect()
}

/// Days from before the first generated cycle to after the last, so some
/// actions are due, some not yet and some overdue.
fn days() -> Vec<Date> {
    (0..40)
        .map(|n| {
            date(2023, 6, 1)
                .checked_add(jiff::Span::new().days(n * 37))
                .unwrap()
        })
        .collect()
}

fn agenda_agrees(store: &Store, when: &str) {
    for today in days() {
        let found = agenda_ids(store, today, &Filter::default()).unwrap();
        assert_eq!(found, by_the_rule(store, today), "{when}, on {today}");
        // The list `checkin --list` prints reads the same actions in one
        // query, each with its latest check-in's day and colour.
        let mut listed = Vec::new();
        let horizon = today
            .checked_add(jiff::Span::new().days(DUE_WINDOW_DAYS))
            .unwrap();
        store
            .for_each_due(horizon, &mut |row| {
                listed.push((row.action.id, row.last_check))
            })
            .unwrap();
        let whole: Vec<_> = found
            .iter()
            .map(|&id| {
                let row = store.plan_row(id).unwrap().unwrap();
                (id, row.last_check_in.map(|c| (c.on, c.rag)))
            })
            .collect();
        assert_eq!(listed, whole, "{when}, on {today}");
    }
}

#[test]
fn the_agenda_found_through_the_index_is_the_rules_agenda_after_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = generated(dir.path(), "a.db", 3);
    agenda_agrees(&store, "as generated");
    let ids: Vec<i64> = store
        .plan_rows(None)
        .unwrap()
        .iter()
        .map(|r| r.action.id)
        .collect();
    assert!(ids.len() >= 6);
    let open = store
        .plan_rows(None)
        .unwrap()
        .into_iter()
        .find(|r| r.action.is_open())
        .unwrap()
        .action
        .id;
    store
        .add_check_in(open, date(2024, 12, 2), Rag::Green)
        .unwrap();
    agenda_agrees(&store, "after a check-in");
    store
        .add_check_in(open, date(2024, 12, 2), Rag::Red)
        .unwrap();
    agenda_agrees(&store, "after a second check-in the same day");
    store
        .set_action_field(
            ids[1],
            ActionField::Cadence,
            Some(Cadence::Monthly.as_str()),
            true,
        )
        .unwrap();
    agenda_agrees(&store, "after a new cadence");
    store
        .set_action_field(ids[2], ActionField::Due, Some("2021-12-31"), true)
        .unwrap();
    agenda_agrees(&store, "after a new due date");
    store
        .set_action_field(ids[3], ActionField::Start, Some("2023-01-31"), true)
        .unwrap();
    agenda_agrees(&store, "after a new start");
    store
        .set_action_field(
            ids[4],
            ActionField::Status,
            Some(Status::Done.as_str()),
            true,
        )
        .unwrap();
    agenda_agrees(&store, "after marking one done");
    store
        .set_action_field(
            ids[4],
            ActionField::Status,
            Some(Status::InProgress.as_str()),
            true,
        )
        .unwrap();
    agenda_agrees(&store, "after opening it again");
    store
        .set_action_field(
            ids[5],
            ActionField::Status,
            Some(Status::Dropped.as_str()),
            true,
        )
        .unwrap();
    agenda_agrees(&store, "after dropping one");
    store
        .set_action_field(ids[5], ActionField::Stage, Some("discarded"), true)
        .unwrap();
    agenda_agrees(&store, "after discarding one");
    // A new draft accepted into the plan joins the agenda.
    let evaluation = store.evaluations().unwrap()[0].id;
    let draft = store
        .add_drafts(
            evaluation,
            &[headway::domain::plan::DraftSeed {
                title: "Read with every Year 3 pupil weekly".into(),
                reason: String::new(),
                impact_check: String::new(),
                statements: vec!["generated-0/aspect-0/statement-0".into()],
            }],
        )
        .unwrap()[0];
    agenda_agrees(&store, "after a draft");
    store.accept_action(draft, date(2022, 6, 1)).unwrap();
    agenda_agrees(&store, "after accepting it");
    // Each item read alone says the same as the rule.
    let today = date(2023, 2, 1);
    for id in agenda_ids(&store, today, &Filter::default()).unwrap() {
        let item = agenda_item(&store, today, id).unwrap().unwrap();
        assert_eq!(item.row.action.id, id);
    }
}

#[test]
fn an_older_file_gains_its_next_checks_when_it_is_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    // A file of schema 10, upgraded as it is, gives what the rule says.
    let upgraded = dir.path().join("upgraded.db");
    std::fs::copy("tests/fixtures/schema-10.db", &upgraded).unwrap();
    let store = Store::open(&upgraded, OpenMode::Write).unwrap();
    let expected: Vec<Vec<i64>> = days().into_iter().map(|d| by_the_rule(&store, d)).collect();
    assert!(
        expected.iter().any(|due| !due.is_empty()),
        "some checks fall due"
    );
    drop(store);
    let db = dir.path().join("old.db");
    std::fs::copy("tests/fixtures/schema-10.db", &db).unwrap();
    // The same file taken back to schema 4: the search indexes, the columns
    // and indexes since gone.
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let triggers: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for name in triggers {
            conn.execute_batch(&format!("DROP TRIGGER {name}")).unwrap();
        }
        conn.execute_batch(
            "DROP TABLE judgement_search;
             DROP TABLE action_search;
             DROP TABLE checkin_search;
             DROP INDEX evaluations_by_tool;
             DROP INDEX actions_by_next_check;
             DROP INDEX judgements_progress;
             ALTER TABLE actions DROP COLUMN next_check;
             ALTER TABLE evaluations DROP COLUMN removed_at;
             DROP INDEX checkins_by_day;
             PRAGMA user_version = 4;",
        )
        .unwrap();
    }
    let store = Store::open(&db, OpenMode::Write).unwrap();
    for (today, want) in days().into_iter().zip(expected) {
        assert_eq!(agenda_ids(&store, today, &Filter::default()).unwrap(), want);
    }
}

/// Marks every open action of every school but the first `keep` done, so
/// the larger file has no more due checks than the smaller one.
fn close_all_but(store: &mut Store, keep: usize) {
    let schools = store.schools().unwrap();
    for school in schools.iter().skip(keep) {
        for row in store.plan_rows(Some(school.id)).unwrap() {
            store
                .set_action_field(
                    row.action.id,
                    ActionField::Status,
                    Some(Status::Done.as_str()),
                    false,
                )
                .unwrap();
        }
    }
}

/// The work for `read` on a file of 2 schools and on one of 24, where the
/// read concerns the first school (or the same due checks) only.
fn work(read: impl Fn(&Store) -> u64) -> (u64, u64) {
    work_at(2, 24, read)
}

fn work_at(small: usize, large: usize, read: impl Fn(&Store) -> u64) -> (u64, u64) {
    let dir = tempfile::tempdir().unwrap();
    let mut small = generated(dir.path(), "small.db", small);
    let mut large = generated(dir.path(), "large.db", large);
    close_all_but(&mut small, 2);
    close_all_but(&mut large, 2);
    (read(&small), read(&large))
}

fn assert_flat(what: &str, (small, large): (u64, u64)) {
    assert!(small > 0, "{what}: no work counted");
    // Four to twelve times the schools; the same screen may cost a little
    // more (a deeper index), never in proportion.
    assert!(
        large * 10 < small * 15,
        "{what}: {small} steps in the smaller file, {large} in the larger"
    );
}

fn first_school(store: &Store) -> i64 {
    store.schools().unwrap()[0].id
}

#[test]
fn a_schools_evaluations_on_home_cost_the_same_in_a_larger_file() {
    assert_flat(
        "one school's evaluations",
        work(|store| {
            let school = first_school(store);
            store.steps_for(|s| s.school_listings(school).unwrap()).1
        }),
    );
}

#[test]
fn a_schools_plan_costs_the_same_in_a_larger_file() {
    assert_flat(
        "one school's plan",
        work(|store| {
            let school = first_school(store);
            store.steps_for(|s| s.plan_rows(Some(school)).unwrap()).1
        }),
    );
}

#[test]
fn opening_the_check_in_costs_the_same_when_other_schools_have_nothing_due() {
    let today = date(2026, 11, 23);
    assert_flat(
        "the agenda and its first action",
        work(|store| {
            store
                .steps_for(|s| {
                    let ids = agenda_ids(s, today, &Filter::default()).unwrap();
                    assert!(!ids.is_empty());
                    agenda_item(s, today, ids[0]).unwrap().unwrap();
                    s.check_ins(ids[0]).unwrap();
                })
                .1
        }),
    );
}

#[test]
fn one_evaluation_opened_for_the_walk_costs_the_same_in_a_larger_file() {
    assert_flat(
        "one evaluation's judgements",
        work(|store| {
            let school = first_school(store);
            let first = store.school_listings(school).unwrap()[0].evaluation.id;
            store
                .steps_for(|s| {
                    s.evaluation(first).unwrap();
                    s.judgements(first).unwrap();
                    s.actions(first).unwrap();
                })
                .1
        }),
    );
}

/// The finder reads at most a few hundred of the newest matching notes of
/// each kind: its work per note found is the same in a file four times as
/// large, where more of the kinds reach that bound. (Several words must all
/// be found in one note, and SQLite reads each word's list of notes to find
/// those that share them, so a search of several common words costs more
/// in a larger file; see docs/performance.md.)
#[test]
fn a_finder_search_costs_about_the_same_in_a_larger_file() {
    for query in ["s", "sec", "secure"] {
        let per_note = |store: &Store| {
            // What the finder can show: every match, up to its bound of 400
            // of each kind.
            let all = store.search_notes(query, usize::MAX).unwrap();
            let notes: usize = [all.judgements.len(), all.actions.len(), all.check_ins.len()]
                .iter()
                .map(|&n| n.min(400))
                .sum();
            let steps = store
                .steps_for(|s| {
                    let index = headway::finder::Index::load(s).unwrap();
                    let hits = index.search(s, query, 200).unwrap();
                    assert!(!hits.is_empty(), "{query} finds something");
                })
                .1;
            assert!(notes > 100, "{query}: {notes} notes found");
            steps / notes as u64
        };
        assert_flat(
            &format!("finding {query:?}, per note found"),
            work_at(30, 120, per_note),
        );
    }
}
