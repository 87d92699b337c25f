//! The schema's versions, one SQL file each, applied in order.

use rusqlite_migration::{Migrations, M};

const MIGRATIONS: &[&str] = &[
    include_str!("schema/001_walk.sql"),
    include_str!("schema/002_plan.sql"),
    include_str!("schema/003_cycles.sql"),
    include_str!("schema/004_edges.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

pub(super) fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

/// The tables of a complete database of this schema version, learned once
/// by building one in memory.
fn expected_tables() -> &'static [String] {
    static TABLES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let built = rusqlite::Connection::open_in_memory().and_then(|mut conn| {
            migrations()
                .to_latest(&mut conn)
                .map_err(|_| rusqlite::Error::InvalidQuery)?;
            table_names(&conn)
        });
        built.unwrap_or_default()
    })
}

fn table_names(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )?;
    let names = stmt.query_map([], |r| r.get(0))?.collect();
    names
}

/// The first table a database of this schema version should have and
/// lacks (another program dropped it, say).
pub(super) fn missing_table(conn: &rusqlite::Connection) -> rusqlite::Result<Option<String>> {
    let found = table_names(conn)?;
    Ok(expected_tables()
        .iter()
        .find(|t| !found.contains(t))
        .cloned())
}
