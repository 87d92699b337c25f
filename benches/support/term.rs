//! The real headway in a pseudo-terminal. Every read of its output is
//! timed as it arrives and fed to a vt100 parser, so a frame can be timed
//! to its last byte and its bytes counted.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

use super::data::HEADWAY;

/// A frame is complete once the screen shows what the step waits for and
/// no byte has come for this long.
pub const QUIET: Duration = Duration::from_millis(80);

/// One read of the program's output.
#[derive(Clone, Copy)]
struct Chunk {
    at: Instant,
    bytes: usize,
    /// Whether it changed what the screen shows (text or attributes). A
    /// redraw that changes nothing still writes a few bytes of colour
    /// resets; it must not count as the end of a frame.
    changed: bool,
}

struct Seen {
    parser: vt100::Parser,
    /// The screen as last drawn, to tell which chunks changed it.
    shown: Vec<u8>,
    chunks: Vec<Chunk>,
    /// The program closed the terminal (it has ended).
    closed: bool,
}

/// What one step drew.
#[derive(Clone, Copy, Debug)]
pub struct Frame {
    /// From the key (or the start) to the last byte that changed the screen.
    pub latency: Duration,
    /// Every byte written after the key, up to the quiet that ended it.
    pub bytes: u64,
    /// The floor for `bytes`: the text of the cells whose contents or look
    /// the step changed, in UTF-8 (a blank counts one byte). A program
    /// that writes only what changed writes this plus cursor moves and
    /// colours.
    pub changed: u64,
}

pub struct Term {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    seen: Arc<Mutex<Seen>>,
    reader: Option<JoinHandle<()>>,
    started: Instant,
    rows: u16,
    cols: u16,
}

