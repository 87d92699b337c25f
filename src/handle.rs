//! An evaluation named the way people see it: "tool title · scope", as the
//! home screen lists it and `headway find` prints it, within a school and a
//! cycle. Row ids differ between synced copies of a school's record, so a
//! number is not what a user is asked to give.

use crate::domain::evaluation::Evaluation;
use crate::domain::school::{pick_by_name, NamePick};
use crate::store::{Store, StoreError};

/// Why no single evaluation was picked.
#[derive(Debug, thiserror::Error)]
pub enum HandleError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Message(String),
}

/// How many candidates an error names before it says how many more.
const NAMED: usize = 12;

/// What was asked for: the text given to `--evaluation`, and the school and
/// cycle it is looked for in, when given.
#[derive(Debug, Clone, Copy)]
pub struct Wanted<'a> {
    pub text: &'a str,
    pub school: Option<&'a str>,
    pub cycle: Option<&'a str>,
}

/// An evaluation with the title of its tool.
struct Candidate {
    evaluation: Evaluation,
    tool_title: String,
}

impl Candidate {
    /// "Tool title · scope": how the home screen names it.
    fn label(&self) -> String {
        format!("{} · {}", self.tool_title, self.evaluation.scope)
    }

    /// Everything a user may have copied: "school · tool title · scope · cycle".
    fn full(&self) -> String {
        format!(
            "{} · {} · {}",
            self.evaluation.school_name,
            self.label(),
            self.evaluation.cycle
        )
    }
}

/// Lower-case words separated by single spaces, so "Curriculum intent ·
/// English", "curriculum intent english" and "curriculum-intent  english"
/// read alike.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether each word of `needle` begins a word of `hay` (both as [`words`]
/// gives them), so "curric english" is found in "curriculum intent and
/// sequencing english".
fn every_word_begins_one(needle: &str, hay: &str) -> bool {
    needle
        .split(' ')
        .all(|w| hay.split(' ').any(|h| h.starts_with(w)))
}

/// The row id of the one evaluation `wanted` names: each word of the text
/// must begin a word of "school · tool title · scope · cycle" (case and the
/// dots aside) for exactly one tool and scope of one school; of that series the
/// newest evaluation is taken, or the one in `wanted.cycle`.
pub fn find_evaluation(store: &Store, wanted: Wanted) -> Result<i64, HandleError> {
    let needle = words(wanted.text);
    if needle.is_empty() {
        return Err(HandleError::Message(
            "--evaluation needs the tool title and scope the home screen shows, such as \"Curriculum intent · English\"; it was given none.".into(),
        ));
    }
    let mut candidates = Vec::new();
    // Newest first within each school.
    for evaluation in store.evaluations()? {
        let tool_title = store
            .tool(&evaluation.tool_id, evaluation.tool_version)?
            .title
            .clone();
        candidates.push(Candidate {
            evaluation,
            tool_title,
        });
    }
    let candidates = in_school(candidates, wanted.school)?;
    let candidates = in_cycle(candidates, wanted.cycle)?;
    let exact: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| words(&c.label()) == needle)
        .collect();
    let matching: Vec<&Candidate> = if exact.is_empty() {
        candidates
            .iter()
            .filter(|c| every_word_begins_one(&needle, &words(&c.full())))
            .collect()
    } else {
        exact
    };
    let series = |c: &Candidate| {
        (
            c.evaluation.school_id,
            c.tool_title.clone(),
            c.evaluation.scope.clone(),
        )
    };
    let several_schools = {
        let mut schools: Vec<i64> = candidates.iter().map(|c| c.evaluation.school_id).collect();
        schools.dedup();
        schools.len() > 1
    };
    let name = |c: &Candidate| {
        if several_schools {
            format!("{} · {}", c.evaluation.school_name, c.label())
        } else {
            c.label()
        }
    };
    // Each name once, in the order found.
    let names_of = |found: &mut dyn Iterator<Item = &Candidate>| {
        let mut names: Vec<String> = Vec::new();
        for c in found {
            let n = name(c);
            if !names.contains(&n) {
                names.push(n);
            }
        }
        names
    };
    match matching.first() {
        Some(first) if matching.iter().all(|c| series(c) == series(first)) => {
            Ok(first.evaluation.id)
        }
        Some(_) => {
            let names = names_of(&mut matching.iter().copied());
            Err(HandleError::Message(format!(
                "\"{}\" matches more than one evaluation: {}; give more of the tool title and scope, or --school.",
                wanted.text.trim(),
                listed(&names)
            )))
        }
        None => {
            // A row id is not taken: it is local to one copy of the file
            // and never shown, so the same number names another evaluation
            // on a synced copy.
            let text = wanted.text.trim();
            let names = names_of(&mut candidates.iter());
            let within = match (wanted.school, wanted.cycle) {
                (_, Some(cycle)) => format!(" in {}", cycle.trim()),
                _ => String::new(),
            };
            Err(HandleError::Message(if names.is_empty() {
                format!("No evaluation matches \"{text}\"; there are no evaluations{within} yet.")
            } else {
                format!(
                    "No evaluation matches \"{text}\"; the evaluations{within} are: {}.",
                    listed(&names)
                )
            }))
        }
    }
}

