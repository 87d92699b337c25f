//! Issue 10's principle for exports: memory follows one evaluation, not the
//! file. The JSON export of a generated file is written by a child whose
//! peak memory (and the generating child's) is read back from the kernel (not a timing: a size). Its own
//! test binary, so no other test's children are counted.

use std::process::{Command, Stdio};

/// The largest resident size, in kilobytes, of any child waited for so far.
fn children_peak_kb() -> i64 {
    // SAFETY: getrusage fills the struct we pass; nothing else is touched.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    }
}

#[test]
fn exporting_a_large_file_keeps_memory_small() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("large.db");
    let headway = env!("CARGO_BIN_EXE_headway");
    let made = Command::new(headway)
        .arg("--db")
        .arg(&db)
        .args(["generate", "--schools", "10"])
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let before = children_peak_kb();
    let export = Command::new(headway)
        .arg("--db")
        .arg(&db)
        .arg("export")
        .stdout(Stdio::piped())
        .output()
        .unwrap();
    assert!(export.status.success());
    let json_kb = (export.stdout.len() / 1024) as i64;
    let peak = children_peak_kb().max(before);
    // Holding the data whole took about five times the JSON's size; one
    // evaluation at a time stays well under the JSON itself.
    assert!(
        json_kb > 40_000,
        "the export is large enough to tell: {json_kb} KB"
    );
    assert!(
        peak < 40_000 && peak < json_kb * 3 / 5,
        "peak {peak} KB for a {json_kb} KB export"
    );
}
