//! Across schools: for each tool, every school's share of weak statements
//! by aspect with its movement since the cycle before, the statements weak
//! in several schools, and each school's plan health, most concerning
//! first. The same view as `headway report --across`, to read and scroll.

use std::cell::{Cell, RefCell};

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::domain::across::{across, Across, Movement};
use crate::store::{Store, StoreError};
use crate::text::wrap::{shorten, wrap};
use crate::tui::nav::{Ctx, Nav};
use crate::tui::theme::Theme;
use crate::tui::widgets::help::KeyHelp;

const HELP: &[KeyHelp] = &[
    ("↑ ↓ (k j)", "scroll"),
    ("PgUp PgDn", "scroll a page"),
    ("g / G", "top / bottom"),
    ("q / Esc", "back home"),
];

/// Each aspect column: "100% ↑100" at the widest.
const COLUMN: usize = 9;

pub struct AcrossScreen {
    view: Across,
    /// The first line shown.
    top: usize,
    /// Lines in view at the last draw, for paging, and the last first line
    /// that still fills the view.
    page: Cell<usize>,
    last_top: Cell<usize>,
    /// The lines as made for a width: made again only when it changes, so
    /// a scroll key formats nothing.
    lines: RefCell<Option<(usize, Vec<Line<'static>>)>>,
}

impl AcrossScreen {
    pub fn open(store: &Store, today: jiff::civil::Date) -> Result<AcrossScreen, StoreError> {
        Ok(AcrossScreen {
            view: across(&store.across_series()?, store.plan_health(today)?),
            top: 0,
            page: Cell::new(10),
            last_top: Cell::new(usize::MAX / 2),
            lines: RefCell::new(None),
        })
    }

    pub fn key(&mut self, key: KeyEvent, _ctx: &mut Ctx) -> Nav {
        let page = self.page.get().max(1);
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Nav::Home,
            KeyCode::Down | KeyCode::Char('j') => self.top += 1,
            KeyCode::Up | KeyCode::Char('k') => self.top = self.top.saturating_sub(1),
            KeyCode::PageDown => self.top += page,
            KeyCode::PageUp => self.top = self.top.saturating_sub(page),
            KeyCode::Char('g') | KeyCode::Home => self.top = 0,
            KeyCode::Char('G') | KeyCode::End => self.top = usize::MAX / 2,
            _ => {}
        }
        self.top = self.top.min(self.last_top.get());
        Nav::Stay
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        vec![("↑↓", "scroll"), ("g/G", "top/bottom"), ("q", "home")]
    }

    fn movement(m: Movement, theme: &Theme) -> Span<'static> {
        let style = match m {
            Movement::Better(_) => theme.good(),
            Movement::Worse(_) => theme.weak(),
            Movement::Same | Movement::Unknown => theme.dim(),
        };
        Span::styled(m.label(), style)
    }

    fn lines(&self, width: usize, theme: &Theme) -> Vec<Line<'static>> {
        let mut lines = vec![Line::styled(" Across schools", theme.title())];
        let key = "Weak share of each aspect in each school's newest cycle; ↓ fewer weak than the cycle before, ↑ more.";
        for row in wrap(key, width.saturating_sub(2).max(10)) {
            lines.push(Line::styled(format!(" {row}"), theme.dim()));
        }
        for grid in &self.view.grids {
            lines.push(Line::from(""));
            lines.push(Line::styled(format!(" {}", grid.tool), theme.strong()));
            // The aspects are numbered; their names follow, wrapped.
            let names: Vec<String> = grid
                .aspects
                .iter()
                .enumerate()
                .map(|(i, a)| format!("{} {a}", i + 1))
                .collect();
            for row in wrap(&names.join(" · "), width.saturating_sub(2).max(10)) {
                lines.push(Line::styled(format!(" {row}"), theme.dim()));
            }
            let label = width
                .saturating_sub(2 + COLUMN * grid.aspects.len())
                .clamp(12, 40);
            let mut head = format!(" {:<label$}", "");
            for i in 0..grid.aspects.len() {
                head.push_str(&format!("{:>COLUMN$}", i + 1));
            }
            lines.push(Line::styled(head, theme.key()));
            for row in &grid.rows {
                // The scope gives way first, then the school's name.
                let full = format!("{} · {}", row.school, row.scope);
                let name = if full.width() <= label {
                    full
                } else {
                    shorten(&row.school, label)
                };
                let pad = label.saturating_sub(name.width());
                let mut spans = vec![Span::raw(format!(" {name}{}", " ".repeat(pad)))];
                for (share, moved) in &row.cells {
                    let text = share.label();
                    let m = Self::movement(*moved, theme);
                    let used = text.width() + 1 + m.content.width();
                    spans.push(Span::raw(" ".repeat(COLUMN.saturating_sub(used))));
                    spans.push(Span::styled(text, Style::new()));
                    spans.push(Span::raw(" "));
                    spans.push(m);
                }
                lines.push(Line::from(spans));
            }
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(" Weak in several schools", theme.strong()));
        if self.view.shared.is_empty() {
            lines.push(Line::styled(
                "   No statement is weak in more than one school.",
                theme.dim(),
            ));
        }
        for s in &self.view.shared {
            lines.push(Line::from(vec![
                Span::styled(format!("   {} schools  ", s.schools.len()), theme.key()),
                Span::raw(shorten(&s.statement, width.saturating_sub(16).max(10))),
            ]));
            lines.push(Line::styled(
                format!(
                    "            {}",
                    shorten(
                        &format!("{} · {} · {}", s.tool, s.aspect, s.schools.join(", ")),
                        width.saturating_sub(13).max(10)
                    )
                ),
                theme.dim(),
            ));
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(
            " Plan health, most concerning first",
            theme.strong(),
        ));
        let label = width.saturating_sub(2 + 4 * 9).clamp(12, 40);
        lines.push(Line::styled(
            format!(
                " {:<label$}{:>9}{:>9}{:>9}{:>9}",
                "", "open", "checks", "red", "past due"
            ),
            theme.key(),
        ));
        for h in &self.view.health {
            let name = shorten(&h.school, label);
            let pad = label.saturating_sub(name.width());
            let worry = |n: usize| {
                if n > 0 {
                    theme.weak()
                } else {
                    theme.dim()
                }
            };
            lines.push(Line::from(vec![
                Span::raw(format!(" {name}{}", " ".repeat(pad))),
                Span::raw(format!("{:>9}", h.open)),
                Span::styled(format!("{:>9}", h.overdue_checks), worry(h.overdue_checks)),
                Span::styled(format!("{:>9}", h.red), worry(h.red)),
                Span::styled(format!("{:>9}", h.past_due), worry(h.past_due)),
            ]));
        }
        lines
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::bordered().border_type(BorderType::Rounded);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        let width = usize::from(inner.width);
        let mut cache = self.lines.borrow_mut();
        if cache.as_ref().is_none_or(|(w, _)| *w != width) {
            *cache = Some((width, self.lines(width, theme)));
        }
        let Some((_, lines)) = cache.as_ref() else {
            return;
        };
        let height = usize::from(inner.height).max(1);
        self.page.set(height.saturating_sub(1).max(1));
        let last_top = lines.len().saturating_sub(height);
        self.last_top.set(last_top);
        let top = self.top.min(last_top);
        let shown: Vec<Line> = lines.iter().skip(top).take(height).cloned().collect();
        frame.render_widget(Paragraph::new(shown), inner);
    }
}
