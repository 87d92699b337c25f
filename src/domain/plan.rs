//! Improvement-plan actions, their drafting from weak statements, and the
//! check-in rules: cadence, due and overdue. Pure: dates come in as values.

use jiff::civil::Date;
use jiff::{Span, ToSpan};

use super::evaluation::{deferred, weak, Judgements, Listed};
use super::tool::Tool;
use crate::text::wrap::{width, wrap};

/// How far ahead a check counts as due rather than not yet due.
pub const DUE_WINDOW_DAYS: i32 = 7;
/// Open actions per evaluation past which headway warns (the user can change it).
pub const DEFAULT_PRIORITY_LIMIT: usize = 5;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// The next value, wrapping round: for cycling with one key.
            pub fn next(self) -> $name {
                let all = Self::ALL;
                let i = all.iter().position(|v| *v == self).unwrap_or(0);
                all[(i + 1) % all.len()]
            }

            pub fn previous(self) -> $name {
                let all = Self::ALL;
                let i = all.iter().position(|v| *v == self).unwrap_or(0);
                all[(i + all.len() - 1) % all.len()]
            }
        }
    };
}

text_enum!(
    /// Where an action is in its life: drafts are not yet part of the plan.
    Stage { Draft => "draft", Accepted => "accepted", Discarded => "discarded", Merged => "merged" }
);
text_enum!(
    /// What is being done about an action, kept apart from whether it worked.
    Status { NotStarted => "not started", InProgress => "in progress", Done => "done", Dropped => "dropped" }
);
text_enum!(
    /// Whether the action has made a difference, judged from evidence.
    Impact { NotYetKnown => "not yet known", NoneSeen => "none seen", Some => "some", Strong => "strong" }
);
text_enum!(
    Role {
        SeniorLeader => "senior leader",
        MiddleLeader => "middle leader",
        Teacher => "teacher",
        Governor => "governor",
        Other => "other",
    }
);
text_enum!(
    /// How often the impact check happens.
    Cadence { Weekly => "weekly", Fortnightly => "fortnightly", Monthly => "monthly", HalfTermly => "half-termly" }
);
text_enum!(
    /// Red, amber, green: the check-in's one-key status.
    Rag { Green => "green", Amber => "amber", Red => "red" }
);

impl Rag {
    /// What each colour means, shown on the check-in screen.
    pub fn meaning(self) -> &'static str {
        match self {
            Rag::Green => "on track",
            Rag::Amber => "at risk, but recoverable with action now",
            Rag::Red => "off track: needs intervention",
        }
    }
}

impl Status {
    /// Open actions still need checking and count towards the priority limit.
    pub fn is_open(self) -> bool {
        matches!(self, Status::NotStarted | Status::InProgress)
    }
}

impl Cadence {
    /// The time between checks. A half term is taken as six weeks.
    pub fn span(self) -> Span {
        match self {
            Cadence::Weekly => 1.week(),
            Cadence::Fortnightly => 2.weeks(),
            Cadence::Monthly => 1.month(),
            Cadence::HalfTermly => 6.weeks(),
        }
    }

