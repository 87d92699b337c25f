//! The plan's dates as an iCalendar file, written with the `icalendar`
//! crate: for each open action its next check, its later planned checks
//! (one recurring event), its milestones and its due date, as all-day
//! events.
//!
//! A calendar that imports the file again matches events by UID, and takes
//! an event's new date or words only if its SEQUENCE is higher (or equal,
//! with a later DTSTAMP). So:
//!
//! - each event is named by its action's UUID (the same on both copies of a
//!   synced record, and in no other database) and by what it is, never by a
//!   date: the next check keeps its UID as check-ins move it on;
//! - SEQUENCE is worked out from what the store already keeps, as a report
//!   writes nothing (see [`sequence`]), and never goes down as the plan
//!   moves on;
//! - an event that went away (an action done, dropped or taken out of the
//!   plan, a milestone removed or renamed, a due date cleared, checks no
//!   longer planned) is written again as CANCELLED with a higher SEQUENCE.

use icalendar::{Calendar, Component, Event, EventStatus, Property, ValueType};
use jiff::civil::Date;
use jiff::ToSpan;
use sha2::{Digest, Sha256};

use super::report::Report;
use crate::domain::plan::{next_check, planned_checks, Action, Cadence, Milestone};
use crate::store::ActionTrail;

/// Planned check-ins reach this far ahead at most.
const HORIZON_DAYS: i64 = 366;
const MAX_CHECKS_PER_ACTION: usize = 26;

/// Text as it may go into a calendar: characters that must never be shown
/// are dropped, line breaks kept (the crate escapes them, with `\`, `;`
/// and `,`).
pub fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || !crate::text::is_forbidden(c))
        .collect()
}

