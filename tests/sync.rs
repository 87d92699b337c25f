//! Two copies, one record: the liaison's file and a school's file exchange
//! changes through a folder, with the real binary and real database files.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use headway::domain::plan::{Rag, Status};
use headway::store::{ActionField, OpenMode, Store};
use jiff::civil::date;

fn hw(db: &Path, args: &[&str]) -> Output {
    let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    Command::new(env!("CARGO_BIN_EXE_headway"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("HEADWAY_DB")
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn err(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `f` on the store of `db`, holding the spawn lock so no child
/// started meanwhile inherits the store's lock.
fn with_store<T>(db: &Path, f: impl FnOnce(&mut Store) -> T) -> T {
    let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let mut store = Store::open(db, OpenMode::Write).unwrap();
    f(&mut store)
}

struct Pair {
    _dir: tempfile::TempDir,
    liaison: PathBuf,
    school: PathBuf,
    folder: PathBuf,
}

/// The liaison's demo file (two schools), Oakfield shared into a folder
/// and taken up by an empty school copy.
fn pair() -> Pair {
    let dir = tempfile::tempdir().unwrap();
    let liaison = dir.path().join("liaison.db");
    let school = dir.path().join("school.db");
    let folder = dir.path().join("shared");
    fs::create_dir(&folder).unwrap();
    ok(&hw(&liaison, &["demo"]));
    let said = ok(&hw(
        &liaison,
        &["share", "--school", "oakfield", folder.to_str().unwrap()],
    ));
    assert!(said.contains("headway sync"), "{said}");
    let said = ok(&hw(&school, &["sync", folder.to_str().unwrap()]));
    assert!(
        said.contains("Started Oakfield Primary School here"),
        "{said}"
    );
    Pair {
        _dir: dir,
        liaison,
        school,
        folder,
    }
}

/// The UUID of the evaluation a file numbers `id`.
fn evaluation_uuid(db: &Path, id: i64) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row("SELECT uuid FROM evaluations WHERE rowid = ?1", [id], |r| {
            r.get(0)
        })
        .unwrap()
}

fn oakfield(store: &Store) -> i64 {
    store
        .schools()
        .unwrap()
        .into_iter()
        .find(|s| s.name.starts_with("Oakfield"))
        .unwrap()
        .id
}

/// Oakfield's first action in the plan, by title.
fn first_action(store: &Store) -> (i64, String) {
    let rows = store.plan_rows(Some(oakfield(store))).unwrap();
    let row = rows.first().unwrap();
    (row.action.id, row.action.title.clone())
}

fn action_by_title(store: &Store, title: &str) -> headway::domain::plan::Action {
    store
        .plan_rows(Some(oakfield(store)))
        .unwrap()
        .into_iter()
        .find(|r| r.action.title == title)
        .unwrap()
        .action
}

#[test]
fn a_shared_school_copy_holds_that_school_only_and_its_check_ins_come_back() {
    let p = pair();
    // The school's copy holds Oakfield, whole, and nothing of Riverside.
    let (liaison_export, school_names) = (
        with_store(&p.liaison, |s| s.evaluation_listings().unwrap().len()),
        with_store(&p.school, |s| {
            s.schools()
                .unwrap()
                .into_iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
        }),
    );
    assert!(liaison_export > 2);
    assert_eq!(school_names, ["Oakfield Primary School"]);
    let file = fs::read(&p.school).unwrap();
    assert!(
        !String::from_utf8_lossy(&file).contains("Riverside"),
        "nothing of the other school is in the school's file"
    );
    for bundle in fs::read_dir(&p.folder).unwrap() {
        let bytes = fs::read(bundle.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("Riverside"));
    }
    let same = |db: &Path| {
        with_store(db, |s| {
            let school = oakfield(s);
            let rows = s.plan_rows(Some(school)).unwrap();
            rows.into_iter()
                .map(|r| {
                    (
                        r.action.title,
                        r.action.status,
                        r.last_check_in.map(|c| c.note),
                    )
                })
                .collect::<Vec<_>>()
        })
    };
    assert_eq!(same(&p.liaison), same(&p.school), "the plan arrived whole");

    // At the school: a check-in with a note, and an action's owner changed.
    let title = with_store(&p.school, |s| {
        let (action, title) = first_action(s);
        let check_in = s
            .add_check_in(action, date(2026, 11, 24), Rag::Amber)
            .unwrap();
        s.set_check_in_text(check_in, false, "Two classes still to start")
            .unwrap();
        s.set_action_field(action, ActionField::Owner, Some("Ms Patel"), true)
            .unwrap();
        title
    });
    let said = ok(&hw(&p.school, &["sync"]));
    assert!(said.contains("Wrote"), "{said}");
    let said = ok(&hw(&p.liaison, &["sync"]));
    assert!(
        said.contains("1 check-in from Oakfield Primary School"),
        "{said}"
    );
    assert!(said.contains("action"), "{said}");
    with_store(&p.liaison, |s| {
        let action = action_by_title(s, &title);
        assert_eq!(action.owner, "Ms Patel");
        let latest = &s.check_ins(action.id).unwrap()[0];
        assert_eq!(latest.note, "Two classes still to start");
        assert_eq!(latest.rag, Rag::Amber);
        // Home's line for the link says what came in.
        let link = &s.links().unwrap()[0];
        assert!(link.last_arrived.contains("1 check-in"), "{link:?}");
    });
    // Syncing again changes nothing on either side.
    let again = ok(&hw(&p.liaison, &["sync"]));
    assert!(
        again.contains("Nothing to send, and nothing new arrived"),
        "{again}"
    );
    let again = ok(&hw(&p.school, &["sync"]));
    assert!(again.contains("Nothing"), "{again}");
}

#[test]
fn a_field_changed_on_both_copies_is_kept_both_ways_settled_and_travels_back() {
    let p = pair();
    let title = with_store(&p.liaison, |s| first_action(s).1);
    // Both change the same action's status before they exchange: the
    // school second, so its edit is the later one.
    with_store(&p.liaison, |s| {
        let a = action_by_title(s, &title);
        s.set_action_field(a.id, ActionField::Status, Some(Status::Done.as_str()), true)
            .unwrap();
    });
    std::thread::sleep(std::time::Duration::from_millis(20));
    with_store(&p.school, |s| {
        let a = action_by_title(s, &title);
        s.set_action_field(
            a.id,
            ActionField::Status,
            Some(Status::Dropped.as_str()),
            true,
        )
        .unwrap();
    });
    ok(&hw(&p.liaison, &["sync"]));
    let said = ok(&hw(&p.school, &["sync"]));
    assert!(said.contains("1 conflict"), "{said}");
    let said = ok(&hw(&p.liaison, &["sync"]));
    assert!(said.contains("1 conflict"), "{said}");
    // Both copies keep the later edit for now, and list the other value.
    for db in [&p.liaison, &p.school] {
        with_store(db, |s| {
            assert_eq!(action_by_title(s, &title).status, Status::Dropped);
            let open = s.open_conflicts().unwrap();
            assert_eq!(open.len(), 1, "{open:?}");
            assert_eq!(open[0].field, "status");
            assert_eq!(open[0].kept.as_deref(), Some("dropped"));
            assert_eq!(open[0].other.as_deref(), Some("done"));
            assert!(open[0].what.contains(&title), "{:?}", open[0]);
        });
    }
    let listed = ok(&hw(&p.liaison, &["conflicts"]));
    assert!(
        listed.contains("kept \"dropped\", other \"done\""),
        "{listed}"
    );
    // The liaison settles it with the other value; the value not chosen
    // goes into the action's history, and the choice travels back.
    ok(&hw(&p.liaison, &["conflicts", "--settle", "1", "--other"]));
    with_store(&p.liaison, |s| {
        let a = action_by_title(s, &title);
        assert_eq!(a.status, Status::Done);
        assert!(s.open_conflicts().unwrap().is_empty());
        let history = s.action_history(a.id).unwrap();
        assert!(
            history
                .iter()
                .any(|(f, old, _)| f == "status" && old == "dropped"),
            "{history:?}"
        );
    });
    ok(&hw(&p.liaison, &["sync"]));
    ok(&hw(&p.school, &["sync"]));
    with_store(&p.school, |s| {
        assert_eq!(action_by_title(s, &title).status, Status::Done);
        assert!(s.open_conflicts().unwrap().is_empty(), "settled there too");
    });
}

#[test]
fn bad_bundles_are_refused_in_one_sentence_and_change_nothing() {
    let p = pair();
    with_store(&p.liaison, |s| {
        let (action, _) = first_action(s);
        s.add_check_in(action, date(2026, 11, 24), Rag::Green)
            .unwrap();
    });
    ok(&hw(&p.liaison, &["sync"]));
    let written: Vec<PathBuf> = fs::read_dir(&p.folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().contains(".share."))
        .collect();
    assert_eq!(written.len(), 1);
    let good = fs::read(&written[0]).unwrap();
    let before = common::table_rows(&p.school, false);
    let elsewhere = tempfile::tempdir().unwrap();
    let try_bundle = |name: &str, bytes: &[u8], says: &str| {
        let folder = elsewhere.path().join(name);
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join(format!("{name}.hwb")), bytes).unwrap();
        let why = err(&hw(&p.school, &["sync", folder.to_str().unwrap()]));
        assert!(why.contains(says), "{name}: {why}");
        assert!(why.contains("nothing of it was applied"), "{name}: {why}");
        assert_eq!(why.trim().lines().count(), 1, "one sentence: {why}");
        assert_eq!(
            common::table_rows(&p.school, false),
            before,
            "{name} changed nothing"
        );
    };
    try_bundle("cut", &good[..good.len() - 10], "cut short");
    let mut altered = good.clone();
    let at = altered.len() - 5;
    altered[at] ^= 1;
    try_bundle("altered", &altered, "altered");
    let text = String::from_utf8_lossy(&good).replace("\"format\":1", "\"format\":9");
    try_bundle("newer", text.as_bytes(), "newer headway");
    try_bundle(
        "foreign",
        b"SQLite format 3\0 and more",
        "not a headway bundle",
    );
    // Riverside's changes, which this school's copy does not hold.
    let riverside_folder = elsewhere.path().join("riverside");
    fs::create_dir(&riverside_folder).unwrap();
    ok(&hw(
        &p.liaison,
        &[
            "share",
            "--school",
            "riverside",
            riverside_folder.to_str().unwrap(),
        ],
    ));
    with_store(&p.liaison, |s| {
        let riverside = s
            .schools()
            .unwrap()
            .into_iter()
            .find(|s| s.name.starts_with("Riverside"))
            .unwrap();
        let action = s.plan_rows(Some(riverside.id)).unwrap()[0].action.id;
        s.add_check_in(action, date(2026, 11, 24), Rag::Red)
            .unwrap();
    });
    ok(&hw(&p.liaison, &["sync", "--school", "riverside"]));
    let changes: Vec<PathBuf> = fs::read_dir(&riverside_folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().contains(".share."))
        .collect();
    try_bundle(
        "wrong-school",
        &fs::read(&changes[0]).unwrap(),
        "does not hold",
    );
    // The good bundle applies; applied again, it changes nothing more.
    let said = ok(&hw(&p.school, &["sync"]));
    assert!(said.contains("1 check-in"), "{said}");
    // The record as it stands, the link's time of exchange aside.
    let record = |db: &Path| -> Vec<String> {
        common::table_rows(db, false)
            .into_iter()
            .filter(|r| !r.starts_with("links:"))
            .collect()
    };
    let after = record(&p.school);
    let said = ok(&hw(&p.school, &["sync", p.folder.to_str().unwrap()]));
    assert!(!said.contains("check-in"), "{said}");
    assert_eq!(record(&p.school), after);
}

/// How many of a school's rows a file holds, table by table.
fn counts(db: &Path) -> Vec<i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    [
        "schools",
        "evaluations",
        "judgements",
        "actions",
        "milestones",
        "checkins",
        "changes",
    ]
    .iter()
    .map(|t| {
        conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
            .unwrap()
    })
    .collect()
}

#[test]
fn a_kill_while_a_bundle_is_applied_leaves_all_of_it_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let liaison = dir.path().join("liaison.db");
    let folder = dir.path().join("shared");
    fs::create_dir(&folder).unwrap();
    ok(&hw(&liaison, &["generate", "--schools", "1"]));
    let said = ok(&hw(&liaison, &["find", "Generated School"]));
    assert!(said.contains("Generated School 0000"), "{said}");
    ok(&hw(
        &liaison,
        &[
            "share",
            "--school",
            "Generated School 0000",
            folder.to_str().unwrap(),
        ],
    ));
    // The whole school, as a copy that applied all of it holds it.
    let whole = dir.path().join("whole.db");
    let started = std::time::Instant::now();
    ok(&hw(&whole, &["sync", folder.to_str().unwrap()]));
    // Kills are spread over the time a whole sync takes, and a little past.
    let took = started.elapsed();
    let all = counts(&whole);
    assert!(all[2] > 1000, "a large record: {all:?}");
    let (mut none_seen, mut all_seen) = (0, 0);
    for attempt in 0..12u64 {
        let db = dir.path().join(format!("killed{attempt}.db"));
        // An empty copy first, so the kill falls in the apply, not the setup.
        common::open_to_write(&db);
        let mut child = {
            let _one_at_a_time = common::SPAWN.lock().unwrap_or_else(|e| e.into_inner());
            Command::new(env!("CARGO_BIN_EXE_headway"))
                .arg("--db")
                .arg(&db)
                .args(["sync", folder.to_str().unwrap()])
                .env_remove("HEADWAY_DB")
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        };
        std::thread::sleep(took.mul_f64(0.1 + attempt as f64 / 10.0));
        let _ = child.kill();
        let _ = child.wait();
        let conn = rusqlite::Connection::open(&db).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "attempt {attempt}");
        drop(conn);
        let found = counts(&db);
        if found[0] == 0 {
            assert!(
                found.iter().all(|&n| n == 0),
                "attempt {attempt}: {found:?}"
            );
            none_seen += 1;
        } else {
            assert_eq!(found, all, "attempt {attempt}: all of it");
            all_seen += 1;
        }
    }
    eprintln!("{none_seen} kills left nothing, {all_seen} left all of it");
}

