//! The finder overlay (Ctrl+F from any screen): type a few letters, see
//! schools, tools, statements, notes, actions and check-ins that match, and
//! Enter goes straight there.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use crate::finder::{Hit, Index, Target};
use crate::store::{Store, StoreError};
use crate::text::wrap::shorten;
use crate::tui::nav::{Ctx, Nav};
use crate::tui::theme::Theme;
use crate::tui::widgets::fuzzy::highlight;
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::layout::popup;

/// Shown instead of a confidential note in the result list.
const HIDDEN_HERE: &str = "[confidential: Tab shows it]";

pub const HELP: &[KeyHelp] = &[
    (
        "type",
        "search everything: schools, tools, statements, notes, actions, check-ins",
    ),
    ("↑ ↓", "choose a result"),
    ("Enter", "go there"),
    (
        "Tab",
        "show the chosen confidential note (hidden again when you move)",
    ),
    ("Esc", "close the finder"),
];

/// Most results kept per search; the list shows as many as fit.
const MAX_RESULTS: usize = 200;

/// What a key did to the finder.
pub enum Outcome {
    Stay,
    Close,
    Go(Nav),
}

pub struct Finder {
    index: Index,
    query: TextInput,
    hits: Vec<Hit>,
    chosen: usize,
    /// The result whose confidential text is shown (after Tab), by its
    /// place in the list.
    revealed: Option<usize>,
}

impl Finder {
    pub fn open(store: &Store) -> Result<Finder, StoreError> {
        let mut query = TextInput::default();
        query.set_placeholder("type to find anything");
        Ok(Finder {
            index: Index::load(store)?,
            query,
            hits: Vec::new(),
            chosen: 0,
            revealed: None,
        })
    }

