//! Cycles are named by school term, e.g. "Autumn 2026".

use jiff::civil::Date;

/// The term a date falls in, as English schools name them: Autumn from
/// September to December, Spring from January to March, Summer from April to
/// August (the summer holiday still belongs to the summer term's cycle).
pub fn term_label(date: Date) -> String {
    let term = match date.month() {
        9..=12 => "Autumn",
        1..=3 => "Spring",
        _ => "Summer",
    };
    format!("{term} {}", date.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn terms_follow_the_school_year() {
        assert_eq!(term_label(date(2026, 11, 22)), "Autumn 2026");
        assert_eq!(term_label(date(2026, 9, 1)), "Autumn 2026");
        assert_eq!(term_label(date(2026, 8, 31)), "Summer 2026");
        assert_eq!(term_label(date(2027, 1, 4)), "Spring 2027");
        assert_eq!(term_label(date(2027, 3, 31)), "Spring 2027");
        assert_eq!(term_label(date(2027, 4, 1)), "Summer 2027");
        assert_eq!(term_label(date(2028, 2, 29)), "Spring 2028");
    }
}
