//! One school's evaluations of one tool and scope, cycle after cycle: what
//! the last cycle said, which statements a newer tool version added or
//! removed, and how each judgement moved. Pure rules only.

use std::collections::HashSet;

use super::evaluation::{Evaluation, Judgement, Judgements, Mark};
use super::tool::Tool;

/// The order a walk visits statements in: those left until next time in the
/// previous cycle come first (in tool order), then the rest.
pub fn walk_order(tool: &Tool, previous: Option<&Judgements>) -> Vec<usize> {
    let was_deferred = |key: &str| {
        previous
            .and_then(|p| p.get(key))
            .is_some_and(|j| j.mark() == Mark::Deferred)
    };
    let (mut first, rest): (Vec<_>, Vec<_>) = tool
        .statements()
        .map(|s| (s.index, was_deferred(&s.key(&tool.id))))
        .partition(|(_, deferred)| *deferred);
    first.extend(rest);
    first.into_iter().map(|(index, _)| index).collect()
}

/// A statement an older version of a tool had and the newer one does not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removed {
    pub key: String,
    pub aspect: String,
    pub text: String,
}

/// What changed between the tool version a cycle used and a newer one,
/// matched by statement key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionChanges {
    /// Keys in the newer version that the older did not have.
    pub added: HashSet<String>,
    /// Statements of the older version that the newer dropped, in its order.
    pub removed: Vec<Removed>,
}

pub fn version_changes(older: &Tool, newer: &Tool) -> VersionChanges {
    let old_keys: HashSet<String> = older.statement_keys().into_iter().collect();
    let new_keys: HashSet<String> = newer.statement_keys().into_iter().collect();
    VersionChanges {
        added: new_keys.difference(&old_keys).cloned().collect(),
        removed: older
            .statements()
            .filter(|s| !new_keys.contains(&s.key(&older.id)))
            .map(|s| Removed {
                key: s.key(&older.id),
                aspect: s.aspect.title.clone(),
                text: s.statement.text.clone(),
            })
            .collect(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Up,
    Down,
    Same,
}

impl Movement {
    pub fn arrow(self) -> &'static str {
        match self {
            Movement::Up => "↑",
            Movement::Down => "↓",
            Movement::Same => "=",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Movement::Up => "up",
            Movement::Down => "down",
            Movement::Same => "same",
        }
    }
}

/// How a judgement moved since the last cycle; `None` unless both cycles
/// judged the statement.
pub fn movement(before: Option<u8>, now: Option<u8>) -> Option<Movement> {
    let (before, now) = (before?, now?);
    Some(match now.cmp(&before) {
        std::cmp::Ordering::Greater => Movement::Up,
        std::cmp::Ordering::Less => Movement::Down,
        std::cmp::Ordering::Equal => Movement::Same,
    })
}

/// True when the last three cycles all judged the statement weak.
pub fn weak_three_times(tool: &Tool, levels: &[Option<u8>]) -> bool {
    levels.len() >= 3
        && levels[levels.len() - 3..]
            .iter()
            .all(|l| l.is_some_and(|l| tool.scale.is_weak(l)))
}

/// One cycle's judgement of one statement, as the compare grid shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// The statement was not in the tool version that cycle used.
    Absent,
    Open,
    Deferred,
    Judged {
        level: u8,
        carried: bool,
    },
}

impl Cell {
    fn of(tool: &Tool, judgements: &Judgements, key: &str) -> Cell {
        if !tool.statement_keys().iter().any(|k| k == key) {
            return Cell::Absent;
        }
        match judgements.get(key).map(Judgement::mark) {
            Some(Mark::Judged(level)) => Cell::Judged {
                level,
                carried: judgements[key].carried_from.is_some(),
            },
            Some(Mark::Deferred) => Cell::Deferred,
            _ => Cell::Open,
        }
    }

    pub fn level(self) -> Option<u8> {
        match self {
            Cell::Judged { level, .. } => Some(level),
            _ => None,
        }
    }
}

