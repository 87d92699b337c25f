//! Home: every school, and under each its evaluations with progress.
//! Type `/` and a few letters to find a school among many.
//!
//! Schools and their evaluation counts are read at once; each school's
//! evaluations and progress only when its rows come near the screen, so
//! opening home costs what it shows, not what the file holds.

use std::cell::Cell;
use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use crate::domain::evaluation::Progress;
use crate::domain::plan::Stage;
use crate::domain::school::{clean_name, School};
use crate::store::{EvaluationListing, Link, Store};
use crate::text::wrap::shorten;
use crate::tui::nav::{Ctx, Nav, Status};
use crate::tui::theme::Theme;
use crate::tui::widgets::fit::{fit, Part};
use crate::tui::widgets::fuzzy;
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::layout::{centered, popup, scroll_offset};
use crate::tui::widgets::wrap_line::{wrap_line, wrap_lines};
use unicode_width::UnicodeWidthStr;

const HELP: &[KeyHelp] = &[
    ("↑ ↓", "move between schools and evaluations"),
    ("PgUp PgDn", "move ten rows at a time"),
    ("g / G", "first / last row (also Home / End)"),
    ("Enter", "open the evaluation (resumes where you left off)"),
    (
        "Enter",
        "on a school: resume its evaluation in progress, or start one",
    ),
    ("a", "add a school"),
    ("n", "new evaluation for the selected school"),
    ("s", "summary of the selected evaluation"),
    (
        "x",
        "remove the selected evaluation (asks first; it stays in the file)",
    ),
    ("c", "weekly check-in: the actions due for a check"),
    (
        "A",
        "across schools: weak aspects, weaknesses shared, plan health",
    ),
    (
        "p",
        "the selected school's plan: by aspect, owner or due date",
    ),
    (
        "S",
        "sync: send each linked school's changes to its partner, take theirs in",
    ),
    ("C", "conflicts: fields both copies changed, to settle"),
    ("/", "find a school by typing part of its name"),
    ("Esc", "clear the search"),
    ("?", "this help"),
    ("q", "quit (asks first if any text is not saved)"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Row {
    School(usize),
    /// The `nth` evaluation (newest first) of the school at this index.
    Evaluation {
        school: usize,
        nth: usize,
    },
}

/// Rows either side of the selection whose evaluations are kept read: more
/// than any terminal shows, so scrolling never meets an unread row.
const READ_AROUND: usize = 200;

enum Mode {
    Browse,
    Filter,
    AddSchool {
        input: Box<TextInput>,
        error: Option<String>,
    },
    /// Asking before removing an evaluation.
    Remove {
        evaluation: i64,
        school: i64,
        label: String,
    },
}

pub struct Home {
    schools: Vec<School>,
    /// How many evaluations each school has, by index in `schools`.
    counts: Vec<usize>,
    /// The evaluations of the schools read so far, by school id.
    listings: HashMap<i64, Vec<EvaluationListing>>,
    query: TextInput,
    rows: Vec<(Row, Vec<usize>)>,
    selected: usize,
    offset: Cell<usize>,
    mode: Mode,
    /// Schools linked to a partner copy, and the conflicts to settle.
    links: Vec<Link>,
    conflicts: usize,
}

/// When a link last exchanged, as a person reads it.
fn exchanged(at: Option<&str>) -> String {
    let Some(at) = at.and_then(|t| t.parse::<jiff::Timestamp>().ok()) else {
        return "never exchanged".into();
    };
    let local = at.to_zoned(jiff::tz::TimeZone::system());
    format!("exchanged {}", local.strftime("%-d %b %H:%M"))
}

impl Home {
    /// Loads the schools, selecting the evaluation `focus` if given, and
    /// the evaluations around the selection.
    pub fn load(store: &Store, focus: Option<i64>, status: &mut Status) -> Home {
        let (schools, counts) = match store.schools_with_counts() {
            Ok(found) => found.into_iter().unzip(),
            Err(e) => {
                *status = Status::Error(e.to_string());
                (Vec::new(), Vec::new())
            }
        };
        let links = store.links().unwrap_or_else(|e| {
            *status = Status::Error(e.to_string());
            Vec::new()
        });
        let conflicts = store.open_conflict_count().unwrap_or(0);
        let mut home = Home {
            links,
            conflicts,
            schools,
            counts,
            listings: HashMap::new(),
            query: TextInput::default(),
            rows: Vec::new(),
            selected: 0,
            offset: Cell::new(0),
            mode: Mode::Browse,
        };
        home.refilter();
        if let Some(id) = focus {
            home.select_evaluation(store, id);
        }
        home.read_around(store, status);
        home
    }

    /// Reads the evaluations of every school with rows near the selection
    /// that are not read yet.
    fn read_around(&mut self, store: &Store, status: &mut Status) {
        let from = self.selected.saturating_sub(READ_AROUND);
        let wanted: Vec<i64> = self
            .rows
            .iter()
            .skip(from)
            .take(2 * READ_AROUND)
            .map(|(row, _)| match row {
                Row::School(i) | Row::Evaluation { school: i, .. } => self.schools[*i].id,
            })
            .collect();
        for id in wanted {
            if self.listings.contains_key(&id) {
                continue;
            }
            match store.school_listings(id) {
                Ok(list) => {
                    self.listings.insert(id, list);
                }
                Err(e) => {
                    *status = Status::Error(e.to_string());
                    return;
                }
            }
        }
    }

    fn listing(&self, school: usize, nth: usize) -> Option<&EvaluationListing> {
        self.listings.get(&self.schools.get(school)?.id)?.get(nth)
    }

    fn select_evaluation(&mut self, store: &Store, id: i64) {
        let Ok(evaluation) = store.evaluation(id) else {
            return;
        };
        let Some(school) = self
            .schools
            .iter()
            .position(|s| s.id == evaluation.school_id)
        else {
            return;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) =
            self.listings.entry(evaluation.school_id)
        {
            if let Ok(list) = store.school_listings(evaluation.school_id) {
                slot.insert(list);
            }
        }
        let Some(nth) = self
            .listings
            .get(&evaluation.school_id)
            .and_then(|l| l.iter().position(|l| l.evaluation.id == id))
        else {
            return;
        };
        if let Some(pos) = self
            .rows
            .iter()
            .position(|(r, _)| *r == Row::Evaluation { school, nth })
        {
            self.selected = pos;
        }
    }

    /// Back from another screen: the same search, and the same school or
    /// evaluation selected wherever it now falls.
    pub fn keep_selection(&mut self, old: &Home, store: &Store, status: &mut Status) {
        self.query.set_text(&old.query.text());
        self.refilter();
        match old.selected_row() {
            Some(Row::Evaluation { school, nth }) => {
                if let Some(id) = old.listing(school, nth).map(|l| l.evaluation.id) {
                    self.select_evaluation(store, id);
                }
            }
            Some(Row::School(i)) => {
                if let Some(school) = old.schools.get(i) {
                    self.select_school(school.id);
                }
            }
            None => {}
        }
        self.read_around(store, status);
    }

    /// Selects the evaluation `id`, reading its school's rows if needed.
    pub fn focus(&mut self, store: &Store, id: i64, status: &mut Status) {
        self.select_evaluation(store, id);
        self.read_around(store, status);
    }

    fn select_school(&mut self, id: i64) {
        if let Some(pos) = self
            .rows
            .iter()
            .position(|(r, _)| matches!(r, Row::School(i) if self.schools[*i].id == id))
        {
            self.selected = pos;
        }
    }

    fn refilter(&mut self) {
        let names: Vec<&str> = self.schools.iter().map(|s| s.name.as_str()).collect();
        let hits = fuzzy::filter(&self.query.text(), &names);
        self.rows.clear();
        for (school, matched) in hits {
            self.rows.push((Row::School(school), matched));
            for nth in 0..self.counts[school] {
                self.rows
                    .push((Row::Evaluation { school, nth }, Vec::new()));
            }
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    pub fn is_typing(&self) -> bool {
        !matches!(self.mode, Mode::Browse)
    }

    fn selected_row(&self) -> Option<Row> {
        self.rows.get(self.selected).map(|(r, _)| *r)
    }

    fn selected_school(&self) -> Option<&School> {
        match self.selected_row()? {
            Row::School(i) | Row::Evaluation { school: i, .. } => self.schools.get(i),
        }
    }

    fn selected_listing(&self) -> Option<&EvaluationListing> {
        match self.selected_row()? {
            Row::Evaluation { school, nth } => self.listing(school, nth),
            Row::School(_) => None,
        }
    }

    pub fn paste(&mut self, text: &str) {
        match &mut self.mode {
            // A paste is no answer to "remove?".
            Mode::Browse | Mode::Remove { .. } => {}
            Mode::Filter => {
                if self.query.paste(text) {
                    self.refilter();
                }
            }
            Mode::AddSchool { input, .. } => {
                input.paste(text);
            }
        }
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        let nav = self.apply(key, ctx);
        self.read_around(ctx.store, ctx.status);
        nav
    }

    fn apply(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        match &mut self.mode {
            Mode::Filter => {
                match key.code {
                    KeyCode::Esc => {
                        self.query.set_text("");
                        self.mode = Mode::Browse;
                        self.refilter();
                    }
                    KeyCode::Enter | KeyCode::Down | KeyCode::Tab => {
                        self.mode = Mode::Browse;
                        self.selected = 0;
                    }
                    _ => {
                        if self.query.key(key) {
                            self.selected = 0;
                            self.refilter();
                        }
                    }
                }
                Nav::Stay
            }
            Mode::AddSchool { input, error } => {
                match key.code {
                    KeyCode::Esc => self.mode = Mode::Browse,
                    KeyCode::Enter => match clean_name(&input.text(), "school name") {
                        Err(e) => *error = Some(e),
                        Ok(name) => match ctx.store.add_school(&name) {
                            Err(e) => *error = Some(e.to_string()),
                            Ok(school) => {
                                ctx.saved(&format!("School \"{}\"", school.name));
                                let mut status = Status::None;
                                *self = Home::load(ctx.store, None, &mut status);
                                self.select_school(school.id);
                            }
                        },
                    },
                    _ => {
                        input.key(key);
                        *error = None;
                    }
                }
                Nav::Stay
            }
            Mode::Remove {
                evaluation,
                school,
                label,
            } => {
                let (evaluation, school, label) = (*evaluation, *school, label.clone());
                self.mode = Mode::Browse;
                if !matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                    ctx.info("Nothing removed.");
                    return Nav::Stay;
                }
                match ctx.store.remove_evaluation(evaluation) {
                    Ok(()) => {
                        let mut status = Status::None;
                        let old = std::mem::replace(self, Home::load(ctx.store, None, &mut status));
                        self.keep_selection(&old, ctx.store, &mut status);
                        self.select_school(school);
                        *ctx.status = Status::Saved(format!(
                            "Removed {label}; it stays in the file's history"
                        ));
                    }
                    // Refused for a reason (a plan hangs from it): said, and
                    // the screen goes on as before.
                    Err(crate::store::StoreError::Conflict(why)) => ctx.error(why),
                    Err(e) => ctx.failed("Removal", e),
                }
                Nav::Stay
            }
            Mode::Browse => self.browse_key(key, ctx),
        }
    }

    fn browse_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        let last = self.rows.len().saturating_sub(1);
        match key.code {
            KeyCode::Char('q') => return Nav::Quit,
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::PageUp => self.selected = self.selected.saturating_sub(10),
            KeyCode::PageDown => self.selected = (self.selected + 10).min(last),
            KeyCode::Home | KeyCode::Char('g') => self.selected = 0,
            KeyCode::End | KeyCode::Char('G') => self.selected = last,
            KeyCode::Char('/') => self.mode = Mode::Filter,
            KeyCode::Char('p') => match self.selected_school() {
                Some(s) => return Nav::Plan { school: s.id },
                None => ctx.info("Add a school first: press a."),
            },
            KeyCode::Char('c') => {
                return Nav::CheckIn {
                    filter: Default::default(),
                }
            }
            KeyCode::Char('A') if !self.schools.is_empty() => return Nav::Across,
            KeyCode::Char('C') => return Nav::Conflicts,
            KeyCode::Char('S') => {
                if self.links.is_empty() {
                    ctx.info("No school is linked to a partner copy yet: `headway share --school NAME FOLDER` links one.");
                    return Nav::Stay;
                }
                match crate::exchange::sync(ctx.store, None, None) {
                    Ok(done) => {
                        let mut status = Status::None;
                        let old = std::mem::replace(self, Home::load(ctx.store, None, &mut status));
                        self.keep_selection(&old, ctx.store, &mut status);
                        *ctx.status = if done.refused.is_empty() {
                            Status::Saved(done.summary())
                        } else {
                            Status::Error(done.summary())
                        };
                    }
                    Err(e) => ctx.error(format!("Not synced: {e}")),
                }
            }
            KeyCode::Esc => {
                self.query.set_text("");
                self.refilter();
            }
            KeyCode::Char('a') => {
                let mut input = TextInput::default();
                input.set_placeholder("e.g. Oakfield Primary");
                self.mode = Mode::AddSchool {
                    input: Box::new(input),
                    error: None,
                };
            }
            KeyCode::Char('n') => match self.selected_school() {
                Some(s) => return Nav::NewEvaluation { school_id: s.id },
                None => ctx.info("Add a school first: press a."),
            },
            KeyCode::Char('x') => match self.selected_listing() {
                Some(listing)
                    if ctx
                        .store
                        .actions(listing.evaluation.id)
                        .is_ok_and(|a| a.iter().any(|a| a.stage == Stage::Accepted)) =>
                {
                    ctx.error(
                        "This evaluation has actions in the school's plan, so it is not removed; drop them in the plan first.",
                    );
                }
                Some(listing) => {
                    let e = &listing.evaluation;
                    let p = listing.progress;
                    self.mode = Mode::Remove {
                        evaluation: e.id,
                        school: e.school_id,
                        label: format!(
                            "{} · {} · {} ({} of {} judged)",
                            listing.tool_title,
                            e.scope,
                            e.cycle,
                            p.judged,
                            p.judged + p.deferred + p.left
                        ),
                    };
                }
                None => ctx.info("Select an evaluation to remove it."),
            },
            KeyCode::Char('s') => match self.selected_listing() {
                Some(listing) => {
                    return Nav::Summary {
                        evaluation: listing.evaluation.id,
                    }
                }
                _ => ctx.info("Select an evaluation to see its summary."),
            },
            KeyCode::Enter => match self.selected_row() {
                Some(Row::Evaluation { school, nth }) => {
                    let Some(listing) = self.listing(school, nth) else {
                        return Nav::Stay;
                    };
                    let evaluation = listing.evaluation.id;
                    return if listing.progress.is_complete() {
                        Nav::Summary { evaluation }
                    } else {
                        Nav::Walk {
                            evaluation,
                            index: None,
                        }
                    };
                }
                Some(Row::School(i)) => {
                    // An evaluation in progress is resumed, never doubled:
                    // `n` starts another on purpose.
                    let school = self.schools[i].id;
                    let in_progress = self
                        .listings
                        .get(&school)
                        .and_then(|l| l.iter().find(|l| !l.progress.is_complete()));
                    return match in_progress {
                        Some(l) => Nav::Walk {
                            evaluation: l.evaluation.id,
                            index: None,
                        },
                        None => Nav::NewEvaluation { school_id: school },
                    };
                }
                None => {
                    let mut input = TextInput::default();
                    input.set_placeholder("e.g. Oakfield Primary");
                    self.mode = Mode::AddSchool {
                        input: Box::new(input),
                        error: None,
                    };
                }
            },
            _ => {}
        }
        Nav::Stay
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        match self.mode {
            Mode::Browse if self.schools.is_empty() => vec![("a", "add school"), ("q", "quit")],
            Mode::Browse => vec![
                ("Enter", "open"),
                ("a", "add school"),
                ("n", "new eval"),
                ("p", "plan"),
                ("c", "check-in"),
                ("A", "across"),
                ("S", "sync"),
                ("/", "find"),
                ("q", "quit"),
            ],
            Mode::Filter => vec![("Enter", "done"), ("Esc", "clear")],
            Mode::AddSchool { .. } => vec![("Enter", "add"), ("Esc", "cancel")],
            Mode::Remove { .. } => vec![("y", "remove"), ("any other key", "keeps it")],
        }
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let partners = self.partner_lines(theme, area.width as usize);
        let [title, strip, search, list] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(partners.len() as u16),
            Constraint::Length(
                if self.query.text().is_empty() && !matches!(self.mode, Mode::Filter) {
                    0
                } else {
                    1
                },
            ),
            Constraint::Min(1),
        ])
        .areas(area);
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(" headway ", theme.title()),
                Span::styled("· schools and evaluations", theme.dim()),
            ])),
            title,
        );
        frame.render_widget(Paragraph::new(partners), strip);
        if search.height > 0 {
            let cursor = if matches!(self.mode, Mode::Filter) {
                "▏"
            } else {
                ""
            };
            frame.render_widget(
                Paragraph::new(Line::from(vec![
                    Span::styled(" Find: ", theme.key()),
                    Span::raw(format!("{}{cursor}", self.query.text())),
                    Span::styled(
                        format!(
                            "   {} of {} schools",
                            self.count_schools(),
                            self.schools.len()
                        ),
                        theme.dim(),
                    ),
                ])),
                search,
            );
        }
        if self.schools.is_empty() {
            self.welcome(frame, list, theme);
        } else {
            self.list(frame, list, theme);
        }
        if let Mode::Remove { label, .. } = &self.mode {
            let inner = popup(
                frame,
                area,
                (64, 9),
                "Remove this evaluation?",
                Some("y remove · any other key keeps it"),
                theme,
            );
            let rows = wrap_lines(
                &[
                    Line::styled(label.clone(), theme.strong()),
                    Line::raw(""),
                    Line::raw(
                        "It will no longer be listed, found or reported. Its judgements stay in the file's history.",
                    ),
                ],
                usize::from(inner.width),
            );
            frame.render_widget(Paragraph::new(rows), inner);
        }
        if let Mode::AddSchool { input, error } = &self.mode {
            let inner = popup(
                frame,
                area,
                (60, 9),
                "Add a school",
                Some("Enter add · Esc cancel"),
                theme,
            );
            let [label, field, message] = Layout::vertical([
                Constraint::Length(1),
                Constraint::Length(1),
                Constraint::Min(1),
            ])
            .areas(inner);
            frame.render_widget(Paragraph::new("School name:"), label);
            input.render(frame, field, Block::new(), true);
            if let Some(e) = error {
                let rows = wrap_line(
                    &Line::styled(e.clone(), theme.error()),
                    usize::from(message.width),
                );
                frame.render_widget(Paragraph::new(rows), message);
            }
        }
    }

    /// One line for each linked school (three at most), and one for the
    /// conflicts waiting, if any.
    fn partner_lines(&self, theme: &Theme, width: usize) -> Vec<Line<'static>> {
        const SHOWN: usize = 3;
        let mut lines: Vec<Line<'static>> = self
            .links
            .iter()
            .take(SHOWN)
            .map(|l| {
                let mut text = format!(
                    "{} · {} · {} to send",
                    l.school,
                    exchanged(l.exchanged_at.as_deref()),
                    l.waiting
                );
                if !l.last_arrived.is_empty() {
                    text.push_str(&format!(" · last in: {}", l.last_arrived));
                }
                Line::from(vec![
                    Span::styled(" ⇄ ", theme.key()),
                    Span::styled(shorten(&text, width.saturating_sub(4)), theme.dim()),
                ])
            })
            .collect();
        if self.links.len() > SHOWN {
            lines.push(Line::styled(
                format!("   and {} more linked schools", self.links.len() - SHOWN),
                theme.dim(),
            ));
        }
        if self.conflicts > 0 {
            lines.push(Line::from(vec![
                Span::styled(" ! ", theme.warning()),
                Span::styled(
                    format!(
                        "{} conflict{} to settle: press C",
                        self.conflicts,
                        if self.conflicts == 1 { "" } else { "s" }
                    ),
                    theme.warning(),
                ),
            ]));
        }
        lines
    }

    fn count_schools(&self) -> usize {
        self.rows
            .iter()
            .filter(|(r, _)| matches!(r, Row::School(_)))
            .count()
    }

    fn welcome(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let lines = vec![
            Line::from(""),
            Line::styled("Welcome to headway.", theme.title()),
            Line::from(""),
            Line::from("headway keeps a school's self-evaluation in one place: you walk through a tool statement by statement, agree one judgement and a short rationale for each, and every word is saved as you type."),
            Line::from(""),
            Line::from(vec![
                Span::raw("Start by adding the first school: press "),
                Span::styled("a", theme.key()),
                Span::raw(". Then press "),
                Span::styled("n", theme.key()),
                Span::raw(" to start an evaluation with one of the tools that ship with headway."),
            ]),
            Line::from(""),
            Line::from(vec![
                Span::raw("Press "),
                Span::styled("?", theme.key()),
                Span::raw(" on any screen to see its keys."),
            ]),
        ];
        let inner = centered(area, 72, 12);
        let rows = wrap_lines(&lines, usize::from(inner.width));
        frame.render_widget(Paragraph::new(rows), inner);
    }

    fn list(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let block = Block::bordered().border_type(BorderType::Rounded);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if self.rows.is_empty() {
            frame.render_widget(
                Paragraph::new(Line::styled(
                    " No school matches. Esc clears the search.",
                    theme.dim(),
                )),
                inner,
            );
            return;
        }
        let height = usize::from(inner.height);
        let offset = scroll_offset(self.selected, self.offset.get(), height);
        self.offset.set(offset);
        let lines: Vec<Line> = self
            .rows
            .iter()
            .enumerate()
            .skip(offset)
            .take(height)
            .map(|(pos, (row, matched))| {
                let selected = pos == self.selected;
                let marker = if selected { "▶ " } else { "  " };
                let mut line = match row {
                    Row::School(i) => {
                        let school = &self.schools[*i];
                        let count = self.counts[*i];
                        let counted = match count {
                            0 => "   no evaluations yet: Enter starts one".to_string(),
                            1 => "   1 evaluation".to_string(),
                            n => format!("   {n} evaluations"),
                        };
                        // A name too long for the row is cut with an
                        // ellipsis, and the count is kept.
                        let room = usize::from(inner.width)
                            .saturating_sub(marker.width() + counted.width().min(16));
                        let name = if school.name.width() > room {
                            shorten(&school.name, room.max(8))
                        } else {
                            school.name.clone()
                        };
                        let left =
                            usize::from(inner.width).saturating_sub(marker.width() + name.width());
                        let counted = shorten(&counted, left.max(1));
                        let mut spans = vec![Span::raw(marker)];
                        spans.extend(fuzzy::highlight(&name, matched, theme.strong(), theme).spans);
                        spans.push(Span::styled(counted, theme.dim()));
                        Line::from(spans)
                    }
                    Row::Evaluation { school, nth } => {
                        let Some(l) = self.listing(*school, *nth) else {
                            return Line::styled(format!("{marker}   …"), theme.dim());
                        };
                        let e = &l.evaluation;
                        let bar = progress_bar(&l.progress, 10, theme);
                        let deferred = if l.progress.deferred > 0 {
                            format!("  ({} deferred)", l.progress.deferred)
                        } else {
                            String::new()
                        };
                        fit(
                            vec![
                                Part::whole(format!("{marker}   {:<12} ", e.cycle), Style::new()),
                                Part::whole(bar.content, bar.style),
                                Part::whole(
                                    format!(" {:>3}/{:<3} ", l.progress.judged, l.progress.total()),
                                    Style::new(),
                                ),
                                Part::shrinks(l.tool_title.clone(), Style::new(), 12),
                                Part::shrinks(format!(" · {}", e.scope), Style::new(), 16),
                                Part::whole(deferred, theme.dim()),
                            ],
                            usize::from(inner.width),
                        )
                    }
                };
                if selected {
                    line = line.patch_style(theme.selected());
                }
                line
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), inner);
    }
}

/// A small bar: judged ▰, deferred ▱ (dim), left ·.
pub fn progress_bar(p: &Progress, width: usize, theme: &Theme) -> Span<'static> {
    let total = p.total().max(1);
    let judged = p.judged * width / total;
    let deferred = (p.deferred * width).div_ceil(total).min(width - judged);
    let left = width - judged - deferred;
    let _ = theme;
    Span::raw(format!(
        "{}{}{}",
        "█".repeat(judged),
        "▒".repeat(deferred),
        "░".repeat(left)
    ))
}
