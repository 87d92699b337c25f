//! Plan actions, milestones, check-ins and settings.

use std::collections::HashMap;

use jiff::civil::Date;
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};

use super::{new_uuid, now, Store, StoreError};
use crate::domain::plan::{
    next_check, Action, Cadence, CheckIn, DraftSeed, Impact, MergedDraft, Milestone, Rag, Role,
    Stage, Status,
};

/// The fields of an action a user can change one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionField {
    Title,
    Description,
    Owner,
    OwnerRole,
    Checker,
    Start,
    Due,
    SuccessCriteria,
    ImpactCheck,
    Cadence,
    TargetGroup,
    Status,
    Impact,
    Stage,
}

impl ActionField {
    pub fn column(self) -> &'static str {
        match self {
            ActionField::Title => "title",
            ActionField::Description => "description",
            ActionField::Owner => "owner",
            ActionField::OwnerRole => "owner_role",
            ActionField::Checker => "checker",
            ActionField::Start => "start_date",
            ActionField::Due => "due_date",
            ActionField::SuccessCriteria => "success_criteria",
            ActionField::ImpactCheck => "impact_check",
            ActionField::Cadence => "cadence",
            ActionField::TargetGroup => "target_group",
            ActionField::Status => "status",
            ActionField::Impact => "impact",
            ActionField::Stage => "stage",
        }
    }
}

/// An action with where it belongs, for plan views and check-ins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub action: Action,
    pub school_id: i64,
    pub school: String,
    pub cycle: String,
    pub scope: String,
    pub tool_id: String,
    pub tool_version: u32,
    pub last_check_in: Option<CheckIn>,
}

/// An action due for a check, as the agenda lists it before reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAction {
    pub id: i64,
    pub owner: String,
    pub checker: String,
}

/// An action due for a check as `checkin --list` prints it: the action
/// (without its statements and milestones, which the list does not show),
/// where it belongs, and the day and colour of its latest check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRow {
    pub action: Action,
    pub school: String,
    pub scope: String,
    pub cycle: String,
    pub last_check: Option<(Date, Rag)>,
}

/// An action checked on a given day, with that day's latest check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedAction {
    pub id: i64,
    pub owner: String,
    pub checker: String,
    pub check_in: i64,
}

/// The setting that holds the open-priority limit.
pub const PRIORITY_LIMIT_KEY: &str = "priority_limit";

/// An action's columns after its local id and its evaluation's, in the
/// order `action_from` reads them.
const ACTION_FIELDS: &str = "stage, title, description, reason, owner, \
     owner_role, checker, start_date, due_date, success_criteria, impact_check, cadence, \
     target_group, status, impact, accepted_on, confidential";

/// The columns `action_from` reads, each named through `table`: the local
/// ids (rowids) of the action and its evaluation, then its fields.
fn action_columns_of(table: &str) -> String {
    let fields = ACTION_FIELDS
        .split(", ")
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "{table}.rowid, (SELECT ev.rowid FROM evaluations ev WHERE ev.uuid = {table}.evaluation_uuid), {fields}"
    )
}

/// [`action_columns_of`] the `actions` table itself.
fn action_columns() -> String {
    action_columns_of("actions")
}

/// The columns `check_in_from` reads, each named through `table`.
fn check_in_columns_of(table: &str) -> String {
    format!(
        "{table}.rowid, (SELECT ac.rowid FROM actions ac WHERE ac.uuid = {table}.action_uuid), \
         {table}.checked_on, {table}.rag, {table}.note, {table}.impact_note, {table}.confidential"
    )
}

fn bad(column: &str, value: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, format!("{column}={value}"), rusqlite::types::Type::Text)
}

fn date_column(r: &Row<'_>, i: usize, name: &str) -> rusqlite::Result<Option<Date>> {
    let text: Option<String> = r.get(i)?;
    text.map(|t| t.parse::<Date>().map_err(|_| bad(name, &t)))
        .transpose()
}

