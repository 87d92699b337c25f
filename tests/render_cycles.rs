//! The second cycle on screen: last time beside each statement, a newer
//! tool version's new and removed statements, the compare grid and the
//! finder, at 80x24 and 120x40 and every size without a panic.

mod common;

use common::screen;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use headway::domain::evaluation::TextField;
use headway::store::{NewEvaluation, OpenMode, Store};
use headway::tui::app::{App, Nav};
use headway::tui::theme::Theme;
use jiff::civil::date;

fn tool(version: u32, statements: &[(&str, &str)]) -> String {
    let mut src = format!(
        "id = \"reading\"\nversion = {version}\ntitle = \"Reading check\"\narea = \"Curriculum\"\n\
         [[aspects]]\nid = \"r\"\ntitle = \"Reading\"\n"
    );
    for (id, text) in statements {
        src.push_str(&format!(
            "[[aspects.statements]]\nid = \"{id}\"\ntext = \"{text}\"\n"
        ));
    }
    src
}

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
    old: i64,
    new: i64,
}

/// Version 1 has phonics, catch-up and library; version 2 drops the library
/// and adds a statement on reading at home.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("c.db"), OpenMode::Write).unwrap();
    store
        .import_tool(&tool(
            1,
            &[
                ("phonics", "Phonics is taught daily."),
                ("catch-up", "Weak readers catch up quickly."),
                ("library", "Every class uses the library weekly."),
            ],
        ))
        .unwrap();
    store
        .import_tool(&tool(
            2,
            &[
                ("phonics", "Phonics is taught daily."),
                ("catch-up", "Weak readers catch up quickly."),
                ("home", "Families are helped to read with their children."),
            ],
        ))
        .unwrap();
    let school = store.add_school("Oakfield Primary").unwrap().id;
    let mut evaluation = |version, cycle: &str| {
        store
            .create_evaluation(&NewEvaluation {
                school_id: school,
                tool_id: "reading".into(),
                tool_version: version,
                scope: "Whole school".into(),
                cycle: cycle.into(),
                attendees: String::new(),
            })
            .unwrap()
    };
    let old = evaluation(1, "Spring 2026");
    let new = evaluation(2, "Autumn 2026");
    for (key, level) in [
        ("reading/r/phonics", 3),
        ("reading/r/catch-up", 2),
        ("reading/r/library", 4),
    ] {
        store.set_level(old, key, Some(level)).unwrap();
    }
    store
        .set_text(
            old,
            "reading/r/catch-up",
            TextField::Rationale,
            "Groups start late",
            true,
        )
        .unwrap();
    store.set_level(new, "reading/r/phonics", Some(2)).unwrap();
    store.carry_forward(new, "reading/r/catch-up", old).unwrap();
    let app = App::new(store, date(2026, 11, 22), Theme::new(true));
    Fixture {
        _dir: dir,
        app,
        old,
        new,
    }
}

#[test]
fn the_walk_shows_last_time_and_marks_new_statements() {
    let mut f = fixture();
    f.app.navigate(Nav::Walk {
        evaluation: f.new,
        index: Some(1),
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&f.app, w, h);
        assert!(
            text.contains("Last time · Spring 2026: 2 Emerging"),
            "{text}"
        );
        assert!(text.contains("Groups start late"), "{text}");
        assert!(text.contains("carried from Spring 2026"), "{text}");
    }
    f.app.navigate(Nav::Walk {
        evaluation: f.new,
        index: Some(2),
    });
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("statement 3 of 3 · new"), "{text}");
    assert!(text.contains("New in version 2 of this tool"), "{text}");
}

#[test]
fn an_old_evaluation_stays_readable_with_its_own_version() {
    let mut f = fixture();
    f.app.navigate(Nav::Walk {
        evaluation: f.old,
        index: Some(2),
    });
    let text = screen(&f.app, 80, 24);
    assert!(
        text.contains("Every class uses the library weekly."),
        "{text}"
    );
    assert!(text.contains("statement 3 of 3"), "{text}");
}

#[test]
fn the_summary_lists_statements_the_new_version_removed() {
    let mut f = fixture();
    f.app.navigate(Nav::Summary { evaluation: f.new });
    let text = screen(&f.app, 120, 40);
    assert!(
        text.contains("Builds on Spring 2026: 1 judgement carried forward"),
        "{text}"
    );
    assert!(
        text.contains("No longer in the tool (version 2 removed 1)"),
        "{text}"
    );
    assert!(
        text.contains("Every class uses the library weekly."),
        "{text}"
    );
}

#[test]
fn the_compare_grid_puts_the_fallen_statement_first() {
    let mut f = fixture();
    f.app.navigate(Nav::Compare { evaluation: f.new });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&f.app, w, h);
        assert!(text.contains("Spr26 Aut26"), "{text}");
        let rows: Vec<&str> = text
            .lines()
            .filter(|l| {
                l.contains("Phonics") || l.contains("Weak readers") || l.contains("library")
            })
            .collect();
        assert!(
            rows[0].contains("Phonics") && rows[0].contains("↓ down"),
            "{text}"
        );
        assert!(
            rows[1].contains("2*") && rows[1].contains("= same"),
            "{text}"
        );
        // The removed statement is still in the grid, judged only in spring.
        assert!(
            rows[2].contains("library") && rows[2].contains('4'),
            "{text}"
        );
    }
}

#[test]
fn the_finder_opens_from_any_screen_and_shows_kinds() {
    let mut f = fixture();
    f.app.navigate(Nav::Summary { evaluation: f.new });
    f.app
        .key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL));
    for c in "groups late".chars() {
        f.app
            .key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("Find anything"), "{text}");
    assert!(text.contains("rationale"), "{text}");
    assert!(text.contains("Groups start late"), "{text}");
    f.app.key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("Weak readers catch up quickly."), "{text}");
    assert!(!text.contains("Find anything"), "{text}");
}

#[test]
fn cycle_screens_draw_at_every_size_without_panic() {
    let mut apps = Vec::new();
    for nav in [
        |f: &Fixture| Nav::Compare { evaluation: f.new },
        |f: &Fixture| Nav::Walk {
            evaluation: f.new,
            index: Some(1),
        },
        |f: &Fixture| Nav::Summary { evaluation: f.new },
    ] {
        let mut g = fixture();
        let n = nav(&g);
        g.app.navigate(n);
        apps.push(g);
    }
    let mut finder = fixture();
    finder
        .app
        .key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL));
    finder
        .app
        .key(KeyEvent::new(KeyCode::Char('e'), KeyModifiers::NONE));
    apps.push(finder);
    for w in 1..=130 {
        for h in (1..=45).step_by(4) {
            for g in &apps {
                screen(&g.app, w, h);
            }
        }
    }
}
