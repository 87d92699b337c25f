//! The check-in screen's view: the action, its earlier check-ins (with
//! confidential notes hidden until asked), the status keys and the notes.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{CheckInScreen, Mode};
use crate::agenda::{when, AgendaItem};
use crate::domain::plan::{milestones_due, CheckIn, CheckState, Rag};
use crate::text::wrap::shorten;
use crate::tui::theme::Theme;
use crate::tui::widgets::confidential::HIDDEN;
use crate::tui::widgets::layout::{centered, popup};
use crate::tui::widgets::note_box::{self, NoteBox};
use crate::tui::widgets::wrap_line::{wrap_line, wrap_lines, wrap_lines_indented};
use unicode_width::UnicodeWidthStr;

/// The check-in's widest, for readability on big screens.
const MAX_WIDTH: u16 = 120;

/// Below this many rows the check-in keeps the action in view before the
/// colours' meanings and a second note box.
const SHORT: u16 = 18;

impl CheckInScreen {
    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let area = centered(area, 120, area.height);
        let [header, body] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
        let whose = self.filter.describe();
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(vec![
                    Span::styled(" Weekly check-in ", theme.title()),
                    Span::styled(format!("· {} ", self.today), theme.dim()),
                    Span::styled(
                        if whose.is_empty() {
                            String::new()
                        } else {
                            format!("· {whose} ")
                        },
                        theme.dim(),
                    ),
                    Span::styled(
                        format!(
                            "· {} of {}",
                            (self.index + 1).min(self.due.len()),
                            self.due.len()
                        ),
                        theme.strong(),
                    ),
                ]),
                Line::styled(
                    format!(
                        " checked {} · skipped {} · done {} · left {}",
                        self.made.len(),
                        self.skipped.len(),
                        self.done.len(),
                        self.left()
                    ),
                    theme.dim(),
                ),
            ]),
            header,
        );
        match self.current() {
            Some(item) => self.item_view(frame, body, item, theme),
            None => {
                let text = if self.due.is_empty() {
                    "No check-ins are due this week. Actions appear here when their check falls due."
                        .to_string()
                } else {
                    format!(
                        "{} through: {} checked, {} skipped, {} marked done. Everything is saved; q goes home.",
                        match self.due.len() {
                            1 => "The one check is".to_string(),
                            n => format!("All {n} checks are"),
                        },
                        self.made.len(),
                        self.skipped.len(),
                        self.done.len()
                    )
                };
                let rect = centered(body, 70, 4);
                let rows = wrap_line(&Line::styled(text, theme.strong()), usize::from(rect.width));
                frame.render_widget(Paragraph::new(rows), rect);
            }
        }
        if self.mode == Mode::History {
            self.history_view(frame, area, theme);
        }
    }

    fn item_view(&self, frame: &mut Frame, area: Rect, item: &AgendaItem, theme: &Theme) {
        // Long lines are hard to read on a shared screen, as in the walk.
        let area = centered(area, MAX_WIDTH, area.height);
        let a = &item.row.action;
        // Checked today: what was said, not when the next check falls.
        let checked = self
            .current_check_in()
            .map(|c| format!("checked today: {}", c.rag.as_str()));
        let state_style = match (item.check.state, &checked) {
            (_, Some(_)) => theme.good(),
            (CheckState::Overdue(_), None) => theme.error(),
            _ => theme.key(),
        };
        let state = checked.unwrap_or_else(|| when(item.check.state));
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!(" {} ", state.to_uppercase()), state_style),
                Span::styled(
                    format!(
                        "· {} · {} · {}",
                        item.row.school, item.row.scope, item.row.cycle
                    ),
                    theme.dim(),
                ),
            ]),
            Line::styled(format!(" {}", a.title), theme.strong()),
            Line::from(format!(
                " Owner: {}{} · Checker: {} · {} checks{}",
                if a.owner.is_empty() { "-" } else { &a.owner },
                a.owner_role
                    .map(|r| format!(" ({})", r.as_str()))
                    .unwrap_or_default(),
                if a.checker.is_empty() {
                    "-"
                } else {
                    &a.checker
                },
                a.cadence.as_str(),
                a.due.map(|d| format!(" · due {d}")).unwrap_or_default(),
            )),
        ];
        let labelled = |label: &str, text: &str| {
            Line::from(vec![
                Span::styled(format!(" {label}: "), theme.key()),
                Span::raw(if text.is_empty() {
                    "-".to_string()
                } else {
                    text.to_string()
                }),
            ])
        };
        lines.push(labelled("Success criteria", &a.success_criteria));
        lines.push(labelled("Impact check", &a.impact_check));
        let due_milestones: Vec<String> = milestones_due(a, item.check.next.max(self.today))
            .iter()
            .map(|m| format!("{} {}", m.date, m.text))
            .collect();
        if !due_milestones.is_empty() {
            lines.push(labelled("Milestones due", &due_milestones.join("; ")));
        }
        lines.push(Line::styled(" Last check-ins:", theme.key()));
        // Tall notes on a tall screen, and as many earlier check-ins as
        // the rows left over hold (two at least).
        let note_rows = (area.height / 8).clamp(3, 6);
        // A short screen keeps the action in view: the colours on one line
        // without their meanings, and only the box being typed into.
        let short = area.height < SHORT;
        let legend = self.rag_legend(usize::from(area.width), short, theme);
        let legend_rows = legend.len() as u16;
        let rows_left = area.height.saturating_sub(
            legend_rows + if short { 1 } else { 2 } * note_rows + lines.len() as u16,
        );
        let earlier: Vec<&CheckIn> = self
            .check_ins
            .get(&a.id)
            .map(|l| {
                l.iter()
                    .filter(|c| Some(&c.id) != self.made.get(&a.id))
                    .take(usize::from(rows_left).max(2))
                    .collect()
            })
            .unwrap_or_default();
        if earlier.is_empty() {
            lines.push(Line::styled("   none yet", theme.dim()));
        }
        let revealed = self.revealed == Some(self.index);
        for c in earlier {
            lines.push(check_in_line("   ", c, revealed, theme));
        }
        // The boxes follow the text, and what is left over stays below
        // them rather than between.
        // Wrapped here, so the rows counted are the rows drawn.
        let lines = wrap_lines_indented(&lines, usize::from(area.width.max(1)));
        let info_rows = lines.len();
        let boxes: &[Mode] = match (short, self.mode) {
            (true, Mode::Impact) => &[Mode::Impact],
            (true, _) => &[Mode::Note],
            (false, _) => &[Mode::Note, Mode::Impact],
        };
        let box_rows = note_rows * boxes.len() as u16;
        let [info, rag_row, boxes_area, _] = Layout::vertical([
            Constraint::Max(info_rows.min(usize::from(u16::MAX)) as u16),
            Constraint::Length(legend_rows),
            Constraint::Length(box_rows),
            Constraint::Fill(1),
        ])
        .areas(area);
        let rects =
            Layout::vertical(boxes.iter().map(|_| Constraint::Length(note_rows))).split(boxes_area);
        let place = |mode: Mode| boxes.iter().position(|m| *m == mode).map(|i| rects[i]);
        frame.render_widget(Paragraph::new(lines), info);
        frame.render_widget(Paragraph::new(legend), rag_row);
        let current = self.current_check_in();
        let note_title = if current.is_some_and(|c| c.confidential) {
            "Note: one line of progress [confidential]"
        } else {
            "Note: one line of progress"
        };
        for (mode, title, text) in [
            (Mode::Note, note_title, current.map(|c| c.note.as_str())),
            (
                Mode::Impact,
                "Impact seen (optional)",
                current.map(|c| c.impact_note.as_str()),
            ),
        ] {
            let Some(rect) = place(mode) else {
                continue;
            };
            let note = NoteBox {
                title,
                text: text.unwrap_or(""),
                placeholder: "",
                editing: (self.mode == mode).then_some((&self.editor, self.has_unsaved())),
            };
            note_box::render(frame, rect, note, theme);
        }
    }

    /// The three colours with their keys and meanings: on one line where
    /// they fit, else one to a line under each other, never broken inside
    /// an item.
    fn rag_legend(&self, width: usize, short: bool, theme: &Theme) -> Vec<Line<'static>> {
        let chosen = self.current_check_in().map(|c| c.rag);
        let lead = " Status: ";
        let items: Vec<(Span<'static>, Span<'static>)> =
            [("g", Rag::Green), ("a", Rag::Amber), ("r", Rag::Red)]
                .into_iter()
                .map(|(key, rag)| {
                    let mut style = rag_style(rag, theme);
                    let marker = if chosen == Some(rag) {
                        style = style.patch(theme.selected());
                        "▶"
                    } else {
                        " "
                    };
                    (
                        Span::styled(
                            format!("{marker}{key} {:<5} ", rag.as_str()),
                            style.patch(theme.strong()),
                        ),
                        Span::styled(rag.meaning().to_string(), theme.dim()),
                    )
                })
                .collect();
        let one_line: usize = lead.width()
            + items
                .iter()
                .map(|(k, m)| k.width() + m.width() + 3)
                .sum::<usize>();
        if short {
            // Keys and names only: the meanings are in the help.
            let mut spans = vec![Span::styled(lead, theme.dim())];
            for (key, _) in items {
                spans.push(key);
            }
            return vec![Line::from(spans)];
        }
        if one_line <= width {
            let mut spans = vec![Span::styled(lead, theme.dim())];
            for (key, meaning) in items {
                spans.extend([key, meaning, Span::raw("   ")]);
            }
            return vec![Line::from(spans)];
        }
        items
            .into_iter()
            .enumerate()
            .map(|(i, (key, meaning))| {
                let lead = if i == 0 { lead } else { "         " };
                let room = width.saturating_sub(lead.width() + key.width());
                Line::from(vec![
                    Span::styled(lead, theme.dim()),
                    key,
                    Span::styled(shorten(&meaning.content, room), meaning.style),
                ])
            })
            .collect()
    }

    fn history_view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let Some(item) = self.current() else {
            return;
        };
        let size = (area.width.saturating_sub(6), area.height.saturating_sub(4));
        let title = format!("Every check-in: {}", item.row.action.title);
        let inner = popup(frame, area, size, &title, Some("any key closes"), theme);
        let all = self
            .check_ins
            .get(&item.row.action.id)
            .cloned()
            .unwrap_or_default();
        let lines: Vec<Line> = if all.is_empty() {
            vec![Line::styled("No check-ins yet.", theme.dim())]
        } else {
            let revealed = self.revealed == Some(self.index);
            all.iter()
                .map(|c| check_in_line("", c, revealed, theme))
                .collect()
        };
        let rows = wrap_lines(&lines, usize::from(inner.width));
        frame.render_widget(Paragraph::new(rows), inner);
    }
}

/// One earlier check-in: date, RAG, note and any impact seen; confidential
/// notes hidden unless `revealed`.
fn check_in_line(indent: &str, c: &CheckIn, revealed: bool, theme: &Theme) -> Line<'static> {
    let hide = c.confidential && !revealed;
    let impact = if c.impact_note.is_empty() || hide {
        String::new()
    } else {
        format!(" · impact: {}", c.impact_note)
    };
    let note = if hide && (!c.note.is_empty() || !c.impact_note.is_empty()) {
        HIDDEN
    } else {
        c.note.as_str()
    };
    Line::from(vec![
        Span::raw(format!("{indent}{} ", c.on)),
        Span::styled(
            format!("{:<5}", c.rag.as_str().to_uppercase()),
            rag_style(c.rag, theme),
        ),
        Span::raw(format!(" {note}")),
        Span::styled(impact, theme.dim()),
    ])
}

fn rag_style(rag: Rag, theme: &Theme) -> ratatui::style::Style {
    match rag {
        Rag::Green => theme.good(),
        Rag::Amber => theme.warning(),
        Rag::Red => theme.weak(),
    }
}
