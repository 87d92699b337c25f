//! The walk's keys: each mode's key map, and `update`, which turns a
//! message into store calls and state changes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Pending, Walk};
use crate::domain::evaluation::{Mark, TextField};
use crate::tui::nav::{Ctx, Nav};
use crate::tui::widgets::fuzzy;
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::input::TextInput;

const BROWSE_HELP: &[KeyHelp] = &[
    ("1-9", "judge at that level, then type the rationale"),
    ("Enter", "edit the rationale"),
    (
        "e",
        "edit the evidence note (how we could know better next time)",
    ),
    ("c", "carry last cycle's judgement forward unchanged"),
    ("d", "leave until next time (again: take it back)"),
    (
        "!",
        "mark this statement's notes confidential (kept out of reports)",
    ),
    ("x", "clear the judgement"),
    (
        "u",
        "undo the last judgement, deferral, clearing or carry made in this walk",
    ),
    ("→ / l", "next statement"),
    ("← / h", "previous statement"),
    ("] / Tab", "next statement not yet judged"),
    ("", "statements left until next time last cycle come first"),
    ("g / G", "first / last statement"),
    ("/", "go to any statement (type to filter)"),
    ("H", "history of this statement's changes"),
    (
        "v",
        "show last cycle's confidential notes here (hidden again when you move)",
    ),
    ("s", "summary of the evaluation"),
    ("q / Esc", "back home (everything is already saved)"),
];

const EDIT_HELP: &[KeyHelp] = &[
    ("type", "every change is saved as you type"),
    ("Enter", "done: go to the next statement"),
    ("Tab", "switch between rationale and evidence note"),
    ("Esc", "done: stay on this statement"),
    ("← → Home End", "move in the text"),
    ("Ctrl+X", "write it in your own editor ($VISUAL or $EDITOR)"),
];

const JUMP_HELP: &[KeyHelp] = &[
    ("type", "filter statements"),
    ("↑ ↓", "choose"),
    ("Enter", "go there"),
    ("Esc", "cancel"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Browse,
    Edit(TextField),
    Jump,
    History,
}

/// What a key asks the walk to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    Judge(u8),
    Clear,
    Defer,
    Carry,
    Confidential,
    Undo,
    Edit(TextField),
    Next,
    Prev,
    First,
    Last,
    NextOpen,
    OpenJump,
    Summary,
    History,
    Reveal,
    Home,
    /// A key for the text being edited or the jump filter.
    Type(KeyEvent),
    /// Enter while editing: save and move on.
    Done,
    /// Tab while editing: the other text field.
    SwitchField,
    /// Esc while editing: save and stay.
    StopEditing,
    JumpUp,
    JumpDown,
    JumpGo,
    Cancel,
}

/// Maps a key to a message for the current mode; `levels` is the scale size.
pub fn key_to_msg(mode: Mode, levels: u8, key: KeyEvent) -> Option<Msg> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    match mode {
        Mode::Browse => match key.code {
            KeyCode::Char(c @ '1'..='9') if !ctrl => {
                let level = c as u8 - b'0';
                (level <= levels).then_some(Msg::Judge(level))
            }
            KeyCode::Char('x') | KeyCode::Char('0') | KeyCode::Delete => Some(Msg::Clear),
            KeyCode::Char('d') => Some(Msg::Defer),
            KeyCode::Char('c') => Some(Msg::Carry),
            KeyCode::Char('!') => Some(Msg::Confidential),
            KeyCode::Char('u') => Some(Msg::Undo),
            KeyCode::Enter => Some(Msg::Edit(TextField::Rationale)),
            KeyCode::Char('e') => Some(Msg::Edit(TextField::Evidence)),
            KeyCode::Right | KeyCode::Char('l') | KeyCode::PageDown => Some(Msg::Next),
            KeyCode::Left | KeyCode::Char('h') | KeyCode::PageUp => Some(Msg::Prev),
            KeyCode::Char(']') | KeyCode::Tab => Some(Msg::NextOpen),
            KeyCode::Char('g') | KeyCode::Home => Some(Msg::First),
            KeyCode::Char('G') | KeyCode::End => Some(Msg::Last),
            KeyCode::Char('/') => Some(Msg::OpenJump),
            KeyCode::Char('s') => Some(Msg::Summary),
            KeyCode::Char('H') => Some(Msg::History),
            KeyCode::Char('v') => Some(Msg::Reveal),
            KeyCode::Char('q') | KeyCode::Esc => Some(Msg::Home),
            _ => None,
        },
        Mode::Edit(_) => match key.code {
            KeyCode::Enter => Some(Msg::Done),
            KeyCode::Tab | KeyCode::BackTab => Some(Msg::SwitchField),
            KeyCode::Esc => Some(Msg::StopEditing),
            _ => Some(Msg::Type(key)),
        },
        Mode::Jump => match key.code {
            KeyCode::Up => Some(Msg::JumpUp),
            KeyCode::Down => Some(Msg::JumpDown),
            KeyCode::Enter => Some(Msg::JumpGo),
            KeyCode::Esc => Some(Msg::Cancel),
            _ => Some(Msg::Type(key)),
        },
        Mode::History => Some(Msg::Cancel),
    }
}

