//! Rendering through TestBackend: home, walk and summary at 80x24 and
//! 120x40, a too-small terminal, and every size from 1x1 without a panic.

mod common;

use common::screen;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use headway::store::{OpenMode, Store};
use headway::tui::app::{App, Nav};
use headway::tui::theme::Theme;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.key(key(KeyCode::Char(c)));
    }
}

struct Fixture {
    _dir: tempfile::TempDir,
    app: App,
    evaluation: i64,
}

fn app_with_evaluation(color: bool) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    let school = store.add_school("Ysgol Gymraeg Ŵy — 中文学校 🎉").unwrap();
    store.add_school("Oakfield Primary").unwrap();
    let evaluation =
        common::add_evaluation(&mut store, school.id, "curriculum-sequencing", "English");
    let app = App::new(store, jiff::civil::date(2026, 11, 22), Theme::new(color));
    Fixture {
        _dir: dir,
        app,
        evaluation,
    }
}

#[test]
fn an_empty_database_greets_the_user_with_what_to_do_first() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("t.db"), OpenMode::Write).unwrap();
    let app = App::new(store, jiff::civil::date(2026, 11, 22), Theme::new(true));
    let text = screen(&app, 80, 24);
    assert!(text.contains("Welcome to headway."), "{text}");
    assert!(text.contains("press a"), "{text}");
}

#[test]
fn home_lists_schools_with_their_evaluations_and_progress() {
    let f = app_with_evaluation(true);
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&f.app, w, h);
        assert!(text.contains("Oakfield Primary"), "{text}");
        assert!(text.contains("Ysgol Gymraeg Ŵy — 中文学校"), "{text}");
        assert!(text.contains("Autumn 2026"), "{text}");
        assert!(text.contains("0/15"), "{text}");
    }
}

#[test]
fn home_finds_a_school_by_typing() {
    let mut f = app_with_evaluation(true);
    f.app.key(key(KeyCode::Char('/')));
    type_text(&mut f.app, "oak");
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("Oakfield Primary"));
    assert!(!text.contains("Ysgol"), "{text}");
    assert!(text.contains("1 of 2 schools"), "{text}");
}

#[test]
fn walk_shows_everything_a_meeting_needs() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: None,
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&f.app, w, h);
        assert!(text.contains("statement 1 of 15"), "{text}");
        assert!(text.contains("Curriculum intent"), "{text}");
        assert!(text.contains("Clear and ambitious intent"), "{text}");
        assert!(text.contains("Leaders can say in plain words"), "{text}");
        assert!(text.contains("Guidance:"), "{text}");
        for label in ["1 Not yet", "2 Emerging", "3 Secure", "4 Exemplary"] {
            assert!(text.contains(label), "{label} in {text}");
        }
        assert!(text.contains("Rationale"), "{text}");
        assert!(text.contains("Evidence next time"), "{text}");
        assert!(text.contains("judged 0 · deferred 0 · left 15"), "{text}");
    }
}

#[test]
fn judging_typing_and_enter_moves_on_with_two_keys() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: None,
    });
    f.app.key(key(KeyCode::Char('2')));
    type_text(&mut f.app, "Leaders tell different stories");
    f.app.key(key(KeyCode::Enter));
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("statement 2 of 15"), "{text}");
    assert!(text.contains("judged 1 · deferred 0 · left 14"), "{text}");
    let j = f.app.store.judgements(f.evaluation).unwrap();
    let k = "curriculum-sequencing/intent/purpose-stated";
    assert_eq!(j[k].level, Some(2));
    assert_eq!(j[k].rationale, "Leaders tell different stories");
}

#[test]
fn summary_lists_weak_and_deferred_with_their_words() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: None,
    });
    f.app.key(key(KeyCode::Char('1')));
    type_text(&mut f.app, "No shared story");
    f.app.key(key(KeyCode::Enter));
    f.app.key(key(KeyCode::Char('d')));
    type_text(&mut f.app, "Wait for the new lead");
    f.app.key(key(KeyCode::Enter));
    f.app.key(key(KeyCode::Char('s')));
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&f.app, w, h);
        assert!(text.contains("Weak statements (1)"), "{text}");
        assert!(text.contains("Rationale: No shared story"), "{text}");
        assert!(text.contains("Left until next time (1)"), "{text}");
        assert!(text.contains("Note: Wait for the new lead"), "{text}");
        assert!(text.contains("By aspect"), "{text}");
    }
    // The aspect rows come first: the second opens its first statement (5).
    f.app.key(key(KeyCode::Down));
    f.app.key(key(KeyCode::Enter));
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("statement 5 of 15"), "{text}");
    // Back in the summary the second aspect is still selected; past the
    // third, the second listed statement is the deferred one.
    f.app.key(key(KeyCode::Char('s')));
    for _ in 0..3 {
        f.app.key(key(KeyCode::Down));
    }
    f.app.key(key(KeyCode::Enter));
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("statement 2 of 15"), "{text}");
}

