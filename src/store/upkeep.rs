//! The work over the whole file that the app does after its first frame,
//! on a thread and a read-only connection of its own: first every page is
//! checked, then today's backup is taken, unless the check found damage (a
//! copy of a damaged file would push a good backup out of the rotation).
//!
//! Until the check has said the file is sound, the store's first change
//! waits for it (the [`Gate`]): nothing is ever written into a damaged file,
//! however quickly a user types after the first frame.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use jiff::civil::Date;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, InterruptHandle, OpenFlags};

use super::backup::DailyBackup;
use super::{Store, StoreError};

/// The page check and today's backup, ready to run.
pub struct Upkeep {
    database: PathBuf,
    backup: Option<DailyBackup>,
    stop: Stop,
    gate: Arc<Gate>,
}

/// What the page check found, for the store's first change to wait on:
/// `None` until it has ended; then the reason to refuse every change, if
/// the file is damaged.
#[derive(Default)]
pub(super) struct Gate {
    found: Mutex<Option<Option<String>>>,
    ended: Condvar,
}

impl Gate {
    fn open(&self, damage: Option<String>) {
        if let Ok(mut found) = self.found.lock() {
            if found.is_none() {
                *found = Some(damage);
            }
        }
        self.ended.notify_all();
    }

    /// What the check found, if it has ended, without waiting.
    pub(super) fn peek(&self) -> Option<Option<String>> {
        self.found.lock().ok()?.clone()
    }

    /// Waits for the check to end; the reason to refuse changes, if any.
    pub(super) fn wait(&self) -> Option<String> {
        let Ok(mut found) = self.found.lock() else {
            return None;
        };
        while found.is_none() {
            found = match self.ended.wait(found) {
                Ok(f) => f,
                Err(_) => return None,
            };
        }
        found.clone().flatten()
    }
}

/// Opens the gate whatever way `run` ends, so no change waits for ever.
struct OpenOnDrop(Arc<Gate>);

impl Drop for OpenOnDrop {
    fn drop(&mut self) {
        self.0.open(None);
    }
}

/// Stops an [`Upkeep`] part way: a page check still running is
/// interrupted and a backup not yet begun is skipped; a backup already
/// copying is let finish, so it is whole.
#[derive(Clone, Default)]
pub struct Stop {
    asked: Arc<AtomicBool>,
    check: Arc<Mutex<Option<InterruptHandle>>>,
    /// The connection's handle for the whole run, for [`Stop::abandon`].
    any: Arc<Mutex<Option<InterruptHandle>>>,
}

impl Stop {
    pub fn stop(&self) {
        self.asked.store(true, Ordering::SeqCst);
        if let Ok(guard) = self.check.lock() {
            if let Some(handle) = guard.as_ref() {
                handle.interrupt();
            }
        }
    }

    /// Stops at once, a backup part way included: for a signal, when the
    /// process is about to end. A copy stopped part way is removed.
    pub fn abandon(&self) {
        self.asked.store(true, Ordering::SeqCst);
        if let Ok(guard) = self.any.lock() {
            if let Some(handle) = guard.as_ref() {
                handle.interrupt();
            }
        }
    }

    fn asked(&self) -> bool {
        self.asked.load(Ordering::SeqCst)
    }
}

/// What the upkeep found.
#[derive(Debug)]
pub enum UpkeepProblem {
    /// The page check found damage: nothing more should be written.
    Damaged(StoreError),
    /// The file is sound, but today's backup could not be taken.
    Backup(StoreError),
    /// The pages are sound, but these full-text indexes do not agree with
    /// their tables: they should be rebuilt.
    SearchIndex(Vec<String>),
}

impl Store {
    /// The upkeep the app runs after its first frame. From now until its
    /// page check ends, a change waits for the check.
    pub fn upkeep_job(&mut self, today: Date) -> super::Result<Upkeep> {
        let gate = Arc::new(Gate::default());
        let job = Upkeep {
            database: self.path.clone(),
            backup: self.daily_backup_job(today)?,
            stop: Stop::default(),
            gate: gate.clone(),
        };
        self.gate = Some(gate);
        Ok(job)
    }

