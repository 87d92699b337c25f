//! The governors' report as governors get it: printed to A4 by headless
//! Chromium, then read back with poppler's pdfinfo and pdftotext. The
//! summary stands alone on page 1, every page is numbered and names the
//! school and cycle, dates stay on one line, and a copy with confidential
//! notes says so on every page.
//!
//! Needs `chromium` and `poppler-utils` (`.ci/run` installs them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn headway(db: &Path, args: &[&str]) {
    headway_on(db, "2026-11-23", args);
}

fn headway_on(db: &Path, today: &str, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(db)
        .args(["--today", today])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn tool(name: &str) -> String {
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        let path = Path::new(dir).join(name);
        if path.is_file() {
            return path.display().to_string();
        }
    }
    panic!("{name} is not installed; the print tests need chromium and poppler-utils (.ci/run installs them)");
}

/// Prints `html` to a PDF beside it, as a reader's "Save as PDF" would.
fn print(html: &Path) -> PathBuf {
    let pdf = html.with_extension("pdf");
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(tool("chromium"))
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(
        pdf.is_file(),
        "chromium made no PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    pdf
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new(tool("pdfinfo")).arg(pdf).output().unwrap();
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no page count in {info}"))
}

fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    let out = Command::new(tool("pdftotext"))
        .args(["-layout", "-f", &n, "-l", &n])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The people's dates in a page ("3 Jan 2027"), read from its `<time>`
/// elements.
fn dates_in(html: &str) -> Vec<String> {
    html.split("<time datetime=\"")
        .skip(1)
        .map(|t| {
            let shown = &t[t.find('>').unwrap() + 1..];
            shown[..shown.find('<').unwrap()].to_string()
        })
        .collect()
}

/// The text of every h2 and h3 in a page, as printed.
fn headings_in(html: &str) -> Vec<String> {
    ["<h2>", "<h3>"]
        .iter()
        .flat_map(|tag| html.split(tag).skip(1))
        .map(|rest| {
            let text = &rest[..rest.find("</h").unwrap()];
            text.replace("&#39;", "'").replace("&amp;", "&")
        })
        .collect()
}

/// No page of a printed report ends with a heading, or with the words
/// that lead into the plan, cut off from what they introduce; and every
/// date a reader sees is whole on one line.
fn layout_is_whole(html: &Path, all: &[String], label: &str) {
    let n = all.len();
    let page = std::fs::read_to_string(html).unwrap();
    let headings = headings_in(&page);
    for (i, text) in all.iter().enumerate() {
        let content: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.contains(&format!("Page {} of {n}", i + 1)))
            .collect();
        let last = content.last().copied().unwrap_or_default();
        assert!(
            !headings.iter().any(|h| h == last) && !last.ends_with("then done and"),
            "{label}: page {} ends with {last:?}",
            i + 1
        );
        if i + 1 < n {
            assert!(
                !last.ends_with("dropped."),
                "{label}: page {} ends with the plan's lead-in",
                i + 1
            );
        }
    }
    let lines: Vec<String> = all
        .iter()
        .flat_map(|t| t.lines())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    for date in dates_in(&page) {
        assert!(
            lines.iter().any(|l| l.contains(&date)),
            "{label}: {date} is broken across lines"
        );
    }
}

