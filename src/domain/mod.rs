//! Pure types and rules: no I/O, no SQL, no terminal.

pub mod across;
pub mod cycle;
pub mod evaluation;
pub mod plan;
pub mod school;
pub mod series;
pub mod tool;
