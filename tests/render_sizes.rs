//! Every screen at 80x24, 60x20 and 200x50, on the demo's data: what a
//! row is for (an owner, a due date, a statement number, a scope) is never
//! what falls off the edge, and help wraps under itself.

mod common;

use common::screen;
use headway::agenda::Filter;
use headway::store::{OpenMode, Store};
use headway::tui::app::{App, Nav};
use headway::tui::theme::Theme;

const SIZES: [(u16, u16); 3] = [(80, 24), (60, 20), (200, 50)];

struct Demo {
    _dir: tempfile::TempDir,
    app: App,
    /// Oakfield's Autumn evaluation, with a plan.
    evaluation: i64,
    school: i64,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let today = jiff::civil::date(2026, 11, 23);
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    headway::demo::fill(&mut store, today).unwrap();
    let e = store
        .evaluations()
        .unwrap()
        .into_iter()
        .find(|e| e.school_name.starts_with("Oakfield") && e.cycle == "Autumn 2026")
        .unwrap();
    let app = App::new(store, today, Theme::new(true));
    Demo {
        _dir: dir,
        app,
        evaluation: e.id,
        school: e.school_id,
    }
}

#[test]
fn home_keeps_each_evaluation_s_scope_and_deferrals() {
    let d = demo();
    for (w, h) in SIZES {
        let text = screen(&d.app, w, h);
        if w >= 80 {
            assert!(text.contains("· English  (1 deferred)"), "{w}x{h}:\n{text}");
            assert!(text.contains("· Whole school"), "{w}x{h}:\n{text}");
        }
        assert!(text.contains("15/15"), "{w}x{h}:\n{text}");
    }
}

#[test]
fn the_plan_keeps_owners_due_dates_and_checks() {
    let mut d = demo();
    d.app.navigate(Nav::Plan { school: d.school });
    for (w, h) in SIZES {
        let text = screen(&d.app, w, h);
        assert!(
            text.contains("D. Okafor · due 2026-12-21"),
            "{w}x{h}:\n{text}"
        );
        assert!(text.contains("check overdue"), "{w}x{h}:\n{text}");
    }
}

#[test]
fn drafts_keep_their_statement_numbers() {
    let mut d = demo();
    d.app.navigate(Nav::Drafts {
        evaluation: d.evaluation,
        draft: true,
    });
    for (w, h) in SIZES {
        let text = screen(&d.app, w, h);
        assert!(text.contains("(statement 8)"), "{w}x{h}:\n{text}");
        assert!(text.contains("(statement 10)"), "{w}x{h}:\n{text}");
    }
}

#[test]
fn the_check_in_legend_keeps_each_colour_whole() {
    let mut d = demo();
    d.app.navigate(Nav::CheckIn {
        filter: Filter::default(),
    });
    for (w, h) in SIZES {
        let text = screen(&d.app, w, h);
        for item in ["g green", "a amber", "r red"] {
            let row = text.lines().find(|l| l.contains(item));
            assert!(row.is_some(), "{item} at {w}x{h}:\n{text}");
        }
        if w >= 80 {
            assert!(
                text.contains("off track: needs intervention"),
                "{w}x{h}:\n{text}"
            );
        }
        // Nothing of the legend starts a line on its own, broken off.
        assert!(
            !text.lines().any(|l| l.starts_with("r red")),
            "{w}x{h}:\n{text}"
        );
    }
}

#[test]
fn the_summary_shortens_who_was_in_the_room_and_help_wraps_under_itself() {
    let mut d = demo();
    d.app.navigate(Nav::Summary {
        evaluation: d.evaluation,
    });
    let text = screen(&d.app, 80, 24);
    let context = text
        .lines()
        .find(|l| l.contains("Oakfield Primary School ·"));
    assert!(
        context.is_some_and(|l| l.contains("Liaison: R. Patel") && l.contains('…')),
        "{text}"
    );
    let text = screen(&d.app, 200, 50);
    assert!(text.contains("English lead: D. Okafor"), "{text}");
    d.app.key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('?'),
        crossterm::event::KeyModifiers::NONE,
    ));
    let text = screen(&d.app, 80, 24);
    // The rest of a long description sits under its first line.
    let rows: Vec<&str> = text.lines().collect();
    let first = rows
        .iter()
        .position(|r| r.contains("confidential note"))
        .expect("the v key is in the help");
    let next = rows[first + 1];
    let column = |r: &str, s: &str| r.find(s).map(|b| r[..b].chars().count());
    assert_eq!(
        column(next, "you move"),
        column(rows[first], "show the"),
        "{text}"
    );
}

#[test]
fn an_evaluation_without_attendees_has_no_dangling_separator() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let evaluation =
        common::add_evaluation(&mut store, school.id, "curriculum-sequencing", "English");
    let mut app = App::new(store, jiff::civil::date(2026, 11, 23), Theme::new(true));
    for nav in [
        Nav::Summary { evaluation },
        Nav::Walk {
            evaluation,
            index: Some(0),
        },
    ] {
        app.navigate(nav);
        let text = screen(&app, 80, 24);
        let row = text
            .lines()
            .find(|l| l.contains("Oakfield Primary ·"))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(
            !row.trim_end()
                .trim_end_matches('│')
                .trim_end()
                .ends_with('·'),
            "{row}"
        );
    }
}

