//! The real headway in a pseudo-terminal: time to the first frame, time
//! from a key to its frame, bytes written per key, and peak memory with
//! the finder open, on generated databases. Each time is printed beside a
//! floor measured in the same run:
//!
//! - a first frame beside the first frame of a brand-new empty database;
//! - a key beside a key that only redraws (`?` opens the help, `Esc`
//!   closes it) in the same session;
//! - the bytes of a key beside a full redraw of the same screen (the frame
//!   drawn after the terminal is resized, which ratatui draws whole), and
//!   beside the text of the cells the key changed (what a terminal must be
//!   sent at the least).
//!
//! Run with `cargo bench --bench screens`. Settings: HEADWAY_BENCH_SCHOOLS
//! (1,20,500), HEADWAY_BENCH_TERMS (80x24,200x50), HEADWAY_BENCH_REPS,
//! HEADWAY_BENCH_TIMEOUT (seconds per step, 20), HEADWAY_BENCH_DIR (keeps
//! the generated databases for the next run).

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use support::data::{self, for_size, path_str, Databases};
use support::report::{self, median, Amount, Target};
use support::term::{rows, shows, Frame, Term};

const HELP_FLOOR: &str = "help overlay, ? and Esc (floor)";
const HOME_DOWN: &str = "home selection (Down)";
const PLAN_OPEN: &str = "open the plan (p)";
const PLAN_BACK: &str = "plan back home (q)";
const CHECKIN_OPEN: &str = "open the check-in (c)";
const CHECKIN_BACK: &str = "check-in back home (q)";
const SUMMARY_OPEN: &str = "open a summary (s)";
const WALK_OPEN: &str = "summary to the walk (w)";
const WALK_NEXT: &str = "next statement (l)";
const WALK_BACK: &str = "walk back home (q)";
const FINDER_OPEN: &str = "open the finder (Ctrl+F)";
const FINDER_BACK: &str = "finder back home (Esc)";
/// Typed into the finder one key at a time.
const QUERY: &str = "phon";

fn main() {
    let databases = Databases::new();
    let terminals = terminal_sizes();
    for schools in data::school_counts() {
        let db = match databases.generated(schools) {
            Ok(db) => db,
            Err(e) => {
                println!("{schools} schools: no database, so no measurements: {e}");
                continue;
            }
        };
        for &(cols, rows) in &terminals {
            Bench {
                databases: &databases,
                db: db.clone(),
                schools,
                cols,
                rows,
                reps: data::repetitions(schools),
                limit: data::step_limit(Duration::from_secs(20)),
                frames: Vec::new(),
                failures: Vec::new(),
                full_redraws: Vec::new(),
                finder_memory: None,
            }
            .run();
        }
    }
}

/// Terminal sizes to measure: HEADWAY_BENCH_TERMS=80x24,200x50 (the default).
fn terminal_sizes() -> Vec<(u16, u16)> {
    let text = std::env::var("HEADWAY_BENCH_TERMS").unwrap_or("80x24,200x50".into());
    let mut sizes = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let parsed = part
            .split_once('x')
            .and_then(|(c, r)| Some((c.parse().ok()?, r.parse().ok()?)))
            .filter(|&(c, r): &(u16, u16)| c >= 20 && r >= 5);
        match parsed {
            Some(size) => sizes.push(size),
            None => eprintln!("HEADWAY_BENCH_TERMS: {part:?} is not COLSxROWS; left out"),
        }
    }
    sizes
}

/// The measurements of one database at one terminal size.
struct Bench<'a> {
    databases: &'a Databases,
    db: PathBuf,
    schools: u32,
    cols: u16,
    rows: u16,
    reps: usize,
    limit: Duration,
    /// Every measured frame, by step.
    frames: Vec<(String, Frame)>,
    /// The step that stopped a group, and why.
    failures: Vec<(String, String)>,
    /// Full redraws by screen ("home", "walk").
    full_redraws: Vec<(&'static str, Frame)>,
    /// Peak memory after the finder was opened, and whether it was fully open.
    finder_memory: Option<(u64, bool)>,
}