#[test]
fn help_overlay_lists_the_keys_of_the_screen() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: None,
    });
    f.app.key(key(KeyCode::Char('?')));
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("Keys: Walk"), "{text}");
    assert!(text.contains("leave until next time"), "{text}");
    f.app.key(key(KeyCode::Char('x')));
    assert!(!screen(&f.app, 80, 24).contains("Keys: Walk"));
}

#[test]
fn too_small_says_so() {
    let f = app_with_evaluation(true);
    let text = screen(&f.app, 40, 10);
    assert!(text.contains("Terminal too small"), "{text}");
}

#[test]
fn on_a_short_screen_the_note_being_typed_is_the_one_shown() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: Some(0),
    });
    f.app.key(key(KeyCode::Char('3')));
    f.app.key(key(KeyCode::Esc));
    f.app.key(key(KeyCode::Char('e')));
    for c in "seen in books".chars() {
        f.app.key(key(KeyCode::Char(c)));
    }
    for (w, h) in [(60, 16), (60, 17), (60, 20), (80, 24), (200, 50)] {
        let text = screen(&f.app, w, h);
        assert!(text.contains("seen in books"), "{w}x{h}:\n{text}");
    }
}

#[test]
fn every_size_from_one_by_one_draws_without_panic() {
    let mut f = app_with_evaluation(false);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: None,
    });
    f.app.key(key(KeyCode::Char('2')));
    type_text(
        &mut f.app,
        "é ŵ 中文 🎉 long enough to wrap several times over in a narrow box",
    );
    let summary_app = {
        let mut g = app_with_evaluation(true);
        g.app.navigate(Nav::Summary {
            evaluation: g.evaluation,
        });
        g
    };
    let home_app = app_with_evaluation(true);
    let mut form_app = app_with_evaluation(true);
    form_app.app.key(key(KeyCode::Char('n')));
    type_text(&mut form_app.app, "zzz-no-tool");
    let mut help_app = app_with_evaluation(true);
    help_app.app.key(key(KeyCode::Char('?')));
    let mut popup_app = app_with_evaluation(true);
    popup_app.app.key(key(KeyCode::Char('a')));
    let mut jump_app = app_with_evaluation(true);
    jump_app.app.navigate(Nav::Walk {
        evaluation: jump_app.evaluation,
        index: None,
    });
    jump_app.app.key(key(KeyCode::Char('g')));
    let apps = [
        &f.app,
        &summary_app.app,
        &home_app.app,
        &form_app.app,
        &help_app.app,
        &popup_app.app,
        &jump_app.app,
    ];
    for w in 1..=130 {
        for h in (1..=45).step_by(4) {
            for app in apps {
                screen(app, w, h);
            }
        }
    }
}

#[test]
fn no_color_keeps_the_selection_visible() {
    let f = app_with_evaluation(false);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|fr| f.app.view(fr)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut reversed = false;
    for cell in buffer.content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "no colours with NO_COLOR"
        );
        reversed |= cell.modifier.contains(ratatui::style::Modifier::REVERSED);
    }
    assert!(reversed, "selection is in reverse video");
    let text = screen(&f.app, 80, 24);
    assert!(text.contains('▶'), "and marked with a character");
}

/// Moving on redraws only what changed: the notes keep their place and
/// size from one statement to the next, whatever the statement's length.
#[test]
fn the_notes_stay_in_one_place_as_statements_change() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: Some(0),
    });
    for (w, h) in [(80, 24), (200, 50)] {
        let mut places = std::collections::BTreeSet::new();
        for _ in 0..15 {
            let text = screen(&f.app, w, h);
            let rows: Vec<&str> = text.lines().collect();
            let top = rows.iter().position(|r| r.contains("╭ Rationale"));
            let bottom = rows.iter().rposition(|r| r.contains("╰"));
            places.insert((top, bottom));
            f.app.key(key(KeyCode::Right));
        }
        for _ in 0..15 {
            f.app.key(key(KeyCode::Left));
        }
        assert_eq!(places.len(), 1, "{w}x{h}: {places:?}");
        assert!(places.iter().all(|(t, _)| t.is_some()), "{w}x{h}");
    }
}

