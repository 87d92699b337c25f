//! Backups without being asked: a consistent copy before every migration and
//! on the first start of each day, verified, private and rotated; and the
//! `headway backup` command. Restoring one is in `restore.rs`.
//!
//! Each database's backups live in their own folder, named for the
//! database's identity: `backups/<name>-<identity>/daily-2026-11-23.db`.
//! So a backup is only ever matched to the database it was taken from,
//! whatever other files sit beside it.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rusqlite::{Connection, OpenFlags};

use super::file::{check_header, cut_short, folder_of, free_name, place_new, APPLICATION_ID};
use super::identity::read_identity;
use super::schema::SCHEMA_VERSION;
use super::{Store, StoreError};

/// How many daily, weekly and monthly backups are kept.
pub const KEEP_DAILY: usize = 7;
pub const KEEP_WEEKLY: usize = 4;
pub const KEEP_MONTHLY: usize = 6;
/// Copies taken before a schema upgrade are kept apart; this many stay.
const KEEP_BEFORE_UPGRADE: usize = 3;

const DAILY_PREFIX: &str = "daily-";
/// The kinds of backup, as their names begin.
const KINDS: [&str; 4] = ["daily-", "before-schema-", "manual-", "replaced-"];

/// The folder beside a database where backups go: `backups/`.
pub fn backup_folder(database: &Path) -> PathBuf {
    folder_of(database).join("backups")
}

pub(super) fn stem(database: &Path) -> String {
    database
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "headway".into())
}

/// The folder for one database's backups, named for its file and identity.
/// It is found by the identity alone, so a database renamed since keeps
/// its backups.
pub fn backups_of_identity(database: &Path, identity: &str) -> PathBuf {
    let folder = backup_folder(database);
    let suffix = format!("-{identity}");
    let existing = fs::read_dir(&folder).ok().and_then(|entries| {
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_dir())
            .find(|e| e.file_name().to_string_lossy().ends_with(&suffix))
            .map(|e| e.path())
    });
    existing.unwrap_or_else(|| folder.join(format!("{}{suffix}", stem(database))))
}

pub(super) fn make_private_folder(folder: &Path) -> super::Result<()> {
    if let Ok(meta) = fs::symlink_metadata(folder) {
        if !meta.is_dir() {
            return Err(StoreError::Conflict(format!(
                "{} is a file, not a folder; move it away so headway can keep its backups there.",
                folder.display()
            )));
        }
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
        .map_err(|source| StoreError::Write {
            path: folder.to_path_buf(),
            source,
        })
}

/// Checks that `path` is a whole, healthy headway database this build can
/// read: its header, its length, `PRAGMA integrity_check` of every table
/// and its schema.
pub fn verify(path: &Path) -> super::Result<()> {
    check_header(path)?;
    if let Some((len, promised)) = cut_short(path) {
        return Err(StoreError::Incomplete {
            path: path.to_path_buf(),
            len,
            promised,
        });
    }
    let unreadable = |e: rusqlite::Error| {
        use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
        match e.sqlite_error_code() {
            Some(DatabaseCorrupt | NotADatabase) => {
                damaged(path, "SQLite cannot read its structure")
            }
            _ => StoreError::Unreadable {
                path: path.to_path_buf(),
                why: super::describe(&e),
            },
        }
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(unreadable)?;
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(unreadable)?;
    if app != APPLICATION_ID {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(unreadable)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    let check =
        super::file::check_each_table(&conn, super::file::Check::Full).map_err(unreadable)?;
    if check != "ok" {
        return Err(damaged(path, &super::file::plain_damage(&check)));
    }
    if version == SCHEMA_VERSION {
        if let Some(part) = super::schema::missing_part(&conn).map_err(unreadable)? {
            return Err(damaged(path, &format!("{part} is missing")));
        }
    }
    Ok(())
}

fn damaged(path: &Path, why: &str) -> StoreError {
    StoreError::Conflict(format!(
        "{} is damaged ({why}), so it cannot be used as a backup; choose another one.",
        path.display()
    ))
}

/// Writes a consistent copy of the open database to `dest`, which must not
/// exist: built under a temporary name (0600 from the first byte), synced,
/// verified, then given its name without replacing anything.
pub fn copy_to(conn: &Connection, dest: &Path) -> super::Result<()> {
    let folder = folder_of(dest);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup.db".into());
    let temp = crate::output::temporary_name(&folder, &name);
    let written = |source| StoreError::Write {
        path: dest.to_path_buf(),
        source,
    };
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .map_err(written)?;
    let result = (|| {
        conn.execute("VACUUM INTO ?1", [temp.to_string_lossy()])
            .map_err(|e| write_failure(dest, e))?;
        File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(written)?;
        verify(&temp)?;
        if !place_new(&temp, dest)? {
            return Err(StoreError::Conflict(format!(
                "{} already exists; choose a new file name for the copy.",
                dest.display()
            )));
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
        let _ = fs::remove_file(super::file::companion(&temp, "-journal"));
    }
    result
}

/// Which of these days' backups to keep: the newest of each of the last
/// `KEEP_DAILY` days, of the last `KEEP_WEEKLY` ISO weeks and of the last
/// `KEEP_MONTHLY` months.
pub fn days_to_keep(days: &[Date]) -> BTreeSet<Date> {
    let mut sorted: Vec<Date> = days.to_vec();
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    sorted.dedup();
    let mut keep: BTreeSet<Date> = sorted.iter().take(KEEP_DAILY).copied().collect();
    let mut newest_per = |period: &dyn Fn(Date) -> (i16, i16), count: usize| {
        let mut seen = Vec::new();
        for d in &sorted {
            let p = period(*d);
            if !seen.contains(&p) {
                seen.push(p);
                if seen.len() > count {
                    break;
                }
                keep.insert(*d);
            }
        }
    };
    newest_per(
        &|d: Date| {
            let w = d.iso_week_date();
            (w.year(), i16::from(w.week()))
        },
        KEEP_WEEKLY,
    );
    newest_per(&|d: Date| (d.year(), i16::from(d.month())), KEEP_MONTHLY);
    keep
}

/// Every daily backup in one database's folder, with its day.
fn daily_backups(folder: &Path) -> Vec<(Date, PathBuf)> {
    let Ok(entries) = fs::read_dir(folder) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let day = name.strip_prefix(DAILY_PREFIX)?.strip_suffix(".db")?;
            Some((day.parse().ok()?, e.path()))
        })
        .collect()
}

/// The folders that hold backups of `database`: the one named for its
/// identity when it can be read; when it cannot (the file is damaged), the
/// one folder with the database's name, if exactly one has it.
fn folders_of(database: &Path) -> Vec<PathBuf> {
    let identity = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .ok()
        .and_then(|c| read_identity(&c));
    if let Some(identity) = identity {
        return vec![backups_of_identity(database, &identity)];
    }
    let prefix = format!("{}-", stem(database));
    let Ok(entries) = fs::read_dir(backup_folder(database)) else {
        return Vec::new();
    };
    let named: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.strip_prefix(&prefix)
                .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok())
        })
        .map(|e| e.path())
        .collect();
    if named.len() == 1 {
        named
    } else {
        Vec::new()
    }
}

