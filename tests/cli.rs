//! The command line, run as a user would run it.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

fn headway(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_headway"))
        .args(args)
        .env_remove("HEADWAY_DB")
        .env_remove("HEADWAY_TODAY")
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn db_arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

const VALID: &str = r#"id = "my-tool"
version = 1
title = "My tool"
area = "Testing"
[[aspects]]
id = "a"
title = "An aspect"
[[aspects.statements]]
id = "s"
text = "A statement."
"#;

#[test]
fn tools_check_accepts_a_valid_file_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ok.toml");
    fs::write(&file, VALID).unwrap();
    let out = headway(&["tools", "check", &db_arg(&file)]);
    assert_eq!(out.status.code(), Some(0));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains("ok") && stdout.contains("1 statements"),
        "{stdout}"
    );
}

#[test]
fn tools_check_prints_every_problem_as_file_line_col() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(
        &file,
        VALID
            .replace("version = 1", "version = 0")
            .replace("text = \"A statement.\"", "statment = \"A statement.\""),
    )
    .unwrap();
    let out = headway(&["tools", "check", &db_arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    let prefix = format!("{}:", file.display());
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() >= 3, "{stderr}");
    for line in &lines {
        assert!(line.starts_with(&prefix), "{line}");
        let rest: Vec<&str> = line[prefix.len()..].splitn(3, ':').collect();
        assert!(
            rest[0].parse::<usize>().is_ok() && rest[1].parse::<usize>().is_ok(),
            "{line}"
        );
    }
    assert!(
        stderr.contains(":2:11: `version` must be a positive integer"),
        "{stderr}"
    );
    assert!(stderr.contains("unknown key `statment`"), "{stderr}");
    assert!(stderr.contains("missing required key `text`"), "{stderr}");
}

#[test]
fn tools_check_survives_binary_garbage_and_missing_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("garbage.toml");
    fs::write(&file, [0xff, 0xfe, 0x00, 0x1b, b'[', 0x9b]).unwrap();
    let out = headway(&["tools", "check", &db_arg(&file), "/no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("not valid UTF-8"), "{stderr}");
    assert!(stderr.contains("/no/such/file.toml:1:1:"), "{stderr}");
}

#[test]
fn tools_import_and_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_arg(&dir.path().join("h.db"));
    let file = dir.path().join("mine.toml");
    fs::write(&file, VALID).unwrap();
    let out = headway(&["--db", &db, "tools", "import", &db_arg(&file)]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Imported tool \"my-tool\" version 1"));
    let again = headway(&["tools", "import", &db_arg(&file), "--db", &db]);
    assert!(text(&again.stdout).contains("already stored"));
    fs::write(&file, VALID.replace("A statement.", "Another.")).unwrap();
    let clash = headway(&["--db", &db, "tools", "import", &db_arg(&file)]);
    assert_eq!(clash.status.code(), Some(1));
    let err = text(&clash.stderr);
    assert!(err.contains("raise `version`"), "{err}");
    assert_eq!(err.lines().count(), 1, "one sentence: {err}");
    let list = text(&headway(&["--db", &db, "tools", "list"]).stdout);
    assert!(
        list.contains("my-tool") && list.contains("imported"),
        "{list}"
    );
    assert!(
        list.contains("scotland-quality-indicators") && list.contains("shipped"),
        "{list}"
    );
}

