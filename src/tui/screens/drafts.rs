//! An evaluation's plan: drafts made from its weak statements, deferred
//! statements beside them, and the accepted actions. Nothing joins the plan
//! until it is accepted; discarded and merged drafts are kept, not erased.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::rc::Rc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Paragraph};
use ratatui::Frame;

use crate::domain::evaluation::{Evaluation, Judgements, Listed};
use crate::domain::plan::{
    draft_from_deferred, drafts_for_weak, merge, priority_warning, undrafted_deferred, Action,
    Drafting, Stage, Status,
};
use crate::domain::tool::Tool;
use crate::store::{ActionField, Store, StoreError, PRIORITY_LIMIT_KEY};
use crate::text::wrap::wrap;
use crate::tui::nav::{Ctx, Nav};
use crate::tui::theme::Theme;
use crate::tui::widgets::confidential::{shown, HIDDEN};
use crate::tui::widgets::fit::{fit, Part};
use crate::tui::widgets::help::KeyHelp;
use crate::tui::widgets::input::TextInput;
use crate::tui::widgets::layout::{popup, render_scrolled};

const HELP: &[KeyHelp] = &[
    ("↑ ↓", "move"),
    (
        "Enter / e",
        "edit the action (owner, dates, success criteria...)",
    ),
    ("a", "accept a draft into the plan"),
    ("m", "mark drafts to merge (press on each)"),
    ("M", "merge the marked drafts into the first"),
    (
        "x",
        "discard a draft, or drop an accepted action (asks first)",
    ),
    ("u", "bring a discarded draft back"),
    ("D", "on a deferred statement: draft an action for it"),
    ("L", "change the limit of open priorities"),
    ("v", "show or hide a confidential note"),
    ("q / Esc", "back to the summary"),
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Row {
    Draft(usize),
    Deferred(usize),
    Accepted(usize),
    Discarded(usize),
}

enum Mode {
    Browse,
    ConfirmDrop(i64),
    Limit(Box<TextInput>),
}

pub struct Drafts {
    evaluation: Evaluation,
    tool: Rc<Tool>,
    judgements: Judgements,
    actions: Vec<Action>,
    deferred: Vec<Listed>,
    limit: usize,
    /// Open priorities in the school's whole plan, every cycle.
    open_in_school: usize,
    rows: Vec<Row>,
    selected: usize,
    marked: BTreeSet<i64>,
    /// The draft discarded last on this screen: `u` brings it back from
    /// wherever the selection is.
    last_discarded: Option<i64>,
    offset: Cell<usize>,
    mode: Mode,
    /// `v` on a deferred statement with a confidential note shows it until
    /// the selection moves.
    revealed: Option<usize>,
}

impl Drafts {
    /// Opens the plan of an evaluation; with `draft` true, first drafts an
    /// action for each weak statement the plan does not yet address.
    /// Opens the drafts of an evaluation; with `draft`, first drafts from
    /// the weak statements nothing addresses yet, and says what it did.
    pub fn open(
        store: &mut Store,
        evaluation: i64,
        draft: bool,
    ) -> Result<(Drafts, Option<String>), StoreError> {
        let e = store.evaluation(evaluation)?;
        let tool = store.tool(&e.tool_id, e.tool_version)?;
        let judgements = store.judgements(evaluation)?;
        let mut said = None;
        if draft {
            let drafting = drafts_for_weak(
                &tool,
                &judgements,
                &store.actions(evaluation)?,
                &store.live_statements(e.school_id)?,
            );
            store.add_drafts(evaluation, &drafting.seeds)?;
            said = Some(describe(&drafting));
        }
        let mut screen = Drafts {
            evaluation: e,
            tool,
            judgements,
            actions: Vec::new(),
            deferred: Vec::new(),
            limit: store.priority_limit()?,
            open_in_school: 0,
            rows: Vec::new(),
            selected: 0,
            marked: BTreeSet::new(),
            last_discarded: None,
            offset: Cell::new(0),
            mode: Mode::Browse,
            revealed: None,
        };
        screen.reload(store)?;
        Ok((screen, said))
    }

    pub fn evaluation_id(&self) -> i64 {
        self.evaluation.id
    }

    /// Back from a child screen (or drafting again): the same action
    /// selected wherever it now falls, and the same drafts marked.
    pub fn keep_selection(&mut self, old: &Drafts) {
        let wanted = old.selected_action().map(|a| a.id);
        let found = wanted.and_then(|id| self.row_of(id));
        self.selected = match (wanted, found) {
            (Some(_), Some(pos)) => pos,
            _ => old.selected.min(self.rows.len().saturating_sub(1)),
        };
        self.marked = old
            .marked
            .iter()
            .copied()
            .filter(|id| {
                self.actions
                    .iter()
                    .any(|a| a.id == *id && a.stage == Stage::Draft)
            })
            .collect();
    }

    /// Reads the plan again, the selection staying on its row, so that
    /// after accepting or discarding a draft the next one is selected.
    fn reload(&mut self, store: &Store) -> Result<(), StoreError> {
        self.reload_at(store, None)
    }

    /// The row listing action `id`, if one does.
    fn row_of(&self, id: i64) -> Option<usize> {
        self.rows.iter().position(|row| match row {
            Row::Draft(i) | Row::Accepted(i) | Row::Discarded(i) => {
                self.actions.get(*i).is_some_and(|a| a.id == id)
            }
            Row::Deferred(_) => false,
        })
    }

    /// Reads the plan again, selecting action `on` if it is still listed.
    fn reload_at(&mut self, store: &Store, on: Option<i64>) -> Result<(), StoreError> {
        self.actions = store.actions(self.evaluation.id)?;
        self.open_in_school = store.open_priorities(self.evaluation.school_id)?;
        self.deferred = undrafted_deferred(&self.tool, &self.judgements, &covered(&self.actions));
        let by = |stage: Stage| {
            self.actions
                .iter()
                .enumerate()
                .filter(move |(_, a)| a.stage == stage)
                .map(|(i, _)| i)
        };
        let mut rows: Vec<Row> = by(Stage::Draft).map(Row::Draft).collect();
        rows.extend((0..self.deferred.len()).map(Row::Deferred));
        rows.extend(by(Stage::Accepted).map(Row::Accepted));
        rows.extend(by(Stage::Discarded).map(Row::Discarded));
        self.rows = rows;
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
        if let Some(at) = on.and_then(|id| self.row_of(id)) {
            self.selected = at;
        }
        self.marked.retain(|id| {
            self.actions
                .iter()
                .any(|a| a.id == *id && a.stage == Stage::Draft)
        });
        Ok(())
    }

    fn open_count(&self) -> usize {
        self.open_in_school
    }

    fn selected_action(&self) -> Option<&Action> {
        match self.rows.get(self.selected)? {
            Row::Draft(i) | Row::Accepted(i) | Row::Discarded(i) => self.actions.get(*i),
            Row::Deferred(_) => None,
        }
    }

    pub fn is_typing(&self) -> bool {
        matches!(self.mode, Mode::Limit(_))
    }

    pub fn paste(&mut self, text: &str) {
        if let Mode::Limit(input) = &mut self.mode {
            input.paste(text);
        }
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        match &mut self.mode {
            Mode::ConfirmDrop(id) => {
                let id = *id;
                self.mode = Mode::Browse;
                if matches!(key.code, KeyCode::Char('y') | KeyCode::Char('Y')) {
                    self.change(
                        ctx,
                        id,
                        ActionField::Status,
                        Status::Dropped.as_str(),
                        "Dropped (kept in the record)",
                    );
                } else {
                    ctx.info("Nothing dropped.");
                }
                Nav::Stay
            }
            Mode::Limit(input) => {
                match key.code {
                    KeyCode::Esc => self.mode = Mode::Browse,
                    KeyCode::Enter => match input.text().trim().parse::<usize>() {
                        Ok(n) if (1..=50).contains(&n) => {
                            match ctx.store.set_setting(PRIORITY_LIMIT_KEY, &n.to_string()) {
                                Ok(()) => {
                                    self.limit = n;
                                    ctx.saved(&format!("Limit of {n} open priorities"));
                                }
                                Err(e) => ctx.failed("That change", e),
                            }
                            self.mode = Mode::Browse;
                        }
                        _ => ctx.error("The limit is a whole number from 1 to 50."),
                    },
                    _ => {
                        input.key(key);
                    }
                }
                Nav::Stay
            }
            Mode::Browse => self.browse_key(key, ctx),
        }
    }

    fn browse_key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        let last = self.rows.len().saturating_sub(1);
        if key.code != KeyCode::Char('v') {
            // Moving (or anything else) hides a shown confidential note.
            self.revealed = None;
        }
        match key.code {
            KeyCode::Char('v') => {
                self.revealed = match self.revealed {
                    Some(at) if at == self.selected => None,
                    _ => Some(self.selected),
                };
            }
            KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => self.selected = (self.selected + 1).min(last),
            KeyCode::Char('q') | KeyCode::Esc => {
                return Nav::Summary {
                    evaluation: self.evaluation.id,
                }
            }
            KeyCode::Enter | KeyCode::Char('e') => {
                if let Some(a) = self.selected_action() {
                    return Nav::Action {
                        id: a.id,
                        back: Box::new(Nav::Drafts {
                            evaluation: self.evaluation.id,
                            draft: false,
                        }),
                    };
                }
                if let Some(Row::Deferred(_)) = self.rows.get(self.selected) {
                    self.draft_deferred(ctx);
                }
            }
            KeyCode::Char('a') => match self.selected_action() {
                Some(a) if a.stage == Stage::Draft => {
                    let id = a.id;
                    match ctx.store.accept_action(id, ctx.today) {
                        Ok(()) => ctx.done("Accepted into the plan: e edits it"),
                        Err(e) => ctx.failed("That change", e),
                    }
                    // The selection follows the action into the plan, so
                    // `e` edits the one just accepted.
                    if let Err(e) = self.reload_at(ctx.store, Some(id)) {
                        ctx.failed("Reading it back", e);
                    }
                    if let Some(w) = priority_warning(self.open_count(), self.limit) {
                        ctx.info(w);
                    }
                }
                _ => ctx.info("Only a draft can be accepted."),
            },
            KeyCode::Char('x') => match self.selected_action() {
                Some(a) if a.stage == Stage::Draft => {
                    let id = a.id;
                    self.change(
                        ctx,
                        id,
                        ActionField::Stage,
                        Stage::Discarded.as_str(),
                        "Draft discarded (u brings it back)",
                    );
                    self.last_discarded = Some(id);
                }
                Some(a) if a.stage == Stage::Accepted && a.status != Status::Dropped => {
                    self.mode = Mode::ConfirmDrop(a.id);
                }
                _ => {}
            },
            KeyCode::Char('u') => {
                // The discarded draft selected, else the one discarded last.
                let chosen = match self.selected_action() {
                    Some(a) if a.stage == Stage::Discarded => Some(a.id),
                    _ => self.last_discarded.filter(|id| {
                        self.actions
                            .iter()
                            .any(|a| a.id == *id && a.stage == Stage::Discarded)
                    }),
                };
                match chosen {
                    Some(id) => {
                        self.change(
                            ctx,
                            id,
                            ActionField::Stage,
                            Stage::Draft.as_str(),
                            "Draft brought back",
                        );
                        self.last_discarded = None;
                        if let Some(at) = self.row_of(id) {
                            self.selected = at;
                        }
                    }
                    None => ctx.info("Choose a discarded draft to bring it back."),
                }
            }
            KeyCode::Char('m') => match self.selected_action().map(|a| (a.id, a.stage)) {
                Some((id, Stage::Draft)) => {
                    if !self.marked.remove(&id) {
                        self.marked.insert(id);
                    }
                }
                _ => ctx.info("Only drafts can be merged."),
            },
            KeyCode::Char('M') => self.merge_marked(ctx),
            KeyCode::Char('D') => self.draft_deferred(ctx),
            KeyCode::Char('L') => {
                self.mode = Mode::Limit(Box::new(TextInput::selected(&self.limit.to_string())));
            }
            _ => {}
        }
        Nav::Stay
    }

    fn change(&mut self, ctx: &mut Ctx, id: i64, field: ActionField, value: &str, what: &str) {
        match ctx.store.set_action_field(id, field, Some(value), true) {
            Ok(()) => ctx.done(what),
            Err(e) => ctx.failed("That change", e),
        }
        if let Err(e) = self.reload(ctx.store) {
            ctx.failed("Reading it back", e);
        }
    }

    fn merge_marked(&mut self, ctx: &mut Ctx) {
        let drafts: Vec<&Action> = self
            .actions
            .iter()
            .filter(|a| self.marked.contains(&a.id))
            .collect();
        if drafts.len() < 2 {
            ctx.info("Mark two or more drafts with m first.");
            return;
        }
        let Some(merged) = merge(&drafts) else {
            return;
        };
        match ctx.store.merge_drafts(&merged) {
            Ok(()) => ctx.saved(&format!("{} drafts merged into one", drafts.len())),
            Err(e) => ctx.failed("That change", e),
        }
        self.marked.clear();
        // The selection goes to the draft the others were merged into.
        if let Err(e) = self.reload_at(ctx.store, Some(merged.into)) {
            ctx.failed("Reading it back", e);
        }
    }

    fn draft_deferred(&mut self, ctx: &mut Ctx) {
        let Some(Row::Deferred(i)) = self.rows.get(self.selected) else {
            ctx.info("Choose a deferred statement to draft an action for it.");
            return;
        };
        let key = self.deferred[*i].key.clone();
        let Some(seed) = draft_from_deferred(&self.tool, &self.judgements, &key) else {
            return;
        };
        match ctx.store.add_drafts(self.evaluation.id, &[seed]) {
            Ok(_) => ctx.done("Draft made for the deferred statement"),
            Err(e) => ctx.failed("That change", e),
        }
        if let Err(e) = self.reload(ctx.store) {
            ctx.failed("Reading it back", e);
        }
    }

    pub fn help(&self) -> Vec<KeyHelp> {
        HELP.to_vec()
    }

    pub fn hints(&self) -> Vec<KeyHelp> {
        match self.mode {
            Mode::Browse => vec![
                ("a", "accept"),
                ("e", "edit"),
                ("m/M", "merge"),
                ("x", "discard"),
                ("q", "back"),
            ],
            Mode::ConfirmDrop(_) => vec![("y", "drop it"), ("any other key", "keep it")],
            Mode::Limit(_) => vec![("Enter", "set"), ("Esc", "cancel")],
        }
    }

    fn statement_numbers(&self, action: &Action) -> String {
        let keys = self.tool.statement_keys();
        let numbers: Vec<String> = action
            .statements
            .iter()
            .map(|k| match keys.iter().position(|x| x == k) {
                Some(i) => (i + 1).to_string(),
                None => "?".into(),
            })
            .collect();
        format!("statement {}", numbers.join(", "))
    }

    pub fn view(&self, frame: &mut Frame, area: Rect, theme: &Theme) {
        let open = self.open_count();
        let e = &self.evaluation;
        let width = usize::from(area.width);
        let mut head = vec![
            fit(
                vec![
                    Part::whole(" Plan from ", theme.title()),
                    Part::shrinks(self.tool.title.clone(), theme.dim(), 12),
                    Part::whole(" · ", theme.dim()),
                    Part::shrinks(e.school_name.clone(), theme.dim(), 12),
                    Part::whole(format!(" · {} · {}", e.scope, e.cycle), theme.dim()),
                ],
                width,
            ),
            Line::from(format!(" Open priorities: {open} (limit {})", self.limit)),
        ];
        // The warning is wrapped, never cut: it says why the plan is at risk.
        if let Some(w) = priority_warning(open, self.limit) {
            for (i, row) in wrap(&w, width.saturating_sub(3).max(1)).iter().enumerate() {
                let lead = if i == 0 { " ⚠ " } else { "   " };
                head.push(Line::styled(format!("{lead}{row}"), theme.error()));
            }
        }
        let head_rows = (head.len() as u16).max(3);
        let [header, list] =
            Layout::vertical([Constraint::Length(head_rows), Constraint::Min(1)]).areas(area);
        frame.render_widget(Paragraph::new(head), header);
        let block = Block::bordered().border_type(BorderType::Rounded);
        let inner = block.inner(list);
        frame.render_widget(block, list);
        let (lines, positions) = self.lines(theme, usize::from(inner.width));
        let wanted = positions.get(self.selected).copied().unwrap_or(0);
        render_scrolled(frame, inner, lines, wanted, &self.offset);
        match &self.mode {
            Mode::ConfirmDrop(_) => {
                let inner = popup(
                    frame,
                    area,
                    (56, 5),
                    "Drop this action?",
                    Some("y drop · any other key keep"),
                    theme,
                );
                frame.render_widget(
                    Paragraph::new("It stays in the record as dropped, with its check-ins."),
                    inner,
                );
            }
            Mode::Limit(input) => {
                let inner = popup(
                    frame,
                    area,
                    (56, 5),
                    "Open priorities before a warning",
                    Some("Enter set · Esc cancel"),
                    theme,
                );
                input.render(frame, inner, Block::new(), true);
            }
            Mode::Browse => {}
        }
    }

    fn lines(&self, theme: &Theme, width: usize) -> (Vec<Line<'static>>, Vec<usize>) {
        let mut lines = Vec::new();
        let mut positions = Vec::new();
        let heading = |lines: &mut Vec<Line<'static>>, text: String, empty: bool, hint: &str| {
            if !lines.is_empty() {
                lines.push(Line::from(""));
            }
            lines.push(Line::styled(text, theme.strong()));
            if empty {
                lines.push(Line::styled(format!("   {hint}"), theme.dim()));
            }
        };
        let count = |f: &dyn Fn(&Row) -> bool| self.rows.iter().filter(|r| f(r)).count();
        let mut section = None;
        for (pos, row) in self.rows.iter().enumerate() {
            let kind = std::mem::discriminant(row);
            if section != Some(kind) {
                section = Some(kind);
                let (title, n) = match row {
                    Row::Draft(_) => (
                        " Drafts: not in the plan until accepted",
                        count(&|r| matches!(r, Row::Draft(_))),
                    ),
                    Row::Deferred(_) => (
                        " Deferred statements (D drafts one)",
                        count(&|r| matches!(r, Row::Deferred(_))),
                    ),
                    Row::Accepted(_) => (" In the plan", count(&|r| matches!(r, Row::Accepted(_)))),
                    Row::Discarded(_) => (
                        " Discarded (u brings one back)",
                        count(&|r| matches!(r, Row::Discarded(_))),
                    ),
                };
                heading(&mut lines, format!("{title} ({n})"), false, "");
            }
            let selected = pos == self.selected;
            let marker = if selected { " ▶ " } else { "   " };
            let line = match row {
                Row::Deferred(i) => {
                    let d = &self.deferred[*i];
                    let note = if d.note.is_empty() {
                        String::new()
                    } else {
                        let revealed = self.revealed == Some(pos);
                        format!(" — {}", shown(&d.note, d.confidential, revealed, HIDDEN))
                    };
                    fit(
                        vec![
                            Part::whole(format!("{marker}{:>2}. ", d.index + 1), Style::new()),
                            Part::shrinks(d.text.clone(), Style::new(), 20),
                            Part::shrinks(note, theme.dim(), 12),
                        ],
                        width,
                    )
                }
                Row::Draft(i) | Row::Accepted(i) | Row::Discarded(i) => {
                    let a = &self.actions[*i];
                    let mark = if self.marked.contains(&a.id) {
                        "[m] "
                    } else {
                        ""
                    };
                    let detail = match row {
                        Row::Accepted(_) => format!(
                            "  {} · {} · due {} · {}",
                            if a.owner.is_empty() {
                                "no owner yet"
                            } else {
                                &a.owner
                            },
                            a.cadence.as_str(),
                            a.due.map(|d| d.to_string()).unwrap_or_else(|| "-".into()),
                            a.status.as_str()
                        ),
                        _ => format!("  ({})", self.statement_numbers(a)),
                    };
                    // The statement numbers and the owner are kept; the
                    // title gives way.
                    fit(
                        vec![
                            Part::whole(marker, Style::new()),
                            Part::whole(mark, theme.key()),
                            Part::shrinks(a.title.clone(), Style::new(), 16),
                            Part::shrinks(detail, theme.dim(), 24),
                        ],
                        width,
                    )
                }
            };
            positions.push(lines.len());
            lines.push(if selected {
                line.patch_style(theme.selected())
            } else {
                line
            });
        }
        if self.rows.is_empty() {
            heading(
                &mut lines,
                " Nothing here yet".into(),
                true,
                "No weak statements to draft from. q goes back to the summary.",
            );
        }
        (lines, positions)
    }
}

/// What drafting did, in a line: what it made and what it left alone.
fn describe(d: &Drafting) -> String {
    let made = match d.seeds.len() {
        0 => "No new drafts".to_string(),
        1 => "1 draft made from a weak statement".to_string(),
        n => format!("{n} drafts made from weak statements"),
    };
    let mut skipped = Vec::new();
    if d.already_drafted > 0 {
        skipped.push(format!("{} already drafted", d.already_drafted));
    }
    if d.in_plan > 0 {
        skipped.push(format!("{} already in the plan", d.in_plan));
    }
    if d.discarded > 0 {
        skipped.push(format!("{} discarded (u brings one back)", d.discarded));
    }
    match (skipped.is_empty(), d.seeds.is_empty()) {
        (true, true) => "No weak statements to draft from".into(),
        (true, false) => made,
        (false, _) => format!("{made}; left alone: {}", skipped.join(", ")),
    }
}

/// Statements already addressed by a draft or an accepted action.
fn covered(actions: &[Action]) -> Vec<String> {
    actions
        .iter()
        .filter(|a| matches!(a.stage, Stage::Draft | Stage::Accepted))
        .flat_map(|a| a.statements.iter().cloned())
        .collect()
}
