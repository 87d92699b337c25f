//! The JSON export; its shape is documented in docs/export-json.md.

use std::cell::RefCell;
use std::io::Write;

use serde::{Serialize, Serializer};

use super::report::{withhold_action, withhold_check_in, withhold_judgements, WITHHELD};
use crate::domain::evaluation::{progress, Mark};
use crate::store::{ActionRecord, ActionRevision, EvaluationRecord, ExportHead, Snapshot};

/// Version of the export's shape, raised when a field changes meaning.
pub const FORMAT_VERSION: u32 = 1;

/// The whole database as JSON. Unless `include_confidential`, confidential
/// notes are replaced by a marker and their earlier values left out.
pub fn to_json(snapshot: &Snapshot, include_confidential: bool) -> String {
    let head = ExportHead {
        schools: snapshot.schools.clone(),
        tools: snapshot.tools.clone(),
        settings: snapshot.settings.clone(),
    };
    let records = snapshot
        .evaluations
        .iter()
        .cloned()
        .map(Ok::<_, std::convert::Infallible>);
    let mut out = Vec::new();
    // Writing into memory cannot fail, and every record is already read.
    let _ = write_json(&head, records, include_confidential, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the JSON export to `out` one evaluation at a time, so memory
/// follows one evaluation, not the file. A record that cannot be read
/// stops the export with its reason.
pub fn write_json<E: std::fmt::Display>(
    head: &ExportHead,
    records: impl Iterator<Item = Result<EvaluationRecord, E>>,
    include_confidential: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let export = Export {
        head,
        evaluations: RefCell::new(Some(records)),
        include_confidential,
    };
    // serde writes a few bytes at a time; they are gathered here, so the
    // writer behind (cleaning, a file) sees large pieces.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &export).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    out.flush()
}

struct Export<'a, I> {
    head: &'a ExportHead,
    /// Taken once, as the export is written.
    evaluations: RefCell<Option<I>>,
    include_confidential: bool,
}

impl<I, E> Serialize for Export<'_, I>
where
    I: Iterator<Item = Result<EvaluationRecord, E>>,
    E: std::fmt::Display,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeMap};
        let head = self.head;
        let mut map = serializer.serialize_map(Some(6))?;
        map.serialize_entry("format", "headway-export")?;
        map.serialize_entry("format_version", &FORMAT_VERSION)?;
        let schools: Vec<SchoolOut> = head
            .schools
            .iter()
            .map(|s| SchoolOut {
                id: s.id,
                name: &s.name,
            })
            .collect();
        map.serialize_entry("schools", &schools)?;
        let tools: Vec<ToolOut> = head
            .tools
            .iter()
            .map(|(t, source)| ToolOut {
                id: &t.id,
                version: t.version,
                title: &t.title,
                area: &t.area,
                origin: &t.origin,
                statements: t.statements,
                source,
            })
            .collect();
        map.serialize_entry("tools", &tools)?;
        let settings: Vec<SettingOut> = head
            .settings
            .iter()
            .map(|(key, value)| SettingOut { key, value })
            .collect();
        map.serialize_entry("settings", &settings)?;
        let records = self
            .evaluations
            .borrow_mut()
            .take()
            .ok_or_else(|| S::Error::custom("the export was already written"))?;
        let include = self.include_confidential;
        map.serialize_entry(
            "evaluations",
            &Lazy(RefCell::new(Some(records.map(move |r| {
                r.map(|mut record| {
                    if !include {
                        withhold(&mut record);
                    }
                    record
                })
                .map_err(|e| e.to_string())
            })))),
        )?;
        map.end()
    }
}

/// The evaluations, each serialised as it is read, one at a time.
struct Lazy<I>(RefCell<Option<I>>);

impl<I> Serialize for Lazy<I>
where
    I: Iterator<Item = Result<EvaluationRecord, String>>,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let items = self
            .0
            .borrow_mut()
            .take()
            .ok_or_else(|| S::Error::custom("the evaluations were already written"))?;
        let mut seq = serializer.serialize_seq(None)?;
        for item in items {
            let record = item.map_err(S::Error::custom)?;
            seq.serialize_element(&evaluation(&record))?;
        }
        seq.end()
    }
}

