//! The report as Markdown, for pasting into a self-evaluation form. The
//! content matches the HTML page. User text is escaped only where a
//! character would change the meaning in its place, so the raw text reads
//! cleanly when pasted as it is.

use std::fmt::Write;

use crate::domain::evaluation::{progress, Listed};

use super::human_date;
use super::report::{PlanEntry, Report, Section, Standing};

/// Escapes text that sits inside a line (after other text, or in a table
/// cell) so CommonMark and GitHub's tables show it as written. Line breaks
/// become spaces and characters that must never be shown are dropped.
pub fn escape(text: &str) -> String {
    let chars: Vec<char> = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .filter(|c| !crate::text::is_forbidden(*c))
        .collect();
    let tildes = chars.iter().filter(|c| **c == '~').count();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let needed = match c {
            // Code spans, emphasis and table cells.
            '`' | '*' | '|' => true,
            // An underscore inside a word never starts emphasis.
            '_' => !(is_word(before) && is_word(after)),
            // A backslash matters before punctuation (and at the end,
            // where the writer's own punctuation follows).
            '\\' => after.is_none_or(|a| a.is_ascii_punctuation()),
            // A link or image needs `](` or `][`.
            ']' => matches!(after, Some('(' | '[')),
            // A tag or an autolink.
            '<' => after.is_some_and(|a| a.is_ascii_alphabetic() || matches!(a, '/' | '!' | '?')),
            // A character reference such as `&amp;` or `&#38;`.
            '&' => starts_entity(&chars[i + 1..]),
            // Strikethrough needs a pair.
            '~' => tildes > 1,
            _ => false,
        };
        if needed {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

fn starts_entity(rest: &[char]) -> bool {
    let name: Vec<char> = rest.iter().take(33).copied().collect();
    let Some(end) = name.iter().position(|c| *c == ';') else {
        return false;
    };
    let body = &name[..end];
    match body {
        ['#', 'x' | 'X', hex @ ..] => !hex.is_empty() && hex.iter().all(char::is_ascii_hexdigit),
        ['#', digits @ ..] => !digits.is_empty() && digits.iter().all(char::is_ascii_digit),
        _ => !body.is_empty() && body.iter().all(char::is_ascii_alphanumeric),
    }
}

/// Escapes text that starts a line: as `escape`, and a first character
/// that would begin a heading, a quote, a list, a rule, a link definition
/// or an underline is escaped too.
pub fn escape_line_start(text: &str) -> String {
    let text = text.trim_start();
    let inner = escape(text);
    let first = inner.chars().next();
    let second = inner.chars().nth(1);
    let needed = match first {
        Some('#' | '>' | '=') => true,
        // A link reference definition: `[label]: destination`.
        Some('[') => inner.contains("]:"),
        Some('-' | '+' | '*') => second.is_none_or(|c| c == ' ' || c == first.unwrap_or(' ')),
        Some(c) if c.is_ascii_digit() => {
            let digits = inner.chars().take_while(char::is_ascii_digit).count();
            let next = inner.chars().nth(digits);
            let after = inner.chars().nth(digits + 1);
            if digits <= 9 && matches!(next, Some('.' | ')')) && after.is_none_or(|c| c == ' ') {
                // Escape the dot or bracket, not the digits.
                let (num, rest) = inner.split_at(digits);
                return format!("{num}\\{rest}");
            }
            false
        }
        _ => false,
    };
    if needed {
        format!("\\{inner}")
    } else {
        inner
    }
}

/// Escapes a heading's text: a trailing `#` would be taken as the
/// heading's closing marks and dropped.
pub fn escape_heading(text: &str) -> String {
    let mut inner = escape(text.trim());
    if inner.ends_with('#') {
        inner.insert(inner.len() - 1, '\\');
    }
    inner
}

/// Text of several lines as a list item's value: each line kept, with a
/// hard break (two spaces) at the end of all but the last, and the lines
/// after the first indented under the item.
fn lines(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                escape(l)
            } else {
                escape_line_start(l)
            }
        })
        .collect::<Vec<_>>()
        .join("  \n  ")
}

/// A note under a list item: each of its lines becomes a paragraph of
/// the item, so it renders on its own line below the item's first line.
fn note_paragraphs(m: &mut String, note: &str) {
    for line in note.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let _ = writeln!(m, "\n  {}", escape_line_start(line));
    }
}

