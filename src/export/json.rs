//! The JSON export; its shape is documented in docs/export-json.md.

use serde_json::{json, Value};

use crate::domain::evaluation::{progress, Mark};
use crate::store::Snapshot;

/// Version of the export's shape, raised when a field changes meaning.
pub const FORMAT_VERSION: u32 = 1;

pub fn to_json(snapshot: &Snapshot) -> String {
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
        "history": record.history.iter().map(|r| json!({
            "statement": r.statement_key,
            "field": r.field,
            "old_value": r.old_value,
            "replaced_at": r.replaced_at,
        })).collect::<Vec<_>>(),
    })
}
