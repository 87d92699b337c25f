//! The report across schools, for a liaison or a trust: for each tool, the
//! share of weak statements in each aspect of each school's newest cycle
//! with its movement since the cycle before; the statements weak in
//! several schools; and each school's plan health, most concerning first.
//! As HTML (a page that stands alone), Markdown or CSV.

use std::fmt::Write;

use crate::domain::across::{Across, Movement, Share};

fn cell_text(share: Share, m: Movement) -> String {
    let moved = m.label();
    if moved.is_empty() {
        share.label()
    } else {
        format!("{} {moved}", share.label())
    }
}

const KEY: &str = "Each cell is the share of the aspect's judged statements that are weak in the school's newest cycle; ↓ fewer weak than the cycle before (better), ↑ more (worse), by that many points.";

pub fn to_markdown(view: &Across) -> String {
    use super::markdown::escape;
    let mut m = String::from("# Across schools\n\n");
    let _ = writeln!(m, "{}\n", escape(KEY));
    for grid in &view.grids {
        let _ = writeln!(m, "## {}\n", escape(&grid.tool));
        let _ = write!(m, "| School | Cycle |");
        for a in &grid.aspects {
            let _ = write!(m, " {} |", escape(a));
        }
        m.push_str("\n|---|---|");
        m.push_str(&"---|".repeat(grid.aspects.len()));
        m.push('\n');
        for row in &grid.rows {
            let _ = write!(
                m,
                "| {} · {} | {} |",
                escape(&row.school),
                escape(&row.scope),
                escape(&row.cycle)
            );
            for (share, moved) in &row.cells {
                let _ = write!(m, " {} |", escape(&cell_text(*share, *moved)));
            }
            m.push('\n');
        }
        m.push('\n');
    }
    m.push_str("## Weak in several schools\n\n");
    if view.shared.is_empty() {
        m.push_str("No statement is weak in more than one school.\n\n");
    }
    for s in &view.shared {
        let _ = writeln!(
            m,
            "- **{} schools**: {} ({} · {}): {}",
            s.schools.len(),
            escape(&s.statement),
            escape(&s.tool),
            escape(&s.aspect),
            escape(&s.schools.join(", "))
        );
    }
    m.push_str("\n## Plan health, most concerning first\n\n");
    m.push_str("| School | Open | Checks overdue | Red | Past due |\n|---|---|---|---|---|\n");
    for h in &view.health {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} | {} |",
            escape(&h.school),
            h.open,
            h.overdue_checks,
            h.red,
            h.past_due
        );
    }
    m
}

/// One row per school, scope, tool and aspect, then none for the rest: a
/// spreadsheet sorts and filters it. Plan health goes in its own columns
/// on every row of the school.
pub fn to_csv(view: &Across) -> String {
    let mut w = csv::Writer::from_writer(super::csv::BOM.as_bytes().to_vec());
    let _ = w.write_record([
        "school",
        "scope",
        "cycle",
        "tool",
        "aspect",
        "weak",
        "judged",
        "weak_percent",
        "movement_points",
        "open_actions",
        "checks_overdue",
        "red",
        "past_due",
    ]);
    for grid in &view.grids {
        for row in &grid.rows {
            let health = view.health.iter().find(|h| h.school == row.school);
            for (aspect, (share, moved)) in grid.aspects.iter().zip(&row.cells) {
                let points = match moved {
                    Movement::Better(n) => format!("-{n}"),
                    Movement::Worse(n) => format!("+{n}"),
                    Movement::Same => "0".into(),
                    Movement::Unknown => String::new(),
                };
                let count = |f: fn(&crate::domain::across::PlanHealth) -> usize| {
                    health.map(|h| f(h).to_string()).unwrap_or_default()
                };
                let record = [
                    super::csv::cell(&row.school),
                    super::csv::cell(&row.scope),
                    super::csv::cell(&row.cycle),
                    super::csv::cell(&grid.tool),
                    super::csv::cell(aspect),
                    share.weak.to_string(),
                    share.judged.to_string(),
                    share.percent().map(|p| p.to_string()).unwrap_or_default(),
                    points,
                    count(|h| h.open),
                    count(|h| h.overdue_checks),
                    count(|h| h.red),
                    count(|h| h.past_due),
                ];
                let _ = w.write_record(&record);
            }
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn to_html(view: &Across) -> String {
    use super::html::escape;
    let mut h = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Across schools</title>\n<style>\n\
         body { font-family: system-ui, sans-serif; max-width: 70rem; margin: 1rem auto; padding: 0 1rem; color: #1d2330; }\n\
         table { border-collapse: collapse; margin-bottom: 1.5rem; }\n\
         th, td { border: 1px solid #c8cdd5; padding: .25rem .5rem; text-align: left; }\n\
         td.n { text-align: right; font-variant-numeric: tabular-nums; }\n\
         .worse { color: #9b1c1c; } .better { color: #1c5b9b; }\n\
         </style>\n</head>\n<body>\n<h1>Across schools</h1>\n",
    );
    let _ = writeln!(h, "<p>{}</p>", escape(KEY));
    for grid in &view.grids {
        let _ = writeln!(
            h,
            "<h2>{}</h2>\n<table>\n<tr><th>School</th><th>Cycle</th>",
            escape(&grid.tool)
        );
        for a in &grid.aspects {
            let _ = write!(h, "<th>{}</th>", escape(a));
        }
        h.push_str("</tr>\n");
        for row in &grid.rows {
            let _ = write!(
                h,
                "<tr><td>{} · {}</td><td>{}</td>",
                escape(&row.school),
                escape(&row.scope),
                escape(&row.cycle)
            );
            for (share, moved) in &row.cells {
                let class = match moved {
                    Movement::Better(_) => " better",
                    Movement::Worse(_) => " worse",
                    _ => "",
                };
                let _ = write!(
                    h,
                    "<td class=\"n{class}\">{}</td>",
                    escape(&cell_text(*share, *moved))
                );
            }
            h.push_str("</tr>\n");
        }
        h.push_str("</table>\n");
    }
    h.push_str("<h2>Weak in several schools</h2>\n");
    if view.shared.is_empty() {
        h.push_str("<p>No statement is weak in more than one school.</p>\n");
    } else {
        h.push_str("<ul>\n");
        for s in &view.shared {
            let _ = writeln!(
                h,
                "<li><strong>{} schools</strong>: {} ({} · {}): {}</li>",
                s.schools.len(),
                escape(&s.statement),
                escape(&s.tool),
                escape(&s.aspect),
                escape(&s.schools.join(", "))
            );
        }
        h.push_str("</ul>\n");
    }
    h.push_str(
        "<h2>Plan health, most concerning first</h2>\n<table>\n\
         <tr><th>School</th><th>Open</th><th>Checks overdue</th><th>Red</th><th>Past due</th></tr>\n",
    );
    for p in &view.health {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&p.school),
            p.open,
            p.overdue_checks,
            p.red,
            p.past_due
        );
    }
    h.push_str("</table>\n</body>\n</html>\n");
    h
}
