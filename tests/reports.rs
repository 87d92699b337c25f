//! Reports for a fixed dataset: snapshots of every format, confidential
//! notes withheld, CSV and ICS parsed back with their crates, and hostile
//! text escaped.

mod common;

use headway::domain::evaluation::TextField;
use headway::domain::plan::{DraftSeed, Rag};
use headway::export::csv::{to_csv, CsvKind};
use headway::export::report::{load, Report, Selection};
use headway::export::{html, ics, json, markdown};
use headway::store::{ActionField, NewEvaluation, OpenMode, Store};
use jiff::civil::{date, Date};

const TOOL: &str = "curriculum-sequencing";
const TODAY: Date = date(2026, 11, 22);
const SECRET: &str = "Ms Example's lessons were weak in two observations";
const SECRET_CHECK: &str = "Capability process started for one colleague";

struct Fixture {
    _dir: tempfile::TempDir,
    store: Store,
}

fn evaluation(store: &mut Store, school: i64, cycle: &str, attendees: &str) -> i64 {
    store
        .create_evaluation(&NewEvaluation {
            school_id: school,
            tool_id: TOOL.into(),
            tool_version: 1,
            scope: "English".into(),
            cycle: cycle.into(),
            attendees: attendees.into(),
        })
        .unwrap()
}

/// Two cycles of one school: judgements that rose, fell, stayed and were
/// carried; a deferral; a plan of two actions with check-ins; and
/// confidential notes in both a rationale and a check-in.
fn fixture(school_name: &str, rationale: &str, action_title: &str) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("r.db"), OpenMode::Write).unwrap();
    let school = store.add_school(school_name).unwrap().id;
    let keys = store.tool(TOOL, 1).unwrap().statement_keys();
    let first = evaluation(
        &mut store,
        school,
        "Summer 2026",
        "Liaison: R. Patel; Head: S. Morgan",
    );
    for (i, level) in [3, 2, 2, 4, 1].iter().enumerate() {
        store.set_level(first, &keys[i], Some(*level)).unwrap();
        store
            .set_text(
                first,
                &keys[i],
                TextField::Rationale,
                &format!("First cycle note {i}"),
                true,
            )
            .unwrap();
    }
    store.set_deferred(first, &keys[5], true).unwrap();
    store
        .set_text(
            first,
            &keys[5],
            TextField::DeferNote,
            "Wait for the book look",
            true,
        )
        .unwrap();
    let ids = store
        .add_drafts(
            first,
            &[
                DraftSeed {
                    title: action_title.into(),
                    reason: "Weak in summer".into(),
                    impact_check: "Book looks".into(),
                    statements: vec![keys[1].clone()],
                },
                DraftSeed {
                    title: "Write down the knowledge for each unit".into(),
                    reason: String::new(),
                    impact_check: String::new(),
                    statements: vec![keys[2].clone()],
                },
            ],
        )
        .unwrap();
    for (n, id) in ids.iter().enumerate() {
        store.accept_action(*id, date(2026, 9, 1)).unwrap();
        for (field, value) in [
            (ActionField::Owner, "D. Okafor"),
            (ActionField::Checker, "S. Morgan"),
            (ActionField::Cadence, "fortnightly"),
            (
                ActionField::SuccessCriteria,
                "Pupils explain links between units",
            ),
        ] {
            store
                .set_action_field(*id, field, Some(value), true)
                .unwrap();
        }
        let due = if n == 0 { "2026-12-18" } else { "2026-11-13" };
        store
            .set_action_field(*id, ActionField::Due, Some(due), true)
            .unwrap();
    }
    let c1 = store
        .add_check_in(ids[0], date(2026, 10, 2), Rag::Amber)
        .unwrap();
    store
        .set_check_in_text(
            c1,
            false,
            "Half the classes started, see notes; more next week",
        )
        .unwrap();
    let c2 = store
        .add_check_in(ids[0], date(2026, 11, 13), Rag::Green)
        .unwrap();
    store.set_check_in_text(c2, false, SECRET_CHECK).unwrap();
    store.set_check_in_confidential(c2, true).unwrap();

    let second = evaluation(
        &mut store,
        school,
        "Autumn 2026",
        "Liaison: R. Patel; Head: S. Morgan",
    );
    store.carry_forward(second, &keys[0], first).unwrap();
    store.set_level(second, &keys[1], Some(4)).unwrap();
    store
        .set_text(second, &keys[1], TextField::Rationale, rationale, true)
        .unwrap();
    store.set_level(second, &keys[2], Some(1)).unwrap();
    store
        .set_text(second, &keys[2], TextField::Rationale, SECRET, true)
        .unwrap();
    store.set_confidential(second, &keys[2], true).unwrap();
    store.carry_forward(second, &keys[3], first).unwrap();
    store.set_level(second, &keys[4], Some(1)).unwrap();
    store.set_level(second, &keys[5], Some(3)).unwrap();
    Fixture { _dir: dir, store }
}