/// Every backup of `database`, newest first by modification. Backups made
/// before identities (`backups/<name>-daily-...db`) count when their name is
/// exactly this database's name followed by a kind of backup.
pub fn backups_of(database: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for folder in folders_of(database) {
        if let Ok(entries) = fs::read_dir(folder) {
            files.extend(
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| {
                        p.extension().is_some_and(|x| x == "db")
                            && p.file_name().is_some_and(|n| {
                                KINDS.iter().any(|k| n.to_string_lossy().starts_with(k))
                            })
                    }),
            );
        }
    }
    let prefix = format!("{}-", stem(database));
    if let Ok(entries) = fs::read_dir(backup_folder(database)) {
        files.extend(
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.is_file()
                        && p.extension().is_some_and(|x| x == "db")
                        && p.file_name().is_some_and(|n| {
                            n.to_string_lossy()
                                .strip_prefix(&prefix)
                                .is_some_and(|rest| KINDS.iter().any(|k| rest.starts_with(k)))
                        })
                }),
        );
    }
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = files
        .into_iter()
        .filter_map(|p| Some((fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    found.into_iter().map(|(_, p)| p).collect()
}

/// The newest backup of `database` that passes `verify`.
pub fn newest_good_backup(database: &Path) -> Option<PathBuf> {
    backups_of(database).into_iter().find(|b| verify(b).is_ok())
}

/// Deletes daily backups that rotation no longer keeps.
fn rotate(folder: &Path) {
    let backups = daily_backups(folder);
    let days: Vec<Date> = backups.iter().map(|(d, _)| *d).collect();
    let keep = days_to_keep(&days);
    for (day, path) in backups {
        if !keep.contains(&day) {
            let _ = fs::remove_file(path);
        }
    }
}

pub(super) fn stamp() -> String {
    jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string()
}

impl Store {
    /// A consistent, verified copy of the database at `dest`.
    pub fn backup_to(&self, dest: &Path) -> super::Result<()> {
        // A store opened to read refuses every write, `VACUUM INTO` too,
        // though it writes only the copy: it is let through for the copy.
        let reading: bool = self.conn.query_row("PRAGMA query_only", [], |r| r.get(0))?;
        if reading {
            self.conn.pragma_update(None, "query_only", false)?;
        }
        let copied = copy_to(&self.conn, dest);
        if reading {
            self.conn.pragma_update(None, "query_only", true)?;
        }
        copied
    }

    /// This database's own backups folder, made if missing.
    pub fn own_backup_folder(&self) -> super::Result<PathBuf> {
        make_private_folder(&backup_folder(&self.path))?;
        let folder = backups_of_identity(&self.path, &self.identity()?);
        make_private_folder(&folder)?;
        Ok(folder)
    }

    /// A new name in this database's backups folder for a manual backup.
    /// A file no headway of this version has written to yet has no identity
    /// (a backup is taken before anything changes it): its copy goes beside
    /// the older backups, named for the file, where it is found all the same.
    pub fn manual_backup_path(&self) -> super::Result<PathBuf> {
        if read_identity(&self.conn).is_none() {
            make_private_folder(&backup_folder(&self.path))?;
            return Ok(free_name(
                &backup_folder(&self.path),
                &format!("{}-manual-{}", stem(&self.path), stamp()),
            ));
        }
        Ok(free_name(
            &self.own_backup_folder()?,
            &format!("manual-{}", stamp()),
        ))
    }

    /// Takes today's daily backup if there is none yet, then rotates.
    /// Returns the new backup's path.
    pub fn daily_backup(&self, today: Date) -> super::Result<Option<PathBuf>> {
        match self.daily_backup_job(today)? {
            Some(job) => job.run_with(&self.conn).map(Some),
            None => Ok(None),
        }
    }

    /// Today's daily backup as a job that can run on its own connection
    /// (on another thread, while the app answers keys), or `None` when
    /// today's backup is already taken. A file that has no identity yet
    /// (never opened for writing) has none due.
    pub fn daily_backup_job(&self, today: Date) -> super::Result<Option<DailyBackup>> {
        let Some(identity) = read_identity(&self.conn) else {
            return Ok(None);
        };
        let folder = backups_of_identity(&self.path, &identity);
        let dest = folder.join(format!("{DAILY_PREFIX}{today}.db"));
        if dest.exists() {
            return Ok(None);
        }
        Ok(Some(DailyBackup {
            database: self.path.clone(),
            folder,
            dest,
        }))
    }
}

/// One day's backup of one database, ready to run.
#[derive(Debug, Clone)]
pub struct DailyBackup {
    database: PathBuf,
    folder: PathBuf,
    dest: PathBuf,
}

/// A temporary copy older than this was left by a headway that stopped
/// part way (a kill, a power cut); it is removed before the next backup.
const STALE_COPY: std::time::Duration = std::time::Duration::from_secs(600);

impl DailyBackup {
    /// Runs on a connection of its own, read-only: readers never wait for
    /// the app's writes, nor the app for this copy.
    pub fn run(self) -> super::Result<PathBuf> {
        let conn = Connection::open_with_flags(
            &self.database,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        self.run_with(&conn)
    }

    pub(super) fn run_with(self, conn: &Connection) -> super::Result<PathBuf> {
        make_private_folder(&backup_folder(&self.database))?;
        make_private_folder(&self.folder)?;
        remove_stale_copies(&self.folder);
        copy_to(conn, &self.dest)?;
        rotate(&self.folder);
        Ok(self.dest)
    }
}

fn remove_stale_copies(folder: &Path) {
    let Ok(entries) = fs::read_dir(folder) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name
            .strip_suffix(".part")
            .or_else(|| name.strip_suffix(".part-journal"))
        else {
            continue;
        };
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_COPY);
        let stale = old || writer_has_ended(stem);
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Whether the headway that named a temporary copy (`.NAME.PID-N-T`) has
/// ended: its copy can never be finished.
fn writer_has_ended(stem: &str) -> bool {
    let Some(pid) = stem
        .rsplit_once('.')
        .and_then(|(_, tail)| tail.split('-').next())
        .and_then(|pid| pid.parse::<i32>().ok())
    else {
        return false;
    };
    if pid <= 0 || pid as u32 == std::process::id() {
        return false;
    }
    // SAFETY: signal 0 only asks whether the process exists.
    let alive = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    !alive
}

/// Before a schema upgrade: a copy of the database as it is, named for the
/// schema it had. Older upgrade copies beyond the last few are removed.
pub(super) fn before_upgrade(
    conn: &Connection,
    database: &Path,
    identity: &str,
    from: i64,
) -> super::Result<()> {
    make_private_folder(&backup_folder(database))?;
    let folder = backups_of_identity(database, identity);
    make_private_folder(&folder)?;
    let dest = free_name(&folder, &format!("before-schema-{}-{}", from + 1, stamp()));
    copy_to(conn, &dest)?;
    let mut older: Vec<PathBuf> = fs::read_dir(&folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("before-schema-"))
                })
                .collect()
        })
        .unwrap_or_default();
    older.sort();
    let extra = older.len().saturating_sub(KEEP_BEFORE_UPGRADE);
    for p in older.into_iter().take(extra) {
        let _ = fs::remove_file(p);
    }
    Ok(())
}

/// A copy that SQLite could not write, in the words of the disk's reason.
pub(super) fn write_failure(dest: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::{CannotOpen, DiskFull, ReadOnly, SystemIoFailure};
    let errno = match e.sqlite_error_code() {
        Some(DiskFull) => libc::ENOSPC,
        Some(SystemIoFailure) => libc::EIO,
        Some(ReadOnly | CannotOpen) => libc::EACCES,
        _ => return e.into(),
    };
    StoreError::Write {
        path: dest.to_path_buf(),
        source: std::io::Error::from_raw_os_error(errno),
    }
}
