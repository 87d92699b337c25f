//! The app: which screen is showing, the status message, and the glue that
//! turns key presses into screen changes. Screens own their state, keys and views.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use jiff::civil::Date;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::keymap::{KeyMap, KeyPlace};
pub use super::nav::{Ctx, Nav, Status};
use super::prompts::{self, Prompt};
use super::recovery::{Recovery, Unsaved};
use super::screens::across::AcrossScreen;
use super::screens::action::ActionEditor;
use super::screens::checkin::CheckInScreen;
use super::screens::compare::Compare;
use super::screens::conflicts::Conflicts;
use super::screens::drafts::Drafts;
use super::screens::finder::{self, Finder, Outcome};
use super::screens::plan::Plan;
use super::screens::{home::Home, new_evaluation::NewEvaluation, summary::Summary, walk::Walk};
use super::theme::Theme;
use super::widgets::help::{self, KeyHelp};
use super::widgets::layout::{MIN_HEIGHT, MIN_WIDTH};
use crate::store::Store;

/// Keys of a text box, listed in the help (F1) while one is open.
const TEXT_KEYS: &[KeyHelp] = &[
    ("", ""),
    (
        "Home / End",
        "start / end of the text (also Ctrl+A / Ctrl+E)",
    ),
    ("Ctrl+U / Ctrl+K", "delete to the start / to the end"),
    ("Ctrl+W", "delete the word before the cursor"),
    (
        "Ctrl+/",
        "undo a word or a change at a time (Ctrl+R redoes)",
    ),
    (
        "Ctrl+X",
        "in a note: write it in your own editor ($VISUAL, $EDITOR)",
    ),
    ("typing", "on a field's selected text: replaces it"),
];

/// Keys that work on every screen, listed at the end of each help overlay.
const GLOBAL_KEYS: &[KeyHelp] = &[
    ("", ""),
    ("Ctrl+F", "find anything, from any screen"),
    ("? / F1", "this help"),
    ("Ctrl+C", "quit (asks first if any text is not saved)"),
    ("Ctrl+Z", "suspend to the shell; fg comes back"),
];

/// A screen the user may come back to, and what it shows: a screen left
/// for another is kept (parked) under this name, so coming back to the same
/// place finds the selection where it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Home,
    Summary(i64),
    Compare(i64),
    Drafts(i64),
    Plan(i64),
}

fn place_of(screen: &Screen) -> Option<Place> {
    Some(match screen {
        Screen::Home(_) => Place::Home,
        Screen::Summary(s) => Place::Summary(s.evaluation_id()),
        Screen::Compare(s) => Place::Compare(s.evaluation_id()),
        Screen::Drafts(s) => Place::Drafts(s.evaluation_id()),
        Screen::Plan(s) => Place::Plan(s.school_id()),
        _ => return None,
    })
}

/// How many screens left behind are kept for coming back to.
const PARKED: usize = 8;

pub enum Screen {
    Home(Box<Home>),
    NewEvaluation(Box<NewEvaluation>),
    Walk(Box<Walk>),
    Summary(Box<Summary>),
    Compare(Box<Compare>),
    Across(Box<AcrossScreen>),
    Conflicts(Box<Conflicts>),
    CheckIn(Box<CheckInScreen>),
    Drafts(Box<Drafts>),
    Plan(Box<Plan>),
    Action(Box<ActionEditor>),
}