/// One cycle of a series, with the tool version it used.
#[derive(Debug, Clone)]
pub struct Cycle<'a> {
    pub evaluation: &'a Evaluation,
    pub tool: &'a Tool,
    pub judgements: &'a Judgements,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CompareRow {
    pub key: String,
    pub aspect: String,
    pub text: String,
    /// One cell per cycle, oldest first.
    pub cells: Vec<Cell>,
    /// Between the last two cycles.
    pub movement: Option<Movement>,
    pub fell: bool,
    pub weak_three_times: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AspectTrend {
    pub title: String,
    /// The mean judgement per cycle, oldest first; `None` if nothing judged.
    pub means: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub cycles: Vec<String>,
    /// Statements that fell first, then those weak three cycles running,
    /// then the rest in tool order; statements a newer version removed last.
    pub rows: Vec<CompareRow>,
    pub trends: Vec<AspectTrend>,
}

/// The grid of statements by cycles. Rows follow the newest cycle's tool;
/// statements only older versions had come after them.
pub fn compare(cycles: &[Cycle<'_>]) -> Comparison {
    let Some(newest) = cycles.last() else {
        return Comparison {
            cycles: Vec::new(),
            rows: Vec::new(),
            trends: Vec::new(),
        };
    };
    let mut statements: Vec<(String, String, String)> = newest
        .tool
        .statements()
        .map(|s| {
            (
                s.key(&newest.tool.id),
                s.aspect.title.clone(),
                s.statement.text.clone(),
            )
        })
        .collect();
    let mut seen: HashSet<String> = statements.iter().map(|s| s.0.clone()).collect();
    for cycle in cycles.iter().rev().skip(1) {
        for s in cycle.tool.statements() {
            let key = s.key(&cycle.tool.id);
            if seen.insert(key.clone()) {
                statements.push((key, s.aspect.title.clone(), s.statement.text.clone()));
            }
        }
    }
    let mut rows: Vec<CompareRow> = statements
        .into_iter()
        .map(|(key, aspect, text)| {
            let cells: Vec<Cell> = cycles
                .iter()
                .map(|c| Cell::of(c.tool, c.judgements, &key))
                .collect();
            let levels: Vec<Option<u8>> = cells.iter().map(|c| c.level()).collect();
            let movement = match levels.as_slice() {
                [.., before, now] => movement(*before, *now),
                _ => None,
            };
            CompareRow {
                fell: movement == Some(Movement::Down),
                weak_three_times: weak_three_times(newest.tool, &levels),
                movement,
                cells,
                key,
                aspect,
                text,
            }
        })
        .collect();
    // A stable sort keeps tool order within each group.
    rows.sort_by_key(|r| match (r.fell, r.weak_three_times) {
        (true, _) => 0,
        (false, true) => 1,
        _ => 2,
    });
    let trends = newest
        .tool
        .aspects
        .iter()
        .map(|aspect| AspectTrend {
            title: aspect.title.clone(),
            means: cycles
                .iter()
                .map(|c| {
                    let levels: Vec<u8> = c
                        .tool
                        .aspects
                        .iter()
                        .filter(|a| a.id == aspect.id)
                        .flat_map(|a| &a.statements)
                        .filter_map(|s| {
                            let key = format!("{}/{}/{}", c.tool.id, aspect.id, s.id);
                            c.judgements.get(&key).and_then(|j| j.level)
                        })
                        .collect();
                    (!levels.is_empty()).then(|| {
                        levels.iter().map(|&l| f64::from(l)).sum::<f64>() / levels.len() as f64
                    })
                })
                .collect(),
        })
        .collect();
    Comparison {
        cycles: cycles.iter().map(|c| c.evaluation.cycle.clone()).collect(),
        rows,
        trends,
    }
}

/// A row of block characters, one per value, scaled from 1 to `top`.
pub fn sparkline(values: &[Option<f64>], top: u8) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    values
        .iter()
        .map(|v| match v {
            None => '·',
            Some(v) => {
                let span = f64::from(top.max(2)) - 1.0;
                let share = ((v - 1.0) / span).clamp(0.0, 1.0);
                BARS[(share * 7.0).round() as usize]
            }
        })
        .collect()
}
