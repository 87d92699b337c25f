//! The governors' report as one self-contained HTML page: inline CSS and
//! SVG, no scripts, nothing fetched. Every piece of user text is escaped.
//!
//! It opens with a summary that prints on one A4 page (every evaluation of
//! the cycle, strengths, the weakest areas and the plan's health), then
//! gives the detail of each evaluation, then every action in full.

use std::fmt::Write;

use jiff::civil::Date;

use crate::domain::evaluation::{progress, Listed};
use crate::domain::tool::Scale;

use super::chart;
use super::human_date;
use super::report::{PlanEntry, Report, Section, Standing};

const STYLE: &str = "
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; color: #1d1d1f;
  max-width: 52rem; margin: 0 auto; padding: 1rem; overflow-wrap: break-word; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #d0d4da; padding-bottom: .2rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
.meta, .muted { color: #5a6270; }
.notice { background: #fff4d6; border-left: 4px solid #e0a800; padding: .4rem .7rem; }
.confidential { border: 2px solid #8c1d18; color: #8c1d18; font-weight: 700; padding: .4rem .7rem;
  text-transform: uppercase; letter-spacing: .03em; }
time { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0; }
th, td { text-align: left; vertical-align: top; padding: .3rem .4rem; border-bottom: 1px solid #e3e6ea; }
th { font-size: .85rem; color: #5a6270; }
td.bar-cell { width: 19rem; }
ul { padding-left: 1.2rem; }
li { margin: .35rem 0; }
.level { font-weight: 600; white-space: nowrap; }
.weak { color: #b3261e; }
.strong { color: #1e4f8c; }
.tag { font-weight: 700; text-transform: uppercase; font-size: .75rem; padding: .05rem .35rem;
  border-radius: 3px; border: 1px solid currentColor; white-space: nowrap; }
.standing-overdue { background: #fbd5d2; color: #8c1d18; }
.standing-red { background: #fbd5d2; color: #8c1d18; }
.standing-amber { background: #ffe9bf; color: #6b4100; }
.standing-green { background: #d7f0dc; color: #1e5b2c; }
.standing-no-check-in-yet, .standing-done, .standing-dropped { background: #eef0f3; color: #3d4450; }
.late { color: #b3261e; font-weight: 600; }
svg.bar { display: block; width: 100%; max-width: 300px; height: auto; }
svg.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
svg.swatch { vertical-align: -2px; margin-right: .25rem; }
.legend { font-size: .85rem; }
.legend span { display: inline-block; margin-right: .8rem; white-space: nowrap; }
.health { display: flex; flex-wrap: wrap; gap: .4rem; padding: 0; list-style: none; }
.health li { margin: 0; padding: .25rem .5rem; border-radius: 4px; border: 1px solid #c9ced6; }
.health strong { font-size: 1.1rem; margin-right: .2rem; }
.summary h3 { margin-top: .9rem; }
.summary ul { margin: .2rem 0; }
.summary li { margin: .15rem 0; }
article.action { border-top: 1px solid #d0d4da; padding: .5rem 0 .3rem; }
article.action h3 { margin: .2rem 0 .3rem; }
dl.fields { display: grid; grid-template-columns: 11rem minmax(0, 1fr); gap: .15rem .8rem; margin: .3rem 0; }
dl.fields dt { color: #5a6270; }
dl.fields dd { margin: 0; }
dl.fields ul { margin: 0; }
dl.fields li { margin: 0 0 .15rem; }
td.count { white-space: nowrap; }
@media (max-width: 40rem) {
  body { padding: .6rem; font-size: 14px; }
  table, thead, tbody, tr, th, td { display: block; width: auto; }
  td.bar-cell { width: auto; }
  thead { display: none; }
  tr { border-bottom: 1px solid #d0d4da; padding: .3rem 0; }
  td { border: 0; padding: .1rem 0; }
  td[data-label]::before { content: attr(data-label) ': '; color: #5a6270; }
  dl.fields { grid-template-columns: minmax(0, 1fr); }
  dl.fields dd { margin-bottom: .3rem; }
}
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { margin-top: 1.2rem; }
  .summary { break-after: page; page-break-after: always; font-size: 9pt; }
  .summary h1 { font-size: 1.4rem; }
  .summary h2 { margin-top: .6rem; }
  .summary h3 { margin: .5rem 0 .2rem; }
  .summary th, .summary td { padding: .1rem .3rem; }
  .summary svg.bar { max-width: 230px; }
  .summary td.bar-cell { width: 235px; }
  .summary.crowded table { font-size: 8pt; }
  .summary.crowded svg.bar { max-width: 140px; }
  .summary.crowded td.bar-cell { width: 145px; }
  .summary .block { break-inside: avoid; page-break-inside: avoid; }
  .summary th { white-space: nowrap; }
  .summary .health li { padding: .1rem .4rem; }
  .summary .lead-on { display: none; }
  h2 + p, h3 + p { break-inside: avoid; page-break-inside: avoid; }
  .plan > p { break-after: avoid; page-break-after: avoid; }
  .plan > p + article { break-before: avoid; page-break-before: avoid; }
  tr, li, dl.fields > * { break-inside: avoid; page-break-inside: avoid; }
  article.action h3 + p { break-after: avoid; page-break-after: avoid; }
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

/// Text as a CSS string literal, safe inside a `<style>` element: quotes
/// and backslashes are escaped, and `<` and `>` are written as escapes so
/// nothing can close the element.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3c "),
            '>' => out.push_str("\\3e "),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() || crate::text::is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A date for people, kept on one line, with the ISO date for machines.
fn date(d: Date) -> String {
    format!("<time datetime=\"{d}\">{}</time>", human_date(d))
}

/// The page rules for print: A4, page numbers, the school and cycle in
/// the footer, and the confidential mark on every page when it applies.
fn page_style(report: &Report) -> String {
    // Kept short, so the page number beside it stays on one line.
    let footer = css_string(&crate::text::wrap::shorten(
        &format!("{} · {}", report.school, report.cycle),
        70,
    ));
    let mut css = format!(
        "@page {{ size: A4; margin: 14mm 14mm 18mm;\n  \
         @bottom-left {{ content: {footer}; font: 8pt system-ui, sans-serif; color: #5a6270; }}\n  \
         @bottom-right {{ content: \"Page \" counter(page) \" of \" counter(pages); \
         font: 8pt system-ui, sans-serif; color: #5a6270; }}\n"
    );
    if report.confidential_included {
        css.push_str(
            "  @top-center { content: \"CONTAINS CONFIDENTIAL NOTES\"; \
             font: 700 9pt system-ui, sans-serif; color: #8c1d18; }\n",
        );
    }
    css.push_str("}\n");
    css
}

pub fn to_html(report: &Report) -> String {
    let mut h = String::new();
    let title = format!("{} · {} self-evaluation", report.school, report.cycle);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}{}</style>\n</head>\n<body>\n{}\n",
        escape(&title),
        page_style(report),
        chart::pattern_defs()
    );
    summary_html(&mut h, report);
    for section in &report.sections {
        section_html(&mut h, report, section);
    }
    plan_html(&mut h, report);
    h.push_str("</body>\n</html>\n");
    h
}

/// How many strengths, weak areas and late actions the summary names
/// before pointing to the detail: fewer as the cycle has more evaluations,
/// each of which takes a row, and more scales, each with its legend, so the
/// summary stays on one A4 page.
fn summary_items(evaluations: usize, scales: usize) -> usize {
    (30usize.saturating_sub(2 * evaluations + 2 * scales.saturating_sub(1)) / 3).clamp(1, 5)
}

fn summary_html(h: &mut String, report: &Report) {
    let most = summary_items(report.sections.len(), distinct_scales(report).len());
    let _ = writeln!(
        h,
        "<section class=\"summary{}\">\n<header>\n<h1>{}</h1>\n\
         <p class=\"meta\">Self-evaluation report for governors · {} · written {}</p>",
        // Many evaluations: a smaller table, so the summary keeps to a page.
        if report.sections.len() > 4 {
            " crowded"
        } else {
            ""
        },
        escape(&report.school),
        escape(&report.cycle),
        date(report.today)
    );
    if report.confidential_included {
        h.push_str(
            "<p class=\"confidential\">Contains confidential notes: not for circulation \
             beyond those entitled to see them.</p>\n",
        );
    } else if report.withheld > 0 {
        let _ = writeln!(
            h,
            "<p class=\"notice\">{} confidential note{} left out of this report.</p>",
            report.withheld,
            if report.withheld == 1 { " is" } else { "s are" }
        );
    }
    h.push_str("</header>\n<h2>Summary</h2>\n<h3>This cycle&#39;s evaluations</h3>\n");
    h.push_str(
        "<table>\n<thead><tr><th>Evaluation</th><th>Judged</th><th>Spread</th>\
         <th>Strengths</th><th>Weak</th></tr></thead>\n<tbody>\n",
    );
    for s in &report.sections {
        let p = progress(&s.tool, &s.judgements);
        let bar = chart::bar(&chart::segments(&s.spread(), &s.tool.scale), escape);
        let _ = writeln!(
            h,
            "<tr><td data-label=\"Evaluation\"><strong>{}</strong> · {}</td>\
             <td class=\"count\" data-label=\"Judged\">{} of {}</td><td class=\"bar-cell\" data-label=\"Spread\">{bar}</td>\
             <td data-label=\"Strengths\">{}</td><td data-label=\"Weak\">{}</td></tr>",
            escape(&s.tool.title),
            escape(&s.evaluation.scope),
            p.judged,
            p.total(),
            s.strengths().len(),
            s.weak().len()
        );
    }
    h.push_str("</tbody>\n</table>\n");
    legends_html(h, report);

    let strengths = report.strengths();
    h.push_str("<div class=\"block\">\n<h3>Strengths</h3>\n");
    if strengths.is_empty() {
        h.push_str("<p class=\"muted\">None recorded this cycle.</p>\n");
    } else {
        h.push_str("<ul>\n");
        for (s, item) in strengths.iter().take(most) {
            let _ = writeln!(
                h,
                "<li>{} <span class=\"muted\">({} · {})</span></li>",
                escape(&item.text),
                escape(&s.tool.title),
                escape(&item.aspect)
            );
        }
        more_html(h, strengths.len(), most);
        h.push_str("</ul>\n");
    }

    h.push_str("</div>\n");
    let areas = report.weakest_areas(usize::MAX);
    h.push_str("<div class=\"block\">\n<h3>The weakest areas</h3>\n");
    if areas.is_empty() {
        h.push_str("<p class=\"muted\">Nothing was judged weak this cycle.</p>\n");
    } else {
        h.push_str("<ul>\n");
        for a in areas.iter().take(most) {
            let _ = writeln!(
                h,
                "<li><strong>{}</strong> <span class=\"muted\">({} · {})</span>: \
                 {} of {} judged statements weak</li>",
                escape(&a.aspect),
                escape(&a.tool),
                escape(&a.scope),
                a.weak,
                a.judged
            );
        }
        more_html(h, areas.len(), most);
        h.push_str("</ul>\n");
    }

    h.push_str("</div>\n");
    let health = report.health();
    h.push_str("<div class=\"block\">\n<h3>The plan&#39;s health</h3>\n");
    if report.plan.is_empty() {
        h.push_str("<p class=\"muted\">No actions have been accepted into the plan yet.</p>\n");
    } else {
        let _ = writeln!(h, "<p>{}.</p>\n<ul class=\"health\">", health.sentence());
        for standing in Standing::ALL {
            let _ = writeln!(
                h,
                "<li class=\"{}\"><strong>{}</strong> {}</li>",
                standing_class(standing),
                health.count(standing),
                standing.word()
            );
        }
        h.push_str("</ul>\n");
        let late = report.late_in_order();
        if !late.is_empty() {
            h.push_str("<ul>\n");
            for e in late.iter().take(most) {
                let _ = writeln!(
                    h,
                    "<li><strong>{}</strong> ({}): <span class=\"late\">{}</span></li>",
                    escape(&e.row.action.title),
                    escape(e.owner_or("no owner")),
                    e.late_reasons_with(date)
                );
            }
            more_html(h, late.len(), most);
            h.push_str("</ul>\n");
        }
    }
    h.push_str("</div>\n");
    h.push_str(
        "<p class=\"muted lead-on\">The detail of each evaluation and every action in full follow.</p>\n\
         </section>\n",
    );
}

fn more_html(h: &mut String, total: usize, shown: usize) {
    if total > shown {
        let _ = writeln!(
            h,
            "<li class=\"muted\">and {} more in the detail below</li>",
            total - shown
        );
    }
}

/// One legend per distinct scale in the cycle.
/// One legend per distinct scale in the cycle, with the swatches every
/// scale shares (left until next time, not yet judged) once, after them.
fn legends_html(h: &mut String, report: &Report) {
    let scales = distinct_scales(report);
    for (i, scale) in scales.iter().enumerate() {
        legend_html(h, scale, i + 1 == scales.len());
    }
}

fn distinct_scales(report: &Report) -> Vec<&Scale> {
    let mut shown: Vec<&Scale> = Vec::new();
    for s in &report.sections {
        let scale = &s.tool.scale;
        if !shown.iter().any(|seen| seen.levels == scale.levels) {
            shown.push(scale);
        }
    }
    shown
}

fn legend_html(h: &mut String, scale: &Scale, shared: bool) {
    h.push_str("<p class=\"legend\">");
    for (i, label) in scale.levels.iter().enumerate() {
        let level = i as u8 + 1;
        let _ = write!(
            h,
            "<span>{}{level} {}</span>",
            chart::swatch(chart::level_fill(scale.levels.len(), level)),
            escape(label)
        );
    }
    if shared {
        let _ = write!(
            h,
            "<span>{}left until next time</span><span>{}not yet judged</span>",
            chart::swatch(chart::DEFERRED),
            chart::swatch(chart::NOT_JUDGED)
        );
    }
    h.push_str("</p>\n");
}

fn section_html(h: &mut String, report: &Report, s: &Section) {
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
        let bar = chart::bar(&chart::segments(&row.spread, scale), escape);
        let _ = write!(
            h,
            "<tr><td data-label=\"Aspect\">{}</td><td class=\"bar-cell\" data-label=\"Spread\">{bar}</td>",
            escape(&row.spread.title)
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
    h.push_str("</tbody>\n</table>\n");
    legend_html(h, scale, true);
    listed_html(
        h,
        report,
        s,
        "Strengths",
        &s.strengths(),
        "None recorded this cycle.",
    );
    listed_html(
        h,
        report,
        s,
        "Weak statements",
        &s.weak(),
        "None: nothing was judged at or below the weak threshold.",
    );
    listed_html(h, report, s, "Left until next time", &s.deferred(), "None.");
    h.push_str("</section>\n");
}

fn listed_html(
    h: &mut String,
    report: &Report,
    s: &Section,
    heading: &str,
    items: &[Listed],
    empty: &str,
) {
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
            h.push_str("<br>");
            if item.confidential && report.confidential_included {
                h.push_str("<span class=\"tag standing-red\">confidential</span> ");
            }
            h.push_str(&escape(&item.note));
        }
        h.push_str("</li>\n");
    }
    h.push_str("</ul>\n");
}

fn standing_class(standing: Standing) -> String {
    format!("standing-{}", standing.word().replace(' ', "-"))
}

/// The tag that says where an action stands. A late action reads
/// "overdue", never green, with its last rating said beside it.
fn standing_html(entry: &PlanEntry) -> String {
    let standing = entry.standing();
    let tag = format!(
        "<span class=\"tag {}\">{}</span>",
        standing_class(standing),
        standing.word()
    );
    match entry.last_rating_aside() {
        Some(c) => format!(
            "{tag} <span class=\"muted\">last rated {} on {}</span>",
            c.rag.as_str(),
            date(c.on)
        ),
        None => tag,
    }
}

fn plan_html(h: &mut String, report: &Report) {
    h.push_str("<section class=\"plan\">\n<h2>Improvement plan</h2>\n");
    if report.plan.is_empty() {
        h.push_str(
            "<p class=\"muted\">No actions have been accepted into the plan yet.</p>\n</section>\n",
        );
        return;
    }
    h.push_str(
        "<p class=\"muted\">Every accepted action, overdue first, then by its latest rating \
         (red, amber, green), then done and dropped.</p>\n",
    );
    for entry in report.plan_in_order() {
        action_html(h, entry);
    }
    h.push_str("</section>\n");
}

fn action_html(h: &mut String, entry: &PlanEntry) {
    let a = &entry.row.action;
    let _ = writeln!(
        h,
        "<article class=\"action\">\n<h3>{}</h3>\n<p>{}</p>\n<dl class=\"fields\">",
        escape(&a.title),
        standing_html(entry)
    );
    let field = |h: &mut String, name: &str, value: String| {
        if !value.is_empty() {
            let _ = writeln!(h, "<dt>{name}</dt><dd>{value}</dd>");
        }
    };
    let statements: Vec<String> = entry
        .addressed
        .iter()
        .map(|s| {
            if s.aspect.is_empty() {
                format!("<li>{}</li>", escape(&s.text))
            } else {
                format!(
                    "<li>{} <span class=\"muted\">({})</span></li>",
                    escape(&s.text),
                    escape(&s.aspect)
                )
            }
        })
        .collect();
    if !statements.is_empty() {
        field(
            h,
            if statements.len() == 1 {
                "Statement"
            } else {
                "Statements"
            },
            format!("<ul>{}</ul>", statements.concat()),
        );
    }
    field(h, "What will be done", escape(&a.description));
    field(h, "Why", escape(&a.reason));
    field(h, "Target group", escape(&a.target_group));
    let owner = match (a.owner.as_str(), a.owner_role) {
        ("", _) => "<span class=\"muted\">not set</span>".to_string(),
        (who, Some(role)) => format!("{} ({})", escape(who), role.as_str()),
        (who, None) => escape(who),
    };
    field(h, "Owner", owner);
    field(h, "Checked by", escape(&a.checker));
    let when = match (a.start, a.due) {
        (Some(s), Some(d)) => format!("{} to {}", date(s), date(d)),
        (None, Some(d)) => format!("due {}", date(d)),
        (Some(s), None) => format!("from {}; no due date", date(s)),
        (None, None) => "<span class=\"muted\">no dates set</span>".into(),
    };
    let when = if entry.overdue {
        format!("{when} <span class=\"late\">(overdue)</span>")
    } else {
        when
    };
    field(h, "When", when);
    if !a.milestones.is_empty() {
        let items: Vec<String> = a
            .milestones
            .iter()
            .map(|m| format!("<li>{}: {}</li>", date(m.date), escape(&m.text)))
            .collect();
        field(h, "Milestones", format!("<ul>{}</ul>", items.concat()));
    }
    field(h, "Success criteria", escape(&a.success_criteria));
    field(h, "Impact check", escape(&a.impact_check));
    if let Some(next) = entry.next_check {
        let next = if entry.check_overdue {
            format!("<span class=\"late\">overdue since {}</span>", date(next))
        } else {
            format!("next {}", date(next))
        };
        field(h, "Check-ins", format!("{}; {next}", a.cadence.as_str()));
    }
    field(
        h,
        "Status",
        format!("{}; impact {}", a.status.as_str(), a.impact.as_str()),
    );
    let latest = match entry.last() {
        Some(c) => {
            let mut text = format!("{}, rated {}", date(c.on), c.rag.as_str());
            if !c.note.is_empty() {
                let _ = write!(text, ": {}", escape(&c.note));
            }
            text
        }
        None => "<span class=\"muted\">none yet</span>".into(),
    };
    field(h, "Latest check-in", latest);
    h.push_str("</dl>\n</article>\n");
}
