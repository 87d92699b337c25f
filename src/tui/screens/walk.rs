//! The walk: one statement at a time. A digit judges, the rationale is
//! typed straight away, Enter saves and moves on. Every change is committed
//! to the store as it is made.

use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use std::collections::HashMap;

use crate::domain::evaluation::{progress, Evaluation, Judgement, Judgements, Mark, TextField};
use crate::domain::plan::CheckIn;
use crate::domain::series::{version_changes, walk_order, VersionChanges};
use crate::domain::tool::Tool;
use crate::store::{PlanRow, Revision, Store, StoreError};
use crate::tui::nav::{Ctx, Nav};
use crate::tui::screens::home::progress_bar;
use crate::tui::theme::Theme;
use crate::tui::widgets::fuzzy;
use crate::tui::widgets::fuzzy::pick_row;
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::layout::{centered, popup};
use crate::tui::widgets::note_box::{self, NoteBox};
use crate::tui::widgets::wrap::{shorten, wrap};
use unicode_width::UnicodeWidthStr;

const BROWSE_HELP: &[KeyHelp] = &[
    ("1-9", "judge at that level, then type the rationale"),
    ("Enter / r", "edit the rationale"),
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
    ("→ / n", "next statement"),
    ("← / p", "previous statement"),
    ("]", "next statement not yet judged"),
    ("", "statements left until next time last cycle come first"),
    ("g", "go to any statement (type to filter)"),
    ("h", "history of this statement's changes"),
    ("s", "summary of the evaluation"),
    ("q / Esc", "back home (everything is already saved)"),
];

const EDIT_HELP: &[KeyHelp] = &[
    ("type", "every change is saved as you type"),
    ("Enter", "done: go to the next statement"),
    ("Tab", "switch between rationale and evidence note"),
    ("Esc", "done: stay on this statement"),
    ("← → Home End", "move in the text"),
    ("Ctrl+U", "undo"),
];

const JUMP_HELP: &[KeyHelp] = &[
    ("type", "filter statements"),
    ("↑ ↓", "choose"),
    ("Enter", "go there"),
    ("Esc", "cancel"),
];

/// The walk's widest and the notes' tallest, for readability on big screens.
const MAX_WIDTH: u16 = 120;
const NOTES_MAX_ROWS: u16 = 16;

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
    Edit(TextField),
    Next,
    Prev,
    NextOpen,
    OpenJump,
    Summary,
    History,
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
            KeyCode::Enter | KeyCode::Char('r') => Some(Msg::Edit(TextField::Rationale)),
            KeyCode::Char('e') => Some(Msg::Edit(TextField::Evidence)),
            KeyCode::Right | KeyCode::Char('n') | KeyCode::Char('l') | KeyCode::PageDown => {
                Some(Msg::Next)
            }
            KeyCode::Left | KeyCode::Char('p') | KeyCode::PageUp => Some(Msg::Prev),
            KeyCode::Char(']') | KeyCode::Tab => Some(Msg::NextOpen),
            KeyCode::Char('g') | KeyCode::Char('/') => Some(Msg::OpenJump),
            KeyCode::Char('s') => Some(Msg::Summary),
            KeyCode::Char('h') => Some(Msg::History),
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

/// The cycle this evaluation builds on.
struct Earlier {
    evaluation: Evaluation,
    judgements: Judgements,
    /// Set when this cycle uses a newer tool version than the earlier one.
    changes: Option<VersionChanges>,
}

/// An action from the plan that addresses a statement, with its latest
/// check-ins (newest first).
struct PlanLink {
    row: PlanRow,
    check_ins: Vec<CheckIn>,
}

pub struct Walk {
    evaluation: Evaluation,
    tool: Rc<Tool>,
    keys: Vec<String>,
    judgements: Judgements,
    earlier: Option<Earlier>,
    plan: HashMap<String, Vec<PlanLink>>,
    /// Statement indices in the order the walk visits them.
    order: Vec<usize>,
    index: usize,
    mode: Mode,
    editor: TextInput,
    /// False until the first save of the current editing session succeeds:
    /// that save keeps the replaced value in the history.
    edit_saved: bool,
    /// True when the editor holds text the store has not accepted yet.
    unsaved: bool,
    jump_query: TextInput,
    jump_matches: Vec<(usize, Vec<usize>)>,
    jump_chosen: usize,
    history: Vec<Revision>,
}