fn standard() -> Fixture {
    fixture(
        "Oakfield Primary School",
        "Lower sets now read the class text with support",
        "Support lower sets to read the class text",
    )
}

fn report(f: &Fixture, include_confidential: bool) -> Report {
    load(&f.store, &Selection::default(), TODAY, include_confidential).unwrap()
}

#[test]
fn the_html_report_matches_its_snapshot() {
    insta::assert_snapshot!(html::to_html(&report(&standard(), false)));
}

#[test]
fn the_markdown_report_matches_its_snapshot() {
    insta::assert_snapshot!(markdown::to_markdown(&report(&standard(), false)));
}

#[test]
fn the_csv_tables_match_their_snapshots() {
    let r = report(&standard(), false);
    insta::assert_snapshot!("judgements", to_csv(&r, CsvKind::Judgements));
    insta::assert_snapshot!("actions", to_csv(&r, CsvKind::Actions));
    insta::assert_snapshot!("check_ins", to_csv(&r, CsvKind::CheckIns));
}

/// The calendar with each action's UUID (new in every database) named by
/// the order it first appears in.
fn calendar_without_uuids(r: &Report) -> String {
    let mut text = ics::to_ics(r);
    let mut n = 0;
    for a in &r.plan {
        let uuid = &r.trail.actions[&a.row.action.id].uuid;
        if text.contains(uuid.as_str()) {
            n += 1;
            text = text.replace(uuid.as_str(), &format!("action-uuid-{n}"));
        }
    }
    text
}

#[test]
fn the_calendar_matches_its_snapshot() {
    insta::assert_snapshot!(calendar_without_uuids(&report(&standard(), false)));
}

#[test]
fn the_report_covers_the_newest_cycle_with_movement_and_the_plan() {
    let r = report(&standard(), false);
    assert_eq!(r.school, "Oakfield Primary School");
    assert_eq!(r.cycle, "Autumn 2026");
    let s = &r.sections[0];
    assert_eq!(s.previous.as_ref().unwrap().0.cycle, "Summer 2026");
    let a = &s.aspects()[0];
    // Statements 1-4 are the first aspect: 1 same (carried), 2 up, 3 down, 4 same.
    assert_eq!((a.up, a.down, a.same), (1, 1, 2));
    assert_eq!(r.plan.len(), 2);
    // The second action was due on 13 November: overdue on the 22nd.
    assert!(!r.plan[0].overdue && r.plan[1].overdue);
    // Asking for the earlier cycle by name gives that one.
    let f = standard();
    let summer = load(
        &f.store,
        &Selection {
            cycle: Some("summer 2026".into()),
            ..Default::default()
        },
        TODAY,
        false,
    )
    .unwrap();
    assert_eq!(summer.sections[0].evaluation.cycle, "Summer 2026");
    assert!(summer.sections[0].previous.is_none());
}

#[test]
fn confidential_notes_appear_only_when_asked_for() {
    let f = standard();
    let without = report(&f, false);
    let with = report(&f, true);
    assert_eq!(without.withheld, 2);
    let outputs = |r: &Report| {
        vec![
            html::to_html(r),
            markdown::to_markdown(r),
            to_csv(r, CsvKind::Judgements),
            to_csv(r, CsvKind::Actions),
            to_csv(r, CsvKind::CheckIns),
            ics::to_ics(r),
        ]
    };
    for text in outputs(&without) {
        assert!(
            !text.contains(SECRET) && !text.contains(SECRET_CHECK),
            "{text}"
        );
    }
    let all_with = outputs(&with).join("\n");
    assert!(all_with.contains("Ms Example"));
    assert!(all_with.contains(SECRET_CHECK));
    // The JSON export, too, including the history of replaced values.
    let snapshot = f.store.snapshot().unwrap();
    let hidden = json::to_json(&snapshot, false);
    assert!(!hidden.contains(SECRET) && !hidden.contains(SECRET_CHECK));
    assert!(hidden.contains("\"confidential\": true"));
    let shown = json::to_json(&snapshot, true);
    assert!(shown.contains(SECRET) && shown.contains(SECRET_CHECK));
}

