//! Changes as a partner copy that may not see confidential notes receives
//! them: each recorded change is made again in an empty copy in memory,
//! with the text of confidential rows blank before and after, while a
//! session records it. What the partner gets is SQLite's own changeset of
//! that; a change to confidential text alone becomes no change at all.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::changeset::{self, Change, Op, Recorder};
use super::record::{column_names, TRAVELLING};
use super::sync::key_columns;

/// The text columns each table keeps blank for a partner who may not see
/// confidential notes, and whether a row is confidential by its own flag.
fn hidden_columns(table: &str) -> &'static [&'static str] {
    match table {
        "judgements" => &["rationale", "evidence", "defer_note"],
        "actions" => &["reason", "impact_check"],
        "checkins" => &["note", "impact_note"],
        "revisions" | "action_revisions" => &["old_value"],
        "conflicts" => &["kept", "other"],
        _ => &[],
    }
}

/// True unless the change is to the history of a field that is not a note
/// (a level, a status): those stay, whatever the row.
fn of_a_note(columns: &[String], change: &Change) -> bool {
    if !matches!(change.table.as_str(), "revisions" | "action_revisions") {
        return true;
    }
    let Some(i) = columns.iter().position(|c| c == "field") else {
        return true;
    };
    let field = change
        .new
        .get(i)
        .cloned()
        .flatten()
        .or_else(|| change.old.get(i).cloned().flatten());
    matches!(field, Some(Value::Text(f)) if matches!(
        f.as_str(),
        "rationale" | "evidence" | "defer_note" | "reason" | "impact_check" | WITHDRAWN
    ))
}

/// The history field that keeps a withdrawn check-in's day, colour and
/// notes. Its row is gone, and with it the check-in's own mark.
const WITHDRAWN: &str = "check-in withdrawn";

/// The actions whose confidential check-ins this changeset withdraws: the
/// deleted row still carries its mark, so the history row written in the
/// same change is known to hold confidential notes.
fn withdrawn_confidential(conn: &Connection, rows: &[Change]) -> rusqlite::Result<Vec<String>> {
    let mut actions = Vec::new();
    for change in rows
        .iter()
        .filter(|c| c.table == "checkins" && c.op == Op::Delete)
    {
        let columns = column_names(conn, "checkins")?;
        let at = |name: &str| columns.iter().position(|c| c == name);
        let marked = at("confidential").is_some_and(|i| is_one(change.old.get(i)));
        let action = at("action_uuid").and_then(|i| change.old.get(i).cloned().flatten());
        if let (true, Some(Value::Text(uuid))) = (marked, action) {
            actions.push(uuid);
        }
    }
    Ok(actions)
}

/// True for a history row that keeps the notes of a confidential check-in
/// withdrawn in the same change.
fn keeps_withdrawn_notes(columns: &[String], change: &Change, withdrawn: &[String]) -> bool {
    if change.table != "action_revisions" {
        return false;
    }
    let value = |name: &str| named_value(columns, change, name);
    matches!(value("field"), Some(Value::Text(f)) if f == WITHDRAWN)
        && matches!(value("action_uuid"), Some(Value::Text(a)) if withdrawn.contains(&a))
}

/// A column's value in the change: the new one, else the old.
fn named_value(columns: &[String], change: &Change, name: &str) -> Option<Value> {
    let i = columns.iter().position(|c| c == name)?;
    change
        .new
        .get(i)
        .cloned()
        .flatten()
        .or_else(|| change.old.get(i).cloned().flatten())
}

fn is_one(value: Option<&Option<Value>>) -> bool {
    matches!(value, Some(Some(Value::Integer(1))))
}

