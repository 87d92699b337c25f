//! `headway tools check` and `tools import`: reading a tool file safely
//! and reporting its problems as FILE:LINE:COL: message, a bounded number
//! of them, each line through the console.

use std::path::{Path, PathBuf};

use crate::cli::UserError;
use crate::console;
use crate::domain::tool::{parse_tool, Problem, MAX_TOOL_BYTES};

/// A tool file's bytes: only a regular file, never more than the limit.
pub fn read(path: &Path) -> Result<Vec<u8>, UserError> {
    crate::files::read_regular(path, MAX_TOOL_BYTES).map_err(|e| UserError::Message(e.to_string()))
}

/// How many problems of one file are printed; the rest are counted.
pub const SHOWN_PROBLEMS: usize = 50;

/// Prints the first problems of a file, then how many more there are.
pub fn print_problems(file: &Path, problems: &[Problem]) {
    for p in problems.iter().take(SHOWN_PROBLEMS) {
        console::error_line(&shortened(&format!("{}:{p}", file.display())));
    }
    if let Some(more) = problems
        .len()
        .checked_sub(SHOWN_PROBLEMS)
        .filter(|n| *n > 0)
    {
        let noun = if more == 1 { "problem" } else { "problems" };
        console::error_line(&format!("{}: ... and {more} more {noun}", file.display()));
    }
}

/// The longest line a problem is printed as, in columns: a value quoted
/// from the file (a million-character id, say) is cut, not echoed whole.
const LINE_COLUMNS: usize = 400;

fn shortened(line: &str) -> String {
    crate::text::wrap::shorten(line, LINE_COLUMNS)
}

/// Checks each file and prints "ok" or its problems; fails if any failed.
pub fn check(files: &[PathBuf]) -> Result<(), UserError> {
    let mut failed = false;
    for file in files {
        let bytes = match read(file) {
            Ok(bytes) => bytes,
            Err(e) => {
                console::error_line(&format!("{}:1:1: {e}", file.display()));
                failed = true;
                continue;
            }
        };
        match parse_tool(&bytes) {
            Ok(tool) => console::line(&format!(
                "{}: ok: \"{}\" ({} v{}), {} aspects, {} statements, {}-level scale",
                file.display(),
                tool.title,
                tool.id,
                tool.version,
                tool.aspects.len(),
                tool.statement_count(),
                tool.scale.levels.len()
            )),
            Err(problems) => {
                print_problems(file, &problems);
                failed = true;
            }
        }
    }
    if failed {
        Err(UserError::Reported)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_between_whole_characters() {
        let long = "é".repeat(LINE_COLUMNS * 3);
        let cut = shortened(&long);
        assert_eq!(cut.chars().count(), LINE_COLUMNS);
        assert!(cut.ends_with('…'));
        assert_eq!(shortened("short"), "short");
        // An accent written as a combining mark stays on its letter.
        let cut = shortened(&"e\u{301}".repeat(LINE_COLUMNS * 3));
        assert_eq!(cut, format!("{}…", "e\u{301}".repeat(LINE_COLUMNS - 1)));
    }
}
