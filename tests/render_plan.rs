//! The plan screens and the check-in screen, drawn at 80x24 and 120x40.

mod common;

use common::screen;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use headway::domain::evaluation::TextField;
use headway::domain::plan::{DraftSeed, Rag};
use headway::store::{ActionField, OpenMode, Store};
use headway::tui::app::{App, Nav};
use headway::tui::theme::Theme;
use jiff::civil::date;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
    evaluation: i64,
    school: i64,
}

/// An evaluation with two weak statements: one accepted action with a
/// check-in a week ago (so it is due), one draft.
fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let evaluation =
        common::add_evaluation(&mut store, school.id, "curriculum-sequencing", "English");
    let k1 = "curriculum-sequencing/intent/purpose-stated";
    let k2 = "curriculum-sequencing/intent/ambition-for-all";
    store.set_level(evaluation, k1, Some(1)).unwrap();
    store
        .set_text(
            evaluation,
            k1,
            TextField::Rationale,
            "No shared story",
            true,
        )
        .unwrap();
    store.set_level(evaluation, k2, Some(2)).unwrap();
    let ids = store
        .add_drafts(
            evaluation,
            &[
                DraftSeed {
                    title: "Write the curriculum story".into(),
                    reason: "No shared story".into(),
                    impact_check: "Pupil voice".into(),
                    statements: vec![k1.into()],
                },
                DraftSeed {
                    title: "Same content for every set".into(),
                    reason: String::new(),
                    impact_check: String::new(),
                    statements: vec![k2.into()],
                },
            ],
        )
        .unwrap();
    store.accept_action(ids[0], date(2026, 11, 1)).unwrap();
    store
        .set_action_field(ids[0], ActionField::Owner, Some("R. Patel"), true)
        .unwrap();
    store
        .set_action_field(
            ids[0],
            ActionField::SuccessCriteria,
            Some("Every pupil can tell the story"),
            true,
        )
        .unwrap();
    store
        .set_action_field(ids[0], ActionField::Due, Some("2026-11-20"), true)
        .unwrap();
    let c = store
        .add_check_in(ids[0], date(2026, 11, 8), Rag::Amber)
        .unwrap();
    store.set_check_in_text(c, false, "Slow start").unwrap();
    let app = App::new(store, date(2026, 11, 22), Theme::new(true));
    Fixture {
        _dir: dir,
        app,
        evaluation,
        school: school.id,
    }
}

#[test]
fn drafts_screen_shows_drafts_and_the_plan() {
    let mut f = fixture();
    f.app.navigate(Nav::Drafts {
        evaluation: f.evaluation,
        draft: false,
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&f.app, w, h);
        assert!(text.contains("Open priorities: 1 (limit 5)"), "{text}");
        assert!(
            text.contains("Drafts: not in the plan until accepted (1)"),
            "{text}"
        );
        assert!(text.contains("Same content for every set"), "{text}");
        assert!(text.contains("In the plan (1)"), "{text}");
        assert!(text.contains("Write the curriculum story"), "{text}");
    }
}

#[test]
fn school_plan_groups_and_marks_what_is_overdue() {
    let mut f = fixture();
    f.app.navigate(Nav::Plan { school: f.school });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&f.app, w, h);
        assert!(text.contains("Plan for Oakfield Primary"), "{text}");
        assert!(text.contains("by aspect"), "{text}");
        assert!(
            text.contains("1 late · 1 past due · 1 check overdue"),
            "{text}"
        );
        assert!(text.contains("Clear and ambitious intent"), "{text}");
        // Past its due date, its last amber check-in is not what it shows:
        // it reads LATE, as the reports say overdue.
        assert!(text.contains(" LATE "), "{text}");
        assert!(!text.contains("AMBER"), "{text}");
    }
    f.app.key(key(KeyCode::Char('v')));
    assert!(screen(&f.app, 80, 24).contains("R. Patel"));
    f.app.key(key(KeyCode::Char('v')));
    let text = screen(&f.app, 120, 40);
    assert!(text.contains("Overdue (was due November 2026)"), "{text}");
}

