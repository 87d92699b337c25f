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
    assert!(md.contains("\\<script>"));
    assert!(md.contains("\\*bold\\* [link\\](http://x)"));
    // Rendered by a CommonMark renderer, none of it becomes markup.
    let rendered = render_markdown(&md);
    assert!(!rendered.contains("<script") && !rendered.contains("<img"));
    assert!(!rendered.contains("<a ") && !rendered.contains("<em>bold"));
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

/// The bars of an HTML page: for each, the counts printed in it and the
/// counts its accessible label gives.
fn bars(page: &str) -> Vec<(Vec<usize>, String)> {
    page.split("<svg class=\"bar\"")
        .skip(1)
        .map(|rest| {
            let svg = &rest[..rest.find("</svg>").unwrap()];
            let label = svg
                .split("aria-label=\"")
                .nth(1)
                .and_then(|l| l.split('"').next())
                .unwrap()
                .to_string();
            let printed = svg
                .split("<text ")
                .skip(1)
                .map(|t| {
                    let after = &t[t.find('>').unwrap() + 1..];
                    after[..after.find('<').unwrap()].parse().unwrap()
                })
                .collect();
            (printed, label)
        })
        .collect()
}

#[test]
fn every_bar_prints_each_count_and_every_level_has_its_own_fill_and_pattern() {
    let page = html::to_html(&report(&standard(), false));
    let bars = bars(&page);
    // One bar per evaluation in the summary, one per aspect in the detail.
    let aspects = report(&standard(), false).sections[0].aspects().len();
    assert_eq!(bars.len(), 1 + aspects);
    for (printed, label) in &bars {
        // The counts a reader sees are the ones the label says, in order.
        let said: Vec<usize> = label
            .split(", ")
            .map(|part| part.split(' ').next().unwrap().parse().unwrap())
            .collect();
        assert_eq!(printed, &said, "{label}");
        assert!(printed.iter().all(|n| *n > 0));
    }
    // The legend of the four-level scale: four swatches of four colours
    // and four patterns (the weakest plain), apart from the deferred one.
    let legend = &page[page.find("<p class=\"legend\">").unwrap()..];
    let legend = &legend[..legend.find("</p>").unwrap()];
    let fills: Vec<&str> = legend.split("fill=\"#").skip(1).map(|f| &f[..6]).collect();
    let patterns: Vec<&str> = legend
        .split("fill=\"url(#")
        .skip(1)
        .map(|f| &f[..f.find(')').unwrap()])
        .collect();
    let distinct = |v: &[&str]| {
        let mut d = v.to_vec();
        d.sort();
        d.dedup();
        d.len()
    };
    assert_eq!(fills.len(), 6, "{legend}");
    assert_eq!(distinct(&fills), 6, "{legend}");
    assert_eq!(distinct(&patterns), patterns.len(), "{legend}");
    assert!(patterns.len() >= 4, "{legend}");
    // Every pattern used is defined once in the page.
    for p in patterns {
        assert_eq!(page.matches(&format!("<pattern id=\"{p}\"")).count(), 1);
    }
}

#[test]
fn the_page_opens_with_a_summary_and_prints_with_page_numbers_and_a_footer() {
    let f = standard();
    let page = html::to_html(&report(&f, false));
    let summary = page.find("<section class=\"summary\">").unwrap();
    let detail = page.find("<h2>Curriculum").unwrap();
    let plan = page.find("<h2>Improvement plan").unwrap();
    assert!(summary < detail && detail < plan);
    let summary_text = &page[summary..detail];
    for part in [
        "This cycle&#39;s evaluations",
        "Strengths",
        "The weakest areas",
        "The plan&#39;s health",
        "<strong>1</strong> overdue",
        "<strong>1</strong> green",
    ] {
        assert!(
            summary_text.contains(part),
            "{part} missing from the summary"
        );
    }
    assert!(page.contains(".summary { break-after: page;"));
    assert!(page.contains("counter(page)") && page.contains("counter(pages)"));
    assert!(page.contains("@bottom-left { content: \"Oakfield Primary School · Autumn 2026\""));
    assert!(page.contains("h2, h3, h4 { break-after: avoid;"));
    assert!(page.contains("time { white-space: nowrap; }"));
    assert!(!page.contains("CONFIDENTIAL NOTES"));
    let with = html::to_html(&report(&f, true));
    assert!(with.contains("@top-center { content: \"CONTAINS CONFIDENTIAL NOTES\""));
    assert!(with.contains("<p class=\"confidential\">Contains confidential notes"));
    let md = markdown::to_markdown(&report(&f, true));
    assert!(md.contains("**Contains confidential notes:**"));
}

