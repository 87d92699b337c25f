//! Backups without being asked: a consistent copy before every migration and
//! on the first start of each day, verified, private and rotated; and the
//! `headway backup` / `headway restore` commands.
//!
//! Each database's backups live in their own folder, named for the
//! database's identity: `backups/<name>-<identity>/daily-2026-11-23.db`.
//! So a backup is only ever matched to the database it was taken from,
//! whatever other files sit beside it.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rusqlite::{Connection, OpenFlags};

use super::file::{
    check_header, companion, cut_short, folder_of, free_name, io_error as io, new_locked_temporary,
    open_regular, place_new, resolve, take_lock, APPLICATION_ID,
};
use super::identity::{describe, read_identity};
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

fn stem(database: &Path) -> String {
    database
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "headway".into())
}

/// The folder for one database's backups: its name and identity.
pub fn backups_of_identity(database: &Path, identity: &str) -> PathBuf {
    backup_folder(database).join(format!("{}-{identity}", stem(database)))
}

fn make_private_folder(folder: &Path) -> super::Result<()> {
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
/// read: its header, its length, `PRAGMA integrity_check` and its schema.
pub fn verify(path: &Path) -> super::Result<()> {
    check_header(path)?;
    if let Some((len, promised)) = cut_short(path) {
        return Err(StoreError::Incomplete {
            path: path.to_path_buf(),
            len,
            promised,
        });
    }
    let unreadable = |_| damaged(path, "SQLite could not read it");
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
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(unreadable)?;
    if check != "ok" {
        return Err(damaged(path, &super::open::plain_damage(&check)));
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

fn stamp() -> String {
    jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string()
}

impl Store {
    /// A consistent, verified copy of the database at `dest`.
    pub fn backup_to(&self, dest: &Path) -> super::Result<()> {
        copy_to(&self.conn, dest)
    }

    /// This database's own backups folder, made if missing.
    pub fn own_backup_folder(&self) -> super::Result<PathBuf> {
        make_private_folder(&backup_folder(&self.path))?;
        let folder = backups_of_identity(&self.path, &self.identity()?);
        make_private_folder(&folder)?;
        Ok(folder)
    }

    /// A new name in this database's backups folder for a manual backup.
    pub fn manual_backup_path(&self) -> super::Result<PathBuf> {
        Ok(free_name(
            &self.own_backup_folder()?,
            &format!("manual-{}", stamp()),
        ))
    }

    /// Takes today's daily backup if there is none yet, then rotates.
    /// Returns the new backup's path.
    pub fn daily_backup(&self, today: Date) -> super::Result<Option<PathBuf>> {
        let folder = backups_of_identity(&self.path, &self.identity()?);
        let dest = folder.join(format!("{DAILY_PREFIX}{today}.db"));
        if dest.exists() {
            return Ok(None);
        }
        self.own_backup_folder()?;
        copy_to(&self.conn, &dest)?;
        rotate(&folder);
        Ok(Some(dest))
    }
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

/// The same file, whatever names lead to it.
fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::metadata(a), fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => false,
    }
}

/// What a restore is about to do, for the question asked before it.
#[derive(Debug, Clone)]
pub struct RestorePlan {
    /// The database file that will be replaced (a link's target).
    pub database: PathBuf,
    pub backup: PathBuf,
    /// What the backup holds.
    pub source: super::Described,
    /// When the backup comes from another database than the one replaced:
    /// what the current file holds.
    pub different: Option<super::Described>,
}

/// Checks a restore before anything is asked or changed: the backup is a
/// whole headway file and not the database itself, and whether it comes from
/// the same database.
pub fn plan_restore(database: &Path, backup: &Path) -> super::Result<RestorePlan> {
    let database = resolve(database)?;
    let backup = resolve(backup)?;
    open_regular(&backup)?;
    let companions = ["-wal", "-shm", "-journal"].map(|s| companion(&database, s));
    if same_file(&database, &backup) || companions.iter().any(|c| same_file(c, &backup)) {
        return Err(StoreError::Conflict(format!(
            "{} is the database itself; choose a backup to restore.",
            backup.display()
        )));
    }
    verify(&backup)?;
    let source = describe(&backup)?;
    let different = if database.exists() {
        let current = describe(&database).ok();
        match &current {
            Some(c) if c.identity.is_some() && c.identity == source.identity => None,
            Some(c) => Some(c.clone()),
            None => Some(super::Described::default()),
        }
    } else {
        None
    };
    Ok(RestorePlan {
        database,
        backup,
        source,
        different,
    })
}

/// Replaces the database with the backup, copied through SQLite so every
/// committed row comes along (a backup's own log included). The current
/// file, if there is one, is first kept whole in the backups folder under a
/// name no other copy has. The caller has confirmed. Returns where the
/// replaced file was kept.
pub fn restore(plan: &RestorePlan) -> super::Result<Option<PathBuf>> {
    let database = &plan.database;
    let folder = folder_of(database);
    let name = database
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "headway.db".into());
    // Build the restored copy first: nothing changes if this fails.
    let (temp, _temp_lock) = new_locked_temporary(&folder, &name)?;
    let built = (|| -> super::Result<()> {
        let source = Connection::open_with_flags(
            &plan.backup,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        source
            .execute("VACUUM INTO ?1", [temp.to_string_lossy()])
            .map_err(|e| write_failure(database, e))?;
        File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(io(&temp))?;
        verify(&temp)
    })();
    if let Err(e) = built {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    let result = replace_with(database, &temp);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// A copy that SQLite could not write, in the words of the disk's reason.
fn write_failure(dest: &Path, e: rusqlite::Error) -> StoreError {
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

/// Puts the built copy at `temp` in the database's place, keeping the
/// current file first, under the writer's lock.
fn replace_with(database: &Path, temp: &Path) -> super::Result<Option<PathBuf>> {
    if fs::symlink_metadata(database).is_err() {
        if place_new(temp, database)? {
            return Ok(None);
        }
        return Err(StoreError::Conflict(format!(
            "{} appeared while restoring; nothing was changed, so try again.",
            database.display()
        )));
    }
    let _lock = take_lock(database)?;
    let kept = keep_current(database)?;
    // Fold the current log into its file, then remove the log: a log left
    // by the old file must never be applied to the restored one.
    if let Ok(conn) = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_WRITE) {
        let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    }
    for suffix in ["-wal", "-shm"] {
        let side = companion(database, suffix);
        match fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&side)(e)),
        }
    }
    fs::rename(temp, database).map_err(io(database))?;
    crate::output::sync_folder(&folder_of(database));
    Ok(Some(kept))
}

/// Keeps the file a restore replaces: a consistent copy when SQLite can
/// read it, else its bytes (with its log beside them), never over another.
fn keep_current(database: &Path) -> super::Result<PathBuf> {
    make_private_folder(&backup_folder(database))?;
    let identity = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .ok()
        .and_then(|c| read_identity(&c));
    let folder = match identity {
        Some(id) => backups_of_identity(database, &id),
        None => backup_folder(database).join(format!("{}-unidentified", stem(database))),
    };
    make_private_folder(&folder)?;
    let dest = free_name(&folder, &format!("replaced-{}", stamp()));
    let copied = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(StoreError::from)
        .and_then(|c| copy_to(&c, &dest));
    if copied.is_err() {
        // A damaged file cannot be copied consistently: keep its bytes.
        copy_private(database, &dest)?;
        let wal = companion(database, "-wal");
        if wal.exists() {
            copy_private(&wal, &companion(&dest, "-wal"))?;
        }
    }
    Ok(dest)
}

/// Copies a file's bytes into a new private file, synced to disk.
fn copy_private(from: &Path, to: &Path) -> super::Result<()> {
    let mut source = open_regular(from)?;
    let mut dest = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .map_err(io(to))?;
    let copied = std::io::copy(&mut source, &mut dest).and_then(|_| dest.sync_all());
    if let Err(e) = copied {
        let _ = fs::remove_file(to);
        return Err(StoreError::Write {
            path: to.to_path_buf(),
            source: e,
        });
    }
    Ok(())
}