impl Walk {
    pub fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Nav {
        let before = self.index;
        let nav = self.apply(msg, ctx);
        if self.index != before {
            // Confidential notes shown here are hidden again elsewhere.
            self.revealed = None;
        }
        nav
    }

    fn apply(&mut self, msg: Msg, ctx: &mut Ctx) -> Nav {
        // What the statement held before a change `u` can take back (read
        // only for such a change: not on every key typed).
        let undoable = matches!(msg, Msg::Judge(_) | Msg::Clear | Msg::Defer | Msg::Carry);
        let before = undoable.then(|| (self.index, self.current()));
        let nav = self.apply_msg(msg, ctx);
        if let Some((index, was)) = before {
            // Compared on the statement changed: a carry moves on.
            let now = self.keys.get(index).and_then(|k| self.judgements.get(k));
            if now.cloned().unwrap_or_default() != was {
                self.undo.push((index, was));
            }
        }
        nav
    }

    /// Puts back the judgement the last change in this walk replaced.
    fn undo_last(&mut self, ctx: &mut Ctx) {
        let Some((index, was)) = self.undo.pop() else {
            ctx.info("Nothing changed in this walk to undo.");
            return;
        };
        let Some(key) = self.keys.get(index).cloned() else {
            return;
        };
        match ctx.store.restore_judgement(self.evaluation.id, &key, &was) {
            Ok(()) => {
                self.judgements.insert(key, was);
                self.index = index;
                ctx.done(&format!(
                    "Statement {} put back as it was (what it held is in the history, H)",
                    index + 1
                ));
            }
            Err(e) => {
                self.undo.push((index, was));
                ctx.failed("Undoing", e);
            }
        }
    }

