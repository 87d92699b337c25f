//! No command prints a terminal escape, whatever the database, the tool file
//! or the file names hold; and a reader that stops early ends headway
//! quietly, without a panic.

use std::fs;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Clipboard write (OSC 52), window title, clear screen, a C1 CSI, a bell,
/// bidi overrides and isolates, DEL, NEL and a lone carriage return.
const HOSTILE: &str = "\u{1b}]52;c;aGFja2Vk\u{7} \u{1b}]0;pwned\u{7} \u{1b}[2J \u{9b}31m \
     \u{202e}desrever\u{202c} \u{2066}iso\u{2069} \u{7f} \u{85} \r over \u{0} \u{8}\n\
     FORGED line";

/// Left when the hostile text is cleaned; proves the text was printed.
const MARKER: &str = "]52;c;aGFja2Vk";

fn headway(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headway"))
        .args(args)
        .env_remove("HEADWAY_DB")
        .env_remove("HEADWAY_TODAY")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Where a byte string breaks the rule, if it does: valid UTF-8 (so no
/// stray 0x9b byte), no C0 control but `\n` (and `\r` directly before
/// `\n`, which calendar files need), no DEL, no C1 control, no bidi
/// override or isolate.
fn first_bad_byte(bytes: &[u8]) -> Option<(usize, String)> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Some((e.valid_up_to(), "invalid UTF-8".into())),
    };
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let allowed = match c {
            '\n' => true,
            '\r' => chars.peek().map(|(_, n)| *n) == Some('\n'),
            c => !headway::text::is_forbidden(c),
        };
        if !allowed {
            return Some((i, format!("character U+{:04X}", c as u32)));
        }
    }
    None
}

