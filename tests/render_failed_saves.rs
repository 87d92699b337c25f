//! In-process companions of tests/e2e_failed_saves.rs: with a database
//! opened read-only, every change is refused, and after each refusal outside
//! a text box the keys are held (nothing typed runs as a command) until
//! Enter or Esc.

mod common;

use common::{meeting_db, screen};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use headway::store::{OpenMode, Store};
use headway::tui::app::{App, Nav};
use headway::tui::theme::Theme;
use jiff::civil::date;

const HELD: &str = "Nothing you type now runs as a command";

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn read_only() -> (tempfile::TempDir, App, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let (evaluation, _) = meeting_db(&db);
    {
        // A second weak statement, with no action yet, for drafting.
        let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        let mut store = Store::open(&db, OpenMode::Write).unwrap();
        store
            .set_level(
                evaluation,
                "curriculum-sequencing/intent/ambition-for-all",
                Some(1),
            )
            .unwrap();
    }
    let store = Store::open(&db, OpenMode::Read).unwrap();
    let app = App::new(store, date(2026, 11, 22), Theme::new(true));
    (dir, app, evaluation)
}

#[test]
fn a_refused_change_on_the_drafts_screen_holds_keys() {
    let (_dir, mut app, evaluation) = read_only();
    app.navigate(Nav::Drafts {
        evaluation,
        draft: false,
    });
    let text = screen(&app, 100, 30);
    assert!(text.contains("Write the curriculum story"), "{text}");
    app.key(key(KeyCode::Char('x'))); // drop it: asks first
    app.key(key(KeyCode::Char('y')));
    let text = screen(&app, 100, 30);
    assert!(text.contains(HELD), "{text}");
    // `q` would go home: it is held.
    app.key(key(KeyCode::Char('q')));
    let text = screen(&app, 100, 30);
    assert!(text.contains(HELD), "{text}");
    assert!(text.contains("Write the curriculum story"), "{text}");
    app.key(key(KeyCode::Esc));
    let text = screen(&app, 100, 30);
    assert!(!text.contains(HELD), "{text}");
    assert!(
        text.contains("✗"),
        "the message stays on the status line:\n{text}"
    );
}

#[test]
fn a_screen_that_cannot_open_holds_keys_on_the_one_before() {
    let (_dir, mut app, evaluation) = read_only();
    // Drafting writes; the store refuses, so the drafts screen is not opened.
    app.navigate(Nav::Drafts {
        evaluation,
        draft: true,
    });
    let text = screen(&app, 100, 30);
    assert!(text.contains("Not opened"), "{text}");
    assert!(text.contains(HELD), "{text}");
    app.key(key(KeyCode::Char('q')));
    assert!(!app.quit, "q was held, not run");
    app.key(key(KeyCode::Enter));
    app.key(key(KeyCode::Char('q')));
    assert!(app.quit);
}