#[test]
fn a_hostile_school_name_cannot_leave_the_footer_rule() {
    let f = fixture(
        "Evil\"; } </style><script>alert(1)</script> \\",
        "note",
        "title",
    );
    let page = html::to_html(&report(&f, false));
    assert_eq!(page.matches("</style>").count(), 1);
    assert!(!page.contains("<script>"));
    assert!(page.contains("content: \"Evil\\\"; } \\3c /style\\3e \\3c script\\3e alert(1)\\3c /script\\3e  \\\\ · Autumn 2026\""));
}

#[test]
fn the_plan_shows_each_action_whole_late_first_and_never_green_when_late() {
    let f = standard();
    // Fourteen days after the green check-in of 13 November its
    // fortnightly check falls due; on 1 December it is overdue.
    let r = load(&f.store, &Selection::default(), date(2026, 12, 1), false).unwrap();
    let order: Vec<&str> = r
        .plan_in_order()
        .iter()
        .map(|e| e.row.action.title.as_str())
        .collect();
    assert_eq!(
        order,
        [
            // Both are late; the one due first comes first.
            "Write down the knowledge for each unit",
            "Support lower sets to read the class text"
        ]
    );
    let green_one = &r.plan_in_order()[1];
    assert_eq!(green_one.last().unwrap().rag, Rag::Green);
    assert_eq!(
        green_one.standing(),
        headway::export::report::Standing::Overdue
    );
    let page = html::to_html(&r);
    let plan = &page[page.find("<h2>Improvement plan").unwrap()..];
    assert!(
        !plan.contains("standing-green"),
        "a late action shown green"
    );
    assert!(plan.contains("last rated green on <time datetime=\"2026-11-13\">13 Nov 2026</time>"));
    // Whole, with what governors ask about.
    let keys = f.store.tool(TOOL, 1).unwrap();
    let statement = keys.statements().nth(1).unwrap().statement.text.clone();
    assert!(plan.contains(&html::escape(&statement)), "the statement");
    for part in [
        "<dt>Why</dt><dd>Weak in summer</dd>",
        "<dt>Impact check</dt><dd>Book looks</dd>",
        "<dt>Success criteria</dt><dd>Pupils explain links between units</dd>",
        "<dt>Checked by</dt><dd>S. Morgan</dd>",
    ] {
        assert!(plan.contains(part), "{part}");
    }
    let md = markdown::to_markdown(&r);
    let md_plan = &md[md.find("## Improvement plan").unwrap()..];
    assert!(md_plan.contains("**Overdue** (last rated green on 13 Nov 2026)"));
    assert!(md_plan.contains("- Impact check: Book looks"));
    // The CSV says the same.
    let text = to_csv(&r, CsvKind::Actions);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let green_row = rows
        .iter()
        .find(|r| &r[col("title")] == "Support lower sets to read the class text")
        .unwrap();
    assert_eq!(&green_row[col("rag")], "green");
    assert_eq!(&green_row[col("past_due_date")], "no");
    assert_eq!(&green_row[col("check_overdue")], "yes");
    assert_eq!(&green_row[col("standing")], "overdue");
}

#[test]
fn a_long_drafted_action_keeps_every_word_and_its_milestones() {
    let f = standard();
    let id = f.store.plan_rows(None).unwrap()[0].action.id;
    let mut store = f.store;
    let long = "Give every class teacher a half-termly planning slot with the subject lead to \
                map the vocabulary each unit needs, and check it in book looks";
    store
        .set_action_field(
            id,
            headway::store::ActionField::Description,
            Some(long),
            true,
        )
        .unwrap();
    let on = date(2027, 1, 15);
    store
        .set_milestones(
            id,
            &[
                headway::domain::plan::Milestone {
                    date: on,
                    text: "Vocabulary maps drafted".into(),
                },
                headway::domain::plan::Milestone {
                    date: on,
                    text: "Shared with governors".into(),
                },
            ],
        )
        .unwrap();
    let r = load(&store, &Selection::default(), TODAY, false).unwrap();
    let page = html::to_html(&r);
    assert!(page.contains(&format!(
        "<dt>What will be done</dt><dd>{}</dd>",
        html::escape(long)
    )));
    assert!(page.contains(
        "<li><time datetime=\"2027-01-15\">15 Jan 2027</time>: Vocabulary maps drafted</li>"
    ));
    assert!(page.contains("Shared with governors"));
    assert!(!page.contains('…'));
}

