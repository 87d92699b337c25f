//! The weekly check-in: each action due for a check, most overdue first.
//! One key sets red, amber or green, the note is typed straight away, and
//! Enter saves and moves to the next action. Every check-in is saved at once.

mod view;

use std::collections::{HashMap, HashSet};

use crossterm::event::{KeyCode, KeyEvent};
use jiff::civil::Date;

use crate::agenda::{agenda_ids, agenda_item, AgendaItem, Filter};
use crate::domain::plan::{CheckIn, Rag, Status};
use crate::store::{ActionField, Store, StoreError};
use crate::tui::nav::{Ctx, Nav};
use crate::tui::recovery::{Place, Unsaved};
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::input::TextInput;

const HELP: &[KeyHelp] = &[
    ("g", "green: on track; then type the note"),
    ("a", "amber: at risk, but recoverable with action now"),
    ("r", "red: off track, needs intervention"),
    ("Enter", "while typing: save and go to the next action"),
    ("Tab", "while typing: switch between note and impact seen"),
    ("i", "type what impact was seen"),
    ("→ / l", "skip this action for now"),
    ("← / h", "previous action"),
    ("D", "mark the action done"),
    ("u", "undo the last check-in, colour or done mark made here"),
    (
        "!",
        "mark this check-in's notes confidential (kept out of reports)",
    ),
    ("H", "every check-in of this action"),
    (
        "v",
        "show earlier confidential notes of this action (hidden again when you move)",
    ),
    ("q / Esc", "back home (everything is already saved)"),
];

/// A change made on this screen that `u` can take back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Undo {
    /// A check-in added here (its colour and notes are kept in the history).
    CheckIn { action: i64, check_in: i64 },
    /// An action marked done here, and the status it had.
    Done { action: i64, was: Status },
    /// A check-in's colour changed here, and the colour it had.
    Colour {
        action: i64,
        check_in: i64,
        was: Rag,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Browse,
    Note,
    Impact,
    History,
}

pub struct CheckInScreen {
    filter: Filter,
    today: Date,
    /// The due actions in the agenda's order; each one is read when the
    /// meeting reaches it, so opening costs one action, not the agenda.
    due: Vec<i64>,
    items: HashMap<i64, AgendaItem>,
    check_ins: HashMap<i64, Vec<CheckIn>>,
    index: usize,
    /// Check-ins made here, by action: a second RAG key changes it.
    made: HashMap<i64, i64>,
    skipped: HashSet<i64>,
    done: HashSet<i64>,
    /// What `u` takes back, the last first.
    undo: Vec<Undo>,
    mode: Mode,
    editor: TextInput,
    unsaved: bool,
    /// A status the store refused as the note box opened: tried again with
    /// the note, so what is typed next is text, never commands.
    pending_rag: Option<Rag>,
    /// True once text typed in the open note has been saved.
    edit_saved: bool,
    /// The agenda item whose earlier confidential notes are shown (after
    /// `v`); moving to another item hides them again.
    revealed: Option<usize>,
}

impl CheckInScreen {
    /// Opens the agenda: what was already checked today first, as checked
    /// (a colour key changes today's check-in, never adds a second), then
    /// the actions due, most overdue first.
    pub fn open(store: &Store, today: Date, filter: Filter) -> Result<CheckInScreen, StoreError> {
        let checked: Vec<_> = store
            .checked_on(today)?
            .into_iter()
            .filter(|c| filter.keeps(&c.owner, &c.checker))
            .collect();
        let made: HashMap<i64, i64> = checked.iter().map(|c| (c.id, c.check_in)).collect();
        let mut due: Vec<i64> = checked.iter().map(|c| c.id).collect();
        due.extend(
            agenda_ids(store, today, &filter)?
                .into_iter()
                .filter(|id| !made.contains_key(id)),
        );
        let mut screen = CheckInScreen {
            filter,
            today,
            due,
            items: HashMap::new(),
            check_ins: HashMap::new(),
            index: 0,
            made,
            skipped: HashSet::new(),
            done: HashSet::new(),
            undo: Vec::new(),
            mode: Mode::Browse,
            editor: TextInput::default(),
            unsaved: false,
            pending_rag: None,
            edit_saved: false,
            revealed: None,
        };
        screen.load_current(store)?;
        Ok(screen)
    }

