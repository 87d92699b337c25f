//! Drives the real headway binary in a pseudo-terminal and reads its screen.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

/// Held while a test opens a `Store` in this process and while a child is
/// spawned. A child forked by one test thread keeps, until it runs the new
/// program, a copy of every file another thread has open, including the
/// database lock; a headway started in that moment would see its file as
/// "open in another headway".
pub static SPAWN: Mutex<()> = Mutex::new(());

/// How long to wait for the screen to show something before failing.
const PATIENCE: Duration = Duration::from_secs(15);

/// Waits until no one holds the writer's lock on `db`. A store the test
/// dropped has let it go, but a child that another test thread forked in
/// that moment keeps a copy of the lock until it execs; under load that can
/// take a while, and the app would rightly say the file is open elsewhere.
pub fn wait_until_unlocked(db: &Path) {
    // Only a regular file can be locked; opening a named pipe would block.
    if !std::fs::metadata(db).is_ok_and(|m| m.is_file()) {
        return;
    }
    let Ok(file) = std::fs::File::open(db) else {
        return;
    };
    let start = Instant::now();
    while file.try_lock().is_err() && start.elapsed() < PATIENCE {
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub struct Session {
    child: Box<dyn Child + Send + Sync>,
    stop_reading: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
    writer: Box<dyn Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote to the terminal.
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn MasterPty + Send>,
}

impl Session {
    pub fn start(db: &Path, args: &[&str], cols: u16, rows: u16) -> Session {
        wait_until_unlocked(db);
        let db = db.to_string_lossy();
        let mut all = vec!["--db", db.as_ref()];
        all.extend_from_slice(args);
        Session::start_program(env!("CARGO_BIN_EXE_headway"), &all, &[], cols, rows)
    }

    /// Starts any program in a fresh pseudo-terminal, with extra variables.
    pub fn start_program(
        program: &str,
        args: &[&str],
        vars: &[(&str, &str)],
        cols: u16,
        rows: u16,
    ) -> Session {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pseudo-terminal");
        let mut cmd = CommandBuilder::new(program);
        for a in args {
            cmd.arg(a);
        }
        // No config file unless a test gives one: a developer's own keys
        // must not change what the tests press.
        cmd.env("HEADWAY_CONFIG", "");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("HEADWAY_DB");
        let child = {
            let _one_at_a_time = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
            pair.slave.spawn_command(cmd).expect("headway starts")
        };
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let mut reader = pair.master.try_clone_reader().unwrap();
        let sink = parser.clone();
        let raw = Arc::new(Mutex::new(Vec::new()));
        let raw_sink = raw.clone();
        let fd = pair.master.as_raw_fd().expect("a unix pty");
        let stop_reading = Arc::new(AtomicBool::new(false));
        let stop = stop_reading.clone();
        // Reads only when the pty has output, so the thread can be stopped and
        // its copy of the master closed (see `hang_up`).
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while !stop.load(Ordering::Relaxed) {
                let mut pfd = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd; the master outlives this thread.
                let ready = unsafe { libc::poll(&mut pfd, 1, 20) };
                if ready <= 0 {
                    continue;
                }
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        raw_sink.lock().unwrap().extend_from_slice(&buf[..n]);
                        sink.lock().unwrap().process(&buf[..n]);
                    }
                }
            }
        });
        let writer = pair.master.take_writer().unwrap();
        Session {
            child,
            stop_reading,
            reader: Some(reader),
            writer,
            parser,
            raw,
            _master: pair.master,
        }
    }

    /// Every byte written to the terminal so far.
    pub fn raw_output(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }

    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// The emulated screen itself, with each cell's colours.
    pub fn vt_screen(&self) -> vt100::Screen {
        self.parser.lock().unwrap().screen().clone()
    }

    /// Waits until the screen contains `text`; panics with the screen if not.
    pub fn wait_for(&self, text: &str) {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("screen never showed {text:?}:\n{}", self.screen());
    }

    /// Sends keys: text as typed; use "\r" for Enter, "\t" for Tab.
    /// Sends `keys` in one write. Two sends are a moment apart, as two
    /// keys pressed by a person are: keys arriving in the same instant are
    /// a paste to headway, and with no text box open they run no command.
    pub fn send(&mut self, keys: &str) {
        std::thread::sleep(Duration::from_millis(2));
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Types text one key at a time, as a person would.
    pub fn type_slowly(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// (alternate screen on, cursor hidden, bracketed paste on), as the
    /// terminal emulator sees them.
    pub fn terminal_modes(&self) -> (bool, bool, bool) {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        (
            screen.alternate_screen(),
            screen.hide_cursor(),
            screen.bracketed_paste(),
        )
    }

    /// Waits for exit and returns (success, terminal modes after exit).
    pub fn wait_exit_modes(self) -> (bool, (bool, bool, bool)) {
        let parser = self.parser.clone();
        let ok = self.wait_exit();
        std::thread::sleep(Duration::from_millis(100));
        let p = parser.lock().unwrap();
        let screen = p.screen();
        (
            ok,
            (
                screen.alternate_screen(),
                screen.hide_cursor(),
                screen.bracketed_paste(),
            ),
        )
    }

    /// Closes the terminal under the program, as when an SSH link drops, and
    /// returns true if the program then exits by itself.
    pub fn hang_up(mut self) -> bool {
        let pid = self.pid();
        self.stop_reading.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        drop(self.writer);
        drop(self._master);
        // SAFETY: signalling our own child, as the kernel does on hang-up.
        unsafe {
            libc::kill(pid, libc::SIGHUP);
        }
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if self.child.try_wait().unwrap().is_some() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
        false
    }

    pub fn pid(&self) -> i32 {
        self.child.process_id().expect("a running child") as i32
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill_hard(mut self) {
        // SAFETY: sending a signal to our own child process.
        unsafe {
            libc::kill(self.pid(), libc::SIGKILL);
        }
        let _ = self.child.wait();
    }

    /// Waits for exit and returns (exit code, terminal modes after exit).
    pub fn wait_exit_code_modes(mut self) -> (u32, (bool, bool, bool)) {
        let start = Instant::now();
        let code = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status.exit_code();
            }
            assert!(
                start.elapsed() < PATIENCE,
                "headway did not exit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        std::thread::sleep(Duration::from_millis(100));
        (code, self.terminal_modes())
    }

    /// Waits for the program to exit by itself; returns its success.
    pub fn wait_exit(mut self) -> bool {
        let start = Instant::now();
        while start.elapsed() < PATIENCE {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("headway did not exit:\n{}", self.screen());
    }
}

/// Draws `app` on a TestBackend and returns the screen as text, reading a
/// wide character (中, 🎉) once rather than with its blank second cell.
pub fn screen(app: &headway::tui::app::App, width: u16, height: u16) -> String {
    let mut terminal =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| app.view(f)).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}

/// Starts an Autumn 2026 evaluation of `tool` (version 1) for a school.
pub fn add_evaluation(
    store: &mut headway::store::Store,
    school_id: i64,
    tool: &str,
    scope: &str,
) -> i64 {
    store
        .create_evaluation(&headway::store::NewEvaluation {
            school_id,
            tool_id: tool.into(),
            tool_version: 1,
            scope: scope.into(),
            cycle: "Autumn 2026".into(),
            attendees: "Liaison: A. Khan; Head: J. Lee".into(),
        })
        .unwrap()
}

/// Every row of every table of a database as text, sorted, for comparing
/// two files. With `without_times`, columns that record when (`*_at`),
/// the stored tools and the recorded changes are left out, and UUIDs are
/// named by table and local id, so files built at different moments compare.
pub fn table_rows(db: &Path, without_times: bool) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        // The changes each copy recorded name that copy and its own
        // UUIDs; two files made apart compare by the rows they hold.
        .filter(|t: &String| !(without_times && (t == "tools" || t == "changes")))
        .collect();
    // Rows made apart have different UUIDs: each is named by its table and
    // local id instead, and so are the references to it.
    let mut names_of_uuids = std::collections::HashMap::new();
    if without_times {
        for t in &tables {
            let keyed: bool = conn
                .query_row(
                    "SELECT count(*) FROM pragma_table_info(?1) WHERE name = 'uuid' AND pk = 1",
                    [t],
                    |r| r.get::<_, i64>(0),
                )
                .unwrap()
                > 0;
            if keyed {
                let mut stmt = conn
                    .prepare(&format!("SELECT uuid, rowid FROM {t}"))
                    .unwrap();
                for row in stmt
                    .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                    .unwrap()
                {
                    let (uuid, rowid) = row.unwrap();
                    names_of_uuids.insert(uuid, format!("{t}#{rowid}"));
                }
            }
        }
    }
    let mut out = Vec::new();
    for t in tables {
        // Each database has its own identity: two files made apart are
        // compared by what they hold, not by who they are.
        let filter = if without_times && t == "settings" {
            " WHERE key <> 'database_id'"
        } else {
            ""
        };
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t}{filter}")).unwrap();
        let names: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                let cells: Vec<String> = names
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| !(without_times && n.ends_with("_at")))
                    .map(|(i, _)| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Text(t) => {
                            let text = String::from_utf8_lossy(t).into_owned();
                            names_of_uuids.get(&text).cloned().unwrap_or(text)
                        }
                        other => format!("{other:?}"),
                    })
                    .collect();
                Ok(format!("{t}: {}", cells.join(" | ")))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        out.extend(rows);
    }
    out.sort();
    out
}