fn action_from(r: &Row<'_>) -> rusqlite::Result<Action> {
    let text = |i: usize| r.get::<_, String>(i);
    let stage = text(2)?;
    let role: Option<String> = r.get(7)?;
    let cadence = text(13)?;
    let status = text(15)?;
    let impact = text(16)?;
    Ok(Action {
        id: r.get(0)?,
        evaluation_id: r.get(1)?,
        stage: Stage::parse(&stage).ok_or_else(|| bad("stage", &stage))?,
        title: text(3)?,
        description: text(4)?,
        reason: text(5)?,
        statements: Vec::new(),
        owner: text(6)?,
        owner_role: role.as_deref().and_then(Role::parse),
        checker: text(8)?,
        start: date_column(r, 9, "start_date")?,
        due: date_column(r, 10, "due_date")?,
        milestones: Vec::new(),
        success_criteria: text(11)?,
        impact_check: text(12)?,
        cadence: Cadence::parse(&cadence).ok_or_else(|| bad("cadence", &cadence))?,
        target_group: text(14)?,
        status: Status::parse(&status).ok_or_else(|| bad("status", &status))?,
        impact: Impact::parse(&impact).ok_or_else(|| bad("impact", &impact))?,
        accepted_on: date_column(r, 17, "accepted_on")?,
        confidential: r.get::<_, i64>(18)? != 0,
    })
}

fn check_in_from(r: &Row<'_>) -> rusqlite::Result<CheckIn> {
    let on: String = r.get(2)?;
    let rag: String = r.get(3)?;
    Ok(CheckIn {
        id: r.get(0)?,
        action_id: r.get(1)?,
        on: on.parse().map_err(|_| bad("checked_on", &on))?,
        rag: Rag::parse(&rag).ok_or_else(|| bad("rag", &rag))?,
        note: r.get(4)?,
        impact_note: r.get(5)?,
        confidential: r.get::<_, i64>(6)? != 0,
    })
}

fn insert_statements(tx: &Transaction<'_>, action: i64, keys: &[String]) -> rusqlite::Result<()> {
    tx.execute(
        "DELETE FROM action_statements
         WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1)",
        [action],
    )?;
    for (position, key) in keys.iter().enumerate() {
        tx.execute(
            "INSERT INTO action_statements (action_uuid, statement_key, position)
             VALUES ((SELECT uuid FROM actions WHERE rowid = ?1), ?2, ?3)",
            params![action, key, position as i64],
        )?;
    }
    Ok(())
}

pub(super) fn keep_action_revision(
    tx: &Transaction<'_>,
    action: i64,
    field: &str,
    old: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO action_revisions (uuid, action_uuid, field, old_value, replaced_at)
         VALUES (?5, (SELECT uuid FROM actions WHERE rowid = ?1), ?2, ?3, ?4)",
        params![action, field, old, now(), new_uuid()],
    )?;
    Ok(())
}

/// An action whose statements' notes are confidential in its evaluation
/// copied those notes (as its reason or impact check): it is marked too.
pub(super) fn mark_if_from_confidential(tx: &Transaction<'_>, action: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE actions SET confidential = 1
         WHERE rowid = ?1 AND EXISTS (
             SELECT 1 FROM action_statements s JOIN judgements j
               ON j.evaluation_uuid = actions.evaluation_uuid AND j.statement_key = s.statement_key
             WHERE s.action_uuid = actions.uuid AND j.confidential = 1)",
        [action],
    )?;
    Ok(())
}

/// Works out an action's next check by the domain's rule and keeps it in
/// `actions.next_check` (NULL unless the action is open in the plan), so
/// the agenda can find due actions through an index. Runs inside every
/// change to an action or its check-ins, in the same transaction.
pub(super) fn refresh_next_check(conn: &Connection, action: i64) -> rusqlite::Result<()> {
    let found = conn
        .query_row(
            &format!(
                "SELECT {},
                    (SELECT max(checked_on) FROM checkins WHERE action_uuid = actions.uuid)
                 FROM actions WHERE rowid = ?1",
                action_columns()
            ),
            [action],
            |r| Ok((action_from(r)?, date_column(r, 19, "checked_on")?)),
        )
        .optional()?;
    let today = jiff::Zoned::now().date();
    let next = found
        .filter(|(a, _)| a.is_open())
        .map(|(a, last)| next_check(&a, last, today).to_string());
    conn.execute(
        "UPDATE actions SET next_check = ?2 WHERE rowid = ?1 AND next_check IS NOT ?2",
        params![action, next],
    )?;
    Ok(())
}

