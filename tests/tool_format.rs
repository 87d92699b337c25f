//! The tool file contract: every validation rule, and the shipped tools.

use headway::domain::tool::{parse_tool, Problem, ToolScope};

const GOOD: &str = r#"
id = "curriculum-sequencing"
version = 1
title = "Curriculum sequencing"
area = "Curriculum"
summary = "What this tool looks at."
scope = "department"

[scale]
levels = ["Not yet", "Emerging", "Secure", "Exemplary"]
weak_up_to = 2

[[aspects]]
id = "narrative"
title = "A coherent narrative"

[[aspects.statements]]
id = "overarching-story"
text = "The curriculum tells one coherent story."
guidance = "Ask leaders to tell the story."

[[aspects.statements]]
id = "unit-links"
text = "Each unit links to its neighbours."
"#;

fn problems(source: &str) -> Vec<Problem> {
    parse_tool(source.as_bytes()).expect_err("the file should be refused")
}

fn has(problems: &[Problem], line: usize, needle: &str) -> bool {
    problems
        .iter()
        .any(|p| p.line == line && p.message.contains(needle))
}

#[test]
fn a_valid_file_parses_with_every_field() {
    let tool = parse_tool(GOOD.as_bytes()).unwrap();
    assert_eq!(tool.id, "curriculum-sequencing");
    assert_eq!(tool.version, 1);
    assert_eq!(tool.scope, ToolScope::Department);
    assert_eq!(tool.scale.levels.len(), 4);
    assert_eq!(tool.scale.weak_up_to, 2);
    assert_eq!(tool.statement_count(), 2);
    assert_eq!(
        tool.statement_keys(),
        vec![
            "curriculum-sequencing/narrative/overarching-story",
            "curriculum-sequencing/narrative/unit-links"
        ]
    );
    assert_eq!(
        tool.aspects[0].statements[0].guidance.as_deref(),
        Some("Ask leaders to tell the story.")
    );
}

#[test]
fn defaults_apply_without_scale_or_scope() {
    let source = GOOD
        .replace("scope = \"department\"\n", "")
        .replace(
            "[scale]\nlevels = [\"Not yet\", \"Emerging\", \"Secure\", \"Exemplary\"]\nweak_up_to = 2\n",
            "",
        );
    let tool = parse_tool(source.as_bytes()).unwrap();
    assert_eq!(tool.scope, ToolScope::School);
    assert_eq!(
        tool.scale.levels,
        ["Not yet", "Emerging", "Secure", "Exemplary"]
    );
    assert_eq!(tool.scale.weak_up_to, 2);
}

#[test]
fn weak_threshold_defaults_to_half_rounded_down() {
    let source = GOOD.replace(
        "levels = [\"Not yet\", \"Emerging\", \"Secure\", \"Exemplary\"]\nweak_up_to = 2",
        "levels = [\"a\", \"b\", \"c\", \"d\", \"e\"]",
    );
    let tool = parse_tool(source.as_bytes()).unwrap();
    assert_eq!(tool.scale.weak_up_to, 2);
    assert!(tool.scale.is_weak(1) && tool.scale.is_weak(2));
    assert!(!tool.scale.is_weak(3) && !tool.scale.is_weak(0));
    assert_eq!(tool.scale.label(5), Some("e"));
    assert_eq!(tool.scale.label(6), None);
    assert_eq!(tool.scale.label(0), None);
}

#[test]
fn toml_syntax_errors_name_the_line() {
    let p = problems("id = \"x\"\nversion = = 1\n");
    assert!(has(&p, 2, "TOML syntax"), "{p:?}");
}

#[test]
fn missing_required_fields_are_each_reported() {
    let p = problems("summary = \"only this\"\n");
    for key in ["`id`", "`version`", "`title`", "`area`", "`aspects`"] {
        assert!(p.iter().any(|x| x.message.contains(key)), "{key} in {p:?}");
    }
}

#[test]
fn mistyped_fields_are_reported() {
    let p = problems(&GOOD.replace("version = 1", "version = \"one\""));
    assert!(
        has(&p, 3, "`version` must be an integer, found string"),
        "{p:?}"
    );
    let p = problems(&GOOD.replace("title = \"Curriculum sequencing\"", "title = 3"));
    assert!(has(&p, 4, "`title` must be a string"), "{p:?}");
}

#[test]
fn unknown_keys_are_errors_with_a_suggestion() {
    let source = GOOD.replace("text = \"Each unit", "statment = 1\ntext = \"Each unit");
    let p = problems(&source);
    assert!(has(&p, 24, "unknown key `statment`"), "{p:?}");
    let p = problems(&GOOD.replace("guidance =", "guidnace ="));
    assert!(
        p.iter()
            .any(|x| x.message.contains("did you mean `guidance`")),
        "{p:?}"
    );
}

#[test]
fn bad_ids_are_refused() {
    for bad in [
        "Curriculum",
        "with space",
        "-lead",
        "trail-",
        "",
        "under_score",
    ] {
        let p = problems(&GOOD.replace("id = \"narrative\"", &format!("id = \"{bad}\"")));
        assert!(has(&p, 14, "bad id"), "{bad}: {p:?}");
    }
}

