//! Editing one action: a list of fields. Text is saved as it is typed;
//! choices (role, cadence, status, impact) change with ← → and are saved at
//! once; dates and milestones are checked when you press Enter.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use crate::domain::plan::{
    format_milestones, parse_date, parse_milestones, Action, Cadence, Impact, Role, Status,
};
use crate::store::{ActionField, Store, StoreError};
use crate::text::wrap::shorten;
use crate::tui::nav::{Ctx, Nav};
use crate::tui::recovery::{Place, Unsaved};
use crate::tui::theme::Theme;
use crate::tui::widgets::confidential::shown;
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::layout::centered;
use crate::tui::widgets::wrap_line::wrap_line;

const HELP: &[KeyHelp] = &[
    (
        "type",
        "into the highlighted field: text is saved as you type",
    ),
    (
        "↓ / Tab / Enter",
        "next field (dates and milestones are checked then)",
    ),
    ("↑ / Shift+Tab", "previous field"),
    ("← →", "change a choice: role, cadence, status, impact"),
    (
        "F2",
        "show or hide the reason and impact check copied from a confidential note",
    ),
    ("Esc", "back"),
];

/// Shown instead of text this action copied from a confidential note.
const HIDDEN: &str = "[confidential: F2 shows it]";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Description,
    Owner,
    Role,
    Checker,
    Start,
    Due,
    Milestones,
    Success,
    ImpactCheck,
    Cadence,
    TargetGroup,
    Status,
    Impact,
}

const FIELDS: [(Field, &str); 14] = [
    (Field::Title, "Title"),
    (Field::Description, "What will be done"),
    (Field::Owner, "Owner (accountable)"),
    (Field::Role, "Owner's role"),
    (Field::Checker, "Checked by (line manager)"),
    (Field::Start, "Start date"),
    (Field::Due, "Due date"),
    (Field::Milestones, "Milestones"),
    (Field::Success, "Success criteria"),
    (Field::ImpactCheck, "Impact check: how, by whom"),
    (Field::Cadence, "Check cadence"),
    (Field::TargetGroup, "Target group of learners"),
    (Field::Status, "Status"),
    (Field::Impact, "Impact so far"),
];

impl Field {
    /// A field of a few words, replaced more often than added to.
    fn is_short(self) -> bool {
        matches!(
            self,
            Field::Title
                | Field::Owner
                | Field::Checker
                | Field::Start
                | Field::Due
                | Field::TargetGroup
        )
    }

    fn is_choice(self) -> bool {
        matches!(
            self,
            Field::Role | Field::Cadence | Field::Status | Field::Impact
        )
    }

    /// Dates and milestones are validated as a whole, when typing ends.
    fn checked_on_enter(self) -> bool {
        matches!(self, Field::Start | Field::Due | Field::Milestones)
    }

    fn store_field(self) -> Option<ActionField> {
        Some(match self {
            Field::Title => ActionField::Title,
            Field::Description => ActionField::Description,
            Field::Owner => ActionField::Owner,
            Field::Role => ActionField::OwnerRole,
            Field::Checker => ActionField::Checker,
            Field::Start => ActionField::Start,
            Field::Due => ActionField::Due,
            Field::Success => ActionField::SuccessCriteria,
            Field::ImpactCheck => ActionField::ImpactCheck,
            Field::Cadence => ActionField::Cadence,
            Field::TargetGroup => ActionField::TargetGroup,
            Field::Status => ActionField::Status,
            Field::Impact => ActionField::Impact,
            Field::Milestones => return None,
        })
    }

    fn hint(self) -> &'static str {
        match self {
            Field::Start | Field::Due => "YYYY-MM-DD, e.g. 2027-01-15",
            Field::Milestones => "2026-12-01 first book look; 2027-01-15 review",
            Field::ImpactCheck => {
                "e.g. fortnightly book look by the senior link, 5 books per class"
            }
            Field::Success => "what will be different if it works",
            _ => "",
        }
    }
}

fn value(action: &Action, field: Field) -> String {
    match field {
        Field::Title => action.title.clone(),
        Field::Description => action.description.clone(),
        Field::Owner => action.owner.clone(),
        Field::Role => action
            .owner_role
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        Field::Checker => action.checker.clone(),
        Field::Start => action.start.map(|d| d.to_string()).unwrap_or_default(),
        Field::Due => action.due.map(|d| d.to_string()).unwrap_or_default(),
        Field::Milestones => format_milestones(&action.milestones),
        Field::Success => action.success_criteria.clone(),
        Field::ImpactCheck => action.impact_check.clone(),
        Field::Cadence => action.cadence.as_str().to_string(),
        Field::TargetGroup => action.target_group.clone(),
        Field::Status => action.status.as_str().to_string(),
        Field::Impact => action.impact.as_str().to_string(),
    }
}

