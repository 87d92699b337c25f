use rusqlite::{params, OptionalExtension, Row, Transaction};

use super::{new_uuid, now, Store, StoreError};
use crate::domain::evaluation::{Evaluation, Judgement, Judgements, Progress, TextField};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvaluation {
    pub school_id: i64,
    pub tool_id: String,
    pub tool_version: u32,
    pub scope: String,
    pub cycle: String,
    pub attendees: String,
}

/// A judgement's `carried_from` as read: the evaluation it was carried
/// from, unless that one was removed (started by mistake), since then
/// nothing it says was carried.
const CARRIED_FROM: &str = "(SELECT e.rowid FROM evaluations e
     WHERE e.uuid = judgements.carried_from AND e.removed_at IS NULL)";

/// An evaluation as the home screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationListing {
    pub evaluation: Evaluation,
    pub tool_title: String,
    pub progress: Progress,
}

/// A value a user change replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub statement_key: String,
    pub field: String,
    pub old_value: String,
    pub replaced_at: String,
}

pub(super) const EVALUATION_COLUMNS: &str =
    "e.rowid, s.rowid, s.name, e.tool_id, e.tool_version, e.scope, \
     e.cycle, e.attendees, e.created_at";

pub(super) fn evaluation_from(r: &Row<'_>) -> rusqlite::Result<Evaluation> {
    Ok(Evaluation {
        id: r.get(0)?,
        school_id: r.get(1)?,
        school_name: r.get(2)?,
        tool_id: r.get(3)?,
        tool_version: r.get(4)?,
        scope: r.get(5)?,
        cycle: r.get(6)?,
        attendees: r.get(7)?,
        created_at: r.get(8)?,
    })
}

/// The judgement row as it stands, created empty if it is not there yet.
fn current(tx: &Transaction<'_>, evaluation: i64, key: &str) -> rusqlite::Result<Judgement> {
    tx.execute(
        "INSERT OR IGNORE INTO judgements (evaluation_uuid, statement_key, updated_at)
         VALUES ((SELECT uuid FROM evaluations WHERE rowid = ?1), ?2, ?3)",
        params![evaluation, key, now()],
    )?;
    tx.query_row(
        &format!(
            "SELECT level, deferred, rationale, evidence, defer_note, {CARRIED_FROM}, confidential
             FROM judgements WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND statement_key = ?2"
        ),
        params![evaluation, key],
        judgement_from,
    )
}

fn judgement_from(r: &Row<'_>) -> rusqlite::Result<Judgement> {
    Ok(Judgement {
        level: r.get(0)?,
        deferred: r.get::<_, i64>(1)? != 0,
        rationale: r.get(2)?,
        evidence: r.get(3)?,
        defer_note: r.get(4)?,
        carried_from: r.get(5)?,
        confidential: r.get::<_, i64>(6)? != 0,
    })
}

/// The fields of a judgement whose replaced values the history keeps.
pub(super) const KEPT_FIELDS: &[&str] =
    &["level", "deferred", "rationale", "evidence", "defer_note"];

pub(super) fn keep_revision(
    tx: &Transaction<'_>,
    evaluation: i64,
    key: &str,
    field: &str,
    old_value: &str,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO revisions (uuid, evaluation_uuid, statement_key, field, old_value, replaced_at)
         VALUES (?6, (SELECT uuid FROM evaluations WHERE rowid = ?1), ?2, ?3, ?4, ?5)",
        params![evaluation, key, field, old_value, now(), new_uuid()],
    )?;
    Ok(())
}

/// Writes a level and deferred flag, keeping the values they replace.
fn set_mark(
    tx: &Transaction<'_>,
    evaluation: i64,
    key: &str,
    level: Option<u8>,
    deferred: bool,
) -> rusqlite::Result<()> {
    let old = current(tx, evaluation, key)?;
    if old.level == level && old.deferred == deferred {
        return Ok(());
    }
    if let Some(old_level) = old.level.filter(|_| old.level != level) {
        keep_revision(tx, evaluation, key, "level", &old_level.to_string())?;
    }
    if old.deferred != deferred {
        keep_revision(
            tx,
            evaluation,
            key,
            "deferred",
            if old.deferred { "1" } else { "0" },
        )?;
    }
    tx.execute(
        "UPDATE judgements SET level = ?3, deferred = ?4, updated_at = ?5, marked_at = ?5
         WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND statement_key = ?2",
        params![evaluation, key, level, deferred as i64, now()],
    )?;
    Ok(())
}

