//! The terminal UI: the run loop and the guard that always gives the
//! terminal back, panic included.

pub mod app;
pub mod config;
pub mod keymap;
pub mod nav;
mod painter;
pub mod prompts;
pub mod recovery;
pub mod screens;
mod session;
pub mod theme;
mod unsaved;
pub mod widgets;

use std::io::{self, stdout};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
use crossterm::execute;
use crossterm::terminal::{enable_raw_mode, Clear, ClearType, EnterAlternateScreen};
use jiff::civil::Date;
use ratatui::buffer::Buffer;

use crate::store::upkeep::UpkeepProblem;
use crate::store::Store;
use app::App;

/// The terminal as the app draws on it.
type Term = ratatui::Terminal<painter::Painter<io::Stdout>>;

/// Restores the terminal when dropped, and on panic through a chained hook.
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> io::Result<(TerminalGuard, Term)> {
        // As ratatui's own start: raw keys, the alternate screen (blank).
        enable_raw_mode()?;
        execute!(stdout(), EnterAlternateScreen)?;
        let terminal = ratatui::Terminal::new(painter::Painter::new(
            ratatui::backend::CrosstermBackend::new(stdout()),
        ))?;
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = execute!(stdout(), DisableBracketedPaste, crossterm::cursor::Show);
            ratatui::restore();
            previous(info);
        }));
        execute!(stdout(), EnableBracketedPaste)?;
        Ok((TerminalGuard, terminal))
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(stdout(), DisableBracketedPaste);
        ratatui::restore();
    }
}

/// Records in `stop` the number of a SIGTERM, SIGHUP or SIGINT. If the loop
/// has not finished a second later (after a hang-up, crossterm can spin
/// inside `poll` on the dead terminal), restores what it can and exits with
/// 128 + the signal: every change is already committed, unsaved text is
/// already in the recovery file, and the writer's lock must not outlive the
/// user's session.
fn watch_signals(stop: Arc<AtomicI32>) -> io::Result<()> {
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT])?;
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            stop.store(signal, Ordering::Relaxed);
            std::thread::sleep(Duration::from_secs(1));
            let _ = execute!(stdout(), DisableBracketedPaste, crossterm::cursor::Show);
            ratatui::restore();
            std::process::exit(128 + signal);
        }
    });
    Ok(())
}

/// Ctrl+Z: gives the terminal back and stops like any job; after `fg`,
/// takes the terminal again and redraws everything.
fn suspend(terminal: &mut Term) -> io::Result<()> {
    let _ = execute!(stdout(), DisableBracketedPaste, crossterm::cursor::Show);
    ratatui::restore();
    // SAFETY: raising a signal on our own process has no memory effects.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    repaint_all(terminal)
}

