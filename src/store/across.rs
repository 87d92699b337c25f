//! What the view across schools reads: each series' newest two
//! evaluations with their levels, and each school's plan health. Its cost
//! follows the schools it shows (every one in the file), in two queries.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::Store;
use crate::domain::across::{PlanHealth, Series};

impl Store {
    /// Every school's newest evaluation of each tool and scope, with the
    /// one before it; removed evaluations are left out.
    pub fn across_series(&self) -> super::Result<Vec<Series>> {
        let mut stmt = self.conn.prepare(
            "WITH ranked AS (
                 SELECT e.uuid, e.school_uuid, e.tool_id, e.tool_version, e.scope, e.cycle,
                        row_number() OVER (
                            PARTITION BY e.school_uuid, e.tool_id, lower(trim(e.scope))
                            ORDER BY e.created_at DESC, e.rowid DESC) AS n,
                        first_value(e.rowid) OVER (
                            PARTITION BY e.school_uuid, e.tool_id, lower(trim(e.scope))
                            ORDER BY e.created_at DESC, e.rowid DESC) AS newest
                 FROM evaluations e WHERE e.removed_at IS NULL)
             SELECT r.newest, r.n, s.name, r.scope, r.cycle, r.tool_id, r.tool_version,
                    j.statement_key, j.level
             FROM ranked r JOIN schools s ON s.uuid = r.school_uuid
             LEFT JOIN judgements j ON j.evaluation_uuid = r.uuid AND j.level IS NOT NULL
             WHERE r.n <= 2
             ORDER BY r.newest, r.n",
        )?;
        type Row = (
            i64,
            i64,
            String,
            String,
            String,
            String,
            u32,
            Option<String>,
            Option<u8>,
        );
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        })?;
        let mut out: Vec<Series> = Vec::new();
        let mut current: Option<i64> = None;
        for row in rows {
            let (newest, n, school, scope, cycle, tool_id, version, key, level): Row = row?;
            if current != Some(newest) {
                current = Some(newest);
                // The newest comes first (n = 1): it names the series.
                out.push(Series {
                    school,
                    scope: scope.clone(),
                    cycle: cycle.clone(),
                    tool: self.tool(&tool_id, version)?,
                    levels: BTreeMap::new(),
                    before: None,
                });
            }
            let Some(series) = out.last_mut() else {
                continue;
            };
            if n == 2 && series.before.is_none() {
                series.before = Some((cycle, BTreeMap::new()));
            }
            if let (Some(key), Some(level)) = (key, level) {
                match n {
                    1 => {
                        series.levels.insert(key, level);
                    }
                    _ => {
                        if let Some((_, before)) = series.before.as_mut() {
                            before.insert(key, level);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    /// Each school's plan as it stands on `today`: open accepted actions,
    /// and of those the ones with a check overdue, a red latest check-in,
    /// or a due date past.
    pub fn plan_health(&self, today: Date) -> super::Result<Vec<PlanHealth>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.name,
                    count(a.uuid),
                    count(a.uuid) FILTER (WHERE a.next_check < ?1),
                    count(a.uuid) FILTER (WHERE (SELECT c.rag FROM checkins c
                                                 WHERE c.action_uuid = a.uuid
                                                 ORDER BY c.checked_on DESC, c.rowid DESC
                                                 LIMIT 1) = 'red'),
                    count(a.uuid) FILTER (WHERE a.due_date < ?1)
             FROM schools s
             LEFT JOIN evaluations e ON e.school_uuid = s.uuid AND e.removed_at IS NULL
             LEFT JOIN actions a ON a.evaluation_uuid = e.uuid AND a.stage = 'accepted'
                  AND a.status IN ('not started', 'in progress')
             GROUP BY s.uuid
             ORDER BY s.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([today.to_string()], |r| {
            Ok(PlanHealth {
                school: r.get(0)?,
                open: r.get::<_, i64>(1)? as usize,
                overdue_checks: r.get::<_, i64>(2)? as usize,
                red: r.get::<_, i64>(3)? as usize,
                past_due: r.get::<_, i64>(4)? as usize,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