impl Walk {
    /// Opens an evaluation at `index`, or where it was left off.
    pub fn open(store: &Store, evaluation: i64, index: Option<usize>) -> Result<Walk, StoreError> {
        let evaluation = store.evaluation(evaluation)?;
        let tool = store.tool(&evaluation.tool_id, evaluation.tool_version)?;
        let judgements = store.judgements(evaluation.id)?;
        let earlier = match store.previous_evaluation(&evaluation)? {
            Some(before) => {
                let old_tool = store.tool(&before.tool_id, before.tool_version)?;
                Some(Earlier {
                    judgements: store.judgements(before.id)?,
                    changes: (old_tool.version != tool.version)
                        .then(|| version_changes(&old_tool, &tool)),
                    evaluation: before,
                })
            }
            None => None,
        };
        let order = walk_order(&tool, earlier.as_ref().map(|e| &e.judgements));
        let plan = plan_links(store, &evaluation)?;
        let keys = tool.statement_keys();
        let count = tool.statement_count();
        let first_open = order.iter().copied().find(|&i| {
            judgements
                .get(&keys[i])
                .map(Judgement::mark)
                .unwrap_or(Mark::Open)
                == Mark::Open
        });
        let index = index
            .or(first_open)
            .or(order.first().copied())
            .unwrap_or(0)
            .min(count.saturating_sub(1));
        Ok(Walk {
            keys,
            earlier,
            plan,
            order,
            evaluation,
            tool,
            judgements,
            index,
            mode: Mode::Browse,
            editor: TextInput::default(),
            edit_saved: false,
            unsaved: false,
            jump_query: TextInput::default(),
            jump_matches: Vec::new(),
            jump_chosen: 0,
            history: Vec::new(),
        })
    }

    pub fn evaluation_id(&self) -> i64 {
        self.evaluation.id
    }

    pub fn index(&self) -> usize {
        self.index
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn is_typing(&self) -> bool {
        matches!(self.mode, Mode::Edit(_) | Mode::Jump)
    }

    fn key_here(&self) -> &str {
        &self.keys[self.index]
    }

    fn current(&self) -> Judgement {
        self.judgements
            .get(self.key_here())
            .cloned()
            .unwrap_or_default()
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        match key_to_msg(self.mode, self.tool.scale.len(), key) {
            Some(msg) => self.update(msg, ctx),
            None => Nav::Stay,
        }
    }

    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) {
        match self.mode {
            Mode::Edit(field) if self.editor.paste(text) => {
                self.save_text(field, ctx);
            }
            Mode::Jump if self.jump_query.paste(text) => self.refilter_jump(),
            _ => {}
        }
    }

    /// Where the current statement sits in the walk's order.
    fn position(&self) -> usize {
        self.order
            .iter()
            .position(|&i| i == self.index)
            .unwrap_or(0)
    }

    fn is_last(&self) -> bool {
        self.position() + 1 >= self.order.len()
    }

    fn step(&mut self, forward: bool) {
        let pos = self.position();
        let pos = if forward {
            (pos + 1).min(self.order.len().saturating_sub(1))
        } else {
            pos.saturating_sub(1)
        };
        if let Some(&i) = self.order.get(pos) {
            self.index = i;
        }
    }

    /// The next statement in walk order neither judged nor deferred.
    fn next_open(&self) -> Option<usize> {
        let pos = self.position();
        let n = self.order.len();
        (1..=n).map(|step| self.order[(pos + step) % n]).find(|&i| {
            self.judgements
                .get(&self.keys[i])
                .map(Judgement::mark)
                .unwrap_or(Mark::Open)
                == Mark::Open
        })
    }

    /// The earlier cycle's judgement of the current statement, if any.
    fn earlier_here(&self) -> Option<(&Evaluation, &Judgement)> {
        let earlier = self.earlier.as_ref()?;
        let j = earlier.judgements.get(self.key_here())?;
        (j.mark() != Mark::Open).then_some((&earlier.evaluation, j))
    }

    fn is_new_here(&self) -> bool {
        self.earlier
            .as_ref()
            .and_then(|e| e.changes.as_ref())
            .is_some_and(|c| c.added.contains(self.key_here()))
    }