/// The help lists Ctrl+Z and Ctrl+C: with the help open they close it and
/// still do their work, so a `fg` typed after is not taken as keys.
#[test]
fn ctrl_z_suspends_even_with_the_help_open() {
    let mut f = app_with_evaluation(true);
    f.app.key(key(KeyCode::Char('?')));
    assert!(f.app.show_help);
    f.app
        .key(KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL));
    assert!(!f.app.show_help);
    assert!(f.app.suspend, "Ctrl+Z asks to suspend");
}

/// Keys keep one meaning: h and l step back and on, g and G go to the
/// first and last, H shows history, / finds a statement.
#[test]
fn the_walk_steps_with_h_and_l_and_jumps_with_g_and_g_shifted() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: Some(0),
    });
    let at = |app: &App| screen(app, 80, 24);
    f.app.key(key(KeyCode::Char('l')));
    assert!(at(&f.app).contains("statement 2 of 15"));
    f.app.key(key(KeyCode::Char('h')));
    assert!(at(&f.app).contains("statement 1 of 15"));
    f.app.key(key(KeyCode::Char('G')));
    assert!(at(&f.app).contains("statement 15 of 15"), "{}", at(&f.app));
    f.app.key(key(KeyCode::Char('g')));
    assert!(at(&f.app).contains("statement 1 of 15"));
    f.app.key(key(KeyCode::Char('H')));
    assert!(at(&f.app).contains("Earlier values of this statement"));
    f.app.key(key(KeyCode::Esc));
    f.app.key(key(KeyCode::Char('/')));
    assert!(at(&f.app).contains("Go to statement"));
}

/// Help longer than the screen scrolls with the arrows; any other key
/// closes it.
#[test]
fn long_help_scrolls_on_a_small_screen() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: Some(0),
    });
    f.app.key(key(KeyCode::Char('?')));
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("↑↓ more"), "{text}");
    assert!(!text.contains("suspend to the shell"), "{text}");
    for _ in 0..40 {
        f.app.key(key(KeyCode::Down));
    }
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("suspend to the shell"), "{text}");
    assert!(f.app.show_help, "arrows do not close it");
    f.app.key(key(KeyCode::Char('x')));
    assert!(!f.app.show_help);
    assert!(
        screen(&f.app, 80, 24).contains("Not judged yet"),
        "x closed the help only"
    );
}

/// While the terminal is too small to show anything, keys change nothing
/// unseen.
#[test]
fn keys_do_nothing_while_the_terminal_is_too_small() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: Some(0),
    });
    assert!(screen(&f.app, 30, 8).contains("Terminal too small"));
    f.app.key(key(KeyCode::Char('3')));
    f.app.key(key(KeyCode::Char('l')));
    let text = screen(&f.app, 80, 24);
    assert!(text.contains("statement 1 of 15"), "{text}");
    assert!(text.contains("Not judged yet"), "{text}");
}

/// `u` in the walk takes back the last judgement, deferral or clearing,
/// newest first, wherever the walk has moved since.
#[test]
fn u_in_the_walk_takes_back_the_last_changes() {
    let mut f = app_with_evaluation(true);
    f.app.navigate(Nav::Walk {
        evaluation: f.evaluation,
        index: Some(0),
    });
    f.app.key(key(KeyCode::Char('3')));
    type_text(&mut f.app, "Strong in books");
    f.app.key(key(KeyCode::Enter));
    f.app.key(key(KeyCode::Char('d')));
    f.app.key(key(KeyCode::Esc));
    let k1 = "curriculum-sequencing/intent/purpose-stated";
    let k2 = "curriculum-sequencing/intent/ambition-for-all";
    assert!(f.app.store.judgements(f.evaluation).unwrap()[k2].deferred);
    f.app.key(key(KeyCode::Char('u')));
    let j = f.app.store.judgements(f.evaluation).unwrap();
    assert!(!j[k2].deferred, "the deferral is taken back");
    assert_eq!(j[k1].level, Some(3), "the earlier judgement stays");
    f.app.key(key(KeyCode::Char('l')));
    f.app.key(key(KeyCode::Char('u')));
    let j = f.app.store.judgements(f.evaluation).unwrap();
    assert_eq!(j[k1].level, None);
    assert_eq!(j[k1].rationale, "", "the walk's own text went with it");
    let text = screen(&f.app, 80, 24);
    assert!(
        text.contains("statement 1 of 15"),
        "back where it was: {text}"
    );
    // Nothing of it is lost: the history has the level and the words.
    let history = f.app.store.history(f.evaluation, Some(k1)).unwrap();
    assert!(history.iter().any(|r| r.old_value == "Strong in books"));
    f.app.key(key(KeyCode::Char('u')));
    assert!(screen(&f.app, 80, 24).contains("Nothing changed in this walk to undo"));
}
