//! The summary: per aspect, how judgements spread over the scale; then the
//! weak statements with rationales, the deferred ones with notes, and what is
//! left. Enter on any statement jumps back into the walk there.

use std::cell::Cell;
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::Frame;

use crate::domain::evaluation::{
    deferred, left, progress, spread_by_aspect, weak, AspectSpread, Evaluation, Listed, Progress,
};
use crate::domain::series::{version_changes, Removed};
use crate::domain::tool::Tool;
use crate::store::{Store, StoreError};
use crate::text::wrap::{fill_column, shorten, width as width_of, wrap};
use crate::tui::nav::{Ctx, Nav};
use crate::tui::theme::Theme;
use crate::tui::widgets::confidential::{shown, HIDDEN};
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::layout::render_selectable;

const HELP: &[KeyHelp] = &[
    ("↑ ↓", "move between aspects and statements"),
    (
        "Enter",
        "open that statement (or the aspect's first) in the walk",
    ),
    ("w", "back to the walk, where it was left off"),
    ("D", "draft plan actions from the weak statements"),
    ("P", "the plan made from this evaluation"),
    (
        "C",
        "compare cycles: every judgement of this tool and scope over time",
    ),
    (
        "R",
        "write a report: then h html, m markdown, c csv, i calendar",
    ),
    (
        "v",
        "show the chosen statement's confidential note (hidden again when you move)",
    ),
    ("PgUp PgDn", "scroll a page"),
    ("q / Esc", "back home"),
];

pub struct Summary {
    evaluation: Evaluation,
    tool: Rc<Tool>,
    progress: Progress,
    spread: Vec<AspectSpread>,
    weak: Vec<Listed>,
    deferred: Vec<Listed>,
    left: Vec<Listed>,
    /// How many judgements were carried from the last cycle, and its name.
    carried: usize,
    previous_cycle: Option<String>,
    /// Statements the last cycle's tool version had and this one does not.
    removed: Vec<Removed>,
    /// Statement indexes of the selectable lines, in screen order.
    targets: Vec<usize>,
    selected: usize,
    offset: Cell<usize>,
    /// True after R, while waiting for the report's format.
    choosing_report: bool,
    /// The row whose confidential note is shown (after `v`).
    revealed: Option<usize>,
}

impl Summary {
    pub fn open(store: &Store, evaluation: i64) -> Result<Summary, StoreError> {
        let evaluation = store.evaluation(evaluation)?;
        let tool = store.tool(&evaluation.tool_id, evaluation.tool_version)?;
        let judgements = store.judgements(evaluation.id)?;
        let weak = weak(&tool, &judgements);
        let deferred = deferred(&tool, &judgements);
        let left = left(&tool, &judgements);
        let previous = store.previous_evaluation(&evaluation)?;
        let removed = match &previous {
            Some(p) if p.tool_version != tool.version => {
                version_changes(&*store.tool(&p.tool_id, p.tool_version)?, &tool).removed
            }
            _ => Vec::new(),
        };
        let carried = judgements
            .values()
            .filter(|j| j.level.is_some() && j.carried_from.is_some())
            .count();
        // Each aspect row opens its first statement; each listed statement itself.
        let aspect_starts = tool.aspects.iter().scan(0, |first, aspect| {
            let start = *first;
            *first += aspect.statements.len();
            Some(start)
        });
        let targets = aspect_starts
            .chain(weak.iter().chain(&deferred).chain(&left).map(|l| l.index))
            .collect();
        Ok(Summary {
            progress: progress(&tool, &judgements),
            spread: spread_by_aspect(&tool, &judgements),
            evaluation,
            tool,
            carried,
            previous_cycle: previous.map(|p| p.cycle),
            removed,
            weak,
            deferred,
            left,
            targets,
            selected: 0,
            offset: Cell::new(0),
            choosing_report: false,
            revealed: None,
        })
    }

    pub fn evaluation_id(&self) -> i64 {
        self.evaluation.id
    }

