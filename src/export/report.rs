//! What a report holds: one school, the evaluations of one cycle with the
//! cycle each builds on, and the school's plan. Confidential notes are
//! withheld here, once, so no output format can leak them.

use std::collections::HashMap;
use std::rc::Rc;

use jiff::civil::Date;

use crate::domain::evaluation::{
    deferred, spread_by_aspect, strengths, weak, AspectSpread, Evaluation, Judgement, Judgements,
    Listed,
};
pub use crate::domain::plan::Standing;
use crate::domain::plan::{check_state, is_overdue, next_check, CheckIn, CheckState};
use crate::domain::school::{pick_by_name, NamePick};
use crate::domain::series::{movement, Movement};
use crate::domain::tool::Tool;
use crate::store::{PlanRow, Store, StoreError};

use super::human_date;

/// Shown in place of a confidential note.
pub const WITHHELD: &str = "[confidential note withheld]";

/// Which school and cycle a report covers.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub school: Option<String>,
    pub evaluation: Option<i64>,
    pub cycle: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub school: String,
    pub cycle: String,
    pub today: Date,
    pub sections: Vec<Section>,
    pub plan: Vec<PlanEntry>,
    /// How many confidential notes were left out.
    pub withheld: usize,
    pub confidential_included: bool,
    /// What the store keeps of each action's past, for the calendar.
    pub trail: crate::store::PlanTrail,
}

/// One evaluation of the cycle.
#[derive(Debug, Clone)]
pub struct Section {
    pub evaluation: Evaluation,
    pub tool: Rc<Tool>,
    pub judgements: Judgements,
    /// The cycle it builds on and what that cycle judged.
    pub previous: Option<(Evaluation, Judgements)>,
}

/// One aspect's judgements and how they moved since the last cycle.
#[derive(Debug, Clone)]
pub struct AspectRow {
    pub spread: AspectSpread,
    pub up: usize,
    pub down: usize,
    pub same: usize,
}

impl Section {
    pub fn aspects(&self) -> Vec<AspectRow> {
        let spreads = spread_by_aspect(&self.tool, &self.judgements);
        self.tool
            .aspects
            .iter()
            .zip(spreads)
            .map(|(aspect, spread)| {
                let mut row = AspectRow {
                    spread,
                    up: 0,
                    down: 0,
                    same: 0,
                };
                for s in &aspect.statements {
                    let key = format!("{}/{}/{}", self.tool.id, aspect.id, s.id);
                    match self.movement(&key) {
                        Some(Movement::Up) => row.up += 1,
                        Some(Movement::Down) => row.down += 1,
                        Some(Movement::Same) => row.same += 1,
                        None => {}
                    }
                }
                row
            })
            .collect()
    }

    /// The whole evaluation's spread over the scale.
    pub fn spread(&self) -> AspectSpread {
        let mut total = AspectSpread {
            title: self.tool.title.clone(),
            at_level: vec![0; self.tool.scale.levels.len()],
            deferred: 0,
            left: 0,
        };
        for aspect in spread_by_aspect(&self.tool, &self.judgements) {
            for (sum, n) in total.at_level.iter_mut().zip(&aspect.at_level) {
                *sum += n;
            }
            total.deferred += aspect.deferred;
            total.left += aspect.left;
        }
        total
    }

    pub fn movement(&self, key: &str) -> Option<Movement> {
        let (_, before) = self.previous.as_ref()?;
        movement(
            before.get(key).and_then(|j| j.level),
            self.judgements.get(key).and_then(|j| j.level),
        )
    }

    /// Who was in the room, as recorded.
    pub fn room(&self) -> &str {
        match self.evaluation.attendees.trim() {
            "" => "not recorded",
            who => who,
        }
    }

    /// Which cycle this one builds on, as a sentence.
    pub fn lineage(&self) -> String {
        match &self.previous {
            Some((p, _)) => format!("Builds on {}.", p.cycle),
            None => "The first cycle of this evaluation.".into(),
        }
    }

    pub fn strengths(&self) -> Vec<Listed> {
        strengths(&self.tool, &self.judgements)
    }

    pub fn weak(&self) -> Vec<Listed> {
        weak(&self.tool, &self.judgements)
    }

    pub fn deferred(&self) -> Vec<Listed> {
        deferred(&self.tool, &self.judgements)
    }
}

/// A statement an action addresses, as its tool words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressed {
    pub key: String,
    pub aspect: String,
    pub text: String,
}