/// True when the row `change` is to is confidential, in the change or in
/// the file as it stands now.
fn confidential(conn: &Connection, columns: &[String], change: &Change) -> rusqlite::Result<bool> {
    let at = |name: &str| columns.iter().position(|c| c == name);
    let value = |name: &str| named_value(columns, change, name);
    if let Some(i) = at("confidential") {
        if is_one(change.new.get(i)) || is_one(change.old.get(i)) {
            return Ok(true);
        }
    }
    let text = |v: Option<Value>| match v {
        Some(Value::Text(t)) => t,
        _ => String::new(),
    };
    let found: Option<i64> = match change.table.as_str() {
        "judgements" | "revisions" => conn
            .query_row(
                "SELECT confidential FROM judgements WHERE evaluation_uuid = ?1 AND statement_key = ?2",
                [text(value("evaluation_uuid")), text(value("statement_key"))],
                |r| r.get(0),
            )
            .optional()?,
        "actions" | "checkins" => conn
            .query_row(
                &format!("SELECT confidential FROM {} WHERE uuid = ?1", change.table),
                [text(value("uuid"))],
                |r| r.get(0),
            )
            .optional()?,
        "action_revisions" => conn
            .query_row(
                "SELECT confidential FROM actions WHERE uuid = ?1",
                [text(value("action_uuid"))],
                |r| r.get(0),
            )
            .optional()?,
        // A conflict over a confidential row's note holds that note. An
        // update names only what it changed: the rest is read from the row.
        "conflicts" => {
            let stored: Option<(String, String, String, String)> = conn
                .query_row(
                    "SELECT table_name, row_uuid, statement_key, field FROM conflicts
                     WHERE uuid = ?1",
                    [text(value("uuid"))],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()?;
            let part = |name: &str, i: usize| {
                let given = text(value(name));
                match (&stored, given.is_empty()) {
                    (Some(row), true) => [&row.0, &row.1, &row.2, &row.3][i].clone(),
                    _ => given,
                }
            };
            let (table, row, statement, field) = (
                part("table_name", 0),
                part("row_uuid", 1),
                part("statement_key", 2),
                part("field", 3),
            );
            const NOTES: &[&str] = &[
                "rationale",
                "evidence",
                "defer_note",
                "reason",
                "impact_check",
                "note",
                "impact_note",
            ];
            if !NOTES.contains(&field.as_str()) {
                None
            } else if table == "judgements" {
                conn.query_row(
                    "SELECT confidential FROM judgements
                     WHERE evaluation_uuid = ?1 AND statement_key = ?2",
                    [row, statement],
                    |r| r.get(0),
                )
                .optional()?
            } else if table == "actions" || table == "checkins" {
                conn.query_row(
                    &format!("SELECT confidential FROM {table} WHERE uuid = ?1"),
                    [row],
                    |r| r.get(0),
                )
                .optional()?
            } else {
                None
            }
        }
        _ => None,
    };
    Ok(found == Some(1))
}

/// `set` as a partner who may not see confidential notes receives it.
pub(super) fn without_confidential(conn: &Connection, set: &[u8]) -> super::Result<Vec<u8>> {
    let session = |e| super::record::session_error(e);
    let rows = changeset::changes(set).map_err(session)?;
    let withdrawn = withdrawn_confidential(conn, &rows)?;
    let mut touched = Vec::new();
    for change in &rows {
        let columns = column_names(conn, &change.table)?;
        let hide = !hidden_columns(&change.table).is_empty()
            && of_a_note(&columns, change)
            && (keeps_withdrawn_notes(&columns, change, &withdrawn)
                || confidential(conn, &columns, change)?);
        touched.push((columns, hide));
    }
    if touched.iter().all(|(_, hide)| !hide) {
        return Ok(set.to_vec());
    }
    let mut scratch = Connection::open_in_memory()?;
    scratch.pragma_update(None, "foreign_keys", "OFF")?;
    super::schema::migrations().to_latest(&mut scratch)?;
    // The rows as they were before the change, where it had any; a column
    // the change does not name is taken from the file as it stands.
    let blank = |table: &str, hide: bool, name: &str, value: Value| -> Value {
        if hide && hidden_columns(table).contains(&name) {
            Value::Text(String::new())
        } else {
            value
        }
    };
    for (change, (columns, hide)) in rows.iter().zip(&touched) {
        if change.op == Op::Insert {
            continue;
        }
        let keys = key_columns(conn, &change.table)?;
        let condition = keys
            .iter()
            .enumerate()
            .map(|(n, k)| format!("\"{k}\" = ?{}", n + 1))
            .collect::<Vec<_>>()
            .join(" AND ");
        let key_values: Vec<Value> = keys
            .iter()
            .map(|k| {
                columns
                    .iter()
                    .position(|c| c == k)
                    .and_then(|i| change.old.get(i).cloned().flatten())
                    .unwrap_or(Value::Null)
            })
            .collect();
        let now: Option<Vec<Value>> = conn
            .query_row(
                &format!("SELECT * FROM \"{}\" WHERE {condition}", change.table),
                rusqlite::params_from_iter(key_values.iter()),
                |r| (0..columns.len()).map(|i| r.get::<_, Value>(i)).collect(),
            )
            .optional()?;
        let before: Vec<Value> = columns
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let v = change
                    .old
                    .get(i)
                    .cloned()
                    .flatten()
                    .or_else(|| now.as_ref().and_then(|n| n.get(i).cloned()))
                    .unwrap_or(Value::Null);
                blank(&change.table, *hide, name, v)
            })
            .collect();
        let marks = vec!["?"; columns.len()].join(", ");
        scratch.execute(
            &format!(
                "INSERT OR REPLACE INTO main.\"{}\" VALUES ({marks})",
                change.table
            ),
            rusqlite::params_from_iter(before),
        )?;
    }
    let recorder = Recorder::start(&scratch, TRAVELLING).map_err(session)?;
    for (change, (columns, hide)) in rows.iter().zip(&touched) {
        let table = change.table.as_str();
        let keys = key_columns(conn, table)?;
        let key_values: Vec<Value> = keys
            .iter()
            .map(|k| {
                let i = columns.iter().position(|c| c == k);
                i.and_then(|i| {
                    change
                        .old
                        .get(i)
                        .cloned()
                        .flatten()
                        .or_else(|| change.new.get(i).cloned().flatten())
                })
                .unwrap_or(Value::Null)
            })
            .collect();
        let condition = |from: usize| {
            keys.iter()
                .enumerate()
                .map(|(n, k)| format!("\"{k}\" = ?{}", from + n + 1))
                .collect::<Vec<_>>()
                .join(" AND ")
        };
        match change.op {
            Op::Insert => {
                let after: Vec<Value> = columns
                    .iter()
                    .enumerate()
                    .map(|(i, name)| {
                        let v = change.new.get(i).cloned().flatten().unwrap_or(Value::Null);
                        blank(table, *hide, name, v)
                    })
                    .collect();
                let marks = vec!["?"; columns.len()].join(", ");
                scratch.execute(
                    &format!("INSERT INTO main.\"{table}\" VALUES ({marks})"),
                    rusqlite::params_from_iter(after),
                )?;
            }
            Op::Delete => {
                scratch.execute(
                    &format!("DELETE FROM main.\"{table}\" WHERE {}", condition(0)),
                    rusqlite::params_from_iter(key_values),
                )?;
            }
            Op::Update => {
                let mut sets: Vec<(String, Value)> = columns
                    .iter()
                    .enumerate()
                    .filter(|(_, name)| !keys.contains(name))
                    .filter_map(|(i, name)| {
                        let v = change.new.get(i).cloned().flatten()?;
                        Some((name.clone(), blank(table, *hide, name, v)))
                    })
                    .collect();
                // A note no longer confidential goes to the partner now: its
                // text as it stands, in place of the blank the partner has.
                let at = |name: &str| columns.iter().position(|c| c == name);
                let revealed = at("confidential").is_some_and(|i| {
                    is_one(change.old.get(i))
                        && matches!(change.new.get(i), Some(Some(Value::Integer(0))))
                });
                if revealed {
                    let names = hidden_columns(table).join("\", \"");
                    let condition_now = condition(0);
                    let now: Option<Vec<Value>> = conn
                        .query_row(
                            &format!("SELECT \"{names}\" FROM \"{table}\" WHERE {condition_now}"),
                            rusqlite::params_from_iter(key_values.iter()),
                            |r| {
                                (0..hidden_columns(table).len())
                                    .map(|i| r.get::<_, Value>(i))
                                    .collect()
                            },
                        )
                        .optional()?;
                    if let Some(now) = now {
                        for (name, value) in hidden_columns(table).iter().zip(now) {
                            sets.retain(|(n, _)| n != name);
                            sets.push((name.to_string(), value));
                        }
                    }
                }
                if sets.is_empty() {
                    continue;
                }
                let assignments = sets
                    .iter()
                    .enumerate()
                    .map(|(n, (name, _))| format!("\"{name}\" = ?{}", n + 1))
                    .collect::<Vec<_>>()
                    .join(", ");
                let values: Vec<Value> =
                    sets.into_iter().map(|(_, v)| v).chain(key_values).collect();
                let from = values.len() - keys.len();
                scratch.execute(
                    &format!(
                        "UPDATE main.\"{table}\" SET {assignments} WHERE {}",
                        condition(from)
                    ),
                    rusqlite::params_from_iter(values),
                )?;
            }
        }
    }
    let out = recorder.changeset().map_err(session)?;
    Ok(out)
}