#[test]
fn the_sync_key_brings_changes_in_and_the_conflict_screen_settles_one() {
    let p = pair();
    let title = with_store(&p.liaison, |s| first_action(s).1);
    // The school checks an action in and changes its owner; the liaison
    // changed the owner too, earlier.
    with_store(&p.liaison, |s| {
        let a = action_by_title(s, &title);
        s.set_action_field(a.id, ActionField::Owner, Some("A. Khan"), true)
            .unwrap();
    });
    std::thread::sleep(std::time::Duration::from_millis(20));
    with_store(&p.school, |s| {
        let a = action_by_title(s, &title);
        s.add_check_in(a.id, date(2026, 11, 24), Rag::Red).unwrap();
        s.set_action_field(a.id, ActionField::Owner, Some("B. Osei"), true)
            .unwrap();
    });
    ok(&hw(&p.school, &["sync"]));
    common::wait_until_unlocked(&p.liaison);
    let mut s = common::Session::start(&p.liaison, &["--today", "2026-11-24"], 100, 30);
    s.wait_for("Oakfield Primary School · exchanged");
    s.send("S");
    s.wait_for("Synced: 1 check-in from Oakfield Primary School");
    let screen = s.screen();
    assert!(screen.contains("1 conflict"), "{screen}");
    s.wait_for("1 conflict to settle: press C");
    s.send("C");
    s.wait_for("Kept for now");
    let screen = s.screen();
    assert!(screen.contains("From the other copy"), "{screen}");
    assert!(
        screen.contains("B. Osei") && screen.contains("A. Khan"),
        "{screen}"
    );
    assert!(
        screen.contains(&title) || screen.contains("action:"),
        "{screen}"
    );
    // A third value, written here.
    s.send("e");
    s.wait_for("Your own value");
    s.send("\x15"); // Ctrl+U clears the value offered
    s.type_slowly("A. Khan and B. Osei");
    s.send("\r");
    s.wait_for("No conflicts to settle");
    s.send("q");
    s.wait_for("schools and evaluations");
    assert!(!s.screen().contains("to settle"), "{}", s.screen());
    s.send("q");
    assert!(s.wait_exit());
    with_store(&p.liaison, |s| {
        let a = action_by_title(s, &title);
        assert_eq!(a.owner, "A. Khan and B. Osei");
    });
    // The choice travels to the school.
    ok(&hw(&p.liaison, &["sync"]));
    ok(&hw(&p.school, &["sync"]));
    with_store(&p.school, |s| {
        assert_eq!(action_by_title(s, &title).owner, "A. Khan and B. Osei");
        assert!(s.open_conflicts().unwrap().is_empty());
    });
}

