//! No input crashes headway: property tests over the tool parser, the tool
//! importer, text cleaning and every output escaper, with arbitrary bytes
//! and structured values. Errors name a line; output never carries a
//! control character or an unescaped special character.

use headway::domain::tool::{parse_tool, MAX_TOOL_BYTES};
use headway::export::{csv::cell, html, ics, markdown};
use headway::store::{OpenMode, Store, StoreError};
use headway::text::{clean_line, is_forbidden};
use proptest::prelude::*;

/// A tool file with the given free text in every text field.
fn tool_with(title: &str, statement: &str, level: &str) -> String {
    let q = |s: &str| toml::Value::String(s.to_string()).to_string();
    format!(
        "id = \"t\"\nversion = 1\ntitle = {}\narea = \"A\"\n[scale]\nlevels = [{}, \"two\", \"three\"]\n\
         [[aspects]]\nid = \"a\"\ntitle = {}\n[[aspects.statements]]\nid = \"s\"\ntext = {}\n",
        q(title),
        q(level),
        q(title),
        q(statement)
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_bytes_never_panic_and_errors_name_a_line(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Err(problems) = parse_tool(&bytes) {
            prop_assert!(!problems.is_empty());
            let lines = bytes.split(|b| *b == b'\n').count();
            for p in problems {
                prop_assert!(p.line >= 1 && p.line <= lines + 1, "line {} of {}", p.line, lines);
                prop_assert!(p.col >= 1);
                prop_assert!(!p.message.trim().is_empty());
            }
        }
    }

    #[test]
    fn arbitrary_text_looking_like_toml_never_panics(text in "[a-z\\[\\]\"=.\\n 0-9{},#]{0,400}") {
        let _ = parse_tool(text.as_bytes());
    }

    #[test]
    fn any_text_in_a_valid_tool_is_stored_clean(title in "\\PC{1,40}", statement in any::<String>(), level in "\\PC{1,12}") {
        if let Ok(tool) = parse_tool(tool_with(&title, &statement, &level).as_bytes()) {
            let texts = [tool.title.as_str(), tool.aspects[0].title.as_str(), tool.aspects[0].statements[0].text.as_str(), tool.scale.levels[0].as_str()];
            for t in texts {
                prop_assert!(!t.chars().any(is_forbidden), "{t:?}");
            }
        }
    }

    #[test]
    fn cleaning_removes_every_control_and_is_idempotent(text in any::<String>()) {
        let once = clean_line(&text);
        prop_assert!(!once.chars().any(is_forbidden));
        prop_assert_eq!(clean_line(&once), once.clone());
    }

    #[test]
    fn csv_cells_never_start_a_formula_or_carry_controls(text in any::<String>()) {
        let c = cell(&text);
        prop_assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']));
        prop_assert!(!c.chars().any(|ch| is_forbidden(ch) && ch != '\t'));
    }

    #[test]
    fn html_escaping_leaves_no_markup(text in any::<String>()) {
        let e = html::escape(&text);
        let without_breaks = e.replace("<br>", "");
        prop_assert!(!without_breaks.contains(['<', '>', '"', '\'']));
        prop_assert!(!e.chars().any(is_forbidden));
    }

    #[test]
    fn markdown_escaping_keeps_text_on_one_line(text in any::<String>()) {
        let e = markdown::escape(&text);
        prop_assert!(!e.contains(['\n', '\r']));
        prop_assert!(!e.chars().any(is_forbidden));
    }

    /// A CommonMark renderer (with GitHub's tables and strikethrough)
    /// shows escaped text exactly as written, in the middle of a line, at
    /// its start, and in a table cell: no markup, no lost characters.
    #[test]
    fn markdown_escaping_renders_back_to_the_text(
        text in "[a-z0-9 *_`~\\\\\\[\\]()<>&#;:!|=+.\\-/\n]{0,24}"
    ) {
        let shown: String = text.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
        let inline = rendered_text(&format!("Before {} after", markdown::escape(&text)));
        prop_assert_eq!(inline, Ok(format!("Before {shown} after")));
        let start = rendered_text(&markdown::escape_line_start(&text));
        prop_assert_eq!(start, Ok(shown.trim_matches(' ').to_string()));
        let cell = rendered_text(&format!("| a |\n| --- |\n| {} |", markdown::escape(&text)));
        prop_assert_eq!(cell, Ok(format!("a{}", shown.trim_matches(' '))));
    }

    #[test]
    fn calendar_text_is_escaped_and_reads_back(text in any::<String>()) {
        use icalendar::{Calendar, Component, Event};
        let kept = ics::clean(&text);
        prop_assert!(!kept.chars().any(|c| c != '\n' && is_forbidden(c)));
        let written = Calendar::new()
            .push(Event::new().uid("u@headway").summary(&kept).done())
            .done()
            .to_string();
        // Only the line ends break lines; each content line is folded.
        for line in written.split("\r\n") {
            prop_assert!(!line.contains(['\r', '\n']), "{written:?}");
            prop_assert!(line.len() <= 75, "{written:?}");
        }
        let read = written.parse::<Calendar>().map_err(TestCaseError::fail)?;
        let event = read.components.iter().find_map(|c| c.as_event()).unwrap();
        prop_assert_eq!(event.get_summary().unwrap_or_default(), kept.as_str());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn the_importer_refuses_bad_tools_in_one_sentence(text in any::<String>()) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db"), OpenMode::Write).unwrap();
        match store.import_tool(&text) {
            Ok(_) => {}
            Err(StoreError::InvalidTool(problems)) => prop_assert!(!problems.is_empty()),
            Err(e) => {
                let m = e.to_string();
                prop_assert!(m.ends_with('.') && m.lines().count() == 1, "{m}");
            }
        }
    }
}

#[test]
fn an_oversized_tool_is_refused_before_parsing() {
    let big = vec![b'#'; MAX_TOOL_BYTES + 1];
    let problems = parse_tool(&big).unwrap_err();
    assert_eq!(problems[0].line, 1);
    assert!(
        problems[0].message.contains("1 MiB") || problems[0].message.contains("MiB"),
        "{}",
        problems[0].message
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for open in ["[", "{a="] {
        let text = open.repeat(100_000);
        let problems = parse_tool(text.as_bytes()).unwrap_err();
        assert!(problems[0].line >= 1);
    }
    let arrays = format!("x = {}", "[".repeat(200_000));
    assert!(parse_tool(arrays.as_bytes()).is_err());
}

/// The text a CommonMark renderer shows for `md`, or the first piece of
/// markup it made (anything but paragraphs, tables and plain text).
fn rendered_text(md: &str) -> Result<String, String> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut out = String::new();
    for event in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Text(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::Start(
                Tag::Paragraph | Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell,
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Table
                | TagEnd::TableHead
                | TagEnd::TableRow
                | TagEnd::TableCell,
            ) => {}
            other => return Err(format!("{other:?} in {md:?}")),
        }
    }
    Ok(out)
}