    fn refilter(&mut self, store: &Store) -> Result<(), StoreError> {
        self.chosen = 0;
        self.hits = self
            .index
            .search(store, &self.query.text(), MAX_RESULTS)
            .inspect_err(|_| self.hits.clear())?;
        Ok(())
    }

    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) {
        if self.query.paste(text) {
            if let Err(e) = self.refilter(ctx.store) {
                ctx.error(e.to_string());
            }
        }
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Outcome {
        if key.code != KeyCode::Tab {
            // Moving or typing hides a shown confidential note again.
            self.revealed = None;
        }
        match key.code {
            KeyCode::Esc => return Outcome::Close,
            KeyCode::Tab => {
                let here = (self.chosen < self.hits.len()).then_some(self.chosen);
                self.revealed = if self.revealed == here { None } else { here };
            }
            KeyCode::Up => self.chosen = self.chosen.saturating_sub(1),
            KeyCode::Down => self.chosen = (self.chosen + 1).min(self.hits.len().saturating_sub(1)),
            KeyCode::Enter => {
                let Some(hit) = self.hits.get(self.chosen) else {
                    return Outcome::Stay;
                };
                let target = hit.item.target.clone();
                return match go(ctx, &target) {
                    Ok(Some(nav)) => Outcome::Go(nav),
                    Ok(None) => Outcome::Stay,
                    Err(e) => {
                        ctx.failed("Opening it", e);
                        Outcome::Stay
                    }
                };
            }
            _ => {
                if self.query.key(key) {
                    if let Err(e) = self.refilter(ctx.store) {
                        ctx.error(e.to_string());
                    }
                }
            }
        }
        Outcome::Stay
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let size = (
            area.width.saturating_sub(4).min(120),
            area.height.saturating_sub(2),
        );
        let footer = "Enter go · Esc close";
        let inner = popup(frame, area, size, "Find anything", Some(footer), theme);
        let [query, count, list] = Layout::vertical([
            Constraint::Length(3),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(inner);
        self.query.render(
            frame,
            query,
            Block::bordered().border_type(BorderType::Rounded),
            true,
        );
        let summary = if self.query.text().trim().is_empty() {
            "things to search: schools, tools, statements, notes, actions, check-ins".to_string()
        } else {
            match self.hits.len() {
                0 => "nothing matches".to_string(),
                n if n >= MAX_RESULTS => format!("the best {MAX_RESULTS} matches"),
                1 => "1 match".to_string(),
                n => format!("{n} matches"),
            }
        };
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {summary}"), theme.dim())),
            count,
        );
        let height = usize::from(list.height).max(1);
        let first = self.chosen.saturating_sub(height - 1);
        let width = usize::from(list.width);
        let lines: Vec<Line> = self
            .hits
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(pos, hit)| {
                let item = &hit.item;
                let chosen = pos == self.chosen;
                let hidden = item.confidential && !(chosen && self.revealed == Some(pos));
                let (shown, matched): (&str, &[usize]) = if hidden {
                    (HIDDEN_HERE, &[])
                } else {
                    (&item.text, &hit.matched)
                };
                let kind = format!("{:<13} ", item.kind.label());
                let room = width.saturating_sub(kind.len() + 2);
                let (shown, matched) = from_first_match(shown, matched, room.saturating_mul(2) / 3);
                let text = shorten(&shown, room.saturating_mul(2) / 3);
                let shown = text.chars().count();
                let matched: Vec<usize> = matched.into_iter().filter(|&m| m < shown).collect();
                let mut spans = vec![
                    Span::raw(if chosen { "▶ " } else { "  " }),
                    Span::styled(kind, theme.key()),
                ];
                spans.extend(highlight(&text, &matched, ratatui::style::Style::new(), theme).spans);
                let used = unicode_width::UnicodeWidthStr::width(text.as_str());
                if !item.place.is_empty() {
                    let place = shorten(&item.place, room.saturating_sub(used + 3));
                    spans.push(Span::styled(format!("  {place}"), theme.dim()));
                }
                let line = Line::from(spans);
                if chosen {
                    line.patch_style(theme.selected())
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), list);
    }
}

/// Letters kept before the first match when a note is shown from there.
const BEFORE_MATCH: usize = 12;

/// A long note whose first match lies beyond `room` is shown from a little
/// before that match, after a `…`, so the row shows why it matched; the
/// matched positions move with it.
fn from_first_match(text: &str, matched: &[usize], room: usize) -> (String, Vec<usize>) {
    let first = matched.first().copied().unwrap_or(0);
    if first + 1 < room.saturating_sub(1) {
        return (text.to_string(), matched.to_vec());
    }
    let from = first.saturating_sub(BEFORE_MATCH);
    let rest: String = text.chars().skip(from).collect();
    let moved = matched.iter().map(|m| m - from + 1).collect();
    (format!("…{rest}"), moved)
}

/// Where a result leads; `None` (with a message) when there is nowhere yet.
fn go(ctx: &mut Ctx, target: &Target) -> Result<Option<Nav>, StoreError> {
    Ok(Some(match target {
        Target::School(id) => Nav::Plan { school: *id },
        Target::Walk { evaluation, index } => Nav::Walk {
            evaluation: *evaluation,
            index: Some(*index),
        },
        Target::Action(id) => Nav::Action {
            id: *id,
            back: Box::new(Nav::Home),
        },
        Target::Tool { tool_id, key } => {
            let newest = match ctx.store.newest_evaluation_of_tool(tool_id)? {
                Some(id) => Some(ctx.store.evaluation(id)?),
                None => None,
            };
            let Some(e) = newest else {
                ctx.info("No evaluation uses this tool yet: n on the home screen starts one.");
                return Ok(None);
            };
            let tool = ctx.store.tool(&e.tool_id, e.tool_version)?;
            match key
                .as_ref()
                .and_then(|k| tool.statement_keys().iter().position(|s| s == k))
            {
                Some(index) => Nav::Walk {
                    evaluation: e.id,
                    index: Some(index),
                },
                None => Nav::Summary { evaluation: e.id },
            }
        }
    }))
}