    /// Reads the action on screen and its check-ins, once: the others are
    /// read when the meeting reaches them, so opening costs one action
    /// whatever the agenda's length.
    fn load_current(&mut self, store: &Store) -> Result<(), StoreError> {
        let Some(&id) = self.due.get(self.index) else {
            return Ok(());
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = self.items.entry(id) {
            if let Some(item) = agenda_item(store, self.today, id)? {
                slot.insert(item);
            }
        }
        if let std::collections::hash_map::Entry::Vacant(slot) = self.check_ins.entry(id) {
            slot.insert(store.check_ins(id)?);
        }
        Ok(())
    }

    /// True while a status or text chosen here is not in the store yet.
    pub fn has_unsaved(&self) -> bool {
        self.unsaved || self.pending_rag.is_some()
    }

    /// The note the store has refused, and where it belongs, for the
    /// recovery file.
    pub fn unsaved(&self) -> Option<Unsaved> {
        if !self.is_typing() || !self.has_unsaved() {
            return None;
        }
        let item = self.current()?;
        let impact = self.mode == Mode::Impact;
        Some(Unsaved {
            place: self.place()?,
            label: format!(
                "{} · check-in of {} on {}: {}",
                item.row.school,
                item.row.action.title,
                self.today,
                if impact { "impact seen" } else { "note" }
            ),
            text: self.editor.text(),
        })
    }

    /// The note being edited, once text typed there has been saved.
    pub fn saved_here(&self) -> Option<Place> {
        (self.is_typing() && self.edit_saved && !self.has_unsaved())
            .then(|| self.place())
            .flatten()
    }

    fn place(&self) -> Option<Place> {
        Some(Place::CheckIn {
            action: self.current()?.row.action.id,
            check_in: self.current_check_in().map(|c| c.id),
            on: self.today.to_string(),
            rag: self.pending_rag.map(|r| r.as_str().to_string()),
            impact: self.mode == Mode::Impact,
        })
    }

    pub fn is_typing(&self) -> bool {
        matches!(self.mode, Mode::Note | Mode::Impact)
    }

    /// The note open for typing, if any.
    pub fn editor_mut(&mut self) -> Option<&mut TextInput> {
        self.is_typing().then_some(&mut self.editor)
    }

    fn current(&self) -> Option<&AgendaItem> {
        self.items.get(self.due.get(self.index)?)
    }

    fn current_check_in(&self) -> Option<&CheckIn> {
        let id = self.current()?.row.action.id;
        let made = self.made.get(&id)?;
        self.check_ins.get(&id)?.iter().find(|c| c.id == *made)
    }

    fn reload(&mut self, store: &Store, action: i64) {
        if let Ok(list) = store.check_ins(action) {
            self.check_ins.insert(action, list);
        }
    }

    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) {
        if self.is_typing() && self.editor.paste(text) {
            self.save_text(ctx);
        }
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        let before = self.index;
        let nav = self.apply(key, ctx);
        if self.index != before {
            // Confidential notes shown here are hidden again elsewhere.
            self.revealed = None;
            if let Err(e) = self.load_current(ctx.store) {
                ctx.error(e.to_string());
            }
        }
        nav
    }

    fn apply(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        match self.mode {
            Mode::History => self.mode = Mode::Browse,
            Mode::Note | Mode::Impact => match key.code {
                KeyCode::Enter => {
                    if self.has_unsaved() && !self.save_text(ctx) {
                        return Nav::Stay;
                    }
                    self.mode = Mode::Browse;
                    self.index += 1;
                }
                KeyCode::Tab | KeyCode::BackTab => {
                    if self.has_unsaved() && !self.save_text(ctx) {
                        return Nav::Stay;
                    }
                    let impact = self.mode == Mode::Note;
                    self.start_edit(impact);
                }
                KeyCode::Esc => {
                    if !self.has_unsaved() || self.save_text(ctx) {
                        self.mode = Mode::Browse;
                    }
                }
                _ => {
                    if self.editor.key(key) {
                        self.save_text(ctx);
                    }
                }
            },
            Mode::Browse => return self.browse_key(key, ctx),
        }
        Nav::Stay
    }