impl Term {
    /// Starts headway with `args` in a new terminal of `cols` x `rows`,
    /// in the folder `cwd`.
    pub fn start(args: &[&str], cwd: &Path, cols: u16, rows: u16) -> Result<Term, String> {
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        let pair = native_pty_system()
            .openpty(size)
            .map_err(|e| format!("no pseudo-terminal: {e}"))?;
        let seen = Arc::new(Mutex::new(Seen {
            parser: vt100::Parser::new(rows, cols, 0),
            shown: Vec::new(),
            chunks: Vec::new(),
            closed: false,
        }));
        // The reader runs before the program starts, so the first byte is
        // timed when it is written, not when someone gets round to it.
        let mut output = pair
            .master
            .try_clone_reader()
            .map_err(|e| format!("the terminal cannot be read: {e}"))?;
        let sink = seen.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match output.read(&mut buf) {
                    // Linux says EIO once the program has closed its side.
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let at = Instant::now();
                        let mut seen = lock(&sink);
                        seen.parser.process(&buf[..n]);
                        let now = seen.parser.screen().contents_formatted();
                        let changed = now != seen.shown;
                        seen.shown = now;
                        seen.chunks.push(Chunk {
                            at,
                            bytes: n,
                            changed,
                        });
                    }
                }
            }
            lock(&sink).closed = true;
        });
        let mut cmd = CommandBuilder::new(HEADWAY);
        cmd.args(args);
        cmd.cwd(cwd);
        cmd.env("TERM", "xterm-256color");
        for var in ["NO_COLOR", "HEADWAY_DB", "HEADWAY_TODAY"] {
            cmd.env_remove(var);
        }
        let started = Instant::now();
        let child = pair
            .slave
            .spawn_command(cmd)
            .map_err(|e| format!("headway did not start: {e}"))?;
        // Only the program holds the other side now, so reads end when it does.
        drop(pair.slave);
        let writer = pair
            .master
            .take_writer()
            .map_err(|e| format!("the terminal cannot be written: {e}"))?;
        Ok(Term {
            child,
            master: pair.master,
            writer,
            seen,
            reader: Some(reader),
            started,
            rows,
            cols,
        })
    }

    /// Waits for the first frame to be complete (`done` holds and the
    /// output is quiet), timed from the start of the program.
    pub fn first_frame(
        &self,
        done: impl Fn(&vt100::Screen) -> bool,
        limit: Duration,
    ) -> Result<Frame, String> {
        let blank = vt100::Parser::new(self.rows, self.cols, 0).screen().clone();
        self.frame_after(0, self.started, &blank, &done, limit)
    }

    /// Sends `keys` and waits until they have changed the screen, `done`
    /// holds, and the output is quiet.
    pub fn key(
        &mut self,
        keys: &str,
        done: impl Fn(&vt100::Screen) -> bool,
        limit: Duration,
    ) -> Result<Frame, String> {
        // Output still coming from an earlier step would be counted here.
        self.settle(limit)?;
        let (from, before) = {
            let seen = lock(&self.seen);
            (seen.chunks.len(), seen.parser.screen().clone())
        };
        let sent = Instant::now();
        self.writer
            .write_all(keys.as_bytes())
            .and_then(|()| self.writer.flush())
            .map_err(|e| format!("keys could not be sent: {e}"))?;
        self.frame_after(from, sent, &before, &done, limit)
    }

    /// Makes the program draw its whole screen again, as after a resize
    /// (ratatui clears and redraws everything), and returns that frame:
    /// the bytes of a full redraw of the screen shown now.
    pub fn full_redraw(&mut self, limit: Duration) -> Result<Frame, String> {
        self.settle(limit)?;
        let (rows, cols) = (self.rows, self.cols);
        self.resize(rows.saturating_sub(1).max(1), cols)?;
        self.frame_after_change(limit)?;
        self.resize(rows, cols)?;
        self.frame_after_change(limit)
    }

    /// The text on the screen now.
    pub fn text(&self) -> String {
        lock(&self.seen).parser.screen().contents()
    }

    /// The first lines of the screen, for a message.
    pub fn excerpt(&self) -> String {
        excerpt(&self.text())
    }

    /// The peak resident memory of the program so far (VmHWM), in bytes.
    pub fn peak_memory(&self) -> Option<u64> {
        let pid = self.child.process_id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    }

    /// Sends `keys` (if any) to quit and waits up to `limit` for the
    /// program to end; then stops it. Returns whether it ended by itself.
    pub fn close(mut self, keys: Option<&str>, limit: Duration) -> bool {
        if let Some(keys) = keys {
            let _ = self.writer.write_all(keys.as_bytes());
            let _ = self.writer.flush();
        }
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }

    fn resize(&mut self, rows: u16, cols: u16) -> Result<(), String> {
        // The parser takes the new size first, so the program's answer to
        // it is read at that size.
        lock(&self.seen).parser.screen_mut().set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .map_err(|e| format!("the terminal could not be resized: {e}"))
    }

    fn frame_after_change(&self, limit: Duration) -> Result<Frame, String> {
        let (from, before) = {
            let seen = lock(&self.seen);
            (seen.chunks.len(), seen.parser.screen().clone())
        };
        self.frame_after(
            from,
            Instant::now(),
            &before,
            &|_: &vt100::Screen| true,
            limit,
        )
    }

    /// Waits until nothing has been written for `QUIET`.
    fn settle(&self, limit: Duration) -> Result<(), String> {
        let start = Instant::now();
        loop {
            let last = lock(&self.seen).chunks.last().map(|c| c.at);
            if last.is_none_or(|at| at.elapsed() >= QUIET) {
                return Ok(());
            }
            if start.elapsed() > limit {
                return Err("the program never stopped writing".into());
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// The frame made of the chunks from index `from` on, timed from
    /// `since`: complete once one of them changed the screen, `done`
    /// holds, and nothing has come for `QUIET`.
    fn frame_after(
        &self,
        from: usize,
        since: Instant,
        before: &vt100::Screen,
        done: &dyn Fn(&vt100::Screen) -> bool,
        limit: Duration,
    ) -> Result<Frame, String> {
        loop {
            {
                let seen = lock(&self.seen);
                let chunks = &seen.chunks[from.min(seen.chunks.len())..];
                let last_change = chunks.iter().rev().find(|c| c.changed);
                if let (Some(change), Some(last)) = (last_change, chunks.last()) {
                    if last.at.elapsed() >= QUIET && done(seen.parser.screen()) {
                        return Ok(Frame {
                            latency: change.at.saturating_duration_since(since),
                            bytes: chunks.iter().map(|c| c.bytes as u64).sum(),
                            changed: changed_cells(before, seen.parser.screen()),
                        });
                    }
                }
                if seen.closed {
                    return Err(format!(
                        "headway ended; the screen showed:\n{}",
                        excerpt(&seen.parser.screen().contents())
                    ));
                }
            }
            if since.elapsed() > limit {
                return Err(format!(
                    "not there within {:.1} s; the screen showed:\n{}",
                    limit.as_secs_f64(),
                    self.excerpt()
                ));
            }
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            // SIGHUP first (headway restores the terminal and ends), then
            // SIGKILL if it has not ended after a moment.
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
    }
}

fn lock(seen: &Mutex<Seen>) -> MutexGuard<'_, Seen> {
    seen.lock().unwrap_or_else(|e| e.into_inner())
}

/// The first non-blank lines of a screen, trimmed.
fn excerpt(text: &str) -> String {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .take(6)
        .map(|l| format!("| {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Whether the screen shows `text` anywhere.
/// The UTF-8 bytes of the cells that differ between two screens of the
/// same size, in text or look (a blank cell counts one byte).
fn changed_cells(before: &vt100::Screen, after: &vt100::Screen) -> u64 {
    let (rows, cols) = after.size();
    let mut total = 0;
    for row in 0..rows {
        for col in 0..cols {
            let (Some(a), b) = (after.cell(row, col), before.cell(row, col)) else {
                continue;
            };
            if b != Some(a) {
                total += a.contents().len().max(1) as u64;
            }
        }
    }
    total
}

pub fn shows(screen: &vt100::Screen, text: &str) -> bool {
    screen.contents().contains(text)
}

/// The screen's rows as text.
pub fn rows(screen: &vt100::Screen) -> Vec<String> {
    let (_, cols) = screen.size();
    screen.rows(0, cols).collect()
}
