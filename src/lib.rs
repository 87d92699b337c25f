//! headway: school self-evaluation and improvement planning in the terminal.

pub mod agenda;
pub mod bundle;
pub mod cli;
pub mod console;
pub mod demo;
pub mod domain;
pub mod drill;
pub mod exchange;
pub mod export;
pub mod files;
pub mod finder;
pub mod handle;
pub mod manual;
pub mod output;
pub mod shipped;
pub mod store;
pub mod text;
pub mod tool_files;
pub mod tui;
