//! Evaluations and the judgements made in them: progress, where to resume,
//! and which statements are weak, deferred or still to do. Pure rules only.

use std::collections::HashMap;

use super::tool::Tool;

/// Whole school, or one department.
pub const WHOLE_SCHOOL: &str = "Whole school";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub id: i64,
    pub school_id: i64,
    pub school_name: String,
    pub tool_id: String,
    pub tool_version: u32,
    pub scope: String,
    pub cycle: String,
    pub attendees: String,
    pub created_at: String,
}

impl Evaluation {
    /// Where and when, and who was in the room if that was written down:
    /// "school · scope · cycle · attendees".
    pub fn context(&self) -> String {
        let mut parts = vec![
            self.school_name.as_str(),
            self.scope.as_str(),
            self.cycle.as_str(),
        ];
        if !self.attendees.trim().is_empty() {
            parts.push(self.attendees.trim());
        }
        parts.join(" · ")
    }
}

/// What the meeting has said about one statement so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Judgement {
    pub level: Option<u8>,
    pub deferred: bool,
    pub rationale: String,
    /// How evidence could be gathered next time.
    pub evidence: String,
    pub defer_note: String,
    /// The evaluation this judgement was carried forward from unchanged;
    /// `None` when it was judged in this meeting.
    pub carried_from: Option<i64>,
    /// The notes are confidential: reports and exports leave them out.
    pub confidential: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    Open,
    Judged(u8),
    Deferred,
}

impl Judgement {
    pub fn mark(&self) -> Mark {
        match (self.level, self.deferred) {
            (Some(level), _) => Mark::Judged(level),
            (None, true) => Mark::Deferred,
            (None, false) => Mark::Open,
        }
    }
}

/// The three text fields a statement carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Rationale,
    Evidence,
    DeferNote,
}

impl TextField {
    pub fn column(self) -> &'static str {
        match self {
            TextField::Rationale => "rationale",
            TextField::Evidence => "evidence",
            TextField::DeferNote => "defer_note",
        }
    }

    pub fn get(self, judgement: &Judgement) -> &str {
        match self {
            TextField::Rationale => &judgement.rationale,
            TextField::Evidence => &judgement.evidence,
            TextField::DeferNote => &judgement.defer_note,
        }
    }

    pub fn set(self, judgement: &mut Judgement, text: String) {
        match self {
            TextField::Rationale => judgement.rationale = text,
            TextField::Evidence => judgement.evidence = text,
            TextField::DeferNote => judgement.defer_note = text,
        }
    }
}

/// Judgements of one evaluation, by statement key.
pub type Judgements = HashMap<String, Judgement>;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub judged: usize,
    pub deferred: usize,
    pub left: usize,
}

impl Progress {
    pub fn total(&self) -> usize {
        self.judged + self.deferred + self.left
    }

    pub fn is_complete(&self) -> bool {
        self.left == 0
    }
}

fn mark_of(judgements: &Judgements, key: &str) -> Mark {
    judgements
        .get(key)
        .map(Judgement::mark)
        .unwrap_or(Mark::Open)
}

/// Counts judged, deferred and left statements. Judgements for keys the tool
/// does not have are ignored.
pub fn progress(tool: &Tool, judgements: &Judgements) -> Progress {
    let mut p = Progress::default();
    for s in tool.statements() {
        match mark_of(judgements, &s.key(&tool.id)) {
            Mark::Judged(_) => p.judged += 1,
            Mark::Deferred => p.deferred += 1,
            Mark::Open => p.left += 1,
        }
    }
    p
}

/// Where to reopen an evaluation: the first statement neither judged nor
/// deferred, or `None` when every statement has been dealt with.
pub fn resume_index(tool: &Tool, judgements: &Judgements) -> Option<usize> {
    tool.statements()
        .find(|s| mark_of(judgements, &s.key(&tool.id)) == Mark::Open)
        .map(|s| s.index)
}

/// The next open statement after `from`, wrapping round; `None` if none is open.
pub fn next_open_after(tool: &Tool, judgements: &Judgements, from: usize) -> Option<usize> {
    let n = tool.statement_count();
    (1..=n).map(|step| (from + step) % n).find(|&i| {
        tool.statement_key(i)
            .is_some_and(|k| mark_of(judgements, &k) == Mark::Open)
    })
}

/// A statement picked out for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub index: usize,
    pub key: String,
    pub aspect: String,
    pub text: String,
    /// The tool's title for an action drafted from it, if it gives one.
    pub draft: Option<String>,
    pub level: Option<u8>,
    /// The rationale for weak ones, the note for deferred ones.
    pub note: String,
    pub confidential: bool,
    pub carried: bool,
}

fn listed(tool: &Tool, judgements: &Judgements, keep: impl Fn(Mark) -> bool) -> Vec<Listed> {
    tool.statements()
        .filter_map(|s| {
            let key = s.key(&tool.id);
            let j = judgements.get(&key).cloned().unwrap_or_default();
            let mark = j.mark();
            keep(mark).then(|| Listed {
                index: s.index,
                aspect: s.aspect.title.clone(),
                text: s.statement.text.clone(),
                draft: s.statement.draft.clone(),
                level: j.level,
                confidential: j.confidential,
                carried: j.carried_from.is_some(),
                note: match mark {
                    Mark::Deferred => j.defer_note,
                    _ => j.rationale,
                },
                key,
            })
        })
        .collect()
}

/// Judged statements at or below the tool's weak threshold, in walk order.
pub fn weak(tool: &Tool, judgements: &Judgements) -> Vec<Listed> {
    listed(
        tool,
        judgements,
        |m| matches!(m, Mark::Judged(l) if tool.scale.is_weak(l)),
    )
}

/// Judged statements the scale counts as strengths, in walk order.
pub fn strengths(tool: &Tool, judgements: &Judgements) -> Vec<Listed> {
    listed(
        tool,
        judgements,
        |m| matches!(m, Mark::Judged(l) if tool.scale.is_strong(l)),
    )
}

/// Statements left until next time, in walk order.
pub fn deferred(tool: &Tool, judgements: &Judgements) -> Vec<Listed> {
    listed(tool, judgements, |m| m == Mark::Deferred)
}

/// Statements not yet judged nor deferred, in walk order.
pub fn left(tool: &Tool, judgements: &Judgements) -> Vec<Listed> {
    listed(tool, judgements, |m| m == Mark::Open)
}

/// How the statements of one aspect are spread over the scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AspectSpread {
    pub title: String,
    /// `at_level[i]` counts judgements at level i + 1.
    pub at_level: Vec<usize>,
    pub deferred: usize,
    pub left: usize,
}

pub fn spread_by_aspect(tool: &Tool, judgements: &Judgements) -> Vec<AspectSpread> {
    tool.aspects
        .iter()
        .map(|aspect| {
            let mut spread = AspectSpread {
                title: aspect.title.clone(),
                at_level: vec![0; tool.scale.levels.len()],
                deferred: 0,
                left: 0,
            };
            for statement in &aspect.statements {
                let key = format!("{}/{}/{}", tool.id, aspect.id, statement.id);
                match mark_of(judgements, &key) {
                    Mark::Judged(level) => {
                        if let Some(slot) = spread.at_level.get_mut(usize::from(level) - 1) {
                            *slot += 1;
                        }
                    }
                    Mark::Deferred => spread.deferred += 1,
                    Mark::Open => spread.left += 1,
                }
            }
            spread
        })
        .collect()
}
