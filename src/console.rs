//! Everything the command line prints goes through here.
//!
//! Text from a database, a tool file or a file name can hold terminal
//! escapes (a window title, a cleared screen, a clipboard write), so every
//! line is cleaned before it is written: by [`clean`], or for a single line
//! by `text::clean_line`, which also turns line breaks into spaces. A reader that stops
//! early (`headway checkin --list | head -1`) closes the pipe; headway then
//! stops quietly, as `cat` or `grep` would, instead of panicking.
//!
//! A failed write to stdout does not end the program on the spot: nothing
//! more is written, the command returns, its database is closed (which
//! folds SQLite's log into the file and removes the -wal and -shm), and
//! only then does [`finish`] end the program as the failure requires.

use std::io::{self, Write};
use std::sync::atomic::{AtomicU8, Ordering};

/// What became of stdout: still open, closed by its reader, or failed.
static STDOUT: AtomicU8 = AtomicU8::new(OPEN);
const OPEN: u8 = 0;
const CLOSED: u8 = 1;
const FAILED: u8 = 2;

/// Notes that the reader of stdout went away (a closed pipe): nothing more
/// is written there, and [`finish`] stops the program quietly.
pub fn reader_went_away() {
    let _ = STDOUT.compare_exchange(OPEN, CLOSED, Ordering::SeqCst, Ordering::SeqCst);
}

/// Ends the program after a command has returned and closed its files:
/// quietly by SIGPIPE when stdout's reader went away, with exit status 1
/// when stdout could not be written, else with `code`.
pub fn finish(code: std::process::ExitCode) -> std::process::ExitCode {
    match STDOUT.load(Ordering::SeqCst) {
        CLOSED => stop_quietly(),
        FAILED => std::process::ExitCode::from(1),
        _ => code,
    }
}

/// The one cleaning function for console text: line breaks stay (`\r\n`
/// becomes `\n`), tabs become spaces, and every other control character
/// (C0, DEL, C1) and bidi override or isolate is dropped.
pub fn clean(text: &str) -> String {
    crate::text::clean_multiline(text)
}

/// Like [`clean`], for a whole document written to stdout (a report or an
/// export): a carriage return directly before a line feed is kept, because
/// some formats (calendar files) need `\r\n` line ends.
pub fn clean_document(text: &str) -> String {
    clean_document_borrowed(text).into_owned()
}

/// [`clean_document`], borrowing `text` when nothing in it needs cleaning.
pub fn clean_document_borrowed(text: &str) -> std::borrow::Cow<'_, str> {
    if needs_cleaning(text) {
        std::borrow::Cow::Owned(clean_each_char(text))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn clean_each_char(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push('\n'),
            '\r' if chars.peek() == Some(&'\n') => out.push('\r'),
            '\t' => out.push_str("    "),
            c if crate::text::is_forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Whether `text` holds anything [`clean_document`] would change: a tab, a
/// carriage return, another C0 control or DEL, a C1 control (UTF-8 `C2 80`
/// to `C2 9F`) or a bidi override or isolate (`E2 80 AA`-`AE`, `E2 81
/// A6`-`A9`). A byte scan, so the common case of clean text costs little.
fn needs_cleaning(text: &str) -> bool {
    let bytes = text.as_bytes();
    // Most text is printable ASCII: a chunk is looked at closely only when
    // it holds a byte that could start something to clean.
    let suspect = |b: u8| (b < 0x20 && b != b'\n') || b == 0x7F || b == 0xC2 || b == 0xE2;
    bytes.chunks(64).enumerate().any(|(n, chunk)| {
        chunk.iter().fold(false, |any, &b| any | suspect(b))
            && chunk
                .iter()
                .enumerate()
                .any(|(i, &b)| needs_cleaning_at(bytes, n * 64 + i, b))
    })
}

/// Whether the byte `b` at `i` in `bytes` starts something to clean.
fn needs_cleaning_at(bytes: &[u8], i: usize, b: u8) -> bool {
    match b {
        b'\n' => false,
        0x00..=0x1F | 0x7F => true,
        0xC2 => bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)),
        0xE2 => match (bytes.get(i + 1), bytes.get(i + 2)) {
            (Some(0x80), Some(n)) => (0xAA..=0xAE).contains(n),
            (Some(0x81), Some(n)) => (0xA6..=0xA9).contains(n),
            _ => false,
        },
        _ => false,
    }
}

/// Prints one line (a newline is added) to stdout. Line breaks inside
/// `text` become spaces, so a value cannot forge a line of its own.
pub fn line(text: &str) {
    let mut cleaned = crate::text::clean_line(text);
    cleaned.push('\n');
    write_to(&mut io::stdout().lock(), Stream::Out, cleaned.as_bytes());
}

