//! Compare cycles: for one school, tool and scope, every statement's
//! judgement in each cycle, how it moved since last time, and a trend per
//! aspect. Statements that fell, and those weak three cycles running, lead.

use std::cell::Cell as Remembered;
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::domain::evaluation::{Evaluation, Judgements};
use crate::domain::series::{compare, sparkline, Cell, Comparison, Cycle, Movement};
use crate::domain::tool::Tool;
use crate::store::{Store, StoreError};
use crate::text::wrap::{fill_column, shorten, start_within, wrap};
use crate::tui::nav::{Ctx, Nav};
use crate::tui::theme::Theme;
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::layout::render_selectable;

const HELP: &[KeyHelp] = &[
    ("↑ ↓", "choose a statement"),
    ("Enter", "open it in the newest cycle's walk"),
    ("PgUp PgDn", "scroll a page"),
    ("s", "summary of the newest cycle"),
    ("q / Esc", "back to the summary"),
];

/// Each cycle column's width: a short cycle name such as "Aut26".
const COLUMN: usize = 6;

pub struct Compare {
    newest: Evaluation,
    tool: Rc<Tool>,
    comparison: Comparison,
    /// Statement index in the newest tool for each row, if it is still there.
    targets: Vec<Option<usize>>,
    selected: usize,
    offset: Remembered<usize>,
    /// The evaluation the screen was opened from, to go back to.
    from: i64,
}

impl Compare {
    /// The evaluation this comparison was opened from.
    pub fn evaluation_id(&self) -> i64 {
        self.from
    }

    /// Back from a child screen: the same line selected.
    pub fn keep_selection(&mut self, old: &Compare) {
        self.selected = old.selected.min(self.targets.len().saturating_sub(1));
    }

