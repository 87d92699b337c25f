use rusqlite::{params, ErrorCode};

use super::{new_uuid, now, Store, StoreError};
use crate::domain::school::School;

impl Store {
    /// Adds a school; the name must already be cleaned.
    pub fn add_school(&mut self, name: &str) -> super::Result<School> {
        let result = self.write(|tx| {
            tx.execute(
                "INSERT INTO schools (uuid, name, created_at) VALUES (?1, ?2, ?3)",
                params![new_uuid(), name, now()],
            )?;
            Ok(tx.last_insert_rowid())
        });
        match result {
            Ok(id) => Ok(School {
                id,
                name: name.to_string(),
            }),
            Err(StoreError::Refused(rusqlite::Error::SqliteFailure(e, _)))
                if e.code == ErrorCode::ConstraintViolation =>
            {
                // Named as stored, which may differ in case from the name typed.
                let stored: String = self
                    .conn
                    .query_row("SELECT name FROM schools WHERE name = ?1", [&name], |r| {
                        r.get(0)
                    })
                    .unwrap_or_else(|_| name.to_string());
                Err(StoreError::Conflict(format!(
                    "A school called \"{stored}\" is already here."
                )))
            }
            Err(e) => Err(e),
        }
    }

    /// Every school, by name.
    pub fn schools(&self) -> super::Result<Vec<School>> {
        let mut stmt = self
            .conn
            .prepare("SELECT rowid, name FROM schools ORDER BY name COLLATE NOCASE")?;
        let rows = stmt.query_map([], |r| {
            Ok(School {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every school with how many evaluations it has, by name: counted from
    /// the index of evaluations by school, without reading them.
    pub fn schools_with_counts(&self) -> super::Result<Vec<(School, usize)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.rowid, s.name,
                 (SELECT count(*) FROM evaluations e
                  WHERE e.school_uuid = s.uuid AND e.removed_at IS NULL)
             FROM schools s ORDER BY s.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                School {
                    id: r.get(0)?,
                    name: r.get(1)?,
                },
                r.get::<_, i64>(2)? as usize,
            ))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