pub fn to_markdown(report: &Report) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# {}\n", escape_heading(&report.school));
    let _ = writeln!(
        m,
        "Self-evaluation report for governors · {} · written {}\n",
        escape(&report.cycle),
        human_date(report.today)
    );
    if report.confidential_included {
        m.push_str(
            "> **Contains confidential notes:** not for circulation beyond those entitled to \
             see them.\n\n",
        );
    } else if report.withheld > 0 {
        let _ = writeln!(
            m,
            "> {} confidential note{} left out of this report.\n",
            report.withheld,
            if report.withheld == 1 { " is" } else { "s are" }
        );
    }
    summary_markdown(&mut m, report);
    for section in &report.sections {
        section_markdown(&mut m, report, section);
    }
    plan_markdown(&mut m, report);
    m
}

const SUMMARY_ITEMS: usize = 5;

fn summary_markdown(m: &mut String, report: &Report) {
    m.push_str("## Summary\n\n### This cycle's evaluations\n\n");
    for s in &report.sections {
        let p = progress(&s.tool, &s.judgements);
        let _ = writeln!(
            m,
            "- **{}** · {}: {} of {} statements judged; {}, {} weak.",
            escape(&s.tool.title),
            escape(&s.evaluation.scope),
            p.judged,
            p.total(),
            match s.strengths().len() {
                1 => "1 strength".to_string(),
                n => format!("{n} strengths"),
            },
            s.weak().len()
        );
    }
    m.push_str("\n### Strengths\n\n");
    let strengths = report.strengths();
    if strengths.is_empty() {
        m.push_str("None recorded this cycle.\n");
    }
    for (s, item) in strengths.iter().take(SUMMARY_ITEMS) {
        let _ = writeln!(
            m,
            "- {} ({} · {})",
            escape(&item.text),
            escape(&s.tool.title),
            escape(&item.aspect)
        );
    }
    more_markdown(m, strengths.len());
    m.push_str("\n### The weakest areas\n\n");
    let areas = report.weakest_areas(usize::MAX);
    if areas.is_empty() {
        m.push_str("Nothing was judged weak this cycle.\n");
    }
    for a in areas.iter().take(SUMMARY_ITEMS) {
        let _ = writeln!(
            m,
            "- **{}** ({} · {}): {} of {} judged statements weak",
            escape(&a.aspect),
            escape(&a.tool),
            escape(&a.scope),
            a.weak,
            a.judged
        );
    }
    more_markdown(m, areas.len());
    m.push_str("\n### The plan's health\n\n");
    if report.plan.is_empty() {
        m.push_str("No actions have been accepted into the plan yet.\n\n");
        return;
    }
    let health = report.health();
    let counts: Vec<String> = Standing::ALL
        .iter()
        .map(|s| format!("{} {}", health.count(*s), s.word()))
        .collect();
    let _ = writeln!(m, "{}: {}.\n", health.sentence(), counts.join(" · "));
    let late = report.late_in_order();
    for e in late.iter().take(SUMMARY_ITEMS) {
        let _ = writeln!(
            m,
            "- **{}** ({}): {}",
            escape(&e.row.action.title),
            escape(e.owner_or("no owner")),
            e.late_reasons()
        );
    }
    more_markdown(m, late.len());
    if !late.is_empty() {
        m.push('\n');
    }
}

fn more_markdown(m: &mut String, total: usize) {
    if total > SUMMARY_ITEMS {
        let _ = writeln!(
            m,
            "- and {} more in the detail below",
            total - SUMMARY_ITEMS
        );
    }
}

fn section_markdown(m: &mut String, report: &Report, s: &Section) {
    let e = &s.evaluation;
    let scale = &s.tool.scale;
    let p = progress(&s.tool, &s.judgements);
    let _ = writeln!(
        m,
        "## {} · {}\n",
        escape(&s.tool.title),
        escape_heading(&e.scope)
    );
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
        report,
        s,
        "Strengths",
        &s.strengths(),
        "None recorded this cycle.",
    );
    listed_markdown(
        m,
        report,
        s,
        "Weak statements",
        &s.weak(),
        "None: nothing was judged at or below the weak threshold.",
    );
    listed_markdown(m, report, s, "Left until next time", &s.deferred(), "None.");
}

fn listed_markdown(
    m: &mut String,
    report: &Report,
    s: &Section,
    heading: &str,
    items: &[Listed],
    empty: &str,
) {
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
        if item.confidential && report.confidential_included && !item.note.is_empty() {
            m.push_str("\n  *Confidential note:*\n");
        }
        note_paragraphs(m, &item.note);
        // A blank line between items: each item's note stays its own.
        m.push('\n');
    }
}

fn plan_markdown(m: &mut String, report: &Report) {
    m.push_str("## Improvement plan\n\n");
    if report.plan.is_empty() {
        m.push_str("No actions have been accepted into the plan yet.\n");
        return;
    }
    m.push_str(
        "Every accepted action, overdue first, then by its latest rating (red, amber, green), \
         then done and dropped.\n\n",
    );
    for entry in report.plan_in_order() {
        action_markdown(m, entry);
    }
}

