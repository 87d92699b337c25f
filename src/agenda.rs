//! The check-in agenda: open actions due or overdue for a check, with where
//! they belong, filtered by owner or checker. Shared by `headway checkin
//! --list` and the check-in screen.

use jiff::civil::Date;

use crate::domain::plan::{due_checks, CheckState, DueCheck, DUE_WINDOW_DAYS};
use crate::store::{PlanRow, Store, StoreError};

/// Whose actions to show; names match case-insensitively, in part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub owner: Option<String>,
    pub checker: Option<String>,
}

impl Filter {
    fn keeps(&self, row: &PlanRow) -> bool {
        let has = |field: &str, want: &Option<String>| {
            want.as_ref()
                .is_none_or(|w| field.to_lowercase().contains(&w.trim().to_lowercase()))
        };
        has(&row.action.owner, &self.owner) && has(&row.action.checker, &self.checker)
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

/// Due and overdue checks, most overdue first. Only the actions whose
/// stored next check falls inside the window are read; the domain then
/// works each one out again, so what is listed always follows its rule.
pub fn agenda(store: &Store, today: Date, filter: &Filter) -> Result<Vec<AgendaItem>, StoreError> {
    let horizon = today
        .checked_add(jiff::Span::new().days(DUE_WINDOW_DAYS))
        .unwrap_or(Date::MAX);
    let mut rows: std::collections::HashMap<i64, PlanRow> = store
        .checks_due_by(horizon)?
        .into_iter()
        .filter(|r| filter.keeps(r))
        .map(|r| (r.action.id, r))
        .collect();
    let pairs: Vec<_> = rows
        .values()
        .map(|r| (r.action.clone(), r.last_check_in.as_ref().map(|c| c.on)))
        .collect();
    Ok(due_checks(&pairs, today)
        .into_iter()
        .filter_map(|check| {
            let row = rows.remove(&check.action.id)?;
            Some(AgendaItem { row, check })
        })
        .collect())
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

/// The agenda as plain text, for a meeting.
pub fn to_text(items: &[AgendaItem], today: Date, filter: &Filter) -> String {
    let mut out = String::new();
    let whose = filter.describe();
    let whose = if whose.is_empty() {
        String::new()
    } else {
        format!(" for {}", crate::text::clean_line(&whose))
    };
    if items.is_empty() {
        out.push_str(&format!(
            "No check-ins are due in the week from {today}{whose}.\n"
        ));
        return out;
    }
    out.push_str(&format!(
        "Check-ins due in the week from {today}{whose}: {}\n\n",
        items.len()
    ));
    // Each value stays on its line: a line break stored in a title cannot
    // make a line of its own that looks like another check.
    let one = |text: &str| crate::text::clean_line(text);
    for item in items {
        let a = &item.check.action;
        out.push_str(&format!(
            "{:<16} {} · {} ({} · {})\n",
            when(item.check.state),
            one(&a.title),
            one(&item.row.school),
            one(&item.row.scope),
            one(&item.row.cycle)
        ));
        let last = match &item.row.last_check_in {
            Some(c) => format!("last check {} {}", c.on, c.rag.as_str()),
            None => "not checked yet".into(),
        };
        out.push_str(&format!(
            "{:16} owner {} · checker {} · {} · {}\n",
            "",
            if a.owner.is_empty() {
                "-".into()
            } else {
                one(&a.owner)
            },
            if a.checker.is_empty() {
                "-".into()
            } else {
                one(&a.checker)
            },
            a.cadence.as_str(),
            last
        ));
        if !a.impact_check.is_empty() {
            out.push_str(&format!("{:16} check: {}\n", "", one(&a.impact_check)));
        }
    }
    out
}