fn withhold(record: &mut EvaluationRecord) {
    let secret: Vec<String> = record
        .judgements
        .iter()
        .filter(|(_, j)| j.confidential)
        .map(|(k, _)| k.clone())
        .collect();
    withhold_judgements(&mut record.judgements);
    record
        .history
        .retain(|r| !(secret.contains(&r.statement_key) && r.field != "level"));
    for a in &mut record.actions {
        withhold_action(&mut a.action);
        for c in &mut a.check_ins {
            withhold_check_in(c);
        }
        withhold_action_history(a.action.confidential, &mut a.history);
    }
}

/// Leaves out of an action's history what may hold confidential text: the
/// earlier reasons and impact checks of a confidential action, and the
/// notes of check-ins (a withdrawn check-in no longer says whether its
/// notes were marked, so they are withheld whatever they were).
fn withhold_action_history(confidential: bool, history: &mut Vec<ActionRevision>) {
    history.retain(|r| !(confidential && matches!(r.field.as_str(), "reason" | "impact_check")));
    for r in history {
        match r.field.as_str() {
            // "<date> <colour> · note · impact note": the day and colour stay.
            "check-in withdrawn" => {
                if let Some((day_and_colour, _notes)) = r.old_value.split_once(" · ") {
                    r.old_value = format!("{day_and_colour} · {WITHHELD}");
                }
            }
            "check-in note" | "check-in impact_note" if !r.old_value.is_empty() => {
                r.old_value = WITHHELD.to_string();
            }
            _ => {}
        }
    }
}

#[derive(Serialize)]
struct SchoolOut<'a> {
    id: i64,
    name: &'a str,
}

#[derive(Serialize)]
struct ToolOut<'a> {
    id: &'a str,
    version: u32,
    title: &'a str,
    area: &'a str,
    origin: &'a str,
    statements: usize,
    source: &'a str,
}

#[derive(Serialize)]
struct SettingOut<'a> {
    key: &'a str,
    value: &'a str,
}

/// One evaluation as the export writes it, borrowing from its record.
#[derive(Serialize)]
struct EvaluationOut<'a> {
    id: i64,
    school_id: i64,
    school: &'a str,
    tool: ToolRef<'a>,
    scope: &'a str,
    cycle: &'a str,
    attendees: &'a str,
    created_at: &'a str,
    progress: ProgressOut,
    scale: ScaleOut<'a>,
    judgements: Vec<JudgementOut<'a>>,
    actions: Vec<ActionOut<'a>>,
    history: Vec<RevisionOut<'a>>,
}

#[derive(Serialize)]
struct ToolRef<'a> {
    id: &'a str,
    version: u32,
}

#[derive(Serialize)]
struct ProgressOut {
    judged: usize,
    deferred: usize,
    left: usize,
}

#[derive(Serialize)]
struct ScaleOut<'a> {
    levels: &'a [String],
    weak_up_to: u8,
}

#[derive(Serialize)]
struct JudgementOut<'a> {
    statement: String,
    aspect: &'a str,
    text: &'a str,
    status: &'static str,
    level: Option<u8>,
    level_label: Option<&'a str>,
    weak: bool,
    rationale: &'a str,
    evidence: &'a str,
    defer_note: &'a str,
    carried_forward: bool,
    confidential: bool,
}

#[derive(Serialize)]
struct RevisionOut<'a> {
    statement: &'a str,
    field: &'a str,
    old_value: &'a str,
    replaced_at: &'a str,
}

#[derive(Serialize)]
struct ActionOut<'a> {
    id: i64,
    stage: &'static str,
    title: &'a str,
    description: &'a str,
    reason: &'a str,
    statements: &'a [String],
    owner: &'a str,
    owner_role: Option<&'static str>,
    checker: &'a str,
    start: Option<String>,
    due: Option<String>,
    milestones: Vec<MilestoneOut<'a>>,
    success_criteria: &'a str,
    impact_check: &'a str,
    cadence: &'static str,
    target_group: &'a str,
    status: &'static str,
    impact: &'static str,
    accepted_on: Option<String>,
    merged_into: Option<i64>,
    confidential: bool,
    check_ins: Vec<CheckInOut<'a>>,
    history: Vec<ActionRevisionOut<'a>>,
}