#[test]
fn duplicate_ids_are_refused() {
    let p = problems(&GOOD.replace("id = \"unit-links\"", "id = \"overarching-story\""));
    assert!(has(&p, 23, "duplicate statement id"), "{p:?}");
    let doubled = format!(
        "{GOOD}\n[[aspects]]\nid = \"narrative\"\ntitle = \"Again\"\n[[aspects.statements]]\nid = \"s\"\ntext = \"t\"\n"
    );
    let p = problems(&doubled);
    assert!(
        p.iter().any(|x| x.message.contains("duplicate aspect id")),
        "{p:?}"
    );
}

#[test]
fn empty_text_is_refused() {
    let p = problems(&GOOD.replace(
        "text = \"Each unit links to its neighbours.\"",
        "text = \"   \"",
    ));
    assert!(has(&p, 24, "`text` must not be empty"), "{p:?}");
}

#[test]
fn scales_outside_two_to_nine_levels_are_refused() {
    let one = GOOD.replace(
        "[\"Not yet\", \"Emerging\", \"Secure\", \"Exemplary\"]\nweak_up_to = 2",
        "[\"Only\"]",
    );
    assert!(has(&problems(&one), 10, "2 to 9 levels, found 1"));
    let ten: Vec<String> = (1..=10).map(|i| format!("\"l{i}\"")).collect();
    let ten = GOOD.replace(
        "[\"Not yet\", \"Emerging\", \"Secure\", \"Exemplary\"]\nweak_up_to = 2",
        &format!("[{}]", ten.join(", ")),
    );
    assert!(has(&problems(&ten), 10, "2 to 9 levels, found 10"));
}

#[test]
fn weak_threshold_outside_the_scale_is_refused() {
    for bad in ["0", "4", "9", "-1"] {
        let p = problems(&GOOD.replace("weak_up_to = 2", &format!("weak_up_to = {bad}")));
        assert!(has(&p, 11, "outside the scale"), "{bad}: {p:?}");
    }
}

#[test]
fn files_over_one_mebibyte_are_refused() {
    let mut big = GOOD.to_string();
    big.push_str(&format!("# {}\n", "x".repeat(1024 * 1024)));
    let p = problems(&big);
    assert!(p[0].message.contains("1 MiB"), "{p:?}");
}

#[test]
fn invalid_utf8_is_refused_at_its_position() {
    let mut bytes = b"id = \"x\"\ntitle = \"caf".to_vec();
    bytes.extend_from_slice(&[0xC3, 0x28]);
    let p = parse_tool(&bytes).unwrap_err();
    assert_eq!((p[0].line, p[0].col), (2, 13));
    assert!(p[0].message.contains("UTF-8"));
}

#[test]
fn control_characters_are_refused_raw_or_escaped() {
    let raw = GOOD.replace("A coherent narrative", "A coherent\u{1b}[2J narrative");
    assert!(has(&problems(&raw), 15, "control character U+001B"));
    let escaped = GOOD.replace("A coherent narrative", "A coherent\\u001b[2J narrative");
    assert!(has(&problems(&escaped), 15, "control character U+001B"));
    let bidi = GOOD.replace("A coherent narrative", "A coherent \u{202E}narrative");
    assert!(has(&problems(&bidi), 15, "U+202E"));
}

#[test]
fn every_problem_is_reported_not_just_the_first() {
    let source = GOOD
        .replace("version = 1", "version = 0")
        .replace("id = \"narrative\"", "id = \"Bad\"")
        .replace(
            "text = \"Each unit links to its neighbours.\"",
            "text = \"\"",
        );
    let p = problems(&source);
    assert!(p.len() >= 3, "{p:?}");
    let lines: Vec<usize> = p.iter().map(|x| x.line).collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "problems come in file order");
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A deterministic sweep of awkward inputs: truncations of a good file,
    // single-byte corruptions, and pseudo-random bytes.
    let good = GOOD.as_bytes();
    for cut in 0..good.len() {
        let _ = parse_tool(&good[..cut]);
    }
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for _ in 0..2000 {
        let mut bytes = good.to_vec();
        let at = (next() as usize) % bytes.len();
        bytes[at] = next() as u8;
        let _ = parse_tool(&bytes);
    }
    for len in 0..300 {
        let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        let _ = parse_tool(&bytes);
    }
}