/// The candidates of the school named (exactly, else by a part of its name
/// that only it has); all of them when no school is named.
fn in_school(
    candidates: Vec<Candidate>,
    school: Option<&str>,
) -> Result<Vec<Candidate>, HandleError> {
    let Some(school) = school else {
        return Ok(candidates);
    };
    let mut schools: Vec<String> = Vec::new();
    for c in &candidates {
        if !schools.contains(&c.evaluation.school_name) {
            schools.push(c.evaluation.school_name.clone());
        }
    }
    let chosen = match pick_by_name(&schools, school) {
        NamePick::One(i) => schools[i].clone(),
        NamePick::None => {
            return Err(HandleError::Message(format!(
                "No school with evaluations matches \"{}\"; the schools with evaluations are: {}.",
                school.trim(),
                listed(&schools)
            )))
        }
        NamePick::Several(found) => {
            let several: Vec<&String> = found.iter().map(|&i| &schools[i]).collect();
            return Err(HandleError::Message(format!(
                "\"{}\" matches more than one school: {}.",
                school.trim(),
                listed(&several)
            )));
        }
    };
    Ok(candidates
        .into_iter()
        .filter(|c| c.evaluation.school_name == chosen)
        .collect())
}

/// The candidates of the cycle named (case aside); all when none is named.
fn in_cycle(
    candidates: Vec<Candidate>,
    cycle: Option<&str>,
) -> Result<Vec<Candidate>, HandleError> {
    let Some(cycle) = cycle else {
        return Ok(candidates);
    };
    let wanted = cycle.trim();
    let mut cycles: Vec<String> = Vec::new();
    for c in &candidates {
        if !cycles.contains(&c.evaluation.cycle) {
            cycles.push(c.evaluation.cycle.clone());
        }
    }
    let kept: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| c.evaluation.cycle.eq_ignore_ascii_case(wanted))
        .collect();
    if kept.is_empty() {
        return Err(HandleError::Message(format!(
            "There are no evaluations in the cycle \"{wanted}\"; the cycles are: {}.",
            listed(&cycles)
        )));
    }
    Ok(kept)
}

/// Names joined by commas, cut after [`NAMED`] with how many more.
fn listed<S: AsRef<str>>(names: &[S]) -> String {
    crate::text::named_list(names, NAMED, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_ignore_case_dots_and_spacing() {
        assert_eq!(
            words("Curriculum intent · English"),
            words("curriculum-intent   ENGLISH")
        );
        assert_eq!(words(" · "), "");
    }

    #[test]
    fn each_word_typed_begins_a_word_of_the_name() {
        let name = words("Oakfield · Curriculum intent and sequencing · English · Autumn 2026");
        assert!(every_word_begins_one(&words("curric · english"), &name));
        assert!(every_word_begins_one(&words("english autumn"), &name));
        assert!(!every_word_begins_one(&words("nglish"), &name));
        assert!(!every_word_begins_one(&words("english maths"), &name));
    }
}
