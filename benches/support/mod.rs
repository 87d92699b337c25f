//! What the benches share: the generated databases and timed commands
//! (`data`), printing each measurement beside its floor (`report`), and the
//! real binary in a pseudo-terminal (`term`).

// Each bench uses only part of these modules.
#![allow(dead_code)]

pub mod data;
pub mod report;
pub mod term;
