//! The questions over the screen (unsaved text from last time, leaving with
//! unsaved text) and the notice that holds keys draw at every size without a
//! panic, and the offer hides the kept text until asked.

mod common;

use common::{meeting_db, screen};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use headway::store::{OpenMode, Store};
use headway::tui::app::{App, Nav};
use headway::tui::theme::Theme;
use jiff::civil::date;

const KEPT: &str = r#"{"headway_unsaved_text":1,"entries":[{"place":{"kind":"action","action":1,"field":"title"},"label":"action \"Write the curriculum story\": title","text":"Words typed in the meeting"}]}"#;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn every_size(app: &App) {
    for w in (1..=120).step_by(7) {
        for h in (1..=40).step_by(3) {
            screen(app, w, h);
        }
    }
}

#[test]
fn the_offer_of_kept_text_hides_it_until_v_and_draws_at_every_size() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    meeting_db(&db);
    std::fs::write(dir.path().join(".k.db.unsaved"), KEPT).unwrap();
    let store = Store::open(&db, OpenMode::Write).unwrap();
    let mut app = App::new(store, date(2026, 11, 22), Theme::new(false));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Unsaved text from last time"), "{text}");
    assert!(text.contains("Write the curriculum story"), "{text}");
    assert!(!text.contains("Words typed"), "{text}");
    every_size(&app);
    app.key(key(KeyCode::Char('v')));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Words typed in the meeting"), "{text}");
    every_size(&app);
    app.key(key(KeyCode::Char('d')));
    every_size(&app);
}

#[test]
fn the_held_notice_draws_at_every_size() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let (evaluation, _) = meeting_db(&db);
    let store = Store::open(&db, OpenMode::Read).unwrap();
    let mut app = App::new(store, date(2026, 11, 22), Theme::new(true));
    app.navigate(Nav::Walk {
        evaluation,
        index: Some(0),
    });
    app.key(key(KeyCode::Char('x')));
    let text = screen(&app, 80, 24);
    assert!(
        text.contains("Nothing you type now runs as a command"),
        "{text}"
    );
    every_size(&app);
    // A refused level opens the rationale with it pending; Ctrl+C then asks.
    app.key(key(KeyCode::Esc));
    app.key(key(KeyCode::Char('2')));
    app.key(key(KeyCode::Char('w')));
    app.key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Quit with unsaved text?"), "{text}");
    assert!(!app.quit);
    every_size(&app);
    app.key(key(KeyCode::Char('y')));
    assert!(app.quit);
}

/// Refusals name what is stored, not what was typed: a school or an
/// evaluation that differs only in case is named as it is kept.
#[test]
fn refusals_name_the_stored_school_and_evaluation() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let e = store
        .add_school("oakfield primary")
        .unwrap_err()
        .to_string();
    assert!(e.contains("\"Oakfield Primary\""), "{e}");
    common::add_evaluation(&mut store, school.id, "curriculum-sequencing", "English");
    let mut app = App::new(store, date(2026, 11, 22), Theme::new(true));
    app.navigate(Nav::NewEvaluation {
        school_id: school.id,
    });
    let press = |app: &mut App, code: KeyCode| app.key(KeyEvent::new(code, KeyModifiers::NONE));
    for c in "curric".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Tab);
    for c in "english".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    for _ in 0..2 {
        press(&mut app, KeyCode::Tab);
    }
    press(&mut app, KeyCode::Enter);
    let text = screen(&app, 100, 30);
    assert!(text.contains("for English in Autumn 2026"), "{text}");
}