fn action_markdown(m: &mut String, entry: &PlanEntry) {
    let a = &entry.row.action;
    let _ = writeln!(m, "### {}\n", escape_heading(&a.title));
    let standing = entry.standing();
    let _ = write!(m, "**{}**", capitalised(standing.word()));
    if let Some(c) = entry.last_rating_aside() {
        let _ = write!(
            m,
            " (last rated {} on {})",
            c.rag.as_str(),
            human_date(c.on)
        );
    }
    m.push_str("\n\n");
    let field = |m: &mut String, name: &str, value: String| {
        if !value.is_empty() {
            let _ = writeln!(m, "- {name}: {value}");
        }
    };
    for s in &entry.addressed {
        let text = if s.aspect.is_empty() {
            escape(&s.text)
        } else {
            format!("{} ({})", escape(&s.text), escape(&s.aspect))
        };
        field(m, "Statement", text);
    }
    field(m, "What will be done", lines(&a.description));
    field(m, "Why", lines(&a.reason));
    field(m, "Target group", lines(&a.target_group));
    let owner = match (a.owner.as_str(), a.owner_role) {
        ("", _) => "not set".to_string(),
        (who, Some(role)) => format!("{} ({})", escape(who), role.as_str()),
        (who, None) => escape(who),
    };
    field(m, "Owner", owner);
    field(m, "Checked by", escape(&a.checker));
    let when = match (a.start, a.due) {
        (Some(s), Some(d)) => format!("{} to {}", human_date(s), human_date(d)),
        (None, Some(d)) => format!("due {}", human_date(d)),
        (Some(s), None) => format!("from {}; no due date", human_date(s)),
        (None, None) => "no dates set".into(),
    };
    let when = if entry.overdue {
        format!("{when} (overdue)")
    } else {
        when
    };
    field(m, "When", when);
    for ms in &a.milestones {
        field(
            m,
            "Milestone",
            format!("{}: {}", human_date(ms.date), escape(&ms.text)),
        );
    }
    field(m, "Success criteria", lines(&a.success_criteria));
    field(m, "Impact check", lines(&a.impact_check));
    if let Some(next) = entry.next_check {
        let next = if entry.check_overdue {
            format!("overdue since {}", human_date(next))
        } else {
            format!("next {}", human_date(next))
        };
        field(m, "Check-ins", format!("{}; {next}", a.cadence.as_str()));
    }
    field(
        m,
        "Status",
        format!("{}; impact {}", a.status.as_str(), a.impact.as_str()),
    );
    let latest = match entry.last() {
        Some(c) if c.note.is_empty() => format!("{}, rated {}", human_date(c.on), c.rag.as_str()),
        Some(c) => format!(
            "{}, rated {}: {}",
            human_date(c.on),
            c.rag.as_str(),
            escape(&c.note)
        ),
        None => "none yet".into(),
    };
    field(m, "Latest check-in", latest);
    m.push('\n');
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_school_text_is_left_as_written() {
        for text in [
            "St Mary's & St John's (VA)",
            "Self-evaluation",
            "Y3-Y6",
            "snake_case_words",
            "50% of pupils + staff!",
            "[confidential note withheld]",
            "[a]: b is only a definition at the start of a line",
            "C# and 1. in the middle",
        ] {
            assert_eq!(escape(text), text);
        }
    }

    #[test]
    fn what_would_change_the_meaning_is_escaped() {
        assert_eq!(escape("*bold*"), "\\*bold\\*");
        assert_eq!(escape("_under_"), "\\_under\\_");
        assert_eq!(escape("[a](http://x)"), "[a\\](http://x)");
        assert_eq!(escape("<script>"), "\\<script>");
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape("&amp; &#38;"), "\\&amp; \\&#38;");
        assert_eq!(escape("~~gone~~"), "\\~\\~gone\\~\\~");
        assert_eq!(escape_line_start("# not a heading"), "\\# not a heading");
        assert_eq!(escape_line_start("- not a list"), "\\- not a list");
        assert_eq!(escape_line_start("2026. A year"), "2026\\. A year");
        assert_eq!(escape_line_start("---"), "\\---");
        assert_eq!(escape_line_start("[x]: http://evil"), "\\[x]: http://evil");
        assert_eq!(escape_line_start("[withheld]"), "[withheld]");
        assert_eq!(escape_line_start("-3 degrees"), "-3 degrees");
        assert_eq!(escape_heading("Room 101 #"), "Room 101 \\#");
    }
}