#[test]
fn a_trust_takes_roll_ups_without_notes_and_never_confidential_text() {
    let dir = tempfile::tempdir().unwrap();
    let liaison = dir.path().join("liaison.db");
    let trust = dir.path().join("trust.db");
    let up = dir.path().join("up");
    fs::create_dir(&up).unwrap();
    ok(&hw(&liaison, &["demo"]));
    // One rationale marked confidential, one open.
    let (evaluation, secret_key, open_key) = with_store(&liaison, |s| {
        let e = s.evaluations().unwrap()[0].clone();
        let judged: Vec<(String, String)> = s
            .judgements(e.id)
            .unwrap()
            .into_iter()
            .filter(|(_, j)| !j.rationale.is_empty())
            .map(|(k, j)| (k, j.rationale))
            .collect();
        let (secret, open) = (judged[0].0.clone(), judged[1].0.clone());
        s.set_text(
            e.id,
            &secret,
            headway::domain::evaluation::TextField::Rationale,
            "Named teacher on a support plan",
            true,
        )
        .unwrap();
        s.set_confidential(e.id, &secret, true).unwrap();
        (e.id, secret, open)
    });
    let text_in = |db: &Path, needle: &str| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM judgements WHERE rationale LIKE ?1",
                [format!("%{needle}%")],
                |r| r.get(0),
            )
            .unwrap()
    };
    let said = ok(&hw(&liaison, &["rollup", "--write", up.to_str().unwrap()]));
    assert!(said.contains("Wrote 2 roll-ups"), "{said}");
    let said = ok(&hw(&trust, &["rollup", up.to_str().unwrap()]));
    assert!(said.contains("Took in 2 schools"), "{said}");
    let nonblank: i64 = rusqlite::Connection::open(&trust)
        .unwrap()
        .query_row(
            "SELECT (SELECT count(*) FROM judgements WHERE rationale <> '')
                  + (SELECT count(*) FROM checkins WHERE note <> '')
                  + (SELECT count(*) FROM actions WHERE reason <> '')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(nonblank, 0, "no notes without --with-notes");
    let across = ok(&hw(&trust, &["report", "--across", "--format", "csv"]));
    assert!(across.contains("Oakfield Primary School"), "{across}");
    assert!(across.contains("Riverside Academy"), "{across}");
    // The trust's view across its schools is the liaison's, to the byte.
    let at_liaison = ok(&hw(&liaison, &["report", "--across", "--format", "csv"]));
    assert_eq!(across, at_liaison);
    // With notes, the open rationale goes; the confidential one never.
    let open_text = with_store(&liaison, |s| {
        s.judgements(evaluation).unwrap()[&open_key]
            .rationale
            .clone()
    });
    ok(&hw(
        &liaison,
        &["rollup", "--write", "--with-notes", up.to_str().unwrap()],
    ));
    ok(&hw(&trust, &["rollup", up.to_str().unwrap()]));
    assert!(text_in(&trust, &open_text) > 0, "the open rationale went");
    assert_eq!(text_in(&trust, "Named teacher"), 0, "confidential never");
    assert!(!String::from_utf8_lossy(&fs::read(&trust).unwrap()).contains("Named teacher"));
    for file in fs::read_dir(&up).unwrap() {
        let bytes = fs::read(file.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("Named teacher"));
    }
    // A later roll-up replaces the school's record whole.
    with_store(&liaison, |s| {
        s.set_level(evaluation, &secret_key, Some(4)).unwrap()
    });
    ok(&hw(&liaison, &["rollup", "--write", up.to_str().unwrap()]));
    ok(&hw(&trust, &["rollup", up.to_str().unwrap()]));
    let uuid = evaluation_uuid(&liaison, evaluation);
    let level: Option<i64> = rusqlite::Connection::open(&trust)
        .unwrap()
        .query_row(
            "SELECT level FROM judgements WHERE statement_key = ?1 AND evaluation_uuid = ?2",
            [&secret_key, &uuid],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(level, Some(4));
    assert_eq!(
        text_in(&trust, &open_text),
        0,
        "the notes went with the old roll-up"
    );
    // A roll-up is not for a partner copy.
    let said = ok(&hw(
        &dir.path().join("school.db"),
        &["sync", up.to_str().unwrap()],
    ));
    assert!(said.contains("Passed over 2 roll-ups"), "{said}");
}

#[test]
fn a_link_without_confidential_notes_keeps_them_out_of_every_change_but_not_the_levels() {
    let dir = tempfile::tempdir().unwrap();
    let liaison = dir.path().join("liaison.db");
    let school = dir.path().join("school.db");
    let folder = dir.path().join("shared");
    fs::create_dir(&folder).unwrap();
    ok(&hw(&liaison, &["demo"]));
    let (evaluation, key, check_in) = with_store(&liaison, |s| {
        let e = s.evaluations().unwrap()[0].id;
        let key = s.judgements(e).unwrap().keys().min().unwrap().clone();
        s.set_confidential(e, &key, true).unwrap();
        s.set_text(
            e,
            &key,
            headway::domain::evaluation::TextField::Rationale,
            "Secret before the share",
            true,
        )
        .unwrap();
        // A confidential check-in note, typed before it was marked.
        let (action, _) = first_action(s);
        let c = s
            .add_check_in(action, date(2026, 11, 20), Rag::Red)
            .unwrap();
        s.set_check_in_text(c, false, "Secret about a teacher")
            .unwrap();
        s.set_check_in_confidential(c, true).unwrap();
        (e, key, c)
    });
    ok(&hw(
        &liaison,
        &[
            "share",
            "--school",
            "oakfield",
            "--no-confidential",
            folder.to_str().unwrap(),
        ],
    ));
    ok(&hw(&school, &["sync", folder.to_str().unwrap()]));
    // After the share: a new confidential rationale, a new level, and the
    // confidential check-in withdrawn (its notes go into the action's
    // history, which travels).
    with_store(&liaison, |s| {
        s.withdraw_check_in(check_in).unwrap();
        s.set_text(
            evaluation,
            &key,
            headway::domain::evaluation::TextField::Rationale,
            "Secret after the share",
            true,
        )
        .unwrap();
        s.set_level(evaluation, &key, Some(2)).unwrap();
    });
    ok(&hw(&liaison, &["sync"]));
    ok(&hw(&school, &["sync"]));
    let school_file = String::from_utf8_lossy(&fs::read(&school).unwrap()).into_owned();
    assert!(
        !school_file.contains("Secret"),
        "no confidential text at the school"
    );
    for bundle in fs::read_dir(&folder).unwrap() {
        let bytes = fs::read(bundle.unwrap().path()).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("Secret"));
    }
    let uuid = evaluation_uuid(&liaison, evaluation);
    let level: Option<i64> = rusqlite::Connection::open(&school)
        .unwrap()
        .query_row(
            "SELECT level FROM judgements WHERE statement_key = ?1 AND evaluation_uuid = ?2",
            [&key, &uuid],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        level,
        Some(2),
        "the level travels; only the notes stay home"
    );
    // A note no longer marked confidential goes, as it stands.
    with_store(&liaison, |s| {
        s.set_confidential(evaluation, &key, false).unwrap()
    });
    ok(&hw(&liaison, &["sync"]));
    ok(&hw(&school, &["sync"]));
    let rationale: String = rusqlite::Connection::open(&school)
        .unwrap()
        .query_row(
            "SELECT rationale FROM judgements WHERE statement_key = ?1 AND evaluation_uuid = ?2",
            [&key, &uuid],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rationale, "Secret after the share");
}

