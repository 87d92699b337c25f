//! A school's plan across its evaluations, grouped by aspect, by owner or by
//! due date. Overdue actions and overdue checks stand out.

use std::cell::Cell;

use crossterm::event::{KeyCode, KeyEvent};
use jiff::civil::Date;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use crate::domain::plan::{check_state, is_overdue, next_check, CheckState, Standing};
use crate::store::{PlanRow, Store, StoreError};
use crate::text::wrap::shorten;
use crate::tui::nav::{Ctx, Nav};
use crate::tui::theme::Theme;
use crate::tui::widgets::fit::{fit, Part};
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::layout::render_scrolled_rows;
use unicode_width::UnicodeWidthStr;

const HELP: &[KeyHelp] = &[
    ("↑ ↓", "move between actions"),
    ("v", "group by aspect, by owner, or by due date"),
    ("Enter", "edit the action"),
    ("c", "weekly check-in for this school's due actions"),
    ("q / Esc", "back home"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Aspect,
    Owner,
    Due,
}

impl Grouping {
    fn next(self) -> Grouping {
        match self {
            Grouping::Aspect => Grouping::Owner,
            Grouping::Owner => Grouping::Due,
            Grouping::Due => Grouping::Aspect,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Grouping::Aspect => "by aspect",
            Grouping::Owner => "by owner",
            Grouping::Due => "by due date",
        }
    }
}

struct Entry {
    row: PlanRow,
    aspect: String,
    next_check: Option<Date>,
}

pub struct Plan {
    school_id: i64,
    school: String,
    today: Date,
    entries: Vec<Entry>,
    grouping: Grouping,
    /// Entry indexes in display order, with the group each starts.
    order: Vec<(usize, Option<String>)>,
    selected: usize,
    offset: Cell<usize>,
}

impl Plan {
    pub fn open(store: &Store, school_id: i64, today: Date) -> Result<Plan, StoreError> {
        let school = store
            .schools()?
            .into_iter()
            .find(|s| s.id == school_id)
            .map(|s| s.name)
            .unwrap_or_default();
        let mut entries = Vec::new();
        for row in store.plan_rows(Some(school_id))? {
            let tool = store.tool(&row.tool_id, row.tool_version)?;
            let aspect = row
                .action
                .statements
                .first()
                .and_then(|key| {
                    tool.statements()
                        .find(|s| &s.key(&tool.id) == key)
                        .map(|s| s.aspect.title.clone())
                })
                .unwrap_or_else(|| "(no statement)".into());
            let next_check = row
                .action
                .is_open()
                .then(|| next_check(&row.action, row.last_check_in.as_ref().map(|c| c.on), today));
            entries.push(Entry {
                aspect: format!("{} · {}", tool.title, aspect),
                row,
                next_check,
            });
        }
        let mut plan = Plan {
            school_id,
            school,
            today,
            entries,
            grouping: Grouping::Aspect,
            order: Vec::new(),
            selected: 0,
            offset: Cell::new(0),
        };
        plan.regroup();
        Ok(plan)
    }

    pub fn school_id(&self) -> i64 {
        self.school_id
    }

    /// Back from a child screen: the same grouping, and the same action
    /// selected wherever it now falls.
    pub fn keep_selection(&mut self, old: &Plan) {
        self.grouping = old.grouping;
        self.regroup();
        let wanted = old.selected_action_id();
        if let Some(pos) = self
            .order
            .iter()
            .position(|(i, _)| Some(self.entries[*i].row.action.id) == wanted)
        {
            self.selected = pos;
        } else {
            self.selected = old.selected.min(self.order.len().saturating_sub(1));
        }
    }

    fn selected_action_id(&self) -> Option<i64> {
        let (i, _) = self.order.get(self.selected)?;
        Some(self.entries.get(*i)?.row.action.id)
    }

    fn group_of(&self, e: &Entry) -> String {
        match self.grouping {
            Grouping::Aspect => e.aspect.clone(),
            Grouping::Owner if e.row.action.owner.is_empty() => "(no owner yet)".into(),
            Grouping::Owner => e.row.action.owner.clone(),
            Grouping::Due => match e.row.action.due {
                Some(d) if is_overdue(&e.row.action, self.today) => {
                    format!("Overdue (was due {})", d.strftime("%B %Y"))
                }
                Some(d) => d.strftime("%B %Y").to_string(),
                None => "(no due date)".into(),
            },
        }
    }

    fn regroup(&mut self) {
        let mut idx: Vec<usize> = (0..self.entries.len()).collect();
        let due_key = |e: &Entry| e.row.action.due.unwrap_or(Date::MAX);
        idx.sort_by(|&a, &b| {
            let (ea, eb) = (&self.entries[a], &self.entries[b]);
            match self.grouping {
                Grouping::Due => due_key(ea).cmp(&due_key(eb)),
                _ => self
                    .group_of(ea)
                    .to_lowercase()
                    .cmp(&self.group_of(eb).to_lowercase())
                    .then(due_key(ea).cmp(&due_key(eb))),
            }
        });
        let mut last: Option<String> = None;
        self.order = idx
            .into_iter()
            .map(|i| {
                let g = self.group_of(&self.entries[i]);
                let starts = (last.as_ref() != Some(&g)).then(|| g.clone());
                last = Some(g);
                (i, starts)
            })
            .collect();
        self.selected = self.selected.min(self.order.len().saturating_sub(1));
    }

    pub fn key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Nav {
        let last = self.order.len().saturating_sub(1);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::Char('v') => {
                self.grouping = self.grouping.next();
                self.regroup();
            }
            KeyCode::Enter => {
                if let Some((i, _)) = self.order.get(self.selected) {
                    return Nav::Action {
                        id: self.entries[*i].row.action.id,
                        back: Box::new(Nav::Plan {
                            school: self.school_id,
                        }),
                    };
                }
            }
            KeyCode::Char('c') => {
                return Nav::CheckIn {
                    filter: Default::default(),
                }
            }
            KeyCode::Char('q') | KeyCode::Esc => return Nav::Home,
            _ => {}
        }
        Nav::Stay
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        vec![
            ("v", "group"),
            ("Enter", "edit"),
            ("c", "check-in"),
            ("q", "home"),
        ]
    }

    /// Whether an entry's next check is past.
    fn check_overdue(&self, e: &Entry) -> bool {
        matches!(
            e.next_check.map(|d| check_state(d, self.today)),
            Some(CheckState::Overdue(_))
        )
    }

    /// Where an entry stands: late when past its due date or its check.
    fn standing(&self, e: &Entry) -> Standing {
        let late = is_overdue(&e.row.action, self.today) || self.check_overdue(e);
        let last = e.row.last_check_in.as_ref().map(|c| c.rag);
        Standing::of(&e.row.action, last, late)
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [header, list] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
        let overdue = self
            .entries
            .iter()
            .filter(|e| is_overdue(&e.row.action, self.today))
            .count();
        let late = self
            .entries
            .iter()
            .filter(|e| self.standing(e) == Standing::Overdue)
            .count();
        let checks = self
            .entries
            .iter()
            .filter(|e| self.check_overdue(e))
            .count();
        frame.render_widget(
            Paragraph::new(vec![
                // A long school name gives way; the grouping and its key stay.
                fit(
                    vec![
                        Part::whole(" Plan for ", theme.title()),
                        Part::shrinks(self.school.clone(), theme.title(), 8),
                        Part::whole(" ", theme.title()),
                        Part::whole(
                            format!("· {} · v changes", self.grouping.name()),
                            theme.dim(),
                        ),
                    ],
                    usize::from(header.width),
                ),
                Line::from(vec![
                    Span::raw(match self.entries.len() {
                        1 => " 1 action · ".to_string(),
                        n => format!(" {n} actions · "),
                    }),
                    // LATE rows, as the reports count "overdue": past the
                    // due date or the check-in date, or both.
                    Span::styled(
                        format!("{late} late"),
                        if late > 0 { theme.error() } else { theme.dim() },
                    ),
                    Span::raw(" · "),
                    Span::styled(
                        format!("{overdue} past due"),
                        if overdue > 0 {
                            theme.error()
                        } else {
                            theme.dim()
                        },
                    ),
                    Span::raw(" · "),
                    Span::styled(
                        match checks {
                            1 => "1 check overdue".to_string(),
                            n => format!("{n} checks overdue"),
                        },
                        if checks > 0 {
                            theme.error()
                        } else {
                            theme.dim()
                        },
                    ),
                ]),
            ]),
            header,
        );
        let block = Block::bordered().border_type(BorderType::Rounded);
        let inner = block.inner(list);
        frame.render_widget(block, list);
        if self.order.is_empty() {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    " No accepted actions yet. From an evaluation's summary, D drafts actions from its weak statements.",
                    theme.dim(),
                )),
                inner,
            );
            return;
        }
        let mut lines = Vec::new();
        let mut positions = Vec::new();
        let title_column = self
            .entries
            .iter()
            .map(|e| e.row.action.title.width())
            .max()
            .unwrap_or(0);
        for (pos, (i, starts)) in self.order.iter().enumerate() {
            if let Some(group) = starts {
                if !lines.is_empty() {
                    lines.push(Line::from(""));
                }
                let room = usize::from(inner.width).saturating_sub(1);
                lines.push(Line::styled(
                    format!(" {}", shorten(group, room)),
                    theme.strong(),
                ));
            }
            let e = &self.entries[*i];
            let a = &e.row.action;
            let selected = pos == self.selected;
            let late = is_overdue(a, self.today);
            let check = e.next_check.map(|d| check_state(d, self.today));
            let check_text = match check {
                Some(CheckState::Overdue(n)) => format!("check overdue {n}d"),
                Some(CheckState::Due(0)) => "check today".into(),
                Some(CheckState::Due(n)) | Some(CheckState::NotYet(n)) => format!("check in {n}d"),
                None => String::new(),
            };
            // A late action reads LATE, whatever its last colour, and a
            // done one DONE: the reports say "overdue" and "done", never
            // green, for the same actions.
            let last = e.row.last_check_in.as_ref().map(|c| c.rag);
            let (rag, rag_style) = match self.standing(e) {
                Standing::Overdue => ("LATE".to_string(), theme.error()),
                Standing::Done => ("DONE".to_string(), theme.dim()),
                Standing::Dropped => ("DROP".to_string(), theme.dim()),
                _ => (
                    last.map(|r| r.as_str().to_uppercase())
                        .unwrap_or_else(|| "-".into()),
                    theme.key(),
                ),
            };
            let width = usize::from(inner.width);
            let owner = if a.owner.is_empty() {
                "no owner".to_string()
            } else {
                a.owner.clone()
            };
            let due = format!(
                " · due {}",
                a.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
            );
            let status = format!(" · {}", a.status.as_str());
            let impact = format!(" · impact {}", a.impact.as_str());
            let details_width = owner.width() + due.width() + status.width() + impact.width();
            let details_style = if late { theme.error() } else { theme.dim() };
            let check_style = if matches!(check, Some(CheckState::Overdue(_))) {
                theme.error()
            } else {
                theme.dim()
            };
            let lead = vec![
                Part::whole(if selected { " ▶ " } else { "   " }, Style::new()),
                Part::whole(format!("{rag:<5} "), rag_style),
            ];
            // On one line where the title keeps 40 columns; else the
            // owner, dates and checks go on a line of their own, so they
            // are never what is cut.
            let one_line = width >= 9 + 40 + 2 + details_width + 2 + check_text.width();
            let mut rows = if one_line {
                let mut parts = lead;
                // Titles padded to the longest, so the details line up.
                let room = width.saturating_sub(9 + 2 + details_width + 2 + check_text.width());
                let pad = title_column.min(room).saturating_sub(a.title.width());
                parts.extend([
                    Part::shrinks(format!("{}{}", a.title, " ".repeat(pad)), Style::new(), 40),
                    Part::whole("  ", Style::new()),
                    Part::whole(owner, details_style),
                    Part::whole(due, details_style),
                    Part::whole(status, details_style),
                    Part::whole(impact, details_style),
                    Part::whole("  ", Style::new()),
                    Part::whole(check_text, check_style),
                ]);
                vec![fit(parts, width)]
            } else {
                let mut parts = lead;
                parts.push(Part::shrinks(a.title.clone(), Style::new(), 10));
                vec![
                    fit(parts, width),
                    fit(
                        vec![
                            Part::whole("         ", Style::new()),
                            Part::shrinks(owner, details_style, 10),
                            Part::whole(due, details_style),
                            Part::shrinks(status, details_style, 0),
                            Part::shrinks(impact, details_style, 0),
                            Part::whole("  ", Style::new()),
                            Part::whole(check_text, check_style),
                        ],
                        width,
                    ),
                ]
            };
            if selected {
                rows = rows
                    .into_iter()
                    .map(|l| l.patch_style(theme.selected()))
                    .collect();
            }
            positions.push(lines.len()..lines.len() + rows.len());
            lines.extend(rows);
        }
        let wanted = positions.get(self.selected).cloned().unwrap_or(0..1);
        render_scrolled_rows(frame, inner, lines, wanted, &self.offset);
    }
}