/// Sets (or with `None` lifts) a file-size limit on a running child, so its
/// next write past `bytes` fails as on a full disk.
pub fn set_file_limit(pid: i32, bytes: Option<u64>) {
    let value = bytes.unwrap_or(libc::RLIM_INFINITY);
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: sets a resource limit of our own child process.
    let rc = unsafe { libc::prlimit(pid, libc::RLIMIT_FSIZE, &limit, std::ptr::null_mut()) };
    assert_eq!(rc, 0, "prlimit on the child");
}

/// Makes the child's next write to `db` fail: a limit at the current size
/// of its write-ahead log (plus the log's header when it is still empty).
pub fn fail_next_write(pid: i32, db: &Path) {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    let used = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let header = if used == 0 { 32 } else { 0 };
    set_file_limit(pid, Some(used + header));
}

/// A database for meetings: one school, an Autumn 2026 evaluation of the
/// curriculum tool with statement 1 judged 1 (rationale "No shared story"),
/// an accepted action on it with an amber check-in on 2026-11-08 (so a
/// check-in is due on 2026-11-22). Returns (evaluation, action).
pub fn meeting_db(db: &Path) -> (i64, i64) {
    use headway::domain::evaluation::TextField;
    use headway::domain::plan::{DraftSeed, Rag};
    use headway::store::{ActionField, OpenMode, Store};
    let _one_at_a_time = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let mut store = Store::open(db, OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap();
    let evaluation = add_evaluation(&mut store, school.id, "curriculum-sequencing", "English");
    let k1 = "curriculum-sequencing/intent/purpose-stated";
    store.set_level(evaluation, k1, Some(1)).unwrap();
    store
        .set_text(
            evaluation,
            k1,
            TextField::Rationale,
            "No shared story",
            true,
        )
        .unwrap();
    let ids = store
        .add_drafts(
            evaluation,
            &[DraftSeed {
                title: "Write the curriculum story".into(),
                reason: "No shared story".into(),
                impact_check: "Pupil voice".into(),
                statements: vec![k1.into()],
            }],
        )
        .unwrap();
    let d = |m, day| jiff::civil::date(2026, m, day);
    store.accept_action(ids[0], d(11, 1)).unwrap();
    store
        .set_action_field(ids[0], ActionField::Owner, Some("R. Patel"), true)
        .unwrap();
    let c = store.add_check_in(ids[0], d(11, 8), Rag::Amber).unwrap();
    store.set_check_in_text(c, false, "Slow start").unwrap();
    drop(store);
    // Opening once more takes today's backup, so the app's own start
    // writes nothing a file-size limit could catch.
    drop(Store::open(db, OpenMode::Write).unwrap());
    (evaluation, ids[0])
}

/// Two cycles of the curriculum tool at one school, with confidential notes:
/// Summer 2026 judged statement 1 at 1 with a confidential rationale
/// ("Head of maths on a capability plan") and statement 2 at 3 with an open
/// one ("Open remark"); Autumn 2026 judged statement 1 at 1 with a
/// confidential rationale ("Named teacher again"). An accepted action on
/// statement 1 has a confidential amber check-in on 2026-11-08 ("Teacher off
/// sick"). Returns (summer, autumn, action).
pub fn confidential_db(db: &Path) -> (i64, i64, i64) {
    use headway::domain::evaluation::TextField;
    use headway::domain::plan::{DraftSeed, Rag};
    use headway::store::{NewEvaluation, OpenMode, Store};
    let _one_at_a_time = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let mut store = Store::open(db, OpenMode::Write).unwrap();
    let school = store.add_school("Oakfield Primary").unwrap().id;
    let mut evaluation = |cycle: &str| {
        store
            .create_evaluation(&NewEvaluation {
                school_id: school,
                tool_id: "curriculum-sequencing".into(),
                tool_version: 1,
                scope: "English".into(),
                cycle: cycle.into(),
                attendees: String::new(),
            })
            .unwrap()
    };
    let summer = evaluation("Summer 2026");
    let autumn = evaluation("Autumn 2026");
    let k1 = "curriculum-sequencing/intent/purpose-stated";
    let k2 = "curriculum-sequencing/intent/ambition-for-all";
    let mut judge = |e: i64, key: &str, level: u8, text: &str, confidential: bool| {
        store.set_level(e, key, Some(level)).unwrap();
        store
            .set_text(e, key, TextField::Rationale, text, true)
            .unwrap();
        store.set_confidential(e, key, confidential).unwrap();
    };
    judge(summer, k1, 1, "Head of maths on a capability plan", true);
    judge(summer, k2, 3, "Open remark", false);
    judge(autumn, k1, 1, "Named teacher again", true);
    let action = store
        .add_drafts(
            autumn,
            &[DraftSeed {
                title: "Write the curriculum story".into(),
                reason: String::new(),
                impact_check: String::new(),
                statements: vec![k1.into()],
            }],
        )
        .unwrap()[0];
    store
        .accept_action(action, jiff::civil::date(2026, 11, 1))
        .unwrap();
    let c = store
        .add_check_in(action, jiff::civil::date(2026, 11, 8), Rag::Amber)
        .unwrap();
    store
        .set_check_in_text(c, false, "Teacher off sick")
        .unwrap();
    store.set_check_in_confidential(c, true).unwrap();
    drop(store);
    drop(Store::open(db, OpenMode::Write).unwrap());
    (summer, autumn, action)
}

/// Runs headway with a file-size limit, as a disk that fills up part way.
pub fn headway_limited(db: &Path, args: &[&str], bytes: u64) -> std::process::Output {
    use std::os::unix::process::CommandExt;
    wait_until_unlocked(db);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_headway"));
    cmd.arg("--db").arg(db).args(args).env_remove("HEADWAY_DB");
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: libc::RLIM_INFINITY,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

/// Temporary files (`.part`) in `dir` that a failed or finished write must
/// not leave behind.
pub fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect()
}

/// Every row of `tables`, as stored (UUIDs and times too), sorted.
pub fn rows_of(db: &Path, tables: &[&str]) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out = Vec::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let width = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                (0..width)
                    .map(|i| {
                        r.get::<_, rusqlite::types::Value>(i)
                            .map(|v| format!("{v:?}"))
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .unwrap();
        for row in rows {
            out.push(format!("{table}: {}", row.unwrap().join(" | ")));
        }
    }
    out.sort();
    out
}

/// Opens `db` for writing in this process and closes it again, as every
/// command that writes does first: a missing file is made (empty, with its
/// schema and the shipped tools), an existing one is checked, backed up
/// for today and brought up to date. Tests that once ran `tools list` for
/// this use it, since reading commands never make a database.
pub fn open_to_write(db: &Path) {
    wait_until_unlocked(db);
    let _one_at_a_time = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    let store = headway::store::Store::open(db, headway::store::OpenMode::Write)
        .unwrap_or_else(|e| panic!("{} could not be opened to write: {e}", db.display()));
    drop(store);
}

/// A shipped tool file: `tools import` of it is a command that opens the
/// database to write and changes nothing (the tool is already stored).
pub const SHIPPED_TOOL: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/tools/curriculum-sequencing.toml"
);
