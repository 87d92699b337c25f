//! Backups without being asked: a consistent copy before every migration and
//! on the first start of each day, verified, private and rotated; and the
//! `headway backup` / `headway restore` commands.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rusqlite::{Connection, OpenFlags};

use super::open::{check_header, folder_of, APPLICATION_ID, SCHEMA_VERSION};
use super::{Store, StoreError};

/// How many daily, weekly and monthly backups are kept.
pub const KEEP_DAILY: usize = 7;
pub const KEEP_WEEKLY: usize = 4;
pub const KEEP_MONTHLY: usize = 6;
/// Copies taken before a schema upgrade are kept apart; this many stay.
const KEEP_BEFORE_UPGRADE: usize = 3;

const DAILY_PREFIX: &str = "daily-";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The folder beside a database where its backups go: `backups/`.
pub fn backup_folder(database: &Path) -> PathBuf {
    folder_of(database).join("backups")
}

fn stem(database: &Path) -> String {
    database
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "headway".into())
}

fn make_private_folder(folder: &Path) -> super::Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
        .map_err(io(folder))
}

fn sync_folder(folder: &Path) {
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
}

/// Checks that `path` is a whole, healthy headway database this build can
/// read: its header, `PRAGMA integrity_check` and its schema version.
pub fn verify(path: &Path) -> super::Result<()> {
    check_header(path)?;
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    if app != APPLICATION_ID {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            known: SCHEMA_VERSION,
        });
    }
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| damaged(path, &e.to_string()))?;
    if check != "ok" {
        return Err(damaged(path, &check));
    }
    Ok(())
}

fn damaged(path: &Path, why: &str) -> StoreError {
    StoreError::Damaged {
        path: path.to_path_buf(),
        why: why.lines().next().unwrap_or(why).to_string(),
        backup: newest_good_backup(path),
    }
}

/// Writes a consistent copy of the open database to `dest`: built under a
/// temporary name (0600 from the first byte), verified, then renamed.
pub fn copy_to(conn: &Connection, dest: &Path) -> super::Result<()> {
    let folder = folder_of(dest);
    let name = dest
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "backup.db".into());
    let temp = folder.join(format!(".{name}.writing-{}", std::process::id()));
    let _ = fs::remove_file(&temp);
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .map_err(io(&temp))?;
    let result = (|| {
        conn.execute("VACUUM INTO ?1", [temp.to_string_lossy()])?;
        File::open(&temp)
            .and_then(|f| f.sync_all())
            .map_err(io(&temp))?;
        verify(&temp)?;
        fs::rename(&temp, dest).map_err(io(dest))?;
        sync_folder(&folder);
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

fn daily_name(stem: &str, day: Date) -> String {
    format!("{stem}-{DAILY_PREFIX}{day}.db")
}

/// Every daily backup of `database`, with its day.
fn daily_backups(database: &Path) -> Vec<(Date, PathBuf)> {
    let prefix = format!("{}-{DAILY_PREFIX}", stem(database));
    let Ok(entries) = fs::read_dir(backup_folder(database)) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let day = name.strip_prefix(&prefix)?.strip_suffix(".db")?;
            Some((day.parse().ok()?, e.path()))
        })
        .collect()
}

/// Every backup of `database` in its folder, newest first by modification.
pub fn backups_of(database: &Path) -> Vec<PathBuf> {
    let prefix = format!("{}-", stem(database));
    let Ok(entries) = fs::read_dir(backup_folder(database)) else {
        return Vec::new();
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with(&prefix) && name.ends_with(".db")
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    found.into_iter().map(|(_, p)| p).collect()
}

/// The newest backup of `database` that passes `verify`.
pub fn newest_good_backup(database: &Path) -> Option<PathBuf> {
    backups_of(database)
        .into_iter()
        .find(|b| check_header(b).is_ok() && quick_ok(b))
}

fn quick_ok(path: &Path) -> bool {
    Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)))
        .is_ok_and(|s| s == "ok")
}

/// Deletes daily backups that rotation no longer keeps.
fn rotate(database: &Path) {
    let backups = daily_backups(database);
    let days: Vec<Date> = backups.iter().map(|(d, _)| *d).collect();
    let keep = days_to_keep(&days);
    for (day, path) in backups {
        if !keep.contains(&day) {
            let _ = fs::remove_file(path);
        }
    }
}

impl Store {
    /// A consistent, verified copy of the database at `dest`.
    pub fn backup_to(&self, dest: &Path) -> super::Result<()> {
        copy_to(&self.conn, dest)
    }

    /// Takes today's daily backup if there is none yet, then rotates.
    /// Returns the new backup's path.
    pub fn daily_backup(&self, today: Date) -> super::Result<Option<PathBuf>> {
        let folder = backup_folder(&self.path);
        let dest = folder.join(daily_name(&stem(&self.path), today));
        if dest.exists() {
            return Ok(None);
        }
        make_private_folder(&folder)?;
        copy_to(&self.conn, &dest)?;
        rotate(&self.path);
        Ok(Some(dest))
    }
}

/// Before a schema upgrade: a copy of the database as it is, named for the
/// schema it had. Older upgrade copies beyond the last few are removed.
pub(super) fn before_upgrade(conn: &Connection, database: &Path, from: i64) -> super::Result<()> {
    let folder = backup_folder(database);
    make_private_folder(&folder)?;
    let now = jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string();
    let prefix = format!("{}-before-schema-{}-", stem(database), from + 1);
    copy_to(conn, &folder.join(format!("{prefix}{now}.db")))?;
    let mut older: Vec<PathBuf> = fs::read_dir(&folder)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .is_some_and(|n| n.to_string_lossy().contains("-before-schema-"))
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

/// Replaces `database` with `backup` after checking the backup; the current
/// file, if it can be read at all, is first kept in the backups folder.
/// The caller has confirmed. Returns where the replaced file was kept.
pub fn restore(database: &Path, backup: &Path) -> super::Result<Option<PathBuf>> {
    verify(backup)?;
    let folder = folder_of(database);
    let mut kept = None;
    // Hold the writer's lock on the current file while it is replaced.
    let _lock = if database.exists() {
        let lock = super::open::take_lock(database)?;
        let dest_folder = backup_folder(database);
        make_private_folder(&dest_folder)?;
        let now = jiff::Zoned::now().strftime("%Y%m%d-%H%M%S").to_string();
        let dest = dest_folder.join(format!("{}-replaced-{now}.db", stem(database)));
        let copied = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(StoreError::from)
            .and_then(|c| copy_to(&c, &dest));
        if copied.is_err() {
            // A damaged file cannot be copied consistently: keep its bytes.
            copy_private(database, &dest)?;
        }
        kept = Some(dest);
        Some(lock)
    } else {
        None
    };
    let name = database
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "headway.db".into());
    let temp = folder.join(format!(".{name}.restoring-{}", std::process::id()));
    copy_private(backup, &temp)?;
    // A log left by the old file must never be applied to the restored one.
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", database.display()));
        match fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(&side)(e)),
        }
    }
    fs::rename(&temp, database).map_err(io(database))?;
    sync_folder(&folder);
    Ok(kept)
}

/// Copies a file's bytes into a new private file, synced to disk.
fn copy_private(from: &Path, to: &Path) -> super::Result<()> {
    let _ = fs::remove_file(to);
    let mut source = File::open(from).map_err(io(from))?;
    let mut dest = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .map_err(io(to))?;
    std::io::copy(&mut source, &mut dest).map_err(io(to))?;
    dest.sync_all().map_err(io(to))
}
