//! Finding notes through SQLite's full-text indexes (schema 6): the notes
//! of judgements, the titles of actions and the notes of check-ins. A
//! search reads only the newest matching rows of each kind, however many
//! the file holds; the finder then ranks them.

use rusqlite::params;

use super::Store;
use crate::domain::evaluation::Evaluation;
use crate::domain::plan::{Rag, Stage, Status};

/// The notes of one judgement that matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundJudgement {
    pub evaluation: Evaluation,
    pub statement_key: String,
    pub rationale: String,
    pub evidence: String,
    pub defer_note: String,
    pub confidential: bool,
}

/// An action whose title matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundAction {
    pub id: i64,
    pub title: String,
    pub status: Status,
    pub school: String,
    pub scope: String,
    pub cycle: String,
}

/// A check-in whose notes matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundCheckIn {
    pub id: i64,
    pub action_id: i64,
    pub action_title: String,
    pub on: String,
    pub rag: Rag,
    pub note: String,
    pub impact_note: String,
    pub confidential: bool,
}

/// What one search found, newest first within each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub judgements: Vec<FoundJudgement>,
    pub actions: Vec<FoundAction>,
    pub check_ins: Vec<FoundCheckIn>,
}

/// The full-text query for what was typed: every word must begin a word of
/// the note (`"word"*`, quoted so no character acts as query syntax).
/// `None` when nothing typed can begin a word.
pub fn match_expression(typed: &str) -> Option<String> {
    let words: Vec<String> = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

fn unknown(column: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, format!("{column}={value}"), rusqlite::types::Type::Text)
}

impl Store {
    /// The newest `limit` judgements, actions and check-ins (each) whose
    /// notes hold every word typed, as word beginnings. Discarded drafts are
    /// left out.
    pub fn search_notes(&self, typed: &str, limit: usize) -> super::Result<Found> {
        let Some(expression) = match_expression(typed) else {
            return Ok(Found::default());
        };
        let limit = limit as i64;
        let mut judgements = self.conn.prepare_cached(
            "SELECT e.id, e.school_id, s.name, e.tool_id, e.tool_version, e.scope, e.cycle,
                    e.attendees, e.created_at, j.statement_key, j.rationale, j.evidence,
                    j.defer_note, j.confidential
             FROM (SELECT rowid AS found FROM judgement_search WHERE judgement_search MATCH ?1
                   ORDER BY rowid DESC LIMIT ?2)
             JOIN judgements j ON j.rowid = found
             JOIN evaluations e ON e.id = j.evaluation_id
             JOIN schools s ON s.id = e.school_id
             ORDER BY found DESC",
        )?;
        let judgements = judgements
            .query_map(params![expression, limit], |r| {
                Ok(FoundJudgement {
                    evaluation: Evaluation {
                        id: r.get(0)?,
                        school_id: r.get(1)?,
                        school_name: r.get(2)?,
                        tool_id: r.get(3)?,
                        tool_version: r.get(4)?,
                        scope: r.get(5)?,
                        cycle: r.get(6)?,
                        attendees: r.get(7)?,
                        created_at: r.get(8)?,
                    },
                    statement_key: r.get(9)?,
                    rationale: r.get(10)?,
                    evidence: r.get(11)?,
                    defer_note: r.get(12)?,
                    confidential: r.get::<_, i64>(13)? != 0,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let mut actions = self.conn.prepare_cached(
            "SELECT a.id, a.title, a.status, a.stage, s.name, e.scope, e.cycle
             FROM (SELECT rowid AS found FROM action_search WHERE action_search MATCH ?1
                   ORDER BY rowid DESC LIMIT ?2)
             JOIN actions a ON a.id = found
             JOIN evaluations e ON e.id = a.evaluation_id
             JOIN schools s ON s.id = e.school_id
             ORDER BY found DESC",
        )?;
        let actions = actions
            .query_map(params![expression, limit], |r| {
                let status: String = r.get(2)?;
                let stage: String = r.get(3)?;
                Ok((
                    FoundAction {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        status: Status::parse(&status).ok_or_else(|| unknown("status", &status))?,
                        school: r.get(4)?,
                        scope: r.get(5)?,
                        cycle: r.get(6)?,
                    },
                    Stage::parse(&stage),
                ))
            })?
            .filter_map(|row| match row {
                Ok((_, Some(Stage::Discarded))) => None,
                Ok((found, _)) => Some(Ok(found)),
                Err(e) => Some(Err(e)),
            })
            .collect::<rusqlite::Result<_>>()?;
        let mut check_ins = self.conn.prepare_cached(
            "SELECT c.id, c.action_id, a.title, c.checked_on, c.rag, c.note, c.impact_note,
                    c.confidential
             FROM (SELECT rowid AS found FROM checkin_search WHERE checkin_search MATCH ?1
                   ORDER BY rowid DESC LIMIT ?2)
             JOIN checkins c ON c.id = found
             JOIN actions a ON a.id = c.action_id
             WHERE a.stage != 'discarded'
             ORDER BY found DESC",
        )?;
        let check_ins = check_ins
            .query_map(params![expression, limit], |r| {
                let rag: String = r.get(4)?;
                Ok(FoundCheckIn {
                    id: r.get(0)?,
                    action_id: r.get(1)?,
                    action_title: r.get(2)?,
                    on: r.get(3)?,
                    rag: Rag::parse(&rag).ok_or_else(|| unknown("rag", &rag))?,
                    note: r.get(5)?,
                    impact_note: r.get(6)?,
                    confidential: r.get::<_, i64>(7)? != 0,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Found {
            judgements,
            actions,
            check_ins,
        })
    }

    /// The newest evaluation that uses a tool, if any: where a tool or
    /// statement found by the finder leads.
    pub fn newest_evaluation_of_tool(&self, tool_id: &str) -> super::Result<Option<i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT max(id) FROM evaluations WHERE tool_id = ?1")?;
        Ok(stmt.query_row([tool_id], |r| r.get(0))?)
    }
}