    fn browse_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        let rag = match key.code {
            KeyCode::Char('g') => Some(Rag::Green),
            KeyCode::Char('a') => Some(Rag::Amber),
            KeyCode::Char('r') => Some(Rag::Red),
            _ => None,
        };
        if let Some(rag) = rag {
            self.set_rag(rag, ctx);
            return Nav::Stay;
        }
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Nav::Home,
            KeyCode::Char('l') | KeyCode::Right => {
                if let Some(item) = self.current() {
                    let id = item.row.action.id;
                    if !self.made.contains_key(&id) {
                        self.skipped.insert(id);
                    }
                    self.index += 1;
                }
            }
            KeyCode::Char('h') | KeyCode::Left => self.index = self.index.saturating_sub(1),
            KeyCode::Enter => self.edit_if_checked(false, ctx),
            KeyCode::Char('i') => self.edit_if_checked(true, ctx),
            KeyCode::Char('H') if self.current().is_some() => self.mode = Mode::History,
            KeyCode::Char('v') => {
                self.revealed = if self.revealed == Some(self.index) {
                    None
                } else {
                    Some(self.index)
                };
            }
            KeyCode::Char('D') => self.mark_done(ctx),
            KeyCode::Char('u') => self.undo_last(ctx),
            KeyCode::Char('!') => self.toggle_confidential(ctx),
            _ => {}
        }
        Nav::Stay
    }

    fn set_rag(&mut self, rag: Rag, ctx: &mut Ctx) {
        if self.current().is_none() {
            return;
        }
        match self.store_rag(rag, ctx) {
            Ok(()) => {
                ctx.saved(&format!("Check-in ({})", rag.as_str()));
                self.start_edit(false);
            }
            Err(e) => {
                // The note box opens anyway: the status is tried again as
                // the note is typed, and the letters never act as commands.
                self.start_edit(false);
                self.pending_rag = Some(rag);
                ctx.error(format!(
                    "Check-in ({}) not saved yet: {e}; type on, it is tried again",
                    rag.as_str()
                ));
            }
        }
    }

    /// Saves `rag` as this action's check-in today (a new one, or the one
    /// made here before).
    fn store_rag(&mut self, rag: Rag, ctx: &mut Ctx) -> Result<(), StoreError> {
        let Some(item) = self.current() else {
            return Ok(());
        };
        let action = item.row.action.id;
        let was = self.current_check_in().map(|c| c.rag);
        let id = match self.made.get(&action) {
            Some(&existing) => ctx.store.set_check_in_rag(existing, rag).map(|()| {
                if let Some(was) = was.filter(|w| *w != rag) {
                    self.undo.push(Undo::Colour {
                        action,
                        check_in: existing,
                        was,
                    });
                }
                existing
            }),
            None => ctx
                .store
                .add_check_in(action, self.today, rag)
                .inspect(|&id| {
                    self.undo.push(Undo::CheckIn {
                        action,
                        check_in: id,
                    })
                }),
        }?;
        self.made.insert(action, id);
        self.skipped.remove(&action);
        self.reload(ctx.store, action);
        Ok(())
    }

    fn toggle_confidential(&mut self, ctx: &mut Ctx) {
        let Some(c) = self.current_check_in() else {
            ctx.info("Set the status first: g green, a amber, r red.");
            return;
        };
        let (id, action, confidential) = (c.id, c.action_id, !c.confidential);
        match ctx.store.set_check_in_confidential(id, confidential) {
            Ok(()) => {
                self.reload(ctx.store, action);
                ctx.done(if confidential {
                    "Notes marked confidential: reports leave them out"
                } else {
                    "Notes no longer confidential"
                });
            }
            Err(e) => ctx.failed("The confidential mark", e),
        }
    }

    fn edit_if_checked(&mut self, impact: bool, ctx: &mut Ctx) {
        if self.current_check_in().is_some() {
            self.start_edit(impact);
        } else {
            ctx.info("Set the status first: g green, a amber, r red.");
        }
    }

    fn start_edit(&mut self, impact: bool) {
        let text = self
            .current_check_in()
            .map(|c| {
                if impact {
                    c.impact_note.clone()
                } else {
                    c.note.clone()
                }
            })
            .unwrap_or_default();
        self.editor = TextInput::new(&text);
        self.unsaved = false;
        self.pending_rag = None;
        self.edit_saved = false;
        self.mode = if impact { Mode::Impact } else { Mode::Note };
    }

    fn save_text(&mut self, ctx: &mut Ctx) -> bool {
        if let Some(rag) = self.pending_rag {
            if let Err(e) = self.store_rag(rag, ctx) {
                self.unsaved = true;
                ctx.error(format!(
                    "Check-in ({}) and your note: not saved yet, kept: {e}",
                    rag.as_str()
                ));
                return false;
            }
            self.pending_rag = None;
        }
        let Some(check_in) = self.current_check_in().map(|c| c.id) else {
            return false;
        };
        let impact = self.mode == Mode::Impact;
        let text = self.editor.text();
        match ctx.store.set_check_in_text(check_in, impact, &text) {
            Ok(()) => {
                self.unsaved = false;
                self.edit_saved = true;
                if let Some(action) = self.current().map(|i| i.row.action.id) {
                    if let Some(c) = self
                        .check_ins
                        .get_mut(&action)
                        .and_then(|l| l.iter_mut().find(|c| c.id == check_in))
                    {
                        if impact {
                            c.impact_note = text;
                        } else {
                            c.note = text;
                        }
                    }
                }
                ctx.saved(if impact { "Impact seen" } else { "Note" });
                true
            }
            Err(e) => {
                self.unsaved = true;
                ctx.error(format!("Not saved yet, your text is kept: {e}"));
                false
            }
        }
    }

    fn mark_done(&mut self, ctx: &mut Ctx) {
        let Some(item) = self.current() else {
            return;
        };
        let action = item.row.action.id;
        let was = item.row.action.status;
        match ctx.store.set_action_field(
            action,
            ActionField::Status,
            Some(Status::Done.as_str()),
            true,
        ) {
            Ok(()) => {
                self.undo.push(Undo::Done { action, was });
                self.done.insert(action);
                if let Some(item) = self.items.get_mut(&action) {
                    item.row.action.status = Status::Done;
                }
                ctx.done("Marked done");
                self.index += 1;
            }
            Err(e) => ctx.failed("Marking it done", e),
        }
    }

    /// Takes back the last check-in or done mark made on this screen, and
    /// shows that action again.
    fn undo_last(&mut self, ctx: &mut Ctx) {
        let Some(last) = self.undo.pop() else {
            ctx.info("Nothing made here to undo.");
            return;
        };
        let (action, result, said) = match last {
            Undo::CheckIn { action, check_in } => (
                action,
                ctx.store.withdraw_check_in(check_in),
                "Check-in taken back (its notes are kept in the action's history)",
            ),
            Undo::Done { action, was } => (
                action,
                ctx.store
                    .set_action_field(action, ActionField::Status, Some(was.as_str()), true),
                "No longer marked done",
            ),
            Undo::Colour {
                action,
                check_in,
                was,
            } => (
                action,
                ctx.store.set_check_in_rag(check_in, was),
                "Colour put back",
            ),
        };
        if let Err(e) = result {
            self.undo.push(last);
            ctx.failed("The undo", e);
            return;
        }
        match last {
            Undo::CheckIn { .. } => {
                self.made.remove(&action);
            }
            Undo::Done { was, .. } => {
                self.done.remove(&action);
                if let Some(item) = self.items.get_mut(&action) {
                    item.row.action.status = was;
                }
            }
            Undo::Colour { .. } => {}
        }
        self.reload(ctx.store, action);
        if let Some(pos) = self.due.iter().position(|&id| id == action) {
            self.index = pos;
        }
        ctx.done(said);
    }

    /// Actions of the agenda not yet checked, skipped or marked done here.
    fn left(&self) -> usize {
        self.due
            .iter()
            .filter(|id| {
                !self.made.contains_key(id) && !self.skipped.contains(id) && !self.done.contains(id)
            })
            .count()
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        match self.mode {
            Mode::Browse if self.current().is_none() => vec![("← / h", "back"), ("q", "home")],
            Mode::Browse => vec![
                ("g/a/r", "status"),
                ("l", "skip"),
                ("D", "done"),
                ("u", "undo"),
                ("H", "history"),
                ("q", "home"),
            ],
            Mode::Note | Mode::Impact => {
                vec![
                    ("Enter", "next action"),
                    ("Tab", "other note"),
                    ("Esc", "stop typing"),
                ]
            }
            Mode::History => vec![("any key", "close")],
        }
    }
}
