use std::rc::Rc;

use rusqlite::{params, OptionalExtension};

use super::{now, Store, StoreError};
use crate::domain::tool::{parse_tool, Tool};

/// One stored tool version, for lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolInfo {
    pub id: String,
    pub version: u32,
    pub title: String,
    pub area: String,
    pub origin: String,
    pub statements: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Added { id: String, version: u32 },
    AlreadyPresent { id: String, version: u32 },
}

impl Store {
    /// Stores a tool file's text after validating it. A higher version is
    /// added beside the earlier ones; the same version with the same content
    /// changes nothing; a lower or equal version with other content is refused.
    pub fn import_tool(&mut self, source: &str) -> super::Result<ImportOutcome> {
        self.add_tool(source, "imported")
    }

    fn add_tool(&mut self, source: &str, origin: &str) -> super::Result<ImportOutcome> {
        let tool = parse_tool(source.as_bytes()).map_err(StoreError::InvalidTool)?;
        let (id, version) = (tool.id.clone(), tool.version);
        if let Some(existing) = self.try_tool(&id, version)? {
            if *existing == tool {
                return Ok(ImportOutcome::AlreadyPresent { id, version });
            }
            return Err(StoreError::Conflict(format!(
                "Tool \"{id}\" version {version} is already stored with different content; raise `version` to add the changed tool."
            )));
        }
        let newest: Option<u32> = self.conn.query_row(
            "SELECT max(version) FROM tools WHERE tool_id = ?1",
            [&id],
            |r| r.get(0),
        )?;
        if let Some(newest) = newest.filter(|&n| n > version) {
            return Err(StoreError::Conflict(format!(
                "Tool \"{id}\" is already stored at version {newest}; version {version} is older and was not imported."
            )));
        }
        self.write(|tx| {
            tx.execute(
                "INSERT INTO tools (tool_id, version, title, area, source, origin, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, version, tool.title, tool.area, source, origin, now()],
            )?;
            Ok(())
        })?;
        Ok(ImportOutcome::Added { id, version })
    }

    /// Adds the tools shipped in the binary that the database lacks. A tool
    /// id the user already holds at a higher version is left alone.
    pub(super) fn add_shipped_tools(&mut self) -> super::Result<()> {
        for source in crate::shipped::TOOLS {
            match self.add_tool(source, "shipped") {
                Ok(_) => {}
                Err(StoreError::Conflict(_)) => self.refresh_shipped_drafts(source)?,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// A shipped tool stored by an earlier headway, which differs from the
    /// one shipped now only in its draft titles for plan actions, takes the
    /// new titles: nothing judged changes. Any other difference is left as
    /// it is.
    fn refresh_shipped_drafts(&mut self, source: &str) -> super::Result<()> {
        let tool = parse_tool(source.as_bytes()).map_err(StoreError::InvalidTool)?;
        let Some(stored) = self.try_tool(&tool.id, tool.version)? else {
            return Ok(());
        };
        if *stored == tool || !stored.same_apart_from_drafts(&tool) {
            return Ok(());
        }
        let (id, version) = (tool.id.clone(), tool.version);
        let changed = self.write(|tx| {
            Ok(tx.execute(
                "UPDATE tools SET source = ?3 WHERE tool_id = ?1 AND version = ?2 AND origin = 'shipped'",
                params![id, version, source],
            )?)
        })?;
        if changed > 0 {
            self.tools.borrow_mut().remove(&(id, version));
        }
        Ok(())
    }

    /// A stored tool version, parsed (and cached).
    pub fn tool(&self, id: &str, version: u32) -> super::Result<Rc<Tool>> {
        self.try_tool(id, version)?.ok_or_else(|| {
            StoreError::Missing(format!("Tool \"{id}\" version {version} is not stored."))
        })
    }

    fn try_tool(&self, id: &str, version: u32) -> super::Result<Option<Rc<Tool>>> {
        let key = (id.to_string(), version);
        if let Some(tool) = self.tools.borrow().get(&key) {
            return Ok(Some(tool.clone()));
        }
        let source: Option<String> = self
            .conn
            .query_row(
                "SELECT source FROM tools WHERE tool_id = ?1 AND version = ?2",
                params![id, version],
                |r| r.get(0),
            )
            .optional()?;
        let Some(source) = source else {
            return Ok(None);
        };
        let tool = parse_tool(source.as_bytes()).map_err(|_| {
            StoreError::Conflict(format!(
                "Tool \"{id}\" version {version} in the database no longer passes validation."
            ))
        })?;
        let tool = Rc::new(tool);
        self.tools.borrow_mut().insert(key, tool.clone());
        Ok(Some(tool))
    }

    /// The newest version of each tool, by title.
    pub fn latest_tools(&self) -> super::Result<Vec<ToolInfo>> {
        let all = self.all_tools()?;
        let mut latest: Vec<ToolInfo> = Vec::new();
        for info in all {
            match latest.iter_mut().find(|t| t.id == info.id) {
                Some(t) if t.version < info.version => *t = info,
                Some(_) => {}
                None => latest.push(info),
            }
        }
        latest.sort_by_key(|t| t.title.to_lowercase());
        Ok(latest)
    }

    /// Every stored tool version, by id then version.
    pub fn all_tools(&self) -> super::Result<Vec<ToolInfo>> {
        let mut stmt = self.conn.prepare(
            "SELECT tool_id, version, title, area, origin FROM tools ORDER BY tool_id, version",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, u32>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter()
            .map(|(id, version, title, area, origin)| {
                let statements = self.tool(&id, version)?.statement_count();
                Ok(ToolInfo {
                    id,
                    version,
                    title,
                    area,
                    origin,
                    statements,
                })
            })
            .collect()
    }

    /// The stored text of a tool version, for export.
    pub(super) fn tool_source(&self, id: &str, version: u32) -> super::Result<String> {
        Ok(self.conn.query_row(
            "SELECT source FROM tools WHERE tool_id = ?1 AND version = ?2",
            params![id, version],
            |r| r.get(0),
        )?)
    }
}
