//! Two copies, one record: a school's changes written into bundles for its
//! partner copy, and bundles from the partner applied here, each in one
//! transaction, all of it or nothing.
//!
//! A change arriving here is applied with SQLite's session extension. Where
//! both copies changed the same field since they last exchanged, neither
//! value is lost: the later edit's value is kept for now (the same on both
//! copies, whichever exchanges first), the other waits in `conflicts` for a
//! person to choose, and the choice travels back like any other change.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::changeset::{self, Change, Conflict, Conflicting, Op, Resolution};
use super::record::{column_names, school_of, this_copy, TRAVELLING};
use super::{now, Store, StoreError};
use crate::bundle::{Bundle, Entry, EntryHead, Header, Kind, ToolRow, FORMAT};

/// What one bundle brought, counted for the person who synced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Arrived {
    pub school: String,
    pub evaluations: usize,
    pub judgements: usize,
    pub actions: usize,
    pub check_ins: usize,
    /// Check-ins made before and changed (a colour, a note).
    pub check_ins_changed: usize,
    pub conflicts: usize,
    /// Changes carried that this copy had already.
    pub already: usize,
    /// Changes applied.
    pub applied: usize,
    /// True when the bundle started this school here.
    pub started: bool,
}

impl Arrived {
    /// In words, as a sentence starts (never with the school's name, whose
    /// case is its own): "3 check-ins from Oakfield, 1 action changed".
    pub fn summary(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        if self.started {
            return format!("Started {} here from its partner's record", self.school);
        }
        if self.applied == 0 {
            return format!("Nothing new from {}", self.school);
        }
        let mut parts = Vec::new();
        if self.check_ins > 0 {
            parts.push(format!(
                "{} from {}",
                plural(self.check_ins, "check-in", "check-ins"),
                self.school
            ));
        } else {
            parts.push(format!(
                "{} from {}",
                plural(self.applied, "change", "changes"),
                self.school
            ));
        }
        if self.check_ins_changed > 0 {
            parts.push(plural(
                self.check_ins_changed,
                "check-in changed",
                "check-ins changed",
            ));
        }
        if self.actions > 0 {
            parts.push(plural(self.actions, "action changed", "actions changed"));
        }
        if self.judgements > 0 {
            parts.push(plural(
                self.judgements,
                "judgement changed",
                "judgements changed",
            ));
        }
        if self.evaluations > 0 {
            parts.push(plural(
                self.evaluations,
                "new evaluation",
                "new evaluations",
            ));
        }
        if self.conflicts > 0 {
            parts.push(plural(self.conflicts, "conflict", "conflicts"));
        }
        parts.join(", ")
    }
}

/// A school linked to a partner copy, as home shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub school_id: i64,
    pub school_uuid: String,
    pub school: String,
    pub folder: String,
    pub confidential: bool,
    pub exchanged_at: Option<String>,
    /// This copy's changes of the school not yet written for the partner.
    pub waiting: usize,
    pub last_arrived: String,
}

/// A field both copies changed, waiting for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenConflict {
    pub id: i64,
    pub school: String,
    /// What the field belongs to, in words ("action: Teach phonics daily").
    pub what: String,
    pub field: String,
    pub kept: Option<String>,
    pub other: Option<String>,
}

/// Why a bundle is refused, finishing "The bundle NAME ...".
fn refuse(why: impl Into<String>) -> StoreError {
    StoreError::Conflict(why.into())
}

pub(super) fn key_columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk")?
        .query_map([table], |r| r.get(0))?
        .collect()
}

fn as_text(value: &Option<Value>) -> Option<String> {
    match value {
        Some(Value::Text(t)) => Some(t.clone()),
        Some(Value::Integer(i)) => Some(i.to_string()),
        Some(Value::Real(r)) => Some(r.to_string()),
        Some(Value::Blob(b)) => Some(format!("{} bytes", b.len())),
        Some(Value::Null) | None => None,
    }
}

/// Nothing written yet: the value a new row starts with.
fn is_blank(value: &Option<Value>) -> bool {
    matches!(value, None | Some(Value::Null) | Some(Value::Integer(0)))
        || matches!(value, Some(Value::Text(t)) if t.is_empty())
}

/// The same key on every copy for a disagreement about one field: one
/// conflict per field, holding the latest two values.
fn conflict_key(table: &str, row: &str, field: &str) -> String {
    let mut hash = Sha256::new();
    for part in [table, row, field] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    let hex: String = hash
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// What applying one changeset found.
#[derive(Default)]
struct Tally {
    /// Conflicts found, to be filed (and recorded, so the partner lists
    /// them too) once every change is applied.
    filed: Vec<Filed>,
}

/// A conflict found while applying.
struct Filed {
    uuid: String,
    table: String,
    row_uuid: String,
    statement: String,
    field: String,
    kept: Option<String>,
    other: Option<String>,
}

/// The action a milestone or an action's statement belongs to.
fn parent_action(conn: &Connection, change: &Change) -> rusqlite::Result<Option<String>> {
    let columns = column_names(conn, &change.table)?;
    Ok(columns
        .iter()
        .position(|c| c == "action_uuid")
        .and_then(|i| {
            as_text(change.new.get(i).unwrap_or(&None))
                .or_else(|| as_text(change.old.get(i).unwrap_or(&None)))
        }))
}

/// Who wrote a value, for ordering writes: a change's stamp, then its copy.
type Stamp = (i64, String);

/// The latest write this copy knows of each field of a school's rows, read
/// from its log of changes when a change first meets a row changed here,
/// and kept up as changes are applied.
#[derive(Default)]
struct Stamps {
    built: bool,
    last: HashMap<(String, String, String), Stamp>,
}

/// The row a change is to, as its key columns' values.
fn row_key(conn: &Connection, change: &Change) -> rusqlite::Result<String> {
    let columns = column_names(conn, &change.table)?;
    let keys = key_columns(conn, &change.table)?;
    Ok(keys
        .iter()
        .filter_map(|k| columns.iter().position(|c| c == k))
        .map(|i| {
            let value = match change.op {
                Op::Insert => change.new.get(i),
                _ => change.old.get(i),
            };
            as_text(value.unwrap_or(&None)).unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("/"))
}

impl Stamps {
    /// Notes the fields a changeset writes: every value an update sets,
    /// and every value an insert gives that is not a new row's blank.
    fn note(&mut self, conn: &Connection, set: &[u8], stamp: &Stamp) -> super::Result<()> {
        let rows = changeset::changes(set).map_err(|e| refuse(format!("is damaged ({e})")))?;
        for change in rows {
            if change.op == Op::Delete {
                continue;
            }
            let columns = column_names(conn, &change.table)?;
            let key = row_key(conn, &change)?;
            for (i, name) in columns.iter().enumerate() {
                let Some(value) = change.new.get(i) else {
                    continue;
                };
                if value.is_none() || (change.op == Op::Insert && is_blank(value)) {
                    continue;
                }
                let slot = self
                    .last
                    .entry((change.table.clone(), key.clone(), name.clone()))
                    .or_insert((i64::MIN, String::new()));
                if *stamp > *slot {
                    *slot = stamp.clone();
                }
            }
        }
        Ok(())
    }

    fn build(&mut self, conn: &Connection, school: &str) -> super::Result<()> {
        if self.built {
            return Ok(());
        }
        self.built = true;
        let mut stmt =
            conn.prepare("SELECT changeset, stamp, copy FROM changes WHERE school_uuid = ?1")?;
        let rows = stmt
            .query_map([school], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, (r.get::<_, i64>(1)?, r.get(2)?)))
            })?
            .collect::<rusqlite::Result<Vec<(Vec<u8>, Stamp)>>>()?;
        for (set, stamp) in rows {
            self.note(conn, &set, &stamp)?;
        }
        Ok(())
    }

    fn of(&self, table: &str, key: &str, field: &str) -> Stamp {
        self.last
            .get(&(table.to_string(), key.to_string(), field.to_string()))
            .cloned()
            .unwrap_or((i64::MIN, String::new()))
    }
}