    /// After damage is found, every later change is refused with `why`,
    /// so nothing more is written into a damaged file, and closing does not
    /// fold SQLite's log into it either; the app keeps what is typed in its
    /// recovery file.
    pub fn halt_writes(&mut self, why: String) {
        let _ = self
            .conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true);
        self.halted = Some(why);
    }

    /// Why every change is refused, once damage has been found.
    pub fn halted(&self) -> Option<&str> {
        self.halted.as_deref()
    }

    /// Waits, before the first change, for a page check still running.
    pub(super) fn wait_for_check(&mut self) {
        if let Some(gate) = self.gate.take() {
            if gate.peek().is_none() {
                if let Some(notice) = self.before_waiting.as_mut() {
                    notice();
                }
            }
            match gate.wait() {
                Some(why) => self.halt_writes(why),
                None => self.allow_checkpoint(),
            }
        }
    }

    /// `notice` is called when a change is about to wait for the page
    /// check (once: later changes do not wait).
    pub fn before_waiting_for_check(&mut self, notice: impl FnMut() + 'static) {
        self.before_waiting = Some(Box::new(notice));
    }

    /// The file is known sound: closing may fold SQLite's log into it.
    pub(super) fn allow_checkpoint(&self) {
        if self.halted.is_none() {
            let _ = self
                .conn
                .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false);
        }
    }

    /// At closing: a check that has ended sound lets the log be folded in;
    /// one still running, or damage, leaves the log beside the file.
    pub(super) fn before_close(&mut self) {
        if let Some(gate) = self.gate.take() {
            if gate.peek() == Some(None) {
                self.allow_checkpoint();
            }
        }
    }
}

impl Upkeep {
    pub fn stopper(&self) -> Stop {
        self.stop.clone()
    }

    /// Checks every page, then takes today's backup if it is due, then
    /// checks the search indexes against their tables.
    pub fn run(self) -> Result<(), UpkeepProblem> {
        let _open = OpenOnDrop(self.gate.clone());
        step_aside();
        let conn = Connection::open_with_flags(
            &self.database,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| UpkeepProblem::Backup(e.into()))?;
        if let Ok(mut slot) = self.stop.any.lock() {
            *slot = Some(conn.get_interrupt_handle());
        }
        let give = |handle: InterruptHandle| {
            if let Ok(mut slot) = self.stop.check.lock() {
                *slot = Some(handle);
            }
        };
        if !self.stop.asked() {
            let checked = super::open::check_pages(&conn, &self.database, Some(&give));
            if let Ok(mut slot) = self.stop.check.lock() {
                *slot = None;
            }
            match checked {
                Ok(()) => {}
                Err(_) if self.stop.asked() => return Ok(()),
                Err(e @ StoreError::Damaged { .. }) => {
                    self.gate.open(Some(halt_reason(&e)));
                    return Err(UpkeepProblem::Damaged(e));
                }
                Err(e) => return Err(UpkeepProblem::Backup(e)),
            }
        }
        self.gate.open(None);
        if let Some(backup) = self.backup {
            if !self.stop.asked() {
                backup.run_with(&conn).map_err(UpkeepProblem::Backup)?;
            }
        }
        // Last, as the least urgent: the search indexes against their tables.
        if self.stop.asked() {
            return Ok(());
        }
        give(conn.get_interrupt_handle());
        let damaged = super::search::damaged_search_indexes(&conn);
        if let Ok(mut slot) = self.stop.check.lock() {
            *slot = None;
        }
        match damaged {
            Ok(damaged) if !damaged.is_empty() => Err(UpkeepProblem::SearchIndex(damaged)),
            // Stopped part way, or unreadable: the next start checks again.
            _ => Ok(()),
        }
    }
}

/// Why every change is refused once damage is found.
pub fn halt_reason(damage: &StoreError) -> String {
    format!("{damage} Nothing more will be saved to it.")
}

/// Lowers the calling thread's claim on the processor (nice 19) and the
/// disk (the idle class), so the page check and the backup take only what
/// the app's keys leave: on a two-core laptop they would otherwise slow
/// every frame drawn while they run. Best effort: a refusal changes nothing.
#[cfg(target_os = "linux")]
fn step_aside() {
    const IOPRIO_WHO_PROCESS: libc::c_long = 1;
    const IOPRIO_CLASS_IDLE: libc::c_long = 3;
    const IOPRIO_CLASS_SHIFT: libc::c_long = 13;
    // SAFETY: plain system calls on this thread's own id, with no pointers.
    unsafe {
        let thread = libc::syscall(libc::SYS_gettid);
        libc::setpriority(libc::PRIO_PROCESS, thread as libc::id_t, 19);
        libc::syscall(
            libc::SYS_ioprio_set,
            IOPRIO_WHO_PROCESS,
            thread,
            IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn step_aside() {}
