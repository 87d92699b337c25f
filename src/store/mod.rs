//! The only code that speaks SQL. Opens and checks the database file, runs
//! migrations, and offers record-level operations named in domain words.
//! Every user change is one `BEGIN IMMEDIATE` transaction.

mod across;
pub mod backup;
pub mod changeset;
mod evaluations;
mod export;
pub mod file;
pub mod generate;
mod identity;
mod open;
mod plans;
mod record;
pub mod restore;
mod rollup;
mod schema;
mod schools;
pub mod search;
mod sync;
mod tools;
pub mod upkeep;
mod withheld;

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::domain::tool::{Problem, Tool};

pub use evaluations::{EvaluationListing, NewEvaluation, Revision};
pub use export::{
    ActionRecord, ActionRevision, ActionTrail, EvaluationRecord, ExportHead, PlanTrail, Snapshot,
};
pub use file::APPLICATION_ID;
pub use identity::Described;
pub use open::OpenMode;
pub use plans::{ActionField, CheckedAction, DueAction, DueRow, PlanRow, PRIORITY_LIMIT_KEY};
pub use record::TRAVELLING;
pub use rollup::RolledUp;
pub use schema::SCHEMA_VERSION;
pub use sync::{Arrived, Link, OpenConflict};
pub use tools::{ImportOutcome, ToolInfo};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("The folder {0} does not exist; create it first or choose another --db path.")]
    MissingFolder(PathBuf),
    #[error("{0} is a folder, not a database file; give a file path with --db.")]
    IsDirectory(PathBuf),
    #[error("There is no headway database at {0} (the file does not exist); `headway --db {0}` starts a new one, and `headway demo --db {0}` makes an example.")]
    NotFound(PathBuf),
    #[error("{0} is read-only, and headway needs to save every change as it is made.")]
    ReadOnlyFile(PathBuf),
    #[error("The folder {0} is read-only, so headway cannot save its database there.")]
    ReadOnlyFolder(PathBuf),
    #[error("{0} is an empty file, not a headway database; headway left it untouched.")]
    Empty(PathBuf),
    #[error(
        "{0} is not a headway database (it is not an SQLite file); headway left it untouched."
    )]
    NotSqlite(PathBuf),
    #[error("{0} is the SQLite database of another application, not headway's; headway left it untouched.")]
    Foreign(PathBuf),
    #[error("{path} was written by a newer headway (schema {found}, this one knows up to {known}); update headway to open it.")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("{}", damaged_message(.path, .why, .backup.as_deref()))]
    Damaged {
        path: PathBuf,
        why: String,
        backup: Option<PathBuf>,
    },
    #[error("{0} is a write-ahead log without its database beside it; headway left it untouched (move it away, or restore a backup).")]
    OrphanWal(PathBuf),
    #[error("{0} is open in another headway; close it there first.")]
    Locked(PathBuf),
    #[error("{} is a link to {}, which does not exist; fix the link or give the real file with --db.", .link.display(), .target.display())]
    DanglingLink { link: PathBuf, target: PathBuf },
    #[error("{} stops part way through ({len} of the {promised} bytes its header promises), so it cannot be restored; choose another backup.", .path.display())]
    Incomplete {
        path: PathBuf,
        len: u64,
        promised: u64,
    },
    #[error("{} could not be read to check it: {why}; nothing was changed.", .path.display())]
    Unreadable { path: PathBuf, why: String },
    #[error("{0} is not a regular file (it is a pipe, a device or a socket); give a headway database file.")]
    NotRegular(PathBuf),
    #[error("{path} could not be written: {}.", crate::output::reason(.source))]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The database refused the change: {}.", describe(.0))]
    Refused(rusqlite::Error),
    #[error("{} could not be opened: {}.", .path.display(), crate::output::reason(.source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("The database could not be read: {}.", describe(.0))]
    Sqlite(#[from] rusqlite::Error),
    #[error("The database could not be brought up to date: {0}.")]
    Migration(#[from] rusqlite_migration::Error),
    #[error("{0}")]
    Conflict(String),
    /// A bundle builds on changes that have not arrived here yet; it is
    /// tried again once the others are applied.
    #[error("needs changes that have not arrived here yet")]
    NotYet,
    #[error("The tool file has {} problem(s).", .0.len())]
    InvalidTool(Vec<Problem>),
    #[error("{0}")]
    Missing(String),
    #[error("The search index is damaged (the notes themselves are not); open the file in headway, which finds it after the first screen and builds it again.")]
    SearchIndexDamaged,
    /// An evaluation of the same school, tool, scope and cycle (this one)
    /// is already started.
    #[error(
        "This school already has that evaluation for the same scope and cycle; open it instead."
    )]
    AlreadyStarted(i64),
}