fn bundles_in(folder: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().contains(".share."))
        .collect();
    found.sort();
    found
}

#[test]
fn a_bundle_that_arrives_before_the_one_it_follows_waits_for_it() {
    let p = pair();
    let title = with_store(&p.school, |s| first_action(s).1);
    let check_in = with_store(&p.school, |s| {
        let a = action_by_title(s, &title);
        let c = s
            .add_check_in(a.id, date(2026, 11, 24), Rag::Amber)
            .unwrap();
        s.set_check_in_text(c, false, "FIRST").unwrap();
        c
    });
    ok(&hw(&p.school, &["sync"]));
    with_store(&p.school, |s| {
        s.set_check_in_text(check_in, false, "FIRST and SECOND")
            .unwrap();
    });
    ok(&hw(&p.school, &["sync"]));
    // The first bundle is late (a synced folder delivered the second first).
    let first = bundles_in(&p.folder)[0].clone();
    let aside = p.folder.parent().unwrap().join("late.hwb");
    fs::rename(&first, &aside).unwrap();
    let why = err(&hw(&p.liaison, &["sync"]));
    assert!(why.contains("have not arrived here yet"), "{why}");
    fs::rename(&aside, &first).unwrap();
    let said = ok(&hw(&p.liaison, &["sync"]));
    assert!(said.contains("check-in"), "{said}");
    with_store(&p.liaison, |s| {
        let a = action_by_title(s, &title);
        assert_eq!(s.check_ins(a.id).unwrap()[0].note, "FIRST and SECOND");
    });
}

