//! The calendar across runs, as a calendar reads it: each export parsed by
//! the icalendar crate, events matched by UID as a calendar matches them.
//! The plan changes through the store between exports; the exports are the
//! real binary's.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use headway::domain::plan::{DraftSeed, Milestone, Rag};
use headway::store::{ActionField, NewEvaluation, OpenMode, Store};
use icalendar::Component;
use jiff::civil::{date, Date};

const TOOL: &str = "curriculum-sequencing";
const TODAY: Date = date(2026, 11, 22);

/// One event as a calendar keeps it.
#[derive(Debug, Clone)]
struct Seen {
    uid: String,
    sequence: u32,
    start: String,
    summary: String,
    cancelled: bool,
    rule: Option<String>,
}

fn parse(text: &str) -> BTreeMap<String, Seen> {
    let calendar: icalendar::Calendar = text.parse().expect("the calendar parses");
    let mut out = BTreeMap::new();
    for e in calendar.components.iter().filter_map(|c| c.as_event()) {
        let seen = Seen {
            uid: e.get_uid().expect("every event has a UID").to_string(),
            sequence: e.get_sequence().expect("every event has a SEQUENCE"),
            start: e.property_value("DTSTART").unwrap().to_string(),
            summary: e.get_summary().unwrap_or_default().to_string(),
            cancelled: e.property_value("STATUS") == Some("CANCELLED"),
            rule: e.property_value("RRULE").map(str::to_string),
        };
        assert!(
            out.insert(seen.uid.clone(), seen.clone()).is_none(),
            "UID {} is used twice",
            seen.uid
        );
    }
    out
}

fn with_store<T>(db: &Path, f: impl FnOnce(&mut Store) -> T) -> T {
    let _guard = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let mut store = Store::open(db, OpenMode::Write).unwrap();
    f(&mut store)
}

fn headway(db: &Path, args: &[&str]) -> std::process::Output {
    common::wait_until_unlocked(db);
    let _guard = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn calendar(db: &Path, today: Date, more: &[&str]) -> BTreeMap<String, Seen> {
    let today = today.to_string();
    let mut args = vec!["--today", &today, "report", "--format", "ics"];
    args.extend(more);
    let out = headway(db, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    parse(&String::from_utf8(out.stdout).unwrap())
}

/// A school with one evaluation and two accepted actions: the first checked
/// fortnightly, due in February, with milestones (two on one day); the
/// second weekly. Returns the database and the actions' ids.
fn plan(dir: &Path, first_title: &str) -> (std::path::PathBuf, i64, i64) {
    let db = dir.join("plan.db");
    let ids = with_store(&db, |store| {
        let school = store.add_school("Oakfield Primary").unwrap().id;
        let keys = store.tool(TOOL, 1).unwrap().statement_keys();
        let evaluation = store
            .create_evaluation(&NewEvaluation {
                school_id: school,
                tool_id: TOOL.into(),
                tool_version: 1,
                scope: "English".into(),
                cycle: "Autumn 2026".into(),
                attendees: String::new(),
            })
            .unwrap();
        let ids = store
            .add_drafts(
                evaluation,
                &[
                    DraftSeed {
                        title: first_title.into(),
                        reason: String::new(),
                        impact_check: String::new(),
                        statements: vec![keys[0].clone()],
                    },
                    DraftSeed {
                        title: "Phonics catch-up groups".into(),
                        reason: String::new(),
                        impact_check: String::new(),
                        statements: vec![keys[1].clone()],
                    },
                ],
            )
            .unwrap();
        for id in &ids {
            store.accept_action(*id, date(2026, 11, 16)).unwrap();
            store
                .set_action_field(*id, ActionField::Owner, Some("D. Okafor"), true)
                .unwrap();
        }
        store
            .set_action_field(ids[0], ActionField::Due, Some("2027-02-12"), true)
            .unwrap();
        store
            .set_action_field(ids[1], ActionField::Cadence, Some("weekly"), true)
            .unwrap();
        store
            .set_milestones(
                ids[0],
                &[
                    Milestone {
                        date: date(2026, 12, 4),
                        text: "Plan agreed with staff".into(),
                    },
                    Milestone {
                        date: date(2026, 12, 4),
                        text: "Resources bought".into(),
                    },
                    Milestone {
                        date: date(2027, 1, 15),
                        text: "First book look".into(),
                    },
                ],
            )
            .unwrap();
        ids
    });
    (db, ids[0], ids[1])
}

fn only(events: &BTreeMap<String, Seen>, what: impl Fn(&Seen) -> bool) -> &Seen {
    let found: Vec<&Seen> = events.values().filter(|e| what(e)).collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    found[0]
}

fn next_check<'a>(events: &'a BTreeMap<String, Seen>, title: &str) -> &'a Seen {
    only(events, |e| {
        e.uid.ends_with("-next-check@headway") && e.summary.contains(title)
    })
}

