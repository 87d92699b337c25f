//! Seeing across schools: which aspects are weak where, which statements
//! are weak in several schools, and where the plan is stalling. Pure: it
//! works on what the store read and says nothing about how it is shown.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::tool::Tool;

/// One school's newest evaluation of a tool and scope, with the one before
/// it in the same series if there is one. Levels by statement key.
pub struct Series {
    pub school: String,
    pub scope: String,
    pub cycle: String,
    pub tool: Rc<Tool>,
    pub levels: BTreeMap<String, u8>,
    pub before: Option<(String, BTreeMap<String, u8>)>,
}

/// Weak statements out of those judged, in one aspect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Share {
    pub weak: usize,
    pub judged: usize,
}

impl Share {
    /// The weak share as a whole percentage; `None` with nothing judged.
    pub fn percent(self) -> Option<u32> {
        (self.judged > 0).then(|| ((self.weak * 100 + self.judged / 2) / self.judged) as u32)
    }

    /// "40%", or "-" with nothing judged.
    pub fn label(self) -> String {
        self.percent()
            .map_or_else(|| "-".to_string(), |p| format!("{p}%"))
    }
}

/// How a share moved since the cycle before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    /// Fewer weak statements than before, by this many points.
    Better(u32),
    Worse(u32),
    Same,
    /// No earlier cycle, or nothing judged in one of the two.
    Unknown,
}

impl Movement {
    /// "↓10" fewer weak by 10 points (better), "↑5" more, "=" the same, or
    /// nothing when it is not known.
    pub fn label(self) -> String {
        match self {
            Movement::Better(n) => format!("↓{n}"),
            Movement::Worse(n) => format!("↑{n}"),
            Movement::Same => "=".to_string(),
            Movement::Unknown => String::new(),
        }
    }

    fn between(before: Option<Share>, now: Share) -> Movement {
        match (before.and_then(Share::percent), now.percent()) {
            (Some(b), Some(n)) if n < b => Movement::Better(b - n),
            (Some(b), Some(n)) if n > b => Movement::Worse(n - b),
            (Some(_), Some(_)) => Movement::Same,
            _ => Movement::Unknown,
        }
    }
}

/// One row of a tool's grid: a school (and scope), aspect by aspect.
pub struct GridRow {
    pub school: String,
    pub scope: String,
    pub cycle: String,
    pub cells: Vec<(Share, Movement)>,
}

/// Every school that evaluated one tool, by its aspects.
pub struct Grid {
    pub tool: String,
    pub aspects: Vec<String>,
    pub rows: Vec<GridRow>,
}

/// A statement judged weak in the newest evaluation of several schools.
pub struct SharedWeakness {
    pub tool: String,
    pub aspect: String,
    pub statement: String,
    pub schools: Vec<String>,
}

/// How a school's plan stands today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanHealth {
    pub school: String,
    /// Accepted actions not done or dropped.
    pub open: usize,
    /// Open actions whose check is past.
    pub overdue_checks: usize,
    /// Open actions whose latest check-in is red.
    pub red: usize,
    /// Open actions past their due date.
    pub past_due: usize,
}

impl PlanHealth {
    /// How worrying it is, for ordering: a red check-in counts most, then
    /// an overdue check, then a missed due date.
    pub fn concern(&self) -> usize {
        self.red * 3 + self.overdue_checks * 2 + self.past_due
    }
}

pub struct Across {
    pub grids: Vec<Grid>,
    pub shared: Vec<SharedWeakness>,
    pub health: Vec<PlanHealth>,
}