#[test]
fn a_school_restored_from_a_backup_still_reaches_its_partner() {
    let p = pair();
    let title = with_store(&p.school, |s| first_action(s).1);
    let backup = p.folder.parent().unwrap().join("school-backup.db");
    ok(&hw(&p.school, &["backup", backup.to_str().unwrap()]));
    let note = |db: &Path, text: &str| {
        with_store(db, |s| {
            let a = action_by_title(s, &title);
            let c = s
                .add_check_in(a.id, date(2026, 11, 24), Rag::Green)
                .unwrap();
            s.set_check_in_text(c, false, text).unwrap();
        })
    };
    note(&p.school, "NOTE A");
    ok(&hw(&p.school, &["sync"]));
    ok(&hw(&p.liaison, &["sync"]));
    ok(&hw(
        &p.school,
        &["restore", "--yes", backup.to_str().unwrap()],
    ));
    note(&p.school, "NOTE B");
    ok(&hw(&p.school, &["sync"]));
    ok(&hw(&p.liaison, &["sync"]));
    let notes = |db: &Path| {
        with_store(db, |s| {
            let a = action_by_title(s, &title);
            let mut n: Vec<String> = s
                .check_ins(a.id)
                .unwrap()
                .into_iter()
                .map(|c| c.note)
                .collect();
            n.sort();
            n
        })
    };
    let at_liaison = notes(&p.liaison);
    assert!(at_liaison.contains(&"NOTE A".to_string()), "{at_liaison:?}");
    assert!(at_liaison.contains(&"NOTE B".to_string()), "{at_liaison:?}");
    // And the restored school gets back what it lost, from its partner.
    ok(&hw(&p.school, &["sync"]));
    assert!(notes(&p.school).contains(&"NOTE A".to_string()));
}

