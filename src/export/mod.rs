//! Exports and reports: each a pure function of domain data to text.

pub mod across;
pub mod chart;
pub mod csv;
pub mod html;
pub mod ics;
pub mod json;
pub mod markdown;
pub mod report;

/// A date as a British reader writes it: "23 Nov 2026". Reports for
/// people use this; CSV and calendars keep ISO dates.
pub fn human_date(date: jiff::civil::Date) -> String {
    date.strftime("%-d %b %Y").to_string()
}

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

#[cfg(test)]
mod tests {
    use super::human_date;
    use jiff::civil::date;

    #[test]
    fn dates_read_as_a_british_reader_writes_them() {
        assert_eq!(human_date(date(2026, 11, 23)), "23 Nov 2026");
        assert_eq!(human_date(date(2027, 1, 3)), "3 Jan 2027");
        assert_eq!(human_date(date(2028, 2, 29)), "29 Feb 2028");
    }
}