pub struct ActionEditor {
    action: Action,
    statements: Vec<String>,
    back: Nav,
    selected: usize,
    editing: Option<TextInput>,
    edit_saved: bool,
    /// True when the typed text of the focused field is not in the store yet.
    unsaved: bool,
    error: Option<String>,
    /// The refusal an Esc has already been warned about.
    last_refusal: Option<String>,
    /// F2 was pressed: text copied from a confidential note is shown.
    revealed: bool,
}

impl ActionEditor {
    pub fn open(store: &Store, id: i64, back: Nav) -> Result<ActionEditor, StoreError> {
        let action = store.action(id)?;
        let e = store.evaluation(action.evaluation_id)?;
        let tool = store.tool(&e.tool_id, e.tool_version)?;
        let statements = action
            .statements
            .iter()
            .map(|key| {
                tool.statements()
                    .find(|s| &s.key(&tool.id) == key)
                    .map(|s| format!("{}. {}", s.index + 1, s.statement.text))
                    .unwrap_or_else(|| key.clone())
            })
            .collect();
        let mut editor = ActionEditor {
            action,
            statements,
            back,
            selected: 0,
            editing: None,
            edit_saved: false,
            unsaved: false,
            error: None,
            revealed: false,
            last_refusal: None,
        };
        editor.enter_field(0);
        Ok(editor)
    }

    pub fn is_typing(&self) -> bool {
        self.editing.is_some()
    }

    /// The text the store has refused, and where it belongs, for the
    /// recovery file.
    pub fn unsaved(&self) -> Option<Unsaved> {
        if !self.unsaved {
            return None;
        }
        Some(Unsaved {
            place: self.place()?,
            label: format!(
                "action \"{}\": {}",
                self.action.title,
                FIELDS[self.selected].1.to_lowercase()
            ),
            text: self.editing.as_ref()?.text(),
        })
    }

    /// The field being edited, once text typed there has been saved.
    pub fn saved_here(&self) -> Option<Place> {
        (self.editing.is_some() && self.edit_saved && !self.unsaved)
            .then(|| self.place())
            .flatten()
    }

    fn place(&self) -> Option<Place> {
        let field = self.field().store_field()?;
        Some(Place::Action {
            action: self.action.id,
            field: field.column().to_string(),
        })
    }

    /// True while typed text here is not in the store yet.
    pub fn has_unsaved(&self) -> bool {
        self.unsaved
    }

    fn field(&self) -> Field {
        FIELDS[self.selected].0
    }

    /// The field holds text copied from a confidential note, not shown yet.
    fn is_hidden(&self, field: Field) -> bool {
        field == Field::ImpactCheck
            && self.action.confidential
            && !self.revealed
            && !self.action.impact_check.is_empty()
    }

    /// Focuses a field: text fields open for typing straight away.
    fn enter_field(&mut self, index: usize) {
        self.selected = index.min(FIELDS.len() - 1);
        let field = self.field();
        // Text copied from a confidential note opens for typing only once
        // F2 has shown it: moving through the fields must not show it.
        let hidden = self.is_hidden(field);
        // A short field opens with its text selected, so typing replaces
        // it (a date, a name); a longer note opens with the cursor at its
        // end, to add to it.
        self.editing = (!field.is_choice() && !hidden).then(|| {
            let text = value(&self.action, field);
            if field.is_short() {
                TextInput::selected(&text)
            } else {
                TextInput::new(&text)
            }
        });
        self.edit_saved = false;
        self.unsaved = false;
    }

    /// Leaves the focused field; dates and milestones are checked and saved
    /// here. Returns false (staying put) if what was typed is not valid.
    fn leave_field(&mut self, ctx: &mut Ctx) -> bool {
        let field = self.field();
        if self.editing.is_some() && field.checked_on_enter() && !self.save_checked(field, ctx) {
            return false;
        }
        // Typed text the store refused is tried once more; if it still
        // fails, the field stays open with the text kept.
        if self.unsaved {
            self.save_typed(ctx);
            if self.unsaved {
                return false;
            }
        }
        self.editing = None;
        true
    }

    /// Before quitting: a date or milestones typed but not yet checked and
    /// saved (that happens when the field is left) are saved now. Returns
    /// why not, if what is typed is not valid.
    pub fn commit_before_quit(&mut self, ctx: &mut Ctx) -> Option<String> {
        let field = self.field();
        if self.editing.is_none() || !field.checked_on_enter() {
            return None;
        }
        if self.save_checked(field, ctx) {
            None
        } else {
            Some(format!(
                "{}: {} Fix it, or press Ctrl+C again to quit without it.",
                FIELDS[self.selected].1,
                self.error.clone().unwrap_or_default()
            ))
        }
    }

