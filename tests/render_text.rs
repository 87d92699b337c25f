//! A school named with characters made of several code points (a family
//! emoji, flags, an accent written as a combining mark) is cut on screen
//! between whole characters at every width, and the border stays put.

mod common;

use headway::store::{OpenMode, Store};
use headway::tui::app::{App, Nav};
use headway::tui::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const FAMILY: &str = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
const FLAGS: &str = "\u{1F1EC}\u{1F1E7}\u{1F1EB}\u{1F1F7}\u{1F1E9}\u{1F1EA}";

fn name() -> String {
    format!("E\u{301}cole {FAMILY}{FAMILY}{FAMILY} {FLAGS}{FLAGS} Sainte-Ame\u{301}lie {FAMILY}{FAMILY} Primary and Nursery School")
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Draws `app` at `width` x 24 and checks each cell: no half of a family
/// emoji, no flag cut to one letter, and a right border where a row has a
/// left one.
fn check(app: &App, width: u16, screen: &str) {
    let mut terminal = Terminal::new(TestBackend::new(width, 24)).unwrap();
    terminal.draw(|f| app.view(f)).unwrap();
    let buffer = terminal.backend().buffer();
    for y in 0..24 {
        let row: Vec<&str> = (0..width).map(|x| buffer[(x, y)].symbol()).collect();
        let text = row.concat();
        for symbol in &row {
            let mut chars = symbol.chars();
            let lone_letter =
                matches!((chars.next(), chars.next()), (Some(c), None) if is_regional_indicator(c));
            assert!(
                !symbol.ends_with('\u{200D}') && !lone_letter,
                "{screen} at {width}: {symbol:?} is part of a character in row {y}: {text}"
            );
        }
        if row[0] == "│" {
            assert_eq!(
                row[usize::from(width) - 1],
                "│",
                "{screen} at {width}: row {y} lost its border: {text}"
            );
        }
    }
}

#[test]
fn a_name_of_emoji_and_accents_is_cut_between_whole_characters() {
    let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let today = jiff::civil::date(2026, 11, 23);
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    headway::demo::fill(&mut store, today).unwrap();
    let school = store.add_school(&name()).unwrap();
    let evaluation = common::add_evaluation(
        &mut store,
        school.id,
        "curriculum-sequencing",
        "Whole school",
    );
    let mut app = App::new(store, today, Theme::new(true));
    for (screen, nav) in [
        ("home", Nav::Home),
        ("summary", Nav::Summary { evaluation }),
        (
            "walk",
            Nav::Walk {
                evaluation,
                index: None,
            },
        ),
        ("plan", Nav::Plan { school: school.id }),
    ] {
        app.navigate(nav);
        for width in 40..=110 {
            check(&app, width, screen);
        }
    }
    // The plan's heading cuts the name, not the key that changes grouping.
    for width in 60..=110 {
        let text = common::screen(&app, width, 24);
        let heading = text.lines().next().unwrap_or_default().trim_end();
        assert!(heading.ends_with("v changes"), "at {width}: {heading}");
    }
}

/// A tool of one statement, `text`.
fn one_statement_tool(text: &str) -> String {
    format!(
        "id = \"reading\"\nversion = 1\ntitle = \"Reading check\"\narea = \"Curriculum\"\n\
         [[aspects]]\nid = \"r\"\ntitle = \"Reading\"\n\
         [[aspects.statements]]\nid = \"s\"\ntext = \"{text}\"\n"
    )
}

#[test]
fn the_walk_shows_the_whole_statement_at_every_width() {
    let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    let statement = "Pupils read and/or write daily, as set out in \
        school/curriculum/reading/phonics-and-early-reading-programme-overview-2026, \
        with 中文中文中文中文 and family notes {FAMILY} ending at Zanzibar.";
    let statement = statement.replace("{FAMILY}", FAMILY);
    store.import_tool(&one_statement_tool(&statement)).unwrap();
    let school = store.add_school("Oakfield Primary School").unwrap();
    let evaluation = common::add_evaluation(&mut store, school.id, "reading", "English");
    let mut app = App::new(store, jiff::civil::date(2026, 11, 23), Theme::new(true));
    app.navigate(Nav::Walk {
        evaluation,
        index: Some(0),
    });
    for width in 60..=130 {
        let text = common::screen(&app, width, 40);
        assert!(text.contains("Zanzibar."), "at {width}:\n{text}");
        assert!(text.contains(FAMILY), "at {width}:\n{text}");
    }
}

#[test]
fn the_check_in_draws_every_row_it_counted() {
    let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let today = jiff::civil::date(2026, 11, 23);
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    headway::demo::fill(&mut store, today).unwrap();
    drop(store);
    let criteria = "Seen in books and set out in \
        school/curriculum/reading/phonics-and-early-reading-programme-overview-2026 \
        with pupils' answers by the next evaluation, in words that wrap unevenly: \
        a bb ccc dddd eeeee ffffff ggggggg hhhhhhhh iiiiiiiii jjjjjjjjjj kkkkkkkkkkk.";
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE actions SET success_criteria = ?1", [criteria])
        .unwrap();
    drop(conn);
    let store = Store::open(&db, OpenMode::Write).unwrap();
    let mut app = App::new(store, today, Theme::new(true));
    app.navigate(Nav::CheckIn {
        filter: headway::agenda::Filter::default(),
    });
    let earlier = |text: &str| {
        text.lines()
            .filter(|l| {
                let mut words = l.split_whitespace();
                words.next().is_some_and(|w| w.starts_with("20"))
                    && words
                        .next()
                        .is_some_and(|w| matches!(w, "GREEN" | "AMBER" | "RED"))
            })
            .count()
    };
    let all = earlier(&common::screen(&app, 200, 60));
    assert!(all > 0);
    // Tall enough for every row: any missing was counted short.
    for width in 60..=130 {
        let text = common::screen(&app, width, 150);
        assert!(text.contains("kkkkkkkkkkk."), "at {width}:\n{text}");
        assert_eq!(earlier(&text), all, "at {width}:\n{text}");
    }
}