#[test]
fn shipped_tools_are_valid_and_cover_the_required_areas() {
    let tools: Vec<_> = headway::shipped::TOOLS
        .iter()
        .map(|s| parse_tool(s.as_bytes()).expect("shipped tool is valid"))
        .collect();
    let total: usize = tools.iter().map(|t| t.statement_count()).sum();
    assert!(
        tools.len() >= 6 && total >= 80,
        "{} tools, {total} statements",
        tools.len()
    );
    let scotland = tools
        .iter()
        .find(|t| t.id == "scotland-quality-indicators")
        .unwrap();
    assert_eq!(scotland.statement_count(), 15);
    assert_eq!(
        scotland.scale.levels,
        [
            "Unsatisfactory",
            "Weak",
            "Satisfactory",
            "Good",
            "Very good",
            "Excellent"
        ]
    );
    let england = tools
        .iter()
        .find(|t| t.id == "england-inspection-2025")
        .unwrap();
    assert_eq!(
        england.scale.levels,
        [
            "Urgent improvement",
            "Needs attention",
            "Expected standard",
            "Strong standard",
            "Exceptional"
        ]
    );
    for id in [
        "curriculum-sequencing",
        "behaviour-attendance",
        "send-pastoral",
        "self-evaluation-quality",
        "parents-agencies",
    ] {
        assert!(tools.iter().any(|t| t.id == id), "{id} ships");
    }
    let quality = tools
        .iter()
        .find(|t| t.id == "self-evaluation-quality")
        .unwrap();
    assert_eq!(
        quality.aspects.len(),
        6,
        "one aspect per test of good self-evaluation"
    );
}

#[test]
fn a_key_written_with_escapes_is_quoted_visibly_never_raw() {
    let source = GOOD.replace(
        "summary =",
        "\"\\u001b]0;title\\u0007\\u009b2J\\u202e\" = 1\nsummary =",
    );
    let p = problems(&source);
    let message = &p
        .iter()
        .find(|x| x.message.contains("unknown key"))
        .expect("an unknown key")
        .message;
    assert_eq!(
        message,
        "unknown key `\\u{1b}]0;title\\u{7}\\u{9b}2J\\u{202e}`"
    );
    let long = GOOD.replace("summary =", &format!("{} = 1\nsummary =", "k".repeat(5000)));
    let p = problems(&long);
    assert!(
        p.iter()
            .any(|x| x.message == format!("unknown key `{}…`", "k".repeat(80))),
        "{p:?}"
    );
    // A name of accented letters, each an e and a combining accent, is cut
    // between letters, never between a letter and its accent.
    let accented = format!("x{}", "e\u{301}".repeat(100));
    let p = problems(&GOOD.replace("summary =", &format!("\"{accented}\" = 1\nsummary =")));
    assert!(
        p.iter()
            .any(|x| x.message == format!("unknown key `x{}…`", "e\u{301}".repeat(79))),
        "{p:?}"
    );
}

#[test]
fn lines_and_columns_count_characters_across_many_problems() {
    // Problems on many lines, some after multi-byte characters, found in
    // one pass: each must land where a person counting characters would.
    let mut source = String::from(
        "id = \"t\"\nversion = 1\ntitle = \"T\"\narea = \"A\"\n\
         scale = { levels = [\"é中\", \"b\"], bogus = 1 }\n",
    );
    for i in 0..2000 {
        source.push_str(&format!("\"ü{i}\" = 1\n"));
    }
    source.push_str("[[aspects]]\nid = \"a\"\ntitle = \"A\"\n[[aspects.statements]]\nid = \"s\"\ntext = \"S\"\n");
    let p = problems(&source);
    assert_eq!(p.len(), 2001, "{:?}", &p[..3]);
    let scale_line = "scale = { levels = [\"é中\", \"b\"], bogus = 1 }";
    let col = scale_line[..scale_line.find("bogus").unwrap()]
        .chars()
        .count()
        + 1;
    assert_eq!((p[0].line, p[0].col), (5, col), "{:?}", p[0]);
    for (i, problem) in p[1..].iter().enumerate() {
        assert_eq!((problem.line, problem.col), (6 + i, 1), "{problem:?}");
        let quoted = format!("unknown key `ü{i}`");
        assert!(problem.message.starts_with(&quoted), "{problem:?}");
    }
}

#[test]
fn a_statement_may_suggest_a_short_title_for_its_plan_action() {
    let with = GOOD.replace(
        "text = \"Each unit links to its neighbours.\"",
        "text = \"Each unit links to its neighbours.\"\ndraft = \"Link each unit to its neighbours\"",
    );
    let tool = parse_tool(with.as_bytes()).unwrap();
    let s = &tool.aspects[0].statements[1];
    assert_eq!(s.draft.as_deref(), Some("Link each unit to its neighbours"));
    assert_eq!(tool.aspects[0].statements[0].draft, None);
    let long = GOOD.replace(
        "text = \"Each unit links to its neighbours.\"",
        &format!(
            "text = \"Each unit links.\"\ndraft = \"{}\"",
            "word ".repeat(20)
        ),
    );
    let p = problems(&long);
    assert!(
        p.iter()
            .any(|p| p.message.contains("at most 60 characters")),
        "{p:?}"
    );
}

#[test]
fn every_shipped_statement_suggests_a_short_action_title() {
    for source in headway::shipped::TOOLS {
        let tool = parse_tool(source.as_bytes()).unwrap();
        for a in &tool.aspects {
            for s in &a.statements {
                let draft = s
                    .draft
                    .as_deref()
                    .unwrap_or_else(|| panic!("{} {} has no draft title", tool.id, s.id));
                assert!((10..=45).contains(&draft.chars().count()), "{draft}");
                assert!(!draft.ends_with('.') && !draft.contains('…'), "{draft}");
            }
        }
    }
}