/// The view across schools from their series and plan health. Grids come
/// by tool title; rows by school; the shared weaknesses most widespread
/// first; the plans most concerning first.
pub fn across(series: &[Series], mut health: Vec<PlanHealth>) -> Across {
    let mut by_tool: BTreeMap<(String, String), Vec<&Series>> = BTreeMap::new();
    for s in series {
        by_tool
            .entry((s.tool.title.clone(), s.tool.id.clone()))
            .or_default()
            .push(s);
    }
    let mut grids = Vec::new();
    let mut shared = Vec::new();
    for ((title, _), mut members) in by_tool {
        members.sort_by(|a, b| (&a.school, &a.scope).cmp(&(&b.school, &b.scope)));
        // The newest tool version among the schools names the aspects.
        let Some(tool) = members.iter().map(|s| &s.tool).max_by_key(|t| t.version) else {
            continue;
        };
        let weak = |level: u8| tool.scale.is_weak(level);
        // Each aspect's statement keys, made once for every school.
        let keys: Vec<Vec<String>> = tool
            .aspects
            .iter()
            .map(|a| {
                a.statements
                    .iter()
                    .map(|st| format!("{}/{}/{}", tool.id, a.id, st.id))
                    .collect()
            })
            .collect();
        let share = |levels: &BTreeMap<String, u8>, aspect: usize| {
            let mut s = Share { weak: 0, judged: 0 };
            for key in &keys[aspect] {
                if let Some(&level) = levels.get(key) {
                    s.judged += 1;
                    s.weak += usize::from(weak(level));
                }
            }
            s
        };
        let rows = members
            .iter()
            .map(|s| GridRow {
                school: s.school.clone(),
                scope: s.scope.clone(),
                cycle: s.cycle.clone(),
                cells: (0..tool.aspects.len())
                    .map(|i| {
                        let now = share(&s.levels, i);
                        let before = s.before.as_ref().map(|(_, l)| share(l, i));
                        (now, Movement::between(before, now))
                    })
                    .collect(),
            })
            .collect();
        grids.push(Grid {
            tool: title.clone(),
            aspects: tool.aspects.iter().map(|a| a.title.clone()).collect(),
            rows,
        });
        for (a, aspect_keys) in tool.aspects.iter().zip(&keys) {
            for (st, key) in a.statements.iter().zip(aspect_keys) {
                let mut schools: Vec<String> = members
                    .iter()
                    .filter(|s| s.levels.get(key).is_some_and(|&l| weak(l)))
                    .map(|s| s.school.clone())
                    .collect();
                schools.dedup();
                if schools.len() >= 2 {
                    shared.push(SharedWeakness {
                        tool: title.clone(),
                        aspect: a.title.clone(),
                        statement: st.text.clone(),
                        schools,
                    });
                }
            }
        }
    }
    shared.sort_by_key(|s| std::cmp::Reverse(s.schools.len()));
    health.sort_by(|a, b| {
        b.concern()
            .cmp(&a.concern())
            .then(b.open.cmp(&a.open))
            .then(a.school.cmp(&b.school))
    });
    Across {
        grids,
        shared,
        health,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::tool::parse_tool;

    fn tool() -> Rc<Tool> {
        Rc::new(
            parse_tool(
                br#"
id = "t"
version = 1
title = "Reading"
area = "English"
[[aspects]]
id = "a"
title = "Phonics"
[[aspects.statements]]
id = "s1"
text = "Daily phonics"
[[aspects.statements]]
id = "s2"
text = "Catch-up groups"
[[aspects]]
id = "b"
title = "Library"
[[aspects.statements]]
id = "s3"
text = "Library open"
"#,
            )
            .unwrap(),
        )
    }

    fn levels(pairs: &[(&str, u8)]) -> BTreeMap<String, u8> {
        pairs.iter().map(|(k, l)| (format!("t/{k}"), *l)).collect()
    }

    fn series(school: &str, now: &[(&str, u8)], before: Option<&[(&str, u8)]>) -> Series {
        Series {
            school: school.into(),
            scope: "Whole school".into(),
            cycle: "Autumn 2026".into(),
            tool: tool(),
            levels: levels(now),
            before: before.map(|b| ("Summer 2026".to_string(), levels(b))),
        }
    }

    #[test]
    fn aspects_show_their_weak_share_and_how_it_moved() {
        let view = across(
            &[
                series(
                    "Ash",
                    &[("a/s1", 1), ("a/s2", 3), ("b/s3", 4)],
                    Some(&[("a/s1", 1), ("a/s2", 1)]),
                ),
                series("Birch", &[("a/s1", 2), ("a/s2", 1)], None),
            ],
            Vec::new(),
        );
        let grid = &view.grids[0];
        assert_eq!(grid.aspects, vec!["Phonics", "Library"]);
        let ash = &grid.rows[0];
        assert_eq!(ash.cells[0].0, Share { weak: 1, judged: 2 });
        assert_eq!(
            ash.cells[0].1,
            Movement::Better(50),
            "100% weak before, 50% now"
        );
        assert_eq!(ash.cells[1].1, Movement::Unknown, "not judged before");
        assert_eq!(grid.rows[1].cells[0].0.percent(), Some(100));
        assert_eq!(grid.rows[1].cells[1].0.percent(), None, "nothing judged");
        // Weak in both schools: daily phonics (Ash 1, Birch 2); catch-up
        // groups only in Birch.
        assert_eq!(view.shared.len(), 1);
        assert_eq!(view.shared[0].statement, "Daily phonics");
        assert_eq!(view.shared[0].schools, vec!["Ash", "Birch"]);
    }

    #[test]
    fn plans_most_concerning_come_first() {
        let h = |school: &str, open, overdue_checks, red, past_due| PlanHealth {
            school: school.into(),
            open,
            overdue_checks,
            red,
            past_due,
        };
        let view = across(
            &[],
            vec![
                h("Calm", 5, 0, 0, 0),
                h("Stalled", 3, 2, 1, 1),
                h("Late", 4, 1, 0, 2),
            ],
        );
        let order: Vec<&str> = view.health.iter().map(|p| p.school.as_str()).collect();
        assert_eq!(order, vec!["Stalled", "Late", "Calm"]);
    }
}
