//! The governors' report as one self-contained HTML page: inline CSS and
//! SVG, no scripts, nothing fetched. Every piece of user text is escaped.

use std::fmt::Write;

use crate::domain::evaluation::{progress, Listed};
use crate::domain::tool::Scale;

use super::report::{PlanEntry, Report, Section};

const STYLE: &str = "
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d1d1f;
  max-width: 52rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #d0d4da; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.meta, .muted { color: #5a6270; }
.notice { background: #fff4d6; border-left: 4px solid #e0a800; padding: .4rem .7rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .4rem; border-bottom: 1px solid #e3e6ea; }
th { font-size: .85rem; color: #5a6270; }
ul { padding-left: 1.2rem; }
li { margin: .35rem 0; }
.level { font-weight: 600; white-space: nowrap; }
.weak { color: #b3261e; }
.strong { color: #1e6b30; }
.rag { font-weight: 600; text-transform: uppercase; font-size: .8rem; padding: 0 .3rem; border-radius: 3px; }
.rag-green { background: #d7f0dc; color: #1e6b30; }
.rag-amber { background: #ffe9bf; color: #7a4a00; }
.rag-red { background: #fbd5d2; color: #8c1d18; }
.late { color: #b3261e; font-weight: 600; }
svg { display: block; max-width: 100%; height: auto; }
.legend span { display: inline-block; margin-right: .8rem; font-size: .85rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-right: .25rem; vertical-align: -1px; }
@media (max-width: 40rem) {
  body { padding: .6rem; font-size: 14px; }
  table, thead, tbody, tr, th, td { display: block; width: auto; }
  thead { display: none; }
  tr { border-bottom: 1px solid #d0d4da; padding: .3rem 0; }
  td { border: 0; padding: .1rem 0; }
  td[data-label]::before { content: attr(data-label) ': '; color: #5a6270; }
}
@media print {
  @page { size: A4; margin: 15mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
";

/// Escapes text for HTML and drops characters that must never be shown.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c if crate::text::is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// A colour for each level: reds for weak, greens for strengths.
fn level_colour(scale: &Scale, level: u8) -> &'static str {
    if scale.is_weak(level) {
        if level == 1 {
            "#c62828"
        } else {
            "#ef6c00"
        }
    } else if scale.is_strong(level) {
        "#2e7d32"
    } else {
        "#9e9d24"
    }
}

const DEFERRED_COLOUR: &str = "#8e99a8";
const LEFT_COLOUR: &str = "#e3e6ea";

pub fn to_html(report: &Report) -> String {
    let mut h = String::new();
    let title = format!("{} · {} self-evaluation", report.school, report.cycle);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title)
    );
    let _ = writeln!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">Self-evaluation report · {} · written {}</p>",
        escape(&report.school),
        escape(&report.cycle),
        report.today
    );
    if report.withheld > 0 {
        let _ = writeln!(
            h,
            "<p class=\"notice\">{} confidential note{} left out of this report.</p>",
            report.withheld,
            if report.withheld == 1 { " is" } else { "s are" }
        );
    } else if report.confidential_included {
        h.push_str("<p class=\"notice\">This copy includes confidential notes.</p>\n");
    }
    h.push_str("</header>\n");
    for section in &report.sections {
        section_html(&mut h, section);
    }
    plan_html(&mut h, report);
    h.push_str("</body>\n</html>\n");
    h
}

fn section_html(h: &mut String, s: &Section) {
    let e = &s.evaluation;
    let scale = &s.tool.scale;
    let p = progress(&s.tool, &s.judgements);
    let _ = writeln!(
        h,
        "<section>\n<h2>{} · {}</h2>",
        escape(&s.tool.title),
        escape(&e.scope)
    );
    let (room, builds) = (escape(s.room()), escape(&s.lineage()));
    let _ = writeln!(
        h,
        "<p class=\"meta\">In the room: {room}. Tool version {}. {builds}</p>\n\
         <p>{} of {} statements judged, {} left until next time, {} not yet judged.</p>",
        s.tool.version,
        p.judged,
        p.total(),
        p.deferred,
        p.left
    );
    h.push_str("<h3>Judgements by aspect</h3>\n<table>\n<thead><tr><th>Aspect</th><th>Spread over the scale</th>");
    if let Some((before, _)) = &s.previous {
        let _ = write!(h, "<th>Since {}</th>", escape(&before.cycle));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for row in s.aspects() {
        let spread = &row.spread;
        let total: usize = spread.at_level.iter().sum::<usize>() + spread.deferred + spread.left;
        let mut svg = format!(
            "<svg viewBox=\"0 0 240 16\" width=\"240\" height=\"16\" role=\"img\"><title>{}</title>",
            escape(&spread_words(spread, scale))
        );
        let mut x = 0.0;
        let unit = if total == 0 {
            0.0
        } else {
            240.0 / total as f64
        };
        let mut segment = |count: usize, colour: &str| {
            if count > 0 {
                let w = unit * count as f64;
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"0\" width=\"{w:.1}\" height=\"16\" fill=\"{colour}\"/>"
                );
                x += w;
            }
        };
        for (i, count) in spread.at_level.iter().enumerate() {
            segment(*count, level_colour(scale, i as u8 + 1));
        }
        segment(spread.deferred, DEFERRED_COLOUR);
        segment(spread.left, LEFT_COLOUR);
        svg.push_str("</svg>");
        let _ = write!(
            h,
            "<tr><td data-label=\"Aspect\">{}</td><td data-label=\"Spread\">{svg}</td>",
            escape(&spread.title)
        );
        if s.previous.is_some() {
            let _ = write!(
                h,
                "<td data-label=\"Movement\">{} up · {} down · {} same</td>",
                row.up, row.down, row.same
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n<p class=\"legend\">");
    for (i, label) in scale.levels.iter().enumerate() {
        let _ = write!(
            h,
            "<span><i style=\"background:{}\"></i>{} {}</span>",
            level_colour(scale, i as u8 + 1),
            i + 1,
            escape(label)
        );
    }
    let _ = writeln!(
        h,
        "<span><i style=\"background:{DEFERRED_COLOUR}\"></i>left until next time</span>\
         <span><i style=\"background:{LEFT_COLOUR}\"></i>not yet judged</span></p>"
    );
    listed_html(
        h,
        s,
        "Strengths",
        &s.strengths(),
        "None recorded this cycle.",
    );
    listed_html(
        h,
        s,
        "Weak statements",
        &s.weak(),
        "None: nothing was judged at or below the weak threshold.",
    );
    listed_html(h, s, "Left until next time", &s.deferred(), "None.");
    h.push_str("</section>\n");
}

fn spread_words(spread: &crate::domain::evaluation::AspectSpread, scale: &Scale) -> String {
    let mut parts: Vec<String> = spread
        .at_level
        .iter()
        .enumerate()
        .filter(|(_, c)| **c > 0)
        .map(|(i, c)| format!("{c} at {}", scale.label(i as u8 + 1).unwrap_or("?")))
        .collect();
    if spread.deferred > 0 {
        parts.push(format!("{} left until next time", spread.deferred));
    }
    if spread.left > 0 {
        parts.push(format!("{} not yet judged", spread.left));
    }
    parts.join(", ")
}

fn listed_html(h: &mut String, s: &Section, heading: &str, items: &[Listed], empty: &str) {
    let _ = writeln!(h, "<h3>{heading} ({})</h3>", items.len());
    if items.is_empty() {
        let _ = writeln!(h, "<p class=\"muted\">{empty}</p>");
        return;
    }
    h.push_str("<ul>\n");
    let scale = &s.tool.scale;
    for item in items {
        let _ = write!(
            h,
            "<li><strong>{}</strong> <span class=\"muted\">({})</span>",
            escape(&item.text),
            escape(&item.aspect)
        );
        if let Some(level) = item.level {
            let class = if scale.is_weak(level) {
                "weak"
            } else if scale.is_strong(level) {
                "strong"
            } else {
                ""
            };
            let _ = write!(
                h,
                " <span class=\"level {class}\">{level} {}</span>",
                escape(scale.label(level).unwrap_or("?"))
            );
            if let Some(m) = s.movement(&item.key) {
                let _ = write!(
                    h,
                    " <span class=\"muted\">{} {}</span>",
                    m.arrow(),
                    m.word()
                );
            }
            if item.carried {
                h.push_str(" <span class=\"muted\">(carried forward)</span>");
            }
        }
        if !item.note.is_empty() {
            let _ = write!(h, "<br>{}", escape(&item.note));
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ul>\n");
}

fn rag_html(entry: &PlanEntry) -> String {
    match entry.last() {
        Some(c) => format!("<span class=\"rag rag-{0}\">{0}</span>", c.rag.as_str()),
        None => "<span class=\"muted\">no check-in yet</span>".into(),
    }
}

fn plan_html(h: &mut String, report: &Report) {
    h.push_str("<section>\n<h2>Improvement plan</h2>\n");
    if report.plan.is_empty() {
        h.push_str(
            "<p class=\"muted\">No actions have been accepted into the plan yet.</p>\n</section>\n",
        );
        return;
    }
    h.push_str(
        "<table>\n<thead><tr><th>Action</th><th>Owner</th><th>Due</th><th>RAG</th>\
         <th>Status</th><th>Impact</th><th>Latest check-in</th></tr></thead>\n<tbody>\n",
    );
    for entry in &report.plan {
        let a = &entry.row.action;
        let due = match a.due {
            Some(d) if entry.overdue => format!("<span class=\"late\">{d} (overdue)</span>"),
            Some(d) => d.to_string(),
            None => "<span class=\"muted\">not set</span>".into(),
        };
        let latest = match entry.last() {
            Some(c) if c.note.is_empty() => c.on.to_string(),
            Some(c) => format!("{}: {}", c.on, escape(&c.note)),
            None => String::new(),
        };
        let _ = writeln!(
            h,
            "<tr><td data-label=\"Action\"><strong>{}</strong><br><span class=\"muted\">{}</span></td>\
             <td data-label=\"Owner\">{}</td><td data-label=\"Due\">{due}</td>\
             <td data-label=\"RAG\">{}</td><td data-label=\"Status\">{}</td>\
             <td data-label=\"Impact\">{}</td><td data-label=\"Latest\">{latest}</td></tr>",
            escape(&a.title),
            escape(&a.success_criteria),
            escape(entry.owner_or("not set")),
            rag_html(entry),
            a.status.as_str(),
            a.impact.as_str(),
        );
    }
    h.push_str("</tbody>\n</table>\n<h3>Overdue</h3>\n");
    let late: Vec<String> = report
        .plan
        .iter()
        .filter(|e| e.is_late())
        .map(|e| {
            format!(
                "<li><strong>{}</strong> ({}): {}</li>",
                escape(&e.row.action.title),
                escape(e.owner_or("no owner")),
                e.late_reasons()
            )
        })
        .collect();
    if late.is_empty() {
        h.push_str("<p class=\"muted\">Nothing is overdue.</p>\n");
    } else {
        let _ = writeln!(h, "<ul>\n{}\n</ul>", late.join("\n"));
    }
    h.push_str("</section>\n");
}