#[test]
fn a_folder_is_one_schools_and_a_roll_up_never_replaces_a_full_record() {
    let p = pair();
    // Another school into Oakfield's folder, or Oakfield into a second folder.
    let why = err(&hw(
        &p.liaison,
        &["share", "--school", "riverside", p.folder.to_str().unwrap()],
    ));
    assert!(why.contains("folder of its own"), "{why}");
    let second = p.folder.parent().unwrap().join("second");
    fs::create_dir(&second).unwrap();
    let why = err(&hw(
        &p.liaison,
        &["share", "--school", "oakfield", second.to_str().unwrap()],
    ));
    assert!(why.contains("already linked"), "{why}");
    // A roll-up taken back into a working file would blank its notes.
    let up = p.folder.parent().unwrap().join("up");
    fs::create_dir(&up).unwrap();
    ok(&hw(
        &p.liaison,
        &["rollup", "--write", up.to_str().unwrap()],
    ));
    let before = common::table_rows(&p.liaison, false);
    let why = err(&hw(&p.liaison, &["rollup", up.to_str().unwrap()]));
    assert!(why.contains("trust's own file"), "{why}");
    assert_eq!(common::table_rows(&p.liaison, false), before);
    let why = err(&hw(&p.school, &["rollup", up.to_str().unwrap()]));
    assert!(why.contains("full record"), "{why}");
}