/// Every event of the earlier export is in the later one, under the same
/// UID, with a SEQUENCE no lower.
fn never_lower(before: &BTreeMap<String, Seen>, after: &BTreeMap<String, Seen>) {
    for (uid, b) in before {
        let a = after
            .get(uid)
            .unwrap_or_else(|| panic!("{uid} went away without being cancelled"));
        assert!(a.sequence >= b.sequence, "{b:#?} then {a:#?}");
        if a.start != b.start
            || a.cancelled != b.cancelled
            || a.rule != b.rule
            || a.summary != b.summary
        {
            assert!(
                a.sequence > b.sequence,
                "moved without a higher SEQUENCE: {b:#?} then {a:#?}"
            );
        }
    }
}

#[test]
fn a_check_in_moves_the_next_check_under_the_same_uid_with_a_higher_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let (db, first, _) = plan(dir.path(), "Sequence the reading curriculum");
    let before = calendar(&db, TODAY, &[]);
    let next = next_check(&before, "Sequence the reading").clone();
    // Accepted on 16 Nov, fortnightly: the first check is on 30 Nov.
    assert_eq!(next.start, "20261130");
    assert!(
        !next.uid.contains("2026"),
        "no date in the UID: {}",
        next.uid
    );
    with_store(&db, |s| {
        s.add_check_in(first, date(2026, 11, 20), Rag::Green)
            .unwrap()
    });
    let after = calendar(&db, TODAY, &[]);
    let moved = next_check(&after, "Sequence the reading");
    assert_eq!(moved.uid, next.uid);
    assert_eq!(moved.start, "20261204");
    assert!(moved.sequence > next.sequence);
    assert!(!moved.cancelled);
    never_lower(&before, &after);
    // The checks after it are one recurring event that moves with it.
    let later = only(&after, |e| {
        e.uid.ends_with("-later-checks@headway") && e.summary.contains("Sequence the reading")
    });
    assert_eq!(later.start, "20261218");
    assert_eq!(
        later.rule.as_deref(),
        Some("FREQ=WEEKLY;INTERVAL=2;COUNT=5")
    );
    // Nothing stale is left beside the new events: exactly the same UIDs.
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
}

#[test]
fn a_dropped_action_comes_back_cancelled_and_a_removed_milestone_too() {
    let dir = tempfile::tempdir().unwrap();
    let (db, first, second) = plan(dir.path(), "Sequence the reading curriculum");
    let before = calendar(&db, TODAY, &[]);
    with_store(&db, |s| {
        s.set_action_field(second, ActionField::Status, Some("dropped"), true)
            .unwrap();
        // One milestone renamed, one moved, one kept.
        s.set_milestones(
            first,
            &[
                Milestone {
                    date: date(2026, 12, 4),
                    text: "Plan agreed with all staff".into(),
                },
                Milestone {
                    date: date(2026, 12, 11),
                    text: "Resources bought".into(),
                },
                Milestone {
                    date: date(2027, 1, 15),
                    text: "First book look".into(),
                },
            ],
        )
        .unwrap();
    });
    let after = calendar(&db, TODAY, &[]);
    never_lower(&before, &after);
    let dropped: Vec<&Seen> = before
        .values()
        .filter(|e| e.summary.contains("Phonics"))
        .collect();
    assert_eq!(
        dropped.len(),
        2,
        "a next check and later checks: {dropped:#?}"
    );
    for e in dropped {
        let now = &after[&e.uid];
        assert!(now.cancelled, "{now:#?}");
        assert!(now.sequence > e.sequence);
    }
    let milestone = |events: &BTreeMap<String, Seen>, text: &str| {
        only(events, |e| {
            e.summary.starts_with(&format!("Milestone: {text} ("))
        })
        .clone()
    };
    let renamed = milestone(&before, "Plan agreed with staff");
    assert!(after[&renamed.uid].cancelled);
    let moved = milestone(&after, "Resources bought");
    assert_eq!(moved.uid, milestone(&before, "Resources bought").uid);
    assert_eq!(moved.start, "20261211");
    assert!(!moved.cancelled);
    assert!(!milestone(&after, "Plan agreed with all staff").cancelled);
    assert!(!milestone(&after, "First book look").cancelled);
}

#[test]
fn two_milestones_on_one_day_have_their_own_uids() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _, _) = plan(dir.path(), "Sequence the reading curriculum");
    let events = calendar(&db, TODAY, &[]);
    let on_the_day: Vec<&Seen> = events
        .values()
        .filter(|e| e.start == "20261204" && e.summary.starts_with("Milestone:"))
        .collect();
    assert_eq!(on_the_day.len(), 2);
    assert_ne!(on_the_day[0].uid, on_the_day[1].uid);
}

#[test]
fn the_same_demo_in_two_databases_gives_different_uids() {
    let dir = tempfile::tempdir().unwrap();
    let uids = |name: &str| {
        let db = dir.path().join(name);
        let made = headway(&db, &["--today", "2026-11-22", "demo"]);
        assert!(made.status.success());
        let school = with_store(&db, |s| s.schools().unwrap()[0].name.clone());
        calendar(&db, TODAY, &["--school", &school])
            .into_keys()
            .collect::<Vec<_>>()
    };
    let one = uids("one.db");
    let two = uids("two.db");
    assert!(!one.is_empty());
    assert!(one.iter().all(|u| !two.contains(u)), "{one:?} {two:?}");
    // The UIDs do not change from one export to the next.
    let db = dir.path().join("one.db");
    let school = with_store(&db, |s| s.schools().unwrap()[0].name.clone());
    let again: Vec<String> = calendar(&db, TODAY, &["--school", &school])
        .into_keys()
        .collect();
    assert_eq!(one, again);
}