/// Hands the terminal to the user's editor ($VISUAL, else $EDITOR, else vi)
/// on a private temporary file holding `text`, as `git commit` does, and
/// returns what it holds when the editor closes. The file is removed.
fn edit_outside(terminal: &mut Term, text: &str) -> io::Result<String> {
    use std::io::{Read, Write};
    use std::os::unix::fs::OpenOptionsExt;
    static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let path = std::env::temp_dir().join(format!("headway-note-{}-{n}.txt", std::process::id()));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .custom_flags(libc::O_NOFOLLOW)
        .open(&path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    drop(file);
    let editor = std::env::var("VISUAL")
        .ok()
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".into());
    let _ = execute!(stdout(), DisableBracketedPaste, crossterm::cursor::Show);
    ratatui::restore();
    // The editor may be a command with arguments ("code -w"): the shell
    // splits it, and the file is passed as one argument whatever its name.
    let ran = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    repaint_all(terminal)?;
    let mut written = String::new();
    let read = std::fs::File::open(&path).and_then(|mut f| f.read_to_string(&mut written));
    let _ = std::fs::remove_file(&path);
    match ran {
        Ok(status) if status.success() => {}
        Ok(status) => {
            return Err(io::Error::other(format!(
                "{editor} ended with {status}; the note is as it was"
            )))
        }
        Err(e) => return Err(e),
    }
    read?;
    Ok(written.trim_end_matches(['\n', '\r']).to_string())
}

/// Makes the next frame repaint every cell, after the screen was changed
/// around ratatui. (`Terminal::clear` would ask the terminal where its
/// cursor is, and a terminal that never answers would end the session.)
fn repaint_all(terminal: &mut Term) -> io::Result<()> {
    use ratatui::backend::Backend;
    terminal
        .backend_mut()
        .clear_region(ratatui::backend::ClearType::All)?;
    terminal.backend_mut().flush()?;
    // A blank frame: the next one then draws every cell that is not blank.
    terminal.draw(|_| {})?;
    Ok(())
}

/// Last guard against hostile text: any control character or bidi override
/// that reached a cell (say from a database edited by another program) is
/// removed before the frame is written to the terminal.
fn neutralise(buffer: &mut Buffer) {
    for cell in buffer.content.iter_mut() {
        if cell.symbol().chars().any(crate::text::is_forbidden) {
            let clean: String = cell
                .symbol()
                .chars()
                .filter(|c| !crate::text::is_forbidden(*c))
                .collect();
            cell.set_symbol(if clean.is_empty() { " " } else { &clean });
        }
    }
}

/// Events that arrive this soon after a paste belong to the same burst of
/// input: no one types that fast after pasting.
const PASTE_BURST: Duration = Duration::from_millis(30);
/// How long to look for input already waiting: no real wait (the poll
/// rounds it down), but not zero, which crossterm's /dev/tty reader treats
/// as "do not look at all".
const WAITING: Duration = Duration::from_micros(100);

/// A burst of keys is taken as a paste only when the app had been waiting
/// for input at least this long before it came.
const QUIET_BEFORE_PASTE: Duration = Duration::from_millis(5);

/// Keys arriving together, at least this many of them characters, are a
/// paste rather than typing while a text box is open: nobody types eight
/// keys in the same instant.
const BURST_KEYS: usize = 8;

/// With no text box open, two characters arriving together are already a
/// paste: commands come one key at a time, and a pasted `xy` must not
/// remove an evaluation and answer its question.
const BURST_COMMANDS: usize = 2;

/// How many of `events` are printable characters (a burst of Tab and Enter
/// alone is someone moving through a form quickly, not a paste).
fn typed_characters(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| {
            matches!(e, Event::Key(k) if k.kind == event::KeyEventKind::Press
                && !k.modifiers.contains(event::KeyModifiers::CONTROL)
                && matches!(k.code, event::KeyCode::Char(_)))
        })
        .count()
}

/// The text a burst of keys spells: characters as they are, a line break
/// or Tab as a space; anything else (arrows, control keys) left out.
fn burst_text(events: &[Event]) -> String {
    let mut text = String::new();
    for e in events {
        match e {
            Event::Key(k) if k.kind == event::KeyEventKind::Press => match k.code {
                event::KeyCode::Char(_) if k.modifiers.contains(event::KeyModifiers::CONTROL) => {}
                event::KeyCode::Char(c) => text.push(c),
                event::KeyCode::Enter | event::KeyCode::Tab => text.push(' '),
                _ => {}
            },
            Event::Paste(more) => text.push_str(more),
            _ => {}
        }
    }
    text
}

/// The most events taken as one paste's tail.
const PASTE_TAIL_MAX: usize = 100_000;

/// The events that came in right behind a paste. A pasted text can carry its
/// own end marker (`ESC[201~`), so the terminal ends the paste early and the
/// rest arrives as key presses; those must not run as commands.
fn paste_tail() -> io::Result<Vec<Event>> {
    let mut tail = Vec::new();
    while tail.len() < PASTE_TAIL_MAX && event::poll(PASTE_BURST)? {
        tail.push(event::read()?);
    }
    Ok(tail)
}

/// How often the loop looks for a termination signal, or a message to
/// fade, while idle.
const MESSAGE_CHECK: Duration = Duration::from_millis(200);

/// How long a message stays on the screen: what was saved, a few seconds;
/// a note, a little longer; a failure, longer still. A change refused while
/// no text box was open holds keys until it is answered, and stays.
fn fades_after(status: &app::Status) -> Option<Duration> {
    match status {
        app::Status::Saved(_) => Some(Duration::from_secs(4)),
        app::Status::Info(_) => Some(Duration::from_secs(8)),
        app::Status::Error(_) => Some(Duration::from_secs(12)),
        app::Status::Held(_) | app::Status::None => None,
    }
}