/// Writes one note of a judgement, `old` being what it holds now; with
/// `keep`, a text it replaces goes into the history first.
fn write_text(
    tx: &Transaction<'_>,
    evaluation: i64,
    key: &str,
    field: TextField,
    old: &str,
    text: &str,
    keep: bool,
) -> rusqlite::Result<()> {
    if old == text {
        return Ok(());
    }
    if keep && !old.is_empty() {
        keep_revision(tx, evaluation, key, field.column(), old)?;
    }
    tx.execute(
        &format!(
            "UPDATE judgements SET {} = ?3, updated_at = ?4
             WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND statement_key = ?2",
            field.column()
        ),
        params![evaluation, key, text, now()],
    )?;
    Ok(())
}

/// A judgement set in this meeting is no longer the carried one.
fn forget_carried(tx: &Transaction<'_>, evaluation: i64, key: &str) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE judgements SET carried_from = NULL
         WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND statement_key = ?2 AND carried_from IS NOT NULL",
        params![evaluation, key],
    )?;
    Ok(())
}

/// The live evaluation of the same school, tool, scope and cycle as `new`
/// (scope and cycle compared without case or surrounding spaces), if any.
fn same_as(tx: &rusqlite::Connection, new: &NewEvaluation) -> rusqlite::Result<Option<i64>> {
    tx.query_row(
        "SELECT rowid FROM evaluations
         WHERE school_uuid = (SELECT uuid FROM schools WHERE rowid = ?1) AND tool_id = ?2
           AND removed_at IS NULL
           AND lower(trim(scope)) = lower(trim(?3)) AND lower(trim(cycle)) = lower(trim(?4))
         ORDER BY created_at DESC, rowid DESC LIMIT 1",
        params![new.school_id, new.tool_id, new.scope, new.cycle],
        |r| r.get(0),
    )
    .optional()
}

impl Store {
    /// The evaluation already started for the same school, tool, scope and
    /// cycle as `new`, if any: starting another would make a duplicate.
    pub fn same_evaluation(&self, new: &NewEvaluation) -> super::Result<Option<i64>> {
        Ok(same_as(&self.conn, new)?)
    }

