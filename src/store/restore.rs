//! `headway restore`: checks a backup before anything is asked, then puts a
//! copy made through SQLite in the database's place, keeping the file it
//! replaces under a name no other copy has.

use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::backup::{
    backup_folder, backups_of_identity, copy_to, make_private_folder, stamp, stem, verify,
    write_failure,
};
use super::file::{
    companion, folder_of, free_name, io_error as io, new_locked_temporary, open_regular, place_new,
    resolve, take_lock,
};
use super::identity::{describe, read_identity};
use super::StoreError;

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
    /// The current file exists but could not be read to compare.
    pub current_unreadable: bool,
}

/// Checks a restore before anything is asked or changed: the backup is a
/// whole headway file and not the database itself, and whether it comes from
/// the same database.
pub fn plan_restore(database: &Path, backup: &Path) -> super::Result<RestorePlan> {
    let database = resolve(database)?;
    let backup = resolve(backup)?;
    if backup.is_dir() {
        return Err(StoreError::Conflict(format!(
            "{} is a folder; give the backup file to restore.",
            backup.display()
        )));
    }
    open_regular(&backup)?;
    let companions = ["-wal", "-shm", "-journal"].map(|s| companion(&database, s));
    if same_file(&database, &backup) || companions.iter().any(|c| same_file(c, &backup)) {
        return Err(StoreError::Conflict(format!(
            "{} is the database itself; choose a backup to restore.",
            backup.display()
        )));
    }
    verify(&backup)?;
    // Another program's database is never replaced; a damaged headway file
    // (the usual reason to restore) is.
    if let Err(StoreError::Foreign(path)) = super::file::check_header(&database) {
        return Err(StoreError::Conflict(format!(
            "{} is another application's SQLite database, not headway's; nothing was restored over it.",
            path.display()
        )));
    }
    let source = describe(&backup)?;
    let (different, unreadable) = if database.exists() {
        match describe(&database) {
            Ok(c) if c.identity.is_some() && c.identity == source.identity => (None, false),
            Ok(c) => (Some(c), false),
            Err(_) => (None, true),
        }
    } else {
        (None, false)
    };
    Ok(RestorePlan {
        database,
        backup,
        source,
        different,
        current_unreadable: unreadable,
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
        drop(source);
        // The restored file makes its changes as a new copy: the changes it
        // makes next must never share names with ones the file made after
        // this backup and sent to a partner.
        let restored = Connection::open(&temp)?;
        let has_settings: bool = restored.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE name = 'settings')",
            [],
            |r| r.get(0),
        )?;
        if has_settings {
            restored.execute(
                "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                [super::record::COPY_KEY, &super::new_uuid()],
            )?;
        }
        drop(restored);
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
        if fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
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
