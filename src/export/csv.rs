//! The report as CSV, one table per kind: UTF-8 with a byte order mark
//! (so Excel reads it as UTF-8), a header row, ISO dates, and cells that a
//! spreadsheet would run as a formula made inert.

use super::report::Report;
use crate::domain::evaluation::Mark;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvKind {
    Judgements,
    Actions,
    CheckIns,
}

impl CsvKind {
    pub const ALL: [CsvKind; 3] = [CsvKind::Judgements, CsvKind::Actions, CsvKind::CheckIns];

    pub fn file_name(self) -> &'static str {
        match self {
            CsvKind::Judgements => "judgements.csv",
            CsvKind::Actions => "actions.csv",
            CsvKind::CheckIns => "check-ins.csv",
        }
    }
}

/// A cell as written: line breaks become spaces, forbidden characters are
/// dropped, and then, if what is left would start a formula, an apostrophe
/// goes in front so spreadsheets show it as text instead of running it.
/// The guard looks at the text actually written, so a control character or
/// a bidi mark in front of `=` cannot hide the formula from it.
pub fn cell(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .filter(|c| !crate::text::is_forbidden(*c))
        .collect();
    if starts_formula(&clean) {
        format!("'{clean}")
    } else {
        clean
    }
}

/// True when the first character a spreadsheet would not skip is one that
/// starts a formula: = + - @, or their full-width forms (some spreadsheets
/// fold those to the ASCII ones on import).
fn starts_formula(text: &str) -> bool {
    text.chars()
        .find(|c| !skipped(*c))
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠'))
}

/// Spaces and characters that show nothing, which a spreadsheet may trim
/// or ignore before reading a formula.
fn skipped(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Tells Excel the file is UTF-8; without it, "…" shows as "â€¦".
pub const BOM: &str = "\u{FEFF}";

fn table(header: &[&str], rows: Vec<Vec<String>>) -> String {
    let mut w = csv::Writer::from_writer(BOM.as_bytes().to_vec());
    // Writing to memory fails only on a malformed record, which these are not.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| cell(c)));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

pub fn to_csv(report: &Report, kind: CsvKind) -> String {
    match kind {
        CsvKind::Judgements => judgements(report),
        CsvKind::Actions => actions(report),
        CsvKind::CheckIns => check_ins(report),
    }
}

fn judgements(report: &Report) -> String {
    let mut rows = Vec::new();
    for s in &report.sections {
        let e = &s.evaluation;
        for st in s.tool.statements() {
            let key = st.key(&s.tool.id);
            let j = s.judgements.get(&key).cloned().unwrap_or_default();
            let status = match j.mark() {
                Mark::Judged(_) => "judged",
                Mark::Deferred => "deferred",
                Mark::Open => "open",
            };
            let level = j.level;
            rows.push(vec![
                report.school.clone(),
                e.cycle.clone(),
                e.scope.clone(),
                s.tool.id.clone(),
                s.tool.version.to_string(),
                st.aspect.title.clone(),
                key.clone(),
                st.statement.text.clone(),
                status.into(),
                level.map(|l| l.to_string()).unwrap_or_default(),
                level
                    .and_then(|l| s.tool.scale.label(l))
                    .unwrap_or_default()
                    .into(),
                yes_no(level.is_some_and(|l| s.tool.scale.is_weak(l))),
                yes_no(j.carried_from.is_some() && level.is_some()),
                s.movement(&key)
                    .map(|m| m.word().to_string())
                    .unwrap_or_default(),
                j.rationale,
                j.evidence,
                j.defer_note,
            ]);
        }
    }
    table(
        &[
            "school",
            "cycle",
            "scope",
            "tool",
            "tool_version",
            "aspect",
            "statement_key",
            "statement",
            "status",
            "level",
            "level_label",
            "weak",
            "carried_forward",
            "movement",
            "rationale",
            "evidence_next_time",
            "defer_note",
        ],
        rows,
    )
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

fn date(d: Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn actions(report: &Report) -> String {
    let rows = report
        .plan
        .iter()
        .map(|e| {
            let a = &e.row.action;
            vec![
                a.id.to_string(),
                report.school.clone(),
                e.row.cycle.clone(),
                e.row.scope.clone(),
                a.title.clone(),
                a.statements.join("; "),
                a.owner.clone(),
                a.owner_role.map(|r| r.as_str()).unwrap_or_default().into(),
                a.checker.clone(),
                date(a.start),
                date(a.due),
                a.cadence.as_str().into(),
                a.status.as_str().into(),
                a.impact.as_str().into(),
                e.last().map(|c| c.rag.as_str()).unwrap_or_default().into(),
                date(e.last().map(|c| c.on)),
                date(e.next_check),
                yes_no(e.overdue),
                yes_no(e.check_overdue),
                e.standing().word().into(),
                a.success_criteria.clone(),
                a.impact_check.clone(),
            ]
        })
        .collect();
    table(
        &[
            "action_id",
            "school",
            "cycle",
            "scope",
            "title",
            "statements",
            "owner",
            "owner_role",
            "checker",
            "start",
            "due",
            "cadence",
            "status",
            "impact",
            "rag",
            "last_check_in",
            "next_check",
            "past_due_date",
            "check_overdue",
            "standing",
            "success_criteria",
            "impact_check",
        ],
        rows,
    )
}

fn check_ins(report: &Report) -> String {
    let rows = report
        .plan
        .iter()
        .flat_map(|e| {
            e.check_ins.iter().map(move |c| {
                vec![
                    c.action_id.to_string(),
                    e.row.action.title.clone(),
                    report.school.clone(),
                    c.on.to_string(),
                    c.rag.as_str().into(),
                    c.note.clone(),
                    c.impact_note.clone(),
                ]
            })
        })
        .collect();
    table(
        &[
            "action_id",
            "action",
            "school",
            "checked_on",
            "rag",
            "note",
            "impact_seen",
        ],
        rows,
    )
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn a_formula_behind_a_control_character_or_mark_is_guarded() {
        assert_eq!(
            cell("\u{1b}=HYPERLINK(\"http://x\")"),
            "'=HYPERLINK(\"http://x\")"
        );
        assert_eq!(cell("\u{202e}+1"), "'+1");
        assert_eq!(cell("\u{200b}@SUM(A1)"), "'\u{200b}@SUM(A1)");
        assert_eq!(cell("  -2+3"), "'  -2+3");
        assert_eq!(cell("\t=1"), "'=1");
        assert_eq!(cell("\n=1"), "' =1");
        assert_eq!(cell("＝1+1"), "'＝1+1");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        assert_eq!(cell("Phonics in Year 2"), "Phonics in Year 2");
        assert_eq!(cell("a = b"), "a = b");
        assert_eq!(cell(""), "");
        assert_eq!(cell("2026-11-22"), "2026-11-22");
    }
}
