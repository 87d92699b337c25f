//! Exports and reports: each a pure function of domain data to text.

pub mod across;
pub mod csv;
pub mod html;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod report;

/// A file name part made from free text: lower case letters, digits and
/// single hyphens ("St Mary's, Year 2" becomes "st-mary-s-year-2").
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    // A file name has room for about 255 bytes: keep each part short.
    let mut cut: String = out.chars().take(SLUG_CHARS).collect();
    while cut.len() > SLUG_CHARS {
        cut.pop();
    }
    cut.trim_end_matches('-').to_string()
}

/// The most characters (and bytes) a slug keeps.
const SLUG_CHARS: usize = 60;