/// A step that did not give a frame; its message is already kept.
struct Stopped;

/// The first frames of repeated starts, and why they stopped early if they did.
struct Starts {
    frames: Vec<Frame>,
    stopped: Option<String>,
}

impl Starts {
    /// Prints the median first frame; returns it, to serve as a floor.
    fn print(&self, what: &str, floor: Option<Duration>, target: Target) -> Option<Duration> {
        let time = median(&self.frames.iter().map(|f| f.latency).collect::<Vec<_>>());
        match (time, &self.stopped) {
            (Some(t), _) => report::line(what, Amount::Time(t), floor.map(Amount::Time), target),
            (None, Some(e)) => report::missing(what, target, e),
            (None, None) => report::missing(what, target, "no repetitions"),
        }
        if let (Some(_), Some(e)) = (time, &self.stopped) {
            report::note(&format!("only {} starts: {e}", self.frames.len()));
        }
        time
    }
}

impl Bench<'_> {
    fn run(mut self) {
        report::section(&format!(
            "screens: {} schools, {}x{}, median of {} (keys to frame: median of all samples)",
            self.schools, self.cols, self.rows, self.reps
        ));
        self.starts();
        self.keys();
    }

    // ---- starting the app ----

    fn starts(&mut self) {
        let target = Target::AtMost(Amount::Time(for_size(self.schools, ms(50), ms(100))));
        let fresh = self.repeat_starts(
            |n| {
                self.databases
                    .scratch_dir(&format!("new-{n}"))
                    .join("new.db")
            },
            || {},
        );
        let floor = fresh.print(
            "first frame, new empty database (floor)",
            None,
            Target::None,
        );
        let backups = self.db.with_file_name("backups");
        self.repeat_starts(
            |_| self.db.clone(),
            // Today's backup is due again once the folder is gone.
            || {
                let _ = std::fs::remove_dir_all(&backups);
            },
        )
        .print("first frame, first start of day", floor, target);
        let later = self.repeat_starts(|_| self.db.clone(), || {});
        later.print("first frame, later start", floor, target);
        if let Some(bytes) = median(&later.frames.iter().map(|f| f.bytes).collect::<Vec<_>>()) {
            report::note(&format!("home's first frame: {bytes} bytes"));
        }
    }

    /// Starts headway `reps` times on `db_for(n)`, calling `before` first
    /// each time, and keeps the first frames until one fails.
    fn repeat_starts(&self, db_for: impl Fn(usize) -> PathBuf, before: impl Fn()) -> Starts {
        let mut starts = Starts {
            frames: Vec::new(),
            stopped: None,
        };
        for n in 0..self.reps {
            before();
            match self.start_once(&db_for(n)) {
                Ok(frame) => starts.frames.push(frame),
                Err(e) => {
                    starts.stopped = Some(e);
                    break;
                }
            }
        }
        starts
    }

    /// Starts headway on `db`, waits for the home screen's first frame and
    /// quits, waiting for the process to end (today's backup included).
    fn start_once(&self, db: &Path) -> Result<Frame, String> {
        let term = self.start(db)?;
        let frame = term.first_frame(home, 3 * self.limit);
        let ended = term.close(Some("q"), 6 * self.limit);
        match (frame, ended) {
            (Ok(frame), true) => Ok(frame),
            (Ok(_), false) => Err("headway did not end after q on the home screen".into()),
            (Err(e), _) => Err(e),
        }
    }

    fn start(&self, db: &Path) -> Result<Term, String> {
        let folder = db.parent().expect("a database in a folder");
        Term::start(&["--db", path_str(db)], folder, self.cols, self.rows)
    }

    // ---- keys ----

    /// Each group of keys starts from the home screen of a running app. A
    /// group that fails ends its session, and the next group starts a new one.
    fn keys(&mut self) {
        type Group<'b> = fn(&mut Bench<'b>, &mut Term) -> Result<(), Stopped>;
        let groups: [(&str, Group); 6] = [
            ("help", Bench::help),
            ("home", Bench::home_selection),
            ("plan", Bench::plan),
            ("check-in", Bench::check_in),
            ("finder", Bench::finder),
            ("walk", Bench::walk),
        ];
        let mut session: Option<Term> = None;
        for (name, group) in groups {
            let mut term = match session.take() {
                Some(term) => term,
                None => match self.start_home() {
                    Ok(term) => term,
                    Err(e) => {
                        self.failures
                            .push((format!("start before the {name} keys"), e));
                        continue;
                    }
                },
            };
            if group(self, &mut term).is_ok() {
                session = Some(term);
            }
            // Otherwise the screen is not where the next group expects it:
            // the session is dropped (headway is stopped) and a new one starts.
        }
        if let Some(term) = session {
            term.close(Some("q"), 6 * self.limit);
        }
        self.print_keys();
    }

    fn start_home(&self) -> Result<Term, String> {
        let term = self.start(&self.db)?;
        term.first_frame(home, 3 * self.limit)?;
        Ok(term)
    }

    /// The floor: a key that only draws an overlay, and one that takes it away.
    fn help(&mut self, term: &mut Term) -> Result<(), Stopped> {
        self.full_redraw(term, "home")?;
        for _ in 0..self.reps {
            self.measure(term, HELP_FLOOR, "?", |s| shows(s, "Keys:"))?;
            self.measure(term, HELP_FLOOR, "\x1b", |s| home(s) && !shows(s, "Keys:"))?;
        }
        Ok(())
    }

    fn home_selection(&mut self, term: &mut Term) -> Result<(), Stopped> {
        for _ in 0..self.reps {
            self.measure(term, HOME_DOWN, "\x1b[B", home)?;
        }
        // Back to the first school, where the plan opens.
        for _ in 0..self.reps {
            self.press(term, "home selection back (Up)", "\x1b[A", home)?;
        }
        Ok(())
    }

    fn plan(&mut self, term: &mut Term) -> Result<(), Stopped> {
        for _ in 0..self.reps {
            self.measure(term, PLAN_OPEN, "p", |s| shows(s, "Plan for"))?;
            self.measure(term, PLAN_BACK, "q", home)?;
        }
        Ok(())
    }

    fn check_in(&mut self, term: &mut Term) -> Result<(), Stopped> {
        let opened = |s: &vt100::Screen| {
            rows(s)
                .first()
                .is_some_and(|r| r.to_lowercase().contains("check-in"))
        };
        for _ in 0..self.reps {
            self.measure(term, CHECKIN_OPEN, "c", opened)?;
            self.measure(term, CHECKIN_BACK, "q", home)?;
        }
        Ok(())
    }

    fn finder(&mut self, term: &mut Term) -> Result<(), Stopped> {
        let closed = |s: &vt100::Screen| home(s) && !shows(s, "Find anything");
        for round in 0..self.reps {
            let typed = self.open_and_type(term);
            if typed.is_err() || round + 1 == self.reps {
                // With the finder open (or still opening, if it failed).
                if let Some(peak) = term.peak_memory() {
                    self.finder_memory = Some((peak, typed.is_ok()));
                }
            }
            typed?;
            self.measure(term, FINDER_BACK, "\x1b", closed)?;
        }
        Ok(())
    }

    /// Opens the finder and types the query a key at a time.
    fn open_and_type(&mut self, term: &mut Term) -> Result<(), Stopped> {
        self.measure(term, FINDER_OPEN, "\x06", |s| shows(s, "Find anything"))?;
        for (i, key) in QUERY.char_indices() {
            let typed = &QUERY[..i + key.len_utf8()];
            self.measure(term, &finder_key(key), &key.to_string(), |s| {
                query_shows(s, typed)
            })?;
        }
        Ok(())
    }

    fn walk(&mut self, term: &mut Term) -> Result<(), Stopped> {
        for round in 0..self.reps {
            if on_school_row(&term.text()) {
                self.press(term, "select an evaluation (Down)", "\x1b[B", home)?;
            }
            self.measure(term, SUMMARY_OPEN, "s", |s| shows(s, "Summary"))?;
            self.measure(term, WALK_OPEN, "w", walk)?;
            if round == 0 {
                self.full_redraw(term, "walk")?;
            }
            for _ in 0..4 {
                self.measure(term, WALK_NEXT, "l", walk)?;
            }
            self.measure(term, WALK_BACK, "q", home)?;
        }
        Ok(())
    }

    /// Sends keys and keeps their frame under `step`.
    fn measure(
        &mut self,
        term: &mut Term,
        step: &str,
        keys: &str,
        done: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<Frame, Stopped> {
        let frame = self.press(term, step, keys, done)?;
        self.frames.push((step.to_string(), frame));
        Ok(frame)
    }

    /// Sends keys and waits for their frame, keeping only a failure.
    fn press(
        &mut self,
        term: &mut Term,
        step: &str,
        keys: &str,
        done: impl Fn(&vt100::Screen) -> bool,
    ) -> Result<Frame, Stopped> {
        term.key(keys, done, self.limit).map_err(|e| {
            self.failures.push((step.to_string(), e));
            Stopped
        })
    }

    fn full_redraw(&mut self, term: &mut Term, screen: &'static str) -> Result<(), Stopped> {
        match term.full_redraw(self.limit) {
            Ok(frame) => {
                self.full_redraws.push((screen, frame));
                Ok(())
            }
            Err(e) => {
                self.failures.push((format!("full redraw of {screen}"), e));
                Err(Stopped)
            }
        }
    }

    // ---- printing ----

    fn samples(&self, step: &str) -> Vec<Frame> {
        self.frames
            .iter()
            .filter(|(s, _)| s == step)
            .map(|&(_, f)| f)
            .collect()
    }

    fn latency(&self, step: &str) -> Option<Duration> {
        median(
            &self
                .samples(step)
                .iter()
                .map(|f| f.latency)
                .collect::<Vec<_>>(),
        )
    }

    fn bytes(&self, step: &str) -> Option<u64> {
        median(
            &self
                .samples(step)
                .iter()
                .map(|f| f.bytes)
                .collect::<Vec<_>>(),
        )
    }

    fn why_missing(&self, step: &str) -> String {
        match self.failures.iter().find(|(s, _)| s == step) {
            Some((_, why)) => format!("{} (see below)", why.lines().next().unwrap_or("")),
            None => "not measured: an earlier step of its group failed (see below)".into(),
        }
    }

    fn print_keys(&self) {
        let floor = self.latency(HELP_FLOOR);
        match floor {
            Some(f) => report::line(HELP_FLOOR, Amount::Time(f), None, Target::None),
            None => report::missing(HELP_FLOOR, Target::None, &self.why_missing(HELP_FLOOR)),
        }
        let change = Target::AtMost(Amount::Time(for_size(self.schools, ms(16), ms(50))));
        let mut steps: Vec<String> = [HOME_DOWN, PLAN_OPEN, PLAN_BACK, CHECKIN_OPEN, CHECKIN_BACK]
            .map(String::from)
            .to_vec();
        steps.push(FINDER_OPEN.into());
        steps.extend(QUERY.chars().map(finder_key));
        steps.push(FINDER_BACK.into());
        steps.extend([SUMMARY_OPEN, WALK_OPEN, WALK_NEXT, WALK_BACK].map(String::from));
        for step in &steps {
            match self.latency(step) {
                Some(t) => report::line(step, Amount::Time(t), floor.map(Amount::Time), change),
                None => report::missing(step, change, &self.why_missing(step)),
            }
        }
        let next = self.samples(WALK_NEXT);
        if let Some(slowest) = next.iter().map(|f| f.latency).max() {
            report::line(
                &format!("next statement, slowest of {}", next.len()),
                Amount::Time(slowest),
                floor.map(Amount::Time),
                Target::AtMost(Amount::Time(ms(2))),
            );
        }
        self.print_bytes(HOME_DOWN, "home", "bytes per key, home selection");
        self.print_bytes(WALK_NEXT, "walk", "bytes per key, next statement");
        let memory = Target::AtMost(Amount::Memory(100_000_000));
        match self.finder_memory {
            Some((peak, true)) => report::line(
                "peak memory, finder open",
                Amount::Memory(peak),
                None,
                memory,
            ),
            Some((peak, false)) => report::line(
                "peak memory, finder not yet open",
                Amount::Memory(peak),
                None,
                memory,
            ),
            None => report::missing(
                "peak memory, finder open",
                memory,
                "the finder was not reached",
            ),
        }
        for (screen, frame) in &self.full_redraws {
            report::note(&format!(
                "full redraw of {screen} (after a resize): {} bytes",
                frame.bytes
            ));
        }
        if let Some(b) = self.bytes(WALK_OPEN) {
            report::note(&format!(
                "the walk's first frame, from the summary: {b} bytes"
            ));
        }
        for (step, why) in &self.failures {
            let first = why.lines().next().unwrap_or("");
            report::note(&format!("stopped at {step}: {first}"));
            for line in why.lines().skip(1) {
                println!("      {line}");
            }
        }
    }

    fn print_bytes(&self, step: &str, screen: &str, what: &str) {
        let target = Target::RatioBelow(0.25);
        let full = self
            .full_redraws
            .iter()
            .find(|(s, _)| *s == screen)
            .map(|(_, f)| Amount::Bytes(f.bytes));
        match self.bytes(step) {
            Some(b) => report::line(what, Amount::Bytes(b), full, target),
            None => report::missing(what, target, &self.why_missing(step)),
        }
        // The aim behind the quarter: a key writes about as many
        // bytes as the cells it changes (cursor moves and colours on top),
        // and nothing for cells that stay the same.
        let changed = median(
            &self
                .samples(step)
                .iter()
                .map(|f| f.changed)
                .collect::<Vec<_>>(),
        );
        if let (Some(c), Some(Amount::Bytes(f))) = (changed, full) {
            // No terminal protocol sends less than the changed text: where
            // it alone is over a quarter of a full redraw, so is the key.
            report::note(&format!(
                "{what}: the changed text alone is {:.2} of a full redraw",
                c as f64 / f.max(1) as f64
            ));
        }
        if let (Some(b), Some(c)) = (self.bytes(step), changed) {
            report::line(
                &format!("{what}, beside the cells it changed"),
                Amount::Bytes(b),
                Some(Amount::Bytes(c.max(1))),
                Target::RatioBelow(2.0),
            );
        }
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn finder_key(key: char) -> String {
    format!("type {key:?} in the finder")
}

/// The home screen, whole: its title on the first row and its keys at the foot.
fn home(screen: &vt100::Screen) -> bool {
    let rows = rows(screen);
    rows.first()
        .is_some_and(|r| r.contains("schools and evaluations"))
        // The keys take the last row, or the last two on a narrow screen.
        && rows.iter().rev().take(2).any(|r| r.contains("? help"))
}

/// The walk of an evaluation: one statement and its scale.
fn walk(screen: &vt100::Screen) -> bool {
    shows(screen, "Scale:")
        && rows(screen)
            .first()
            .is_some_and(|r| r.contains("statement"))
}

/// The finder's query box holds exactly `typed`: a cell between two
/// borders that starts with it and is blank after it.
fn query_shows(screen: &vt100::Screen, typed: &str) -> bool {
    rows(screen).iter().any(|row| {
        row.split('│')
            .any(|cell| cell.trim_end() == typed && cell.chars().count() >= typed.len() + 8)
    })
}

/// Whether the home selection (marked ▶) is on a school's row, which
/// counts its evaluations, rather than on an evaluation.
fn on_school_row(text: &str) -> bool {
    text.lines()
        .find(|l| l.contains('▶'))
        .is_some_and(|l| l.contains(" evaluation"))
}
