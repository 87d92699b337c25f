//! The report as Markdown, for pasting into a self-evaluation form. The
//! content matches the HTML page; user text is escaped so it stays text.

use std::fmt::Write;

use crate::domain::evaluation::{progress, Listed};

use super::report::{Report, Section};

/// Escapes Markdown's punctuation, flattens line breaks and drops
/// characters that must never be shown.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '+'
            | '-' | '!' | '|' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if crate::text::is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

pub fn to_markdown(report: &Report) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", escape(&report.school));
    let _ = writeln!(
        m,
        "Self-evaluation report · {} · written {}\n",
        escape(&report.cycle),
        report.today
    );
    if report.withheld > 0 {
        let _ = writeln!(
            m,
            "> {} confidential note{} left out of this report.\n",
            report.withheld,
            if report.withheld == 1 { " is" } else { "s are" }
        );
    } else if report.confidential_included {
        m.push_str("> This copy includes confidential notes.\n\n");
    }
    for section in &report.sections {
        section_markdown(&mut m, section);
    }
    plan_markdown(&mut m, report);
    m
}

fn section_markdown(m: &mut String, s: &Section) {
    let e = &s.evaluation;
    let scale = &s.tool.scale;
    let p = progress(&s.tool, &s.judgements);
    let _ = writeln!(m, "## {} · {}\n", escape(&s.tool.title), escape(&e.scope));
    let (room, builds) = (escape(s.room()), escape(&s.lineage()));
    let _ = writeln!(
        m,
        "In the room: {room}. Tool version {}. {builds}\n\n\
         {} of {} statements judged, {} left until next time, {} not yet judged.\n",
        s.tool.version,
        p.judged,
        p.total(),
        p.deferred,
        p.left
    );
    m.push_str("### Judgements by aspect\n\n");
    let mut header = String::from("| Aspect |");
    let mut rule = String::from("| --- |");
    for (i, label) in scale.levels.iter().enumerate() {
        let _ = write!(header, " {} {} |", i + 1, escape(label));
        rule.push_str(" ---: |");
    }
    header.push_str(" Left until next time | Not yet judged |");
    rule.push_str(" ---: | ---: |");
    if let Some((before, _)) = &s.previous {
        let _ = write!(header, " Since {} |", escape(&before.cycle));
        rule.push_str(" --- |");
    }
    let _ = writeln!(m, "{header}\n{rule}");
    for row in s.aspects() {
        let _ = write!(m, "| {} |", escape(&row.spread.title));
        for count in &row.spread.at_level {
            let _ = write!(m, " {count} |");
        }
        let _ = write!(m, " {} | {} |", row.spread.deferred, row.spread.left);
        if s.previous.is_some() {
            let _ = write!(m, " {} up, {} down, {} same |", row.up, row.down, row.same);
        }
        m.push('\n');
    }
    m.push('\n');
    listed_markdown(
        m,
        s,
        "Strengths",
        &s.strengths(),
        "None recorded this cycle.",
    );
    listed_markdown(
        m,
        s,
        "Weak statements",
        &s.weak(),
        "None: nothing was judged at or below the weak threshold.",
    );
    listed_markdown(m, s, "Left until next time", &s.deferred(), "None.");
}

fn listed_markdown(m: &mut String, s: &Section, heading: &str, items: &[Listed], empty: &str) {
    let _ = writeln!(m, "### {heading} ({})\n", items.len());
    if items.is_empty() {
        let _ = writeln!(m, "{empty}\n");
        return;
    }
    for item in items {
        let _ = write!(m, "- **{}** ({})", escape(&item.text), escape(&item.aspect));
        if let Some(level) = item.level {
            let _ = write!(
                m,
                ": {level} {}",
                escape(s.tool.scale.label(level).unwrap_or("?"))
            );
            if let Some(mv) = s.movement(&item.key) {
                let _ = write!(m, ", {}", mv.word());
            }
            if item.carried {
                m.push_str(", carried forward");
            }
        }
        m.push('\n');
        if !item.note.is_empty() {
            let _ = writeln!(m, "  {}", escape(&item.note));
        }
    }
    m.push('\n');
}

fn plan_markdown(m: &mut String, report: &Report) {
    m.push_str("## Improvement plan\n\n");
    if report.plan.is_empty() {
        m.push_str("No actions have been accepted into the plan yet.\n");
        return;
    }
    m.push_str(
        "| Action | Owner | Due | RAG | Status | Impact | Latest check-in |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for entry in &report.plan {
        let a = &entry.row.action;
        let due = match a.due {
            Some(d) if entry.overdue => format!("{d} (overdue)"),
            Some(d) => d.to_string(),
            None => "not set".into(),
        };
        let (rag, latest) = match entry.last() {
            Some(c) if c.note.is_empty() => (c.rag.as_str(), c.on.to_string()),
            Some(c) => (c.rag.as_str(), format!("{}: {}", c.on, escape(&c.note))),
            None => ("none yet", String::new()),
        };
        let _ = writeln!(
            m,
            "| {} | {} | {due} | {rag} | {} | {} | {latest} |",
            escape(&a.title),
            escape(entry.owner_or("not set")),
            a.status.as_str(),
            a.impact.as_str(),
        );
    }
    m.push_str("\n### Overdue\n\n");
    let mut any = false;
    for e in report.plan.iter().filter(|e| e.is_late()) {
        any = true;
        let _ = writeln!(
            m,
            "- **{}** ({}): {}",
            escape(&e.row.action.title),
            escape(e.owner_or("no owner")),
            e.late_reasons()
        );
    }
    if !any {
        m.push_str("Nothing is overdue.\n");
    }
}
