//! The walk's view: the statement, the scale, last cycle, the plan, the
//! notes and the overlays, as a function of the walk's state.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{Mode, Walk};
use crate::domain::evaluation::{progress, Judgement, Mark, TextField};
use crate::store::Revision;
use crate::text::wrap::shorten;
use crate::tui::screens::home::progress_bar;
use crate::tui::theme::Theme;
use crate::tui::widgets::confidential::{shown, HIDDEN};
use crate::tui::widgets::fuzzy::pick_row;
use crate::tui::widgets::layout::{centered, popup};
use crate::tui::widgets::note_box::{self, NoteBox};
use crate::tui::widgets::wrap_line::{wrap_line, wrap_lines};
use unicode_width::UnicodeWidthStr;

/// The walk's widest and the notes' tallest, for readability on big screens.
const MAX_WIDTH: u16 = 120;
const NOTES_MAX_ROWS: u16 = 24;
/// From this many rows a screen is tall.
const TALL: u16 = 36;
const NOTES_MIN_ROWS: u16 = 6;

impl Walk {
    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let Some(here) = self.tool.statement(self.index) else {
            return;
        };
        let judgement = self.current();
        let mark = judgement.mark();
        // Long lines are hard to read on a shared screen: keep to 120 columns.
        let area = centered(area, MAX_WIDTH, area.height);
        let width = area.width.saturating_sub(2).max(1);
        // Each text wrapped once: the rows counted here are the rows drawn.
        let columns = usize::from(width);
        let statement_lines = wrap_line(
            &Line::styled(here.statement.text.clone(), theme.strong()),
            columns,
        );
        let statement_rows = rows_of(&statement_lines).min(6);
        let guidance = here.statement.guidance.as_deref().unwrap_or("");
        let guidance_lines = if guidance.is_empty() {
            Vec::new()
        } else {
            wrap_line(
                &Line::from(vec![
                    Span::styled("Guidance: ", theme.key()),
                    Span::styled(guidance.to_string(), theme.dim()),
                ]),
                columns,
            )
        };
        let guidance_rows = rows_of(&guidance_lines).min(4);
        let scale_lines = wrap_line(&self.scale_line(mark, theme), columns);
        let scale_rows = rows_of(&scale_lines).min(3);
        let earlier_lines = self
            .earlier_line(theme)
            .map(|l| wrap_line(&l, columns))
            .unwrap_or_default();
        let earlier_rows = rows_of(&earlier_lines).min(2);
        let plan_lines = self.plan_lines(usize::from(width), theme);
        // The notes sit on the progress line with a height set by the screen,
        // not by the statement: as statements of other lengths come and go
        // they stay put, so moving on redraws only what changed. Only a
        // statement too long to fit above them takes rows from them.
        //
        // Above them: crumb, context, blank, statement, guidance, blank,
        // scale, state, last time, plan; the progress line goes under them.
        let mut rows = [
            1,
            1,
            1,
            statement_rows,
            guidance_rows,
            1,
            scale_rows,
            1,
            earlier_rows,
            plan_lines.len() as u16,
        ];
        let notes_rows = notes_rows(area.height, rows.iter().sum::<u16>() + 1);
        // On a screen too short for all of it, the notes keep their rows
        // (the text being typed is always seen) and the rest gives way:
        // blank lines first, then guidance, the plan, last time, the
        // context line, and the statement down to its first line.
        let room = area.height.saturating_sub(notes_rows + 1);
        for (slot, least) in [
            (2, 0),
            (5, 0),
            (4, 0),
            (9, 0),
            (8, 0),
            (1, 0),
            (3, 1),
            (6, 1),
        ] {
            let total: u16 = rows.iter().sum();
            if total <= room {
                break;
            }
            rows[slot] = rows[slot]
                .saturating_sub(total - room)
                .max(least.min(rows[slot]));
        }
        let [crumb, context, _, statement, guidance_area, _, scale, state, earlier_area, plan_area, gap, notes, progress_area] =
            Layout::vertical([
                Constraint::Length(rows[0]),
                Constraint::Length(rows[1]),
                Constraint::Length(rows[2]),
                Constraint::Length(rows[3]),
                Constraint::Length(rows[4]),
                Constraint::Length(rows[5]),
                Constraint::Length(rows[6]),
                Constraint::Length(rows[7]),
                Constraint::Length(rows[8]),
                Constraint::Length(rows[9]),
                Constraint::Fill(1),
                Constraint::Length(notes_rows),
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
                    " {}",
                    shorten(&self.evaluation.context(), usize::from(width))
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
        frame.render_widget(Paragraph::new(statement_lines), inset(statement));
        if guidance_rows > 0 {
            frame.render_widget(Paragraph::new(guidance_lines), inset(guidance_area));
        }
        frame.render_widget(Paragraph::new(scale_lines), inset(scale));
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
        if earlier_rows > 0 {
            frame.render_widget(Paragraph::new(earlier_lines), inset(earlier_area));
        }
        frame.render_widget(Paragraph::new(plan_lines), inset(plan_area));
        // A tall screen has room for the cycles before last time.
        if gap.height >= 3 {
            let older = self.older_lines(usize::from(width), theme);
            if !older.is_empty() {
                let [_, list] =
                    Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(gap);
                frame.render_widget(Paragraph::new(older), inset(list));
            }
        }
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
                    let text = shown(&j.rationale, j.confidential, self.is_revealed(), HIDDEN);
                    spans.push(Span::styled(format!(" — {text}"), theme.dim()));
                }
            }
            None => {
                spans.push(Span::styled("left until next time", theme.strong()));
                if !j.defer_note.is_empty() {
                    let text = shown(&j.defer_note, j.confidential, self.is_revealed(), HIDDEN);
                    spans.push(Span::styled(format!(" — {text}"), theme.dim()));
                }
            }
        }
        Some(Line::from(spans))
    }

    /// One line for each cycle before last time that judged the current
    /// statement, newest first, headed; empty when there are none.
    fn older_lines(&self, width: usize, theme: &Theme) -> Vec<Line<'static>> {
        let key = self.key_here();
        let mut lines = Vec::new();
        for (e, judgements) in &self.older {
            let Some(j) = judgements.get(key) else {
                continue;
            };
            let (said, note, style) = match j.mark() {
                Mark::Judged(level) => (
                    format!("{level} {}", self.tool.scale.label(level).unwrap_or("?")),
                    &j.rationale,
                    theme.level(level, self.tool.scale.len(), self.tool.scale.weak_up_to),
                ),
                Mark::Deferred => (
                    "left until next time".to_string(),
                    &j.defer_note,
                    theme.dim(),
                ),
                Mark::Open => continue,
            };
            let note = if note.is_empty() {
                String::new()
            } else {
                format!(
                    " — {}",
                    shown(note, j.confidential, self.is_revealed(), HIDDEN)
                )
            };
            let lead = format!("{:<12} ", e.cycle);
            let room = width.saturating_sub(lead.width() + said.width());
            lines.push(Line::from(vec![
                Span::styled(lead, theme.dim()),
                Span::styled(said, style),
                Span::styled(shorten(&note, room), theme.dim()),
            ]));
        }
        if !lines.is_empty() {
            lines.insert(0, Line::styled("Before that:", theme.key()));
        }
        lines
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
                        let note = shown(&c.note, c.confidential, self.is_revealed(), HIDDEN);
                        state.push_str(&format!(": {note}"));
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
        let first = if judgement.deferred || self.mode == Mode::Edit(TextField::DeferNote) {
            TextField::DeferNote
        } else {
            TextField::Rationale
        };
        // Two boxes need six rows to show a line of text each; with fewer,
        // only the box being typed into (or the first) is shown, whole, so
        // no text is ever typed into a box that cannot be seen.
        let boxes: Vec<(TextField, Rect)> = if area.height < 6 {
            let shown = match self.mode {
                Mode::Edit(field) => field,
                _ => first,
            };
            vec![(shown, area)]
        } else {
            let evidence_rows = (area.height / 3).clamp(3, 5);
            let [top, bottom] =
                Layout::vertical([Constraint::Min(3), Constraint::Length(evidence_rows)])
                    .areas(area);
            vec![(first, top), (TextField::Evidence, bottom)]
        };
        for (field, rect) in boxes {
            let title = match field {
                TextField::Rationale => "Rationale",
                TextField::DeferNote => "Why it is left until next time (optional)",
                TextField::Evidence => "Evidence next time: how could we know better?",
            };
            let placeholder = match field {
                TextField::Evidence => "press e to add",
                _ => "press Enter to type",
            };
            let editing =
                (self.mode == Mode::Edit(field)).then_some((&self.editor, self.has_unsaved()));
            // Notes carried forward from a confidential judgement were not
            // typed in this meeting: hidden like last cycle's, until `v`.
            let carried_secret =
                judgement.confidential && judgement.carried_from.is_some() && editing.is_none();
            let note = NoteBox {
                title,
                text: shown(
                    field.get(judgement),
                    carried_secret,
                    self.is_revealed(),
                    HIDDEN,
                ),
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
                    usize::from(list.width),
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
        let rows = wrap_lines(&lines, usize::from(inner.width));
        frame.render_widget(Paragraph::new(rows), inner);
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

/// Rows for the notes on a screen `height` rows tall whose other parts
/// need `above` rows: a third of the screen, half on a tall one (6 to 24
/// rows), whatever the statement, less only what a long statement needs,
/// and never under the three that show one box with a line of text.
fn notes_rows(height: u16, above: u16) -> u16 {
    // A tall screen gives the notes half its rows: room to write.
    let share = if height >= TALL {
        height / 2
    } else {
        height / 3
    };
    let settled = share.clamp(NOTES_MIN_ROWS, NOTES_MAX_ROWS);
    settled
        .min(height.saturating_sub(above))
        .max(3)
        .min(height.saturating_sub(1))
}

/// Rows that wrapped lines take.
fn rows_of(lines: &[Line]) -> u16 {
    u16::try_from(lines.len()).unwrap_or(u16::MAX)
}