#[test]
fn an_overdue_check_is_shown_on_today_and_says_since_when() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _, _) = plan(dir.path(), "Sequence the reading curriculum");
    let on_time = calendar(&db, TODAY, &[]);
    let later_today = date(2026, 12, 9);
    let late = calendar(&db, later_today, &[]);
    let was = next_check(&on_time, "Sequence the reading");
    let now = next_check(&late, "Sequence the reading");
    assert_eq!(now.uid, was.uid);
    assert_eq!(now.start, "20261209");
    assert!(
        now.summary
            .starts_with("Check-in overdue since 2026-11-30: Sequence the reading"),
        "{}",
        now.summary
    );
    // The weekly action's checks after it are planned from today.
    let weekly_later = only(&late, |e| {
        e.uid.ends_with("-later-checks@headway") && e.summary.contains("Phonics")
    });
    assert_eq!(weekly_later.start, "20261216");
    // A day on, still overdue, the check moves to the new today with
    // nothing stored changing, and comes with a higher SEQUENCE, so a
    // calendar that imports it again moves it.
    let next_day = calendar(&db, date(2026, 12, 10), &[]);
    assert_eq!(
        next_check(&next_day, "Sequence the reading").start,
        "20261210"
    );
    never_lower(&late, &next_day);
}

#[test]
fn hostile_titles_are_escaped_and_read_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let title = "Maths; English, and \\science\\\nnext line\u{7}\u{1b}[2J\r\u{202E}done";
    // The store keeps what it is given; the calendar must still be sound.
    let (db, _, _) = plan(dir.path(), title);
    let out = headway(&db, &["--today", "2026-11-22", "report", "--format", "ics"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains(['\u{7}', '\u{1b}', '\u{202E}']),
        "no control characters"
    );
    assert!(
        text.split("\r\n").all(|l| l.len() <= 75),
        "lines are folded"
    );
    assert!(
        text.split("\r\n")
            .all(|l| !l.contains('\r') && !l.contains('\n')),
        "line breaks only end lines"
    );
    let events = parse(&text);
    let next = next_check(&events, "Maths;");
    assert_eq!(
        next.summary,
        "Check-in: Maths; English, and \\science\\\nnext line[2Jdone (D. Okafor)"
    );
}

#[test]
fn sequences_never_go_down_as_the_plan_moves_on() {
    let dir = tempfile::tempdir().unwrap();
    let (db, first, second) = plan(dir.path(), "Sequence the reading curriculum");
    let mut seen = calendar(&db, TODAY, &[]);
    type Step = Box<dyn Fn(&mut Store)>;
    let steps: Vec<Step> = vec![
        Box::new(move |s| {
            s.set_action_field(first, ActionField::Due, None, true)
                .unwrap()
        }),
        Box::new(move |s| {
            s.set_action_field(first, ActionField::Due, Some("2027-03-05"), true)
                .unwrap()
        }),
        Box::new(move |s| {
            s.set_action_field(first, ActionField::Start, Some("2026-11-25"), true)
                .unwrap()
        }),
        Box::new(move |s| s.set_milestones(first, &[]).unwrap()),
        Box::new(move |s| {
            s.set_milestones(
                first,
                &[Milestone {
                    date: date(2026, 12, 4),
                    text: "Resources bought".into(),
                }],
            )
            .unwrap()
        }),
        Box::new(move |s| {
            let c = s
                .add_check_in(second, date(2026, 11, 21), Rag::Amber)
                .unwrap();
            s.withdraw_check_in(c).unwrap();
        }),
        Box::new(move |s| {
            s.set_action_field(second, ActionField::Cadence, Some("monthly"), true)
                .unwrap()
        }),
        Box::new(move |s| {
            s.set_action_field(second, ActionField::Owner, Some(""), true)
                .unwrap()
        }),
        Box::new(move |s| {
            s.set_action_field(second, ActionField::Owner, Some("R. Patel"), true)
                .unwrap()
        }),
        Box::new(move |s| {
            s.set_action_field(second, ActionField::Status, Some("done"), true)
                .unwrap()
        }),
        Box::new(move |s| {
            s.set_action_field(second, ActionField::Status, Some("in progress"), true)
                .unwrap()
        }),
    ];
    for step in steps {
        with_store(&db, |s| step(s));
        let now = calendar(&db, TODAY, &[]);
        never_lower(&seen, &now);
        for (uid, e) in now {
            seen.insert(uid, e);
        }
    }
    // Back in progress, the second action's checks are live again.
    assert!(!next_check(&seen, "Phonics").cancelled);
}
