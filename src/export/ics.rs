//! The plan's dates as an iCalendar file: each open action's planned
//! check-ins, milestones and due date as all-day events.

use std::fmt::Write;

use jiff::civil::Date;
use jiff::ToSpan;

use super::report::Report;
use crate::domain::plan::planned_checks;

/// Planned check-ins reach this far ahead at most.
const HORIZON_DAYS: i64 = 366;
const MAX_CHECKS_PER_ACTION: usize = 26;

/// Escapes a TEXT value (RFC 5545 3.3.11) and drops forbidden characters.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if crate::text::is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets, never inside a character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if used + n > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += n;
    }
    out.push_str("\r\n");
    out
}

fn compact(d: Date) -> String {
    d.strftime("%Y%m%d").to_string()
}

struct Event {
    uid: String,
    on: Date,
    summary: String,
    description: String,
}

pub fn to_ics(report: &Report) -> String {
    let until = report
        .today
        .checked_add(HORIZON_DAYS.days())
        .unwrap_or(report.today);
    let mut events = Vec::new();
    for entry in report.plan.iter().filter(|e| e.row.action.is_open()) {
        let a = &entry.row.action;
        let who = if a.owner.is_empty() {
            String::new()
        } else {
            format!(" ({})", a.owner)
        };
        if let Some(first) = entry.next_check {
            for on in planned_checks(a, first, until, MAX_CHECKS_PER_ACTION) {
                events.push(Event {
                    uid: format!("action-{}-check-{}", a.id, compact(on)),
                    on,
                    summary: format!("Check-in: {}{who}", a.title),
                    description: format!(
                        "{} · {} check-in. Success criteria: {}",
                        report.school,
                        a.cadence.as_str(),
                        a.success_criteria
                    ),
                });
            }
        }
        for m in a.milestones.iter().filter(|m| m.date >= report.today) {
            events.push(Event {
                uid: format!("action-{}-milestone-{}", a.id, compact(m.date)),
                on: m.date,
                summary: format!("Milestone: {} ({})", m.text, a.title),
                description: report.school.clone(),
            });
        }
        if let Some(due) = a.due {
            events.push(Event {
                uid: format!("action-{}-due", a.id),
                on: due,
                summary: format!("Due: {}{who}", a.title),
                description: format!(
                    "{} · success criteria: {}",
                    report.school, a.success_criteria
                ),
            });
        }
    }
    events.sort_by(|x, y| x.on.cmp(&y.on).then_with(|| x.uid.cmp(&y.uid)));
    let stamp = format!("{}T000000Z", compact(report.today));
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//headway//improvement plan//EN",
        "CALSCALE:GREGORIAN",
    ] {
        out.push_str(&fold(line));
    }
    out.push_str(&fold(&format!(
        "X-WR-CALNAME:{}",
        escape(&format!("{} improvement plan", report.school))
    )));
    for e in events {
        let end = e.on.checked_add(1.day()).unwrap_or(e.on);
        let mut block = String::new();
        let _ = write!(
            block,
            "BEGIN:VEVENT\nUID:{}@headway\nDTSTAMP:{stamp}\nDTSTART;VALUE=DATE:{}\n\
             DTEND;VALUE=DATE:{}\nSUMMARY:{}\nDESCRIPTION:{}\nTRANSP:TRANSPARENT\nEND:VEVENT",
            e.uid,
            compact(e.on),
            compact(end),
            escape(&e.summary),
            escape(&e.description)
        );
        for line in block.lines() {
            out.push_str(&fold(line));
        }
    }
    out.push_str(&fold("END:VCALENDAR"));
    out
}