#[test]
fn settling_keeps_the_value_not_chosen_in_the_history_on_both_sides() {
    let p = pair();
    let title = with_store(&p.liaison, |s| first_action(s).1);
    // The liaison goes through "done" to "dropped"; the school marks it done.
    with_store(&p.liaison, |s| {
        let a = action_by_title(s, &title);
        for status in [Status::Done, Status::Dropped] {
            s.set_action_field(a.id, ActionField::Status, Some(status.as_str()), true)
                .unwrap();
        }
    });
    std::thread::sleep(std::time::Duration::from_millis(20));
    with_store(&p.school, |s| {
        let a = action_by_title(s, &title);
        s.set_action_field(a.id, ActionField::Status, Some(Status::Done.as_str()), true)
            .unwrap();
    });
    for _ in 0..2 {
        ok(&hw(&p.liaison, &["sync"]));
        ok(&hw(&p.school, &["sync"]));
    }
    // Both list it, once.
    for db in [&p.liaison, &p.school] {
        let open = with_store(db, |s| s.open_conflicts().unwrap());
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].field, "status");
    }
    ok(&hw(&p.school, &["conflicts", "--settle", "1", "--keep"]));
    let why = err(&hw(
        &p.liaison,
        &["conflicts", "--settle", "1", "--value", "2027-13-45"],
    ));
    assert!(why.contains("does not fit"), "{why}");
    ok(&hw(&p.school, &["sync"]));
    ok(&hw(&p.liaison, &["sync"]));
    with_store(&p.liaison, |s| {
        let a = action_by_title(s, &title);
        assert_eq!(a.status, Status::Done);
        assert!(s.open_conflicts().unwrap().is_empty());
    });
    with_store(&p.school, |s| {
        let a = action_by_title(s, &title);
        let history = s.action_history(a.id).unwrap();
        assert!(
            history
                .iter()
                .any(|(f, old, _)| f == "status" && old == "dropped"),
            "the value not chosen is kept: {history:?}"
        );
    });
}