    pub fn open(store: &Store, evaluation: i64) -> Result<Compare, StoreError> {
        let from = store.evaluation(evaluation)?;
        let series = store.series(from.school_id, &from.tool_id, &from.scope)?;
        let mut loaded: Vec<(Evaluation, Rc<Tool>, Judgements)> = Vec::new();
        for e in series {
            let tool = store.tool(&e.tool_id, e.tool_version)?;
            let judgements = store.judgements(e.id)?;
            loaded.push((e, tool, judgements));
        }
        let cycles: Vec<Cycle> = loaded
            .iter()
            .map(|(evaluation, tool, judgements)| Cycle {
                evaluation,
                tool,
                judgements,
            })
            .collect();
        let comparison = compare(&cycles);
        let (newest, tool, _) = loaded
            .pop()
            .expect("the series holds the evaluation itself");
        let keys = tool.statement_keys();
        let targets = comparison
            .rows
            .iter()
            .map(|r| keys.iter().position(|k| *k == r.key))
            .collect();
        Ok(Compare {
            newest,
            tool,
            comparison,
            targets,
            selected: 0,
            offset: Remembered::new(0),
            from: from.id,
        })
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        let last = self.targets.len().saturating_sub(1);
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(8),
            KeyCode::PageDown => self.selected = (self.selected + 8).min(last),
            KeyCode::Enter => match self.targets.get(self.selected) {
                Some(Some(index)) => {
                    return Nav::Walk {
                        evaluation: self.newest.id,
                        index: Some(*index),
                    }
                }
                Some(None) => ctx.info("That statement is no longer in the tool."),
                None => {}
            },
            KeyCode::Char('s') => {
                return Nav::Summary {
                    evaluation: self.newest.id,
                }
            }
            KeyCode::Char('q') | KeyCode::Esc => {
                return Nav::Summary {
                    evaluation: self.from,
                }
            }
            _ => {}
        }
        Nav::Stay
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        vec![("↑↓", "choose"), ("Enter", "open"), ("q", "back")]
    }

    fn lines(&self, theme: &Theme, width: usize) -> (Vec<Line<'static>>, Vec<usize>) {
        let e = &self.newest;
        let scale = &self.tool.scale;
        let c = &self.comparison;
        let mut lines = vec![
            Line::styled(
                format!(" Compare cycles: {}", self.tool.title),
                theme.title(),
            ),
            Line::styled(
                format!(
                    " {} · {} · {} cycle{}",
                    e.school_name,
                    e.scope,
                    c.cycles.len(),
                    if c.cycles.len() == 1 { "" } else { "s" }
                ),
                theme.dim(),
            ),
            Line::from(""),
            Line::styled(
                " Trend by aspect (mean judgement, oldest to newest)",
                theme.strong(),
            ),
        ];
        let title_width = c
            .trends
            .iter()
            .map(|t| t.title.width())
            .max()
            .unwrap_or(10)
            .min(30);
        for t in &c.trends {
            let title = fill_column(&t.title, title_width);
            let means: Vec<String> = t
                .means
                .iter()
                .rev()
                .take(2)
                .rev()
                .map(|m| m.map_or("-".into(), |m| format!("{m:.1}")))
                .collect();
            lines.push(Line::from(vec![
                Span::raw(format!("   {title}  ")),
                Span::styled(sparkline(&t.means, scale.len()), theme.key()),
                Span::styled(format!("  {}", means.join(" → ")), theme.dim()),
            ]));
        }
        // As many of the newest cycles as fit beside a readable statement.
        let fixed = 3 + 4 + 9;
        let fit = width.saturating_sub(fixed + 24) / COLUMN;
        let shown = c.cycles.len().min(fit.max(1));
        let skip = c.cycles.len() - shown;
        // Long statements are cut near 100 columns so the cycles stay close.
        let text_width = width.saturating_sub(fixed + shown * COLUMN).clamp(10, 100);
        lines.push(Line::from(""));
        let mut header = format!("   {:<text_width$} ", "Statement");
        for cycle in c.cycles.iter().skip(skip) {
            header.push_str(&format!("{:>COLUMN$}", short_cycle(cycle)));
        }
        header.push_str("  move");
        lines.push(Line::styled(header, theme.strong()));
        let mut positions = Vec::new();
        for (n, row) in c.rows.iter().enumerate() {
            let selected = n == self.selected;
            let flag = if row.fell {
                "↓ "
            } else if row.weak_three_times {
                "! "
            } else {
                "  "
            };
            let mut spans = vec![
                Span::raw(if selected { "▶" } else { " " }),
                Span::styled(flag, theme.weak()),
                Span::raw(format!(
                    "{} ",
                    fill_column(&shorten(&row.text, text_width), text_width)
                )),
            ];
            for cell in row.cells.iter().skip(skip) {
                let (text, style) = match *cell {
                    Cell::Judged { level, carried } => (
                        format!("{level}{}", if carried { "*" } else { " " }),
                        theme.level(level, scale.len(), scale.weak_up_to),
                    ),
                    Cell::Deferred => ("~ ".into(), theme.key()),
                    Cell::Open => ("· ".into(), theme.dim()),
                    Cell::Absent => ("  ".into(), theme.dim()),
                };
                spans.push(Span::styled(format!("{text:>COLUMN$}"), style));
            }
            let (movement, style) = match row.movement {
                Some(m @ Movement::Down) => (m.word(), theme.weak()),
                Some(m @ Movement::Up) => (m.word(), theme.good()),
                Some(m) => (m.word(), theme.dim()),
                None => ("", theme.dim()),
            };
            let arrow = row.movement.map_or("", Movement::arrow);
            spans.push(Span::styled(format!("  {arrow} {movement}"), style));
            let mut line = Line::from(spans);
            if selected {
                line = line.patch_style(theme.selected());
            }
            positions.push(lines.len());
            lines.push(line);
        }
        lines.push(Line::from(""));
        let legend = "↓ fell since last cycle · ! weak three cycles running · * carried forward · \
                      ~ deferred · · not judged";
        for part in wrap(legend, width.saturating_sub(4).max(10)) {
            lines.push(Line::styled(format!("   {part}"), theme.dim()));
        }
        (lines, positions)
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        render_selectable(frame, area, self.selected, &self.offset, |width| {
            self.lines(theme, width)
        });
    }
}

/// "Autumn 2026" as "Aut26"; other names cut to fit a column.
fn short_cycle(cycle: &str) -> String {
    match cycle.split_once(' ') {
        Some((term, year)) if year.len() == 4 && year.chars().all(|c| c.is_ascii_digit()) => {
            format!("{}{}", start_within(term, 3), &year[2..])
        }
        _ => start_within(cycle, COLUMN - 1).to_string(),
    }
}
