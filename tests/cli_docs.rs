//! What the command line says about itself: completion scripts, the manual
//! page, the examples in `--help` (run as written), and naming an evaluation
//! for a report by what `headway find` and the home screen show.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const TODAY: &str = "2026-11-24";

/// The commands a user sees in `headway --help` (the hidden drill and
/// generate are left out of completions and the manual as well).
const COMMANDS: &[&str] = &[
    "tools",
    "export",
    "checkin",
    "report",
    "find",
    "demo",
    "completions",
    "man",
    "backup",
    "share",
    "sync",
    "rollup",
    "conflicts",
    "restore",
];

fn headway(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headway"))
        .args(args)
        .env_remove("HEADWAY_DB")
        .env_remove("HEADWAY_TODAY")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo(dir: &Path) -> String {
    let db = dir.join("demo.db").to_string_lossy().into_owned();
    let out = headway(&["--db", &db, "--today", TODAY, "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

#[test]
fn the_bash_completion_script_is_valid_bash_and_knows_every_command() {
    let out = headway(&["completions", "bash"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = text(&out.stdout);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("headway.bash");
    fs::write(&file, &script).unwrap();
    let checked = Command::new("bash").arg("-n").arg(&file).output().unwrap();
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    for command in COMMANDS {
        assert!(script.contains(command), "{command} is not completed");
    }
    assert!(!script.contains("drill"), "hidden commands stay hidden");
    // Sourced into bash, it registers a completion for headway.
    let sourced = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source '{}' && complete -p headway",
            file.display()
        ))
        .output()
        .unwrap();
    assert!(sourced.status.success(), "{}", text(&sourced.stderr));
    assert!(text(&sourced.stdout).contains("headway"));
}

#[test]
fn zsh_and_fish_scripts_are_written_for_their_shells() {
    for (shell, mark) in [("zsh", "#compdef headway"), ("fish", "complete -c headway")] {
        let out = headway(&["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(mark), "{shell}: {script}");
        for command in ["report", "checkin", "find", "completions", "man"] {
            assert!(script.contains(command), "{shell} misses {command}");
        }
    }
    let out = headway(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_manual_page_is_roff_that_groff_renders_and_names_every_command() {
    let out = headway(&["man"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page = text(&out.stdout);
    assert!(page.starts_with(".ie") || page.starts_with(".TH"), "{page}");
    // -ww: every warning; a page groff complains about fails here.
    let mut groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("groff, which renders man pages");
    use std::io::Write;
    groff
        .stdin
        .take()
        .unwrap()
        .write_all(page.as_bytes())
        .unwrap();
    let rendered = groff.wait_with_output().unwrap();
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    assert_eq!(text(&rendered.stderr), "", "groff warned");
    // Bold and underline are drawn with backspaces on a terminal, and
    // justified lines are spread with spaces.
    let shown: String = {
        let raw = text(&rendered.stdout);
        let mut out = String::new();
        for c in raw.chars() {
            if c == '\u{8}' {
                out.pop();
            } else {
                out.push(c);
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    for command in COMMANDS {
        assert!(
            shown.contains(&format!("headway {command}")),
            "the page does not name `headway {command}`"
        );
    }
    for sub in [
        "headway tools list",
        "headway tools import",
        "headway tools check",
    ] {
        assert!(shown.contains(sub), "the page does not name `{sub}`");
    }
    assert!(!shown.contains("drill"), "hidden commands stay hidden");
    assert!(shown.contains("Examples"), "{shown}");
    assert!(shown.contains("--evaluation"), "{shown}");
}

/// The example lines shown after `headway COMMAND --help`.
fn examples(command: &str) -> Vec<String> {
    let out = headway(&[command, "--help"]);
    assert!(out.status.success());
    let help = text(&out.stdout);
    let (_, after) = help
        .split_once("Examples:\n")
        .unwrap_or_else(|| panic!("`{command} --help` shows no examples: {help}"));
    let lines: Vec<String> = after
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("headway "))
        .map(String::from)
        .collect();
    assert!(lines.len() >= 2, "{command}: {after}");
    for line in &lines {
        assert!(
            line.starts_with(&format!("headway {command}")),
            "{command}: {line}"
        );
    }
    lines
}

/// Every example of report and find, and those of checkin that print
/// rather than open the app, runs as written against the demo: the shell
/// reads the line, `headway` is this build, and the database is the demo's
/// through HEADWAY_DB.
#[test]
fn the_examples_in_help_run_as_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let work = dir.path().join("work");
    fs::create_dir(&work).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_headway")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = 0;
    for command in ["report", "find", "checkin"] {
        for line in examples(command) {
            if command == "checkin" && !line.contains("--list") {
                // Opens the app; checked for its options below.
                let parsed = headway(&[
                    "--db", &db, "--today", TODAY, "checkin", "--list", "--owner", "Okafor",
                ]);
                assert!(parsed.status.success(), "{line}");
                continue;
            }
            let out = Command::new("sh")
                .arg("-c")
                .arg(&line)
                .current_dir(&work)
                .env("PATH", &path)
                .env("HEADWAY_DB", &db)
                .env("HEADWAY_TODAY", TODAY)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "`{line}` failed: {}",
                text(&out.stderr)
            );
            let wrote_file = line.contains(" -o ");
            assert!(
                wrote_file || !out.stdout.is_empty(),
                "`{line}` printed nothing"
            );
            ran += 1;
        }
    }
    assert!(ran >= 8, "only {ran} examples ran");
    // The files the examples name were written.
    for name in [
        "oakfield.html",
        "riverside/actions.csv",
        "riverside-plan.ics",
        "across.md",
    ] {
        assert!(work.join(name).exists(), "{name} was not written");
    }
}

#[test]
fn a_report_takes_the_evaluation_find_shows() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let today = ["--db", db.as_str(), "--today", TODAY];
    let run = |args: &[&str]| headway(&[&today[..], args].concat());
    // find names each evaluation by school, tool title and scope, with its cycle.
    let found = text(&run(&["find", "oakfield", "english"]).stdout);
    let line = found
        .lines()
        .find(|l| l.starts_with("evaluation") && l.contains("Summer 2026"))
        .unwrap_or_else(|| panic!("no evaluation found: {found}"));
    let name = line
        .trim_start_matches("evaluation")
        .split("  (")
        .next()
        .unwrap()
        .trim();
    assert_eq!(
        name,
        "Oakfield Primary School · Curriculum intent and sequencing · English"
    );
    // Copied as it is, with the cycle it showed.
    let out = run(&[
        "report",
        "--evaluation",
        name,
        "--cycle",
        "Summer 2026",
        "--format",
        "markdown",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report = text(&out.stdout);
    assert!(report.contains("Summer 2026"), "{report}");
    assert!(!report.contains("Autumn 2026 ·"), "{report}");
    // As the home screen shows it, in any case, within a school: the newest.
    let out = run(&[
        "report",
        "--school",
        "Oakfield",
        "--evaluation",
        "curriculum intent AND sequencing · english",
        "--format",
        "markdown",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Autumn 2026"));
    // Enough of it to be unique.
    let out = run(&["report", "--evaluation", "behav", "--format", "markdown"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Riverside Academy"));
}

#[test]
fn an_evaluation_that_matches_none_or_several_is_one_sentence_naming_the_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let today = ["--db", db.as_str(), "--today", TODAY];
    let run = |args: &[&str]| headway(&[&today[..], args].concat());
    for (args, said) in [
        (
            vec!["report", "--evaluation", "maths"],
            "No evaluation matches \"maths\"; the evaluations are: Oakfield Primary School · Curriculum intent and sequencing · English, Riverside Academy · Behaviour and attendance · Whole school.",
        ),
        (
            vec!["report", "--evaluation", "a"],
            "\"a\" matches more than one evaluation: Oakfield Primary School · Curriculum intent and sequencing · English, Riverside Academy · Behaviour and attendance · Whole school; give more of the tool title and scope, or --school.",
        ),
        (
            vec!["report", "--school", "Riverside", "--evaluation", "english"],
            "No evaluation matches \"english\"; the evaluations are: Behaviour and attendance · Whole school.",
        ),
        (
            vec!["report", "--evaluation", "english", "--cycle", "Spring 2020"],
            "There are no evaluations in the cycle \"Spring 2020\"; the cycles are: Autumn 2026, Summer 2026.",
        ),
        (
            // A row id is local to one copy and never shown: not taken.
            vec!["report", "--evaluation", "1"],
            "No evaluation matches \"1\"; the evaluations are: Oakfield Primary School · Curriculum intent and sequencing · English, Riverside Academy · Behaviour and attendance · Whole school.",
        ),
        (
            vec!["report", "--evaluation", " · "],
            "--evaluation needs the tool title and scope the home screen shows, such as \"Curriculum intent · English\"; it was given none.",
        ),
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert_eq!(text(&out.stderr), format!("headway: {said}\n"), "{args:?}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn report_checkin_and_find_help_show_examples_and_the_evaluation_name() {
    for command in ["report", "checkin", "find"] {
        assert!(!examples(command).is_empty());
    }
    let help = text(&headway(&["report", "--help"]).stdout);
    assert!(help.contains("--evaluation <TOOL · SCOPE>"), "{help}");
    assert!(!help.contains("--evaluation <ID>"), "{help}");
}
