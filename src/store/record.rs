//! Every user change recorded as it is made: the session extension records
//! the change's rows, and the changeset is stored in `changes`, tagged with
//! the school it belongs to and this copy's next number, in the change's own
//! transaction, so what is recorded can never disagree with what was saved.

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use super::changeset::{self, Change, Recorder};
use super::{now, StoreError};

/// The tables whose rows travel between copies, parents before children.
pub const TRAVELLING: &[&str] = &[
    "schools",
    "evaluations",
    "judgements",
    "revisions",
    "actions",
    "action_statements",
    "milestones",
    "checkins",
    "action_revisions",
    "conflicts",
];

/// How a travelling table's row leads to its school: the column that names
/// its parent, and what the parent is.
enum Parent {
    /// The row is the school.
    Itself,
    School(&'static str),
    Evaluation(&'static str),
    Action(&'static str),
}

fn parent_of(table: &str) -> Option<Parent> {
    Some(match table {
        "schools" => Parent::Itself,
        "evaluations" | "conflicts" => Parent::School("school_uuid"),
        "judgements" | "revisions" => Parent::Evaluation("evaluation_uuid"),
        "actions" => Parent::Evaluation("evaluation_uuid"),
        "action_statements" | "milestones" | "checkins" | "action_revisions" => {
            Parent::Action("action_uuid")
        }
        _ => return None,
    })
}

/// The names of a table's columns, in the order a changeset gives values.
pub(super) fn column_names(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
        .query_map([table], |r| r.get(0))?
        .collect()
}

fn text(value: Option<&Option<Value>>) -> Option<String> {
    match value {
        Some(Some(Value::Text(t))) => Some(t.clone()),
        _ => None,
    }
}

/// The school a changed row belongs to: read from the change where it
/// names it, else from the row as it stands.
pub(super) fn school_of(conn: &Connection, change: &Change) -> rusqlite::Result<Option<String>> {
    let Some(parent) = parent_of(&change.table) else {
        return Ok(None);
    };
    let columns = column_names(conn, &change.table)?;
    let value_of = |name: &str| -> Option<String> {
        let i = columns.iter().position(|c| c == name)?;
        text(change.new.get(i)).or_else(|| text(change.old.get(i)))
    };
    let column = match parent {
        Parent::Itself => return Ok(value_of("uuid")),
        Parent::School(c) | Parent::Evaluation(c) | Parent::Action(c) => c,
    };
    let parent_uuid = match value_of(column) {
        Some(v) => Some(v),
        // An update names only the key and what it changed.
        None => match value_of("uuid") {
            Some(uuid) => conn
                .query_row(
                    &format!("SELECT {column} FROM {} WHERE uuid = ?1", change.table),
                    [uuid],
                    |r| r.get(0),
                )
                .optional()?,
            None => None,
        },
    };
    let Some(parent_uuid) = parent_uuid else {
        return Ok(None);
    };
    match parent {
        Parent::School(_) | Parent::Itself => Ok(Some(parent_uuid)),
        Parent::Evaluation(_) => conn
            .query_row(
                "SELECT school_uuid FROM evaluations WHERE uuid = ?1",
                [parent_uuid],
                |r| r.get(0),
            )
            .optional(),
        Parent::Action(_) => conn
            .query_row(
                "SELECT e.school_uuid FROM actions a
                 JOIN evaluations e ON e.uuid = a.evaluation_uuid WHERE a.uuid = ?1",
                [parent_uuid],
                |r| r.get(0),
            )
            .optional(),
    }
}

/// Starts recording the travelling tables for one transaction.
pub(super) fn start<'c>(tx: &'c Transaction<'_>) -> super::Result<Recorder<'c>> {
    Recorder::start(tx, TRAVELLING).map_err(session_error)
}

pub(super) fn session_error(e: changeset::SessionError) -> StoreError {
    StoreError::Conflict(format!(
        "The change could not be recorded for the partner copy ({e}); nothing was saved."
    ))
}

/// Stores what `recorder` holds as this copy's next change, one entry per
/// school it touches (a change touches one school; a change to several
/// would be refused, since its rows could not go to one partner alone).
pub(super) fn finish(tx: &Transaction<'_>, recorder: Recorder<'_>) -> super::Result<()> {
    if recorder.is_empty() {
        return Ok(());
    }
    let set = recorder.changeset().map_err(session_error)?;
    drop(recorder);
    if set.is_empty() {
        return Ok(());
    }
    let rows = changeset::changes(&set).map_err(session_error)?;
    let mut schools: Vec<String> = Vec::new();
    for change in &rows {
        if let Some(school) = school_of(tx, change)? {
            if !schools.contains(&school) {
                schools.push(school);
            }
        }
    }
    let school = match schools.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(StoreError::Conflict(
                "The change belongs to no school, so it could not be recorded; nothing was saved."
                    .into(),
            ))
        }
        _ => {
            return Err(StoreError::Conflict(
                "The change touches more than one school, so it could not be recorded for one partner; nothing was saved."
                    .into(),
            ))
        }
    };
    let copy = this_copy(tx)?;
    tx.execute(
        "INSERT INTO changes (copy, seq, school_uuid, changeset, made_at, stamp)
         VALUES (?1, (SELECT coalesce(max(seq), 0) + 1 FROM changes
                      WHERE copy = ?1 AND school_uuid = ?2), ?2, ?3, ?4,
                 max(?5, (SELECT coalesce(max(stamp), 0) + 1 FROM changes)))",
        params![copy, school, set, now(), now_stamp()],
    )?;
    Ok(())
}

/// Now, in nanoseconds since 1970.
pub(super) fn now_stamp() -> i64 {
    jiff::Timestamp::now().as_nanosecond() as i64
}

/// The setting that names this copy in the changes it makes, when it is not
/// the database's identity: a file restored from a backup is a new copy,
/// so the changes it makes next are never mistaken for ones made before.
pub(super) const COPY_KEY: &str = "copy_id";

/// This copy's identity, made now if the file has none yet.
pub(super) fn this_copy(conn: &Connection) -> super::Result<String> {
    let own: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [COPY_KEY],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = own {
        return Ok(id);
    }
    if let Some(id) = super::identity::read_identity(conn) {
        return Ok(id);
    }
    let id = super::identity::new_identity();
    conn.execute(
        "INSERT OR IGNORE INTO settings (key, value) VALUES ('database_id', ?1)",
        [&id],
    )?;
    super::identity::read_identity(conn)
        .ok_or_else(|| StoreError::Missing("This database has no identity yet.".into()))
}