    /// `from` plus one cadence. Month steps clamp to the month's end (31 Jan
    /// + 1 month = 28 or 29 Feb); the far end of the calendar saturates.
    pub fn after(self, from: Date) -> Date {
        from.checked_add(self.span()).unwrap_or(Date::MAX)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub date: Date,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub id: i64,
    pub evaluation_id: i64,
    pub stage: Stage,
    pub title: String,
    pub description: String,
    /// Why: the rationale the meeting gave for the weak judgement.
    pub reason: String,
    /// Keys of the statements this action addresses, in tool order.
    pub statements: Vec<String>,
    pub owner: String,
    pub owner_role: Option<Role>,
    pub checker: String,
    pub start: Option<Date>,
    pub due: Option<Date>,
    pub milestones: Vec<Milestone>,
    pub success_criteria: String,
    /// How and by whom impact will be checked.
    pub impact_check: String,
    pub cadence: Cadence,
    pub target_group: String,
    pub status: Status,
    pub impact: Impact,
    /// When it was accepted into the plan, if it has been.
    pub accepted_on: Option<Date>,
    /// Its reason and impact check hold text from a confidential note:
    /// reports and exports leave them out, screens hide them until asked.
    pub confidential: bool,
}

impl Action {
    /// An accepted action that is neither done nor dropped.
    pub fn is_open(&self) -> bool {
        self.stage == Stage::Accepted && self.status.is_open()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    pub id: i64,
    pub action_id: i64,
    pub on: Date,
    pub rag: Rag,
    pub note: String,
    pub impact_note: String,
    /// The notes are confidential: reports and exports leave them out.
    pub confidential: bool,
}

/// A draft as the meeting's words suggest it, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftSeed {
    pub title: String,
    pub reason: String,
    pub impact_check: String,
    pub statements: Vec<String>,
}

/// Most columns of a statement's words in a title made from it.
const TITLE_COLUMNS: usize = 60;

/// A plan action's title for a weak statement: the tool's own short title
/// for it where the tool gives one, else one made from the statement.
pub fn draft_title(item: &Listed) -> String {
    match &item.draft {
        Some(draft) => draft.clone(),
        None => title_from(&item.text),
    }
}

/// A short title from a statement's text: the first clause, cut at a word.
pub fn title_from(text: &str) -> String {
    let first = text
        .split_terminator(['.', ';', ':'])
        .next()
        .unwrap_or(text)
        .trim();
    if width(first) <= TITLE_COLUMNS {
        return format!("Improve: {first}");
    }
    // The words that fit on one line; a first word longer than the line
    // is cut between whole characters.
    let words = wrap(first, TITLE_COLUMNS).swap_remove(0);
    format!("Improve: {words}…")
}

fn seed_from(item: &Listed, judgements: &Judgements) -> DraftSeed {
    let j = judgements.get(&item.key).cloned().unwrap_or_default();
    DraftSeed {
        title: draft_title(item),
        reason: if j.deferred {
            j.defer_note
        } else {
            j.rationale
        },
        impact_check: j.evidence,
        statements: vec![item.key.clone()],
    }
}

/// One draft per weak statement, pre-filled from what the meeting said.
/// Statements some existing action already addresses are left out.
pub fn draft_from_weak(tool: &Tool, judgements: &Judgements, covered: &[String]) -> Vec<DraftSeed> {
    weak(tool, judgements)
        .iter()
        .filter(|item| !covered.contains(&item.key))
        .map(|item| seed_from(item, judgements))
        .collect()
}

/// What drafting from the weak statements adds, and what it leaves alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Drafting {
    pub seeds: Vec<DraftSeed>,
    /// Weak statements this evaluation already has a draft for.
    pub already_drafted: usize,
    /// Weak statements whose draft was discarded (brought back only by hand).
    pub discarded: usize,
    /// Weak statements with an action in the school's plan, from this cycle
    /// or an earlier one, still open (or accepted from this evaluation).
    pub in_plan: usize,
}

/// One draft per weak statement that nothing addresses yet. Drafting twice
/// adds nothing the second time: a statement with a draft, an accepted
/// action of `actions` (this evaluation's), a live action of the school's
/// plan (`live_in_plan`, statement keys), or a discarded draft is left out
/// and counted.
pub fn drafts_for_weak(
    tool: &Tool,
    judgements: &Judgements,
    actions: &[Action],
    live_in_plan: &[String],
) -> Drafting {
    let has = |key: &str, stage: Stage| {
        actions
            .iter()
            .any(|a| a.stage == stage && a.statements.iter().any(|k| k == key))
    };
    let mut out = Drafting::default();
    for item in weak(tool, judgements) {
        let key = item.key.as_str();
        if has(key, Stage::Draft) {
            out.already_drafted += 1;
        } else if has(key, Stage::Accepted) || live_in_plan.iter().any(|k| k == key) {
            out.in_plan += 1;
        } else if has(key, Stage::Discarded) {
            out.discarded += 1;
        } else {
            out.seeds.push(seed_from(&item, judgements));
        }
    }
    out
}

/// A draft for a deferred statement, made only when asked for.
pub fn draft_from_deferred(tool: &Tool, judgements: &Judgements, key: &str) -> Option<DraftSeed> {
    deferred(tool, judgements)
        .iter()
        .find(|item| item.key == key)
        .map(|item| seed_from(item, judgements))
}

/// Deferred statements no action addresses yet: listed beside the drafts.
pub fn undrafted_deferred(tool: &Tool, judgements: &Judgements, covered: &[String]) -> Vec<Listed> {
    deferred(tool, judgements)
        .into_iter()
        .filter(|item| !covered.contains(&item.key))
        .collect()
}