fn assert_clean(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if let Some((at, why)) = first_bad_byte(bytes) {
            panic!(
                "{what}: {stream} has {why} at {at}:\n{}",
                String::from_utf8_lossy(bytes).escape_debug()
            );
        }
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

fn all_output(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A demo database whose every free-text column has hostile text added, at
/// a path whose name holds an escape too.
fn hostile_database(dir: &Path) -> PathBuf {
    let db = dir.join("school\u{1b}]0;db\u{7}.db");
    let path = db.to_str().unwrap();
    let out = headway(&["--db", path, "--today", "2026-11-22", "demo"]);
    assert!(out.status.success(), "{}", all_output(&out));
    let conn = rusqlite::Connection::open(&db).unwrap();
    for (table, columns) in [
        ("schools", &["name"][..]),
        ("tools", &["title", "area"][..]),
        ("evaluations", &["scope", "cycle", "attendees"][..]),
        ("judgements", &["rationale", "evidence", "defer_note"][..]),
        (
            "actions",
            &[
                "title",
                "description",
                "reason",
                "owner",
                "checker",
                "success_criteria",
                "impact_check",
                "target_group",
            ][..],
        ),
        ("milestones", &["text"][..]),
        ("checkins", &["note", "impact_note"][..]),
    ] {
        for column in columns {
            let sql = format!("UPDATE {table} SET {column} = {column} || ?1");
            conn.execute(&sql, [HOSTILE]).unwrap();
        }
    }
    // Every action note and every judgement gets text, so each shows up.
    conn.execute(
        "UPDATE judgements SET rationale = 'Hostile ' || ?1 WHERE rationale = ''",
        [HOSTILE],
    )
    .unwrap();
    db
}

/// A tool file (named with an escape) whose keys are written with TOML
/// escapes for a window title, a clear screen and a C1 control.
fn hostile_tool_file(dir: &Path) -> PathBuf {
    let file = dir.join("tool\u{1b}[2J\u{9b}1m.toml");
    fs::write(
        &file,
        r#"id = "hostile"
version = 1
title = "Hostile"
area = "Testing"
"\u001b]0;pwned\u0007" = 1
"\u001b[2J\u009b31m" = 2
"\u202eevil" = 3
summary = "\u001b]52;c;aGFja2Vk\u0007"
[[aspects]]
id = "a"
title = "An aspect"
[[aspects.statements]]
id = "s"
text = "A statement."
"#,
    )
    .unwrap();
    file
}

#[test]
fn no_command_prints_an_escape_from_a_hostile_database_or_tool_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = hostile_database(dir.path());
    let db = db.to_str().unwrap();
    let tool = hostile_tool_file(dir.path());
    let tool = tool.to_str().unwrap();
    let csv_folder = dir.path().join("csv\u{1b}[2J");
    let csv_folder = csv_folder.to_str().unwrap();
    let backup = dir.path().join("copy\u{1b}]0;b\u{7}.db");
    let backup = backup.to_str().unwrap();
    let other = dir.path().join("demo\u{9b}2J.db");
    let other = other.to_str().unwrap();
    let today = ["--db", db, "--today", "2026-12-20"];
    let with = |args: &[&str]| -> Vec<String> {
        today
            .iter()
            .chain(args)
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
    };
    let school = "Oakfield";
    let commands: Vec<Vec<String>> = vec![
        vec!["tools".into(), "check".into(), tool.into()],
        with(&["tools", "import", tool]),
        with(&["tools", "list"]),
        with(&["checkin", "--list"]),
        with(&["checkin", "--list", "--owner", "\u{1b}]0;x\u{7}"]),
        with(&["report", "--school", school, "--format", "html"]),
        with(&["report", "--school", school, "--format", "markdown"]),
        with(&["report", "--school", school, "--format", "ics"]),
        with(&[
            "report",
            "--school",
            school,
            "--format",
            "csv",
            "--kind",
            "judgements",
            "--include-confidential",
        ]),
        with(&[
            "report", "--school", school, "--format", "csv", "--kind", "actions",
        ]),
        with(&[
            "report",
            "--school",
            school,
            "--format",
            "csv",
            "--kind",
            "check-ins",
        ]),
        with(&[
            "report", "--school", school, "--format", "csv", "-o", csv_folder,
        ]),
        with(&["report", "--school", "\u{1b}[2Jnobody"]),
        with(&["export"]),
        with(&["export", "--include-confidential"]),
        with(&["find", "hostile"]),
        with(&["find", "pwned"]),
        with(&["find", "\u{1b}]0;zzzzzz\u{7}"]),
        with(&["backup"]),
        with(&["backup", backup]),
        with(&["backup", backup]),
        with(&["restore", backup, "--yes"]),
        with(&["restore", tool, "--yes"]),
        vec!["--db".into(), other.into(), "demo".into()],
        vec!["--db".into(), other.into(), "demo".into()],
        vec!["--today".into(), "\u{1b}]0;x\u{7}".into(), "demo".into()],
        vec!["tools".into(), "\u{1b}[2Jbogus".into()],
    ];
    let mut shown = String::new();
    for args in &commands {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = headway(&args);
        assert_clean(&format!("{args:?}"), &out);
        let line_oriented = ["list", "--list", "find", "backup", "restore", "demo"];
        if args.iter().any(|a| line_oriented.contains(a)) {
            let text = all_output(&out);
            let forged = text.lines().find(|l| l.starts_with("FORGED"));
            assert!(forged.is_none(), "{args:?} printed a forged line:\n{text}");
        }
        if std::env::var_os("SHOW").is_some() {
            eprintln!(
                "{args:?} -> {:?}\n{}",
                out.status,
                all_output(&out).escape_debug()
            );
        }
        shown.push_str(&all_output(&out));
    }
    // The hostile text did reach the output, cleaned: the test is not empty.
    assert!(shown.contains(MARKER), "{shown}");
    assert!(shown.contains("desrever"), "{shown}");
    assert!(
        shown.contains("unknown key `\\u{1b}]0;pwned\\u{7}`"),
        "{shown}"
    );
}

/// Runs headway with its stdout (or stderr) a pipe whose reader is already
/// gone, as `headway ... | head -0` would leave it.
fn run_with_closed(args: &[&str], close_stdout: bool) -> (std::process::ExitStatus, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_headway"));
    cmd.args(args)
        .env_remove("HEADWAY_DB")
        .env_remove("HEADWAY_TODAY")
        .stdin(Stdio::null());
    if close_stdout {
        cmd.stdout(writer).stderr(Stdio::piped());
    } else {
        cmd.stderr(writer).stdout(Stdio::piped());
    }
    let mut child = cmd.spawn().unwrap();
    let mut seen = String::new();
    if let Some(mut s) = child.stderr.take() {
        s.read_to_string(&mut seen).unwrap();
    }
    if let Some(mut s) = child.stdout.take() {
        s.read_to_string(&mut seen).unwrap();
    }
    (child.wait().unwrap(), seen)
}

fn assert_quiet_stop(what: &str, status: std::process::ExitStatus, seen: &str) {
    assert!(!seen.contains("panicked"), "{what}: {seen}");
    assert!(seen.is_empty(), "{what} said something: {seen}");
    assert!(
        status.code() == Some(0) || status.signal() == Some(libc::SIGPIPE),
        "{what}: {status:?}"
    );
}

#[test]
fn a_reader_that_stops_early_ends_headway_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let db = db.to_str().unwrap();
    let out = headway(&["--db", db, "--today", "2026-11-22", "demo"]);
    assert!(out.status.success(), "{}", all_output(&out));
    let today = ["--db", db, "--today", "2026-12-20"];
    for args in [
        &["checkin", "--list"][..],
        &["tools", "list"][..],
        &["export"][..],
        &["find", "year"][..],
        &["report", "--school", "Oakfield", "--format", "markdown"][..],
    ] {
        let all: Vec<&str> = today.iter().chain(args).copied().collect();
        let (status, seen) = run_with_closed(&all, true);
        assert_quiet_stop(&format!("{args:?} with stdout closed"), status, &seen);
    }
    // Problems go to stderr; a closed stderr ends headway quietly too.
    let bad = dir.path().join("bad.toml");
    fs::write(&bad, "nonsense = [\n").unwrap();
    let (status, _) = run_with_closed(&["tools", "check", bad.to_str().unwrap()], false);
    assert!(
        status.code() == Some(1) || status.signal() == Some(libc::SIGPIPE),
        "{status:?}"
    );
}

#[test]
fn a_full_disk_on_stdout_is_one_sentence_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let db = db.to_str().unwrap();
    let out = headway(&["--db", db, "--today", "2026-11-22", "demo"]);
    assert!(out.status.success(), "{}", all_output(&out));
    for args in [
        &["checkin", "--list"][..],
        &["export"][..],
        &["tools", "list"][..],
    ] {
        let full = fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_headway"))
            .args(["--db", db, "--today", "2026-12-20"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(full)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(
            err.trim_end(),
            "headway: The output could not be written: the disk is full.",
            "{args:?}"
        );
    }
}
