//! The JSON export; its shape is documented in docs/export-json.md.

use serde_json::{json, Value};

use super::report::{withhold_action, withhold_check_in, withhold_judgements};
use crate::domain::evaluation::{progress, Mark};
use crate::store::Snapshot;

/// Version of the export's shape, raised when a field changes meaning.
pub const FORMAT_VERSION: u32 = 1;

/// The whole database as JSON. Unless `include_confidential`, confidential
/// notes are replaced by a marker and their earlier values left out.
pub fn to_json(snapshot: &Snapshot, include_confidential: bool) -> String {
    let mut snapshot = snapshot.clone();
    if !include_confidential {
        withhold(&mut snapshot);
    }
    let snapshot = &snapshot;
    let value = json!({
        "format": "headway-export",
        "format_version": FORMAT_VERSION,
        "schools": snapshot.schools.iter().map(|s| json!({"id": s.id, "name": s.name})).collect::<Vec<_>>(),
        "tools": snapshot.tools.iter().map(|(t, source)| json!({
            "id": t.id,
            "version": t.version,
            "title": t.title,
            "area": t.area,
            "origin": t.origin,
            "statements": t.statements,
            "source": source,
        })).collect::<Vec<_>>(),
        "evaluations": snapshot.evaluations.iter().map(evaluation).collect::<Vec<_>>(),
    });
    // Serialising a `Value` cannot fail.
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

fn withhold(snapshot: &mut Snapshot) {
    for record in &mut snapshot.evaluations {
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
        for (action, check_ins) in &mut record.actions {
            withhold_action(action);
            for c in check_ins {
                withhold_check_in(c);
            }
        }
    }
}

fn evaluation(record: &crate::store::EvaluationRecord) -> Value {
    let e = &record.evaluation;
    let tool = &record.tool;
    let p = progress(tool, &record.judgements);
    let judgements: Vec<Value> = tool
        .statements()
        .map(|s| {
            let key = s.key(&tool.id);
            let j = record.judgements.get(&key).cloned().unwrap_or_default();
            let status = match j.mark() {
                Mark::Judged(_) => "judged",
                Mark::Deferred => "deferred",
                Mark::Open => "open",
            };
            json!({
                "statement": key,
                "aspect": s.aspect.title,
                "text": s.statement.text,
                "status": status,
                "level": j.level,
                "level_label": j.level.and_then(|l| tool.scale.label(l)),
                "weak": j.level.is_some_and(|l| tool.scale.is_weak(l)),
                "rationale": j.rationale,
                "evidence": j.evidence,
                "defer_note": j.defer_note,
                "carried_forward": j.carried_from.is_some() && j.level.is_some(),
                "confidential": j.confidential,
            })
        })
        .collect();
    json!({
        "id": e.id,
        "school_id": e.school_id,
        "school": e.school_name,
        "tool": {"id": e.tool_id, "version": e.tool_version},
        "scope": e.scope,
        "cycle": e.cycle,
        "attendees": e.attendees,
        "created_at": e.created_at,
        "progress": {"judged": p.judged, "deferred": p.deferred, "left": p.left},
        "scale": {"levels": tool.scale.levels, "weak_up_to": tool.scale.weak_up_to},
        "judgements": judgements,
        "actions": record.actions.iter().map(|(a, c)| action(a, c)).collect::<Vec<_>>(),
        "history": record.history.iter().map(|r| json!({
            "statement": r.statement_key,
            "field": r.field,
            "old_value": r.old_value,
            "replaced_at": r.replaced_at,
        })).collect::<Vec<_>>(),
    })
}

fn action(a: &crate::domain::plan::Action, check_ins: &[crate::domain::plan::CheckIn]) -> Value {
    json!({
        "id": a.id,
        "stage": a.stage.as_str(),
        "title": a.title,
        "description": a.description,
        "reason": a.reason,
        "statements": a.statements,
        "owner": a.owner,
        "owner_role": a.owner_role.map(|r| r.as_str()),
        "checker": a.checker,
        "start": a.start.map(|d| d.to_string()),
        "due": a.due.map(|d| d.to_string()),
        "milestones": a.milestones.iter().map(|m| json!({"date": m.date.to_string(), "text": m.text})).collect::<Vec<_>>(),
        "success_criteria": a.success_criteria,
        "impact_check": a.impact_check,
        "cadence": a.cadence.as_str(),
        "target_group": a.target_group,
        "status": a.status.as_str(),
        "impact": a.impact.as_str(),
        "confidential": a.confidential,
        "check_ins": check_ins.iter().map(|c| json!({
            "date": c.on.to_string(),
            "rag": c.rag.as_str(),
            "note": c.note,
            "impact_note": c.impact_note,
            "confidential": c.confidential,
        })).collect::<Vec<_>>(),
    })
}
