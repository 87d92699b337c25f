//! Find anything: schools, tools, statements, the notes of every judgement,
//! actions and check-in notes, ranked together by one fuzzy matcher. Used
//! by `headway find` and the finder overlay (Ctrl+F) in the app.
//!
//! Schools, tools and statements are few and held in memory, matched
//! fuzzily. Notes, actions and check-ins are many: each search asks the
//! store's full-text indexes for the newest that hold every typed word as
//! a word beginning, and only those are ranked. So a search costs about the
//! same however many years the file holds.

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;

use crate::store::{Store, StoreError};
use crate::text::clean_line;

/// Longest text searched per item, in columns; long notes are cut here.
const MAX_TEXT: usize = 240;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    School,
    Tool,
    Evaluation,
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
            Kind::Evaluation => "evaluation",
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
    /// The text is a confidential note: `headway find` leaves it out unless
    /// asked, and the app's finder hides it until a key shows it.
    pub confidential: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub item: Item,
    /// Char indices of `item.text` that matched.
    pub matched: Vec<usize>,
}

/// Notes, actions and check-ins read from the store for each search, of
/// each kind: the newest this many that match are ranked.
const CANDIDATES: usize = 400;

/// What the finder searches: schools, tools and statements held here, and
/// the store's indexes for everything else.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Schools, tools and statements.
    pub items: Vec<Item>,
    /// Confidential notes are found too (the app hides them behind a key;
    /// `headway find` leaves them out unless asked).
    with_confidential: bool,
}

fn searchable(text: &str) -> String {
    let line = clean_line(text);
    crate::text::wrap::shorten(line.trim(), MAX_TEXT)
}

/// Adds an item for `text`, made searchable, unless nothing is left of it.
fn push_item(
    items: &mut Vec<Item>,
    kind: Kind,
    text: &str,
    place: String,
    target: Target,
    confidential: bool,
) {
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
}

