//! `headway tools import` on arbitrary text, into a real database: stored,
//! or refused with an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fuzz.db");
    let mut store = headway::store::Store::open(&path, headway::store::OpenMode::Write).unwrap();
    let _ = store.import_tool(text);
});
