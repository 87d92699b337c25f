//! The schema's versions, one SQL file each, applied in order.

use rusqlite_migration::{Migrations, M};

const MIGRATIONS: &[&str] = &[
    include_str!("schema/001_walk.sql"),
    include_str!("schema/002_plan.sql"),
    include_str!("schema/003_cycles.sql"),
    include_str!("schema/004_edges.sql"),
    include_str!("schema/005_speed.sql"),
    include_str!("schema/006_search.sql"),
    include_str!("schema/007_latest_check.sql"),
    include_str!("schema/008_search_prefixes.sql"),
    include_str!("schema/009_removed_evaluations.sql"),
    include_str!("schema/010_checked_by_day.sql"),
    include_str!("schema/011_identities.sql"),
    include_str!("schema/012_keyed_by_identity.sql"),
    include_str!("schema/013_changes.sql"),
];

/// The migration whose hook fills `actions.next_check` for existing rows.
/// Schema 5 added the column; the fill runs with the newest schema, since
/// the hook reads the tables as this build knows them (a file upgraded
/// from before schema 5 gets it at the end).
const NEXT_CHECK_MIGRATION: usize = 11;

/// The migration whose hook gives every existing row its UUID.
const IDENTITIES_MIGRATION: usize = 10;

/// The tables whose rows travel between copies and are keyed by a UUID.
pub(super) const KEYED_TABLES: &[&str] = &[
    "schools",
    "evaluations",
    "revisions",
    "actions",
    "milestones",
    "checkins",
    "action_revisions",
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrations() -> Migrations<'static> {
    Migrations::new(
        MIGRATIONS
            .iter()
            .enumerate()
            .map(|(n, sql)| match n {
                NEXT_CHECK_MIGRATION => M::up_with_hook(sql, |tx: &rusqlite::Transaction| {
                    super::plans::refresh_all_next_checks(tx)?;
                    Ok(())
                }),
                IDENTITIES_MIGRATION => M::up_with_hook(sql, |tx: &rusqlite::Transaction| {
                    give_identities(tx)?;
                    Ok(())
                }),
                _ => M::up(sql),
            })
            .collect(),
    )
}

/// Gives each row of the keyed tables a UUIDv7, in the order the rows
/// were made.
fn give_identities(tx: &rusqlite::Transaction) -> rusqlite::Result<()> {
    for table in KEYED_TABLES {
        let ids: Vec<i64> = tx
            .prepare(&format!("SELECT id FROM {table} ORDER BY id"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut give = tx.prepare(&format!("UPDATE {table} SET uuid = ?2 WHERE id = ?1"))?;
        for id in ids {
            give.execute(rusqlite::params![id, super::new_uuid()])?;
        }
    }
    Ok(())
}

/// The tables and columns of a complete database of this schema version,
/// learned once by building one in memory.
fn expected_shape() -> &'static [(String, Vec<String>)] {
    static SHAPE: std::sync::OnceLock<Vec<(String, Vec<String>)>> = std::sync::OnceLock::new();
    SHAPE.get_or_init(|| {
        let built = rusqlite::Connection::open_in_memory().and_then(|mut conn| {
            migrations()
                .to_latest(&mut conn)
                .map_err(|_| rusqlite::Error::InvalidQuery)?;
            shape(&conn)
        });
        built.unwrap_or_default()
    })
}

fn shape(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<(String, Vec<String>)>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    let tables: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut columns = conn.prepare("SELECT name FROM pragma_table_info(?1)")?;
    tables
        .into_iter()
        .map(|t| {
            let names = columns
                .query_map([&t], |r| r.get(0))?
                .collect::<rusqlite::Result<Vec<String>>>()?;
            Ok((t, names))
        })
        .collect()
}

/// The first table or column a database of this schema version should have
/// and lacks (another program dropped or renamed it, say), in words.
pub(super) fn missing_part(conn: &rusqlite::Connection) -> rusqlite::Result<Option<String>> {
    let found = shape(conn)?;
    for (table, columns) in expected_shape() {
        let Some((_, have)) = found.iter().find(|(t, _)| t == table) else {
            return Ok(Some(format!("its table \"{table}\"")));
        };
        if let Some(column) = columns.iter().find(|c| !have.contains(c)) {
            return Ok(Some(format!(
                "the column \"{column}\" of its table \"{table}\""
            )));
        }
    }
    Ok(None)
}