#[test]
fn check_in_screen_shows_what_the_check_needs() {
    let mut f = fixture();
    f.app.navigate(Nav::CheckIn {
        filter: Default::default(),
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&f.app, w, h);
        assert!(text.contains("Weekly check-in"), "{text}");
        assert!(text.contains("OVERDUE 2 DAYS"), "{text}");
        assert!(text.contains("Write the curriculum story"), "{text}");
        assert!(text.contains("Every pupil can tell the story"), "{text}");
        assert!(text.contains("Pupil voice"), "{text}");
        assert!(text.contains("Slow start"), "{text}");
        assert!(text.contains("g green"), "{text}");
        assert!(text.contains("on track"), "{text}");
    }
    // One key for red, the note typed at once, Enter on to the next (none left).
    f.app.key(key(KeyCode::Char('r')));
    for c in "Needs the head's help".chars() {
        f.app.key(key(KeyCode::Char(c)));
    }
    f.app.key(key(KeyCode::Enter));
    let text = screen(&f.app, 80, 24);
    assert!(
        text.contains("The one check is through: 1 checked"),
        "{text}"
    );
}

#[test]
fn action_form_shows_every_field() {
    let mut f = fixture();
    let id = f.app.store.actions(f.evaluation).unwrap()[0].id;
    f.app.navigate(Nav::Action {
        id,
        back: Box::new(Nav::Home),
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&f.app, w, h);
        for label in [
            "Title",
            "Owner (accountable)",
            "Checked by",
            "Start date",
            "Due date",
            "Milestones",
            "Success criteria",
            "Impact check",
            "Check cadence",
            "Target group",
            "Status",
            "Impact so far",
        ] {
            assert!(text.contains(label), "{label} at {w}x{h}: {text}");
        }
    }
}

#[test]
fn on_a_short_screen_the_field_being_typed_into_is_always_shown() {
    let mut f = fixture();
    let id = f.app.store.actions(f.evaluation).unwrap()[0].id;
    f.app.navigate(Nav::Action {
        id,
        back: Box::new(Nav::Home),
    });
    for step in 0..14 {
        let text = screen(&f.app, 60, 20);
        assert_eq!(
            text.matches('▶').count(),
            1,
            "field {step}: the selected row is on screen:\n{text}"
        );
        f.app.key(key(KeyCode::Down));
    }
}

#[test]
fn plan_screens_draw_at_every_size_without_panic() {
    let f = fixture();
    let mut apps = Vec::new();
    for nav in [
        Nav::Drafts {
            evaluation: f.evaluation,
            draft: false,
        },
        Nav::Plan { school: f.school },
        Nav::CheckIn {
            filter: Default::default(),
        },
    ] {
        let mut g = fixture();
        g.app.navigate(nav);
        apps.push(g);
    }
    for w in 1..=130 {
        for h in (1..=45).step_by(4) {
            for g in &apps {
                screen(&g.app, w, h);
            }
        }
    }
}

#[test]
fn dropping_an_action_asks_first_and_keeps_it() {
    let mut f = fixture();
    f.app.navigate(Nav::Drafts {
        evaluation: f.evaluation,
        draft: false,
    });
    // Rows: the draft, then the accepted action.
    f.app.key(key(KeyCode::Down));
    f.app.key(key(KeyCode::Char('x')));
    assert!(screen(&f.app, 80, 24).contains("Drop this action?"));
    f.app.key(key(KeyCode::Char('n')));
    let accepted = |f: &Fixture| {
        f.app
            .store
            .actions(f.evaluation)
            .unwrap()
            .into_iter()
            .find(|a| a.title == "Write the curriculum story")
            .unwrap()
    };
    assert_eq!(
        accepted(&f).status,
        headway::domain::plan::Status::InProgress
    );
    f.app.key(key(KeyCode::Char('x')));
    f.app.key(key(KeyCode::Char('y')));
    let a = accepted(&f);
    assert_eq!(
        a.status,
        headway::domain::plan::Status::Dropped,
        "dropped, not erased"
    );
    let history = f.app.store.action_history(a.id).unwrap();
    assert!(history
        .iter()
        .any(|(field, old, _)| field == "status" && old == "in progress"));
}

#[test]
fn a_done_action_reads_done_on_the_plan_not_its_last_colour() {
    let mut f = fixture();
    let id = f
        .app
        .store
        .actions(f.evaluation)
        .unwrap()
        .into_iter()
        .find(|a| a.title == "Write the curriculum story")
        .unwrap()
        .id;
    f.app
        .store
        .set_action_field(id, ActionField::Status, Some("done"), true)
        .unwrap();
    f.app.navigate(Nav::Plan { school: f.school });
    let text = screen(&f.app, 120, 40);
    assert!(text.contains(" DONE "), "{text}");
    assert!(
        !text.contains("AMBER") && !text.contains(" LATE "),
        "{text}"
    );
    assert!(
        text.contains("0 late · 0 past due · 0 checks overdue"),
        "{text}"
    );
}
