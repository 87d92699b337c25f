//! The tool file parser on arbitrary bytes: it must return a tool or
//! problems that name a line, and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(problems) = headway::domain::tool::parse_tool(data) {
        assert!(!problems.is_empty());
        assert!(problems.iter().all(|p| p.line >= 1 && p.col >= 1));
    }
});
