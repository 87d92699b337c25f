//! Conflicts: the fields both copies of a school changed since they last
//! exchanged. Each shows the value kept for now beside the other copy's;
//! the person picks one, or writes a third. The value not chosen goes into
//! the history, and the choice travels to the partner at the next sync.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use crate::store::{OpenConflict, Store, StoreError};
use crate::text::wrap::shorten;
use crate::tui::nav::{Ctx, Nav};
use crate::tui::theme::Theme;
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::wrap_line::{wrap_line, wrap_line_indented};

const HELP: &[KeyHelp] = &[
    ("↑ ↓ (k j)", "the conflict before / after"),
    ("1", "keep the value kept for now"),
    ("2", "take the other copy's value"),
    ("e", "write a value of your own (Enter saves, Esc cancels)"),
    ("q / Esc", "back home"),
];

/// A stored field's name as people say it.
fn field_label(field: &str) -> String {
    match field {
        "level" => "judgement".into(),
        "defer_note" => "note for next time".into(),
        "evidence" => "evidence note".into(),
        "rag" => "RAG".into(),
        "impact_note" => "impact seen".into(),
        "impact_check" => "impact check".into(),
        "due_date" => "due date".into(),
        "start_date" => "start date".into(),
        "owner_role" => "owner's role".into(),
        "checker" => "checked by".into(),
        other => other.replace('_', " "),
    }
}

pub struct Conflicts {
    open: Vec<OpenConflict>,
    selected: usize,
    /// A value of the person's own, being written.
    writing: Option<TextInput>,
}

impl Conflicts {
    pub fn open(store: &Store) -> Result<Conflicts, StoreError> {
        Ok(Conflicts {
            open: store.open_conflicts()?,
            selected: 0,
            writing: None,
        })
    }

    pub fn is_typing(&self) -> bool {
        self.writing.is_some()
    }

    pub fn paste(&mut self, text: &str) {
        if let Some(input) = self.writing.as_mut() {
            input.paste(text);
        }
    }

    /// Settles the selected conflict with `value`; false if it was refused.
    fn settle(&mut self, ctx: &mut Ctx, value: Option<String>) -> bool {
        let Some(conflict) = self.open.get(self.selected) else {
            return false;
        };
        match ctx.store.settle_conflict(conflict.id, value.as_deref()) {
            Ok(()) => {
                ctx.done("Settled; it goes to the partner at the next sync");
                match ctx.store.open_conflicts() {
                    Ok(open) => self.open = open,
                    Err(e) => ctx.failed("Reading the conflicts", e),
                }
                self.selected = self.selected.min(self.open.len().saturating_sub(1));
                true
            }
            Err(crate::store::StoreError::Conflict(why)) => {
                ctx.error(why);
                false
            }
            Err(e) => {
                ctx.failed("Settling", e);
                false
            }
        }
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        if let Some(input) = self.writing.as_mut() {
            match key.code {
                KeyCode::Esc => {
                    self.writing = None;
                    ctx.info("Nothing settled.");
                }
                KeyCode::Enter => {
                    let value = crate::text::clean_line(&input.text()).trim().to_string();
                    // Refused, the text stays in the box to be put right.
                    let kept = self.writing.take();
                    if !self.settle(ctx, Some(value)) {
                        self.writing = kept;
                    }
                }
                _ => {
                    input.key(key);
                }
            }
            return Nav::Stay;
        }
        let last = self.open.len().saturating_sub(1);
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Nav::Home,
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Char('1') => {
                let kept = self.open.get(self.selected).and_then(|c| c.kept.clone());
                self.settle(ctx, kept);
            }
            KeyCode::Char('2') => {
                let other = self.open.get(self.selected).and_then(|c| c.other.clone());
                self.settle(ctx, other);
            }
            KeyCode::Char('e') if !self.open.is_empty() => {
                let mut input = TextInput::default();
                if let Some(kept) = self.open.get(self.selected).and_then(|c| c.kept.clone()) {
                    input.set_text(&kept);
                }
                self.writing = Some(input);
            }
            _ => {}
        }
        Nav::Stay
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        if self.writing.is_some() {
            return vec![("Enter", "settle with this"), ("Esc", "cancel")];
        }
        if self.open.is_empty() {
            return vec![("q", "home")];
        }
        vec![
            ("1", "keep"),
            ("2", "take other"),
            ("e", "write"),
            ("↑↓", "move"),
            ("q", "home"),
        ]
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let [title, list, sides, note, _] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length((self.open.len() as u16).clamp(1, 6) + 2),
            Constraint::Max(12),
            Constraint::Length(2),
            Constraint::Min(0),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" Conflicts ", theme.title()),
                Span::styled(
                    "· fields both copies changed since they last exchanged",
                    theme.dim(),
                ),
            ])),
            title,
        );
        let width = list.width.saturating_sub(4) as usize;
        let block = Block::bordered().border_type(BorderType::Rounded);
        if self.open.is_empty() {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    "No conflicts to settle here. A choice made here reaches the other copy at the next sync.",
                    theme.dim(),
                ))
                .block(block),
                list,
            );
            return;
        }
        let shown = list.height.saturating_sub(2) as usize;
        let top = self.selected.saturating_sub(shown.saturating_sub(1));
        let lines: Vec<Line> = self
            .open
            .iter()
            .enumerate()
            .skip(top)
            .take(shown)
            .map(|(i, c)| {
                let text = shorten(
                    &format!("{} · {} · {}", field_label(&c.field), c.what, c.school),
                    width,
                );
                if i == self.selected {
                    Line::styled(format!("▶ {text}"), theme.selected())
                } else {
                    Line::raw(format!("  {text}"))
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines).block(block), list);
        let Some(conflict) = self.open.get(self.selected) else {
            return;
        };
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(sides);
        let side = |title: &'static str, key: &'static str, value: &Option<String>, width: u16| {
            let text = match value.as_deref() {
                Some("") | None => "(empty)".to_string(),
                Some(v) => v.to_string(),
            };
            let rows = wrap_line_indented(
                &Line::raw(text),
                usize::from(width.saturating_sub(2)).max(1),
            );
            Paragraph::new(rows).block(Block::bordered().border_type(BorderType::Rounded).title(
                Line::from(vec![
                    Span::styled(format!(" {key} "), theme.key()),
                    Span::styled(format!("{title} "), theme.strong()),
                ]),
            ))
        };
        frame.render_widget(side("Kept for now", "1", &conflict.kept, left.width), left);
        frame.render_widget(
            side("From the other copy", "2", &conflict.other, right.width),
            right,
        );
        let rows = wrap_line(
            &Line::styled(
                "Both copies keep the later edit until you choose. The value not chosen goes into the history, and your choice reaches the other copy at the next sync.",
                theme.dim(),
            ),
            usize::from(note.width),
        );
        frame.render_widget(Paragraph::new(rows), note);
        if let Some(input) = &self.writing {
            let inner = crate::tui::widgets::layout::popup(
                frame,
                area,
                (64, 7),
                "Your own value",
                Some("Enter settle · Esc cancel"),
                theme,
            );
            input.render(frame, inner, Block::new(), true);
        }
    }
}