/// Prints text that already ends its own lines to stdout.
pub fn text(text: &str) {
    write_to(
        &mut io::stdout().lock(),
        Stream::Out,
        clean(text).as_bytes(),
    );
}

/// Writes a report or export to stdout, keeping `\r\n` line ends.
pub fn document(text: &str) {
    write_to(
        &mut io::stdout().lock(),
        Stream::Out,
        clean_document(text).as_bytes(),
    );
}

/// Prints one line (a newline is added) to stderr; line breaks inside
/// `text` become spaces.
pub fn error_line(text: &str) {
    let mut cleaned = crate::text::clean_line(text);
    cleaned.push('\n');
    write_to(&mut io::stderr().lock(), Stream::Err, cleaned.as_bytes());
}

/// Prints text that already ends its own lines to stderr.
pub fn error_text(text: &str) {
    write_to(
        &mut io::stderr().lock(),
        Stream::Err,
        clean(text).as_bytes(),
    );
}

/// Shows a question on stderr without a line break, for an answer on stdin.
pub fn prompt(text: &str) {
    write_to(
        &mut io::stderr().lock(),
        Stream::Err,
        clean(text).as_bytes(),
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Out,
    Err,
}

/// What a failed write means for the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// The reader went away: stop quietly.
    Closed,
    /// stdout could not be written (a full disk, say): say so and exit 1.
    Report,
    /// stderr could not be written: there is nowhere to say so; go on.
    Ignore,
}

fn failure(stream: Stream, error: &io::Error) -> Failure {
    match (error.kind(), stream) {
        (io::ErrorKind::BrokenPipe, _) => Failure::Closed,
        (_, Stream::Out) => Failure::Report,
        (_, Stream::Err) => Failure::Ignore,
    }
}

fn write_to(sink: &mut impl Write, stream: Stream, bytes: &[u8]) {
    if stream == Stream::Out && STDOUT.load(Ordering::SeqCst) != OPEN {
        return;
    }
    let Err(error) = sink.write_all(bytes).and_then(|()| sink.flush()) else {
        return;
    };
    match failure(stream, &error) {
        Failure::Closed => reader_went_away(),
        Failure::Report => {
            if STDOUT
                .compare_exchange(OPEN, FAILED, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                error_line(&format!(
                    "headway: The output could not be written: {}.",
                    crate::output::reason(&error)
                ));
            }
        }
        Failure::Ignore => {}
    }
}

/// Ends the program as a closed pipe ends `cat`: by SIGPIPE, which a shell
/// shows as status 141, with nothing printed.
pub fn stop_quietly() -> ! {
    // SAFETY: restoring the default action of SIGPIPE and raising it for
    // this process only; no memory is touched.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
    // Not reached when the signal is delivered; a fallback all the same.
    std::process::exit(141)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_escapes_and_keeps_line_breaks() {
        let hostile = "a\u{1b}]52;c;aGk=\u{7}b\u{9b}2J\u{202e}c\r\nd\u{7f}e\tf";
        assert_eq!(clean(hostile), "a]52;c;aGk=b2Jc\nde    f");
    }

    #[test]
    fn documents_keep_crlf_but_not_a_lone_carriage_return() {
        assert_eq!(clean_document("a\r\nb\rc\u{1b}[0m\n"), "a\r\nbc[0m\n");
    }

    #[test]
    fn a_closed_pipe_stops_and_other_stdout_failures_are_reported() {
        let pipe = io::Error::from(io::ErrorKind::BrokenPipe);
        let full = io::Error::other("no space left on device");
        assert_eq!(failure(Stream::Out, &pipe), Failure::Closed);
        assert_eq!(failure(Stream::Err, &pipe), Failure::Closed);
        assert_eq!(failure(Stream::Out, &full), Failure::Report);
        assert_eq!(failure(Stream::Err, &full), Failure::Ignore);
    }

    #[test]
    fn the_byte_scan_passes_only_text_that_cleaning_leaves_alone() {
        for c in (0..=0x3000u32).filter_map(char::from_u32) {
            for text in [
                c.to_string(),
                format!("a{c}b"),
                format!("{c}\n"),
                format!("{c}\r\n"),
            ] {
                assert_eq!(clean_document(&text), clean_each_char(&text), "{c:?}");
            }
        }
    }

    #[test]
    fn the_byte_scan_finds_a_mark_wherever_it_falls_in_a_long_text() {
        for mark in ['\u{1b}', '\u{202e}', '\u{2066}', '\u{85}', '\t'] {
            for at in 0..200 {
                let text = format!("{}{mark}{}", "x".repeat(at), "y".repeat(150));
                assert_eq!(
                    clean_document(&text),
                    clean_each_char(&text),
                    "{mark:?} at {at}"
                );
            }
        }
    }
}
