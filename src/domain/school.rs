//! Schools, and the rules for their names.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct School {
    pub id: i64,
    pub name: String,
}

/// Which of some names a typed name picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NamePick {
    /// The index of the name picked.
    One(usize),
    None,
    /// The indexes of the names that contain what was typed.
    Several(Vec<usize>),
}

/// The name equal to `wanted` (case and outer spaces aside), else the only
/// one that contains it.
pub fn pick_by_name<S: AsRef<str>>(names: &[S], wanted: &str) -> NamePick {
    let wanted = wanted.trim().to_lowercase();
    let lower: Vec<String> = names.iter().map(|n| n.as_ref().to_lowercase()).collect();
    if let Some(i) = lower.iter().position(|n| *n == wanted) {
        return NamePick::One(i);
    }
    let partial: Vec<usize> = (0..lower.len())
        .filter(|&i| lower[i].contains(&wanted))
        .collect();
    match partial.as_slice() {
        [] => NamePick::None,
        [one] => NamePick::One(*one),
        _ => NamePick::Several(partial),
    }
}

/// Longest school, scope, cycle or attendee text accepted.
pub const MAX_NAME_CHARS: usize = 200;

/// Cleans and checks a name typed by a user (school, department, cycle).
pub fn clean_name(raw: &str, what: &str) -> Result<String, String> {
    // Runs of spaces count as one, so "Autumn  2026" is "Autumn 2026".
    let name = crate::text::clean_line(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if name.is_empty() {
        return Err(format!("The {what} must not be empty."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(format!(
            "The {what} is too long: keep it under {MAX_NAME_CHARS} characters."
        ));
    }
    Ok(name)
}
