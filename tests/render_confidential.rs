//! Confidential notes from earlier are hidden on the shared screen behind a
//! visible marker until a key shows them, on the walk (last cycle and the
//! plan's check-ins), the check-in screen, the finder and the summary. The
//! text the room typed in this cycle stays visible where it is edited.

mod common;

use common::{confidential_db, screen};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use headway::store::{OpenMode, Store};
use headway::tui::app::{App, Nav};
use headway::tui::theme::Theme;
use jiff::civil::date;

const MARK: &str = "[confidential: press v to show]";
const SECRET: &str = "Head of maths on a capability plan";
const CHECK_IN_SECRET: &str = "Teacher off sick";

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn app() -> (tempfile::TempDir, App, i64) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let (_, autumn, _) = confidential_db(&db);
    let store = Store::open(&db, OpenMode::Write).unwrap();
    let app = App::new(store, date(2026, 11, 22), Theme::new(true));
    (dir, app, autumn)
}

#[test]
fn the_walk_hides_last_cycles_confidential_notes_until_v() {
    let (_dir, mut app, autumn) = app();
    app.navigate(Nav::Walk {
        evaluation: autumn,
        index: Some(0),
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&app, w, h);
        assert!(text.contains("[confidential: press v"), "{text}");
        assert!(!text.contains("capability"), "{text}");
        assert!(!text.contains(CHECK_IN_SECRET), "{text}");
    }
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Named teacher again"),
        "this cycle's own note stays visible:\n{text}"
    );
    app.key(key(KeyCode::Char('v')));
    let text = screen(&app, 120, 40);
    assert!(text.contains(SECRET), "{text}");
    assert!(text.contains(CHECK_IN_SECRET), "{text}");
    // Moving away hides it again.
    app.key(key(KeyCode::Char('l')));
    let text = screen(&app, 120, 40);
    assert!(
        text.contains("Open remark"),
        "open notes are shown:\n{text}"
    );
    app.key(key(KeyCode::Char('h')));
    let text = screen(&app, 120, 40);
    assert!(text.contains(MARK), "{text}");
    assert!(!text.contains(SECRET), "{text}");
}

#[test]
fn the_check_in_screen_hides_earlier_confidential_notes_until_v() {
    let (_dir, mut app, _) = app();
    app.navigate(Nav::CheckIn {
        filter: Default::default(),
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&app, w, h);
        assert!(text.contains("Write the curriculum story"), "{text}");
        assert!(text.contains(MARK), "{text}");
        assert!(!text.contains(CHECK_IN_SECRET), "{text}");
    }
    app.key(key(KeyCode::Char('H')));
    let text = screen(&app, 120, 40);
    assert!(!text.contains(CHECK_IN_SECRET), "history too:\n{text}");
    app.key(key(KeyCode::Esc));
    app.key(key(KeyCode::Char('v')));
    let text = screen(&app, 120, 40);
    assert!(text.contains(CHECK_IN_SECRET), "{text}");
}

#[test]
fn the_finder_lists_confidential_notes_hidden_until_tab() {
    let (_dir, mut app, _) = app();
    app.key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL));
    for c in "capability".chars() {
        app.key(key(KeyCode::Char(c)));
    }
    let text = screen(&app, 120, 40);
    assert!(text.contains("[confidential: Tab shows it]"), "{text}");
    assert!(!text.contains(SECRET), "{text}");
    app.key(key(KeyCode::Tab));
    let text = screen(&app, 120, 40);
    assert!(text.contains(SECRET), "{text}");
}

#[test]
fn the_summary_hides_confidential_rationales_until_v() {
    let (_dir, mut app, autumn) = app();
    let aspects = {
        let store = &app.store;
        store
            .tool("curriculum-sequencing", 1)
            .unwrap()
            .aspects
            .len()
    };
    app.navigate(Nav::Summary { evaluation: autumn });
    let text = screen(&app, 120, 40);
    assert!(text.contains(MARK), "{text}");
    assert!(!text.contains("Named teacher again"), "{text}");
    // Aspect rows come first; the first weak statement is the next row.
    for _ in 0..aspects {
        app.key(key(KeyCode::Down));
    }
    app.key(key(KeyCode::Char('v')));
    let text = screen(&app, 120, 40);
    assert!(text.contains("Named teacher again"), "{text}");
    app.key(key(KeyCode::Down));
    let text = screen(&app, 120, 40);
    assert!(!text.contains("Named teacher again"), "{text}");
}

