//! Today's backup is taken by the app after its first frame, on its own
//! connection, and is whole even when the app is closed straight away.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::Session;
use headway::store::backup::backups_of;
use headway::store::{OpenMode, Store};

/// A database whose backups folder holds no backup of today.
fn without_todays_backup(dir: &Path) -> PathBuf {
    let db = dir.join("b.db");
    let mut store = Store::open(&db, OpenMode::Write).unwrap();
    store.add_school("Oakfield Primary").unwrap();
    drop(store);
    let _ = std::fs::remove_dir_all(dir.join("backups"));
    db
}

fn wait_for_backup(db: &Path) -> Vec<PathBuf> {
    let start = Instant::now();
    loop {
        let found = backups_of(db);
        if !found.is_empty() || start.elapsed() > Duration::from_secs(15) {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_app_takes_todays_backup_after_its_first_frame() {
    let dir = tempfile::tempdir().unwrap();
    let db = without_todays_backup(dir.path());
    let mut s = Session::start(&db, &[], 80, 24);
    s.wait_for("Oakfield Primary");
    let found = wait_for_backup(&db);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].to_string_lossy().contains("daily-"));
    headway::store::backup::verify(&found[0]).unwrap();
    // Keys work while (or after) it runs, and the app quits cleanly.
    s.send("q");
    assert!(s.wait_exit());
}

#[test]
fn quitting_at_once_leaves_a_whole_backup_or_none_and_no_half_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = without_todays_backup(dir.path());
    let mut s = Session::start(&db, &[], 80, 24);
    s.wait_for("Oakfield Primary");
    s.send("q");
    assert!(s.wait_exit());
    for backup in backups_of(&db) {
        headway::store::backup::verify(&backup).unwrap();
    }
    let folder = dir.path().join("backups");
    let halves: Vec<String> = walk(&folder)
        .into_iter()
        .filter(|n| n.ends_with(".part"))
        .collect();
    assert!(halves.is_empty(), "{halves:?}");
}

fn walk(folder: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(folder) {
        for e in entries.filter_map(Result::ok) {
            if e.path().is_dir() {
                out.extend(walk(&e.path()));
            } else {
                out.push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    out
}
