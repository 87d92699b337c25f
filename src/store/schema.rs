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