    fn apply_msg(&mut self, msg: Msg, ctx: &mut Ctx) -> Nav {
        match msg {
            Msg::Undo => self.undo_last(ctx),
            Msg::Judge(level) => {
                let key = self.key_here().to_string();
                let label = self.tool.scale.label(level).unwrap_or_default().to_string();
                if let Err(e) = ctx.store.set_level(self.evaluation.id, &key, Some(level)) {
                    // The rationale box opens anyway, so what is typed next
                    // is text, never commands; the level is tried again
                    // with every keystroke, like the text.
                    self.start_edit(TextField::Rationale);
                    self.pending = Some(Pending::Level(level));
                    ctx.error(format!(
                        "Judgement {level} {label} not saved yet: {e}; type on, it is tried again"
                    ));
                    return Nav::Stay;
                }
                self.judged(level);
                ctx.saved(&format!("Judgement {level} {label}"));
                self.start_edit(TextField::Rationale);
            }
            Msg::Clear => {
                let key = self.key_here().to_string();
                if let Err(e) = ctx.store.set_level(self.evaluation.id, &key, None) {
                    ctx.failed("Clearing the judgement", e);
                    return Nav::Stay;
                }
                let j = self.judgements.entry(key).or_default();
                j.level = None;
                j.deferred = false;
                j.carried_from = None;
                ctx.done("Cleared: the old judgement is in the history (H), and u puts it back");
            }
            Msg::Defer => {
                let key = self.key_here().to_string();
                let defer = self.current().mark() != Mark::Deferred;
                if let Err(e) = ctx.store.set_deferred(self.evaluation.id, &key, defer) {
                    if defer {
                        // As for a level: the note box opens, and leaving
                        // it until next time is tried again as they type.
                        self.start_edit(TextField::DeferNote);
                        self.pending = Some(Pending::Defer);
                        ctx.error(format!(
                            "Left until next time: not saved yet: {e}; type on, it is tried again"
                        ));
                    } else {
                        ctx.failed("Taking it back into the walk", e);
                    }
                    return Nav::Stay;
                }
                self.deferred(defer);
                if defer {
                    ctx.saved("Left until next time");
                    self.start_edit(TextField::DeferNote);
                } else {
                    ctx.done("Taken back into the walk");
                }
            }
            Msg::Carry => {
                let Some(from) = self.earlier.as_ref().map(|e| e.evaluation.clone()) else {
                    ctx.info("This is the first cycle of this evaluation: nothing to carry.");
                    return Nav::Stay;
                };
                let key = self.key_here().to_string();
                match ctx.store.carry_forward(self.evaluation.id, &key, from.id) {
                    Ok(Some(carried)) => {
                        let level = carried.level.unwrap_or_default();
                        let label = self.tool.scale.label(level).unwrap_or_default();
                        self.judgements.insert(key, carried);
                        ctx.saved(&format!("Carried {level} {label} from {}", from.cycle));
                        if self.is_last() {
                            return Nav::Summary {
                                evaluation: self.evaluation.id,
                            };
                        }
                        self.step(true);
                    }
                    Ok(None) => ctx.info(format!(
                        "{} did not judge this statement: nothing to carry.",
                        from.cycle
                    )),
                    Err(e) => ctx.failed("Carrying last cycle's judgement", e),
                }
            }
            Msg::Confidential => {
                let key = self.key_here().to_string();
                let confidential = !self.current().confidential;
                if let Err(e) = ctx
                    .store
                    .set_confidential(self.evaluation.id, &key, confidential)
                {
                    ctx.failed("The confidential mark", e);
                    return Nav::Stay;
                }
                self.judgements.entry(key).or_default().confidential = confidential;
                ctx.done(if confidential {
                    "Notes marked confidential: reports leave them out"
                } else {
                    "Notes no longer confidential"
                });
            }
            Msg::Edit(field) => {
                let field = match (field, self.current().mark()) {
                    (TextField::Rationale, Mark::Deferred) => TextField::DeferNote,
                    (f, _) => f,
                };
                self.start_edit(field);
            }
            Msg::Next => self.step(true),
            Msg::Prev => self.step(false),
            Msg::First => {
                if let Some(&i) = self.order.first() {
                    self.index = i;
                }
            }
            Msg::Last => {
                if let Some(&i) = self.order.last() {
                    self.index = i;
                }
            }
            Msg::NextOpen => match self.next_open() {
                Some(i) => self.index = i,
                None => ctx.info("Every statement is judged or deferred: s shows the summary."),
            },
            Msg::OpenJump => {
                self.jump_query.set_text("");
                self.jump_chosen = self.index;
                self.refilter_jump();
                self.jump_chosen = self.index.min(self.jump_matches.len().saturating_sub(1));
                self.mode = Mode::Jump;
            }
            Msg::Summary => {
                return Nav::Summary {
                    evaluation: self.evaluation.id,
                }
            }
            Msg::History => match ctx.store.history(self.evaluation.id, Some(self.key_here())) {
                Ok(h) => {
                    self.history = h;
                    self.mode = Mode::History;
                }
                Err(e) => ctx.failed("Reading the history", e),
            },
            Msg::Home => return Nav::Home,
            Msg::Type(key) => match self.mode {
                Mode::Edit(field) if self.editor.key(key) => {
                    self.save_text(field, ctx);
                }
                Mode::Jump if self.jump_query.key(key) => {
                    self.jump_chosen = 0;
                    self.refilter_jump();
                }
                _ => {}
            },
            Msg::Done | Msg::StopEditing | Msg::SwitchField => {
                let Mode::Edit(field) = self.mode else {
                    return Nav::Stay;
                };
                if self.has_unsaved() && !self.save_text(field, ctx) {
                    // Say plainly that the key did not move: what is typed
                    // next still goes into this box.
                    let key = match msg {
                        Msg::Done => "Enter",
                        Msg::SwitchField => "Tab",
                        _ => "Esc",
                    };
                    ctx.error(format!(
                        "{key} waits: still in the {}, not saved yet (kept).",
                        field_name(field).to_lowercase()
                    ));
                    return Nav::Stay;
                }
                match msg {
                    Msg::Done => {
                        self.mode = Mode::Browse;
                        if self.is_last() {
                            return Nav::Summary {
                                evaluation: self.evaluation.id,
                            };
                        }
                        self.step(true);
                    }
                    Msg::SwitchField => {
                        let other = match field {
                            TextField::Evidence if self.current().deferred => TextField::DeferNote,
                            TextField::Evidence => TextField::Rationale,
                            _ => TextField::Evidence,
                        };
                        self.start_edit(other);
                    }
                    _ => self.mode = Mode::Browse,
                }
            }
            Msg::JumpUp => self.jump_chosen = self.jump_chosen.saturating_sub(1),
            Msg::JumpDown => {
                self.jump_chosen =
                    (self.jump_chosen + 1).min(self.jump_matches.len().saturating_sub(1))
            }
            Msg::JumpGo => {
                if let Some((i, _)) = self.jump_matches.get(self.jump_chosen) {
                    self.index = *i;
                }
                self.mode = Mode::Browse;
            }
            Msg::Cancel => self.mode = Mode::Browse,
            Msg::Reveal => {
                self.revealed = if self.is_revealed() {
                    None
                } else {
                    Some(self.index)
                };
            }
        }
        Nav::Stay
    }