#[test]
fn export_json_has_everything_with_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    {
        use headway::domain::evaluation::TextField;
        use headway::store::{OpenMode, Store};
        let mut store = Store::open(&db, OpenMode::Write).unwrap();
        let school = store.add_school("Oakfield Primary").unwrap();
        let id = common::add_evaluation(
            &mut store,
            school.id,
            "behaviour-attendance",
            "Whole school",
        );
        let key = "behaviour-attendance/expectations/routines-known";
        store.set_level(id, key, Some(1)).unwrap();
        store.set_level(id, key, Some(2)).unwrap();
        store
            .set_text(id, key, TextField::Rationale, "<script>", true)
            .unwrap();
        use headway::domain::plan::{DraftSeed, Rag};
        let action = store
            .add_drafts(
                id,
                &[DraftSeed {
                    title: "Same routines everywhere".into(),
                    reason: "<script>".into(),
                    impact_check: "Corridor walks".into(),
                    statements: vec![key.into()],
                }],
            )
            .unwrap()[0];
        store
            .accept_action(action, jiff::civil::date(2026, 11, 22))
            .unwrap();
        let milestones =
            headway::domain::plan::parse_milestones("2026-12-01 staff briefing").unwrap();
        store.set_milestones(action, &milestones).unwrap();
        let c = store
            .add_check_in(action, jiff::civil::date(2026, 11, 29), Rag::Green)
            .unwrap();
        store
            .set_check_in_text(c, false, "Calmer corridors")
            .unwrap();
    }
    let out_file = dir.path().join("export.json");
    let out = headway(&[
        "export",
        "--db",
        &db_arg(&db),
        "--format",
        "json",
        "-o",
        &db_arg(&out_file),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mode = fs::metadata(&out_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let json: serde_json::Value = serde_json::from_slice(&fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(json["format"], "headway-export");
    assert_eq!(json["schools"][0]["name"], "Oakfield Primary");
    assert!(json["tools"].as_array().unwrap().len() >= 7);
    let e = &json["evaluations"][0];
    assert_eq!(e["cycle"], "Autumn 2026");
    assert_eq!(e["progress"]["judged"], 1);
    let j = &e["judgements"][0];
    assert_eq!(j["level"], 2);
    assert_eq!(j["level_label"], "Emerging");
    assert_eq!(j["weak"], true);
    assert_eq!(j["rationale"], "<script>");
    let a = &e["actions"][0];
    assert_eq!(a["stage"], "accepted");
    assert_eq!(
        a["statements"][0],
        "behaviour-attendance/expectations/routines-known"
    );
    assert_eq!(a["milestones"][0]["date"], "2026-12-01");
    assert_eq!(a["check_ins"][0]["rag"], "green");
    assert_eq!(a["check_ins"][0]["note"], "Calmer corridors");
    assert_eq!(a["status"], "in progress");
    assert_eq!(e["history"][0]["field"], "level");
    assert_eq!(e["history"][0]["old_value"], "1");
    // And to stdout, with --db before the command.
    let out = headway(&["--db", &db_arg(&db), "export", "--format", "json"]);
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again, json);
}

#[test]
fn bad_database_paths_are_one_clear_sentence_and_exit_one() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("notes.txt");
    fs::write(&garbage, "my shopping list\n").unwrap();
    for (args, needle) in [
        (
            vec!["--db", "/no/such/folder/h.db", "tools", "list"],
            "does not exist",
        ),
        (
            vec!["--db", garbage.to_str().unwrap(), "tools", "list"],
            "not a headway database",
        ),
        (
            vec!["--db", dir.path().to_str().unwrap(), "tools", "list"],
            "is a folder",
        ),
        (vec!["--db", "/no/such/h.db", "export"], "does not exist"),
    ] {
        let out = headway(&args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{err}"
        );
    }
    assert_eq!(fs::read_to_string(&garbage).unwrap(), "my shopping list\n");
}

#[test]
fn the_database_comes_from_the_environment_or_the_data_folder() {
    let dir = tempfile::tempdir().unwrap();
    let env_db = dir.path().join("from-env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_headway"))
        .args(["tools", "import", common::SHIPPED_TOOL])
        .env("HEADWAY_DB", &env_db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(env_db.exists());

    let home = dir.path().join("home");
    fs::create_dir(&home).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_headway"))
        .args(["tools", "import", common::SHIPPED_TOOL])
        .env_remove("HEADWAY_DB")
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let folder = home.join("data/headway");
    assert!(folder.join("headway.db").exists());
    assert_eq!(
        fs::metadata(&folder).unwrap().permissions().mode() & 0o777,
        0o700
    );
}

#[test]
fn usage_errors_exit_two_and_every_command_has_help() {
    assert_eq!(headway(&["--bogus"]).status.code(), Some(2));
    assert_eq!(headway(&["tools", "check"]).status.code(), Some(2));
    assert_eq!(
        headway(&["--today", "not-a-date", "tools", "list"])
            .status
            .code(),
        Some(2)
    );
    for args in [
        vec!["--help"],
        vec!["tools", "--help"],
        vec!["tools", "check", "--help"],
        vec!["tools", "list", "--help"],
        vec!["tools", "import", "--help"],
        vec!["export", "--help"],
        vec!["checkin", "--help"],
    ] {
        let out = headway(&args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(text(&out.stdout).contains("Usage"), "{args:?}");
    }
}

fn demo_db(dir: &Path) -> String {
    let db = db_arg(&dir.join("demo.db"));
    let out = headway(&["--db", &db, "--today", "2026-11-22", "demo"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    db
}

#[test]
fn demo_fills_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let listed = headway(&["--db", &db, "--today", "2026-11-22", "checkin", "--list"]);
    assert!(
        text(&listed.stdout).contains("D. Okafor"),
        "{}",
        text(&listed.stdout)
    );
    let again = headway(&["--db", &db, "demo"]);
    assert_eq!(again.status.code(), Some(1));
    let err = text(&again.stderr);
    assert!(err.contains("already has schools"), "{err}");
    assert_eq!(err.trim().lines().count(), 1);
}

#[test]
fn report_needs_a_school_when_there_are_several() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let out = headway(&["--db", &db, "report"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("Choose a school with --school")
            && err.contains("Oakfield Primary School")
            && err.contains("Riverside Academy"),
        "{err}"
    );
    let out = headway(&["--db", &db, "report", "--school", "nowhere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("No school matches"));
    let out = headway(&[
        "--db",
        &db,
        "report",
        "--school",
        "oak",
        "--cycle",
        "Winter 1999",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("its cycles are"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn report_writes_each_format_for_one_school() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let base = [
        "--db",
        db.as_str(),
        "--today",
        "2026-11-22",
        "report",
        "--school",
        "riverside",
    ];
    let html = headway(&[&base[..], &["--format", "html"]].concat());
    assert!(html.status.success(), "{}", text(&html.stderr));
    let page = text(&html.stdout);
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("Riverside Academy"));
    assert!(page.contains("<svg") && !page.contains("http://") && !page.contains("https://"));
    let md = headway(&[&base[..], &["--format", "markdown"]].concat());
    assert!(text(&md.stdout).starts_with("# Riverside Academy"));
    let ics = headway(&[&base[..], &["--format", "ics"]].concat());
    assert!(text(&ics.stdout).starts_with("BEGIN:VCALENDAR\r\n"));

    // CSV: three files into a folder, private; or one table to stdout.
    let folder = dir.path().join("csv");
    let out = headway(
        &[
            &base[..],
            &["--format", "csv", "-o", folder.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    for name in ["judgements.csv", "actions.csv", "check-ins.csv"] {
        let meta = fs::metadata(folder.join(name)).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
    }
    let one = headway(&[&base[..], &["--format", "csv", "--kind", "check-ins"]].concat());
    // A byte order mark first, so Excel reads UTF-8.
    assert!(text(&one.stdout).starts_with("\u{feff}action_id,action,school,checked_on"));
    let none = headway(&[&base[..], &["--format", "csv"]].concat());
    assert_eq!(none.status.code(), Some(1));
    assert!(text(&none.stderr).contains("give -o FOLDER"));
}

#[test]
fn find_prints_matches_with_their_kind_and_place() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let out = headway(&["--db", &db, "find", "pupil", "voice"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let first = text(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    assert!(first.starts_with("check-in"), "{first}");
    assert!(first.contains("Pupil voice confirms it"), "{first}");
    let none = headway(&["--db", &db, "find", "zzqqxx"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(text(&none.stderr).contains("Nothing matches"));
}

#[test]
fn find_ignores_accents_and_word_order_and_keeps_up_with_every_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let found = |query: &[&str]| {
        let out = headway(&[&["--db", &db, "find"][..], query].concat());
        text(&out.stdout)
    };
    // The demo's check-ins say "Pupil voice confirms it": any order finds it.
    assert!(found(&["voi", "pup"]).contains("Pupil voice confirms it"));
    assert!(found(&["pupil", "pupil"]).contains("Pupil"));
    // Changed by another program as well as by headway: found as it is now.
    let note = |text: &str| {
        rusqlite::Connection::open(&db)
            .unwrap()
            .execute(
                "UPDATE checkins SET note = ?1 WHERE rowid = (SELECT min(rowid) FROM checkins)",
                [text],
            )
            .unwrap();
    };
    note("Zebracrossing audit");
    assert!(found(&["zebracross"]).contains("Zebracrossing audit"));
    // A long word is looked up by its first letters, then checked whole:
    // "zebras" shares "zeb" with the note but begins none of its words.
    assert!(found(&["zebras"]).is_empty());
    assert!(found(&["zebracrossing", "aud"]).contains("Zebracrossing audit"));
    note("Visite à l'École Sainte-Thérèse");
    assert!(found(&["zebracross"]).is_empty(), "the old words are gone");
    for query in [&["ecole"][..], &["therese", "ecole"], &["École"]] {
        let out = found(query);
        assert!(
            out.contains("Visite à l'École Sainte-Thérèse"),
            "{query:?}: {out}"
        );
    }
    assert!(
        !found(&["pupil", "voice"]).contains("Sainte"),
        "old words are gone"
    );
    // A school is found without its accent too.
    let mut store =
        headway::store::Store::open(std::path::Path::new(&db), headway::store::OpenMode::Write)
            .unwrap();
    store.add_school("École Jules Verne").unwrap();
    drop(store);
    assert!(found(&["ecole", "jules"]).contains("École Jules Verne"));
}

#[test]
fn find_reaches_an_old_note_behind_thousands_of_newer_ones_sharing_its_first_letters() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "UPDATE checkins SET note = 'Readathon weekly; sponsored by the PTA (KS2)'
             WHERE rowid = (SELECT min(rowid) FROM checkins);
             UPDATE checkins SET note = 'Exchange with Łódź and Øresund; Mrs O’Brien’s class'
             WHERE rowid = (SELECT max(rowid) FROM checkins);",
        )
        .unwrap();
        // Newer notes whose words begin with the same three letters.
        let action: String = conn
            .query_row(
                "SELECT action_uuid FROM checkins ORDER BY rowid LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let tx = conn.unchecked_transaction().unwrap();
        for n in 0..4000 {
            tx.execute(
                "INSERT INTO checkins (uuid, action_uuid, checked_on, rag, note, impact_note,
                     created_at)
                 VALUES (?3, ?1, '2026-11-20', 'green', ?2, '', '2026-11-20T10:00:00Z')",
                rusqlite::params![
                    action,
                    format!("reading plan {n}; readers ready"),
                    format!("00000000-0000-7000-8000-{n:012}")
                ],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let found = |query: &[&str]| {
        let out = headway(&[&["--db", &db, "find"][..], query].concat());
        text(&out.stdout)
    };
    for query in [
        &["readathon"][..],
        &["readat"],
        &["Readathon,"],
        &["(ks2)", "sponsored."],
        &["pta", "readathon"],
    ] {
        assert!(found(query).contains("Readathon weekly"), "{query:?}");
    }
    // Words kept whole: a longer word typed is not a beginning of this one.
    assert!(!found(&["readathons"]).contains("Readathon weekly"));
    // Letters the index keeps as they are, typed as they are.
    for query in [
        &["łódź"][..],
        &["øresund"],
        &["o'brien"],
        &["o’brien’s", "class"],
    ] {
        assert!(found(query).contains("Exchange with"), "{query:?}");
    }
    // Every word typed counts, however many.
    let many: Vec<String> = (0..16).map(|_| "reading".to_string()).collect();
    let mut query: Vec<&str> = many.iter().map(String::as_str).collect();
    query.push("zebra");
    assert!(found(&query).is_empty(), "the seventeenth word counts too");
}

fn headway_with_env(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_headway"));
    cmd.args(args)
        .env_remove("HEADWAY_DB")
        .env_remove("HEADWAY_TODAY");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn an_empty_headway_db_is_refused_in_one_sentence_unless_db_is_given() {
    let out = headway_with_env(&["tools", "list"], &[("HEADWAY_DB", "")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "headway: HEADWAY_DB is set but empty; set it to a database file path, or unset it.\n"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.db");
    common::open_to_write(&path);
    let db = db_arg(&path);
    let out = headway_with_env(&["--db", &db, "tools", "list"], &[("HEADWAY_DB", "")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn today_must_be_a_plain_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    for bad in [
        "2026-01-01T10:00",
        "2026-1-1",
        "20260101",
        "2026-02-30",
        " 2026-01-01",
    ] {
        let out = headway(&["--db", &db, "--today", bad, "checkin", "--list"]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = text(&out.stderr);
        let first = err.lines().next().unwrap_or_default();
        assert!(first.contains("'--today <YYYY-MM-DD>'"), "{bad}: {err}");
        assert!(
            first.contains("write the date as YYYY-MM-DD") || first.contains("not a day on"),
            "{bad}: {err}"
        );
        assert!(out.stdout.is_empty(), "{bad}");
    }
    let out = headway_with_env(
        &["--db", &db, "checkin", "--list"],
        &[("HEADWAY_TODAY", "2026-01-01T10:00")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "headway: HEADWAY_TODAY is \"2026-01-01T10:00\": write the date as YYYY-MM-DD, \
         such as 2026-11-29.\n"
    );
    let out = headway_with_env(
        &["--db", &db, "checkin", "--list"],
        &[("HEADWAY_TODAY", "")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr).lines().count(), 1);
    assert!(text(&out.stderr).contains("HEADWAY_TODAY is set but empty"));
    let out = headway_with_env(
        &["--db", &db, "checkin", "--list"],
        &[("HEADWAY_TODAY", "2026-11-29")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("from 2026-11-29"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn an_export_of_an_unreadable_record_says_the_database_not_the_output_failed() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (page_size, root): (i64, i64) = {
        let c = rusqlite::Connection::open(&db).unwrap();
        (
            c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap(),
            c.query_row(
                "SELECT rootpage FROM sqlite_schema WHERE name = 'judgements'",
                [],
                |r| r.get(0),
            )
            .unwrap(),
        )
    };
    let mut bytes = std::fs::read(&db).unwrap();
    let at = ((root - 1) * page_size) as usize;
    for b in &mut bytes[at..at + 12] {
        *b ^= 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let out = headway(&["--db", &db, "export", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("headway: The database could not be read"),
        "{err}"
    );
    assert!(!err.contains("output could not be written"), "{err}");
    assert!(!err.contains(".."), "{err}");
}

#[test]
fn the_check_in_list_finds_owners_without_their_accents() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("UPDATE actions SET owner = 'Zoë Łukasiewicz'", [])
        .unwrap();
    for owner in ["zoe", "ZOË", "lukasiewicz"] {
        let out = headway(&[
            "--db",
            &db,
            "--today",
            "2026-11-22",
            "checkin",
            "--list",
            "--owner",
            owner,
        ]);
        assert!(
            text(&out.stdout).contains("owner Zoë Łukasiewicz"),
            "{owner}: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn a_report_of_a_removed_evaluation_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let (id, school, scope, cycle): (i64, String, String, String) = {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.query_row(
            "SELECT e.rowid, s.name, e.scope, e.cycle FROM evaluations e
                 JOIN schools s ON s.uuid = e.school_uuid
                 WHERE NOT EXISTS (SELECT 1 FROM actions a WHERE a.evaluation_uuid = e.uuid
                                   AND a.stage = 'accepted')
                 ORDER BY e.rowid LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap()
    };
    let mut store =
        headway::store::Store::open(std::path::Path::new(&db), headway::store::OpenMode::Write)
            .unwrap();
    store.remove_evaluation(id).unwrap();
    drop(store);
    let out = headway(&[
        "--db",
        &db,
        "report",
        "--school",
        &school,
        "--evaluation",
        &scope,
        "--cycle",
        &cycle,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("no evaluations in the cycle \"{cycle}\"")),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