/// Combines drafts into the first: its title, every statement once (in the
/// order given), and the reasons and impact checks joined.
pub fn merge(drafts: &[&Action]) -> Option<MergedDraft> {
    let (first, rest) = drafts.split_first()?;
    let mut statements = first.statements.clone();
    let mut reasons = vec![first.reason.clone()];
    let mut checks = vec![first.impact_check.clone()];
    for d in rest {
        for key in &d.statements {
            if !statements.contains(key) {
                statements.push(key.clone());
            }
        }
        reasons.push(d.reason.clone());
        checks.push(d.impact_check.clone());
    }
    let join = |parts: Vec<String>| {
        let mut seen: Vec<String> = Vec::new();
        for p in parts.into_iter().map(|p| p.trim().to_string()) {
            if !p.is_empty() && !seen.contains(&p) {
                seen.push(p);
            }
        }
        seen.join(" / ")
    };
    Some(MergedDraft {
        into: first.id,
        absorbed: rest.iter().map(|d| d.id).collect(),
        statements,
        reason: join(reasons),
        impact_check: join(checks),
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedDraft {
    pub into: i64,
    pub absorbed: Vec<i64>,
    pub statements: Vec<String>,
    pub reason: String,
    pub impact_check: String,
}

/// Open actions against the limit: `Some(message)` when past it. A warning,
/// never a block.
pub fn priority_warning(open: usize, limit: usize) -> Option<String> {
    (open > limit).then(|| {
        format!(
            "{open} open priorities, over the limit of {limit}: a plan this full is hard to keep alive."
        )
    })
}

/// Where an action stands for its next check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckState {
    /// The check date is past by this many days.
    Overdue(i32),
    /// The check falls within the next seven days (0 = today).
    Due(i32),
    NotYet(i32),
}

/// Where an action stands, as governors and the plan screen read it: each
/// action has exactly one, so counts add up and a late action is never
/// shown as green.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Standing {
    /// Open, and past its due date or its check-in date.
    Overdue,
    Red,
    Amber,
    Green,
    /// Open, with no check-in yet and nothing late.
    NotChecked,
    Done,
    Dropped,
}

impl Standing {
    /// `late`: open and past its due date or its check-in date; `last`:
    /// the colour of its latest check-in.
    pub fn of(action: &Action, last: Option<Rag>, late: bool) -> Standing {
        match action.status {
            Status::Done => return Standing::Done,
            Status::Dropped => return Standing::Dropped,
            _ => {}
        }
        if late {
            return Standing::Overdue;
        }
        match last {
            Some(Rag::Red) => Standing::Red,
            Some(Rag::Amber) => Standing::Amber,
            Some(Rag::Green) => Standing::Green,
            None => Standing::NotChecked,
        }
    }

    pub const ALL: [Standing; 7] = [
        Standing::Overdue,
        Standing::Red,
        Standing::Amber,
        Standing::Green,
        Standing::NotChecked,
        Standing::Done,
        Standing::Dropped,
    ];

    pub fn word(self) -> &'static str {
        match self {
            Standing::Overdue => "overdue",
            Standing::Red => "red",
            Standing::Amber => "amber",
            Standing::Green => "green",
            Standing::NotChecked => "no check-in yet",
            Standing::Done => "done",
            Standing::Dropped => "dropped",
        }
    }
}

/// The date of an action's next check: one cadence after its last check-in,
/// or else after its start, or else after the day it was accepted (today if
/// none is known), but never later than its due date while that is still
/// ahead of the last check. Once a check falls on or after the due date, the
/// next comes a cadence later: an action running late is still checked, and
/// a check-in clears its check.
pub fn next_check(action: &Action, last_check_in: Option<Date>, today: Date) -> Date {
    let base = last_check_in
        .or(action.start)
        .or(action.accepted_on)
        .unwrap_or(today);
    let by_cadence = action.cadence.after(base);
    match action.due {
        Some(due) if base < due && due < by_cadence => due,
        _ => by_cadence,
    }
}

pub fn check_state(next: Date, today: Date) -> CheckState {
    // Subtracting civil dates gives a span in whole days.
    let days = (next - today).get_days();
    if days < 0 {
        CheckState::Overdue(-days)
    } else if days <= DUE_WINDOW_DAYS {
        CheckState::Due(days)
    } else {
        CheckState::NotYet(days)
    }
}

