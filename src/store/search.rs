//! Finding notes through SQLite's full-text indexes (schema 6): the notes
//! of judgements, the titles of actions and the notes of check-ins. A
//! search reads only the newest matching rows of each kind, however many
//! the file holds; the finder then ranks them.

use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::domain::evaluation::Evaluation;
use crate::domain::plan::{Rag, Stage, Status};
use crate::text::folded;

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

/// The full-text indexes, each over its own table's rows.
pub(super) const SEARCH_INDEXES: [&str; 3] =
    ["judgement_search", "action_search", "checkin_search"];

/// The full-text indexes whose entries do not agree with their tables
/// (SQLite's own check of each, which reads and splits every note: slow on
/// a large file, so it runs beside the app, never before a change).
pub(super) fn damaged_search_indexes(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    use rusqlite::ErrorCode::DatabaseCorrupt;
    let mut damaged = Vec::new();
    for index in SEARCH_INDEXES {
        let found = conn.query_row(&format!("PRAGMA integrity_check({index})"), [], |r| {
            r.get::<_, String>(0)
        });
        match found {
            Ok(ok) if ok == "ok" => {}
            Ok(_) => damaged.push(index.to_string()),
            Err(e) if e.sqlite_error_code() == Some(DatabaseCorrupt) => {
                damaged.push(index.to_string())
            }
            Err(e) => return Err(e),
        }
    }
    Ok(damaged)
}

/// A failed read of a full-text index: damage there is named as such, since
/// the notes themselves are sound and the index can be rebuilt from them.
fn index_error(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => StoreError::SearchIndexDamaged,
        _ => e.into(),
    }
}

/// The longest word beginning the indexes hold an entry of their own for
/// (`prefix = '1 2 3'`, schema 8). A longer word is first looked up by its
/// first letters, which is as quick however many notes hold it, and the
/// rows found are read to keep those where the whole word begins a word.
const INDEXED_PREFIX: usize = 3;

/// How many rows may be read, per row wanted, when a longer word was looked
/// up by its first letters only. When that many do not give enough, the
/// index is asked for the whole words instead, which is exact.
const READ_PER_WANTED: usize = 8;

/// At most this many words go to the index; every typed word is checked.
const MAX_INDEXED_WORDS: usize = 16;