/// Which screen the app opens on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    Home,
    CheckIn(crate::agenda::Filter),
}

pub fn run(store: Store, today: Date, start: Start, config: config::Config) -> io::Result<()> {
    let mut app = App::new(store, today, theme::Theme::from_env(config.palette));
    app.keys = config.keys;
    if let Start::CheckIn(filter) = start {
        app.navigate(app::Nav::CheckIn { filter });
    }
    // Where the last session was, if it ended without quitting: offered
    // (after any unsaved text, which comes first).
    let (mut mark, left) = session::SessionMark::begin(app.store.path());
    if let (None, Some(Some((evaluation, index)))) = (&app.prompt, left) {
        app.prompt = resume_prompt(&app.store, evaluation, index);
    }
    // SIGTERM, SIGHUP and SIGINT end the loop, so the guard restores the
    // terminal. Every change is already committed, and text the store
    // refused is already in the recovery file, so nothing is lost.
    let stop = Arc::new(AtomicI32::new(0));
    watch_signals(stop.clone())?;
    let (guard, mut terminal) = TerminalGuard::enter()?;
    // Only for the test that proves a panic gives the terminal back.
    let panic_for_test = std::env::var_os("HEADWAY_TEST_PANIC").is_some();
    let mut signal = 0;
    let mut upkeep: Option<Upkeep> = None;
    // The message on show, and since when: it fades after a while.
    let mut message = (app.status.clone(), std::time::Instant::now());
    // A change made while the page check runs waits for it: the bottom line
    // says so as it starts waiting (the frame is redrawn whole afterwards).
    let waited = std::rc::Rc::new(std::cell::Cell::new(false));
    {
        let waited = waited.clone();
        app.store.before_waiting_for_check(move || {
            waited.set(true);
            show_waiting();
        });
    }
    while !app.quit {
        terminal.draw(|frame| {
            app.view(frame);
            neutralise(frame.buffer_mut());
        })?;
        // The page check and today's backup start once the first frame is
        // up, on a thread and a connection of their own; what they find is
        // shown when they end.
        if upkeep.is_none() {
            upkeep = Some(Upkeep::start(&mut app));
        }
        if matches!(&app.status, app::Status::Info(m) if m == REBUILDING) {
            // Drawn first, so the wait is explained; every note is whole,
            // so the index is built again from them.
            app.status = match app.store.rebuild_search_indexes() {
                Ok(()) => app::Status::Saved("Search index built again".into()),
                Err(e) => app::Status::Error(format!(
                    "The search index is damaged and could not be built again: {e}"
                )),
            };
            continue;
        }
        if let Some(problem) = upkeep.as_mut().and_then(Upkeep::problem) {
            report(&mut app, problem);
            continue;
        }
        if panic_for_test {
            panic!("HEADWAY_TEST_PANIC is set");
        }
        if std::mem::take(&mut app.suspend) {
            suspend(&mut terminal)?;
            continue;
        }
        if app.status != message.0 {
            message = (app.status.clone(), std::time::Instant::now());
        }
        let faded = || fades_after(&message.0).is_some_and(|d| message.1.elapsed() >= d);
        let mut upkeep_ended = false;
        let mut fade = false;
        let waiting_since = std::time::Instant::now();
        while signal == 0 && !upkeep_ended && !fade && !event::poll(MESSAGE_CHECK)? {
            signal = stop.load(Ordering::Relaxed);
            upkeep_ended = upkeep.as_ref().is_some_and(Upkeep::ended);
            fade = faded();
        }
        signal = stop.load(Ordering::Relaxed);
        if signal != 0 {
            break;
        }
        if upkeep_ended {
            // Redraw with what the upkeep said, without waiting for a key.
            continue;
        }
        if fade {
            app.status = app::Status::None;
            continue;
        }
        match event::read()? {
            Event::Paste(text) => {
                let tail = paste_tail()?;
                app.paste_burst(&text, tail);
            }
            event => {
                // Everything already waiting is read before the next frame.
                // Keys that come all at once while a text box is open are a
                // paste the terminal did not mark as one: they are text, and
                // a line break in them is not Enter.
                let mut burst = vec![event];
                while burst.len() < PASTE_TAIL_MAX && event::poll(WAITING)? {
                    burst.push(event::read()?);
                }
                // Keys queued while the app was busy (a save waiting for the
                // page check, say) are typing, not a paste: only a burst
                // that breaks a quiet is taken as one.
                let after_quiet = waiting_since.elapsed() >= QUIET_BEFORE_PASTE;
                // With no text box open such a burst is a paste too, and
                // never runs as commands: it is set aside with a word.
                let enough = if app.is_typing() {
                    BURST_KEYS
                } else {
                    BURST_COMMANDS
                };
                if after_quiet && typed_characters(&burst) >= enough {
                    burst.extend(paste_tail()?);
                    let text = burst_text(&burst);
                    app.paste_burst(&text, Vec::new());
                } else {
                    for event in burst {
                        match event {
                            Event::Paste(text) => app.paste_burst(&text, Vec::new()),
                            event => app.event(event),
                        }
                        if app.quit {
                            break;
                        }
                    }
                }
            }
        }
        if let Some(text) = app.external_edit.take() {
            match edit_outside(&mut terminal, &text) {
                Ok(written) => app.replace_typed(&written),
                Err(e) => {
                    app.status = app::Status::Error(format!("Your editor could not be used: {e}"))
                }
            }
        }
        mark.at(match &app.screen {
            app::Screen::Walk(w) => Some((w.evaluation_id(), w.index())),
            _ => None,
        });
        if waited.take() {
            // The notice was written around ratatui: draw everything again.
            repaint_all(&mut terminal)?;
        }
    }
    if signal != 0 {
        if let Some(upkeep) = upkeep.take() {
            upkeep.abandon();
        }
        let lost = app.keep_unsaved();
        // Closes the store (releasing the writer's lock), then gives the
        // terminal back, then tells the shell which signal ended it.
        drop(app);
        drop(terminal);
        drop(guard);
        // Text neither the store nor the recovery file took: the terminal
        // the user is looking at is the last place it can go.
        for entry in lost {
            crate::console::error_line(&format!(
                "headway: not saved, and no recovery file could be written; your text for {}: {}",
                entry.label, entry.text
            ));
        }
        std::process::exit(128 + signal);
    }
    // Quitting: nothing to pick up next time.
    mark.end();
    let halted = app.store.halted().map(str::to_string);
    drop(app);
    drop(terminal);
    drop(guard);
    if let Some(why) = halted {
        crate::console::error_line(&format!("headway: {why}"));
    }
    // A backup still copying is let finish, so it is whole; the terminal is
    // already given back. A page check still running is stopped.
    if let Some(upkeep) = upkeep {
        upkeep.finish();
    }
    Ok(())
}