/// [`refresh_next_check`] for every action: for the migration that adds the
/// column, and for generated files.
pub(super) fn refresh_all_next_checks(conn: &Connection) -> rusqlite::Result<()> {
    let ids: Vec<i64> = conn
        .prepare("SELECT rowid FROM actions")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        refresh_next_check(conn, id)?;
    }
    Ok(())
}

impl Store {
    /// Marks an action's reason and impact check confidential, or no longer so.
    pub fn set_action_confidential(&mut self, id: i64, confidential: bool) -> super::Result<()> {
        self.write(|tx| {
            let old: i64 = tx.query_row(
                "SELECT confidential FROM actions WHERE rowid = ?1",
                [id],
                |r| r.get(0),
            )?;
            if old != confidential as i64 {
                keep_action_revision(tx, id, "confidential", &old.to_string())?;
                tx.execute(
                    "UPDATE actions SET confidential = ?2, updated_at = ?3 WHERE rowid = ?1",
                    params![id, confidential as i64, now()],
                )?;
            }
            Ok(())
        })
    }

    /// Stores drafts, all in one transaction; returns their ids.
    pub fn add_drafts(&mut self, evaluation: i64, seeds: &[DraftSeed]) -> super::Result<Vec<i64>> {
        self.write(|tx| {
            let mut ids = Vec::new();
            for seed in seeds {
                let stamp = now();
                tx.execute(
                    "INSERT INTO actions
                       (uuid, evaluation_uuid, title, reason, impact_check, created_at, updated_at)
                     VALUES (?6, (SELECT uuid FROM evaluations WHERE rowid = ?1), ?2, ?3, ?4, ?5, ?5)",
                    params![
                        evaluation,
                        seed.title,
                        seed.reason,
                        seed.impact_check,
                        stamp,
                        new_uuid()
                    ],
                )?;
                let id = tx.last_insert_rowid();
                insert_statements(tx, id, &seed.statements)?;
                mark_if_from_confidential(tx, id)?;
                ids.push(id);
            }
            Ok(ids)
        })
    }