/// On a tall screen the walk tells the statement's whole story: the
/// cycles before last time fill the room above the notes.
#[test]
fn a_tall_walk_shows_the_cycles_before_last_time() {
    use headway::domain::evaluation::TextField;
    use headway::store::NewEvaluation;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let key = "curriculum-sequencing/intent/purpose-stated";
    let mut ids = Vec::new();
    for (cycle, level, why) in [
        ("Spring 2026", 1, "Nobody could say it"),
        ("Summer 2026", 2, "The head could say it"),
        ("Autumn 2026", 3, "Everyone could say it"),
    ] {
        let id = store
            .create_evaluation(&NewEvaluation {
                school_id: school.id,
                tool_id: "curriculum-sequencing".into(),
                tool_version: 1,
                scope: "English".into(),
                cycle: cycle.into(),
                attendees: String::new(),
            })
            .unwrap();
        store.set_level(id, key, Some(level)).unwrap();
        store
            .set_text(id, key, TextField::Rationale, why, true)
            .unwrap();
        ids.push(id);
    }
    let mut app = App::new(store, jiff::civil::date(2026, 11, 23), Theme::new(true));
    app.navigate(Nav::Walk {
        evaluation: ids[2],
        index: Some(0),
    });
    let tall = screen(&app, 200, 50);
    assert!(
        tall.contains("Last time · Summer 2026: 2 Emerging — The head could say it"),
        "{tall}"
    );
    assert!(tall.contains("Before that:"), "{tall}");
    assert!(
        tall.contains("Spring 2026  1 Not yet — Nobody could say it"),
        "{tall}"
    );
    // On a small screen the notes come first.
    let small = screen(&app, 80, 24);
    assert!(small.contains("Rationale"), "{small}");
}

/// A box drawn over wide characters keeps its left edge: the character
/// whose right half falls under the edge is blanked, not drawn over it.
#[test]
fn a_popup_over_wide_characters_keeps_its_left_edge() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    for n in 0..16 {
        // Names that shift by one column each, so some wide character
        // straddles the box's edge whatever the width.
        let name = format!("{}中文学校中文学校中文学校中文学校 {n}", "x".repeat(n % 4));
        store.add_school(&name).unwrap();
    }
    drop(store);
    for width in [79, 80, 81] {
        let store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
        let mut app = App::new(store, jiff::civil::date(2026, 11, 23), Theme::new(true));
        app.key(crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char('a'),
            crossterm::event::KeyModifiers::NONE,
        ));
        let text = screen(&app, width, 24);
        let rows: Vec<&str> = text.lines().collect();
        let top = rows
            .iter()
            .position(|r| r.contains("Add a school"))
            .unwrap();
        let edge = column_of(rows[top], '╭').unwrap();
        let bottom = (top + 1..rows.len())
            .find(|&i| rows[i].contains('╰'))
            .unwrap();
        for row in &rows[top + 1..bottom] {
            assert_eq!(char_at(row, edge), Some('│'), "{width}:\n{text}");
        }
    }
}

/// The column where `c` first starts in `row`, counting display columns.
fn column_of(row: &str, c: char) -> Option<usize> {
    let mut col = 0;
    for ch in row.chars() {
        if ch == c {
            return Some(col);
        }
        col += unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
    }
    None
}

/// The character that starts at display column `at` of `row`, if one does.
fn char_at(row: &str, at: usize) -> Option<char> {
    let mut col = 0;
    for ch in row.chars() {
        if col == at {
            return Some(ch);
        }
        col += unicode_width::UnicodeWidthChar::width(ch).unwrap_or(0);
        if col > at {
            return None;
        }
    }
    None
}

/// After `x` the selection moves on; `u` still brings back the draft just
/// discarded, and `a` leaves the selection on the action accepted, so the
/// next `e` edits it.
#[test]
fn drafts_bring_back_the_last_discard_and_follow_what_is_accepted() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut d = demo();
    d.app.navigate(Nav::Drafts {
        evaluation: d.evaluation,
        draft: true,
    });
    let press =
        |app: &mut App, c: char| app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    press(&mut d.app, 'x');
    let text = screen(&d.app, 100, 30);
    assert!(text.contains("Discarded"), "{text}");
    press(&mut d.app, 'u');
    let text = screen(&d.app, 100, 30);
    assert!(text.contains("Draft brought back"), "{text}");
    assert!(
        text.contains("Drafts: not in the plan until accepted (2)"),
        "{text}"
    );
    press(&mut d.app, 'a');
    let text = screen(&d.app, 100, 30);
    let selected = text
        .lines()
        .find(|l| l.contains('▶'))
        .unwrap_or_default()
        .to_string();
    let accepted_at = text
        .lines()
        .position(|l| l.contains("In the plan"))
        .unwrap();
    let selected_at = text.lines().position(|l| l.contains('▶')).unwrap();
    assert!(
        selected_at > accepted_at,
        "the selection followed it: {selected}\n{text}"
    );
}

/// On the smallest screen the check-in still shows which action it is,
/// the colours, and the box being typed into.
#[test]
fn a_short_check_in_keeps_the_action_and_the_box_being_typed_into() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut d = demo();
    d.app.navigate(Nav::CheckIn {
        filter: Filter::default(),
    });
    let text = screen(&d.app, 60, 16);
    assert!(text.contains("Teach the full ambitious"), "{text}");
    assert!(text.contains("g green  a amber  r red"), "{text}");
    d.app
        .key(KeyEvent::new(KeyCode::Char('g'), KeyModifiers::NONE));
    for c in "On track".chars() {
        d.app
            .key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let text = screen(&d.app, 60, 16);
    assert!(text.contains("On track"), "{text}");
    d.app.key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
    for c in "Books".chars() {
        d.app
            .key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let text = screen(&d.app, 60, 16);
    assert!(
        text.contains("Impact seen") && text.contains("Books"),
        "{text}"
    );
}