#[test]
fn csv_parses_back_with_headers_and_iso_dates() {
    let r = report(&standard(), true);
    let text = to_csv(&r, CsvKind::Judgements);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "school");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 15, "one row per statement");
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[0][col("carried_forward")], "yes");
    assert_eq!(&rows[1][col("movement")], "up");
    assert_eq!(&rows[2][col("movement")], "down");
    assert_eq!(&rows[2][col("rationale")], SECRET);

    let text = to_csv(&r, CsvKind::CheckIns);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][3], "2026-10-02");
    // A comma and a semicolon inside a note survive the round trip.
    assert_eq!(
        &rows[0][5],
        "Half the classes started, see notes; more next week"
    );
    let text = to_csv(&r, CsvKind::Actions);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[1][10], "2026-11-13");
}

#[test]
fn csv_cells_that_look_like_formulas_are_made_text() {
    let f = fixture(
        "=cmd|' /C calc'!A0",
        "+SUM(A1:A9)",
        "@HYPERLINK(\"http://example.invalid\")",
    );
    let r = report(&f, false);
    for kind in CsvKind::ALL {
        let text = to_csv(&r, kind);
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        for row in reader.records() {
            for cell in row.unwrap().iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "a cell starts like a formula: {cell}"
                );
            }
        }
    }
    let judgements = to_csv(&r, CsvKind::Judgements);
    assert!(judgements.contains("'+SUM(A1:A9)"));
}

#[test]
fn the_calendar_parses_back_with_every_planned_date() {
    use icalendar::Component;
    let r = report(&standard(), false);
    let text = ics::to_ics(&r);
    assert!(text.lines().all(|l| l.len() <= 76), "lines are folded");
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    let summaries: Vec<&str> = events.iter().filter_map(|e| e.get_summary()).collect();
    // The first action: next check 27 Nov (a fortnight after 13 Nov), then
    // 11 Dec as the checks after it, due 18 Dec. The second: its check
    // overdue since 15 Sep, shown today.
    assert_eq!(
        summaries
            .iter()
            .filter(|s| s.starts_with("Check-in: Support lower sets"))
            .count(),
        2
    );
    assert!(summaries.contains(&"Due: Support lower sets to read the class text (D. Okafor)"));
    assert!(summaries.contains(&"Due: Write down the knowledge for each unit (D. Okafor)"));
    assert!(summaries.contains(
        &"Check-in overdue since 2026-09-15: Write down the knowledge for each unit (D. Okafor)"
    ));
    let uids: std::collections::HashSet<&str> = events.iter().filter_map(|e| e.get_uid()).collect();
    assert_eq!(uids.len(), events.len(), "every event has its own UID");
}

#[test]
fn hostile_text_is_escaped_in_html_and_markdown() {
    let f = fixture(
        "<script>alert('x')</script> & \"Co\"",
        "Evil \u{1b}]52;c;aGk=\u{7}\u{1b}[2J <img src=x onerror=alert(1)> *bold* [link](http://x)",
        "Title with \u{202E}bidi and <b>tags</b>",
    );
    let r = report(&f, false);
    let page = html::to_html(&r);
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;"));
    assert!(!page.contains("<img"));
    assert!(!page.contains("<b>tags"));
    assert!(!page.contains('\u{1b}') && !page.contains('\u{7}') && !page.contains('\u{202E}'));
    let md = markdown::to_markdown(&r);
    assert!(md.contains("\\<script\\>"));
    assert!(md.contains("\\*bold\\* \\[link\\]\\(http://x\\)"));
    assert!(!md.contains('\u{1b}') && !md.contains('\u{202E}'));
    let cal = ics::to_ics(&r);
    assert!(!cal.contains('\u{1b}') && !cal.contains('\u{202E}'));
}

#[test]
fn asked_to_choose_among_many_schools_the_message_names_a_few_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("trust.db");
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    for n in 0..40 {
        store.add_school(&format!("Academy {n:02}")).unwrap();
    }
    drop(store);
    let report = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
            .arg("--db")
            .arg(&db)
            .arg("report")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let none = report(&[]);
    assert!(none.contains("Academy 11, and 28 more"), "{none}");
    assert!(!none.contains("Academy 12"), "{none}");
    assert_eq!(none.trim().lines().count(), 1);
    let some = report(&["--school", "Academy 1"]);
    assert!(some.contains("more than one school"), "{some}");
    assert!(some.contains("Academy 19"), "ten match, all named: {some}");
    assert!(!some.contains("more ("), "{some}");
}
