//! No CSV cell starts a formula, whatever comes before the `=`: control
//! characters, bidi marks, spaces, tabs, line breaks or invisible
//! characters. Checked on the text actually written and read back.

use headway::export::csv::cell;
use headway::text::is_forbidden;
use proptest::prelude::*;

/// Characters that can sit unseen in front of a formula.
const PREFIXES: &[char] = &[
    ' ', '\t', '\r', '\n', '\u{0}', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9b}', '\u{a0}',
    '\u{ad}', '\u{200b}', '\u{200d}', '\u{200e}', '\u{200f}', '\u{202a}', '\u{202e}', '\u{2060}',
    '\u{2066}', '\u{2069}', '\u{3000}', '\u{feff}', '\u{2028}',
];

const TRIGGERS: &[char] = &['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// The first field of a one-record CSV, as a CSV reader sees it.
fn written_and_read_back(value: &str) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([cell(value)]).unwrap();
    let bytes = w.into_inner().unwrap();
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..]);
    r.records().next().unwrap().unwrap()[0].to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_formula_behind_any_prefix_is_made_text(
        prefix in proptest::collection::vec(proptest::sample::select(PREFIXES), 0..6),
        trigger in proptest::sample::select(TRIGGERS),
        rest in "[A-Z(\"]{0,4}[a-z0-9:/.)]{0,12}",
    ) {
        let value: String = prefix.iter().chain([&trigger]).collect::<String>() + &rest;
        let field = written_and_read_back(&value);
        prop_assert!(field.starts_with('\''), "{:?} became {:?}", value, field);
        prop_assert!(!field.chars().any(is_forbidden), "{:?}", field);
    }

    #[test]
    fn text_without_a_formula_is_not_changed_beyond_cleaning(
        text in "[A-Za-z0-9][A-Za-z0-9 ,.;:=+@-]{0,30}",
    ) {
        prop_assert_eq!(written_and_read_back(&text), text);
    }
}

#[test]
fn the_cases_from_the_issue() {
    assert_eq!(
        written_and_read_back("\u{1b}=HYPERLINK(\"http://evil.example\",\"x\")"),
        "'=HYPERLINK(\"http://evil.example\",\"x\")"
    );
    assert_eq!(written_and_read_back("\u{202e}=1+1"), "'=1+1");
    assert_eq!(written_and_read_back(" =1+1"), "' =1+1");
    assert_eq!(written_and_read_back("\u{a0}@SUM(A1)"), "'\u{a0}@SUM(A1)");
}
