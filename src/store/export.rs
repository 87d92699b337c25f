use std::collections::HashMap;

use jiff::civil::Date;
use rusqlite::params;

use super::{Revision, Store, ToolInfo};
use crate::domain::evaluation::{Evaluation, Judgements};
use crate::domain::plan::{parse_milestones, Action, CheckIn, Milestone};
use crate::domain::school::School;

/// Everything in the database, read in one go for exports.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub schools: Vec<School>,
    /// Each stored tool version with its original file text.
    pub tools: Vec<(ToolInfo, String)>,
    /// Every setting, as `(key, value)`, by key.
    pub settings: Vec<(String, String)>,
    pub evaluations: Vec<EvaluationRecord>,
}

#[derive(Debug, Clone)]
pub struct EvaluationRecord {
    pub evaluation: Evaluation,
    pub tool: std::rc::Rc<crate::domain::tool::Tool>,
    pub judgements: Judgements,
    pub history: Vec<Revision>,
    /// Every action drafted from this evaluation.
    pub actions: Vec<ActionRecord>,
}

/// One action with what hangs from it, for exports.
#[derive(Debug, Clone)]
pub struct ActionRecord {
    pub action: Action,
    /// Oldest first.
    pub check_ins: Vec<CheckIn>,
    /// Values its changes replaced, oldest first.
    pub history: Vec<ActionRevision>,
    /// The action it was merged into (its local id), for a merged draft.
    pub merged_into: Option<i64>,
}

/// A value of an action's field that a change replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRevision {
    pub field: String,
    pub old_value: String,
    pub replaced_at: String,
}

/// What an export holds before its evaluations: schools, tools and
/// settings, small whatever the file's size.
#[derive(Debug, Clone)]
pub struct ExportHead {
    pub schools: Vec<School>,
    pub tools: Vec<(ToolInfo, String)>,
    pub settings: Vec<(String, String)>,
}

/// What the store keeps about one action that a calendar needs to name its
/// events for good and to tell a calendar they moved, without writing
/// anything: its identity, how much has happened to it, and what its dates
/// were before they were changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionTrail {
    /// The action's UUID: the same on every copy of the record.
    pub uuid: String,
    /// Check-ins recorded (withdrawn ones are counted among `revisions`).
    pub check_ins: u32,
    /// Replaced values kept in its history, of any field.
    pub revisions: u32,
    /// Check-ins withdrawn (each is also one of `revisions`).
    pub withdrawn: u32,
    /// Its earlier lists of milestones, as they were, oldest first.
    pub past_milestones: Vec<Vec<Milestone>>,
    /// Due dates it had before, oldest first.
    pub past_due: Vec<Date>,
    /// The day of its latest check-in.
    pub last_check_in: Option<Date>,
}

/// One school's actions as a calendar sees them: each action that is or
/// ever was in its plan, by local id, with its trail; and the actions that
/// were in the plan once but are no more (taken back to a draft, or of a
/// removed evaluation), which a plan read does not list.
#[derive(Debug, Clone, Default)]
pub struct PlanTrail {
    pub actions: HashMap<i64, ActionTrail>,
    pub left_the_plan: Vec<Action>,
}

type ExtraRows = HashMap<i64, (Option<i64>, Vec<ActionRevision>)>;

impl Store {
    /// Schools, tools and settings, for the start of an export.
    pub fn export_head(&self) -> super::Result<ExportHead> {
        let tools = self
            .all_tools()?
            .into_iter()
            .map(|info| {
                let source = self.tool_source(&info.id, info.version)?;
                Ok((info, source))
            })
            .collect::<super::Result<_>>()?;
        Ok(ExportHead {
            schools: self.schools()?,
            tools,
            settings: self.all_settings()?,
        })
    }