    /// Starts an evaluation. One that matches an evaluation already started
    /// (same school, tool, scope and cycle) is refused with
    /// [`StoreError::AlreadyStarted`], which names it.
    pub fn create_evaluation(&mut self, new: &NewEvaluation) -> super::Result<i64> {
        self.tool(&new.tool_id, new.tool_version)?;
        self.write(|tx| {
            if let Some(id) = same_as(tx, new)? {
                return Err(StoreError::AlreadyStarted(id));
            }
            tx.execute(
                "INSERT INTO evaluations
                   (uuid, school_uuid, tool_id, tool_version, scope, cycle, attendees, created_at)
                 VALUES (?8, (SELECT uuid FROM schools WHERE rowid = ?1), ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    new.school_id,
                    new.tool_id,
                    new.tool_version,
                    new.scope,
                    new.cycle,
                    new.attendees,
                    now(),
                    new_uuid()
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Removes an evaluation started by mistake: it is no longer listed,
    /// found, reported or exported, but its row and everything under it stay
    /// in the file, marked with the time. One with actions in a school's
    /// plan is refused: those are live work.
    pub fn remove_evaluation(&mut self, id: i64) -> super::Result<()> {
        self.write(|tx| {
            let in_plan: i64 = tx.query_row(
                "SELECT count(*) FROM actions
                 WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1)
                   AND stage = 'accepted'",
                [id],
                |r| r.get(0),
            )?;
            if in_plan > 0 {
                return Err(StoreError::Conflict(format!(
                    "This evaluation has {in_plan} action{} in the school's plan, so it is not removed; drop {} in the plan first.",
                    if in_plan == 1 { "" } else { "s" },
                    if in_plan == 1 { "it" } else { "them" }
                )));
            }
            let changed = tx.execute(
                "UPDATE evaluations SET removed_at = ?2 WHERE rowid = ?1 AND removed_at IS NULL",
                params![id, now()],
            )?;
            if changed == 0 {
                return Err(StoreError::Missing(format!("There is no evaluation {id}.")));
            }
            Ok(())
        })
    }

    pub fn evaluation(&self, id: i64) -> super::Result<Evaluation> {
        self.conn
            .query_row(
                &format!(
                    "SELECT {EVALUATION_COLUMNS} FROM evaluations e
                     JOIN schools s ON s.uuid = e.school_uuid WHERE e.rowid = ?1"
                ),
                [id],
                evaluation_from,
            )
            .optional()?
            .ok_or_else(|| StoreError::Missing(format!("There is no evaluation {id}.")))
    }

    /// Every evaluation not removed, newest first within each school.
    pub fn evaluations(&self) -> super::Result<Vec<Evaluation>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {EVALUATION_COLUMNS} FROM evaluations e
             JOIN schools s ON s.uuid = e.school_uuid
             WHERE e.removed_at IS NULL
             ORDER BY s.name COLLATE NOCASE, e.created_at DESC, e.rowid DESC"
        ))?;
        let rows = stmt.query_map([], evaluation_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every evaluation with its tool title and progress, school by school.
    pub fn evaluation_listings(&self) -> super::Result<Vec<EvaluationListing>> {
        let mut all = Vec::new();
        for school in self.schools()? {
            all.extend(self.school_listings(school.id)?);
        }
        Ok(all)
    }

    /// One school's evaluations, newest first, with tool title and progress,
    /// for the home screen. Progress is counted by SQLite from the
    /// judgements' levels and marks of these evaluations only, through the
    /// key index, without reading any note.
    pub fn school_listings(&self, school: i64) -> super::Result<Vec<EvaluationListing>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EVALUATION_COLUMNS},
                 (SELECT count(level) FROM judgements j WHERE j.evaluation_uuid = e.uuid),
                 (SELECT coalesce(sum(deferred), 0) FROM judgements j
                  WHERE j.evaluation_uuid = e.uuid)
             FROM schools s JOIN evaluations e ON e.school_uuid = s.uuid
             WHERE s.rowid = ?1 AND e.removed_at IS NULL
             ORDER BY e.created_at DESC, e.rowid DESC"
        ))?;
        let rows = stmt
            .query_map([school], |r| {
                Ok((
                    evaluation_from(r)?,
                    r.get::<_, i64>(9)? as usize,
                    r.get::<_, i64>(10)? as usize,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(evaluation, judged, deferred)| {
                let tool = self.tool(&evaluation.tool_id, evaluation.tool_version)?;
                let total = tool.statement_count();
                Ok(EvaluationListing {
                    tool_title: tool.title.clone(),
                    progress: Progress {
                        judged,
                        deferred,
                        left: total.saturating_sub(judged + deferred),
                    },
                    evaluation,
                })
            })
            .collect()
    }

    pub fn judgements(&self, evaluation: i64) -> super::Result<Judgements> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT level, deferred, rationale, evidence, defer_note, {CARRIED_FROM},
                        confidential, statement_key
                 FROM judgements WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1)"
        ))?;
        let rows = stmt.query_map([evaluation], |r| {
            Ok((r.get::<_, String>(7)?, judgement_from(r)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sets (or with `None` clears) the judgement; judging clears a deferral.
    pub fn set_level(
        &mut self,
        evaluation: i64,
        key: &str,
        level: Option<u8>,
    ) -> super::Result<()> {
        self.write(|tx| {
            set_mark(tx, evaluation, key, level, false)?;
            forget_carried(tx, evaluation, key)?;
            Ok(())
        })
    }

    /// Leaves a statement until next time (clearing any judgement), or takes
    /// it back into the walk.
    pub fn set_deferred(
        &mut self,
        evaluation: i64,
        key: &str,
        deferred: bool,
    ) -> super::Result<()> {
        self.write(|tx| {
            set_mark(tx, evaluation, key, None, deferred)?;
            forget_carried(tx, evaluation, key)?;
            Ok(())
        })
    }

    /// Carries the judgement `from` made of `key` into `evaluation` unchanged:
    /// the level and rationale, marked as carried. Returns what was carried,
    /// or `None` when there was no judgement to carry.
    pub fn carry_forward(
        &mut self,
        evaluation: i64,
        key: &str,
        from: i64,
    ) -> super::Result<Option<Judgement>> {
        self.write(|tx| {
            let earlier = tx
                .query_row(
                    &format!(
                        "SELECT level, deferred, rationale, evidence, defer_note, {CARRIED_FROM},
                                confidential
                         FROM judgements WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND statement_key = ?2"
                    ),
                    params![from, key],
                    judgement_from,
                )
                .optional()?;
            let Some(earlier) = earlier.filter(|j| j.level.is_some()) else {
                return Ok(None);
            };
            set_mark(tx, evaluation, key, earlier.level, false)?;
            let old = current(tx, evaluation, key)?;
            if old.rationale != earlier.rationale {
                if !old.rationale.is_empty() {
                    keep_revision(tx, evaluation, key, "rationale", &old.rationale)?;
                }
                tx.execute(
                    "UPDATE judgements SET rationale = ?3 WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND statement_key = ?2",
                    params![evaluation, key, earlier.rationale],
                )?;
            }
            tx.execute(
                "UPDATE judgements
                 SET carried_from = (SELECT uuid FROM evaluations WHERE rowid = ?3),
                     confidential = max(confidential, ?4), updated_at = ?5
                 WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND statement_key = ?2",
                params![evaluation, key, from, earlier.confidential as i64, now()],
            )?;
            Ok(Some(current(tx, evaluation, key)?))
        })
    }

    /// Marks a statement's notes confidential, or no longer so.
    pub fn set_confidential(
        &mut self,
        evaluation: i64,
        key: &str,
        confidential: bool,
    ) -> super::Result<()> {
        self.write(|tx| {
            current(tx, evaluation, key)?;
            tx.execute(
                "UPDATE judgements SET confidential = ?3, updated_at = ?4
                 WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND statement_key = ?2",
                params![evaluation, key, confidential as i64, now()],
            )?;
            if confidential {
                // Drafts already made from these notes copied them.
                tx.execute(
                    "UPDATE actions SET confidential = 1
                     WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1)
                       AND uuid IN (SELECT action_uuid FROM action_statements
                                    WHERE statement_key = ?2)",
                    params![evaluation, key],
                )?;
            }
            Ok(())
        })
    }

    /// The evaluation of the same school, tool and scope made just before
    /// this one: the cycle this one builds on.
    pub fn previous_evaluation(&self, of: &Evaluation) -> super::Result<Option<Evaluation>> {
        Ok(self
            .series(of.school_id, &of.tool_id, &of.scope)?
            .into_iter()
            .take_while(|e| e.id != of.id)
            .last())
    }

    /// Every evaluation of one school, tool and scope, oldest first.
    pub fn series(
        &self,
        school_id: i64,
        tool_id: &str,
        scope: &str,
    ) -> super::Result<Vec<Evaluation>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {EVALUATION_COLUMNS} FROM evaluations e
             JOIN schools s ON s.uuid = e.school_uuid
             WHERE s.rowid = ?1 AND e.tool_id = ?2
               AND lower(trim(e.scope)) = lower(trim(?3)) AND e.removed_at IS NULL
             ORDER BY e.created_at, e.rowid"
        ))?;
        let rows = stmt.query_map(params![school_id, tool_id, scope], evaluation_from)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Saves a text field. `starts_edit` is true for the first save of an
    /// editing session: the value it replaces then goes into the history.
    pub fn set_text(
        &mut self,
        evaluation: i64,
        key: &str,
        field: TextField,
        text: &str,
        starts_edit: bool,
    ) -> super::Result<()> {
        self.write(|tx| {
            let old = current(tx, evaluation, key)?;
            Ok(write_text(
                tx,
                evaluation,
                key,
                field,
                field.get(&old),
                text,
                starts_edit,
            )?)
        })
    }

    /// Puts a statement's judgement back as `was` (its level, deferral,
    /// notes and the cycle it was carried from), in one transaction; what
    /// it replaces is kept in the history like any other change. For undo.
    pub fn restore_judgement(
        &mut self,
        evaluation: i64,
        key: &str,
        was: &Judgement,
    ) -> super::Result<()> {
        self.write(|tx| {
            set_mark(tx, evaluation, key, was.level, was.deferred)?;
            let now_ = current(tx, evaluation, key)?;
            for field in [
                TextField::Rationale,
                TextField::Evidence,
                TextField::DeferNote,
            ] {
                write_text(
                    tx,
                    evaluation,
                    key,
                    field,
                    field.get(&now_),
                    field.get(was),
                    true,
                )?;
            }
            tx.execute(
                "UPDATE judgements SET carried_from = (SELECT uuid FROM evaluations WHERE rowid = ?3)
                 WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND statement_key = ?2",
                params![evaluation, key, was.carried_from],
            )?;
            Ok(())
        })
    }

    /// The replaced values of one statement (or all, with `None`), oldest first.
    pub fn history(&self, evaluation: i64, key: Option<&str>) -> super::Result<Vec<Revision>> {
        let mut stmt = self.conn.prepare(
            "SELECT statement_key, field, old_value, replaced_at FROM revisions
             WHERE evaluation_uuid = (SELECT uuid FROM evaluations WHERE rowid = ?1) AND (?2 IS NULL OR statement_key = ?2)
             ORDER BY replaced_at, rowid",
        )?;
        let rows = stmt.query_map(params![evaluation, key], |r| {
            Ok(Revision {
                statement_key: r.get(0)?,
                field: r.get(1)?,
                old_value: r.get(2)?,
                replaced_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