/// An accepted action with its check-ins (oldest first) and where its
/// checks stand.
#[derive(Debug, Clone)]
pub struct PlanEntry {
    pub row: PlanRow,
    pub check_ins: Vec<CheckIn>,
    /// The statements it addresses, in tool order (a key whose statement
    /// the tool no longer has is shown as the key).
    pub addressed: Vec<Addressed>,
    /// The next check, for open actions.
    pub next_check: Option<Date>,
    /// Open and past its due date.
    pub overdue: bool,
    /// Open and its next check-in is past.
    pub check_overdue: bool,
}

/// How many actions stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanHealth {
    counts: [usize; 7],
}

impl PlanHealth {
    pub fn count(&self, standing: Standing) -> usize {
        self.counts[standing as usize]
    }

    /// Actions neither done nor dropped.
    pub fn open(&self) -> usize {
        self.counts[..5].iter().sum()
    }

    /// Every action counted, open or not.
    pub fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// "6 actions in the plan, 5 of them open": the counts that follow add
    /// up to the first number.
    pub fn sentence(&self) -> String {
        let total = self.total();
        format!(
            "{total} action{} in the plan, {} of them open; each is counted once below, \
             an overdue one as overdue whatever its last rating",
            if total == 1 { "" } else { "s" },
            self.open()
        )
    }
}

/// One aspect of one evaluation, ranked among the cycle's weakest areas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakArea {
    pub tool: String,
    pub scope: String,
    pub aspect: String,
    pub weak: usize,
    pub judged: usize,
}

impl PlanEntry {
    pub fn last(&self) -> Option<&CheckIn> {
        self.check_ins.last()
    }

    pub fn is_late(&self) -> bool {
        self.overdue || self.check_overdue
    }

    pub fn standing(&self) -> Standing {
        Standing::of(&self.row.action, self.last().map(|c| c.rag), self.is_late())
    }

    /// What is overdue, in words for people: "was due 13 Nov 2026;
    /// check-in was due 9 Nov 2026".
    pub fn late_reasons(&self) -> String {
        self.late_reasons_with(human_date)
    }

    /// [`PlanEntry::late_reasons`] with each date written by `date`.
    pub fn late_reasons_with(&self, date: impl Fn(Date) -> String) -> String {
        let mut what = Vec::new();
        if let (true, Some(due)) = (self.overdue, self.row.action.due) {
            what.push(format!("was due {}", date(due)));
        }
        if let (true, Some(next)) = (self.check_overdue, self.next_check) {
            what.push(format!("check-in was due {}", date(next)));
        }
        what.join("; ")
    }

    /// The latest check-in, where the standing shown is not its colour (a
    /// late, done or dropped action): said beside it as "last rated ...".
    pub fn last_rating_aside(&self) -> Option<&CheckIn> {
        match self.standing() {
            Standing::Overdue | Standing::Done | Standing::Dropped => self.last(),
            _ => None,
        }
    }

    /// The owner's name, or `none` when nobody is named.
    pub fn owner_or<'a>(&'a self, none: &'a str) -> &'a str {
        match self.row.action.owner.as_str() {
            "" => none,
            owner => owner,
        }
    }
}

/// Blanks a confidential judgement's notes; returns how many were withheld.
fn withhold_judgement(j: &mut Judgement) -> usize {
    if !j.confidential {
        return 0;
    }
    let mut n = 0;
    for text in [&mut j.rationale, &mut j.evidence, &mut j.defer_note] {
        if !text.is_empty() {
            *text = WITHHELD.to_string();
            n += 1;
        }
    }
    n
}

/// Blanks a confidential check-in's notes; returns how many were withheld.
pub fn withhold_check_in(c: &mut CheckIn) -> usize {
    if !c.confidential {
        return 0;
    }
    let mut n = 0;
    for text in [&mut c.note, &mut c.impact_note] {
        if !text.is_empty() {
            *text = WITHHELD.to_string();
            n += 1;
        }
    }
    n
}

/// Blanks the text an action copied from a confidential note (its reason
/// and impact check); returns how many were withheld.
pub fn withhold_action(a: &mut crate::domain::plan::Action) -> usize {
    if !a.confidential {
        return 0;
    }
    let mut n = 0;
    for text in [&mut a.reason, &mut a.impact_check] {
        if !text.is_empty() {
            *text = WITHHELD.to_string();
            n += 1;
        }
    }
    n
}