pub struct App {
    pub store: Store,
    pub today: Date,
    pub screen: Screen,
    pub status: Status,
    pub show_help: bool,
    /// The first line of the help shown, when it scrolls.
    help_offset: std::cell::Cell<usize>,
    /// Set while the terminal is too small to draw on: keys then do nothing
    /// (nothing is typed or changed unseen) but Ctrl+C and Ctrl+Z.
    too_small: std::cell::Cell<bool>,
    /// The keys in force, with any the user's config file chose.
    pub keys: KeyMap,
    /// The finder overlay, over whatever screen is showing.
    pub finder: Option<Box<Finder>>,
    pub theme: Theme,
    pub quit: bool,
    /// Set by Ctrl+Z: the run loop gives the terminal back and stops.
    pub suspend: bool,
    /// Screens left for another, to come back to (see [`Place`]).
    parked: Vec<Screen>,
    /// Ctrl+C was pressed once over text that would be dropped: a second
    /// one quits anyway.
    quit_armed: bool,
    /// Text to write in the user's own editor (Ctrl+X in a text box); the
    /// run loop hands the terminal over and gives back what was written.
    pub external_edit: Option<String>,
    /// The file that keeps text the store refused.
    pub(super) recovery: Recovery,
    /// Unsaved text not on the current screen: left by an earlier session,
    /// or on a screen the user chose to leave. The recovery file holds it
    /// with whatever the current screen has unsaved.
    pub(super) kept: Vec<Unsaved>,
    /// A question over the screen that takes every key until answered.
    pub(super) prompt: Option<Prompt>,
}

impl App {
    pub fn new(store: Store, today: Date, theme: Theme) -> App {
        let mut status = Status::None;
        let home = Home::load(&store, None, &mut status);
        if let Some(notice) = store.notices().first() {
            status = Status::Info(notice.clone());
        }
        if let Some(problem) = store.backup_problem() {
            status = Status::Error(problem.to_string());
        }
        let mut recovery = Recovery::beside(store.path());
        let kept = recovery.load().unwrap_or_else(|problem| {
            status = Status::Error(problem);
            Vec::new()
        });
        let prompt = (!kept.is_empty()).then_some(Prompt::Offer {
            show: false,
            discarding: false,
        });
        App {
            recovery,
            kept,
            prompt,
            store,
            today,
            screen: Screen::Home(Box::new(home)),
            status,
            show_help: false,
            help_offset: std::cell::Cell::new(0),
            too_small: std::cell::Cell::new(false),
            keys: KeyMap::default(),
            finder: None,
            theme,
            quit: false,
            suspend: false,
            parked: Vec::new(),
            quit_armed: false,
            external_edit: None,
        }
    }

    /// Handles one terminal event.
    pub fn event(&mut self, event: Event) {
        match event {
            Event::Key(key) if key.kind == KeyEventKind::Press => self.key(key),
            Event::Paste(text) => self.paste(&text),
            _ => {}
        }
        let _ = self.keep_unsaved();
    }

    /// A paste and the events that arrived right behind it (see
    /// `tui::paste_tail`). While a text box is open, those keys are text:
    /// letters type, Enter and Tab become spaces, and Esc and control keys
    /// are dropped (so they never close the box or quit). With no text box
    /// open they are all dropped, never run as commands.
    pub fn paste_burst(&mut self, text: &str, tail: Vec<Event>) {
        self.event(Event::Paste(text.to_string()));
        if tail.is_empty() {
            return;
        }
        let mut rest = String::new();
        for event in tail {
            match event {
                Event::Key(key) if key.kind == KeyEventKind::Press => match key.code {
                    // Control keys (Ctrl+C, Ctrl+F...) are neither text nor commands here.
                    KeyCode::Char(_) if key.modifiers.contains(KeyModifiers::CONTROL) => {}
                    KeyCode::Char(c) => rest.push(c),
                    KeyCode::Enter | KeyCode::Tab => rest.push(' '),
                    _ => {}
                },
                Event::Paste(more) => rest.push_str(&more),
                _ => {}
            }
        }
        let typing = self.finder.is_some() || self.is_typing();
        if typing && self.prompt.is_none() {
            if !rest.is_empty() {
                self.event(Event::Paste(rest));
            }
        } else if !rest.trim().is_empty()
            && !matches!(self.status, Status::Error(_) | Status::Held(_))
        {
            self.status = Status::Info(
                "Keys that came in with a paste were ignored: no text box is open".into(),
            );
        }
    }