    /// Back from a child screen: the same line selected.
    pub fn keep_selection(&mut self, old: &Summary) {
        self.selected = old.selected.min(self.targets.len().saturating_sub(1));
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        if self.choosing_report {
            self.choosing_report = false;
            let format = match key.code {
                KeyCode::Char('h') => "html",
                KeyCode::Char('m') => "md",
                KeyCode::Char('c') => "csv",
                KeyCode::Char('i') => "ics",
                _ => {
                    ctx.info("No report written.");
                    return Nav::Stay;
                }
            };
            match self.write_report(ctx, format) {
                Ok(path) => ctx.done(&format!("Report written to {path}")),
                Err(e) => ctx.failed("The report", e),
            }
            return Nav::Stay;
        }
        let last = self.targets.len().saturating_sub(1);
        if key.code != KeyCode::Char('v') {
            // Moving (or anything else) hides a shown confidential note.
            self.revealed = None;
        }
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(8),
            KeyCode::PageDown => self.selected = (self.selected + 8).min(last),
            KeyCode::Enter => {
                if let Some(&index) = self.targets.get(self.selected) {
                    return Nav::Walk {
                        evaluation: self.evaluation.id,
                        index: Some(index),
                    };
                }
            }
            KeyCode::Char('w') => {
                return Nav::Walk {
                    evaluation: self.evaluation.id,
                    index: None,
                }
            }
            KeyCode::Char('D') => {
                return Nav::Drafts {
                    evaluation: self.evaluation.id,
                    draft: true,
                }
            }
            KeyCode::Char('P') => {
                return Nav::Drafts {
                    evaluation: self.evaluation.id,
                    draft: false,
                }
            }
            KeyCode::Char('R') => {
                self.choosing_report = true;
                ctx.info("Report format: h html · m markdown · c csv · i calendar (any other key cancels)");
            }
            KeyCode::Char('C') => {
                return Nav::Compare {
                    evaluation: self.evaluation.id,
                }
            }
            KeyCode::Char('v') => {
                self.revealed = if self.revealed == Some(self.selected) {
                    None
                } else {
                    Some(self.selected)
                };
            }
            KeyCode::Char('q') | KeyCode::Esc => return Nav::Home,
            _ => {}
        }
        Nav::Stay
    }

    /// Writes this evaluation's report, without confidential notes, into a
    /// reports folder beside the database; returns where.
    fn write_report(&self, ctx: &mut Ctx, format: &str) -> Result<String, String> {
        use crate::export::{csv, html, ics, markdown, report, slug};
        let selection = report::Selection {
            evaluation: Some(self.evaluation.id),
            ..Default::default()
        };
        let data =
            report::load(ctx.store, &selection, ctx.today, false).map_err(|e| e.to_string())?;
        let folder = ctx
            .store
            .path()
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("reports");
        let folder = crate::output::folder(&folder).map_err(|e| e.to_string())?;
        let e = &self.evaluation;
        let stem = format!(
            "{}-{}-{}",
            slug(&e.school_name),
            slug(&e.scope),
            slug(&e.cycle)
        );
        let protected = crate::output::Protected::database(ctx.store.path());
        let write = |path: &std::path::Path, text: &str| {
            crate::output::write_text(Some(path), &protected, text).map_err(|e| e.to_string())
        };
        if format == "csv" {
            let paths =
                csv::CsvKind::ALL.map(|k| (k, folder.join(format!("{stem}-{}", k.file_name()))));
            // Every file is checked before the first is written.
            for (_, path) in &paths {
                crate::output::target(Some(path), &protected).map_err(|e| e.to_string())?;
            }
            for (kind, path) in paths {
                write(&path, &csv::to_csv(&data, kind))?;
            }
            return Ok(format!("{}/{stem}-*.csv", folder.display()));
        }
        let text = match format {
            "html" => html::to_html(&data),
            "md" => markdown::to_markdown(&data),
            _ => ics::to_ics(&data),
        };
        let path = folder.join(format!("{stem}.{format}"));
        write(&path, &text)?;
        Ok(path.display().to_string())
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        if self.choosing_report {
            return vec![
                ("h", "html"),
                ("m", "markdown"),
                ("c", "csv"),
                ("i", "calendar"),
                ("any other key", "cancel"),
            ];
        }
        vec![
            ("↑↓", "choose"),
            ("Enter", "open statement"),
            ("w", "walk"),
            ("D", "draft"),
            ("C", "compare"),
            ("R", "report"),
            ("q", "home"),
        ]
    }

    /// All lines of the summary, and the line number of each selectable one.
    fn lines(&self, theme: &Theme, width: usize) -> (Vec<Line<'static>>, Vec<usize>) {
        let e = &self.evaluation;
        let scale = &self.tool.scale;
        let mut lines = vec![Line::from(vec![Span::styled(
            format!(" Summary: {}", self.tool.title),
            theme.title(),
        )])];
        // One line, so the weak statements start high on a small screen;
        // who was in the room is written in full in the reports.
        lines.push(Line::styled(
            format!(" {}", shorten(&e.context(), width.saturating_sub(2).max(1))),
            theme.dim(),
        ));
        lines.extend([Line::from(format!(
            " {} judged · {} deferred · {} left, of {}",
            self.progress.judged,
            self.progress.deferred,
            self.progress.left,
            self.progress.total()
        ))]);
        if let Some(cycle) = &self.previous_cycle {
            lines.push(Line::styled(
                format!(
                    " Builds on {cycle}: {} judgement{} carried forward unchanged",
                    self.carried,
                    if self.carried == 1 { "" } else { "s" }
                ),
                theme.dim(),
            ));
        }
        lines.push(Line::from(""));
        lines.push(Line::styled(" By aspect", theme.strong()));
        let title_width = self
            .spread
            .iter()
            .map(|s| width_of(&s.title))
            .max()
            .unwrap_or(10)
            .min(32);
        let mut positions = Vec::new();
        for (row, s) in self.spread.iter().enumerate() {
            let title = fill_column(&s.title, title_width);
            let marker = if row == self.selected { " ▶ " } else { "   " };
            let mut spans = vec![Span::raw(format!("{marker}{title}  "))];
            for (i, count) in s.at_level.iter().enumerate() {
                let level = i as u8 + 1;
                let glyph = if theme.color {
                    "█".to_string()
                } else {
                    level.to_string()
                };
                spans.push(Span::styled(
                    glyph.repeat(*count),
                    theme.level(level, scale.len(), scale.weak_up_to),
                ));
            }
            spans.push(Span::styled("~".repeat(s.deferred), theme.key()));
            spans.push(Span::styled("·".repeat(s.left), theme.dim()));
            let counts: Vec<String> = s
                .at_level
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{}:{c}", i + 1))
                .collect();
            spans.push(Span::styled(format!("  {}", counts.join(" ")), theme.dim()));
            let mut line = Line::from(spans);
            if row == self.selected {
                line = line.patch_style(theme.selected());
            }
            positions.push(lines.len());
            lines.push(line);
        }
        let legend: Vec<String> = scale
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| format!("{} {l}", i + 1))
            .collect();
        lines.push(Line::styled(
            format!("   {} · ~ deferred · · left", legend.join(" · ")),
            theme.dim(),
        ));
        let sections: [(&str, &[Listed], &str); 3] = [
            (
                "Weak statements",
                &self.weak,
                "none: nothing judged at or below the weak threshold",
            ),
            ("Left until next time", &self.deferred, "none"),
            (
                "Still to judge",
                &self.left,
                "none: every statement is judged or deferred",
            ),
        ];
        let mut target = self.spread.len();
        for (heading, items, empty) in sections {
            lines.push(Line::from(""));
            lines.push(Line::styled(
                format!(" {heading} ({})", items.len()),
                theme.strong(),
            ));
            if items.is_empty() {
                lines.push(Line::styled(format!("   {empty}"), theme.dim()));
            }
            for item in items {
                let selected = target == self.selected;
                let marker = if selected { " ▶ " } else { "   " };
                let tag = match item.level {
                    Some(l) => format!("[{l} {}] ", scale.label(l).unwrap_or_default()),
                    None => String::new(),
                };
                positions.push(lines.len());
                let head = format!("{:>2}. {tag}", item.index + 1);
                let indent = 3 + head.chars().count();
                let body = wrap(&item.text, width.saturating_sub(indent).max(10));
                for (n, part) in body.iter().enumerate() {
                    let mut spans = if n == 0 {
                        vec![
                            Span::raw(marker),
                            Span::styled(format!("{:>2}. ", item.index + 1), theme.dim()),
                            Span::styled(tag.clone(), theme.weak()),
                        ]
                    } else {
                        vec![Span::raw(" ".repeat(indent))]
                    };
                    spans.push(Span::raw(part.clone()));
                    let mut line = Line::from(spans);
                    if selected {
                        line = line.patch_style(theme.selected());
                    }
                    lines.push(line);
                }
                if !item.note.is_empty() {
                    let label = if item.level.is_some() {
                        "Rationale: "
                    } else {
                        "Note: "
                    };
                    let revealed = selected && self.revealed == Some(self.selected);
                    let text = shown(&item.note, item.confidential, revealed, HIDDEN);
                    let note = format!("{label}{text}");
                    for part in wrap(&note, width.saturating_sub(indent).max(10)) {
                        lines.push(Line::from(vec![
                            Span::raw(" ".repeat(indent)),
                            Span::styled(part, theme.dim()),
                        ]));
                    }
                }
                target += 1;
            }
        }
        if !self.removed.is_empty() {
            lines.push(Line::from(""));
            lines.push(Line::styled(
                format!(
                    " No longer in the tool (version {} removed {})",
                    self.tool.version,
                    self.removed.len()
                ),
                theme.strong(),
            ));
            for r in &self.removed {
                for part in wrap(
                    &format!("{} › {}", r.aspect, r.text),
                    width.saturating_sub(5).max(10),
                ) {
                    lines.push(Line::styled(format!("   {part}"), theme.dim()));
                }
            }
        }
        (lines, positions)
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        render_selectable(frame, area, self.selected, &self.offset, |width| {
            self.lines(theme, width)
        });
    }
}
