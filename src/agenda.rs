//! The check-in agenda: open actions due or overdue for a check, with where
//! they belong, filtered by owner or checker. Shared by `headway checkin
//! --list` and the check-in screen.

use jiff::civil::Date;

use crate::domain::plan::{check_state, next_check, CheckState, DueCheck, DUE_WINDOW_DAYS};
use crate::store::{DueRow, PlanRow, Store, StoreError};

/// Whose actions to show; names match case-insensitively, in part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub owner: Option<String>,
    pub checker: Option<String>,
}

impl Filter {
    pub fn keeps(&self, owner: &str, checker: &str) -> bool {
        // Case and accents aside, as the finder matches: "zoe" finds Zoë.
        let plain = |text: &str| crate::text::folded(text.trim());
        let has = |field: &str, want: &Option<String>| {
            want.as_ref()
                .is_none_or(|w| plain(field).contains(&plain(w)))
        };
        has(owner, &self.owner) && has(checker, &self.checker)
    }

    pub fn describe(&self) -> String {
        match (&self.owner, &self.checker) {
            (None, None) => String::new(),
            (Some(o), None) => format!("owner {o}"),
            (None, Some(c)) => format!("checker {c}"),
            (Some(o), Some(c)) => format!("owner {o}, checker {c}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgendaItem {
    pub row: PlanRow,
    pub check: DueCheck,
}

/// The last day whose checks are listed as due today.
fn horizon(today: Date) -> Date {
    today
        .checked_add(jiff::Span::new().days(DUE_WINDOW_DAYS))
        .unwrap_or(Date::MAX)
}

/// The actions due or overdue for a check, most overdue first, as ids: the
/// check-in screen reads each one's details when the meeting reaches it.
pub fn agenda_ids(store: &Store, today: Date, filter: &Filter) -> Result<Vec<i64>, StoreError> {
    Ok(store
        .due_actions(horizon(today))?
        .into_iter()
        .filter(|d| filter.keeps(&d.owner, &d.checker))
        .map(|d| d.id)
        .collect())
}

/// One action of the agenda, read whole, with its check as the domain
/// works it out; `None` if it is no longer in a plan.
pub fn agenda_item(
    store: &Store,
    today: Date,
    action: i64,
) -> Result<Option<AgendaItem>, StoreError> {
    Ok(store.plan_row(action)?.map(|row| item_of(row, today)))
}

/// A plan row with its check as the domain works it out.
fn item_of(row: PlanRow, today: Date) -> AgendaItem {
    let next = next_check(&row.action, row.last_check_in.as_ref().map(|c| c.on), today);
    let check = DueCheck {
        action: row.action.clone(),
        next,
        state: check_state(next, today),
    };
    AgendaItem { row, check }
}

/// "overdue 3 days", "due today", "due in 4 days".
pub fn when(state: CheckState) -> String {
    match state {
        CheckState::Overdue(1) => "overdue 1 day".into(),
        CheckState::Overdue(n) => format!("overdue {n} days"),
        CheckState::Due(0) => "due today".into(),
        CheckState::Due(1) => "due tomorrow".into(),
        CheckState::Due(n) | CheckState::NotYet(n) => format!("due in {n} days"),
    }
}

/// How many bytes of the agenda are gathered before each write.
const LIST_CHUNK: usize = 64 * 1024;

/// Writes the agenda as plain text, for a meeting, as one query reads it:
/// memory follows one chunk of text, however long the agenda.
pub fn write_text(
    store: &Store,
    today: Date,
    filter: &Filter,
    out: &mut dyn FnMut(&str),
) -> Result<(), StoreError> {
    let count = agenda_ids(store, today, filter)?.len();
    out(&heading(count, today, filter));
    let mut text = String::new();
    store.for_each_due(horizon(today), &mut |row| {
        let a = &row.action;
        if !filter.keeps(&a.owner, &a.checker) {
            return;
        }
        let next = next_check(a, row.last_check.map(|(on, _)| on), today);
        push_item(&mut text, &row, check_state(next, today));
        if text.len() >= LIST_CHUNK {
            out(&text);
            text.clear();
        }
    })?;
    out(&text);
    Ok(())
}

fn heading(count: usize, today: Date, filter: &Filter) -> String {
    let whose = filter.describe();
    let whose = if whose.is_empty() {
        String::new()
    } else {
        format!(" for {}", crate::text::clean_line(&whose))
    };
    if count == 0 {
        format!("No check-ins are due in the week from {today}{whose}.\n")
    } else {
        format!("Check-ins due in the week from {today}{whose}: {count}\n\n")
    }
}

fn push_item(out: &mut String, row: &DueRow, state: CheckState) {
    use std::fmt::Write;
    // Each value stays on its line: a line break stored in a title cannot
    // make a line of its own that looks like another check.
    let one = |text: &str| crate::text::clean_line(text);
    let or_dash = |text: &str| {
        if text.is_empty() {
            "-".into()
        } else {
            one(text)
        }
    };
    let a = &row.action;
    let _ = writeln!(
        out,
        "{:<16} {} · {} ({} · {})",
        when(state),
        one(&a.title),
        one(&row.school),
        one(&row.scope),
        one(&row.cycle)
    );
    let last = match row.last_check {
        Some((on, rag)) => format!("last check {on} {}", rag.as_str()),
        None => "not checked yet".into(),
    };
    let _ = writeln!(
        out,
        "{:16} owner {} · checker {} · {} · {}",
        "",
        or_dash(&a.owner),
        or_dash(&a.checker),
        a.cadence.as_str(),
        last
    );
    if !a.impact_check.is_empty() {
        let _ = writeln!(out, "{:16} check: {}", "", one(&a.impact_check));
    }
}