    /// Every setting, by key.
    fn all_settings(&self) -> super::Result<Vec<(String, String)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT key, value FROM settings ORDER BY key")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// For the actions of one evaluation (or of all, with `None`): the
    /// action each merged draft went into, and each action's replaced
    /// values, oldest first.
    fn action_extras(&self, evaluation: Option<i64>) -> super::Result<ExtraRows> {
        // Two forms, so the one evaluation's is a lookup through the index.
        let which = match evaluation {
            Some(_) => "WHERE a.evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1)",
            None => "WHERE ?1 IS NULL",
        };
        let mut out: ExtraRows = HashMap::new();
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT a.rowid, (SELECT m.rowid FROM actions m WHERE m.uuid = a.merged_into)
             FROM actions a {which}"
        ))?;
        for row in stmt.query_map([evaluation], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (id, merged_into): (i64, Option<i64>) = row?;
            out.entry(id).or_default().0 = merged_into;
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT a.rowid, r.field, r.old_value, r.replaced_at
             FROM actions a JOIN action_revisions r ON r.action_uuid = a.uuid {which}
             ORDER BY r.replaced_at, r.rowid"
        ))?;
        let rows = stmt.query_map([evaluation], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                ActionRevision {
                    field: r.get(1)?,
                    old_value: r.get(2)?,
                    replaced_at: r.get(3)?,
                },
            ))
        })?;
        for row in rows {
            let (id, revision) = row?;
            out.entry(id).or_default().1.push(revision);
        }
        Ok(out)
    }

    /// One evaluation with everything that hangs from it, for an export
    /// that writes one evaluation at a time.
    pub fn evaluation_record(&self, evaluation: Evaluation) -> super::Result<EvaluationRecord> {
        let mut extras = self.action_extras(Some(evaluation.id))?;
        let actions = self
            .actions(evaluation.id)?
            .into_iter()
            .map(|action| {
                let mut check_ins = self.check_ins(action.id)?;
                // Oldest first, as the whole-file export has them.
                check_ins.reverse();
                let (merged_into, history) = extras.remove(&action.id).unwrap_or_default();
                Ok(ActionRecord {
                    action,
                    check_ins,
                    history,
                    merged_into,
                })
            })
            .collect::<super::Result<_>>()?;
        Ok(EvaluationRecord {
            tool: self.tool(&evaluation.tool_id, evaluation.tool_version)?,
            judgements: self.judgements(evaluation.id)?,
            history: self.history(evaluation.id, None)?,
            actions,
            evaluation,
        })
    }

    pub fn snapshot(&self) -> super::Result<Snapshot> {
        let head = self.export_head()?;
        let mut check_ins = self.all_check_ins()?;
        let mut extras = self.action_extras(None)?;
        let evaluations = self
            .evaluations()?
            .into_iter()
            .map(|evaluation| {
                Ok(EvaluationRecord {
                    tool: self.tool(&evaluation.tool_id, evaluation.tool_version)?,
                    judgements: self.judgements(evaluation.id)?,
                    history: self.history(evaluation.id, None)?,
                    actions: self
                        .actions(evaluation.id)?
                        .into_iter()
                        .map(|action| {
                            let (merged_into, history) =
                                extras.remove(&action.id).unwrap_or_default();
                            ActionRecord {
                                check_ins: check_ins.remove(&action.id).unwrap_or_default(),
                                action,
                                history,
                                merged_into,
                            }
                        })
                        .collect(),
                    evaluation,
                })
            })
            .collect::<super::Result<_>>()?;
        Ok(Snapshot {
            schools: head.schools,
            tools: head.tools,
            settings: head.settings,
            evaluations,
        })
    }

    /// The trail of every action of `school` that is or ever was in its
    /// plan (accepted now, or accepted once by its history), read-only.
    pub fn plan_trail(&self, school: i64) -> super::Result<PlanTrail> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.rowid, a.uuid, a.stage = 'accepted' AND e.removed_at IS NULL,
                (SELECT count(*) FROM checkins c WHERE c.action_uuid = a.uuid),
                (SELECT count(*) FROM action_revisions r WHERE r.action_uuid = a.uuid),
                (SELECT count(*) FROM action_revisions r
                 WHERE r.action_uuid = a.uuid AND r.field = 'check-in withdrawn'),
                (SELECT max(c.checked_on) FROM checkins c WHERE c.action_uuid = a.uuid)
             FROM actions a JOIN evaluations e ON e.uuid = a.evaluation_uuid
             JOIN schools s ON s.uuid = e.school_uuid
             WHERE s.rowid = ?1 AND (a.stage = 'accepted' OR EXISTS (
                 SELECT 1 FROM action_revisions r
                 WHERE r.action_uuid = a.uuid AND r.field = 'stage' AND r.old_value = 'accepted'))
             ORDER BY a.rowid",
        )?;
        let mut trail = PlanTrail::default();
        let mut gone = Vec::new();
        let rows = stmt.query_map(params![school], |r| {
            let last: Option<String> = r.get(6)?;
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, bool>(2)?,
                ActionTrail {
                    uuid: r.get(1)?,
                    check_ins: r.get(3)?,
                    revisions: r.get(4)?,
                    withdrawn: r.get(5)?,
                    last_check_in: last.and_then(|d| d.parse().ok()),
                    ..ActionTrail::default()
                },
            ))
        })?;
        for row in rows {
            let (id, in_plan, t) = row?;
            if !in_plan {
                gone.push(id);
            }
            trail.actions.insert(id, t);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.rowid, r.field, r.old_value
             FROM action_revisions r JOIN actions a ON a.uuid = r.action_uuid
             JOIN evaluations e ON e.uuid = a.evaluation_uuid
             JOIN schools s ON s.uuid = e.school_uuid
             WHERE s.rowid = ?1 AND r.field IN ('milestones', 'due_date')
             ORDER BY r.replaced_at, r.rowid",
        )?;
        let rows = stmt.query_map(params![school], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        for row in rows {
            let (id, field, old) = row?;
            let Some(t) = trail.actions.get_mut(&id) else {
                continue;
            };
            // A value that no longer reads is passed over: the calendar
            // cannot have been given a date it could not read either.
            if field == "milestones" {
                t.past_milestones
                    .push(parse_milestones(&old).unwrap_or_default());
            } else if let Ok(due) = old.parse::<Date>() {
                t.past_due.push(due);
            }
        }
        for id in gone {
            trail.left_the_plan.push(self.action(id)?);
        }
        Ok(trail)
    }
}