/// The words typed, lower case, cut at anything that is not a letter or a
/// digit: the same cut the index makes (it also folds accents itself).
fn raw_words(typed: &str) -> Vec<String> {
    typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A full-text query in which every word must begin a word of the note
/// (`"word"*`, quoted so no character acts as query syntax), each word cut
/// to its first `cut` letters if given. `None` when nothing typed can begin
/// a word.
fn expression(words: &[String], cut: Option<usize>) -> Option<String> {
    let terms: Vec<String> = words
        .iter()
        .take(MAX_INDEXED_WORDS)
        .map(|w| {
            let start: String = match cut {
                Some(n) => w.chars().take(n).collect(),
                None => w.clone(),
            };
            format!("\"{}\"*", start.replace('"', ""))
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The full-text query the finder starts with: every typed word by its
/// first three letters at most.
pub fn match_expression(typed: &str) -> Option<String> {
    expression(&raw_words(typed), Some(INDEXED_PREFIX))
}

/// Whether every one of `words` (folded) begins a word of `text`.
fn begins_words(text: &str, words: &[String]) -> bool {
    let text = folded(text);
    let own: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words
        .iter()
        .all(|w| own.iter().any(|o| o.starts_with(w.as_str())))
}

fn unknown(column: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, format!("{column}={value}"), rusqlite::types::Type::Text)
}

/// One kind of note to search: its index, and how to read a row it finds.
struct Kind<'a, T> {
    index: &'a str,
    /// Reads the row of this rowid, if it is to be shown: `None` for one
    /// left out (a discarded draft).
    read: &'a str,
    from_row: fn(&rusqlite::Row<'_>) -> rusqlite::Result<Option<T>>,
    /// The text the typed words must begin words of.
    text: fn(&T) -> String,
}

impl Store {
    /// The newest `limit` judgements, actions and check-ins (each) whose
    /// notes hold every word typed, as word beginnings. Discarded drafts are
    /// left out.
    pub fn search_notes(&self, typed: &str, limit: usize) -> super::Result<Found> {
        let raw = raw_words(typed);
        let (Some(first), Some(whole)) = (
            expression(&raw, Some(INDEXED_PREFIX)),
            expression(&raw, None),
        ) else {
            return Ok(Found::default());
        };
        let words: Vec<String> = raw.iter().map(|w| folded(w)).collect();
        let cut = raw.iter().any(|w| w.chars().count() > INDEXED_PREFIX);
        // An evaluation's columns first, as the store reads them everywhere.
        let judgement_read = format!(
            "SELECT {}, j.statement_key, j.rationale, j.evidence, j.defer_note, j.confidential
             FROM judgements j
             JOIN evaluations e ON e.uuid = j.evaluation_uuid
             JOIN schools s ON s.uuid = e.school_uuid
             WHERE j.rowid = ?1 AND e.removed_at IS NULL",
            super::evaluations::EVALUATION_COLUMNS
        );
        let search = Search {
            store: self,
            first: &first,
            whole: cut.then_some(whole.as_str()),
            words: &words,
            limit,
        };
        Ok(Found {
            judgements: search.newest(&Kind {
                index: "judgement_search",
                read: &judgement_read,
                from_row: |r| {
                    Ok(Some(FoundJudgement {
                        evaluation: super::evaluations::evaluation_from(r)?,
                        statement_key: r.get(9)?,
                        rationale: r.get(10)?,
                        evidence: r.get(11)?,
                        defer_note: r.get(12)?,
                        confidential: r.get::<_, i64>(13)? != 0,
                    }))
                },
                text: |j| format!("{} {} {}", j.rationale, j.evidence, j.defer_note),
            })?,
            actions: search.newest(&Kind {
                index: "action_search",
                read: "SELECT a.rowid, a.title, a.status, a.stage, s.name, e.scope, e.cycle
                 FROM actions a
                 JOIN evaluations e ON e.uuid = a.evaluation_uuid
                 JOIN schools s ON s.uuid = e.school_uuid
                 WHERE a.rowid = ?1 AND e.removed_at IS NULL",
                from_row: |r| {
                    let status: String = r.get(2)?;
                    let stage: String = r.get(3)?;
                    if Stage::parse(&stage) == Some(Stage::Discarded) {
                        return Ok(None);
                    }
                    Ok(Some(FoundAction {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        status: Status::parse(&status).ok_or_else(|| unknown("status", &status))?,
                        school: r.get(4)?,
                        scope: r.get(5)?,
                        cycle: r.get(6)?,
                    }))
                },
                text: |a| a.title.clone(),
            })?,
            check_ins: search.newest(&Kind {
                index: "checkin_search",
                read: "SELECT c.rowid, a.rowid, a.title, c.checked_on, c.rag, c.note,
                        c.impact_note, c.confidential, a.stage
                 FROM checkins c JOIN actions a ON a.uuid = c.action_uuid
                 WHERE c.rowid = ?1",
                from_row: |r| {
                    let stage: String = r.get(8)?;
                    if Stage::parse(&stage) == Some(Stage::Discarded) {
                        return Ok(None);
                    }
                    let rag: String = r.get(4)?;
                    Ok(Some(FoundCheckIn {
                        id: r.get(0)?,
                        action_id: r.get(1)?,
                        action_title: r.get(2)?,
                        on: r.get(3)?,
                        rag: Rag::parse(&rag).ok_or_else(|| unknown("rag", &rag))?,
                        note: r.get(5)?,
                        impact_note: r.get(6)?,
                        confidential: r.get::<_, i64>(7)? != 0,
                    }))
                },
                text: |c| format!("{} {}", c.note, c.impact_note),
            })?,
        })
    }

    /// Builds the full-text indexes again from their tables, in one
    /// change: what repairs a damaged index, since the notes are whole.
    pub fn rebuild_search_indexes(&mut self) -> super::Result<()> {
        self.write(|tx| {
            for index in SEARCH_INDEXES {
                tx.execute_batch(&format!("INSERT INTO {index} ({index}) VALUES ('rebuild')"))?;
            }
            Ok(())
        })
    }

    /// The newest evaluation that uses a tool, if any: where a tool or
    /// statement found by the finder leads.
    pub fn newest_evaluation_of_tool(&self, tool_id: &str) -> super::Result<Option<i64>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid FROM evaluations WHERE tool_id = ?1 AND removed_at IS NULL
             ORDER BY created_at DESC, rowid DESC LIMIT 1",
        )?;
        Ok(stmt.query_row([tool_id], |r| r.get(0)).optional()?)
    }
}

/// One search's words and bounds, run over each kind of note.
struct Search<'a> {
    store: &'a Store,
    /// Every word by its first letters: quick, and may find rows that do
    /// not hold the whole words.
    first: &'a str,
    /// Every word whole, when some word was longer than its first letters:
    /// exact, and as slow as the words are common.
    whole: Option<&'a str>,
    /// Every typed word, folded, checked against each row read.
    words: &'a [String],
    limit: usize,
}