#[test]
fn each_demo_cycle_prints_a_one_page_summary_then_numbered_detail_pages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    headway(&db, &["demo"]);
    for school in ["Oakfield Primary School", "Riverside Academy"] {
        for cycle in ["Summer 2026", "Autumn 2026"] {
            let html = dir
                .path()
                .join(format!("{}-{}.html", &school[..4], &cycle[..6]));
            let out = html.display().to_string();
            headway(
                &db,
                &["report", "--school", school, "--cycle", cycle, "-o", &out],
            );
            let pdf = print(&html);
            let n = pages(&pdf);
            assert!(n >= 2, "{school} {cycle}: {n} pages");
            let first = page_text(&pdf, 1);
            for part in [
                "Summary",
                "The weakest areas",
                "The plan's health",
                &format!("Page 1 of {n}"),
                &format!("{school} · {cycle}"),
            ] {
                assert!(
                    first.contains(part),
                    "{school} {cycle}: page 1 lacks {part:?}:\n{first}"
                );
            }
            assert!(
                !first.contains("Judgements by aspect") && !first.contains("What will be done"),
                "{school} {cycle}: the detail starts on page 1:\n{first}"
            );
            assert!(page_text(&pdf, 2).contains("Judgements by aspect"));
            let all: Vec<String> = (1..=n).map(|p| page_text(&pdf, p)).collect();
            for (i, text) in all.iter().enumerate() {
                assert!(
                    text.contains(&format!("Page {} of {n}", i + 1)),
                    "page {}",
                    i + 1
                );
                assert!(!text.contains("CONFIDENTIAL NOTES"));
            }
            layout_is_whole(&html, &all, &format!("{school} {cycle}"));
        }
    }
    // A copy with confidential notes says so on every printed page. Read
    // two months on, both actions are late and the plan moves.
    let html = dir.path().join("confidential.html");
    let out = html.display().to_string();
    headway_on(
        &db,
        "2027-01-20",
        &[
            "report",
            "--school",
            "Oakfield",
            "--cycle",
            "Autumn 2026",
            "--include-confidential",
            "-o",
            &out,
        ],
    );
    let pdf = print(&html);
    let all: Vec<String> = (1..=pages(&pdf)).map(|p| page_text(&pdf, p)).collect();
    layout_is_whole(&html, &all, "with confidential notes");
    for p in 1..=pages(&pdf) {
        assert!(
            page_text(&pdf, p).contains("CONTAINS CONFIDENTIAL NOTES"),
            "page {p}"
        );
    }
}

/// A cycle of ten evaluations on three scales still opens with a summary on one page, a
/// word too long for any line is wrapped rather than cut off at the edge,
/// a long name leaves the page number whole, and the plan's health adds up.
#[test]
fn a_crowded_cycle_keeps_its_summary_on_one_page_and_loses_no_text() {
    use headway::store::{ActionField, NewEvaluation, OpenMode, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crowded.db");
    headway(&db, &["demo"]);
    let long_word = "Supercalifragilistic".repeat(12);
    let long_name = format!(
        "Oakfield Primary School and Nursery of {}",
        "the Valley ".repeat(6)
    );
    {
        let mut store = Store::open(&db, OpenMode::Write).unwrap();
        let school = store
            .schools()
            .unwrap()
            .into_iter()
            .find(|s| s.name.starts_with("Oakfield"))
            .unwrap();
        // Three scales (four, five and six levels), ten evaluations.
        let tools = [
            "behaviour-attendance",
            "england-inspection-2025",
            "scotland-quality-indicators",
            "parents-agencies",
        ];
        for (i, tool) in tools.iter().cycle().take(9).enumerate() {
            store
                .create_evaluation(&NewEvaluation {
                    school_id: school.id,
                    tool_id: tool.to_string(),
                    tool_version: 1,
                    scope: format!("Year {}", i + 1),
                    cycle: "Autumn 2026".into(),
                    attendees: String::new(),
                })
                .unwrap();
        }
        let action = store.plan_rows(Some(school.id)).unwrap()[0].action.id;
        store
            .set_action_field(action, ActionField::Description, Some(&long_word), true)
            .unwrap();
        store
            .set_action_field(action, ActionField::Status, Some("dropped"), true)
            .unwrap();
    }
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE schools SET name = ?1 WHERE name LIKE 'Oakfield%'",
            [&long_name],
        )
        .unwrap();
    let html = dir.path().join("crowded.html");
    let out = html.display().to_string();
    headway(&db, &["report", "--school", "Oakfield", "-o", &out]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains("2 actions in the plan, 1 of them open"),
        "the health sentence"
    );
    let pdf = print(&html);
    let n = pages(&pdf);
    let all: Vec<String> = (1..=n).map(|p| page_text(&pdf, p)).collect();
    assert!(all[0].contains("The plan's health"), "{}", all[0]);
    assert!(
        !all[1].contains("The plan's health") && !all[1].contains("The weakest areas"),
        "the summary ran on to page 2:\n{}",
        all[1]
    );
    for (i, text) in all.iter().enumerate() {
        assert!(
            text.contains(&format!("Page {} of {n}", i + 1)),
            "page {}:\n{text}",
            i + 1
        );
    }
    // Every letter of the long word is on the page, wrapped.
    let letters: String = all
        .concat()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    assert!(letters.contains(&long_word), "the long word was cut off");
    layout_is_whole(&html, &all, "crowded");
}
