//! The walk: one statement at a time. A digit judges, the rationale is
//! typed straight away, Enter saves and moves on. Every change is committed
//! to the store as it is made.

mod keys;
mod view;

pub use keys::{key_to_msg, Mode, Msg};

use std::rc::Rc;

use crossterm::event::KeyEvent;

use std::collections::HashMap;

use crate::domain::evaluation::{Evaluation, Judgement, Judgements, Mark, TextField};
use crate::domain::plan::CheckIn;
use crate::domain::series::{version_changes, walk_order, VersionChanges};
use crate::domain::tool::Tool;
use crate::store::{PlanRow, Revision, Store, StoreError};
use crate::tui::nav::{Ctx, Nav};
use crate::tui::recovery::{Place, Unsaved};
use crate::tui::widgets::input::TextInput;

/// The cycle this evaluation builds on.
struct Earlier {
    evaluation: Evaluation,
    judgements: Judgements,
    /// Set when this cycle uses a newer tool version than the earlier one.
    changes: Option<VersionChanges>,
}

/// An action from the plan that addresses a statement, with its latest
/// check-ins (newest first).
struct PlanLink {
    row: PlanRow,
    check_ins: Vec<CheckIn>,
}

/// A change the store refused just before a text box opened: it is tried
/// again with the text, so the box opens and typing never runs commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    Level(u8),
    Defer,
}

/// How many cycles before the earlier one the walk reads, for tall screens.
const OLDER_CYCLES: usize = 10;

pub struct Walk {
    evaluation: Evaluation,
    tool: Rc<Tool>,
    keys: Vec<String>,
    judgements: Judgements,
    earlier: Option<Earlier>,
    /// The cycles before the earlier one, newest first (a few): shown on a
    /// tall screen, where there is room for the statement's whole story.
    older: Vec<(Evaluation, Judgements)>,
    plan: HashMap<String, Vec<PlanLink>>,
    /// Statement indices in the order the walk visits them.
    order: Vec<usize>,
    index: usize,
    mode: Mode,
    editor: TextInput,
    /// False until the first save of the current editing session succeeds:
    /// that save keeps the replaced value in the history.
    edit_saved: bool,
    /// True when the editor holds text the store has not accepted yet.
    unsaved: bool,
    /// A level or deferral not saved yet, tried again with the text.
    pending: Option<Pending>,
    jump_query: TextInput,
    jump_matches: Vec<(usize, Vec<usize>)>,
    jump_chosen: usize,
    history: Vec<Revision>,
    /// The statement whose confidential notes from earlier are shown
    /// (after `v`); moving to another statement hides them again.
    revealed: Option<usize>,
    /// Each statement's judgement before a level, deferral, clearing or
    /// carry made in this walk, newest last: `u` puts the last one back.
    undo: Vec<(usize, Judgement)>,
}

impl Walk {
    /// Opens an evaluation at `index`, or where it was left off.
    pub fn open(store: &Store, evaluation: i64, index: Option<usize>) -> Result<Walk, StoreError> {
        let evaluation = store.evaluation(evaluation)?;
        let tool = store.tool(&evaluation.tool_id, evaluation.tool_version)?;
        let judgements = store.judgements(evaluation.id)?;
        let series = store.series(evaluation.school_id, &evaluation.tool_id, &evaluation.scope)?;
        let mut before: Vec<Evaluation> = series
            .into_iter()
            .take_while(|e| e.id != evaluation.id)
            .collect();
        let previous = before.pop();
        let mut older = Vec::new();
        for e in before.into_iter().rev().take(OLDER_CYCLES) {
            let judgements = store.judgements(e.id)?;
            older.push((e, judgements));
        }
        let earlier = match previous {
            Some(before) => {
                let old_tool = store.tool(&before.tool_id, before.tool_version)?;
                Some(Earlier {
                    judgements: store.judgements(before.id)?,
                    changes: (old_tool.version != tool.version)
                        .then(|| version_changes(&old_tool, &tool)),
                    evaluation: before,
                })
            }
            None => None,
        };
        let order = walk_order(&tool, earlier.as_ref().map(|e| &e.judgements));
        let plan = plan_links(store, &evaluation)?;
        let keys = tool.statement_keys();
        let count = tool.statement_count();
        let first_open = order.iter().copied().find(|&i| {
            judgements
                .get(&keys[i])
                .map(Judgement::mark)
                .unwrap_or(Mark::Open)
                == Mark::Open
        });
        let index = index
            .or(first_open)
            .or(order.first().copied())
            .unwrap_or(0)
            .min(count.saturating_sub(1));
        Ok(Walk {
            keys,
            earlier,
            older,
            plan,
            order,
            evaluation,
            tool,
            judgements,
            index,
            mode: Mode::Browse,
            editor: TextInput::default(),
            edit_saved: false,
            unsaved: false,
            pending: None,
            jump_query: TextInput::default(),
            jump_matches: Vec::new(),
            jump_chosen: 0,
            history: Vec::new(),
            revealed: None,
            undo: Vec::new(),
        })
    }

    pub fn evaluation_id(&self) -> i64 {
        self.evaluation.id
    }

