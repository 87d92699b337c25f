//! The JSON export is what docs/export-json.md says: the document's example
//! lists every field of every kind of object, and an export of a demo file
//! with history, merged drafts and settings has exactly those fields. And
//! confidential text stays out of it, earlier values included, unless asked.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use headway::domain::evaluation::TextField;
use headway::domain::plan::{merge, DraftSeed, Milestone, Rag};
use headway::store::{ActionField, OpenMode, Store, PRIORITY_LIMIT_KEY};
use jiff::civil::date;
use serde_json::Value;

const OLD_SECRET: &str = "Earlier: a colleague's lessons were weak";
const NEW_SECRET: &str = "Now: support plan agreed with the colleague";
const SECRET_IMPACT: &str = "Observe the colleague's lessons in January";
const SECRET_CHECK_IN: &str = "Discussed at the capability meeting";

/// The document's example with its comments taken out.
fn documented() -> Value {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/export-json.md"))
        .unwrap();
    let start = doc
        .find("```jsonc\n")
        .expect("the document has its example")
        + 9;
    let end = start + doc[start..].find("```").unwrap();
    let mut json = String::new();
    for line in doc[start..end].lines() {
        // A comment starts at `//` outside a string.
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = line.len();
        for (i, c) in line.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '/' if !in_string && line[i..].starts_with("//") => {
                    cut = i;
                    break;
                }
                _ => {}
            }
        }
        json.push_str(&line[..cut]);
        json.push('\n');
    }
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("the example is JSON: {e}\n{json}"))
}

/// The fields of each kind of object, by where it sits (`evaluations[].actions[]`).
fn shapes(value: &Value, at: &str, out: &mut BTreeMap<String, BTreeSet<String>>) {
    match value {
        Value::Object(map) => {
            let fields = out.entry(at.to_string()).or_default();
            fields.extend(map.keys().cloned());
            for (key, v) in map {
                shapes(v, &format!("{at}.{key}"), out);
            }
        }
        Value::Array(items) => {
            for v in items {
                shapes(v, &format!("{at}[]"), out);
            }
        }
        _ => {}
    }
}