    fn start_edit(&mut self, field: TextField) {
        self.editor = TextInput::new(field.get(&self.current()));
        self.edit_saved = false;
        self.unsaved = false;
        self.pending = None;
        self.mode = Mode::Edit(field);
    }

    /// Saves the editor's text; on failure the text stays on screen, marked
    /// unsaved, and the next keystroke or Enter tries again.
    pub(super) fn save_text(&mut self, field: TextField, ctx: &mut Ctx) -> bool {
        let key = self.key_here().to_string();
        let text = self.editor.text();
        if let Some(pending) = self.pending {
            let result = match pending {
                Pending::Level(level) => ctx.store.set_level(self.evaluation.id, &key, Some(level)),
                Pending::Defer => ctx.store.set_deferred(self.evaluation.id, &key, true),
            };
            if let Err(e) = result {
                self.unsaved = true;
                let what = match pending {
                    Pending::Level(level) => format!("Judgement {level}"),
                    Pending::Defer => "Left until next time".to_string(),
                };
                ctx.error(format!("{what} and your text: not saved yet, kept: {e}"));
                return false;
            }
            self.pending = None;
            match pending {
                Pending::Level(level) => self.judged(level),
                Pending::Defer => self.deferred(true),
            }
        }
        match ctx
            .store
            .set_text(self.evaluation.id, &key, field, &text, !self.edit_saved)
        {
            Ok(()) => {
                self.edit_saved = true;
                self.unsaved = false;
                field.set(self.judgements.entry(key).or_default(), text);
                ctx.saved(field_name(field));
                true
            }
            Err(e) => {
                self.unsaved = true;
                ctx.error(format!("Not saved yet, your text is kept: {e}"));
                false
            }
        }
    }

    /// Records a level the store has accepted.
    fn judged(&mut self, level: u8) {
        let j = self
            .judgements
            .entry(self.key_here().to_string())
            .or_default();
        j.level = Some(level);
        j.deferred = false;
        j.carried_from = None;
    }

    /// Records a deferral (or its undoing) the store has accepted.
    fn deferred(&mut self, defer: bool) {
        let j = self
            .judgements
            .entry(self.key_here().to_string())
            .or_default();
        j.deferred = defer;
        j.level = None;
        j.carried_from = None;
    }

    pub(super) fn jump_items(&self) -> Vec<String> {
        self.tool
            .statements()
            .map(|s| format!("{} {}", s.index + 1, s.statement.text))
            .collect()
    }

    pub(super) fn refilter_jump(&mut self) {
        self.jump_matches = fuzzy::filter(&self.jump_query.text(), &self.jump_items());
        self.jump_chosen = self
            .jump_chosen
            .min(self.jump_matches.len().saturating_sub(1));
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        match self.mode {
            Mode::Browse | Mode::History => BROWSE_HELP.to_vec(),
            Mode::Edit(_) => EDIT_HELP.to_vec(),
            Mode::Jump => JUMP_HELP.to_vec(),
        }
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        match self.mode {
            Mode::Browse if self.earlier.is_some() => vec![
                ("1-9", "judge"),
                ("c", "carry"),
                ("d", "defer"),
                ("←→", "move"),
                ("/", "go to"),
                ("s", "summary"),
                ("q", "home"),
            ],
            Mode::Browse => vec![
                ("1-9", "judge"),
                ("d", "defer"),
                ("←→", "move"),
                ("/", "go to"),
                ("s", "summary"),
                ("q", "home"),
            ],
            Mode::Edit(_) => vec![
                ("Enter", "next statement"),
                ("Tab", "other note"),
                ("Esc", "stop typing"),
            ],
            Mode::Jump => vec![("Enter", "go"), ("Esc", "cancel")],
            Mode::History => vec![("any key", "close")],
        }
    }
}

pub(super) fn field_name(field: TextField) -> &'static str {
    match field {
        TextField::Rationale => "Rationale",
        TextField::Evidence => "Evidence note",
        TextField::DeferNote => "Note",
    }
}