fn compact(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

fn date_property(key: &str, on: Date) -> Property {
    Property::new(key, compact(on))
        .append_parameter(ValueType::Date)
        .done()
}

/// An event's SEQUENCE, from the action's trail as stored.
///
/// Every change that can move one of an action's events leaves a mark that
/// only grows: a check-in, a kept revision (a withdrawn check-in is one,
/// counted twice since its check-in no longer counts), each milestone of an
/// earlier list. These count twice. A date, an owner or success criteria set
/// where there were none, and a milestone added to an empty list, keep no
/// revision: what is set and listed counts once, and whatever takes it away
/// keeps a revision worth more than it was. The days since 2020 count once
/// too: an overdue check moves to today each day with nothing stored
/// changing, and must still come with a higher SEQUENCE (a calendar keeps
/// the old day otherwise); every event rises with them, which a calendar
/// takes as an update that changes nothing. The sum is doubled: a live
/// event takes it, a cancelled one the next number, so an event that comes
/// back after it was cancelled always comes back higher.
pub fn sequence(trail: &ActionTrail, action: &Action, today: Date) -> u32 {
    let past_milestones: usize = trail.past_milestones.iter().map(Vec::len).sum();
    let grows = trail.check_ins as usize
        + trail.revisions as usize
        + trail.withdrawn as usize
        + past_milestones;
    let listed = usize::from(action.start.is_some())
        + usize::from(action.due.is_some())
        + usize::from(!action.owner.is_empty())
        + usize::from(!action.success_criteria.is_empty())
        + action.milestones.len();
    let days = usize::try_from((today - SEQUENCE_EPOCH).get_days()).unwrap_or(0);
    u32::try_from(2 * (2 * grows + listed + days)).unwrap_or(u32::MAX - 1)
}

/// Where the days counted in SEQUENCE start.
const SEQUENCE_EPOCH: Date = jiff::civil::date(2020, 1, 1);

/// A milestone's name among its action's: the words it says (a digest),
/// and which of the milestones saying the same words it is. Its date may
/// change under the same name.
fn milestone_names(list: &[Milestone]) -> Vec<(String, &Milestone)> {
    let mut out: Vec<(String, &Milestone)> = Vec::new();
    for m in list {
        let digest = Sha256::digest(m.text.as_bytes());
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        let same = out.iter().filter(|(_, o)| o.text == m.text).count();
        let name = match same {
            0 => format!("milestone-{hex}"),
            n => format!("milestone-{hex}-{}", n + 1),
        };
        out.push((name, m));
    }
    out
}

/// The recurrence of the checks planned after `first` (one cadence on), as
/// [`planned_checks`] counts them from `first`: a month's step keeps the
/// day, or the month's last day when it has fewer.
fn recurrence(cadence: Cadence, first: Date, count: usize) -> String {
    let rule = match cadence {
        Cadence::Weekly => "FREQ=WEEKLY".to_string(),
        Cadence::Fortnightly => "FREQ=WEEKLY;INTERVAL=2".to_string(),
        Cadence::HalfTermly => "FREQ=WEEKLY;INTERVAL=6".to_string(),
        Cadence::Monthly => match first.day() {
            day @ 1..=28 => format!("FREQ=MONTHLY;BYMONTHDAY={day}"),
            day => {
                let days: Vec<String> = (28..=day).map(|d| d.to_string()).collect();
                format!("FREQ=MONTHLY;BYMONTHDAY={};BYSETPOS=-1", days.join(","))
            }
        },
    };
    format!("{rule};COUNT={count}")
}

/// One event before it is written.
struct Planned {
    uid: String,
    on: Date,
    summary: String,
    description: String,
    recurrence: Option<String>,
    sequence: u32,
    cancelled: bool,
}

/// What an action's events say, shared by its live and cancelled ones.
struct Words {
    /// The title, and the owner when named.
    what: String,
    check: String,
    check_about: String,
    due: String,
    due_about: String,
}

fn words(school: &str, a: &Action) -> Words {
    let who = if a.owner.is_empty() {
        String::new()
    } else {
        format!(" ({})", a.owner)
    };
    Words {
        what: format!("{}{who}", a.title),
        check: format!("Check-in: {}{who}", a.title),
        check_about: format!(
            "{school} · {} check-in. Success criteria: {}",
            a.cadence.as_str(),
            a.success_criteria
        ),
        due: format!("Due: {}{who}", a.title),
        due_about: format!("{school} · success criteria: {}", a.success_criteria),
    }
}

/// The events of an open action, and the cancelled ones for what it no
/// longer plans.
fn open_events(
    report: &Report,
    a: &Action,
    next: Date,
    trail: &ActionTrail,
    uid: &dyn Fn(&str) -> String,
    out: &mut Vec<Planned>,
) {
    let live = sequence(trail, a, report.today);
    let w = words(&report.school, a);
    let today = report.today;
    let until = today.checked_add(HORIZON_DAYS.days()).unwrap_or(today);
    // An overdue check is shown today, where someone will see it; the
    // checks after it are planned from today too, as a check-in today would.
    let (on, summary, description) = if next < today {
        (
            today,
            format!("Check-in overdue since {next}: {}", w.what),
            format!("{} · overdue since {next}", w.check_about),
        )
    } else {
        (next, w.check.clone(), w.check_about.clone())
    };
    out.push(Planned {
        uid: uid("next-check"),
        on,
        summary,
        description,
        recurrence: None,
        sequence: live,
        cancelled: false,
    });
    let planned = planned_checks(a, on, until, MAX_CHECKS_PER_ACTION);
    let later = planned.get(1..).unwrap_or_default();
    out.push(match later.first() {
        Some(&first) => Planned {
            uid: uid("later-checks"),
            on: first,
            summary: w.check.clone(),
            description: w.check_about.clone(),
            recurrence: Some(recurrence(a.cadence, on, later.len())),
            sequence: live,
            cancelled: false,
        },
        None => Planned {
            uid: uid("later-checks"),
            on: a.cadence.after(on),
            summary: w.check.clone(),
            description: w.check_about.clone(),
            recurrence: None,
            sequence: live + 1,
            cancelled: true,
        },
    });
    match (a.due, trail.past_due.last()) {
        (Some(due), _) => out.push(Planned {
            uid: uid("due"),
            on: due,
            summary: w.due,
            description: w.due_about,
            recurrence: None,
            sequence: live,
            cancelled: false,
        }),
        (None, Some(&was)) => out.push(Planned {
            uid: uid("due"),
            on: was,
            summary: w.due,
            description: w.due_about,
            recurrence: None,
            sequence: live + 1,
            cancelled: true,
        }),
        (None, None) => {}
    }
    let current = milestone_names(&a.milestones);
    for (name, m) in &current {
        out.push(milestone_event(report, a, uid(name), m, live, false));
    }
    // The milestones of earlier lists that this one no longer has; each
    // at the date it last had.
    let mut gone: Vec<(String, &Milestone)> = Vec::new();
    for list in &trail.past_milestones {
        for (name, m) in milestone_names(list) {
            if current.iter().any(|(n, _)| *n == name) {
                continue;
            }
            gone.retain(|(n, _)| *n != name);
            gone.push((name, m));
        }
    }
    for (name, m) in gone {
        out.push(milestone_event(report, a, uid(&name), m, live + 1, true));
    }
}

fn milestone_event(
    report: &Report,
    a: &Action,
    uid: String,
    m: &Milestone,
    sequence: u32,
    cancelled: bool,
) -> Planned {
    Planned {
        uid,
        on: m.date,
        summary: format!("Milestone: {} ({})", m.text, a.title),
        description: report.school.clone(),
        recurrence: None,
        sequence,
        cancelled,
    }
}

/// Every event an action that is no longer open (or no longer in the plan)
/// may have had, cancelled.
fn closed_events(
    report: &Report,
    a: &Action,
    trail: &ActionTrail,
    uid: &dyn Fn(&str) -> String,
    out: &mut Vec<Planned>,
) {
    let sequence = sequence(trail, a, report.today) + 1;
    let w = words(&report.school, a);
    let next = next_check(a, trail.last_check_in, report.today);
    let mut cancel = |kind: &str, on: Date, summary: &str, description: &str| {
        out.push(Planned {
            uid: uid(kind),
            on,
            summary: summary.to_string(),
            description: description.to_string(),
            recurrence: None,
            sequence,
            cancelled: true,
        });
    };
    cancel("next-check", next, &w.check, &w.check_about);
    cancel(
        "later-checks",
        a.cadence.after(next),
        &w.check,
        &w.check_about,
    );
    if let Some(&due) = a.due.as_ref().or(trail.past_due.last()) {
        cancel("due", due, &w.due, &w.due_about);
    }
    let mut all: Vec<(String, &Milestone)> = Vec::new();
    for list in trail.past_milestones.iter().chain([&a.milestones]) {
        for (name, m) in milestone_names(list) {
            all.retain(|(n, _)| *n != name);
            all.push((name, m));
        }
    }
    for (name, m) in all {
        out.push(milestone_event(report, a, uid(&name), m, sequence, true));
    }
}

pub fn to_ics(report: &Report) -> String {
    let mut events = Vec::new();
    let no_trail = ActionTrail::default();
    let trail_of = |a: &Action| report.trail.actions.get(&a.id).unwrap_or(&no_trail);
    let namer = |a: &Action| {
        let identity = match trail_of(a).uuid.as_str() {
            "" => format!("action-{}", a.id),
            uuid => uuid.to_string(),
        };
        move |kind: &str| format!("{identity}-{kind}@headway")
    };
    for entry in &report.plan {
        let a = &entry.row.action;
        match entry.next_check.filter(|_| a.is_open()) {
            Some(next) => open_events(report, a, next, trail_of(a), &namer(a), &mut events),
            None => closed_events(report, a, trail_of(a), &namer(a), &mut events),
        }
    }
    for a in &report.trail.left_the_plan {
        if report.plan.iter().all(|e| e.row.action.id != a.id) {
            closed_events(report, a, trail_of(a), &namer(a), &mut events);
        }
    }
    events.sort_by(|x, y| x.on.cmp(&y.on).then_with(|| x.uid.cmp(&y.uid)));

    let stamp = format!("{}T000000Z", compact(report.today));
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//headway//improvement plan//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .append_property(
            // Marked as text, so the crate escapes the school's name.
            Property::new(
                "X-WR-CALNAME",
                clean(&format!("{} improvement plan", report.school)),
            )
            .append_parameter(ValueType::Text)
            .done(),
        );
    for e in events {
        let end = e.on.checked_add(1.day()).unwrap_or(e.on);
        let mut event = Event::new();
        event
            .uid(&e.uid)
            .add_property("DTSTAMP", &stamp)
            .append_property(date_property("DTSTART", e.on))
            .append_property(date_property("DTEND", end))
            .sequence(e.sequence)
            .summary(&clean(&e.summary))
            .description(&clean(&e.description))
            .add_property("TRANSP", "TRANSPARENT")
            .status(if e.cancelled {
                EventStatus::Cancelled
            } else {
                EventStatus::Confirmed
            });
        if let Some(rule) = &e.recurrence {
            event.add_property("RRULE", rule);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn milestones_saying_the_same_words_are_told_apart() {
        let m = |d: Date, text: &str| Milestone {
            date: d,
            text: text.into(),
        };
        let list = [
            m(date(2026, 12, 4), "Book look"),
            m(date(2026, 12, 4), "Staff meeting"),
            m(date(2027, 1, 8), "Book look"),
        ];
        let names: Vec<String> = milestone_names(&list).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), 3);
        assert!(names[0] != names[1] && names[0] != names[2] && names[1] != names[2]);
        assert_eq!(names[2], format!("{}-2", names[0]));
        // The name follows the words, not the date.
        let moved = [m(date(2027, 2, 1), "Staff meeting")];
        assert_eq!(milestone_names(&moved)[0].0, names[1]);
    }

    #[test]
    fn monthly_checks_keep_their_day_or_the_months_last() {
        assert_eq!(
            recurrence(Cadence::Monthly, date(2026, 11, 16), 3),
            "FREQ=MONTHLY;BYMONTHDAY=16;COUNT=3"
        );
        // 31 Jan, then 28 Feb, 31 Mar: the latest of the 28th to the 31st
        // that the month has, as a month's step in jiff gives.
        assert_eq!(
            recurrence(Cadence::Monthly, date(2027, 1, 31), 2),
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30,31;BYSETPOS=-1;COUNT=2"
        );
        assert_eq!(
            recurrence(Cadence::HalfTermly, date(2027, 1, 31), 2),
            "FREQ=WEEKLY;INTERVAL=6;COUNT=2"
        );
    }
}
