//! Schools, and the rules for their names.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct School {
    pub id: i64,
    pub name: String,
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