    pub fn update(&mut self, msg: Msg, ctx: &mut Ctx) -> Nav {
        match msg {
            Msg::Judge(level) => {
                let key = self.key_here().to_string();
                if let Err(e) = ctx.store.set_level(self.evaluation.id, &key, Some(level)) {
                    ctx.error(e.to_string());
                    return Nav::Stay;
                }
                let j = self.judgements.entry(key).or_default();
                j.level = Some(level);
                j.deferred = false;
                j.carried_from = None;
                let label = self.tool.scale.label(level).unwrap_or_default();
                ctx.saved(&format!("Judgement {level} {label}"));
                self.start_edit(TextField::Rationale);
            }
            Msg::Clear => {
                let key = self.key_here().to_string();
                if let Err(e) = ctx.store.set_level(self.evaluation.id, &key, None) {
                    ctx.error(e.to_string());
                    return Nav::Stay;
                }
                let j = self.judgements.entry(key).or_default();
                j.level = None;
                j.deferred = false;
                j.carried_from = None;
                ctx.saved("Cleared; the old judgement is in the history, and it was");
            }
            Msg::Defer => {
                let key = self.key_here().to_string();
                let defer = self.current().mark() != Mark::Deferred;
                if let Err(e) = ctx.store.set_deferred(self.evaluation.id, &key, defer) {
                    ctx.error(e.to_string());
                    return Nav::Stay;
                }
                let j = self.judgements.entry(key).or_default();
                j.deferred = defer;
                j.level = None;
                j.carried_from = None;
                if defer {
                    ctx.saved("Left until next time");
                    self.start_edit(TextField::DeferNote);
                } else {
                    ctx.saved("Taken back into the walk");
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
                    Err(e) => ctx.error(e.to_string()),
                }
            }
            Msg::Confidential => {
                let key = self.key_here().to_string();
                let confidential = !self.current().confidential;
                if let Err(e) = ctx
                    .store
                    .set_confidential(self.evaluation.id, &key, confidential)
                {
                    ctx.error(e.to_string());
                    return Nav::Stay;
                }
                self.judgements.entry(key).or_default().confidential = confidential;
                ctx.saved(if confidential {
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
                Err(e) => ctx.error(e.to_string()),
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
                if self.unsaved && !self.save_text(field, ctx) {
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
        }
        Nav::Stay
    }

    fn start_edit(&mut self, field: TextField) {
        self.editor = TextInput::new(field.get(&self.current()));
        self.edit_saved = false;
        self.unsaved = false;
        self.mode = Mode::Edit(field);
    }

    /// Saves the editor's text; on failure the text stays on screen, marked
    /// unsaved, and the next keystroke or Enter tries again.
    fn save_text(&mut self, field: TextField, ctx: &mut Ctx) -> bool {
        let key = self.key_here().to_string();
        let text = self.editor.text();
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

    fn jump_items(&self) -> Vec<String> {
        self.tool
            .statements()
            .map(|s| format!("{} {}", s.index + 1, s.statement.text))
            .collect()
    }

    fn refilter_jump(&mut self) {
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
                ("g", "go to"),
                ("s", "summary"),
                ("q", "home"),
            ],
            Mode::Browse => vec![
                ("1-9", "judge"),
                ("d", "defer"),
                ("←→", "move"),
                ("g", "go to"),
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

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let Some(here) = self.tool.statement(self.index) else {
            return;
        };
        let judgement = self.current();
        let mark = judgement.mark();
        // Long lines are hard to read on a shared screen: keep to 120 columns.
        let area = centered(area, MAX_WIDTH, area.height);
        let width = area.width.saturating_sub(2).max(1);
        let statement_rows = wrapped_rows(&here.statement.text, width).min(6);
        let guidance = here.statement.guidance.as_deref().unwrap_or("");
        let guidance_rows = if guidance.is_empty() {
            0
        } else {
            wrapped_rows(&format!("Guidance: {guidance}"), width).min(4)
        };
        let scale_line = self.scale_line(mark, theme);
        let scale_rows = wrapped_rows(&line_text(&scale_line), width).min(3);
        let earlier_line = self.earlier_line(theme);
        let earlier_rows = earlier_line
            .as_ref()
            .map_or(0, |l| wrapped_rows(&line_text(l), width).min(2));
        let plan_lines = self.plan_lines(usize::from(width), theme);
        let [crumb, context, _, statement, guidance_area, _, scale, state, earlier_area, plan_area, notes, _, progress_area] =
            Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Length(statement_rows),
                Constraint::Length(guidance_rows),
                Constraint::Length(1),
                Constraint::Length(scale_rows),
                Constraint::Length(1),
                Constraint::Length(earlier_rows),
                Constraint::Length(plan_lines.len() as u16),
                Constraint::Max(NOTES_MAX_ROWS),
                Constraint::Fill(1),
                Constraint::Length(1),
            ])
            .areas(area);
        let total = self.keys.len();
        let position = format!(
            "statement {} of {total}{}",
            self.index + 1,
            if self.is_new_here() { " · new" } else { "" }
        );
        let room = usize::from(crumb.width)
            .saturating_sub(position.width() + here.aspect.title.width() + 7)
            .max(8);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(
                    format!(" {}", shorten(&self.tool.title, room)),
                    theme.title(),
                ),
                Span::styled(" › ", theme.dim()),
                Span::styled(here.aspect.title.clone(), theme.strong()),
                Span::styled(" › ", theme.dim()),
                Span::styled(position, theme.strong()),
            ])),
            crumb,
        );
        frame.render_widget(
            Paragraph::new(Line::styled(
                format!(
                    " {} · {} · {}{}",
                    self.evaluation.school_name,
                    self.evaluation.scope,
                    self.evaluation.cycle,
                    if self.evaluation.attendees.is_empty() {
                        String::new()
                    } else {
                        format!(" · {}", self.evaluation.attendees)
                    }
                ),
                theme.dim(),
            )),
            context,
        );
        let inset = |r: Rect| Rect {
            x: r.x + 1,
            width: r.width.saturating_sub(2),
            ..r
        };
        frame.render_widget(
            Paragraph::new(Line::styled(here.statement.text.clone(), theme.strong()))
                .wrap(Wrap { trim: true }),
            inset(statement),
        );
        if guidance_rows > 0 {
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled("Guidance: ", theme.key()),
                    Span::styled(guidance.to_string(), theme.dim()),
                ]))
                .wrap(Wrap { trim: true }),
                inset(guidance_area),
            );
        }
        frame.render_widget(
            Paragraph::new(scale_line).wrap(Wrap { trim: true }),
            inset(scale),
        );
        let state_line = match mark {
            Mark::Judged(level) => Line::from(vec![
                Span::raw(" Judged: "),
                Span::styled(
                    format!(
                        "{level} {}",
                        self.tool.scale.label(level).unwrap_or_default()
                    ),
                    theme
                        .level(level, self.tool.scale.len(), self.tool.scale.weak_up_to)
                        .patch(theme.strong()),
                ),
                Span::styled(
                    if self.tool.scale.is_weak(level) {
                        "  (weak)"
                    } else {
                        ""
                    },
                    theme.weak(),
                ),
            ]),
            Mark::Deferred => Line::styled(" Left until next time", theme.key()),
            Mark::Open if self.earlier_here().is_some_and(|(_, j)| j.level.is_some()) => {
                Line::styled(
                    " Not judged yet: press a number, or c to carry",
                    theme.dim(),
                )
            }
            Mark::Open => Line::styled(" Not judged yet: press a number", theme.dim()),
        };
        let mut state_line = state_line;
        if let Some(from) = judgement.carried_from {
            let cycle = self
                .earlier
                .as_ref()
                .filter(|e| e.evaluation.id == from)
                .map_or("last cycle", |e| e.evaluation.cycle.as_str());
            state_line.push_span(Span::styled(format!("  carried from {cycle}"), theme.dim()));
        }
        if judgement.confidential {
            state_line.push_span(Span::styled("  [confidential]", theme.key()));
        }
        if let Some(line) = earlier_line {
            frame.render_widget(
                Paragraph::new(line).wrap(Wrap { trim: true }),
                inset(earlier_area),
            );
        }
        frame.render_widget(Paragraph::new(plan_lines), inset(plan_area));
        frame.render_widget(Paragraph::new(state_line), state);
        self.notes(frame, notes, &judgement, theme);
        self.progress(frame, progress_area, theme);
        match self.mode {
            Mode::Jump => self.jump_view(frame, area, theme),
            Mode::History => self.history_view(frame, area, theme),
            _ => {}
        }
    }

    /// What the cycle this one builds on said about the current statement.
    fn earlier_line(&self, theme: &Theme) -> Option<Line<'static>> {
        if self.is_new_here() {
            return Some(Line::styled(
                format!(
                    "New in version {} of this tool: no earlier judgement.",
                    self.tool.version
                ),
                theme.key(),
            ));
        }
        let (before, j) = self.earlier_here()?;
        let mut spans = vec![Span::styled(
            format!("Last time · {}: ", before.cycle),
            theme.key(),
        )];
        match j.level {
            Some(level) => {
                spans.push(Span::styled(
                    format!("{level} {}", self.tool.scale.label(level).unwrap_or("?")),
                    theme
                        .level(level, self.tool.scale.len(), self.tool.scale.weak_up_to)
                        .patch(theme.strong()),
                ));
                if !j.rationale.is_empty() {
                    spans.push(Span::styled(format!(" — {}", j.rationale), theme.dim()));
                }
            }
            None => {
                spans.push(Span::styled("left until next time", theme.strong()));
                if !j.defer_note.is_empty() {
                    spans.push(Span::styled(format!(" — {}", j.defer_note), theme.dim()));
                }
            }
        }
        Some(Line::from(spans))
    }

    /// One line per plan action addressing the current statement: its
    /// status, impact and latest check-in, so the meeting can judge whether
    /// it worked.
    fn plan_lines(&self, width: usize, theme: &Theme) -> Vec<Line<'static>> {
        let Some(links) = self.plan.get(self.key_here()) else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for link in links.iter().take(2) {
            let a = &link.row.action;
            let lead = "Plan: ";
            lines.push(Line::from(vec![
                Span::styled(lead, theme.key()),
                Span::styled(
                    shorten(&a.title, width.saturating_sub(lead.len())),
                    theme.strong(),
                ),
            ]));
            let mut state = format!("      {} · impact {}", a.status.as_str(), a.impact.as_str());
            match link.check_ins.first() {
                Some(c) => {
                    state.push_str(&format!(" · {} {}", c.on, c.rag.as_str()));
                    if !c.note.is_empty() {
                        state.push_str(&format!(": {}", c.note));
                    }
                }
                None => state.push_str(" · no check-in yet"),
            }
            lines.push(Line::styled(shorten(&state, width), theme.dim()));
        }
        lines
    }

    fn scale_line(&self, mark: Mark, theme: &Theme) -> Line<'static> {
        let scale = &self.tool.scale;
        let mut spans = vec![Span::styled("Scale: ", theme.dim())];
        for (i, label) in scale.levels.iter().enumerate() {
            let level = i as u8 + 1;
            let chosen = mark == Mark::Judged(level);
            let mut style = theme.level(level, scale.len(), scale.weak_up_to);
            if chosen {
                style = style.patch(theme.selected()).patch(theme.strong());
            }
            let marker = if chosen { "▶" } else { " " };
            spans.push(Span::styled(format!("{marker}{level} {label}"), style));
            spans.push(Span::raw("  "));
        }
        spans.push(Span::styled(
            format!("(weak: 1-{})", scale.weak_up_to),
            theme.dim(),
        ));
        Line::from(spans)
    }

    fn notes(&self, frame: &mut Frame, area: Rect, judgement: &Judgement, theme: &Theme) {
        let first = if judgement.deferred {
            TextField::DeferNote
        } else {
            TextField::Rationale
        };
        let evidence_rows = (area.height / 3).clamp(3, 5);
        let [top, bottom] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(evidence_rows)]).areas(area);
        for (field, rect) in [(first, top), (TextField::Evidence, bottom)] {
            let title = match field {
                TextField::Rationale => "Rationale",
                TextField::DeferNote => "Why it is left until next time (optional)",
                TextField::Evidence => "Evidence next time: how could we know better?",
            };
            let placeholder = match field {
                TextField::Evidence => "e to add",
                _ => "Enter to type",
            };
            let editing = (self.mode == Mode::Edit(field)).then_some((&self.editor, self.unsaved));
            let note = NoteBox {
                title,
                text: field.get(judgement),
                placeholder,
                editing,
            };
            note_box::render(frame, rect, note, theme);
        }
    }

    fn progress(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let p = progress(&self.tool, &self.judgements);
        let bar_width = usize::from(area.width / 3).clamp(10, 40);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(" "),
                progress_bar(&p, bar_width, theme),
                Span::raw(format!(
                    "  judged {} · deferred {} · left {}",
                    p.judged, p.deferred, p.left
                )),
            ])),
            area,
        );
    }

    fn jump_view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let size = (area.width.saturating_sub(4), area.height.saturating_sub(2));
        let inner = popup(frame, area, size, "Go to statement", None, theme);
        let [query, list] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("Filter: ", theme.key()),
                Span::raw(format!("{}▏", self.jump_query.text())),
            ])),
            query,
        );
        let items = self.jump_items();
        let height = usize::from(list.height).max(1);
        let first = self.jump_chosen.saturating_sub(height - 1);
        let lines: Vec<Line> = self
            .jump_matches
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(pos, (i, matched))| {
                let mark = self
                    .judgements
                    .get(&self.keys[*i])
                    .map(Judgement::mark)
                    .unwrap_or(Mark::Open);
                let tag = match mark {
                    Mark::Judged(l) => format!("[{l}] "),
                    Mark::Deferred => "[~] ".to_string(),
                    Mark::Open => "[ ] ".to_string(),
                };
                pick_row(
                    pos == self.jump_chosen,
                    &tag,
                    &items[*i],
                    matched,
                    "",
                    theme,
                )
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }

    fn history_view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let size = (area.width.saturating_sub(6), area.height.saturating_sub(4));
        let title = "Earlier values of this statement";
        let inner = popup(frame, area, size, title, Some("any key closes"), theme);
        let lines: Vec<Line> = if self.history.is_empty() {
            vec![Line::styled(
                "Nothing has been overwritten here yet.",
                theme.dim(),
            )]
        } else {
            self.history
                .iter()
                .rev()
                .map(|r| {
                    Line::from(vec![
                        Span::styled(format!("{} ", short_time(&r.replaced_at)), theme.dim()),
                        Span::styled(format!("{}: ", history_field(&r.field)), theme.key()),
                        Span::raw(self.history_value(r)),
                    ])
                })
                .collect()
        };
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), inner);
    }

    fn history_value(&self, r: &Revision) -> String {
        match r.field.as_str() {
            "level" => {
                let level: u8 = r.old_value.parse().unwrap_or(0);
                format!("{level} {}", self.tool.scale.label(level).unwrap_or("?"))
            }
            "deferred" if r.old_value == "1" => "was left until next time".into(),
            "deferred" => "was in the walk".into(),
            _ => r.old_value.clone(),
        }
    }
}