/// The offer to go back to statement `index` of `evaluation`, where the
/// last session was when it ended without quitting; `None` if that
/// evaluation or statement is no longer there.
fn resume_prompt(store: &Store, evaluation: i64, index: usize) -> Option<prompts::Prompt> {
    let e = store.evaluation(evaluation).ok()?;
    let tool = store.tool(&e.tool_id, e.tool_version).ok()?;
    let keys = tool.statement_keys();
    let key = keys.get(index)?;
    let judgements = store.judgements(evaluation).ok()?;
    let j = judgements.get(key).cloned().unwrap_or_default();
    let note = [&j.rationale, &j.defer_note, &j.evidence]
        .into_iter()
        .find(|t| !t.trim().is_empty())
        .cloned()
        .unwrap_or_default();
    // The end of it, where a sentence may stop mid-word.
    let chars: Vec<char> = crate::text::clean_line(&note).chars().collect();
    let typed = if chars.len() > 80 {
        format!("…{}", chars[chars.len() - 80..].iter().collect::<String>())
    } else {
        chars.into_iter().collect()
    };
    Some(prompts::Prompt::Resume {
        evaluation,
        index,
        place: crate::text::clean_line(&format!(
            "statement {} of {} of {}, {} · {} · {}",
            index + 1,
            keys.len(),
            tool.title,
            e.school_name,
            e.scope,
            e.cycle
        )),
        typed,
    })
}