#[test]
fn screens_with_hidden_notes_draw_at_every_size() {
    let (_dir, mut app, autumn) = app();
    for nav in [
        Nav::Walk {
            evaluation: autumn,
            index: Some(0),
        },
        Nav::CheckIn {
            filter: Default::default(),
        },
        Nav::Summary { evaluation: autumn },
    ] {
        app.navigate(nav);
        for w in [1, 20, 47, 80] {
            for h in [1, 10, 24] {
                screen(&app, w, h);
            }
        }
    }
}

#[test]
fn an_action_drafted_from_a_confidential_rationale_hides_its_reason_until_f2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let (_, autumn, _) = confidential_db(&db);
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    let id = store
        .add_drafts(
            autumn,
            &[headway::domain::plan::DraftSeed {
                title: "Support the named teacher".into(),
                reason: "Named teacher again".into(),
                impact_check: "Termly review with HR".into(),
                statements: vec!["curriculum-sequencing/intent/purpose-stated".into()],
            }],
        )
        .unwrap()[0];
    let mut app = App::new(store, date(2026, 11, 22), Theme::new(true));
    app.navigate(Nav::Action {
        id,
        back: Box::new(Nav::Home),
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&app, w, h);
        assert!(text.contains("[confidential: F2 shows it]"), "{text}");
        assert!(!text.contains("Named teacher"), "{text}");
        assert!(!text.contains("with HR"), "{text}");
    }
    // Moving onto the impact check does not open it for typing, so it
    // stays hidden, and letters typed there change nothing.
    for _ in 0..9 {
        app.key(key(KeyCode::Down));
    }
    app.key(key(KeyCode::Char('z')));
    let text = screen(&app, 120, 40);
    assert!(!text.contains("with HR"), "{text}");
    assert!(text.contains("[confidential: F2 shows it]"), "{text}");
    app.key(key(KeyCode::F(2)));
    let text = screen(&app, 120, 40);
    assert!(text.contains("Named teacher again"), "{text}");
    assert!(text.contains("Termly review with HR"), "{text}");
    let stored = app.store.action(id).unwrap();
    assert_eq!(stored.impact_check, "Termly review with HR");
    // Moving on hides it again.
    app.key(key(KeyCode::Down));
    let text = screen(&app, 120, 40);
    assert!(!text.contains("with HR"), "{text}");
    assert!(!text.contains("Named teacher"), "{text}");
}

#[test]
fn a_confidential_judgement_carried_forward_is_hidden_in_the_new_walk() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let (_, autumn, _) = confidential_db(&db);
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    let autumn_e = store.evaluation(autumn).unwrap();
    let spring = store
        .create_evaluation(&headway::store::NewEvaluation {
            school_id: autumn_e.school_id,
            tool_id: "curriculum-sequencing".into(),
            tool_version: 1,
            scope: "English".into(),
            cycle: "Spring 2027".into(),
            attendees: String::new(),
        })
        .unwrap();
    store
        .carry_forward(
            spring,
            "curriculum-sequencing/intent/purpose-stated",
            autumn,
        )
        .unwrap();
    let mut app = App::new(store, date(2026, 11, 22), Theme::new(true));
    app.navigate(Nav::Walk {
        evaluation: spring,
        index: Some(0),
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&app, w, h);
        assert!(!text.contains("Named teacher"), "{text}");
        assert!(text.contains("[confidential: press v"), "{text}");
    }
    app.key(key(KeyCode::Char('v')));
    assert!(screen(&app, 120, 40).contains("Named teacher again"));
}