fn headway(db: &Path, args: &[&str]) -> std::process::Output {
    common::wait_until_unlocked(db);
    let _guard = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn export(db: &Path, more: &[&str]) -> String {
    let mut args = vec!["export"];
    args.extend(more);
    let out = headway(db, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The demo, then what it lacks: merged drafts, a changed due date and
/// milestones, a withdrawn check-in, a setting, and confidential notes with
/// earlier values (a judgement's rationale, a confidential action's impact
/// check, a confidential check-in's note).
fn demo_with_history(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo.db");
    let made = headway(&db, &["--today", "2026-11-22", "demo"]);
    assert!(made.status.success());
    let _guard = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    let evaluation = store.evaluations().unwrap()[0].clone();
    let keys = store
        .tool(&evaluation.tool_id, evaluation.tool_version)
        .unwrap()
        .statement_keys();
    let key = &keys[0];
    store
        .set_text(evaluation.id, key, TextField::Rationale, OLD_SECRET, true)
        .unwrap();
    store
        .set_text(evaluation.id, key, TextField::Rationale, NEW_SECRET, true)
        .unwrap();
    store.set_confidential(evaluation.id, key, true).unwrap();
    let seed = |title: &str| DraftSeed {
        title: title.into(),
        reason: "Weak in the autumn".into(),
        impact_check: SECRET_IMPACT.into(),
        statements: vec![key.clone()],
    };
    let ids = store
        .add_drafts(
            evaluation.id,
            &[seed("Coach the colleague"), seed("Pair the colleague")],
        )
        .unwrap();
    let drafts: Vec<_> = ids.iter().map(|id| store.action(*id).unwrap()).collect();
    let merged = merge(&drafts.iter().collect::<Vec<_>>()).unwrap();
    store.merge_drafts(&merged).unwrap();
    let id = merged.into;
    store.accept_action(id, date(2026, 11, 16)).unwrap();
    store.set_action_confidential(id, true).unwrap();
    store
        .set_action_field(id, ActionField::ImpactCheck, Some("Book looks"), true)
        .unwrap();
    for due in ["2027-01-29", "2027-02-12"] {
        store
            .set_action_field(id, ActionField::Due, Some(due), true)
            .unwrap();
    }
    for text in ["First look", "Second look"] {
        store
            .set_milestones(
                id,
                &[Milestone {
                    date: date(2026, 12, 4),
                    text: text.into(),
                }],
            )
            .unwrap();
    }
    let check_in = store
        .add_check_in(id, date(2026, 11, 20), Rag::Amber)
        .unwrap();
    store
        .set_check_in_text(check_in, false, SECRET_CHECK_IN)
        .unwrap();
    store.set_check_in_confidential(check_in, true).unwrap();
    store.withdraw_check_in(check_in).unwrap();
    store.set_setting(PRIORITY_LIMIT_KEY, "3").unwrap();
    db
}

#[test]
fn the_export_has_exactly_the_fields_its_document_lists() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_with_history(dir.path());
    let exported: Value = serde_json::from_str(&export(&db, &["--include-confidential"])).unwrap();
    let mut want = BTreeMap::new();
    shapes(&documented(), "", &mut want);
    let mut got = BTreeMap::new();
    shapes(&exported, "", &mut got);
    for (at, fields) in &want {
        let found = got.get(at).cloned().unwrap_or_default();
        assert!(!found.is_empty(), "the export has no {at} to compare");
        let missing: Vec<_> = fields.difference(&found).collect();
        let extra: Vec<_> = found.difference(fields).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{at}: documented but not exported {missing:?}; exported but not documented {extra:?}"
        );
    }
    let undocumented: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        undocumented.is_empty(),
        "not in the document: {undocumented:?}"
    );

    // What the document promises is there, with its values.
    let settings = exported["settings"].as_array().unwrap();
    assert!(settings
        .iter()
        .any(|s| s["key"] == "priority_limit" && s["value"] == "3"));
    assert!(settings.iter().any(|s| s["key"] == "database_id"));
    let actions: Vec<&Value> = exported["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["actions"].as_array().unwrap())
        .collect();
    let kept = actions
        .iter()
        .find(|a| a["title"] == "Coach the colleague")
        .unwrap();
    let absorbed = actions
        .iter()
        .find(|a| a["title"] == "Pair the colleague")
        .unwrap();
    assert_eq!(absorbed["stage"], "merged");
    assert_eq!(absorbed["merged_into"], kept["id"]);
    assert_eq!(kept["merged_into"], Value::Null);
    assert_eq!(kept["accepted_on"], "2026-11-16");
    assert_eq!(absorbed["accepted_on"], Value::Null);
    let history: Vec<(&str, &str)> = kept["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["field"].as_str().unwrap(),
                r["old_value"].as_str().unwrap(),
            )
        })
        .collect();
    for expected in [
        ("stage", "draft"),
        ("due_date", "2027-01-29"),
        ("milestones", "2026-12-04 First look"),
        ("impact_check", SECRET_IMPACT),
    ] {
        assert!(history.contains(&expected), "{expected:?} in {history:?}");
    }
    assert!(history
        .iter()
        .any(|(f, v)| *f == "check-in withdrawn" && v.contains(SECRET_CHECK_IN)));
}

#[test]
fn confidential_text_stays_out_of_the_export_history_included() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_with_history(dir.path());
    let hidden = export(&db, &[]);
    for secret in [OLD_SECRET, NEW_SECRET, SECRET_IMPACT, SECRET_CHECK_IN] {
        assert!(!hidden.contains(secret), "{secret} leaked");
    }
    // Still said to be there, and the day and colour of the withdrawn
    // check-in kept.
    assert!(hidden.contains("2026-11-20 amber · [confidential note withheld]"));
    let shown = export(&db, &["--include-confidential"]);
    for secret in [OLD_SECRET, NEW_SECRET, SECRET_IMPACT, SECRET_CHECK_IN] {
        assert!(shown.contains(secret), "{secret} is in the full export");
    }
}
