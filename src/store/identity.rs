//! Each database's identity: a UUIDv7 made when a file is first opened by
//! a headway that knows identities, kept in its settings. Backups are named
//! and matched by it, never by the file's name.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{Store, StoreError};

const IDENTITY_KEY: &str = "database_id";
const SHARED_MODE_KEY: &str = "told_shared_mode";

/// A new identity.
pub(super) fn new_identity() -> String {
    super::new_uuid()
}

/// The identity stored in an open database, if it has one yet.
pub(super) fn read_identity(conn: &Connection) -> Option<String> {
    conn.query_row(
        "SELECT value FROM settings WHERE key = ?1",
        [IDENTITY_KEY],
        |r| r.get(0),
    )
    .optional()
    .ok()
    .flatten()
}

impl Store {
    /// Stores `identity` (or a new one) unless the file has one already.
    pub(super) fn ensure_identity(&mut self, identity: Option<String>) -> super::Result<()> {
        if read_identity(&self.conn).is_some() {
            return Ok(());
        }
        let identity = identity.unwrap_or_else(new_identity);
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?1, ?2)",
                [IDENTITY_KEY, identity.as_str()],
            )?;
            Ok(())
        })
    }

    /// This database's identity.
    pub fn identity(&self) -> super::Result<String> {
        read_identity(&self.conn)
            .ok_or_else(|| StoreError::Missing("This database has no identity yet.".into()))
    }

    /// Says once (per permission setting) that other users can read the
    /// database file.
    pub(super) fn notice_shared_mode(&mut self, mode: u32) -> super::Result<()> {
        let value = format!("{mode:o}");
        if self.setting(SHARED_MODE_KEY)?.as_deref() == Some(value.as_str()) {
            return Ok(());
        }
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.notices.push(format!(
            "{name} is readable by other users (mode {value}); chmod 600 makes it private."
        ));
        self.set_setting(SHARED_MODE_KEY, &value)
    }
}

/// What a headway file holds, in words a person can check before a restore.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Described {
    pub identity: Option<String>,
    pub schools: Vec<String>,
    /// The newest change recorded in it (RFC 3339, UTC).
    pub last_changed: Option<String>,
}

/// Reads a headway file's identity, schools and newest change, read-only.
pub fn describe(path: &Path) -> super::Result<Described> {
    super::file::check_header(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    // The schools table is read first: an unreadable file is an error, not
    // a file with no schools.
    conn.query_row("SELECT count(*) FROM schools", [], |r| r.get::<_, i64>(0))?;
    let schools = conn
        .prepare("SELECT name FROM schools ORDER BY name")
        .and_then(|mut s| {
            s.query_map([], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()
        })
        .unwrap_or_default();
    let mut last_changed: Option<String> = None;
    for sql in [
        "SELECT max(created_at) FROM schools",
        "SELECT max(updated_at) FROM judgements",
        "SELECT max(replaced_at) FROM revisions",
        "SELECT max(updated_at) FROM actions",
        "SELECT max(created_at) FROM checkins",
    ] {
        // Older schemas lack some tables; what is there is enough.
        if let Ok(Some(t)) = conn.query_row(sql, [], |r| r.get::<_, Option<String>>(0)) {
            if last_changed.as_ref().is_none_or(|l| &t > l) {
                last_changed = Some(t);
            }
        }
    }
    Ok(Described {
        identity: read_identity(&conn),
        schools,
        last_changed,
    })
}
