//! The config file, with the real binary in a pseudo-terminal: keys chosen
//! there work and show in the help, a colour-blind palette reaches the
//! screen, and a file with a mistake stops the app with one sentence
//! before the database is touched.

mod common;

use common::{meeting_db, Session};

const TODAY: &[&str] = &["--today", "2026-11-22"];

fn with_config(dir: &std::path::Path, text: &str) -> String {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn keys_chosen_in_the_config_file_work_and_show_in_the_help() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let config = with_config(
        dir.path(),
        "[keys.walk]\nnext = \"n\"\nprevious = \"p\"\nhistory = \"y\"\n",
    );
    let db_arg = db.to_string_lossy().into_owned();
    let mut s = Session::start_program(
        env!("CARGO_BIN_EXE_headway"),
        &["--db", &db_arg, "--today", "2026-11-22"],
        &[("HEADWAY_CONFIG", &config)],
        100,
        30,
    );
    s.wait_for("Oakfield Primary");
    s.send("\x1b[B\r");
    s.wait_for("statement 2 of 15");
    s.send("n");
    s.wait_for("statement 3 of 15");
    s.send("p");
    s.wait_for("statement 2 of 15");
    // A default key given away does nothing; the arrows still move.
    s.send("l");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(s.screen().contains("statement 2 of 15"), "{}", s.screen());
    s.send("\x1b[C");
    s.wait_for("statement 3 of 15");
    s.send("?");
    s.wait_for("Keys: Walk");
    let help = s.screen();
    assert!(help.contains("→ / n"), "{help}");
    assert!(help.contains("← / p"), "{help}");
    assert!(help.contains(" y  history of this statement"), "{help}");
    s.send("\x1b");
    // Esc and a letter together read as Alt+letter: wait for the help to go.
    std::thread::sleep(std::time::Duration::from_millis(150));
    s.send("y");
    s.wait_for("Earlier values of this statement");
    s.send("\x1b");
    s.send("\x03");
    assert!(s.wait_exit());
}

#[test]
fn a_colour_blind_palette_reaches_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    meeting_db(&db);
    let config = with_config(dir.path(), "[colours]\nscheme = \"colour-blind\"\n");
    let db_arg = db.to_string_lossy().into_owned();
    let mut s = Session::start_program(
        env!("CARGO_BIN_EXE_headway"),
        &["--db", &db_arg, "--today", "2026-11-22", "checkin"],
        &[("HEADWAY_CONFIG", &config)],
        100,
        30,
    );
    s.wait_for("Write the curriculum story");
    s.send("g");
    s.wait_for("Check-in (green) saved");
    // The RAG words are drawn in the palette's colours: green work in
    // blue, red in magenta, never in red and green.
    let screen = s.vt_screen();
    let (_, cols) = screen.size();
    let colour_of = |word: &str| {
        let rows: Vec<String> = screen.rows(0, cols).collect();
        let (row, col) = rows
            .iter()
            .enumerate()
            .find_map(|(r, text)| text.find(word).map(|b| (r, text[..b].chars().count())))
            .unwrap_or_else(|| panic!("{word} on screen:\n{}", rows.join("\n")));
        screen.cell(row as u16, col as u16).unwrap().fgcolor()
    };
    assert_eq!(colour_of("g green"), vt100::Color::Idx(4), "blue");
    assert_eq!(colour_of("r red"), vt100::Color::Idx(5), "magenta");
    s.send("\x1b");
    s.send("\x03");
    assert!(s.wait_exit());
}

/// Starts headway with `config` on a database that does not exist yet;
/// it must stop with one sentence saying `says`, and create nothing.
fn refused(db: &std::path::Path, config: &str, says: &str) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_headway"))
        .args(["--db", db.to_str().unwrap()])
        .args(TODAY)
        .env("HEADWAY_CONFIG", config)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(says), "{config}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(!db.exists(), "the database is not touched");
}

#[test]
fn a_config_file_with_a_mistake_is_refused_in_one_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("never.db");
    for (text, says) in [
        (
            "[keys.walk]\nnxt = \"n\"\n",
            "nxt is not an action of [keys.walk]",
        ),
        ("[keys.walk\n", "line 1"),
        (
            "[colours]\nscheme = \"loud\"\n",
            "\"standard\" or \"colour-blind\"",
        ),
        (
            &"# a comment that goes on\n".repeat(4000),
            "larger than 64 KiB",
        ),
    ] {
        let config = with_config(dir.path(), text);
        // The message names the file.
        refused(&db, &config, &config);
        refused(&db, &config, says);
    }
    // A device, a folder, or a named file that is not there.
    refused(&db, "/dev/zero", "not a regular file");
    refused(&db, &dir.path().to_string_lossy(), "not a regular file");
    let missing = dir.path().join("nope.toml");
    refused(&db, &missing.to_string_lossy(), "does not exist");
}