/// An open action whose check is due or overdue, for the check-in list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueCheck {
    pub action: Action,
    pub next: Date,
    pub state: CheckState,
}

/// Open actions due or overdue for a check, most overdue first.
pub fn due_checks(actions: &[(Action, Option<Date>)], today: Date) -> Vec<DueCheck> {
    let mut due: Vec<DueCheck> = actions
        .iter()
        .filter(|(a, _)| a.is_open())
        .map(|(a, last)| {
            let next = next_check(a, *last, today);
            DueCheck {
                action: a.clone(),
                next,
                state: check_state(next, today),
            }
        })
        .filter(|d| !matches!(d.state, CheckState::NotYet(_)))
        .collect();
    due.sort_by_key(|d| (d.next, d.action.id));
    due
}

/// Whether an open action is past its due date.
pub fn is_overdue(action: &Action, today: Date) -> bool {
    action.is_open() && action.due.is_some_and(|d| d < today)
}

/// Parses a date typed as YYYY-MM-DD; an empty field is no date.
pub fn parse_date(text: &str) -> Result<Option<Date>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(date) = text.parse::<Date>() {
        return Ok(Some(date));
    }
    // Written the right way but not a day of the calendar: say so.
    let parts: Vec<&str> = text.split('-').collect();
    if let [y, m, d] = parts[..] {
        let shape = [4, 2, 2];
        let numbers: Option<Vec<i64>> = [y, m, d]
            .iter()
            .zip(shape)
            .map(|(p, n)| {
                (p.len() == n && p.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| p.parse().ok())
                    .flatten()
            })
            .collect();
        if let Some(n) = numbers {
            let why = if !(1..=12).contains(&n[1]) {
                "there is no month".to_string()
            } else {
                let days = jiff::civil::date(n[0] as i16, n[1] as i8, 1).days_in_month();
                format!("that month has {days} days")
            };
            return Err(format!("\"{text}\" is not a day of the calendar: {why}."));
        }
    }
    Err(format!(
        "\"{text}\" is not a date: write it as YYYY-MM-DD, e.g. 2027-01-15."
    ))
}

/// Parses milestones written one per `;`, each `YYYY-MM-DD what`.
pub fn parse_milestones(text: &str) -> Result<Vec<Milestone>, String> {
    let mut out = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (date, rest) = part.split_once(char::is_whitespace).unwrap_or((part, ""));
        let date = parse_date(date)?.ok_or("A milestone needs a date.")?;
        let what = rest.trim();
        if what.is_empty() {
            return Err(format!(
                "The milestone on {date} needs a few words saying what it is."
            ));
        }
        out.push(Milestone {
            date,
            text: what.to_string(),
        });
    }
    out.sort_by_key(|m| m.date);
    Ok(out)
}

pub fn format_milestones(milestones: &[Milestone]) -> String {
    milestones
        .iter()
        .map(|m| format!("{} {}", m.date, m.text))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Milestones falling on or before `until` (the ones a check should ask about).
pub fn milestones_due(action: &Action, until: Date) -> Vec<&Milestone> {
    action
        .milestones
        .iter()
        .filter(|m| m.date <= until)
        .collect()
}

/// Check dates planned from `first`, one cadence apart, up to the action's
/// due date or `until`, whichever is earlier; at most `limit` of them.
pub fn planned_checks(action: &Action, first: Date, until: Date, limit: usize) -> Vec<Date> {
    let end = action.due.map_or(until, |d| d.min(until));
    let mut out = Vec::new();
    let mut date = first;
    while date <= end && out.len() < limit {
        out.push(date);
        // Step from the first date so monthly checks keep their day.
        let steps = i32::try_from(out.len()).unwrap_or(i32::MAX);
        let span = action.cadence.span().checked_mul(i64::from(steps));
        match span.ok().and_then(|s| first.checked_add(s).ok()) {
            Some(next) if next > date => date = next,
            _ => break,
        }
    }
    out
}

#[cfg(test)]
mod span_tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn days_between_dates_are_exact() {
        assert_eq!(
            check_state(date(2026, 11, 22), date(2026, 11, 22)),
            CheckState::Due(0)
        );
        assert_eq!(
            check_state(date(2026, 11, 21), date(2026, 11, 22)),
            CheckState::Overdue(1)
        );
        assert_eq!(
            check_state(date(2027, 1, 1), date(2026, 11, 22)),
            CheckState::NotYet(40)
        );
    }
}