#[derive(Serialize)]
struct ActionRevisionOut<'a> {
    field: &'a str,
    old_value: &'a str,
    replaced_at: &'a str,
}

#[derive(Serialize)]
struct MilestoneOut<'a> {
    date: String,
    text: &'a str,
}

#[derive(Serialize)]
struct CheckInOut<'a> {
    date: String,
    rag: &'static str,
    note: &'a str,
    impact_note: &'a str,
    confidential: bool,
}

/// What a statement nobody has judged yet is written as.
static UNJUDGED: crate::domain::evaluation::Judgement = crate::domain::evaluation::Judgement {
    level: None,
    deferred: false,
    rationale: String::new(),
    evidence: String::new(),
    defer_note: String::new(),
    carried_from: None,
    confidential: false,
};

fn evaluation(record: &crate::store::EvaluationRecord) -> EvaluationOut<'_> {
    let e = &record.evaluation;
    let tool = &*record.tool;
    let p = progress(tool, &record.judgements);
    let judgements = tool
        .statements()
        .map(|s| {
            let key = s.key(&tool.id);
            let j = record.judgements.get(&key).unwrap_or(&UNJUDGED);
            let status = match j.mark() {
                Mark::Judged(_) => "judged",
                Mark::Deferred => "deferred",
                Mark::Open => "open",
            };
            JudgementOut {
                aspect: &s.aspect.title,
                text: &s.statement.text,
                status,
                level: j.level,
                level_label: j.level.and_then(|l| tool.scale.label(l)),
                weak: j.level.is_some_and(|l| tool.scale.is_weak(l)),
                rationale: &j.rationale,
                evidence: &j.evidence,
                defer_note: &j.defer_note,
                carried_forward: j.carried_from.is_some() && j.level.is_some(),
                confidential: j.confidential,
                statement: key,
            }
        })
        .collect();
    EvaluationOut {
        id: e.id,
        school_id: e.school_id,
        school: &e.school_name,
        tool: ToolRef {
            id: &e.tool_id,
            version: e.tool_version,
        },
        scope: &e.scope,
        cycle: &e.cycle,
        attendees: &e.attendees,
        created_at: &e.created_at,
        progress: ProgressOut {
            judged: p.judged,
            deferred: p.deferred,
            left: p.left,
        },
        scale: ScaleOut {
            levels: &tool.scale.levels,
            weak_up_to: tool.scale.weak_up_to,
        },
        judgements,
        actions: record.actions.iter().map(action).collect(),
        history: record
            .history
            .iter()
            .map(|r| RevisionOut {
                statement: &r.statement_key,
                field: &r.field,
                old_value: &r.old_value,
                replaced_at: &r.replaced_at,
            })
            .collect(),
    }
}

fn action(record: &ActionRecord) -> ActionOut<'_> {
    let a = &record.action;
    ActionOut {
        id: a.id,
        stage: a.stage.as_str(),
        title: &a.title,
        description: &a.description,
        reason: &a.reason,
        statements: &a.statements,
        owner: &a.owner,
        owner_role: a.owner_role.map(|r| r.as_str()),
        checker: &a.checker,
        start: a.start.map(|d| d.to_string()),
        due: a.due.map(|d| d.to_string()),
        milestones: a
            .milestones
            .iter()
            .map(|m| MilestoneOut {
                date: m.date.to_string(),
                text: &m.text,
            })
            .collect(),
        success_criteria: &a.success_criteria,
        impact_check: &a.impact_check,
        cadence: a.cadence.as_str(),
        target_group: &a.target_group,
        status: a.status.as_str(),
        impact: a.impact.as_str(),
        accepted_on: a.accepted_on.map(|d| d.to_string()),
        merged_into: record.merged_into,
        confidential: a.confidential,
        check_ins: record
            .check_ins
            .iter()
            .map(|c| CheckInOut {
                date: c.on.to_string(),
                rag: c.rag.as_str(),
                note: &c.note,
                impact_note: &c.impact_note,
                confidential: c.confidential,
            })
            .collect(),
        history: record
            .history
            .iter()
            .map(|r| ActionRevisionOut {
                field: &r.field,
                old_value: &r.old_value,
                replaced_at: &r.replaced_at,
            })
            .collect(),
    }
}