pub type Result<T> = std::result::Result<T, StoreError>;

fn damaged_message(path: &Path, why: &str, backup: Option<&Path>) -> String {
    match backup {
        Some(b) => format!(
            "{} is damaged ({why}); headway left it untouched, and the newest good backup is {}: restore it with `headway restore {} --db {}`.",
            path.display(),
            b.display(),
            b.display(),
            path.display()
        ),
        None => format!(
            "{} is damaged ({why}); headway left it untouched, and no backup of it was found.",
            path.display()
        ),
    }
}

/// SQLite's reason in a few words, without the SQL text it may carry.
pub(crate) fn describe(e: &rusqlite::Error) -> String {
    use rusqlite::ErrorCode;
    match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => return "the disk is full".into(),
        Some(ErrorCode::SystemIoFailure) => return "the disk refused the write".into(),
        Some(ErrorCode::ReadOnly) => return "the file has become read-only".into(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            return "the file is busy in another program".into()
        }
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
            return "the file is damaged (opening it in headway names the newest good backup)"
                .into()
        }
        Some(ErrorCode::CannotOpen) => {
            return "the file, or the log SQLite keeps beside it, could not be opened".into()
        }
        _ => {}
    }
    match e {
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        rusqlite::Error::SqliteFailure(code, None) => format!("{:?}", code.code),
        other => other.to_string(),
    }
    .trim_end_matches('.')
    .to_string()
}

pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Held for the life of the store so a second headway cannot write.
    _lock: Option<File>,
    tools: RefCell<HashMap<(String, u32), Rc<Tool>>>,
    /// Set when the automatic backup at opening failed.
    backup_problem: Option<String>,
    /// Things to tell the user once, at opening.
    notices: Vec<String>,
    /// Set when the file was found damaged after opening: every change is
    /// refused with this reason.
    halted: Option<String>,
    /// The app's page check, while it runs: the first change waits for it.
    gate: Option<std::sync::Arc<upkeep::Gate>>,
    /// Called once when a change is about to wait for the page check, so
    /// the app can say why nothing seems to happen.
    before_waiting: Option<Box<dyn FnMut()>>,
}

impl Drop for Store {
    fn drop(&mut self) {
        self.before_close();
    }
}

impl Store {
    /// Why today's automatic backup failed, if it did.
    pub fn backup_problem(&self) -> Option<&str> {
        self.backup_problem.as_deref()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Things the user should hear once, found while opening.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// Runs `read` and counts the work SQLite did for it, in steps of its
    /// virtual machine: the tests that guard that a screen's cost follows
    /// what it shows, not what the file holds, compare these counts.
    #[doc(hidden)]
    pub fn steps_for<T>(&self, read: impl FnOnce(&Store) -> T) -> (T, u64) {
        use std::sync::atomic::{AtomicU64, Ordering};
        let steps = std::sync::Arc::new(AtomicU64::new(0));
        let counter = steps.clone();
        let _ = self.conn.progress_handler(
            1,
            Some(move || {
                counter.fetch_add(1, Ordering::Relaxed);
                false
            }),
        );
        let out = read(self);
        let _ = self.conn.progress_handler(0, None::<fn() -> bool>);
        (out, steps.load(Ordering::Relaxed))
    }

    /// Runs `change` as one immediate transaction, committed before
    /// returning, with the rows it changes recorded in the same transaction
    /// as this copy's next change, for the school's partner copy.
    fn write<T>(&mut self, change: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        self.write_as(true, change)
    }

    /// As [`Store::write`], but nothing is recorded: for rows that are not
    /// one user's change (a generated file) or that were recorded elsewhere
    /// (changes arriving from a partner).
    fn write_unrecorded<T>(
        &mut self,
        change: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        self.write_as(false, change)
    }

    fn write_as<T>(
        &mut self,
        recorded: bool,
        change: impl FnOnce(&Transaction<'_>) -> Result<T>,
    ) -> Result<T> {
        let refused = |e: StoreError| match e {
            StoreError::Sqlite(e) => StoreError::Refused(e),
            other => other,
        };
        self.wait_for_check();
        if let Some(why) = &self.halted {
            return Err(StoreError::Conflict(why.clone()));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| refused(e.into()))?;
        let out = if recorded {
            let recorder = record::start(&tx)?;
            let out = change(&tx).map_err(refused)?;
            record::finish(&tx, recorder).map_err(refused)?;
            out
        } else {
            change(&tx).map_err(refused)?
        };
        tx.commit().map_err(|e| refused(e.into()))?;
        Ok(out)
    }
}

/// A new row identity, the same in every copy the row travels to: a
/// UUIDv7, so identities made later sort later.
fn new_uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The current time, as stored: RFC 3339 in UTC.
fn now() -> String {
    jiff::Timestamp::now().to_string()
}
