//! Every row that travels between copies has a UUID as its key, and a file
//! made before identities upgrades in place with every row kept.

use std::fs;
use std::path::Path;

use headway::store::{OpenMode, Store};
use rusqlite::Connection;

/// Each table's rows as `(local id, fields..., the parents' local ids)`,
/// read with SQL for the schema the file has: schema 10 keyed by integers,
/// the newest keyed by UUIDs with the local id as the rowid.
fn rows(path: &Path, upgraded: bool) -> Vec<(String, Vec<String>)> {
    let old = [
        (
            "schools",
            "SELECT id, name, created_at FROM schools ORDER BY id",
        ),
        (
            "evaluations",
            "SELECT id, school_id, tool_id, tool_version, scope, cycle, attendees, created_at,
                    removed_at FROM evaluations ORDER BY id",
        ),
        (
            "judgements",
            "SELECT rowid, evaluation_id, statement_key, level, deferred, rationale, evidence,
                    defer_note, updated_at, carried_from, confidential
             FROM judgements ORDER BY rowid",
        ),
        (
            "revisions",
            "SELECT id, evaluation_id, statement_key, field, old_value, replaced_at
             FROM revisions ORDER BY id",
        ),
        (
            "actions",
            "SELECT id, evaluation_id, stage, merged_into, accepted_on, title, reason, owner,
                    status, impact, confidential, created_at FROM actions ORDER BY id",
        ),
        (
            "action_statements",
            "SELECT action_id, statement_key, position FROM action_statements
             ORDER BY action_id, statement_key",
        ),
        (
            "milestones",
            "SELECT id, action_id, due_date, text FROM milestones ORDER BY id",
        ),
        (
            "checkins",
            "SELECT id, action_id, checked_on, rag, note, impact_note, confidential, created_at
             FROM checkins ORDER BY id",
        ),
        (
            "action_revisions",
            "SELECT id, action_id, field, old_value, replaced_at FROM action_revisions ORDER BY id",
        ),
    ];
    let new = [
        "SELECT rowid, name, created_at FROM schools ORDER BY rowid",
        "SELECT e.rowid, s.rowid, tool_id, tool_version, scope, cycle, attendees, e.created_at,
                removed_at FROM evaluations e JOIN schools s ON s.uuid = e.school_uuid
         ORDER BY e.rowid",
        "SELECT j.rowid, e.rowid, statement_key, level, deferred, rationale, evidence,
                defer_note, updated_at,
                (SELECT c.rowid FROM evaluations c WHERE c.uuid = j.carried_from), confidential
         FROM judgements j JOIN evaluations e ON e.uuid = j.evaluation_uuid ORDER BY j.rowid",
        "SELECT r.rowid, e.rowid, statement_key, field, old_value, replaced_at
         FROM revisions r JOIN evaluations e ON e.uuid = r.evaluation_uuid ORDER BY r.rowid",
        "SELECT a.rowid, e.rowid, stage,
                (SELECT m.rowid FROM actions m WHERE m.uuid = a.merged_into), accepted_on,
                title, reason, owner, status, impact, confidential, a.created_at
         FROM actions a JOIN evaluations e ON e.uuid = a.evaluation_uuid ORDER BY a.rowid",
        "SELECT a.rowid, statement_key, position FROM action_statements x
         JOIN actions a ON a.uuid = x.action_uuid ORDER BY a.rowid, statement_key",
        "SELECT m.rowid, a.rowid, m.due_date, text FROM milestones m
         JOIN actions a ON a.uuid = m.action_uuid ORDER BY m.rowid",
        "SELECT c.rowid, a.rowid, checked_on, rag, note, impact_note, c.confidential, c.created_at
         FROM checkins c JOIN actions a ON a.uuid = c.action_uuid ORDER BY c.rowid",
        "SELECT r.rowid, a.rowid, field, old_value, replaced_at FROM action_revisions r
         JOIN actions a ON a.uuid = r.action_uuid ORDER BY r.rowid",
    ];
    let conn = Connection::open(path).unwrap();
    old.iter()
        .zip(new)
        .map(|((table, old_sql), new_sql)| {
            let sql = if upgraded { new_sql } else { *old_sql };
            let mut stmt = conn.prepare(sql).unwrap();
            let width = stmt.column_count();
            let lines = stmt
                .query_map([], |r| {
                    (0..width)
                        .map(|i| {
                            r.get::<_, rusqlite::types::Value>(i)
                                .map(|v| format!("{v:?}"))
                        })
                        .collect::<rusqlite::Result<Vec<_>>>()
                        .map(|v| v.join("|"))
                })
                .unwrap()
                .collect::<rusqlite::Result<Vec<_>>>()
                .unwrap();
            (table.to_string(), lines)
        })
        .collect()
}