    /// The field open for typing, if any.
    pub fn editor_mut(&mut self) -> Option<&mut TextInput> {
        self.editing.as_mut()
    }

    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) {
        if let Some(input) = &mut self.editing {
            if input.paste(text) && !self.field().checked_on_enter() {
                self.save_typed(ctx);
            }
        }
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        let field = self.field();
        match key.code {
            KeyCode::Esc => {
                if self.leave_field(ctx) {
                    return self.back.clone();
                }
                if self.unsaved {
                    return Nav::Stay;
                }
                // An invalid date or milestone: a second Esc leaves it unsaved.
                if self.error.as_deref() == self.last_refusal.as_deref() {
                    return self.back.clone();
                }
                self.last_refusal = self.error.clone();
            }
            KeyCode::Up | KeyCode::BackTab => {
                if self.leave_field(ctx) {
                    // Moving hides what F2 showed.
                    self.revealed = false;
                    self.enter_field(self.selected.saturating_sub(1));
                }
            }
            KeyCode::Down | KeyCode::Tab | KeyCode::Enter => {
                if self.leave_field(ctx) {
                    self.revealed = false;
                    self.enter_field(self.selected + 1);
                }
            }
            KeyCode::F(2) => {
                if self.leave_field(ctx) {
                    self.revealed = !self.revealed;
                    self.enter_field(self.selected);
                }
            }
            KeyCode::Left | KeyCode::Right if field.is_choice() => {
                self.cycle(field, key.code == KeyCode::Right, ctx)
            }
            _ => {
                let changed = self.editing.as_mut().is_some_and(|i| i.key(key));
                if changed {
                    self.error = None;
                    if !field.checked_on_enter() {
                        self.save_typed(ctx);
                    }
                }
            }
        }
        Nav::Stay
    }

    fn save_typed(&mut self, ctx: &mut Ctx) {
        let field = self.field();
        let Some(text) = self.editing.as_ref().map(|i| i.text()) else {
            return;
        };
        if field == Field::Title && text.trim().is_empty() {
            self.error = Some("An action needs a title.".into());
            return;
        }
        let Some(store_field) = field.store_field() else {
            return;
        };
        match ctx
            .store
            .set_action_field(self.action.id, store_field, Some(&text), !self.edit_saved)
        {
            Ok(()) => {
                self.edit_saved = true;
                self.unsaved = false;
                self.error = None;
                self.reload(ctx);
                ctx.saved(FIELDS[self.selected].1);
            }
            Err(e) => {
                self.unsaved = true;
                ctx.error(format!("Not saved yet, your text is kept: {e}"));
            }
        }
    }

    fn save_checked(&mut self, field: Field, ctx: &mut Ctx) -> bool {
        let text = self.editing.as_ref().map(|i| i.text()).unwrap_or_default();
        // Passing through a field changes nothing, and says nothing.
        if text == value(&self.action, field) {
            self.error = None;
            return true;
        }
        let result = match field {
            Field::Milestones => parse_milestones(&text).and_then(|m| {
                ctx.store
                    .set_milestones(self.action.id, &m)
                    .map_err(|e| e.to_string())
            }),
            _ => parse_date(&text).and_then(|date| {
                let start_due = match field {
                    Field::Start => (date, self.action.due),
                    _ => (self.action.start, date),
                };
                if let (Some(s), Some(d)) = start_due {
                    if d < s {
                        return Err(format!("The due date {d} is before the start date {s}."));
                    }
                }
                let stored = date.map(|d| d.to_string());
                let store_field = field.store_field().unwrap_or(ActionField::Due);
                ctx.store
                    .set_action_field(self.action.id, store_field, stored.as_deref(), true)
                    .map_err(|e| e.to_string())
            }),
        };
        match result {
            Ok(()) => {
                self.error = None;
                self.reload(ctx);
                ctx.saved(FIELDS[self.selected].1);
                true
            }
            Err(e) => {
                self.error = Some(e);
                false
            }
        }
    }

    fn cycle(&mut self, field: Field, forward: bool, ctx: &mut Ctx) {
        let step = |all: &[&'static str], current: &str| -> &'static str {
            let i = all.iter().position(|v| *v == current);
            let n = all.len();
            match (i, forward) {
                (Some(i), true) => all[(i + 1) % n],
                (Some(i), false) => all[(i + n - 1) % n],
                (None, _) => all[0],
            }
        };
        let names = |all: &[&'static str]| all.to_vec();
        let current = value(&self.action, field);
        let next = match field {
            Field::Role => step(
                &names(&Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>()),
                &current,
            ),
            Field::Cadence => step(
                &Cadence::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                &current,
            ),
            Field::Status => step(
                &Status::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                &current,
            ),
            Field::Impact => step(
                &Impact::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
                &current,
            ),
            _ => return,
        };
        let Some(store_field) = field.store_field() else {
            return;
        };
        match ctx
            .store
            .set_action_field(self.action.id, store_field, Some(next), true)
        {
            Ok(()) => {
                self.reload(ctx);
                ctx.saved(&format!("{}: {next}", FIELDS[self.selected].1));
            }
            Err(e) => ctx.failed("That change", e),
        }
    }

    fn reload(&mut self, ctx: &mut Ctx) {
        match ctx.store.action(self.action.id) {
            Ok(a) => self.action = a,
            Err(e) => ctx.failed("That change", e),
        }
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        if self.field().is_choice() {
            vec![("← →", "change"), ("↑↓", "field"), ("Esc", "back")]
        } else {
            vec![("type", "edit"), ("↑↓ Enter", "field"), ("Esc", "back")]
        }
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let area = centered(area, 120, area.height);
        let extra = self.statements.len().min(3) as u16 + 2;
        let [header, fields, footer] = Layout::vertical([
            Constraint::Length(extra),
            Constraint::Min(3),
            Constraint::Length(2),
        ])
        .areas(area);
        let mut head = vec![Line::from(vec![
            Span::styled(" Action ", theme.title()),
            Span::styled(
                format!("· {} · {}", self.action.stage.as_str(), self.action.title),
                theme.strong(),
            ),
        ])];
        let room = usize::from(area.width).saturating_sub(13);
        for s in self.statements.iter().take(3) {
            head.push(Line::styled(
                format!("   addresses {}", shorten(s, room)),
                theme.dim(),
            ));
        }
        if !self.action.reason.is_empty() {
            let reason = shown(
                &self.action.reason,
                self.action.confidential,
                self.revealed,
                HIDDEN,
            );
            head.push(Line::styled(
                format!("   why: {}", shorten(reason, room.saturating_sub(2))),
                theme.dim(),
            ));
        }
        frame.render_widget(Paragraph::new(head), header);
        let block = Block::bordered().border_type(BorderType::Rounded);
        let inner = block.inner(fields);
        frame.render_widget(block, fields);
        let label_width = FIELDS
            .iter()
            .map(|(_, l)| l.chars().count())
            .max()
            .unwrap_or(10)
            + 2;
        // One row a field; on a short screen the rows scroll so that the
        // field being typed into is always the one on show.
        let visible = usize::from(inner.height).max(1);
        let first = self.selected.saturating_sub(visible - 1);
        let rows = (first..FIELDS.len())
            .take(visible)
            .map(|i| Rect::new(inner.x, inner.y + (i - first) as u16, inner.width, 1));
        for (n, rect) in rows.enumerate() {
            let i = first + n;
            let (field, label) = &FIELDS[i];
            let selected = i == self.selected;
            let [l, v] = Layout::horizontal([
                Constraint::Length(label_width as u16 + 2),
                Constraint::Min(1),
            ])
            .areas(rect);
            let marker = if selected { "▶ " } else { "  " };
            let label_line = Line::styled(
                format!("{marker}{label}"),
                if selected {
                    theme.selected()
                } else {
                    theme.key()
                },
            );
            frame.render_widget(Paragraph::new(label_line), l);
            match (&self.editing, selected) {
                (Some(input), true) => input.render(frame, v, Block::new(), true),
                _ => {
                    let text = value(&self.action, *field);
                    let shown = if field.is_choice() {
                        Line::from(vec![
                            Span::raw(if text.is_empty() {
                                "-".to_string()
                            } else {
                                text
                            }),
                            Span::styled(
                                if selected { "   ← → to change" } else { "" },
                                theme.dim(),
                            ),
                        ])
                    } else if text.is_empty() {
                        Line::styled(field.hint().to_string(), theme.dim())
                    } else if *field == Field::ImpactCheck {
                        let confidential = self.action.confidential;
                        Line::raw(shown(&text, confidential, self.revealed, HIDDEN).to_string())
                    } else {
                        Line::raw(text)
                    };
                    frame.render_widget(Paragraph::new(shown), v);
                }
            }
        }
        if let Some(e) = &self.error {
            let rows = wrap_line(
                &Line::styled(format!(" {e}"), theme.error()),
                usize::from(footer.width),
            );
            frame.render_widget(Paragraph::new(rows), footer);
        }
    }
}
