//! A file offered to `headway restore` (or opened with --db): arbitrary
//! bytes must be refused with a named error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offered.db");
    std::fs::write(&path, data).unwrap();
    let _ = headway::store::backup::verify(&path);
    let _ = headway::store::Store::open(&path, headway::store::OpenMode::Read);
});