/// ISO dates in what a person reads, leaving out machine attributes.
fn iso_dates_shown(text: &str) -> Vec<String> {
    let without_attributes: String = text
        .split("datetime=\"")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_string()
            } else {
                part[part.find('"').unwrap() + 1..].to_string()
            }
        })
        .collect();
    let bytes = without_attributes.as_bytes();
    let mut found = Vec::new();
    for i in 0..bytes.len().saturating_sub(9) {
        let w = &bytes[i..i + 10];
        let digit = |j: usize| w[j].is_ascii_digit();
        if (0..4).all(digit)
            && w[4] == b'-'
            && digit(5)
            && digit(6)
            && w[7] == b'-'
            && digit(8)
            && digit(9)
        {
            found.push(String::from_utf8_lossy(w).into_owned());
        }
    }
    found
}

#[test]
fn html_and_markdown_give_dates_as_people_write_them_and_csv_keeps_iso() {
    let r = report(&standard(), true);
    let page = html::to_html(&r);
    assert!(page.contains("written <time datetime=\"2026-11-22\">22 Nov 2026</time>"));
    assert_eq!(iso_dates_shown(&page), Vec::<String>::new());
    let md = markdown::to_markdown(&r);
    assert!(md.contains("written 22 Nov 2026"));
    assert!(md.contains("1 Sep 2026") || md.contains("13 Nov 2026"));
    assert_eq!(iso_dates_shown(&md), Vec::<String>::new());
    assert!(to_csv(&r, CsvKind::CheckIns).contains("2026-11-13"));
}

#[test]
fn csv_starts_with_a_byte_order_mark_for_excel() {
    let r = report(&standard(), false);
    for kind in CsvKind::ALL {
        let text = to_csv(&r, kind);
        assert!(text.starts_with('\u{FEFF}'), "{kind:?}");
        assert_eq!(text.matches('\u{FEFF}').count(), 1);
    }
}

fn render_markdown(md: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH),
    );
    out
}

#[test]
fn markdown_pastes_cleanly_and_each_note_renders_on_its_own_line() {
    let f = fixture(
        "St Mary's & St John's (VA)",
        "Self-evaluation in Y3-Y6 shows 50% + more.\nA second line of the note.",
        "Improve: reading in Y3-Y6",
    );
    let md = markdown::to_markdown(&report(&f, false));
    assert!(md.contains("# St Mary's & St John's (VA)\n"));
    assert!(md.contains("Self-evaluation in Y3-Y6 shows 50% + more."));
    assert!(
        !md.contains("\\-") && !md.contains("\\(") && !md.contains("\\&"),
        "{md}"
    );
    let page = render_markdown(&md);
    assert!(page.contains("<h1>St Mary's &amp; St John's (VA)</h1>"));
    // The rationale is a paragraph of its own, below its statement's line,
    // and each of its lines stays a line.
    assert!(
        page.contains("<p>Self-evaluation in Y3-Y6 shows 50% + more.</p>"),
        "{page}"
    );
    assert!(page.contains("<p>A second line of the note.</p>"), "{page}");
    // An action's text of several lines keeps its lines.
    let f = standard();
    let id = f.store.plan_rows(None).unwrap()[0].action.id;
    let mut store = f.store;
    store
        .set_action_field(
            id,
            headway::store::ActionField::Description,
            Some("Plan the units\n- then teach them\nand check books"),
            true,
        )
        .unwrap();
    let md = markdown::to_markdown(&load(&store, &Selection::default(), TODAY, false).unwrap());
    let plan = render_markdown(&md);
    assert!(
        plan.contains("What will be done: Plan the units<br />\n- then teach them<br />\nand check books</li>"),
        "{plan}"
    );
    // The tables render as tables.
    assert!(page.contains("<table>") && page.contains("<th>Aspect</th>"));
}