#[test]
fn a_schema_10_file_upgrades_with_every_row_kept_and_keyed_by_uuid() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    fs::copy("tests/fixtures/schema-10.db", &db).unwrap();
    let before = rows(&db, false);
    let counted: usize = before.iter().map(|(_, r)| r.len()).sum();
    assert!(counted > 100, "the fixture holds a real record");
    for (table, lines) in &before {
        assert!(!lines.is_empty(), "the fixture has rows in {table}");
    }
    {
        let store = Store::open(&db, OpenMode::Write).unwrap();
        // The app reads the upgraded file as it did the old one.
        let evaluations = store.evaluations().unwrap();
        assert!(!evaluations.is_empty());
        assert!(store.check_ins(1).is_ok());
    }
    assert_eq!(
        rows(&db, true),
        before,
        "every row, with the same local ids"
    );
    let conn = Connection::open(&db).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, headway::store::SCHEMA_VERSION);
    // Each keyed table's key is a UUIDv7, distinct, and made in row order.
    for table in [
        "schools",
        "evaluations",
        "revisions",
        "actions",
        "milestones",
        "checkins",
        "action_revisions",
    ] {
        let pk: String = conn
            .query_row(
                "SELECT name FROM pragma_table_info(?1) WHERE pk = 1",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(pk, "uuid", "{table} is keyed by its uuid");
        let uuids: Vec<String> = conn
            .prepare(&format!("SELECT uuid FROM {table} ORDER BY rowid"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for u in &uuids {
            let parsed = uuid::Uuid::parse_str(u).unwrap();
            assert_eq!(parsed.get_version_num(), 7, "{table}: {u}");
        }
        let mut sorted = uuids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            sorted, uuids,
            "{table}: distinct, in the order rows were made"
        );
    }
    let broken: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(broken, 0, "every reference points at a row");
    // The search indexes were made again over the rebuilt tables.
    let found: i64 = conn
        .query_row(
            "SELECT count(*) FROM checkin_search WHERE checkin_search MATCH 'a*'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let notes: i64 = conn
        .query_row(
            "SELECT count(*) FROM checkins WHERE note LIKE 'a%' OR note LIKE '% a%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(found >= notes && found > 0, "{found} found, {notes} notes");
    let ok: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[test]
fn a_copy_taken_by_a_backup_keeps_every_local_id() {
    // The local ids are rowids, which a copy made with VACUUM INTO could in
    // principle renumber; the app's ids and the search indexes rely on them.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    fs::copy("tests/fixtures/schema-10.db", &db).unwrap();
    drop(Store::open(&db, OpenMode::Write).unwrap());
    // Leave gaps, as a withdrawn check-in does.
    Connection::open(&db)
        .unwrap()
        .execute("DELETE FROM checkins WHERE rowid % 3 = 0", [])
        .unwrap();
    let copy = dir.path().join("copy.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .args([
            "--db",
            db.to_str().unwrap(),
            "backup",
            copy.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(rows(&copy, true), rows(&db, true));
}