    fn fill(&self, mut action: Action) -> super::Result<Action> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT statement_key FROM action_statements
             WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1) ORDER BY position",
        )?;
        action.statements = stmt
            .query_map([action.id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT due_date, text FROM milestones
             WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1)
             ORDER BY due_date, rowid",
        )?;
        action.milestones = stmt
            .query_map([action.id], |r| {
                let d: String = r.get(0)?;
                Ok(Milestone {
                    date: d.parse().map_err(|_| bad("milestone", &d))?,
                    text: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(action)
    }

    /// Every action of an evaluation, drafts and discarded ones included.
    pub fn actions(&self, evaluation: i64) -> super::Result<Vec<Action>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {} FROM actions
             WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1)
             ORDER BY created_at, rowid",
            action_columns()
        ))?;
        let rows = stmt
            .query_map([evaluation], action_from)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|a| self.fill(a)).collect()
    }

    pub fn action(&self, id: i64) -> super::Result<Action> {
        let action = self
            .conn
            .query_row(
                &format!("SELECT {} FROM actions WHERE rowid = ?1", action_columns()),
                [id],
                action_from,
            )
            .optional()?
            .ok_or_else(|| StoreError::Missing(format!("There is no action {id}.")))?;
        self.fill(action)
    }

    /// Accepted actions across the database (optionally one school's), with
    /// their school, cycle and last check-in.
    pub fn plan_rows(&self, school: Option<i64>) -> super::Result<Vec<PlanRow>> {
        match school {
            Some(id) => self.rows_where("a.stage = 'accepted' AND s.rowid = ?1", &[&id]),
            None => self.rows_where("a.stage = 'accepted'", &[]),
        }
    }

    /// The open actions whose next check falls on or before `by`, in the
    /// agenda's order (soonest check first), with only what the agenda's
    /// filter needs: one pass over the index, whatever the file holds.
    pub fn due_actions(&self, by: Date) -> super::Result<Vec<DueAction>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid, owner, checker FROM actions
             WHERE next_check <= ?1 ORDER BY next_check, rowid",
        )?;
        let rows = stmt.query_map([by.to_string()], |r| {
            Ok(DueAction {
                id: r.get(0)?,
                owner: r.get(1)?,
                checker: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Hands `each` the actions whose next check falls on or before `by`,
    /// soonest first, as one query reads them through the `next_check`
    /// index: memory follows one row, however long the agenda.
    pub fn for_each_due(&self, by: Date, each: &mut dyn FnMut(DueRow)) -> super::Result<()> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {}, s.name, e.scope, e.cycle,
                 (SELECT x.checked_on || ' ' || x.rag FROM checkins x
                  WHERE x.action_uuid = a.uuid
                  ORDER BY x.checked_on DESC, x.rowid DESC LIMIT 1)
             FROM actions a JOIN evaluations e ON e.uuid = a.evaluation_uuid
             JOIN schools s ON s.uuid = e.school_uuid
             WHERE a.next_check <= ?1 ORDER BY a.next_check, a.rowid",
            action_columns_of("a")
        ))?;
        let mut rows = stmt.query([by.to_string()])?;
        while let Some(r) = rows.next()? {
            // The day and colour come together from the index, as one value.
            let latest: Option<String> = r.get(22)?;
            let last_check = match latest.as_deref().map(|l| l.split_once(' ')) {
                None => None,
                Some(Some((on, rag))) => Some((
                    on.parse().map_err(|_| bad("checked_on", on))?,
                    Rag::parse(rag).ok_or_else(|| bad("rag", rag))?,
                )),
                Some(None) => return Err(bad("checkins", latest.as_deref().unwrap_or("")).into()),
            };
            each(DueRow {
                action: action_from(r)?,
                school: r.get(19)?,
                scope: r.get(20)?,
                cycle: r.get(21)?,
                last_check,
            });
        }
        Ok(())
    }

    /// The statements the school's live plan addresses: those of its
    /// accepted actions not yet done or dropped, from any cycle.
    pub fn live_statements(&self, school: i64) -> super::Result<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT x.statement_key FROM schools s
             JOIN evaluations e ON e.school_uuid = s.uuid
             JOIN actions a ON a.evaluation_uuid = e.uuid
             JOIN action_statements x ON x.action_uuid = a.uuid
             WHERE s.rowid = ?1 AND e.removed_at IS NULL
               AND a.stage = 'accepted' AND a.status IN ('not started', 'in progress')",
        )?;
        let keys = stmt.query_map([school], |r| r.get(0))?;
        Ok(keys.collect::<rusqlite::Result<_>>()?)
    }

    /// How many open priorities the school's plan holds: accepted actions
    /// not yet done or dropped, from every cycle.
    pub fn open_priorities(&self, school: i64) -> super::Result<usize> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT count(*) FROM schools s JOIN evaluations e ON e.school_uuid = s.uuid
             JOIN actions a ON a.evaluation_uuid = e.uuid
             WHERE s.rowid = ?1 AND e.removed_at IS NULL
               AND a.stage = 'accepted' AND a.status IN ('not started', 'in progress')",
        )?;
        Ok(stmt.query_row([school], |r| r.get::<_, i64>(0))? as usize)
    }

    /// One accepted action as a plan row, or `None` if it is not in a plan.
    pub fn plan_row(&self, action: i64) -> super::Result<Option<PlanRow>> {
        Ok(self
            .rows_where("a.stage = 'accepted' AND a.rowid = ?1", &[&action])?
            .pop())
    }

    /// Plan rows for these actions, in the order given (those not in a plan
    /// are left out).
    pub fn plan_rows_of(&self, actions: &[i64]) -> super::Result<Vec<PlanRow>> {
        let list = serde_json::to_string(actions).unwrap_or_else(|_| "[]".into());
        let mut rows: HashMap<i64, PlanRow> = self
            .rows_where(
                "a.stage = 'accepted' AND a.rowid IN (SELECT value FROM json_each(?1))",
                &[&list],
            )?
            .into_iter()
            .map(|r| (r.action.id, r))
            .collect();
        Ok(actions.iter().filter_map(|id| rows.remove(id)).collect())
    }

    /// Plan rows for the actions `condition` picks (over `actions a` and
    /// `evaluations e` and `schools s`, with its parameters): the actions, then statements,
    /// milestones and the latest check-in of all of them, in four queries
    /// rather than three per action.
    fn rows_where(
        &self,
        condition: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> super::Result<Vec<PlanRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {}, s.rowid, s.name, e.cycle, e.scope, e.tool_id, e.tool_version
             FROM actions a JOIN evaluations e ON e.uuid = a.evaluation_uuid
             JOIN schools s ON s.uuid = e.school_uuid
             WHERE {condition}
             ORDER BY s.name COLLATE NOCASE, a.created_at, a.rowid",
            action_columns_of("a")
        ))?;
        let rows = stmt
            .query_map(params, |r| {
                Ok((
                    action_from(r)?,
                    r.get::<_, i64>(19)?,
                    r.get::<_, String>(20)?,
                    r.get::<_, String>(21)?,
                    r.get::<_, String>(22)?,
                    r.get::<_, String>(23)?,
                    r.get::<_, u32>(24)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let picked = format!(
            "JOIN actions a ON a.uuid = x.action_uuid
             JOIN evaluations e ON e.uuid = a.evaluation_uuid
             JOIN schools s ON s.uuid = e.school_uuid
             WHERE {condition}"
        );
        let mut statements: HashMap<i64, Vec<String>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT a.rowid, x.statement_key FROM action_statements x {picked}
             ORDER BY a.rowid, x.position"
        ))?;
        for pair in stmt.query_map(params, |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (id, key): (i64, String) = pair?;
            statements.entry(id).or_default().push(key);
        }
        let mut milestones: HashMap<i64, Vec<Milestone>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT a.rowid, x.due_date, x.text FROM milestones x {picked}
             ORDER BY a.rowid, x.due_date, x.rowid"
        ))?;
        for row in stmt.query_map(params, |r| {
            let d: String = r.get(1)?;
            Ok((
                r.get::<_, i64>(0)?,
                Milestone {
                    date: d.parse().map_err(|_| bad("milestone", &d))?,
                    text: r.get(2)?,
                },
            ))
        })? {
            let (id, milestone) = row?;
            milestones.entry(id).or_default().push(milestone);
        }
        let mut latest: HashMap<i64, CheckIn> = HashMap::new();
        // Each action's latest check-in is found in the index by action and
        // day, so only that one row is read.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.rowid, a.rowid, c.checked_on, c.rag, c.note, c.impact_note, c.confidential
             FROM actions a JOIN evaluations e ON e.uuid = a.evaluation_uuid
             JOIN schools s ON s.uuid = e.school_uuid
             JOIN checkins c ON c.rowid = (
                 SELECT x.rowid FROM checkins x WHERE x.action_uuid = a.uuid
                 ORDER BY x.checked_on DESC, x.rowid DESC LIMIT 1)
             WHERE {condition}"
        ))?;
        for c in stmt.query_map(params, check_in_from)? {
            let c = c?;
            latest.insert(c.action_id, c);
        }
        rows.into_iter()
            .map(
                |(mut action, school_id, school, cycle, scope, tool_id, tool_version)| {
                    action.statements = statements.remove(&action.id).unwrap_or_default();
                    action.milestones = milestones.remove(&action.id).unwrap_or_default();
                    let last_check_in = latest.remove(&action.id);
                    Ok(PlanRow {
                        action,
                        school_id,
                        school,
                        cycle,
                        scope,
                        tool_id,
                        tool_version,
                        last_check_in,
                    })
                },
            )
            .collect()
    }

    /// Sets one field. `None` stores NULL (no date, no role). `starts_edit`
    /// keeps the replaced value in the history, as for judgements.
    pub fn set_action_field(
        &mut self,
        id: i64,
        field: ActionField,
        value: Option<&str>,
        starts_edit: bool,
    ) -> super::Result<()> {
        let column = field.column();
        self.write(|tx| {
            let old: Option<String> = tx.query_row(
                &format!("SELECT {column} FROM actions WHERE rowid = ?1"),
                [id],
                |r| r.get(0),
            )?;
            if old.as_deref() == value {
                return Ok(());
            }
            if let Some(old) = old.as_deref().filter(|o| starts_edit && !o.is_empty()) {
                keep_action_revision(tx, id, column, old)?;
            }
            tx.execute(
                &format!("UPDATE actions SET {column} = ?2, updated_at = ?3 WHERE rowid = ?1"),
                params![id, value, now()],
            )?;
            refresh_next_check(tx, id)?;
            Ok(())
        })
    }

    /// Accepts a draft into the plan on `today`.
    pub fn accept_action(&mut self, id: i64, today: Date) -> super::Result<()> {
        self.write(|tx| {
            let stage: String =
                tx.query_row("SELECT stage FROM actions WHERE rowid = ?1", [id], |r| {
                    r.get(0)
                })?;
            if stage == Stage::Accepted.as_str() {
                return Ok(());
            }
            keep_action_revision(tx, id, "stage", &stage)?;
            tx.execute(
                "UPDATE actions SET stage = 'accepted', accepted_on = ?2, updated_at = ?3
                 WHERE rowid = ?1",
                params![id, today.to_string(), now()],
            )?;
            refresh_next_check(tx, id)?;
            Ok(())
        })
    }

    /// Replaces an action's milestones, keeping the old list in the history.
    pub fn set_milestones(&mut self, id: i64, milestones: &[Milestone]) -> super::Result<()> {
        let old = crate::domain::plan::format_milestones(&self.action(id)?.milestones);
        self.write(|tx| {
            let new = crate::domain::plan::format_milestones(milestones);
            if old == new {
                return Ok(());
            }
            if !old.is_empty() {
                keep_action_revision(tx, id, "milestones", &old)?;
            }
            tx.execute(
                "DELETE FROM milestones WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1)",
                [id],
            )?;
            for m in milestones {
                tx.execute(
                    "INSERT INTO milestones (uuid, action_uuid, due_date, text)
                     VALUES (?4, (SELECT uuid FROM actions WHERE rowid = ?1), ?2, ?3)",
                    params![id, m.date.to_string(), m.text, new_uuid()],
                )?;
            }
            Ok(())
        })
    }

    /// Folds drafts into one: the first keeps its id and gains the others'
    /// statements; the others are marked merged (kept, not erased).
    pub fn merge_drafts(&mut self, merged: &MergedDraft) -> super::Result<()> {
        self.write(|tx| {
            insert_statements(tx, merged.into, &merged.statements)?;
            tx.execute(
                "UPDATE actions SET reason = ?2, impact_check = ?3, updated_at = ?4 WHERE rowid = ?1",
                params![merged.into, merged.reason, merged.impact_check, now()],
            )?;
            for id in &merged.absorbed {
                tx.execute(
                    "UPDATE actions SET stage = 'merged',
                       merged_into = (SELECT uuid FROM actions WHERE rowid = ?2), updated_at = ?3
                     WHERE rowid = ?1",
                    params![id, merged.into, now()],
                )?;
                // Text joined from a confidential draft keeps the mark.
                tx.execute(
                    "UPDATE actions SET confidential = 1 WHERE rowid = ?1
                     AND (SELECT confidential FROM actions WHERE rowid = ?2) = 1",
                    params![merged.into, id],
                )?;
            }
            mark_if_from_confidential(tx, merged.into)?;
            for id in std::iter::once(&merged.into).chain(&merged.absorbed) {
                refresh_next_check(tx, *id)?;
            }
            Ok(())
        })
    }

    /// The actions in a plan checked on `day`, in the order they were
    /// checked, each with its latest check-in of that day.
    pub fn checked_on(&self, day: Date) -> super::Result<Vec<CheckedAction>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.rowid, a.owner, a.checker, max(c.rowid) AS latest
             FROM checkins c JOIN actions a ON a.uuid = c.action_uuid
             JOIN evaluations e ON e.uuid = a.evaluation_uuid
             WHERE c.checked_on = ?1 AND a.stage = 'accepted' AND e.removed_at IS NULL
             GROUP BY a.rowid ORDER BY min(c.rowid)",
        )?;
        let rows = stmt.query_map([day.to_string()], |r| {
            Ok(CheckedAction {
                id: r.get(0)?,
                owner: r.get(1)?,
                checker: r.get(2)?,
                check_in: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Takes back a check-in made by mistake. Its day, colour and notes are
    /// kept in the action's history, so nothing typed is lost.
    pub fn withdraw_check_in(&mut self, check_in: i64) -> super::Result<()> {
        self.write(|tx| {
            type Row = (i64, String, String, String, String, String);
            let (action, on, rag, note, impact, made): Row = tx
                .query_row(
                    "SELECT (SELECT rowid FROM actions WHERE uuid = action_uuid), checked_on, rag,
                            note, impact_note, created_at
                     FROM checkins WHERE rowid = ?1",
                    [check_in],
                    |r| {
                        Ok((
                            r.get(0)?,
                            r.get(1)?,
                            r.get(2)?,
                            r.get(3)?,
                            r.get(4)?,
                            r.get(5)?,
                        ))
                    },
                )
                .optional()?
                .ok_or_else(|| StoreError::Missing(format!("There is no check-in {check_in}.")))?;
            let kept = [format!("{on} {rag}"), note, impact]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            keep_action_revision(tx, action, "check-in withdrawn", &kept)?;
            tx.execute("DELETE FROM checkins WHERE rowid = ?1", [check_in])?;
            // The first check-in started the work ("not started" became "in
            // progress"): with none left, and nothing else changed the
            // status since, it is not started again.
            let left: i64 = tx.query_row(
                "SELECT count(*) FROM checkins
                 WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1)",
                [action],
                |r| r.get(0),
            )?;
            let status: String = tx.query_row(
                "SELECT status FROM actions WHERE rowid = ?1",
                [action],
                |r| r.get(0),
            )?;
            // The status change the check-in made is recorded as it was
            // made: a change from before it (set by hand) is left alone.
            let last_change: Option<(String, String)> = tx
                .query_row(
                    "SELECT old_value, replaced_at FROM action_revisions
                     WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1)
                       AND field = 'status'
                     ORDER BY replaced_at DESC, rowid DESC LIMIT 1",
                    [action],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let at = |t: &str| t.parse::<jiff::Timestamp>().ok();
            let last_change = last_change
                .filter(|(_, when)| at(when).is_some_and(|w| at(&made).is_some_and(|m| w >= m)))
                .map(|(old, _)| old);
            if left == 0
                && status == Status::InProgress.as_str()
                && last_change.as_deref() == Some(Status::NotStarted.as_str())
            {
                keep_action_revision(tx, action, "status", &status)?;
                tx.execute(
                    "UPDATE actions SET status = 'not started', updated_at = ?2 WHERE rowid = ?1",
                    params![action, now()],
                )?;
            }
            refresh_next_check(tx, action)?;
            Ok(())
        })
    }

    /// Records a check-in; returns its id.
    pub fn add_check_in(&mut self, action: i64, on: Date, rag: Rag) -> super::Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO checkins (uuid, action_uuid, checked_on, rag, created_at)
                 VALUES (?5, (SELECT uuid FROM actions WHERE rowid = ?1), ?2, ?3, ?4)",
                params![action, on.to_string(), rag.as_str(), now(), new_uuid()],
            )?;
            let id = tx.last_insert_rowid();
            if tx.query_row(
                "SELECT status FROM actions WHERE rowid = ?1",
                [action],
                |r| r.get::<_, String>(0),
            )? == Status::NotStarted.as_str()
            {
                keep_action_revision(tx, action, "status", Status::NotStarted.as_str())?;
                tx.execute(
                    "UPDATE actions SET status = 'in progress', updated_at = ?2 WHERE rowid = ?1",
                    params![action, now()],
                )?;
            }
            refresh_next_check(tx, action)?;
            Ok(id)
        })
    }

    /// Changes a check-in's colour; the colour it replaces is kept in the
    /// action's history.
    pub fn set_check_in_rag(&mut self, check_in: i64, rag: Rag) -> super::Result<()> {
        self.write(|tx| {
            let (action, on, was): (i64, String, String) = tx.query_row(
                "SELECT (SELECT rowid FROM actions WHERE uuid = action_uuid), checked_on, rag
                 FROM checkins WHERE rowid = ?1",
                [check_in],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            if was != rag.as_str() {
                keep_action_revision(tx, action, "check-in colour", &format!("{on} {was}"))?;
            }
            tx.execute(
                "UPDATE checkins SET rag = ?2 WHERE rowid = ?1",
                params![check_in, rag.as_str()],
            )?;
            Ok(())
        })
    }

    /// Marks a check-in's notes confidential, or no longer so.
    pub fn set_check_in_confidential(
        &mut self,
        check_in: i64,
        confidential: bool,
    ) -> super::Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE checkins SET confidential = ?2 WHERE rowid = ?1",
                params![check_in, confidential as i64],
            )?;
            Ok(())
        })
    }

    /// Saves a check-in's note (`impact` false) or impact observation.
    pub fn set_check_in_text(
        &mut self,
        check_in: i64,
        impact: bool,
        text: &str,
    ) -> super::Result<()> {
        let column = if impact { "impact_note" } else { "note" };
        self.write(|tx| {
            tx.execute(
                &format!("UPDATE checkins SET {column} = ?2 WHERE rowid = ?1"),
                params![check_in, text],
            )?;
            Ok(())
        })
    }

    /// An action's check-ins, newest first.
    pub fn check_ins(&self, action: i64) -> super::Result<Vec<CheckIn>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {} FROM checkins
             WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1)
             ORDER BY checked_on DESC, rowid DESC",
            check_in_columns_of("checkins")
        ))?;
        let rows = stmt.query_map([action], check_in_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every check-in, for exports.
    pub fn all_check_ins(&self) -> super::Result<HashMap<i64, Vec<CheckIn>>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.rowid, a.rowid, c.checked_on, c.rag, c.note, c.impact_note, c.confidential
             FROM checkins c JOIN actions a ON a.uuid = c.action_uuid
             ORDER BY a.rowid, c.checked_on, c.rowid",
        )?;
        let mut out: HashMap<i64, Vec<CheckIn>> = HashMap::new();
        for c in stmt.query_map([], check_in_from)? {
            let c = c?;
            out.entry(c.action_id).or_default().push(c);
        }
        Ok(out)
    }

    pub fn setting(&self, key: &str) -> super::Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> super::Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, value],
            )?;
            Ok(())
        })
    }

    /// The open-priority limit: the user's setting, or the default.
    pub fn priority_limit(&self) -> super::Result<usize> {
        Ok(self
            .setting(PRIORITY_LIMIT_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(crate::domain::plan::DEFAULT_PRIORITY_LIMIT))
    }

    /// Replaced values of an action's fields, oldest first.
    pub fn action_history(&self, action: i64) -> super::Result<Vec<(String, String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT field, old_value, replaced_at FROM action_revisions
             WHERE action_uuid = (SELECT uuid FROM actions WHERE rowid = ?1)
             ORDER BY replaced_at, rowid",
        )?;
        let rows = stmt.query_map([action], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
