//! Find anything: schools, tools, statements, the notes of every judgement,
//! actions and check-in notes, searched together with one fuzzy matcher.
//! Used by `headway find` and the finder overlay (Ctrl+F) in the app.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use crate::store::{Store, StoreError};
use crate::text::clean_line;

/// Longest text searched per item; long notes are cut here.
const MAX_TEXT: usize = 240;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    School,
    Tool,
    Statement,
    Rationale,
    Evidence,
    Note,
    Action,
    CheckIn,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::School => "school",
            Kind::Tool => "tool",
            Kind::Statement => "statement",
            Kind::Rationale => "rationale",
            Kind::Evidence => "evidence",
            Kind::Note => "deferral note",
            Kind::Action => "action",
            Kind::CheckIn => "check-in",
        }
    }
}

/// Where Enter on a result goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A school's plan.
    School(i64),
    /// The newest evaluation that uses a tool: its summary, or with a
    /// statement key, the walk at that statement.
    Tool {
        tool_id: String,
        key: Option<String>,
    },
    /// The walk of one evaluation at one statement.
    Walk {
        evaluation: i64,
        index: usize,
    },
    Action(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub kind: Kind,
    /// The text searched and shown.
    pub text: String,
    /// Where it belongs, shown beside it.
    pub place: String,
    pub target: Target,
    /// From a note marked confidential: the app hides it until asked.
    pub confidential: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    pub item: &'a Item,
    /// Char indices of `item.text` that matched.
    pub matched: Vec<usize>,
}

/// Everything searchable, read from the store in one go.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub items: Vec<Item>,
}

fn searchable(text: &str) -> String {
    let line = clean_line(text);
    let line = line.trim();
    match line.char_indices().nth(MAX_TEXT) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

impl Index {
    pub fn load(store: &Store) -> Result<Index, StoreError> {
        let mut items = Vec::new();
        let mut push_marked = |kind, text: &str, place: String, target, confidential| {
            let text = searchable(text);
            if !text.is_empty() {
                items.push(Item {
                    kind,
                    text,
                    place,
                    target,
                    confidential,
                });
            }
        };
        for school in store.schools()? {
            push_marked(
                Kind::School,
                &school.name,
                String::new(),
                Target::School(school.id),
                false,
            );
        }
        for info in store.latest_tools()? {
            let tool = store.tool(&info.id, info.version)?;
            push_marked(
                Kind::Tool,
                &tool.title,
                tool.area.clone(),
                Target::Tool {
                    tool_id: tool.id.clone(),
                    key: None,
                },
                false,
            );
            for s in tool.statements() {
                push_marked(
                    Kind::Statement,
                    &s.statement.text,
                    format!("{} › {}", tool.title, s.aspect.title),
                    Target::Tool {
                        tool_id: tool.id.clone(),
                        key: Some(s.key(&tool.id)),
                    },
                    false,
                );
            }
        }
        let snapshot = store.snapshot()?;
        for record in &snapshot.evaluations {
            let e = &record.evaluation;
            let tool = &record.tool;
            for s in tool.statements() {
                let Some(j) = record.judgements.get(&s.key(&tool.id)) else {
                    continue;
                };
                let place = format!(
                    "{} · {} · {} · {} · statement {}",
                    e.school_name,
                    tool.title,
                    e.scope,
                    e.cycle,
                    s.index + 1
                );
                let target = Target::Walk {
                    evaluation: e.id,
                    index: s.index,
                };
                for (kind, text) in [
                    (Kind::Rationale, &j.rationale),
                    (Kind::Evidence, &j.evidence),
                    (Kind::Note, &j.defer_note),
                ] {
                    push_marked(kind, text, place.clone(), target.clone(), j.confidential);
                }
            }
            for (action, check_ins) in &record.actions {
                if action.stage == crate::domain::plan::Stage::Discarded {
                    continue;
                }
                let place = format!("{} · {} · {}", e.school_name, e.scope, e.cycle);
                push_marked(
                    Kind::Action,
                    &action.title,
                    format!("{place} · {}", action.status.as_str()),
                    Target::Action(action.id),
                    false,
                );
                for c in check_ins {
                    let text = [c.note.as_str(), c.impact_note.as_str()]
                        .iter()
                        .filter(|t| !t.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" · ");
                    push_marked(
                        Kind::CheckIn,
                        &text,
                        format!("{} {} · {}", c.on, c.rag.as_str(), action.title),
                        Target::Action(action.id),
                        c.confidential,
                    );
                }
            }
        }
        Ok(Index { items })
    }

    /// The best `limit` matches for `query`, best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<Hit<'_>> {
        filter(
            query,
            &self.items.iter().map(|i| &i.text).collect::<Vec<_>>(),
        )
        .into_iter()
        .take(limit)
        .map(|(i, matched)| Hit {
            item: &self.items[i],
            matched,
        })
        .collect()
    }
}

/// Items matching `query`, best first: (item index, matched char indices).
/// An empty query keeps every item in its order.
pub fn filter<S: AsRef<str>>(query: &str, items: &[S]) -> Vec<(usize, Vec<usize>)> {
    let query = query.trim();
    if query.is_empty() {
        return (0..items.len()).map(|i| (i, Vec::new())).collect();
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let mut hits: Vec<(i64, usize, Vec<usize>)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| {
            matcher
                .fuzzy_indices(item.as_ref(), query)
                .map(|(score, idx)| (score, i, idx))
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, i, idx)| (i, idx)).collect()
}

/// Results as lines for the command line: kind, text, where.
pub fn to_text(hits: &[Hit<'_>]) -> String {
    let mut out = String::new();
    for hit in hits {
        let item = hit.item;
        out.push_str(&format!("{:<13} {}", item.kind.label(), item.text));
        if !item.place.is_empty() {
            out.push_str(&format!("  ({})", item.place));
        }
        out.push('\n');
    }
    out
}