/// Blanks every confidential note in a set of judgements.
pub fn withhold_judgements(judgements: &mut Judgements) -> usize {
    judgements.values_mut().map(withhold_judgement).sum()
}

fn user_error(message: String) -> StoreError {
    StoreError::Missing(message)
}

/// Reads the report for `selection` from the store.
pub fn load(
    store: &Store,
    selection: &Selection,
    today: Date,
    include_confidential: bool,
) -> Result<Report, StoreError> {
    let (school_id, school) = pick_school(store, selection)?;
    let mut all: Vec<Evaluation> = store
        .evaluations()?
        .into_iter()
        .filter(|e| e.school_id == school_id)
        .collect();
    all.sort_by_key(|e| e.id);
    let chosen: Vec<Evaluation> = if let Some(id) = selection.evaluation {
        let found: Vec<Evaluation> = all.into_iter().filter(|e| e.id == id).collect();
        if found.is_empty() {
            // Removed, or of another school: nothing to report.
            return Err(user_error(format!("{school} has no evaluation {id}.")));
        }
        found
    } else {
        let cycle = match &selection.cycle {
            Some(c) => c.trim().to_string(),
            None => all.last().map(|e| e.cycle.clone()).ok_or_else(|| {
                user_error(format!("{school} has no evaluations to report on yet."))
            })?,
        };
        let found: Vec<Evaluation> = all
            .iter()
            .filter(|e| e.cycle.eq_ignore_ascii_case(&cycle))
            .cloned()
            .collect();
        if found.is_empty() {
            let mut cycles: Vec<&str> = all.iter().map(|e| e.cycle.as_str()).collect();
            cycles.dedup();
            return Err(user_error(format!(
                "{school} has no evaluations in the cycle \"{cycle}\"; its cycles are: {}.",
                cycles.join(", ")
            )));
        }
        found
    };
    let mut withheld = 0;
    let mut sections = Vec::new();
    for evaluation in chosen {
        let tool = store.tool(&evaluation.tool_id, evaluation.tool_version)?;
        let mut judgements = store.judgements(evaluation.id)?;
        let previous = match store.previous_evaluation(&evaluation)? {
            Some(p) => {
                let mut j = store.judgements(p.id)?;
                if !include_confidential {
                    withhold_judgements(&mut j);
                }
                Some((p, j))
            }
            None => None,
        };
        if !include_confidential {
            withheld += withhold_judgements(&mut judgements);
        }
        sections.push(Section {
            evaluation,
            tool,
            judgements,
            previous,
        });
    }
    let mut plan = Vec::new();
    let mut tools: HashMap<(String, u32), Rc<Tool>> = HashMap::new();
    for mut row in store.plan_rows(Some(school_id))? {
        let tool_key = (row.tool_id.clone(), row.tool_version);
        let tool = match tools.get(&tool_key) {
            Some(t) => t.clone(),
            None => {
                let t = store.tool(&row.tool_id, row.tool_version)?;
                tools.insert(tool_key, t.clone());
                t
            }
        };
        let addressed = addressed(&tool, &row.action.statements);
        let mut check_ins = store.check_ins(row.action.id)?;
        check_ins.reverse();
        if !include_confidential {
            withheld += withhold_action(&mut row.action);
            withheld += check_ins.iter_mut().map(withhold_check_in).sum::<usize>();
            if let Some(c) = row.last_check_in.as_mut() {
                withhold_check_in(c);
            }
        }
        let open = row.action.is_open();
        let next = open.then(|| next_check(&row.action, check_ins.last().map(|c| c.on), today));
        plan.push(PlanEntry {
            overdue: is_overdue(&row.action, today),
            check_overdue: next
                .is_some_and(|n| matches!(check_state(n, today), CheckState::Overdue(_))),
            next_check: next,
            check_ins,
            addressed,
            row,
        });
    }
    Ok(Report {
        school,
        cycle: sections
            .first()
            .map(|s| s.evaluation.cycle.clone())
            .unwrap_or_default(),
        today,
        sections,
        plan,
        withheld,
        confidential_included: include_confidential,
        trail: store.plan_trail(school_id)?,
    })
}

/// The statements behind `keys`, worded as `tool` words them.
fn addressed(tool: &Tool, keys: &[String]) -> Vec<Addressed> {
    keys.iter()
        .map(|key| {
            tool.statements()
                .find(|s| s.key(&tool.id) == *key)
                .map(|s| Addressed {
                    key: key.clone(),
                    aspect: s.aspect.title.clone(),
                    text: s.statement.text.clone(),
                })
                .unwrap_or_else(|| Addressed {
                    key: key.clone(),
                    aspect: String::new(),
                    text: key.clone(),
                })
        })
        .collect()
}