    pub fn key(&mut self, key: KeyEvent) {
        if self.prompt.is_some() {
            self.answer(key);
            return;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.too_small.get()
            && !(ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('z')))
        {
            return;
        }
        if self.show_help {
            let step: isize = match key.code {
                KeyCode::Down | KeyCode::Char('j') => 1,
                KeyCode::Up | KeyCode::Char('k') => -1,
                KeyCode::PageDown => 10,
                KeyCode::PageUp => -10,
                _ => 0,
            };
            if step != 0 {
                let at = self.help_offset.get().saturating_add_signed(step);
                self.help_offset.set(at);
                return;
            }
            self.show_help = false;
            self.help_offset.set(0);
            // Any key closes the help; Ctrl+C and Ctrl+Z, which the help
            // lists, also do their work.
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            if !(ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('z'))) {
                return;
            }
        }
        if let Status::Held(message) = &self.status {
            // Ctrl+C (which asks first if text is unsaved) and Ctrl+Z still work.
            let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
            let passes = ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('z'));
            if !passes {
                if matches!(key.code, KeyCode::Enter | KeyCode::Esc) {
                    self.status = Status::Error(message.clone());
                }
                return;
            }
        }
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            if !std::mem::take(&mut self.quit_armed) {
                if let Some(why) = self.before_quit() {
                    self.status = Status::Error(why);
                    self.quit_armed = true;
                    return;
                }
            }
            self.go(Nav::Quit);
            return;
        }
        self.quit_armed = false;
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && key.code == KeyCode::Char('z') {
            self.suspend = true;
            return;
        }
        if ctrl && key.code == KeyCode::Char('x') && self.finder.is_none() {
            match self.editor_mut() {
                Some(editor) => self.external_edit = Some(editor.text()),
                None => {
                    self.status =
                        Status::Info("Ctrl+X opens your editor from a note being typed.".into())
                }
            }
            return;
        }
        if ctrl && key.code == KeyCode::Char('f') {
            match Finder::open(&self.store) {
                Ok(f) => self.finder = Some(Box::new(f)),
                Err(e) => self.status = Status::Held(format!("Not opened: {e}")),
            }
            return;
        }
        if let Some(finder) = self.finder.as_mut() {
            if key.code == KeyCode::F(1) {
                self.show_help = true;
                return;
            }
            let mut ctx = Ctx {
                store: &mut self.store,
                today: self.today,
                status: &mut self.status,
            };
            match finder.key(key, &mut ctx) {
                Outcome::Stay => {}
                Outcome::Close => self.finder = None,
                Outcome::Go(nav) => {
                    self.finder = None;
                    self.go(nav);
                }
            }
            return;
        }
        let typing = self.is_typing();
        if key.code == KeyCode::Char('?') && !typing {
            self.show_help = true;
            return;
        }
        if key.code == KeyCode::F(1) {
            self.show_help = true;
            return;
        }
        // A key the user chose in the config file becomes the key the
        // screen knows.
        let key = match self.key_place() {
            Some(place) => self.keys.translate(place, key),
            None => key,
        };
        let mut ctx = Ctx {
            store: &mut self.store,
            today: self.today,
            status: &mut self.status,
        };
        let nav = match &mut self.screen {
            Screen::Home(s) => s.key(key, &mut ctx),
            Screen::NewEvaluation(s) => s.key(key, &mut ctx),
            Screen::Walk(s) => s.key(key, &mut ctx),
            Screen::Summary(s) => s.key(key, &mut ctx),
            Screen::Compare(s) => s.key(key, &mut ctx),
            Screen::Across(s) => s.key(key, &mut ctx),
            Screen::Conflicts(s) => s.key(key, &mut ctx),
            Screen::CheckIn(s) => s.key(key, &mut ctx),
            Screen::Drafts(s) => s.key(key, &mut ctx),
            Screen::Plan(s) => s.key(key, &mut ctx),
            Screen::Action(s) => s.key(key, &mut ctx),
        };
        self.go(nav);
    }

    /// Before quitting: what is typed and not saved yet is saved, or the
    /// reason it cannot be (then a second Ctrl+C quits anyway).
    fn before_quit(&mut self) -> Option<String> {
        let mut ctx = Ctx {
            store: &mut self.store,
            today: self.today,
            status: &mut self.status,
        };
        match &mut self.screen {
            Screen::Action(s) => s.commit_before_quit(&mut ctx),
            Screen::NewEvaluation(s) if s.has_typed() => Some(
                "The new evaluation is not started yet (Enter on the last field starts it); press Ctrl+C again to quit without it."
                    .into(),
            ),
            _ => None,
        }
    }

    /// The text box open on the screen, for the notes that can be written
    /// in the user's own editor.
    fn editor_mut(&mut self) -> Option<&mut crate::tui::widgets::input::TextInput> {
        match &mut self.screen {
            Screen::Walk(s) => s.editor_mut(),
            Screen::CheckIn(s) => s.editor_mut(),
            Screen::Action(s) => s.editor_mut(),
            _ => None,
        }
    }

    /// What was written in the user's editor replaces the text box's text,
    /// saved as a paste is.
    pub fn replace_typed(&mut self, text: &str) {
        let Some(editor) = self.editor_mut() else {
            return;
        };
        if text.trim().is_empty() {
            self.status = Status::Info("Nothing was written there: the note is as it was.".into());
            return;
        }
        if editor.text() == crate::text::clean_line(text) {
            self.status = Status::Info("The note is as it was.".into());
            return;
        }
        editor.replace_all("");
        self.paste(text);
    }

    fn paste(&mut self, text: &str) {
        if self.prompt.is_some() || matches!(self.status, Status::Held(_)) {
            return;
        }
        if self.finder.is_none() && !self.is_typing() {
            if !text.trim().is_empty() {
                self.status = Status::Info(
                    "Pasted text goes into a text box: open one first (Enter types a rationale or note). Nothing was changed."
                        .into(),
                );
            }
            return;
        }
        let mut ctx = Ctx {
            store: &mut self.store,
            today: self.today,
            status: &mut self.status,
        };
        if let Some(finder) = self.finder.as_mut() {
            finder.paste(text, &mut ctx);
            return;
        }
        match &mut self.screen {
            Screen::Home(s) => s.paste(text),
            Screen::NewEvaluation(s) => s.paste(text),
            Screen::Walk(s) => s.paste(text, &mut ctx),
            Screen::Summary(_) | Screen::Compare(_) | Screen::Across(_) => {}
            Screen::Conflicts(s) => s.paste(text),
            Screen::CheckIn(s) => s.paste(text, &mut ctx),
            Screen::Drafts(s) => s.paste(text),
            Screen::Plan(_) => {}
            Screen::Action(s) => s.paste(text, &mut ctx),
        }
    }

    /// True while the focused element takes typed text, so letter keys type.
    pub(super) fn is_typing(&self) -> bool {
        match &self.screen {
            Screen::Home(s) => s.is_typing(),
            Screen::NewEvaluation(_) => true,
            Screen::Walk(s) => s.is_typing(),
            Screen::Summary(_) | Screen::Compare(_) | Screen::Across(_) => false,
            Screen::Conflicts(s) => s.is_typing(),
            Screen::CheckIn(s) => s.is_typing(),
            Screen::Drafts(s) => s.is_typing(),
            Screen::Plan(_) => false,
            Screen::Action(s) => s.is_typing(),
        }
    }

    pub fn navigate(&mut self, nav: Nav) {
        let focus = match (&nav, &self.screen) {
            (Nav::Home, Screen::Walk(w)) => Some(w.evaluation_id()),
            (Nav::Home, Screen::Summary(s)) => Some(s.evaluation_id()),
            (Nav::Home, Screen::Drafts(s)) => Some(s.evaluation_id()),
            _ => None,
        };
        let Some(mut screen) = self.open(nav) else {
            return;
        };
        // Coming back to a place left earlier: the selection is kept.
        if let Some(place) = place_of(&screen) {
            if let Some(pos) = self.parked.iter().position(|s| place_of(s) == Some(place)) {
                let old = self.parked.remove(pos);
                self.keep_selection(&mut screen, &old);
            }
        }
        if let (Some(id), Screen::Home(home)) = (focus, &mut screen) {
            home.focus(&self.store, id, &mut self.status);
        }
        let left = std::mem::replace(&mut self.screen, screen);
        if let Some(place) = place_of(&left) {
            self.parked.retain(|s| place_of(s) != Some(place));
            self.parked.push(left);
            if self.parked.len() > PARKED {
                self.parked.remove(0);
            }
        }
        if matches!(self.status, Status::Info(_)) {
            self.status = Status::None;
        }
    }

    fn keep_selection(&mut self, screen: &mut Screen, old: &Screen) {
        match (screen, old) {
            (Screen::Home(new), Screen::Home(old)) => {
                new.keep_selection(old, &self.store, &mut self.status)
            }
            (Screen::Plan(new), Screen::Plan(old)) => new.keep_selection(old),
            (Screen::Drafts(new), Screen::Drafts(old)) => new.keep_selection(old),
            (Screen::Summary(new), Screen::Summary(old)) => new.keep_selection(old),
            (Screen::Compare(new), Screen::Compare(old)) => new.keep_selection(old),
            _ => {}
        }
    }

    /// The screen `nav` leads to, read afresh; `None` to stay (quitting, or
    /// a screen that could not be opened, said on the status line).
    fn open(&mut self, nav: Nav) -> Option<Screen> {
        let screen = match nav {
            Nav::Stay => return None,
            Nav::Quit => {
                self.quit = true;
                return None;
            }
            Nav::Home => Screen::Home(Box::new(Home::load(&self.store, None, &mut self.status))),
            Nav::NewEvaluation { school_id } => {
                match NewEvaluation::load(&self.store, school_id, self.today) {
                    Ok(s) => Screen::NewEvaluation(Box::new(s)),
                    Err(e) => {
                        self.status = Status::Held(format!("Not opened: {e}"));
                        return None;
                    }
                }
            }
            Nav::Walk { evaluation, index } => match Walk::open(&self.store, evaluation, index) {
                Ok(w) => Screen::Walk(Box::new(w)),
                Err(e) => {
                    self.status = Status::Held(format!("Not opened: {e}"));
                    return None;
                }
            },
            Nav::Summary { evaluation } => match Summary::open(&self.store, evaluation) {
                Ok(s) => Screen::Summary(Box::new(s)),
                Err(e) => {
                    self.status = Status::Held(format!("Not opened: {e}"));
                    return None;
                }
            },
            Nav::Compare { evaluation } => match Compare::open(&self.store, evaluation) {
                Ok(s) => Screen::Compare(Box::new(s)),
                Err(e) => {
                    self.status = Status::Held(format!("Not opened: {e}"));
                    return None;
                }
            },
            Nav::Conflicts => match Conflicts::open(&self.store) {
                Ok(s) => Screen::Conflicts(Box::new(s)),
                Err(e) => {
                    self.status = Status::Held(format!("Not opened: {e}"));
                    return None;
                }
            },
            Nav::Across => match AcrossScreen::open(&self.store, self.today) {
                Ok(s) => Screen::Across(Box::new(s)),
                Err(e) => {
                    self.status = Status::Held(format!("Not opened: {e}"));
                    return None;
                }
            },
            Nav::Drafts { evaluation, draft } => {
                match Drafts::open(&mut self.store, evaluation, draft) {
                    Ok((s, said)) => {
                        if let Some(said) = said {
                            self.status = Status::Saved(said);
                        }
                        Screen::Drafts(Box::new(s))
                    }
                    Err(e) => {
                        self.status = Status::Held(format!("Not opened: {e}"));
                        return None;
                    }
                }
            }
            Nav::Plan { school } => match Plan::open(&self.store, school, self.today) {
                Ok(s) => Screen::Plan(Box::new(s)),
                Err(e) => {
                    self.status = Status::Held(format!("Not opened: {e}"));
                    return None;
                }
            },
            Nav::Action { id, back } => match ActionEditor::open(&self.store, id, *back) {
                Ok(s) => Screen::Action(Box::new(s)),
                Err(e) => {
                    self.status = Status::Held(format!("Not opened: {e}"));
                    return None;
                }
            },
            Nav::CheckIn { filter } => match CheckInScreen::open(&self.store, self.today, filter) {
                Ok(s) => Screen::CheckIn(Box::new(s)),
                Err(e) => {
                    self.status = Status::Held(format!("Not opened: {e}"));
                    return None;
                }
            },
        };
        Some(screen)
    }

    /// The screen whose keys the config file may change, outside text
    /// boxes, the finder, prompts and the help.
    fn key_place(&self) -> Option<KeyPlace> {
        if self.is_typing() || self.finder.is_some() || self.prompt.is_some() {
            return None;
        }
        Some(match &self.screen {
            Screen::Home(_) => KeyPlace::Home,
            Screen::Walk(_) => KeyPlace::Walk,
            Screen::Summary(_) => KeyPlace::Summary,
            Screen::Compare(_) => KeyPlace::Compare,
            Screen::CheckIn(_) => KeyPlace::CheckIn,
            Screen::Drafts(_) => KeyPlace::Drafts,
            Screen::Plan(_) => KeyPlace::Plan,
            Screen::NewEvaluation(_)
            | Screen::Action(_)
            | Screen::Across(_)
            | Screen::Conflicts(_) => return None,
        })
    }

    /// Key labels as the user's keys have them.
    fn relabelled(&self, keys: &[KeyHelp]) -> Vec<(String, &'static str)> {
        keys.iter()
            .map(|(k, d)| match self.key_place() {
                Some(place) => (self.keys.relabel(place, k), *d),
                None => (k.to_string(), *d),
            })
            .collect()
    }

    fn screen_keys(&self) -> (&'static str, Vec<KeyHelp>, Vec<KeyHelp>) {
        match &self.screen {
            Screen::Home(s) => ("Home", s.help(), s.hints()),
            Screen::NewEvaluation(s) => ("New evaluation", s.help(), s.hints()),
            Screen::Walk(s) => ("Walk", s.help(), s.hints()),
            Screen::Summary(s) => ("Summary", s.help(), s.hints()),
            Screen::Compare(s) => ("Compare cycles", s.help(), s.hints()),
            Screen::Across(s) => ("Across schools", s.help(), s.hints()),
            Screen::Conflicts(s) => ("Conflicts", s.help(), s.hints()),
            Screen::CheckIn(s) => ("Check-in", s.help(), s.hints()),
            Screen::Drafts(s) => ("Plan drafts", s.help(), s.hints()),
            Screen::Plan(s) => ("School plan", s.help(), s.hints()),
            Screen::Action(s) => ("Action", s.help(), s.hints()),
        }
    }

    /// Draws the whole frame: a function of the app's state.
    pub fn view(&self, frame: &mut Frame) {
        let area = frame.area();
        self.too_small
            .set(area.width < MIN_WIDTH || area.height < MIN_HEIGHT);
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = format!(
                "Terminal too small: {}x{}; headway needs {MIN_WIDTH}x{MIN_HEIGHT}.",
                area.width, area.height
            );
            let rows = crate::tui::widgets::wrap_line::wrap_line(
                &Line::raw(text),
                usize::from(area.width),
            );
            frame.render_widget(Paragraph::new(rows), area);
            return;
        }
        // The keys of this screen, on one line or two when narrow, and a
        // message on a line of its own above them while there is one: a
        // message never hides a key.
        let (title, keys, hints) = self.screen_keys();
        let (title, keys, hints) = match &self.finder {
            Some(_) => (
                "Find anything",
                finder::HELP.to_vec(),
                vec![("Enter", "go"), ("Esc", "close")],
            ),
            None => (title, keys, hints),
        };
        // In a text box `?` is a letter like any other: F1 is the help there.
        let help_key = if self.is_typing() || self.finder.is_some() {
            "F1"
        } else {
            "?"
        };
        let mut all_hints: Vec<KeyHelp> = vec![(help_key, "help"), ("^F", "find")];
        all_hints.extend(hints);
        let all_hints = self.relabelled(&all_hints);
        let hint_lines = help::hint_lines(&all_hints, area.width, 2, &self.theme);
        // One row is kept for messages, so that one coming or fading never
        // moves the screen; a longer one (up to three rows) covers the foot
        // of the screen above it while it lasts.
        let [body, status_row, footer] = Layout::vertical([
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(hint_lines.len() as u16),
        ])
        .areas(area);
        let message_rows = self
            .message_rows(area.width)
            .clamp(1, status_row.y + 1 - body.y);
        let message = Rect {
            y: status_row.y + 1 - message_rows,
            height: message_rows,
            ..status_row
        };
        match &self.screen {
            Screen::Home(s) => s.view(frame, body, &self.theme),
            Screen::NewEvaluation(s) => s.view(frame, body, &self.theme),
            Screen::Walk(s) => s.view(frame, body, &self.theme),
            Screen::Summary(s) => s.view(frame, body, &self.theme),
            Screen::Compare(s) => s.view(frame, body, &self.theme),
            Screen::Across(s) => s.view(frame, body, &self.theme),
            Screen::Conflicts(s) => s.view(frame, body, &self.theme),
            Screen::CheckIn(s) => s.view(frame, body, &self.theme),
            Screen::Drafts(s) => s.view(frame, body, &self.theme),
            Screen::Plan(s) => s.view(frame, body, &self.theme),
            Screen::Action(s) => s.view(frame, body, &self.theme),
        }
        if let Some(f) = &self.finder {
            f.view(frame, body, &self.theme);
        }
        frame.render_widget(Paragraph::new(hint_lines), footer);
        self.message_line(frame, message);
        if let Status::Held(message) = &self.status {
            prompts::held_notice(frame, body, message, &self.theme);
        }
        if let Some(prompt) = &self.prompt {
            let file = self
                .recovery
                .path()
                .filter(|_| self.recovery.is_current())
                .map(|p| p.display().to_string());
            prompts::view(
                frame,
                body,
                prompt,
                &self.kept,
                file.as_deref(),
                &self.theme,
            );
        }
        if self.show_help {
            let mut keys = keys;
            if self.is_typing() {
                keys.extend_from_slice(TEXT_KEYS);
            }
            keys.extend_from_slice(GLOBAL_KEYS);
            let keys = self.relabelled(&keys);
            help::render(frame, area, title, &keys, &self.help_offset, &self.theme);
        }
    }

    /// The message on show, and how it is drawn.
    fn message(&self) -> Option<(String, ratatui::style::Style)> {
        Some(match &self.status {
            Status::None => return None,
            Status::Info(m) => (m.clone(), self.theme.strong()),
            Status::Saved(m) => (format!("✓ {m}"), self.theme.good()),
            Status::Error(m) | Status::Held(m) => (format!("✗ {m}"), self.theme.error()),
        })
    }

    /// The message as shown at `width`: wrapped over up to three rows, as
    /// every word of it may matter; a longer one is shortened in the middle
    /// first (a long path keeps its file name).
    fn message_lines(&self, width: u16) -> Vec<String> {
        let Some((text, _)) = self.message() else {
            return Vec::new();
        };
        let width = usize::from(width).max(1);
        let wrapped = crate::text::wrap::wrap(&text, width);
        if wrapped.len() <= 3 {
            return wrapped;
        }
        let room = (width * 3).saturating_sub(width / 2);
        crate::text::wrap::wrap(&crate::text::wrap::shorten_middle(&text, room), width)
            .into_iter()
            .take(3)
            .collect()
    }

    fn message_rows(&self, width: u16) -> u16 {
        self.message_lines(width).len() as u16
    }

    fn message_line(&self, frame: &mut Frame, area: Rect) {
        let Some((_, style)) = self.message() else {
            return;
        };
        crate::tui::widgets::layout::clear(frame, area);
        let lines: Vec<Line> = self
            .message_lines(area.width)
            .into_iter()
            .map(|l| Line::styled(l, style))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
    }
}