    /// The text box open for typing, if any.
    pub fn editor_mut(&mut self) -> Option<&mut TextInput> {
        matches!(self.mode, Mode::Edit(_)).then_some(&mut self.editor)
    }

    pub fn index(&self) -> usize {
        self.index
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn is_typing(&self) -> bool {
        matches!(self.mode, Mode::Edit(_) | Mode::Jump)
    }

    /// True while something typed or chosen here is not in the store yet.
    pub fn has_unsaved(&self) -> bool {
        self.unsaved || self.pending.is_some()
    }

    /// The text the store has refused, and where it belongs, for the
    /// recovery file.
    pub fn unsaved(&self) -> Option<Unsaved> {
        let Mode::Edit(field) = self.mode else {
            return None;
        };
        if !self.has_unsaved() {
            return None;
        }
        let e = &self.evaluation;
        Some(Unsaved {
            place: self.place(field),
            label: format!(
                "{} · {} · {} · {}: statement {}, {}",
                e.school_name,
                self.tool.title,
                e.scope,
                e.cycle,
                self.index + 1,
                keys::field_name(field).to_lowercase()
            ),
            text: self.editor.text(),
        })
    }

    /// The field being edited, once text typed there has been saved.
    pub fn saved_here(&self) -> Option<Place> {
        match self.mode {
            Mode::Edit(field) if self.edit_saved && !self.has_unsaved() => Some(self.place(field)),
            _ => None,
        }
    }

    fn place(&self, field: TextField) -> Place {
        Place::Judgement {
            evaluation: self.evaluation.id,
            statement: self.key_here().to_string(),
            field: field.column().to_string(),
            level: match self.pending {
                Some(Pending::Level(level)) => Some(level),
                _ => None,
            },
            defer: self.pending == Some(Pending::Defer),
        }
    }

    /// True while the current statement's confidential notes are shown.
    fn is_revealed(&self) -> bool {
        self.revealed == Some(self.index)
    }

    fn key_here(&self) -> &str {
        &self.keys[self.index]
    }

    fn current(&self) -> Judgement {
        self.judgements
            .get(self.key_here())
            .cloned()
            .unwrap_or_default()
    }

    pub fn key(&mut self, key: KeyEvent, ctx: &mut Ctx) -> Nav {
        match key_to_msg(self.mode, self.tool.scale.len(), key) {
            Some(msg) => self.update(msg, ctx),
            None => Nav::Stay,
        }
    }

    pub fn paste(&mut self, text: &str, ctx: &mut Ctx) {
        match self.mode {
            Mode::Edit(field) if self.editor.paste(text) => {
                self.save_text(field, ctx);
            }
            Mode::Jump if self.jump_query.paste(text) => self.refilter_jump(),
            _ => {}
        }
    }

    /// Where the current statement sits in the walk's order.
    fn position(&self) -> usize {
        self.order
            .iter()
            .position(|&i| i == self.index)
            .unwrap_or(0)
    }

    fn is_last(&self) -> bool {
        self.position() + 1 >= self.order.len()
    }

    fn step(&mut self, forward: bool) {
        let pos = self.position();
        let pos = if forward {
            (pos + 1).min(self.order.len().saturating_sub(1))
        } else {
            pos.saturating_sub(1)
        };
        if let Some(&i) = self.order.get(pos) {
            self.index = i;
        }
    }

    /// The next statement in walk order neither judged nor deferred.
    fn next_open(&self) -> Option<usize> {
        let pos = self.position();
        let n = self.order.len();
        (1..=n).map(|step| self.order[(pos + step) % n]).find(|&i| {
            self.judgements
                .get(&self.keys[i])
                .map(Judgement::mark)
                .unwrap_or(Mark::Open)
                == Mark::Open
        })
    }

    /// The earlier cycle's judgement of the current statement, if any.
    fn earlier_here(&self) -> Option<(&Evaluation, &Judgement)> {
        let earlier = self.earlier.as_ref()?;
        let j = earlier.judgements.get(self.key_here())?;
        (j.mark() != Mark::Open).then_some((&earlier.evaluation, j))
    }

    fn is_new_here(&self) -> bool {
        self.earlier
            .as_ref()
            .and_then(|e| e.changes.as_ref())
            .is_some_and(|c| c.added.contains(self.key_here()))
    }
}

/// The school's accepted actions for this tool and scope, by the statements
/// they address.
fn plan_links(
    store: &Store,
    evaluation: &Evaluation,
) -> Result<HashMap<String, Vec<PlanLink>>, StoreError> {
    let mut links: HashMap<String, Vec<PlanLink>> = HashMap::new();
    for row in store.plan_rows(Some(evaluation.school_id))? {
        if row.scope != evaluation.scope || row.tool_id != evaluation.tool_id {
            continue;
        }
        let check_ins: Vec<CheckIn> = store
            .check_ins(row.action.id)?
            .into_iter()
            .take(2)
            .collect();
        for key in &row.action.statements {
            links.entry(key.clone()).or_default().push(PlanLink {
                row: row.clone(),
                check_ins: check_ins.clone(),
            });
        }
    }
    Ok(links)
}