/// Settles a change that met a row this copy changed too, field by field.
/// Each field takes the value of its latest write (by the changes' stamps),
/// so every copy ends with the same value whatever order changes meet in.
/// Where both copies changed a field since they last exchanged, the value
/// not kept is filed as a conflict for a person to settle.
fn merge(
    tx: &Transaction<'_>,
    c: &Conflicting,
    theirs_stamp: &Stamp,
    stamps: &Stamps,
    tally: &mut Tally,
) -> super::Result<()> {
    let table = c.change.table.as_str();
    let columns = column_names(tx, table)?;
    let keys = key_columns(tx, table)?;
    let at = |name: &str| columns.iter().position(|c| c == name);
    let key_values: Vec<Value> = keys
        .iter()
        .map(|k| {
            at(k)
                .and_then(|i| c.current.get(i).cloned().flatten())
                .unwrap_or(Value::Null)
        })
        .collect();
    let key_texts = key_values
        .iter()
        .map(|v| as_text(&Some(v.clone())).unwrap_or_default())
        .collect::<Vec<_>>();
    let row = key_texts.join("/");
    let mut sets: Vec<(String, Value)> = Vec::new();
    for (i, name) in columns.iter().enumerate() {
        let Some(theirs) = c.change.new.get(i).cloned().flatten().map(Some) else {
            continue;
        };
        if keys.contains(name) || (table == "judgements" && MARK.contains(&name.as_str())) {
            continue;
        }
        let ours = c.current.get(i).cloned().flatten();
        if ours == theirs {
            continue;
        }
        match name.as_str() {
            // When a row was changed, settled or removed: the later time
            // stands, on every copy, and is no one's choice to make.
            n if n.ends_with("_at") && n != "created_at" => {
                if as_text(&theirs) > as_text(&ours) {
                    sets.push((name.clone(), theirs.unwrap_or(Value::Null)));
                }
                continue;
            }
            // Worked out again from the rows; kept as first made.
            "next_check" | "created_at" => continue,
            _ => {}
        }
        // A new row's blank is not a value anyone chose.
        if c.change.op == Op::Insert && is_blank(&theirs) {
            continue;
        }
        let take = *theirs_stamp > stamps.of(table, &row, name);
        let both_changed = match c.change.op {
            Op::Update => c.change.old.get(i).cloned().flatten() != ours,
            _ => !is_blank(&ours),
        };
        let (ours_text, theirs_text) = (as_text(&ours), as_text(&theirs));
        if take {
            sets.push((name.clone(), theirs.unwrap_or(Value::Null)));
        }
        if !both_changed {
            continue;
        }
        let (kept, other) = if take {
            (theirs_text, ours_text)
        } else {
            (ours_text, theirs_text)
        };
        let statement = if table == "judgements" {
            key_texts.get(1).cloned().unwrap_or_default()
        } else {
            String::new()
        };
        let row_uuid = key_texts.first().cloned().unwrap_or_default();
        // A conflict about a conflict is settled by its latest write alone.
        if table != "conflicts" {
            tally.filed.push(Filed {
                uuid: conflict_key(table, &row, name),
                table: table.to_string(),
                row_uuid,
                statement,
                field: name.clone(),
                kept,
                other,
            });
        }
    }
    if table == "judgements" {
        merge_mark(c, &columns, theirs_stamp, stamps, &row, &mut sets, tally);
    }
    if sets.is_empty() {
        return Ok(());
    }
    let assignments = sets
        .iter()
        .enumerate()
        .map(|(n, (name, _))| format!("\"{name}\" = ?{}", n + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let condition = keys
        .iter()
        .enumerate()
        .map(|(n, k)| format!("\"{k}\" = ?{}", sets.len() + n + 1))
        .collect::<Vec<_>>()
        .join(" AND ");
    let values: Vec<Value> = sets.into_iter().map(|(_, v)| v).chain(key_values).collect();
    tx.execute(
        &format!("UPDATE \"{table}\" SET {assignments} WHERE {condition}"),
        rusqlite::params_from_iter(values),
    )?;
    Ok(())
}

/// A judgement's mark: its level, or left until next time (`deferred`).
/// It is one value, never both, and merged as one.
const MARK: [&str; 2] = ["level", "deferred"];

/// A mark in words, as a conflict shows it: the level, or "deferred".
fn mark_text(level: &Option<Value>, deferred: &Option<Value>) -> Option<String> {
    match (level, deferred) {
        (Some(Value::Integer(l)), _) => Some(l.to_string()),
        (_, Some(Value::Integer(1))) => Some(DEFERRED.into()),
        _ => None,
    }
}

/// How a conflict names a statement left until next time.
const DEFERRED: &str = "deferred";

/// Merges a judgement's mark: the latest write of either part stands, as
/// a whole (a level clears the deferral; a deferral clears the level).
#[allow(clippy::too_many_arguments)]
fn merge_mark(
    c: &Conflicting,
    columns: &[String],
    theirs_stamp: &Stamp,
    stamps: &Stamps,
    row: &str,
    sets: &mut Vec<(String, Value)>,
    tally: &mut Tally,
) {
    let at = |name: &str| columns.iter().position(|c| c == name);
    let (Some(level), Some(deferred)) = (at("level"), at("deferred")) else {
        return;
    };
    let new = |i: usize| c.change.new.get(i).cloned().flatten();
    let cur = |i: usize| c.current.get(i).cloned().flatten();
    let (their_level, their_deferred) = (new(level), new(deferred));
    let written = match c.change.op {
        Op::Insert => mark_text(&their_level, &their_deferred).is_some(),
        _ => their_level.is_some() || their_deferred.is_some(),
    };
    if !written {
        return;
    }
    let theirs = (
        their_level.clone().unwrap_or(Value::Null),
        their_deferred.clone().unwrap_or(Value::Integer(0)),
    );
    let ours = (
        cur(level).unwrap_or(Value::Null),
        cur(deferred).unwrap_or(Value::Integer(0)),
    );
    if theirs == ours {
        return;
    }
    let ours_stamp = std::cmp::max(
        stamps.of("judgements", row, "level"),
        stamps.of("judgements", row, "deferred"),
    );
    let take = *theirs_stamp > ours_stamp;
    if take {
        sets.push(("level".into(), theirs.0.clone()));
        sets.push(("deferred".into(), theirs.1.clone()));
    }
    let both_changed = match c.change.op {
        Op::Update => {
            let old = |i: usize| c.change.old.get(i).cloned().flatten();
            old(level).is_some_and(|v| v != ours.0) || old(deferred).is_some_and(|v| v != ours.1)
        }
        _ => mark_text(&Some(ours.0.clone()), &Some(ours.1.clone())).is_some(),
    };
    if !both_changed {
        return;
    }
    let ours_text = mark_text(&Some(ours.0), &Some(ours.1));
    let theirs_text = mark_text(&Some(theirs.0), &Some(theirs.1));
    let (kept, other) = if take {
        (theirs_text, ours_text)
    } else {
        (ours_text, theirs_text)
    };
    let (evaluation, statement) = row.split_once('/').unwrap_or((row, ""));
    tally.filed.push(Filed {
        uuid: conflict_key("judgements", row, "level"),
        table: "judgements".into(),
        row_uuid: evaluation.to_string(),
        statement: statement.to_string(),
        field: "level".into(),
        kept,
        other,
    });
}

/// Files the conflicts found (one per field, holding its latest two
/// values) as this copy's change, recorded like any other, so the partner
/// lists them too and a person on either side can settle them.
fn file_conflicts(tx: &Transaction<'_>, school: &str, filed: &[Filed]) -> super::Result<usize> {
    if filed.is_empty() {
        return Ok(0);
    }
    let recorder =
        changeset::Recorder::start(tx, &["conflicts"]).map_err(super::record::session_error)?;
    for f in filed {
        tx.execute(
            "INSERT INTO conflicts
               (uuid, school_uuid, table_name, row_uuid, statement_key, field, kept, other, found_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (uuid) DO UPDATE SET kept = excluded.kept, other = excluded.other,
                 found_at = excluded.found_at, settled_at = NULL",
            params![
                f.uuid, school, f.table, f.row_uuid, f.statement, f.field, f.kept, f.other,
                now()
            ],
        )?;
    }
    super::record::finish(tx, recorder)?;
    let distinct: std::collections::HashSet<&str> = filed.iter().map(|f| f.uuid.as_str()).collect();
    Ok(distinct.len())
}

/// Refuses a changeset that touches any table but the school's record:
/// a bundle never changes this copy's settings, links or log.
pub(super) fn only_travelling(set: &[u8]) -> super::Result<()> {
    let rows = changeset::changes(set).map_err(|_| refuse("is damaged"))?;
    match rows.iter().find(|c| !TRAVELLING.contains(&c.table.as_str())) {
        Some(_) => Err(refuse(
            "changes parts of this copy that never travel (its settings or links), so none of it was applied",
        )),
        None => Ok(()),
    }
}

/// Applies one changeset of `school`'s, within the caller's transaction.
/// With `strict`, a change to a row not here, or a row referring to one
/// not here, stops it with [`StoreError::NotYet`]: the row may be in a
/// bundle not applied yet. Without, such a change is passed over (the row
/// was removed here: a withdrawn check-in, say), and a reference to a row
/// not here refuses the bundle.
fn apply_one(
    tx: &Transaction<'_>,
    set: &[u8],
    stamp: &Stamp,
    stamps: &mut Stamps,
    school: &str,
    strict: bool,
    tally: &mut Tally,
) -> super::Result<()> {
    only_travelling(set)?;
    let mut merges: Vec<Conflicting> = Vec::new();
    let mut stopped: Option<StoreError> = None;
    changeset::apply(tx, set, &mut |c| match c.kind {
        Conflict::Data if c.change.op == Op::Delete => Resolution::Replace,
        Conflict::Data | Conflict::Exists => {
            merges.push(c.clone());
            Resolution::Omit
        }
        Conflict::NotFound if strict && c.change.op == Op::Update => {
            stopped = Some(StoreError::NotYet);
            Resolution::Abort
        }
        // Gone here already (a withdrawn check-in, say).
        Conflict::NotFound => Resolution::Omit,
        Conflict::Constraint => {
            stopped = Some(refuse(
                "breaks a rule of this copy's record (two schools of the same name, say)",
            ));
            Resolution::Abort
        }
        Conflict::ForeignKey if strict => {
            stopped = Some(StoreError::NotYet);
            Resolution::Abort
        }
        Conflict::ForeignKey => {
            stopped = Some(refuse("refers to records this copy does not hold"));
            Resolution::Abort
        }
    })
    .map_err(|e| match stopped.take() {
        Some(why) => why,
        None if e.0 & 0xff == 19 => refuse("breaks a rule of this copy's record"),
        None if matches!(e.0 & 0xff, 11 | 26) => {
            refuse("is damaged (a change in it cannot be read)")
        }
        None => refuse(format!("could not be applied ({e})")),
    })?;
    if !merges.is_empty() {
        stamps.build(tx, school)?;
    }
    for c in &merges {
        merge(tx, c, stamp, stamps, tally)?;
    }
    if stamps.built {
        stamps.note(tx, set, stamp)?;
    }
    // Every row it touched must be this school's: a school's bundle never
    // changes another school's record.
    for change in changeset::changes(set).map_err(|e| refuse(format!("is damaged ({e})")))? {
        if change.op == Op::Delete {
            continue;
        }
        if let Some(owner) = school_of(tx, &change)? {
            if owner != school {
                return Err(refuse(
                    "holds rows of another school, so none of it was applied",
                ));
            }
        }
    }
    Ok(())
}

pub(super) fn school_uuid_of(conn: &Connection, school: i64) -> super::Result<String> {
    conn.query_row("SELECT uuid FROM schools WHERE rowid = ?1", [school], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| StoreError::Missing(format!("There is no school {school}.")))
}

pub(super) fn school_name_of(conn: &Connection, uuid: &str) -> super::Result<Option<String>> {
    Ok(conn
        .query_row("SELECT name FROM schools WHERE uuid = ?1", [uuid], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The tools `school`'s evaluations use, as stored.
pub(super) fn tools_of(conn: &Connection, school: &str) -> super::Result<Vec<ToolRow>> {
    let mut stmt = conn.prepare(
        "SELECT t.tool_id, t.version, t.title, t.area, t.source, t.origin, t.added_at
         FROM tools t WHERE EXISTS (
             SELECT 1 FROM evaluations e
             WHERE e.school_uuid = ?1 AND e.tool_id = t.tool_id AND e.tool_version = t.version)
         ORDER BY t.tool_id, t.version",
    )?;
    let rows = stmt.query_map([school], |r| {
        Ok(ToolRow {
            tool_id: r.get(0)?,
            version: r.get(1)?,
            title: r.get(2)?,
            area: r.get(3)?,
            source: r.get(4)?,
            origin: r.get(5)?,
            added_at: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Stores the tools a bundle's rows use that this copy lacks. A tool of
/// the same id and version with other text is refused, never replaced.
pub(super) fn take_tools(tx: &Transaction<'_>, tools: &[ToolRow]) -> super::Result<()> {
    for tool in tools {
        let stored: Option<String> = tx
            .query_row(
                "SELECT source FROM tools WHERE tool_id = ?1 AND version = ?2",
                params![tool.tool_id, tool.version],
                |r| r.get(0),
            )
            .optional()?;
        match stored {
            Some(s) if s == tool.source => {}
            Some(_) => {
                return Err(refuse(format!(
                    "uses tool \"{}\" version {}, which differs from the one stored here under the same version",
                    tool.tool_id, tool.version
                )))
            }
            None => {
                crate::domain::tool::parse_tool(tool.source.as_bytes()).map_err(|_| {
                    refuse(format!(
                        "carries tool \"{}\", which is not a valid tool",
                        tool.tool_id
                    ))
                })?;
                tx.execute(
                    "INSERT INTO tools (tool_id, version, title, area, source, origin, added_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, 'imported', ?6)",
                    params![tool.tool_id, tool.version, tool.title, tool.area, tool.source, now()],
                )?;
            }
        }
    }
    Ok(())
}

/// Which rows of `table` are `school`'s, over the attached copy `src`.
fn rows_of_school(table: &str) -> Option<&'static str> {
    Some(match table {
        "schools" => "uuid = ?1",
        "evaluations" | "conflicts" => "school_uuid = ?1",
        "judgements" | "revisions" | "actions" => {
            "evaluation_uuid IN (SELECT uuid FROM src.evaluations WHERE school_uuid = ?1)"
        }
        _ => {
            "action_uuid IN (SELECT a.uuid FROM src.actions a
                 JOIN src.evaluations e ON e.uuid = a.evaluation_uuid WHERE e.school_uuid = ?1)"
        }
    })
}

/// How far ahead of this machine's clock a partner's may run: a year.
const STAMP_AHEAD: i64 = 366 * 24 * 3600 * 1_000_000_000;

/// Blanks what a copy not allowed confidential notes must not receive.
const HIDE_CONFIDENTIAL: &str = "
    UPDATE main.judgements SET rationale = '', evidence = '', defer_note = ''
    WHERE confidential = 1;
    DELETE FROM main.revisions WHERE EXISTS (
        SELECT 1 FROM main.judgements j WHERE j.confidential = 1
        AND j.evaluation_uuid = revisions.evaluation_uuid
        AND j.statement_key = revisions.statement_key);
    UPDATE main.actions SET reason = '', impact_check = '' WHERE confidential = 1;
    UPDATE main.checkins SET note = '', impact_note = '' WHERE confidential = 1;";

/// The school's rows in the file at `path`, as one changeset of inserts:
/// the rows `pick` chooses from each table (a condition over the attached
/// copy `src`, with the school's UUID as `?1`; `None` takes none) are
/// replayed into an empty copy in memory while its session records them,
/// after `then` (SQL over `main`) has blanked what must not go.
pub(super) fn snapshot(
    path: &Path,
    school: &str,
    pick: &dyn Fn(&str) -> Option<String>,
    then: &str,
) -> super::Result<Vec<u8>> {
    let mut scratch = Connection::open_in_memory()?;
    // The tools stay out of the scratch copy: its rows need not find them.
    scratch.pragma_update(None, "foreign_keys", "OFF")?;
    super::schema::migrations().to_latest(&mut scratch)?;
    scratch.execute("ATTACH DATABASE ?1 AS src", [path.to_string_lossy()])?;
    let recorder =
        changeset::Recorder::start(&scratch, TRAVELLING).map_err(super::record::session_error)?;
    for table in TRAVELLING {
        if let Some(condition) = pick(table) {
            scratch.execute(
                &format!("INSERT INTO main.{table} SELECT * FROM src.{table} WHERE {condition}"),
                [school],
            )?;
        }
    }
    if !then.is_empty() {
        scratch.execute_batch(then)?;
    }
    let set = recorder.changeset().map_err(super::record::session_error)?;
    Ok(set)
}

/// The school's entries in this copy's log after `after` (a rowid), in order.
/// Leaves out the changes that `partner` made, since it has them.
fn entries_after(
    conn: &Connection,
    school: &str,
    after: i64,
    partner: Option<&str>,
) -> super::Result<(Vec<Entry>, i64)> {
    let mut stmt = conn.prepare(
        "SELECT rowid, copy, seq, made_at, changeset, stamp FROM changes
         WHERE school_uuid = ?1 AND rowid > ?2 AND copy IS NOT ?3 ORDER BY rowid",
    )?;
    let mut last = after;
    let mut out = Vec::new();
    let rows = stmt.query_map(params![school, after, partner], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, Vec<u8>>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    for row in rows {
        let (rowid, copy, seq, made_at, changeset, stamp) = row?;
        last = last.max(rowid);
        out.push(Entry {
            head: EntryHead {
                copy,
                seq,
                made_at,
                stamp,
                len: changeset.len() as u64,
            },
            changeset,
        });
    }
    Ok((out, last))
}

impl Store {
    /// The school's whole record as a bundle for a partner copy to start
    /// from, and the school linked to that partner through `folder`.
    pub fn share(
        &mut self,
        school: i64,
        folder: &Path,
        confidential: bool,
    ) -> super::Result<Bundle> {
        let uuid = school_uuid_of(&self.conn, school)?;
        let name = school_name_of(&self.conn, &uuid)?.unwrap_or_default();
        let folder_text = folder.to_string_lossy().into_owned();
        let rolled_up: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM rollups WHERE school_uuid = ?1)",
            [&uuid],
            |r| r.get(0),
        )?;
        if rolled_up {
            return Err(StoreError::Conflict(format!(
                "This file holds {name} from a roll-up, a part of its record; share it from the school's or its liaison's copy."
            )));
        }
        // One folder, one school, one partner: a folder another school
        // here exchanges through, or a second folder for this school
        // (whose partner would be left behind), is refused.
        let linked: Vec<(String, String, String)> = self
            .conn
            .prepare(
                "SELECT l.school_uuid, l.folder, s.name FROM links l
                 JOIN schools s ON s.uuid = l.school_uuid",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (other, other_folder, other_name) in &linked {
            if other != &uuid && other_folder == &folder_text {
                return Err(StoreError::Conflict(format!(
                    "{folder_text} is {other_name}'s folder; give {name} a folder of its own."
                )));
            }
            if other == &uuid && other_folder != &folder_text {
                return Err(StoreError::Conflict(format!(
                    "{name} is already linked to its partner through {other_folder}; `headway sync` keeps exchanging there."
                )));
            }
        }
        let hide = if confidential { "" } else { HIDE_CONFIDENTIAL };
        let snapshot = snapshot(
            &self.path,
            &uuid,
            &|t| rows_of_school(t).map(str::to_string),
            hide,
        )?;
        let (mut entries, last) = entries_after(&self.conn, &uuid, 0, None)?;
        if !confidential {
            self.withhold(&mut entries)?;
        }
        let copy = this_copy(&self.conn)?;
        let tools = tools_of(&self.conn, &uuid)?;
        let own: Vec<i64> = entries
            .iter()
            .filter(|e| e.head.copy == copy)
            .map(|e| e.head.seq)
            .collect();
        Ok(Bundle {
            header: Header {
                format: FORMAT,
                kind: Kind::Share,
                from_copy: copy,
                school: uuid,
                school_name: name,
                first_seq: own.first().copied().unwrap_or(0),
                last_seq: own.last().copied().unwrap_or(0),
                upto: last,
                confidential,
                snapshot_len: snapshot.len() as u64,
                entries: entries.iter().map(|e| e.head.clone()).collect(),
                tools,
            },
            snapshot,
            entries,
        })
    }

    /// Links a shared school to its partner through `folder`, once its
    /// share is written there: its changes up to `upto` went with the share.
    pub fn link(&mut self, bundle: &Bundle, folder: &Path) -> super::Result<()> {
        let folder_text = folder.to_string_lossy().into_owned();
        let header = &bundle.header;
        self.write_unrecorded(|tx| {
            tx.execute(
                "INSERT INTO links (school_uuid, folder, confidential, sent_upto, exchanged_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (school_uuid) DO UPDATE SET folder = excluded.folder,
                     confidential = excluded.confidential,
                     sent_upto = max(sent_upto, excluded.sent_upto),
                     exchanged_at = excluded.exchanged_at",
                params![
                    header.school,
                    folder_text,
                    header.confidential as i64,
                    header.upto,
                    now()
                ],
            )?;
            Ok(())
        })
    }

    /// The linked school's changes not yet written for its partner, as a
    /// bundle, with the log position it ends at (for [`Store::mark_sent`]);
    /// `None` when nothing waits.
    pub fn pending_bundle(&self, school_uuid: &str) -> super::Result<Option<(Bundle, i64)>> {
        let Some((sent, confidential, partner)) = self
            .conn
            .query_row(
                "SELECT sent_upto, confidential, partner FROM links WHERE school_uuid = ?1",
                [school_uuid],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, i64>(1)? != 0,
                        r.get::<_, Option<String>>(2)?,
                    ))
                },
            )
            .optional()?
        else {
            return Err(StoreError::Missing(
                "That school is not linked to a partner copy; share it first.".into(),
            ));
        };
        let (mut entries, last) = entries_after(&self.conn, school_uuid, sent, partner.as_deref())?;
        if entries.is_empty() {
            return Ok(None);
        }
        if !confidential {
            self.withhold(&mut entries)?;
        }
        let copy = this_copy(&self.conn)?;
        let own: Vec<i64> = entries
            .iter()
            .filter(|e| e.head.copy == copy)
            .map(|e| e.head.seq)
            .collect();
        let name = school_name_of(&self.conn, school_uuid)?.unwrap_or_default();
        Ok(Some((
            Bundle {
                header: Header {
                    format: FORMAT,
                    kind: Kind::Changes,
                    from_copy: copy,
                    school: school_uuid.to_string(),
                    school_name: name,
                    first_seq: own.first().copied().unwrap_or(0),
                    last_seq: own.last().copied().unwrap_or(0),
                    upto: last,
                    confidential,
                    snapshot_len: 0,
                    entries: entries.iter().map(|e| e.head.clone()).collect(),
                    tools: tools_of(&self.conn, school_uuid)?,
                },
                snapshot: Vec::new(),
                entries,
            },
            last,
        )))
    }

    /// Each change as a partner that may not see confidential notes gets it.
    fn withhold(&self, entries: &mut [Entry]) -> super::Result<()> {
        for entry in entries {
            entry.changeset = super::withheld::without_confidential(&self.conn, &entry.changeset)?;
            entry.head.len = entry.changeset.len() as u64;
        }
        Ok(())
    }

    /// The school's partner is now reached through `folder`.
    pub fn move_link(&mut self, school_uuid: &str, folder: &Path) -> super::Result<()> {
        let folder_text = folder.to_string_lossy().into_owned();
        self.write_unrecorded(|tx| {
            tx.execute(
                "UPDATE links SET folder = ?2 WHERE school_uuid = ?1",
                params![school_uuid, folder_text],
            )?;
            Ok(())
        })
    }

    /// The identity this copy's changes carry.
    pub fn copy_identity(&self) -> super::Result<String> {
        this_copy(&self.conn)
    }

    /// Notes that the school's changes up to `upto` were written out.
    pub fn mark_sent(&mut self, school_uuid: &str, upto: i64) -> super::Result<()> {
        self.write_unrecorded(|tx| {
            tx.execute(
                "UPDATE links SET sent_upto = max(sent_upto, ?2), exchanged_at = ?3
                 WHERE school_uuid = ?1",
                params![school_uuid, upto, now()],
            )?;
            Ok(())
        })
    }

    /// Applies a bundle read from `folder`, in one transaction: all of it
    /// or nothing. A share starts the school here (linked through
    /// `folder`); changes are taken only for a school linked here. The
    /// changes this copy has already are passed over, so a bundle applied
    /// twice changes nothing the second time. See [`apply_one`] for
    /// `strict`.
    pub fn apply_bundle(
        &mut self,
        bundle: &Bundle,
        folder: &Path,
        strict: bool,
    ) -> super::Result<Arrived> {
        let header = &bundle.header;
        let copy = this_copy(&self.conn)?;
        if header.from_copy == copy {
            return Err(refuse("was written by this copy"));
        }
        if header.kind == Kind::Rollup {
            return Err(refuse(
                "is a roll-up for a trust's file, not changes for a partner copy; `headway rollup FOLDER` takes it in",
            ));
        }
        // A change dated more than a year ahead, or before 1970, was not
        // made by a headway: taken, it would stop every change after it.
        let latest = super::record::now_stamp().saturating_add(STAMP_AHEAD);
        if bundle
            .entries
            .iter()
            .any(|e| e.head.stamp <= 0 || e.head.stamp > latest || e.head.seq < 1)
        {
            return Err(refuse("was altered (a change in it is dated impossibly)"));
        }
        let folder_text = folder.to_string_lossy().into_owned();
        let name = header.school_name.clone();
        self.write_unrecorded(|tx| {
            let held = school_name_of(tx, &header.school)?;
            let rolled_up: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM rollups WHERE school_uuid = ?1)",
                [&header.school],
                |r| r.get(0),
            )?;
            if rolled_up {
                return Err(refuse(format!(
                    "is for {name}, which this file holds from a roll-up (a part of its record); a partner copy starts from a share in a file of its own"
                )));
            }
            // A folder is one school's: a share of another school arriving
            // through a folder linked to a school here is refused.
            let other_here: Option<String> = tx
                .query_row(
                    "SELECT s.name FROM links l JOIN schools s ON s.uuid = l.school_uuid
                     WHERE l.folder = ?1 AND l.school_uuid <> ?2",
                    params![folder_text, header.school],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(other) = other_here {
                return Err(refuse(format!(
                    "is for {name}, but this folder is {other}'s; each school exchanges through a folder of its own"
                )));
            }
            let linked: bool = tx
                .query_row(
                    "SELECT count(*) FROM links WHERE school_uuid = ?1",
                    [&header.school],
                    |r| r.get::<_, i64>(0),
                )?
                > 0;
            if header.kind == Kind::Changes && !(linked && held.is_some()) {
                return Err(refuse(format!(
                    "is for {name}, which this copy does not hold under a link; ask for a share of it first"
                )));
            }
            if held.is_none() {
                if let Some(other) = tx
                    .query_row(
                        "SELECT name FROM schools WHERE name = ?1",
                        [&header.school_name],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()?
                {
                    return Err(refuse(format!(
                        "is for a school called {name}, and this copy has its own {other}; rename one of them first"
                    )));
                }
            }
            take_tools(tx, &header.tools)?;
            let mut tally = Tally::default();
            let mut stamps = Stamps::default();
            let mut arrived = Arrived {
                school: name.clone(),
                ..Arrived::default()
            };
            // A share starts a school this copy does not hold from its
            // snapshot, which already holds every change it lists. For a
            // school held here, its changes are taken one by one instead.
            let starting = header.kind == Kind::Share && held.is_none();
            if header.kind == Kind::Share {
                if starting {
                    let first = (i64::MIN, header.from_copy.clone());
                    apply_one(
                        tx,
                        &bundle.snapshot,
                        &first,
                        &mut stamps,
                        &header.school,
                        strict,
                        &mut tally,
                    )?;
                }
                arrived.started = starting;
                tx.execute(
                    "INSERT INTO links (school_uuid, folder, confidential)
                     VALUES (?1, ?2, ?3)
                     ON CONFLICT (school_uuid) DO NOTHING",
                    params![header.school, folder_text, header.confidential as i64],
                )?;
            }
            let mut have = tx.prepare_cached(
                "SELECT count(*) FROM changes WHERE copy = ?1 AND school_uuid = ?2 AND seq = ?3",
            )?;
            let mut carried: std::collections::HashSet<(String, i64)> = Default::default();
            let (mut check_ins, mut actions, mut judgements, mut evaluations) =
                <(HashSet<String>, HashSet<String>, HashSet<String>, HashSet<String>)>::default();
            let mut check_ins_changed: HashSet<String> = HashSet::new();
            for entry in &bundle.entries {
                let head = &entry.head;
                let present: i64 =
                    have.query_row(params![head.copy, header.school, head.seq], |r| r.get(0))?;
                let before = (head.copy.clone(), head.seq - 1);
                carried.insert((head.copy.clone(), head.seq));
                if present > 0 {
                    // The same name must mean the same change: two files that
                    // share one identity (one copied from the other, not
                    // shared) would otherwise lose one's change silently.
                    let held: Vec<u8> = tx.query_row(
                        "SELECT changeset FROM changes
                         WHERE copy = ?1 AND school_uuid = ?2 AND seq = ?3",
                        params![head.copy, header.school, head.seq],
                        |r| r.get(0),
                    )?;
                    if held != entry.changeset && header.confidential {
                        return Err(refuse(format!(
                            "carries a change to {name} under a name another change already has here: the file that wrote it was copied from another rather than shared, so neither was applied twice; share the school to that machine afresh"
                        )));
                    }
                    arrived.already += 1;
                    continue;
                }
                // A change follows its copy's change before it: if that has
                // not arrived (its bundle is not in the folder yet, or came
                // late), this bundle waits for it.
                let follows: i64 = if head.seq <= 1 || carried.contains(&before) {
                    1
                } else {
                    have.query_row(params![before.0, header.school, before.1], |r| r.get(0))?
                };
                if follows == 0 && !starting {
                    return Err(if strict {
                        StoreError::NotYet
                    } else {
                        refuse(format!(
                            "follows changes to {name} that have not arrived here yet (a bundle before it is missing from the folder); it waits for them, and if that bundle was lost, sharing the school again from the other copy brings everything"
                        ))
                    });
                }
                if !starting {
                    let stamp = (entry.head.stamp, entry.head.copy.clone());
                    apply_one(
                        tx,
                        &entry.changeset,
                        &stamp,
                        &mut stamps,
                        &header.school,
                        strict,
                        &mut tally,
                    )?;
                    arrived.applied += 1;
                    for change in changeset::changes(&entry.changeset)
                        .map_err(|e| refuse(format!("is damaged ({e})")))?
                    {
                        // Each row counted once, however many changes it had.
                        let key = row_key(tx, &change)?;
                        let counted = match change.table.as_str() {
                            "checkins" if change.op == Op::Insert => &mut check_ins,
                            "checkins" => &mut check_ins_changed,
                            "actions" => &mut actions,
                            "milestones" | "action_statements" => &mut actions,
                            "judgements" => &mut judgements,
                            "evaluations" if change.op == Op::Insert => &mut evaluations,
                            _ => continue,
                        };
                        let key = match change.table.as_str() {
                            // An action's milestones and statements are the action's.
                            "milestones" | "action_statements" => {
                                parent_action(tx, &change)?.unwrap_or(key)
                            }
                            _ => key,
                        };
                        counted.insert(key);
                    }
                }
                tx.execute(
                    "INSERT INTO changes (copy, seq, school_uuid, changeset, made_at, stamp,
                         arrived_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?6)",
                    params![
                        entry.head.copy,
                        entry.head.seq,
                        header.school,
                        entry.changeset,
                        entry.head.made_at,
                        now(),
                        entry.head.stamp
                    ],
                )?;
            }
            arrived.conflicts = file_conflicts(tx, &header.school, &tally.filed)?;
            arrived.check_ins_changed = check_ins_changed.difference(&check_ins).count();
            arrived.check_ins = check_ins.len();
            arrived.actions = actions.len();
            arrived.judgements = judgements.len();
            arrived.evaluations = evaluations.len();
            if starting {
                // What arrived in the share need not go back to its sender.
                tx.execute(
                    "UPDATE links SET sent_upto = (SELECT coalesce(max(rowid), 0) FROM changes)
                     WHERE school_uuid = ?1",
                    [&header.school],
                )?;
            }
            // The next check of each action is worked out here, by today.
            let actions: Vec<i64> = tx
                .prepare(
                    "SELECT a.rowid FROM actions a JOIN evaluations e ON e.uuid = a.evaluation_uuid
                     WHERE e.school_uuid = ?1",
                )?
                .query_map([&header.school], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for action in actions {
                super::plans::refresh_next_check(tx, action)?;
            }
            tx.execute(
                "UPDATE links SET partner = ?2 WHERE school_uuid = ?1",
                params![header.school, header.from_copy],
            )?;
            if arrived.applied > 0 || arrived.started {
                tx.execute(
                    "UPDATE links SET exchanged_at = ?2, last_arrived = ?3 WHERE school_uuid = ?1",
                    params![header.school, now(), arrived.summary()],
                )?;
            }
            Ok(arrived)
        })
    }

    /// Every linked school, by name.
    pub fn links(&self) -> super::Result<Vec<Link>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.rowid, s.uuid, s.name, l.folder, l.confidential, l.exchanged_at,
                    (SELECT count(*) FROM changes c
                     WHERE c.school_uuid = l.school_uuid AND c.rowid > l.sent_upto
                       AND c.copy IS NOT l.partner),
                    l.last_arrived
             FROM links l JOIN schools s ON s.uuid = l.school_uuid
             ORDER BY s.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Link {
                school_id: r.get(0)?,
                school_uuid: r.get(1)?,
                school: r.get(2)?,
                folder: r.get(3)?,
                confidential: r.get::<_, i64>(4)? != 0,
                exchanged_at: r.get(5)?,
                waiting: r.get::<_, i64>(6)? as usize,
                last_arrived: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many conflicts no one has settled yet, counted from the index
    /// alone: home shows the number on every return.
    pub fn open_conflict_count(&self) -> super::Result<usize> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM conflicts WHERE settled_at IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as usize)
    }

    /// The conflicts no one has settled yet, oldest first.
    pub fn open_conflicts(&self) -> super::Result<Vec<OpenConflict>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.rowid, s.name, c.table_name, c.row_uuid, c.statement_key, c.field,
                    c.kept, c.other,
                    (SELECT a.title FROM actions a WHERE a.uuid = c.row_uuid),
                    (SELECT a.title FROM checkins k JOIN actions a ON a.uuid = k.action_uuid
                     WHERE k.uuid = c.row_uuid),
                    e.tool_id, e.tool_version
             FROM conflicts c JOIN schools s ON s.uuid = c.school_uuid
             LEFT JOIN evaluations e ON e.uuid = c.row_uuid AND c.table_name = 'judgements'
             WHERE c.settled_at IS NULL ORDER BY c.found_at, c.rowid",
        )?;
        type Row = (i64, String, String, String, OpenConflict);
        let rows = stmt
            .query_map([], |r| {
                let table: String = r.get(2)?;
                let statement: String = r.get(4)?;
                let action: Option<String> = r.get(8)?;
                let check_in_of: Option<String> = r.get(9)?;
                let tool: Option<String> = r.get(10)?;
                let version: Option<u32> = r.get(11)?;
                let what = match table.as_str() {
                    "actions" => format!("action: {}", action.unwrap_or_default()),
                    "checkins" => format!("check-in of: {}", check_in_of.unwrap_or_default()),
                    "judgements" => format!("judgement of {statement}"),
                    other => other.to_string(),
                };
                Ok((
                    version.unwrap_or(0) as i64,
                    tool.unwrap_or_default(),
                    statement,
                    table,
                    OpenConflict {
                        id: r.get(0)?,
                        school: r.get(1)?,
                        what,
                        field: r.get(5)?,
                        kept: r.get(6)?,
                        other: r.get(7)?,
                    },
                ))
            })?
            .collect::<rusqlite::Result<Vec<Row>>>()?;
        // A judgement is named by its statement's words, as the walk shows it;
        // the value kept is the field's as it stands (typing may have gone
        // on since the conflict was found).
        Ok(rows
            .into_iter()
            .map(|(version, tool, statement, table, mut conflict)| {
                if let Ok(Some(now)) = self.live_value(conflict.id) {
                    conflict.kept = now;
                }
                if table == "judgements" {
                    if let Ok(t) = self.tool(&tool, version as u32) {
                        if let Some(found) = t.statements().find(|s| s.key(&t.id) == statement) {
                            conflict.what = format!("judgement: {}", found.statement.text);
                        }
                    }
                }
                conflict
            })
            .collect())
    }

    /// The number of levels on the scale of a judgement's tool, for a
    /// conflict over a judgement's level.
    fn scale_of_conflict(&self, id: i64) -> super::Result<Option<u8>> {
        let found: Option<(String, u32)> = self
            .conn
            .query_row(
                "SELECT e.tool_id, e.tool_version FROM conflicts c
                 JOIN evaluations e ON e.uuid = c.row_uuid
                 WHERE c.rowid = ?1 AND c.table_name = 'judgements' AND c.field = 'level'",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((tool, version)) = found else {
            return Ok(None);
        };
        Ok(Some(self.tool(&tool, version)?.scale.len()))
    }

    /// The value a conflict's field holds now, as the conflict shows it
    /// (`None` inside when the field is empty or the row is gone).
    fn live_value(&self, id: i64) -> super::Result<Option<Option<String>>> {
        let found: Option<(String, String, String, String)> = self
            .conn
            .query_row(
                "SELECT table_name, row_uuid, statement_key, field FROM conflicts WHERE rowid = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((table, row, statement, field)) = found else {
            return Ok(None);
        };
        if !TRAVELLING.contains(&table.as_str())
            || !column_names(&self.conn, &table)?.contains(&field)
        {
            return Ok(None);
        }
        let (sql, key): (String, Vec<String>) = if table == "judgements" {
            (
                format!(
                    "SELECT \"{field}\", deferred FROM judgements
                     WHERE evaluation_uuid = ?1 AND statement_key = ?2"
                ),
                vec![row, statement],
            )
        } else {
            (
                format!("SELECT \"{field}\", 0 FROM \"{table}\" WHERE uuid = ?1"),
                vec![row],
            )
        };
        let value: Option<(Value, i64)> = self
            .conn
            .query_row(&sql, rusqlite::params_from_iter(key), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        Ok(value.map(|(v, deferred)| {
            if table == "judgements" && field == "level" {
                mark_text(&Some(v), &Some(Value::Integer(deferred)))
            } else {
                as_text(&Some(v))
            }
        }))
    }

    /// Settles a conflict with `value` (one of the two, or a third): the
    /// field takes it, the value it replaces goes into the history, and the
    /// choice is recorded, so it travels to the partner like any change.
    pub fn settle_conflict(&mut self, id: i64, value: Option<&str>) -> super::Result<()> {
        // The value shown as kept is the field's as it stands.
        let kept = self.live_value(id)?.flatten();
        // A level must be on the tool's scale.
        if let Some(level) = value.and_then(|v| v.trim().parse::<u8>().ok()) {
            if let Some(scale_len) = self.scale_of_conflict(id)? {
                if level < 1 || level > scale_len {
                    return Err(StoreError::Conflict(format!(
                        "{level} is not on this tool's scale (1 to {scale_len}); nothing was settled."
                    )));
                }
            }
        }
        self.write(|tx| {
            let found: Option<(String, String, String, String, Option<String>)> = tx
                .query_row(
                    "SELECT table_name, row_uuid, statement_key, field, kept FROM conflicts
                     WHERE rowid = ?1 AND settled_at IS NULL",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
                )
                .optional()?;
            let Some((table, row, statement, field, _found_kept)) = found else {
                return Err(StoreError::Missing(format!(
                    "There is no open conflict {id}."
                )));
            };
            let columns = column_names(tx, &table)?;
            if !columns.contains(&field) || !TRAVELLING.contains(&table.as_str()) {
                return Err(StoreError::Conflict(format!(
                    "The conflict names a field this copy does not know ({table}.{field})."
                )));
            }
            let numeric: bool = tx.query_row(
                "SELECT type = 'INTEGER' FROM pragma_table_info(?1) WHERE name = ?2",
                params![table, field],
                |r| r.get(0),
            )?;
            // A judgement's mark is a level or "deferred", set as a whole.
            let mark = table == "judgements" && field == "level";
            let value = if mark && value == Some(DEFERRED) {
                None
            } else {
                value
            };
            let bound: Value = match value {
                None => Value::Null,
                Some(v) if numeric => v
                    .trim()
                    .parse::<i64>()
                    .map(Value::Integer)
                    .map_err(|_| StoreError::Conflict(format!("{field} takes a whole number.")))?,
                Some(v) => Value::Text(v.to_string()),
            };
            let (condition, key): (&str, Vec<Value>) = if table == "judgements" {
                (
                    "evaluation_uuid = ?2 AND statement_key = ?3",
                    vec![Value::Text(row.clone()), Value::Text(statement.clone())],
                )
            } else {
                ("uuid = ?2", vec![Value::Text(row.clone())])
            };
            let chosen = if mark && value.is_none() {
                Some(DEFERRED.to_string())
            } else {
                value.map(str::to_string)
            };
            // Neither value not chosen is lost: each goes into the history
            // (the one shown until now, and the other copy's).
            let other: Option<String> = tx.query_row(
                "SELECT other FROM conflicts WHERE rowid = ?1",
                [id],
                |r| r.get(0),
            )?;
            for old in [&kept, &other] {
                if *old == chosen {
                    continue;
                }
                let old = old.clone().unwrap_or_default();
                // Kept as any replaced value is, by the same writers.
                let local = |sql: &str| -> rusqlite::Result<Option<i64>> {
                    tx.query_row(sql, [&row], |r| r.get(0)).optional()
                };
                match table.as_str() {
                    "judgements" if super::evaluations::KEPT_FIELDS.contains(&field.as_str()) => {
                        if let Some(e) = local("SELECT rowid FROM evaluations WHERE uuid = ?1")? {
                            super::evaluations::keep_revision(tx, e, &statement, &field, &old)?;
                        }
                    }
                    "actions" => {
                        if let Some(a) = local("SELECT rowid FROM actions WHERE uuid = ?1")? {
                            super::plans::keep_action_revision(tx, a, &field, &old)?;
                        }
                    }
                    "checkins" => {
                        if let Some(a) = local(
                            "SELECT a.rowid FROM checkins c JOIN actions a ON a.uuid = c.action_uuid
                             WHERE c.uuid = ?1",
                        )? {
                            let what = format!("check-in {field}");
                            super::plans::keep_action_revision(tx, a, &what, &old)?;
                        }
                    }
                    _ => {}
                }
            }
            if chosen != kept {
                let deferred = matches!(bound, Value::Null) as i64;
                let mut values = vec![bound];
                values.extend(key);
                let assignment = if mark {
                    format!("level = ?1, deferred = {deferred}")
                } else {
                    format!("\"{field}\" = ?1")
                };
                tx.execute(
                    &format!("UPDATE \"{table}\" SET {assignment} WHERE {condition}"),
                    rusqlite::params_from_iter(values),
                )
                .map_err(|e| match e.sqlite_error_code() {
                    Some(rusqlite::ErrorCode::ConstraintViolation) => StoreError::Conflict(format!(
                        "\"{}\" does not fit the {} (a date is YYYY-MM-DD; a status, stage or RAG is one of its own words; a title is not empty); nothing was settled.",
                        chosen.clone().unwrap_or_default(),
                        field.replace('_', " ")
                    )),
                    _ => StoreError::Sqlite(e),
                })?;
            }
            tx.execute(
                "UPDATE conflicts SET settled_at = ?2 WHERE rowid = ?1",
                params![id, now()],
            )?;
            if table == "actions" {
                if let Some(action) = tx
                    .query_row("SELECT rowid FROM actions WHERE uuid = ?1", [&row], |r| r.get(0))
                    .optional()?
                {
                    super::plans::refresh_next_check(tx, action)?;
                }
            }
            Ok(())
        })
    }
}