impl Search<'_> {
    /// The newest `limit` rows of one kind that hold every word. The index
    /// hands over row ids newest first, by the words' first letters, and
    /// each row is read and checked as its id comes, until enough are found.
    /// If a bounded number of rows does not give enough, rows further back
    /// may still hold the words: the index is then asked for the whole
    /// words, so nothing that matches is missed.
    fn newest<T>(&self, kind: &Kind<'_, T>) -> super::Result<Vec<T>> {
        let Some(whole) = self.whole else {
            return Ok(self.scan(kind, self.first, self.limit)?.0);
        };
        let bound = self.limit.saturating_mul(READ_PER_WANTED);
        let (found, complete) = self.scan(kind, self.first, bound)?;
        if complete || found.len() >= self.limit {
            return Ok(found);
        }
        Ok(self.scan(kind, whole, usize::MAX)?.0)
    }

    /// Rows for `expression`, newest first, reading at most `bound` ids:
    /// the rows that hold every word, and whether the index had no more.
    fn scan<T>(
        &self,
        kind: &Kind<'_, T>,
        expression: &str,
        bound: usize,
    ) -> super::Result<(Vec<T>, bool)> {
        let conn = &self.store.conn;
        let mut ids = conn.prepare_cached(&format!(
            "SELECT rowid FROM {index} WHERE {index} MATCH ?1 ORDER BY rowid DESC LIMIT ?2",
            index = kind.index
        ))?;
        let bound_sql = i64::try_from(bound).unwrap_or(i64::MAX);
        let mut ids = ids
            .query(params![expression, bound_sql])
            .map_err(index_error)?;
        let mut read = conn.prepare_cached(kind.read)?;
        let mut found = Vec::new();
        let mut seen = 0;
        while found.len() < self.limit {
            let Some(id) = ids.next().map_err(index_error)? else {
                return Ok((found, seen < bound));
            };
            seen += 1;
            let id: i64 = id.get(0)?;
            let row = read.query_row([id], kind.from_row).optional()?.flatten();
            if let Some(row) = row.filter(|r| begins_words(&(kind.text)(r), self.words)) {
                found.push(row);
            }
        }
        Ok((found, false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_are_looked_up_by_their_first_letters_and_then_checked_whole() {
        assert_eq!(
            match_expression("Phonics, ré").as_deref(),
            Some("\"pho\"* \"ré\"*")
        );
        assert_eq!(match_expression(" ,; "), None);
        let words: Vec<String> = raw_words("phonics ÉCOLE")
            .iter()
            .map(|w| folded(w))
            .collect();
        assert!(begins_words("L'école: phonics-based reading", &words));
        assert!(!begins_words("phonetic school", &words));
        assert!(!begins_words("the école uses phonology", &words));
    }
}