impl Report {
    /// Every strength of the cycle, evaluation by evaluation.
    pub fn strengths(&self) -> Vec<(&Section, Listed)> {
        self.sections
            .iter()
            .flat_map(|s| s.strengths().into_iter().map(move |l| (s, l)))
            .collect()
    }

    /// The late actions, in the plan's order.
    pub fn late_in_order(&self) -> Vec<&PlanEntry> {
        self.plan_in_order()
            .into_iter()
            .filter(|e| e.standing() == Standing::Overdue)
            .collect()
    }

    /// The plan as governors read it: overdue first, then red, amber,
    /// green and not yet checked, then done and dropped; within each, the
    /// earliest due date first.
    pub fn plan_in_order(&self) -> Vec<&PlanEntry> {
        let mut entries: Vec<&PlanEntry> = self.plan.iter().collect();
        entries.sort_by_key(|e| {
            (
                e.standing(),
                e.row.action.due.is_none(),
                e.row.action.due,
                e.row.action.id,
            )
        });
        entries
    }

    pub fn health(&self) -> PlanHealth {
        let mut health = PlanHealth::default();
        for e in &self.plan {
            health.counts[e.standing() as usize] += 1;
        }
        health
    }

    /// The aspects with the largest share of weak judgements across the
    /// cycle's evaluations, weakest first; aspects with nothing weak are
    /// left out.
    pub fn weakest_areas(&self, most: usize) -> Vec<WeakArea> {
        let mut areas = Vec::new();
        for s in &self.sections {
            for row in s.aspects() {
                let spread = &row.spread;
                let weak: usize = spread
                    .at_level
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| s.tool.scale.is_weak(*i as u8 + 1))
                    .map(|(_, n)| n)
                    .sum();
                if weak == 0 {
                    continue;
                }
                areas.push(WeakArea {
                    tool: s.tool.title.clone(),
                    scope: s.evaluation.scope.clone(),
                    aspect: spread.title.clone(),
                    weak,
                    judged: spread.at_level.iter().sum(),
                });
            }
        }
        // Largest share first (compared as fractions), then most weak.
        areas.sort_by(|a, b| {
            (b.weak * a.judged)
                .cmp(&(a.weak * b.judged))
                .then(b.weak.cmp(&a.weak))
        });
        areas.truncate(most);
        areas
    }
}

fn pick_school(store: &Store, selection: &Selection) -> Result<(i64, String), StoreError> {
    let schools = store.schools()?;
    if let Some(id) = selection.evaluation {
        let e = store.evaluation(id)?;
        if let Some(name) = &selection.school {
            if !e.school_name.eq_ignore_ascii_case(name.trim()) {
                return Err(user_error(format!(
                    "Evaluation {id} belongs to {}, not {}.",
                    e.school_name,
                    name.trim()
                )));
            }
        }
        return Ok((e.school_id, e.school_name));
    }
    // A list a reader can take in: a trust's hundreds of names are cut.
    const NAMED: usize = 12;
    let list =
        |found: &[&str]| crate::text::named_list(found, NAMED, " (`headway find` finds one)");
    let all: Vec<&str> = schools.iter().map(|s| s.name.as_str()).collect();
    match &selection.school {
        Some(wanted) => match pick_by_name(&all, wanted) {
            NamePick::One(i) => Ok((schools[i].id, schools[i].name.clone())),
            NamePick::None => Err(user_error(format!(
                "No school matches \"{}\"; the schools are: {}.",
                wanted.trim().to_lowercase(),
                list(&all)
            ))),
            NamePick::Several(found) => {
                let found: Vec<&str> = found.iter().map(|&i| all[i]).collect();
                Err(user_error(format!(
                    "\"{}\" matches more than one school: {}.",
                    wanted.trim().to_lowercase(),
                    list(&found)
                )))
            }
        },
        None => match schools.as_slice() {
            [only] => Ok((only.id, only.name.clone())),
            [] => Err(user_error(
                "There are no schools in this database yet; `headway demo` makes an example."
                    .into(),
            )),
            _ => Err(user_error(format!(
                "Choose a school with --school; the schools are: {}.",
                list(&all)
            ))),
        },
    }
}
