//! The work over the whole file that the app does after its first frame,
//! on a thread and a read-only connection of its own: first every page is
//! checked, then today's backup is taken, unless the check found damage (a
//! copy of a damaged file would push a good backup out of the rotation).

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use rusqlite::{Connection, InterruptHandle, OpenFlags};

use super::backup::DailyBackup;
use super::{Store, StoreError};

/// The page check and today's backup, ready to run.
pub struct Upkeep {
    database: PathBuf,
    backup: Option<DailyBackup>,
    stop: Stop,
}

/// Stops an [`Upkeep`] part way: a page check still running is
/// interrupted and a backup not yet begun is skipped; a backup already
/// copying is let finish, so it is whole.
#[derive(Clone, Default)]
pub struct Stop {
    asked: Arc<AtomicBool>,
    check: Arc<Mutex<Option<InterruptHandle>>>,
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
}

impl Store {
    /// The upkeep the app runs after its first frame.
    pub fn upkeep_job(&self, today: Date) -> super::Result<Upkeep> {
        Ok(Upkeep {
            database: self.path.clone(),
            backup: self.daily_backup_job(today)?,
            stop: Stop::default(),
        })
    }

    /// After damage is found, every later change is refused with `why`,
    /// so nothing more is written into a damaged file; the app keeps what
    /// is typed in its recovery file.
    pub fn halt_writes(&mut self, why: String) {
        self.halted = Some(why);
    }
}

impl Upkeep {
    pub fn stopper(&self) -> Stop {
        self.stop.clone()
    }

    /// Checks every page, then takes today's backup if it is due.
    pub fn run(self) -> Result<(), UpkeepProblem> {
        let conn = Connection::open_with_flags(
            &self.database,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| UpkeepProblem::Backup(e.into()))?;
        let give = |handle: InterruptHandle| {
            if let Ok(mut slot) = self.stop.check.lock() {
                *slot = Some(handle);
            }
        };
        if !self.stop.asked() {
            match super::open::check_pages(&conn, &self.database, Some(&give)) {
                Ok(()) => {}
                Err(_) if self.stop.asked() => return Ok(()),
                Err(e @ StoreError::Damaged { .. }) => return Err(UpkeepProblem::Damaged(e)),
                Err(e) => return Err(UpkeepProblem::Backup(e)),
            }
        }
        if let Ok(mut slot) = self.stop.check.lock() {
            *slot = None;
        }
        match self.backup {
            Some(backup) if !self.stop.asked() => backup
                .run_with(&conn)
                .map(|_| ())
                .map_err(UpkeepProblem::Backup),
            _ => Ok(()),
        }
    }
}