/// Said on the status line when damage is found while a text box is open.
const DAMAGED_WHILE_TYPING: &str = "This file is damaged: nothing more is saved to it, and what you type is kept in the recovery file. Quit to see how to restore it.";

/// Said while the page check runs and a key comes in.
const CHECKING: &str =
    "Checking the file before its first change is saved; this takes a moment on a large file.";

/// Writes [`CHECKING`] over the bottom line, directly: the app is inside a
/// key's handling and cannot draw a frame until the check has ended.
fn show_waiting() {
    use crossterm::cursor::{MoveTo, RestorePosition, SavePosition};
    use crossterm::style::Print;
    let Ok((width, height)) = crossterm::terminal::size() else {
        return;
    };
    let text = crate::text::wrap::start_within(CHECKING, usize::from(width));
    let _ = execute!(
        stdout(),
        SavePosition,
        MoveTo(0, height.saturating_sub(1)),
        Clear(ClearType::CurrentLine),
        Print(text),
        RestorePosition
    );
}

/// The page check and today's backup, running beside the app.
struct Upkeep {
    thread: Option<std::thread::JoinHandle<Result<(), UpkeepProblem>>>,
    stop: Option<crate::store::upkeep::Stop>,
    /// A problem found before the work could start, not said yet.
    problem: Option<UpkeepProblem>,
}

impl Upkeep {
    fn start(app: &mut App) -> Upkeep {
        match app.store.upkeep_job(jiff::Zoned::now().date()) {
            Ok(job) => Upkeep {
                stop: Some(job.stopper()),
                thread: Some(std::thread::spawn(move || job.run())),
                problem: None,
            },
            Err(e) => Upkeep {
                thread: None,
                stop: None,
                problem: Some(UpkeepProblem::Backup(e)),
            },
        }
    }

    /// The work has ended and what it said is not read yet.
    fn ended(&self) -> bool {
        self.problem.is_some() || self.thread.as_ref().is_some_and(|t| t.is_finished())
    }

    /// What went wrong, once the work has ended (said once).
    fn problem(&mut self) -> Option<UpkeepProblem> {
        if let Some(problem) = self.problem.take() {
            return Some(problem);
        }
        if !self.thread.as_ref()?.is_finished() {
            return None;
        }
        self.thread.take()?.join().ok()?.err()
    }

    /// Stops a page check still running, skips a backup not yet begun,
    /// and waits for a backup already copying, so it is whole.
    fn finish(mut self) {
        if let Some(stop) = self.stop.take() {
            stop.stop();
        }
        if let Some(thread) = self.thread.take() {
            if !thread.is_finished() {
                crate::console::error_line("headway: finishing today's backup before closing…");
            }
            let _ = thread.join();
        }
    }

    /// Stops everything at once (the process is ending on a signal); a
    /// backup stopped part way removes its copy.
    fn abandon(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            stop.abandon();
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// However the app ends (an error from the terminal included), work still
/// running is stopped and a copy left part way is removed.
impl Drop for Upkeep {
    fn drop(&mut self) {
        self.stop_now();
    }
}

/// Tells the user what the upkeep found. Damage stops every later save, so
/// nothing more goes into a damaged file; typed text goes to the recovery
/// file as for any refused save.
fn report(app: &mut App, problem: UpkeepProblem) {
    match problem {
        UpkeepProblem::Damaged(e) => {
            let why = crate::store::upkeep::halt_reason(&e);
            app.store.halt_writes(why.clone());
            // Keys typed into an open text box stay text: the next save is
            // refused and the text goes to the recovery file.
            app.status = if app.is_typing() {
                // One line: the whole message is printed when headway ends.
                app::Status::Error(DAMAGED_WHILE_TYPING.into())
            } else {
                app::Status::Held(why)
            };
        }
        UpkeepProblem::Backup(e) => {
            app.status = app::Status::Error(format!("Today's backup failed: {e}"));
        }
        UpkeepProblem::SearchIndex(_) => {
            app.status = app::Status::Info(REBUILDING.into());
        }
    }
}

/// Said while a damaged search index is built again.
const REBUILDING: &str =
    "The search index is damaged (the notes are not): building it again, a moment…";
