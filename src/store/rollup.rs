//! Roll-ups for a trust: each school's record as it stands, cut down to
//! what a view across schools needs (levels, aspects, action status, RAG,
//! impact and dates), written by the school's copy and taken into a
//! trust's file, where it replaces that school's last roll-up whole.
//! Notes go only if the school allows them; confidential text never goes.

use rusqlite::{params, OptionalExtension};

use super::changeset::{self, Conflict, Resolution};
use super::record::this_copy;
use super::sync::{school_name_of, school_uuid_of, snapshot, take_tools, tools_of};
use super::{now, Store, StoreError};
use crate::bundle::{Bundle, Header, Kind, FORMAT};

/// The rows a roll-up carries: each series' newest two evaluations (the
/// view across schools compares them) with their judgements; the plan's
/// actions still open, or from those evaluations, with their milestones
/// and check-ins; and the evaluations those actions hang from.
fn rows_of_rollup(table: &str) -> Option<String> {
    const NEWEST: &str = "(SELECT uuid FROM (
            SELECT uuid, row_number() OVER (
                PARTITION BY tool_id, lower(trim(scope))
                ORDER BY created_at DESC, rowid DESC) AS n
            FROM src.evaluations WHERE school_uuid = ?1 AND removed_at IS NULL)
         WHERE n <= 2)";
    let actions = format!(
        "(SELECT a.uuid FROM src.actions a
         JOIN src.evaluations e ON e.uuid = a.evaluation_uuid
         WHERE e.school_uuid = ?1 AND e.removed_at IS NULL AND a.stage = 'accepted'
           AND (a.status IN ('not started', 'in progress') OR e.uuid IN {NEWEST}))"
    );
    Some(match table {
        "schools" => "uuid = ?1".to_string(),
        "evaluations" => format!(
            "uuid IN {NEWEST} OR uuid IN (SELECT evaluation_uuid FROM src.actions
                 WHERE uuid IN {actions})"
        ),
        "judgements" => format!("evaluation_uuid IN {NEWEST}"),
        "actions" => format!("uuid IN {actions}"),
        "action_statements" | "milestones" | "checkins" => format!("action_uuid IN {actions}"),
        // Histories and conflicts are the school's own business.
        _ => return None,
    })
}

/// Blanks every note: what stays is levels, status, RAG, impact and dates.
const WITHOUT_NOTES: &str = "
    UPDATE main.judgements SET rationale = '', evidence = '', defer_note = '';
    UPDATE main.actions SET description = '', reason = '', success_criteria = '',
        impact_check = '';
    UPDATE main.milestones SET text = '';
    UPDATE main.checkins SET note = '', impact_note = '';";

/// Blanks what is confidential, which a roll-up never carries.
const WITHOUT_CONFIDENTIAL: &str = "
    UPDATE main.judgements SET rationale = '', evidence = '', defer_note = ''
    WHERE confidential = 1;
    UPDATE main.actions SET reason = '', impact_check = '' WHERE confidential = 1;
    UPDATE main.checkins SET note = '', impact_note = '' WHERE confidential = 1;";

/// What taking in a roll-up did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RolledUp {
    /// The school's record in the trust's file is now this roll-up's.
    Taken { school: String },
    /// The file holds this roll-up, or a later one from the same copy.
    Already { school: String },
}

impl Store {
    /// The school's roll-up for a trust, with its notes if `notes`
    /// (confidential text never).
    pub fn rollup_bundle(&self, school: i64, notes: bool) -> super::Result<Bundle> {
        let uuid = school_uuid_of(&self.conn, school)?;
        let name = school_name_of(&self.conn, &uuid)?.unwrap_or_default();
        // References to rows a roll-up leaves out (the cycle a judgement
        // was carried from, say) are dropped with them.
        let hide = format!(
            "{}
             UPDATE main.judgements SET carried_from = NULL
             WHERE carried_from NOT IN (SELECT uuid FROM main.evaluations);
             UPDATE main.actions SET merged_into = NULL
             WHERE merged_into NOT IN (SELECT uuid FROM main.actions);",
            if notes {
                WITHOUT_CONFIDENTIAL
            } else {
                WITHOUT_NOTES
            }
        );
        let snapshot = snapshot(&self.path, &uuid, &rows_of_rollup, &hide)?;
        let upto: i64 = self.conn.query_row(
            "SELECT coalesce(max(stamp), 0) FROM changes WHERE school_uuid = ?1",
            [&uuid],
            |r| r.get(0),
        )?;
        Ok(Bundle {
            header: Header {
                format: FORMAT,
                kind: Kind::Rollup,
                from_copy: this_copy(&self.conn)?,
                school: uuid.clone(),
                school_name: name,
                first_seq: 0,
                last_seq: 0,
                // The newest change it reflects: a roll-up from any copy
                // of the school that reflects later changes replaces it.
                upto,
                confidential: false,
                snapshot_len: snapshot.len() as u64,
                entries: Vec::new(),
                tools: tools_of(&self.conn, &uuid)?,
            },
            snapshot,
            entries: Vec::new(),
        })
    }