#[test]
fn a_forged_bundle_cannot_touch_settings_or_links_nor_stop_later_changes() {
    use headway::bundle::Bundle;
    let p = pair();
    with_store(&p.liaison, |s| {
        let (action, _) = first_action(s);
        s.add_check_in(action, date(2026, 11, 24), Rag::Green)
            .unwrap();
    });
    ok(&hw(&p.liaison, &["sync"]));
    let good_path = bundles_in(&p.folder)[0].clone();
    let good = Bundle::read(&fs::read(&good_path).unwrap()).unwrap();
    fs::remove_file(&good_path).unwrap();
    let before = common::table_rows(&p.school, false);
    let forged_dir = p.folder.parent().unwrap().join("forged");
    fs::create_dir(&forged_dir).unwrap();
    let try_forged = |name: &str, bundle: &Bundle, says: &str| {
        let folder = forged_dir.join(name);
        fs::create_dir(&folder).unwrap();
        fs::write(folder.join("x.hwb"), bundle.to_bytes()).unwrap();
        let why = err(&hw(&p.school, &["sync", folder.to_str().unwrap()]));
        assert!(why.contains(says), "{name}: {why}");
        assert_eq!(common::table_rows(&p.school, false), before, "{name}");
    };
    // A change to the settings, made by SQLite's session like any other,
    // with a valid checksum.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;")
        .unwrap();
    let recorder = headway::store::changeset::Recorder::start(&conn, &[]).unwrap();
    conn.execute("INSERT INTO settings VALUES ('database_id', 'EVIL')", [])
        .unwrap();
    let evil = recorder.changeset().unwrap();
    drop(recorder);
    let mut forged = good.clone();
    forged.entries[0].changeset.extend_from_slice(&evil);
    forged.header.entries[0].len = forged.entries[0].changeset.len() as u64;
    try_forged("settings", &forged, "never travel");
    // A change dated at the end of time.
    let mut future = good.clone();
    future.header.entries[0].stamp = i64::MAX;
    future.entries[0].head.stamp = i64::MAX;
    try_forged("future", &future, "dated impossibly");
    // The true bundle still applies, and editing goes on afterwards.
    let folder = forged_dir.join("true");
    fs::create_dir(&folder).unwrap();
    fs::write(folder.join("x.hwb"), good.to_bytes()).unwrap();
    ok(&hw(
        &p.school,
        &["sync", "--school", "oak", folder.to_str().unwrap()],
    ));
    with_store(&p.school, |s| {
        let (action, _) = first_action(s);
        s.add_check_in(action, date(2026, 11, 25), Rag::Amber)
            .unwrap();
    });
}

#[test]
fn a_moved_folder_is_found_again_and_confidential_conflicts_stay_home() {
    let dir = tempfile::tempdir().unwrap();
    let liaison = dir.path().join("liaison.db");
    let school = dir.path().join("school.db");
    let folder = dir.path().join("shared");
    fs::create_dir(&folder).unwrap();
    ok(&hw(&liaison, &["demo"]));
    ok(&hw(
        &liaison,
        &[
            "share",
            "--school",
            "oak",
            "--no-confidential",
            folder.to_str().unwrap(),
        ],
    ));
    ok(&hw(&school, &["sync", folder.to_str().unwrap()]));
    let key = with_store(&liaison, |s| {
        let e = s.evaluations().unwrap()[0].id;
        s.judgements(e).unwrap().keys().min().unwrap().clone()
    });
    let rationale = |db: &Path, text: &str, secret: bool| {
        with_store(db, |s| {
            let e = s.evaluations().unwrap()[0].id;
            s.set_text(
                e,
                &key,
                headway::domain::evaluation::TextField::Rationale,
                text,
                true,
            )
            .unwrap();
            if secret {
                s.set_confidential(e, &key, true).unwrap();
            }
        })
    };
    // Both write the same note; the liaison's is confidential.
    rationale(&liaison, "LSECRETX about a teacher", true);
    rationale(&school, "School text", false);
    // The shared folder is renamed; the folder given is where it went.
    let moved = dir.path().join("moved");
    fs::rename(&folder, &moved).unwrap();
    for db in [&school, &liaison, &school, &liaison] {
        ok(&hw(db, &["sync", moved.to_str().unwrap()]));
    }
    let text = |path: &Path| String::from_utf8_lossy(&fs::read(path).unwrap()).into_owned();
    assert!(
        !text(&school).contains("LSECRETX"),
        "nothing confidential at the school"
    );
    for bundle in fs::read_dir(&moved).unwrap() {
        assert!(!text(&bundle.unwrap().path()).contains("LSECRETX"));
    }
    // The level of a conflict, settled, must be on the tool's scale.
    // Two levels, each other than the one both hold now.
    let now = with_store(&liaison, |s| {
        let e = s.evaluations().unwrap()[0].id;
        s.judgements(e).unwrap()[&key].level.unwrap_or(0)
    });
    let (a, b) = (now % 4 + 1, (now + 1) % 4 + 1);
    with_store(&liaison, |s| {
        let e = s.evaluations().unwrap()[0].id;
        s.set_level(e, &key, Some(a)).unwrap();
    });
    with_store(&school, |s| {
        let e = s.evaluations().unwrap()[0].id;
        s.set_level(e, &key, Some(b)).unwrap();
    });
    for db in [&school, &liaison] {
        ok(&hw(db, &["sync"]));
    }
    let listed = ok(&hw(&liaison, &["conflicts"]));
    let n = listed
        .lines()
        .find(|l| l.contains("(level)"))
        .and_then(|l| l.split('.').next())
        .unwrap_or_else(|| panic!("{listed}"))
        .to_string();
    let why = err(&hw(
        &liaison,
        &["conflicts", "--settle", &n, "--value", "9"],
    ));
    assert!(why.contains("not on this tool's scale"), "{why}");
}
