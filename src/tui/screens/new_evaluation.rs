//! Starting an evaluation: choose a tool (type to filter), the scope, the
//! cycle (defaulting from today's term) and who is in the room.

use crossterm::event::{KeyCode, KeyEvent};
use jiff::civil::Date;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use crate::domain::cycle::term_label;
use crate::domain::evaluation::WHOLE_SCHOOL;
use crate::domain::school::{clean_name, School};
use crate::domain::tool::ToolScope;
use crate::store::{NewEvaluation as NewRecord, Store, StoreError, ToolInfo};
use crate::tui::nav::{Ctx, Nav};
use crate::tui::theme::Theme;
use crate::tui::widgets::fuzzy::{self, pick_row};
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::input::TextInput;

const HELP: &[KeyHelp] = &[
    (
        "type",
        "in Tool: filter the tools; elsewhere: edit the field",
    ),
    ("↑ ↓", "in Tool: choose a tool"),
    ("Tab", "next field"),
    ("Shift+Tab", "previous field"),
    ("Enter", "next field; on the last field, start the walk"),
    ("Esc", "cancel and go back home"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Tool,
    Scope,
    Cycle,
    Room,
}

const FIELDS: [Field; 4] = [Field::Tool, Field::Scope, Field::Cycle, Field::Room];

pub struct NewEvaluation {
    school: School,
    tools: Vec<(ToolInfo, ToolScope)>,
    query: TextInput,
    matches: Vec<(usize, Vec<usize>)>,
    chosen: usize,
    scope: TextInput,
    scope_edited: bool,
    cycle: TextInput,
    room: TextInput,
    focus: Field,
    error: Option<String>,
    /// The evaluation the form as filled in would duplicate: Enter opens it.
    existing: Option<i64>,
}

impl NewEvaluation {
    pub fn load(store: &Store, school_id: i64, today: Date) -> Result<NewEvaluation, StoreError> {
        let school = store
            .schools()?
            .into_iter()
            .find(|s| s.id == school_id)
            .ok_or_else(|| StoreError::Missing("That school is no longer here.".into()))?;
        let tools = store
            .latest_tools()?
            .into_iter()
            .map(|info| {
                let scope = store.tool(&info.id, info.version)?.scope;
                Ok((info, scope))
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut room = TextInput::default();
        room.set_placeholder("e.g. Liaison: A. Khan; Head: J. Lee");
        let mut form = NewEvaluation {
            school,
            tools,
            query: TextInput::default(),
            matches: Vec::new(),
            chosen: 0,
            scope: TextInput::default(),
            scope_edited: false,
            cycle: TextInput::new(&term_label(today)),
            room,
            focus: Field::Tool,
            error: None,
            existing: None,
        };
        form.query.set_placeholder("type to filter the tools");
        form.refilter();
        Ok(form)
    }

    fn titles(&self) -> Vec<String> {
        self.tools
            .iter()
            .map(|(t, _)| format!("{} ({})", t.title, t.area))
            .collect()
    }

    fn refilter(&mut self) {
        self.matches = fuzzy::filter(&self.query.text(), &self.titles());
        self.chosen = self.chosen.min(self.matches.len().saturating_sub(1));
        self.default_scope();
    }

    fn chosen_tool(&self) -> Option<&(ToolInfo, ToolScope)> {
        self.matches
            .get(self.chosen)
            .and_then(|(i, _)| self.tools.get(*i))
    }

    /// Whole-school tools default to "Whole school"; department tools ask.
    fn default_scope(&mut self) {
        if self.scope_edited {
            return;
        }
        let scope = match self.chosen_tool().map(|(_, s)| *s) {
            Some(ToolScope::Department) => "",
            _ => WHOLE_SCHOOL,
        };
        self.scope.set_text(scope);
        self.scope.set_placeholder("a department, e.g. English");
    }

    fn input(&mut self, field: Field) -> &mut TextInput {
        match field {
            Field::Tool => &mut self.query,
            Field::Scope => &mut self.scope,
            Field::Cycle => &mut self.cycle,
            Field::Room => &mut self.room,
        }
    }

    fn move_focus(&mut self, step: isize) {
        let pos = FIELDS.iter().position(|f| *f == self.focus).unwrap_or(0) as isize;
        let next = (pos + step).rem_euclid(FIELDS.len() as isize) as usize;
        self.focus = FIELDS[next];
        // Entering a field selects its text: typing replaces it.
        let focus = self.focus;
        self.input(focus).select_all();
    }

    /// Whether anything was typed into the form, which is saved only when
    /// the evaluation starts.
    pub fn has_typed(&self) -> bool {
        self.scope_edited || !self.room.text().trim().is_empty() || !self.query.text().is_empty()
    }

    pub fn paste(&mut self, text: &str) {
        let focus = self.focus;
        if self.input(focus).paste(text) {
            self.after_edit(focus);
        }
    }

    fn after_edit(&mut self, field: Field) {
        self.error = None;
        self.existing = None;
        match field {
            Field::Tool => {
                self.chosen = 0;
                self.refilter();
            }
            Field::Scope => self.scope_edited = true,
            _ => {}
        }
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        match key.code {
            KeyCode::Esc => return Nav::Home,
            KeyCode::Tab => self.move_focus(1),
            KeyCode::BackTab => self.move_focus(-1),
            KeyCode::Up if self.focus == Field::Tool => {
                self.chosen = self.chosen.saturating_sub(1);
                self.default_scope();
                self.existing = None;
            }
            KeyCode::Down if self.focus == Field::Tool => {
                self.chosen = (self.chosen + 1).min(self.matches.len().saturating_sub(1));
                self.default_scope();
                self.existing = None;
            }
            KeyCode::Up => self.move_focus(-1),
            KeyCode::Down => self.move_focus(1),
            KeyCode::Enter if self.focus == Field::Room => return self.create(ctx),
            KeyCode::Enter => self.move_focus(1),
            _ => {
                let focus = self.focus;
                if self.input(focus).key(key) {
                    self.after_edit(focus);
                }
            }
        }
        Nav::Stay
    }

    fn create(&mut self, ctx: &mut Ctx) -> Nav {
        if let Some(evaluation) = self.existing {
            return Nav::Walk {
                evaluation,
                index: None,
            };
        }
        let Some((tool, _)) = self.chosen_tool() else {
            self.focus = Field::Tool;
            self.error = Some("No tool matches the filter: change it to choose a tool.".into());
            return Nav::Stay;
        };
        let (tool_id, tool_version) = (tool.id.clone(), tool.version);
        let checked = (|| {
            let scope = clean_name(&self.scope.text(), "scope (whole school or a department)")
                .map_err(|e| (Field::Scope, e))?;
            let cycle = clean_name(&self.cycle.text(), "cycle").map_err(|e| (Field::Cycle, e))?;
            let room = crate::text::clean_line(&self.room.text())
                .trim()
                .to_string();
            Ok::<_, (Field, String)>((scope, cycle, room))
        })();
        let (scope, cycle, attendees) = match checked {
            Ok(v) => v,
            Err((field, e)) => {
                self.focus = field;
                self.error = Some(e);
                return Nav::Stay;
            }
        };
        let record = NewRecord {
            school_id: self.school.id,
            tool_id,
            tool_version,
            scope,
            cycle,
            attendees,
        };
        let started = match ctx.store.same_evaluation(&record) {
            Ok(Some(id)) => Err(crate::store::StoreError::AlreadyStarted(id)),
            Ok(None) => ctx.store.create_evaluation(&record),
            Err(e) => Err(e),
        };
        match started {
            Ok(id) => {
                ctx.saved("Evaluation");
                Nav::Walk {
                    evaluation: id,
                    index: None,
                }
            }
            Err(StoreError::AlreadyStarted(id)) => {
                self.existing = Some(id);
                // Named as stored, which may differ from what was typed in
                // case or spacing.
                let (scope, cycle) = match ctx.store.evaluation(id) {
                    Ok(e) => (e.scope, e.cycle),
                    Err(_) => (record.scope.clone(), record.cycle.clone()),
                };
                self.error = Some(format!(
                    "{} already has this tool for {scope} in {cycle}: Enter opens it; change the scope or cycle to start another.",
                    self.school.name
                ));
                Nav::Stay
            }
            Err(e) => {
                self.error = Some(e.to_string());
                Nav::Stay
            }
        }
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        match self.focus {
            Field::Tool => vec![
                ("type", "filter"),
                ("↑↓", "choose"),
                ("Tab", "next"),
                ("Esc", "cancel"),
            ],
            Field::Room if self.existing.is_some() => vec![
                ("Enter", "open it"),
                ("Shift+Tab", "back"),
                ("Esc", "cancel"),
            ],
            Field::Room => vec![
                ("Enter", "start the walk"),
                ("Shift+Tab", "back"),
                ("Esc", "cancel"),
            ],
            _ => vec![("Enter", "next"), ("Shift+Tab", "back"), ("Esc", "cancel")],
        }
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [title, tool_label, tool_filter, tool_list, scope, cycle, room, error] =
            Layout::vertical([
                Constraint::Length(2),
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Min(3),
                Constraint::Length(3),
                Constraint::Length(3),
                Constraint::Length(3),
                Constraint::Length(if self.error.is_some() { 2 } else { 0 }),
            ])
            .areas(area);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" New evaluation ", theme.title()),
                Span::styled(format!("for {}", self.school.name), theme.strong()),
            ])),
            title,
        );
        let label_style = |f: Field| {
            if self.focus == f {
                theme.focus_border()
            } else {
                theme.strong()
            }
        };
        frame.render_widget(
            Paragraph::new(Line::styled(" Tool", label_style(Field::Tool))),
            tool_label,
        );
        let [_, filter_area] =
            Layout::horizontal([Constraint::Length(1), Constraint::Min(1)]).areas(tool_filter);
        self.query
            .render(frame, filter_area, Block::new(), self.focus == Field::Tool);
        self.tool_list(frame, tool_list, theme);
        for (field, rect, name) in [
            (Field::Scope, scope, " Scope: whole school or a department "),
            (Field::Cycle, cycle, " Cycle "),
            (Field::Room, room, " Who is in the room "),
        ] {
            let focused = self.focus == field;
            let block = Block::bordered()
                .border_type(BorderType::Rounded)
                .border_style(if focused {
                    theme.focus_border()
                } else {
                    theme.dim()
                })
                .title(Span::styled(name, label_style(field)));
            let input = match field {
                Field::Scope => &self.scope,
                Field::Cycle => &self.cycle,
                _ => &self.room,
            };
            input.render(frame, rect, block, focused);
        }
        if let Some(e) = &self.error {
            let style = if self.existing.is_some() {
                theme.strong()
            } else {
                theme.error()
            };
            let rows = crate::tui::widgets::wrap_line::wrap_line_indented(
                &Line::styled(format!(" {e}"), style),
                usize::from(error.width),
            );
            frame.render_widget(Paragraph::new(rows), error);
        }
    }

    fn tool_list(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::bordered()
            .border_type(BorderType::Rounded)
            .border_style(if self.focus == Field::Tool {
                theme.focus_border()
            } else {
                theme.dim()
            });
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if self.matches.is_empty() {
            frame.render_widget(
                Paragraph::new(Line::styled(" No tool matches.", theme.dim())),
                inner,
            );
            return;
        }
        let height = usize::from(inner.height).max(1);
        let first = self.chosen.saturating_sub(height - 1);
        let titles = self.titles();
        let lines: Vec<Line> = self
            .matches
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(pos, (i, matched))| {
                let (info, scope) = &self.tools[*i];
                let suffix = format!("  {} statements, {}", info.statements, scope.as_str());
                pick_row(
                    pos == self.chosen,
                    "",
                    &titles[*i],
                    matched,
                    &suffix,
                    usize::from(inner.width),
                    theme,
                )
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}