    /// Takes a school's roll-up into this (a trust's) file, in one
    /// transaction: the school's rows from its last roll-up give way to
    /// this one's. An older roll-up than the one held is passed over.
    pub fn apply_rollup(&mut self, bundle: &Bundle) -> super::Result<RolledUp> {
        let header = &bundle.header;
        if header.kind != Kind::Rollup {
            return Err(StoreError::Conflict(
                "is not a roll-up; a partner copy takes it in with `headway sync`".into(),
            ));
        }
        let school = header.school_name.clone();
        let me = this_copy(&self.conn)?;
        let digest: String = {
            use sha2::{Digest, Sha256};
            Sha256::digest(&bundle.snapshot)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        if header.from_copy == me {
            return Err(StoreError::Conflict(
                "was written by this file; roll-ups go into a trust's own file (`--db trust.db`)"
                    .into(),
            ));
        }
        self.write_unrecorded(|tx| {
            // A school this file holds as a full record (its own, or a
            // partner's) is never replaced by a roll-up, which carries only
            // part of it; nor are changes made here to a rolled-up school.
            let whole: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM schools WHERE uuid = ?1)
                    AND NOT EXISTS (SELECT 1 FROM rollups WHERE school_uuid = ?1)",
                [&header.school],
                |r| r.get(0),
            )?;
            if whole {
                return Err(StoreError::Conflict(format!(
                    "is for {school}, whose full record this file holds; roll-ups go into a trust's own file (`--db trust.db`)"
                )));
            }
            let edited: i64 = tx.query_row(
                "SELECT count(*) FROM changes WHERE school_uuid = ?1 AND copy = ?2",
                params![header.school, me],
                |r| r.get(0),
            )?;
            if edited > 0 {
                return Err(StoreError::Conflict(format!(
                    "would replace {edited} change{} made in this file to {school}, so it was not taken; a trust's file is for reading across schools",
                    if edited == 1 { "" } else { "s" }
                )));
            }
            let held: Option<(i64, String)> = tx
                .query_row(
                    "SELECT upto, digest FROM rollups WHERE school_uuid = ?1",
                    [&header.school],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            // Stamps order changes across copies, so a roll-up from the
            // school's copy and one from its liaison's compare: one that
            // reflects nothing later than the one held is passed over.
            if held.is_some_and(|(upto, held_digest)| {
                upto > header.upto || (upto == header.upto && held_digest == digest)
            }) {
                return Ok(RolledUp::Already { school: school.clone() });
            }
            let other: Option<String> = tx
                .query_row(
                    "SELECT name FROM schools WHERE name = ?1 AND uuid <> ?2",
                    params![header.school_name, header.school],
                    |r| r.get(0),
                )
                .optional()?;
            if let Some(other) = other {
                return Err(StoreError::Conflict(format!(
                    "is for a school called {school}, and this file has another {other}; rename one of them first"
                )));
            }
            take_tools(tx, &header.tools)?;
            // The school's last roll-up gives way, children first.
            const ACTIONS: &str = "SELECT a.uuid FROM actions a
                JOIN evaluations e ON e.uuid = a.evaluation_uuid WHERE e.school_uuid = ?1";
            const EVALUATIONS: &str = "SELECT uuid FROM evaluations WHERE school_uuid = ?1";
            for sql in [
                format!("DELETE FROM checkins WHERE action_uuid IN ({ACTIONS})"),
                format!("DELETE FROM milestones WHERE action_uuid IN ({ACTIONS})"),
                format!("DELETE FROM action_statements WHERE action_uuid IN ({ACTIONS})"),
                format!("DELETE FROM action_revisions WHERE action_uuid IN ({ACTIONS})"),
                format!("DELETE FROM actions WHERE evaluation_uuid IN ({EVALUATIONS})"),
                format!("DELETE FROM judgements WHERE evaluation_uuid IN ({EVALUATIONS})"),
                format!("DELETE FROM revisions WHERE evaluation_uuid IN ({EVALUATIONS})"),
                "DELETE FROM evaluations WHERE school_uuid = ?1".to_string(),
                "DELETE FROM conflicts WHERE school_uuid = ?1".to_string(),
                "DELETE FROM schools WHERE uuid = ?1".to_string(),
            ] {
                tx.execute(&sql, [&header.school])?;
            }
            super::sync::only_travelling(&bundle.snapshot)?;
            let mut refused = None;
            changeset::apply(tx, &bundle.snapshot, &mut |c| match c.kind {
                Conflict::Exists | Conflict::Data | Conflict::NotFound => Resolution::Omit,
                Conflict::Constraint | Conflict::ForeignKey => {
                    refused = Some(c.change.table.clone());
                    Resolution::Abort
                }
            })
            .map_err(|e| {
                StoreError::Conflict(match refused.take() {
                    Some(table) => format!("has rows of {table} this file cannot take"),
                    None if e.0 & 0xff == 19 => "breaks a rule of this file's record".into(),
                    None if matches!(e.0 & 0xff, 11 | 26) => {
                        "is damaged (a change in it cannot be read)".into()
                    }
                    None => format!("could not be applied ({e})"),
                })
            })?;
            // Every row must be the school's own.
            for change in changeset::changes(&bundle.snapshot)
                .map_err(|e| StoreError::Conflict(format!("is damaged ({e})")))?
            {
                if let Some(owner) = super::record::school_of(tx, &change)? {
                    if owner != header.school {
                        return Err(StoreError::Conflict("holds rows of another school".into()));
                    }
                }
            }
            tx.execute(
                "INSERT INTO rollups (school_uuid, from_copy, upto, digest, taken_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (school_uuid) DO UPDATE SET from_copy = excluded.from_copy,
                     upto = excluded.upto, digest = excluded.digest, taken_at = excluded.taken_at",
                params![header.school, header.from_copy, header.upto, digest, now()],
            )?;
            Ok(RolledUp::Taken { school: school.clone() })
        })
    }
}