impl Index {
    pub fn load(store: &Store) -> Result<Index, StoreError> {
        let mut items = Vec::new();
        let mut push = |kind, text: &str, place, target, confidential| {
            push_item(&mut items, kind, text, place, target, confidential)
        };
        for school in store.schools()? {
            push(
                Kind::School,
                &school.name,
                String::new(),
                Target::School(school.id),
                false,
            );
        }
        for info in store.latest_tools()? {
            let tool = store.tool(&info.id, info.version)?;
            push(
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
                push(
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
        Ok(Index {
            items,
            with_confidential: true,
        })
    }

    /// The same index with every evaluation in it, named by its school and
    /// as the home screen names it ("school · tool title · scope") and
    /// placed by its cycle: a name `headway report --evaluation` takes.
    pub fn with_evaluations(mut self, store: &Store) -> Result<Index, StoreError> {
        for e in store.evaluations()? {
            let tool = store.tool(&e.tool_id, e.tool_version)?;
            let name = format!("{} · {} · {}", e.school_name, tool.title, e.scope);
            push_item(
                &mut self.items,
                Kind::Evaluation,
                &name,
                e.cycle.clone(),
                Target::Walk {
                    evaluation: e.id,
                    index: 0,
                },
                false,
            );
        }
        Ok(self)
    }

    /// The same index without confidential notes.
    pub fn without_confidential(mut self) -> Index {
        self.with_confidential = false;
        self
    }

    /// The best `limit` matches for `query`, best first.
    pub fn search(&self, store: &Store, query: &str, limit: usize) -> Result<Vec<Hit>, StoreError> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let mut candidates = notes(store, query, CANDIDATES)?;
        if !self.with_confidential {
            candidates.retain(|i| !i.confidential);
        }
        let matcher = SkimMatcherV2::default().ignore_case();
        let mut hits: Vec<(i64, usize, Hit)> = self
            .items
            .iter()
            .chain(candidates.iter())
            .enumerate()
            .filter_map(|(n, item)| {
                let (score, matched) = match_words(&matcher, &item.text, query)?;
                Some((
                    score,
                    n,
                    Hit {
                        item: item.clone(),
                        matched,
                    },
                ))
            })
            .collect();
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        Ok(hits
            .into_iter()
            .take(limit)
            .map(|(_, _, hit)| hit)
            .collect())
    }
}

/// The notes, actions and check-ins the store's indexes find for `query`,
/// newest first within each kind, as items.
fn notes(store: &Store, query: &str, limit: usize) -> Result<Vec<Item>, StoreError> {
    let found = store.search_notes(query, limit)?;
    let mut items = Vec::new();
    let mut push = |kind, text: &str, place, target, confidential| {
        push_item(&mut items, kind, text, place, target, confidential)
    };
    for j in &found.judgements {
        let e = &j.evaluation;
        let tool = store.tool(&e.tool_id, e.tool_version)?;
        let Some(index) = tool
            .statement_keys()
            .iter()
            .position(|k| *k == j.statement_key)
        else {
            continue;
        };
        let place = format!(
            "{} · {} · {} · {} · statement {}",
            e.school_name,
            tool.title,
            e.scope,
            e.cycle,
            index + 1
        );
        let target = Target::Walk {
            evaluation: e.id,
            index,
        };
        for (kind, text) in [
            (Kind::Rationale, &j.rationale),
            (Kind::Evidence, &j.evidence),
            (Kind::Note, &j.defer_note),
        ] {
            push(kind, text, place.clone(), target.clone(), j.confidential);
        }
    }
    for a in &found.actions {
        push(
            Kind::Action,
            &a.title,
            format!(
                "{} · {} · {} · {}",
                a.school,
                a.scope,
                a.cycle,
                a.status.as_str()
            ),
            Target::Action(a.id),
            false,
        );
    }
    for c in &found.check_ins {
        let text = [c.note.as_str(), c.impact_note.as_str()]
            .iter()
            .filter(|t| !t.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" · ");
        push(
            Kind::CheckIn,
            &text,
            format!("{} {} · {}", c.on, c.rag.as_str(), c.action_title),
            Target::Action(c.action_id),
            c.confidential,
        );
    }
    Ok(items)
}

/// How well `text` matches `query`: every word typed must match, in any
/// order, its letters in order within the text (fuzzily, case and accents
/// aside). The score is the words' scores added, and the whole query's
/// score too when it matches as typed, so text that reads as typed comes
/// first; the char indices of `text` that matched, in order.
pub fn match_words(matcher: &SkimMatcherV2, text: &str, query: &str) -> Option<(i64, Vec<usize>)> {
    let plain: String = text.chars().map(crate::text::unaccented).collect();
    // Words as the search index cuts them: punctuation typed with a word
    // ("gate,", "(KS2)", "O'Brien") need not be in the text.
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().map(crate::text::unaccented).collect())
        .collect();
    if words.is_empty() {
        return None;
    }
    let mut score = 0;
    let mut matched = Vec::new();
    for word in &words {
        let (found, at) = matcher.fuzzy_indices(&plain, word)?;
        score += found;
        matched.extend(at);
    }
    if words.len() > 1 {
        if let Some((in_order, at)) = matcher.fuzzy_indices(&plain, &words.join(" ")) {
            score += in_order;
            matched = at;
        }
    }
    // Text where every word typed begins a word (or is one) comes before
    // letters found scattered: "identity" means the word, not i…d…e….
    let chars: Vec<char> = plain.chars().collect();
    let mut whole = Vec::new();
    for word in &words {
        let word: Vec<char> = word.chars().collect();
        let Some((at, entire)) = word_beginning(&chars, &word) else {
            whole.clear();
            break;
        };
        score += if entire {
            WORD_BONUS * 3 / 2
        } else {
            WORD_BONUS
        };
        whole.extend(at..at + word.len());
    }
    if !whole.is_empty() {
        matched = whole;
    }
    matched.sort_unstable();
    matched.dedup();
    Some((score, matched))
}

/// A match's bonus for each word typed that begins a word of the text (half
/// as much again when it is the whole word): more than any fuzzy score.
const WORD_BONUS: i64 = 1_000;

/// Where in `text` a word begins with `word` (case aside), and whether it
/// is the whole word; read without allocating, as it runs for every item
/// on every key.
fn word_beginning(text: &[char], word: &[char]) -> Option<(usize, bool)> {
    let same = |a: char, b: char| a == b || a.to_lowercase().eq(b.to_lowercase());
    (0..text.len())
        .filter(|&i| text[i].is_alphanumeric() && (i == 0 || !text[i - 1].is_alphanumeric()))
        .find(|&i| {
            text.len() - i >= word.len()
                && text[i..i + word.len()]
                    .iter()
                    .zip(word)
                    .all(|(a, b)| same(*a, *b))
        })
        .map(|i| {
            let end = i + word.len();
            (i, end == text.len() || !text[end].is_alphanumeric())
        })
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
            match_words(&matcher, item.as_ref(), query).map(|(score, idx)| (score, i, idx))
        })
        .collect();
    hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    hits.into_iter().map(|(_, i, idx)| (i, idx)).collect()
}

/// Results as lines for the command line: kind, text, where.
pub fn to_text(hits: &[Hit]) -> String {
    let mut out = String::new();
    for hit in hits {
        let item = &hit.item;
        out.push_str(&format!("{:<13} {}", item.kind.label(), item.text));
        if !item.place.is_empty() {
            out.push_str(&format!("  ({})", clean_line(&item.place)));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_begin_words_rank_above_letters_found_scattered() {
        let items = [
            "I do enjoy new topics in tidy year groups",
            "The school's identity is clear to everyone",
            "Pupils can say what makes the school distinct",
            "Identity and belonging",
        ];
        let ranked: Vec<usize> = filter("identity", &items)
            .into_iter()
            .map(|(i, _)| i)
            .collect();
        // The whole word first (the shorter text on a tie of words); the
        // letters found scattered come after both.
        assert_eq!(&ranked[..2], &[3, 1]);
        assert!(ranked.contains(&0), "scattered letters still match");
        // Its highlight is the word itself.
        let (_, at) = match_words(
            &SkimMatcherV2::default().ignore_case(),
            items[1],
            "identity",
        )
        .unwrap();
        assert_eq!(at, (13..21).collect::<Vec<_>>());
        // A beginning counts, in any order, accents aside.
        let ranked = filter("sch dist", &items);
        assert_eq!(ranked[0].0, 2);
        let ranked = filter("ecole", &["Reading in école", "e c o l e scattered"]);
        assert_eq!(ranked[0].0, 0);
    }
}