/// The school's accepted actions for this tool and scope, by the statements
/// they address.
fn plan_links(
    store: &Store,
    evaluation: &Evaluation,
) -> Result<HashMap<String, Vec<PlanLink>>, StoreError> {
    let mut links: HashMap<String, Vec<PlanLink>> = HashMap::new();
    for row in store.plan_rows(Some(evaluation.school_id))? {
        if row.scope != evaluation.scope || row.tool_id != evaluation.tool_id {
            continue;
        }
        let check_ins: Vec<CheckIn> = store
            .check_ins(row.action.id)?
            .into_iter()
            .take(2)
            .collect();
        for key in &row.action.statements {
            links.entry(key.clone()).or_default().push(PlanLink {
                row: row.clone(),
                check_ins: check_ins.clone(),
            });
        }
    }
    Ok(links)
}

fn field_name(field: TextField) -> &'static str {
    match field {
        TextField::Rationale => "Rationale",
        TextField::Evidence => "Evidence note",
        TextField::DeferNote => "Note",
    }
}

fn history_field(field: &str) -> &str {
    match field {
        "level" => "judgement",
        "deferred" => "deferral",
        "defer_note" => "note",
        other => other,
    }
}

fn short_time(stamp: &str) -> String {
    stamp
        .parse::<jiff::Timestamp>()
        .map(|t| {
            t.to_zoned(jiff::tz::TimeZone::system())
                .strftime("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| stamp.to_string())
}

fn line_text(line: &Line) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// Rows `text` takes when word-wrapped to `width`.
fn wrapped_rows(text: &str, width: u16) -> u16 {
    wrap(text, usize::from(width))
        .len()
        .min(usize::from(u16::MAX)) as u16
}
