//! The database file on disk, before and beside SQLite: where it really
//! is, whether it is headway's, the writer's lock, private companions, and
//! placing a new file without ever replacing one.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::schema::SCHEMA_VERSION;
use super::{Result, StoreError};

/// "HWAY": marks a SQLite file as headway's (`PRAGMA application_id`).
pub const APPLICATION_ID: i32 = 0x4857_4159;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The folder a file is in (`.` for a bare name).
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

pub(super) fn io_error(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A companion file of the database: `-wal`, `-shm` or `-journal`.
pub(super) fn companion(database: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", database.display()))
}

/// The file a `--db` path names: a symbolic link is followed to its target,
/// so the database, its log and its backups live by the real file and the
/// link stays a link. A link to nowhere is an error, never a new database.
pub(super) fn resolve(path: &Path) -> Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::canonicalize(path) {
            Ok(real) => Ok(real),
            Err(_) => Err(StoreError::DanglingLink {
                link: path.to_path_buf(),
                target: fs::read_link(path).unwrap_or_default(),
            }),
        },
        _ => Ok(path.to_path_buf()),
    }
}

/// Opens a file for reading without ever blocking (a pipe or a device could
/// block for ever), and refuses what is not a regular file.
pub fn open_regular(path: &Path) -> Result<File> {
    use crate::files::ReadError;
    crate::files::open_regular(path).map_err(|e| match e {
        ReadError::Folder { path } => StoreError::IsDirectory(path),
        ReadError::NotRegular { path, .. } => StoreError::NotRegular(path),
        ReadError::Io { path, source } => StoreError::Io { path, source },
        ReadError::TooLarge { path, .. } => StoreError::NotRegular(path),
    })
}

/// Reads the 100-byte SQLite header and refuses files that are not
/// headway's, without opening them for writing.
pub fn check_header(path: &Path) -> Result<()> {
    let header = read_header(path)?;
    if header.is_empty() {
        return Err(StoreError::Empty(path.to_path_buf()));
    }
    if header.len() < 100 || &header[..16] != SQLITE_MAGIC {
        return Err(StoreError::NotSqlite(path.to_path_buf()));
    }
    let app = i32::from_be_bytes([header[68], header[69], header[70], header[71]]);
    if app != APPLICATION_ID {
        return Err(StoreError::Foreign(path.to_path_buf()));
    }
    let version = i32::from_be_bytes([header[60], header[61], header[62], header[63]]);
    if i64::from(version) > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version.into(),
            known: SCHEMA_VERSION,
        });
    }
    Ok(())
}

fn read_header(path: &Path) -> Result<Vec<u8>> {
    let file = open_regular(path)?;
    let mut header = Vec::with_capacity(100);
    file.take(100)
        .read_to_end(&mut header)
        .map_err(io_error(path))?;
    Ok(header)
}

/// For a file standing alone (a backup, never a live database with a log):
/// the size its header promises, when the file is shorter than that.
pub(super) fn cut_short(path: &Path) -> Option<(u64, u64)> {
    let header = read_header(path).ok()?;
    if header.len() < 100 {
        return None;
    }
    let page = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    // The page count is only valid when it was written with the change counter.
    if header[92..96] != header[24..28] || pages == 0 {
        return None;
    }
    let len = fs::metadata(path).ok()?.len();
    (len < page * pages).then_some((len, page * pages))
}

/// The writer's lock: held for as long as a headway may change the file.
pub(super) fn take_lock(path: &Path) -> Result<File> {
    let file = open_regular(path)?;
    lock(file, path)
}

fn lock(file: File, path: &Path) -> Result<File> {
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => Err(StoreError::Locked(path.to_path_buf())),
        Err(fs::TryLockError::Error(e)) => Err(io_error(path)(e)),
    }
}

/// Makes a new, empty private file under a name no other writer uses, and
/// locks it. Used to build a database (or a copy) before it is placed.
pub(super) fn new_locked_temporary(folder: &Path, name: &str) -> Result<(PathBuf, File)> {
    let temp = crate::output::temporary_name(folder, name);
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .map_err(io_error(&temp))?;
    let file = File::open(&temp).map_err(io_error(&temp))?;
    let file = lock(file, &temp)?;
    Ok((temp, file))
}

/// Gives the file at `temp` the name `dest` only if nothing has that name:
/// returns false, leaving both as they are, when `dest` exists. Never
/// replaces a file, so two writers racing for one name cannot both win.
pub(super) fn place_new(temp: &Path, dest: &Path) -> Result<bool> {
    match fs::hard_link(temp, dest) {
        Ok(()) => {
            fs::remove_file(temp).map_err(io_error(temp))?;
            crate::output::sync_folder(&folder_of(dest));
            Ok(true)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        // Some file systems (a FAT memory stick) have no hard links.
        Err(_) => rename_no_replace(temp, dest),
    }
}

fn rename_no_replace(temp: &Path, dest: &Path) -> Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| CString::new(p.as_os_str().as_bytes()).ok();
    let (Some(from), Some(to)) = (c(temp), c(dest)) else {
        return Err(StoreError::Io {
            path: dest.to_path_buf(),
            source: io::Error::from(io::ErrorKind::InvalidInput),
        });
    };
    // SAFETY: both are valid NUL-terminated paths for the call's duration.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if rc == 0 {
        crate::output::sync_folder(&folder_of(dest));
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    if e.kind() == io::ErrorKind::AlreadyExists {
        return Ok(false);
    }
    Err(io_error(dest)(e))
}

/// A name in `folder` built from `base` and `.db` that is not taken yet:
/// `base.db`, then `base-2.db`, and so on.
pub(super) fn free_name(folder: &Path, base: &str) -> PathBuf {
    let first = folder.join(format!("{base}.db"));
    if fs::symlink_metadata(&first).is_err() {
        return first;
    }
    (2..)
        .map(|n| folder.join(format!("{base}-{n}.db")))
        .find(|p| fs::symlink_metadata(p).is_err())
        .unwrap_or(first)
}

/// The database's log and shared-memory files are made private (SQLite
/// gives them the database's own mode, and sets it again on an empty file,
/// so this runs once SQLite has opened them, before anything is written).
/// Returns the database's mode when other users can read the database.
pub(super) fn private_companions(database: &Path) -> Option<u32> {
    for suffix in ["-wal", "-shm"] {
        let side = companion(database, suffix);
        if let Ok(meta) = fs::symlink_metadata(&side) {
            if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
                let _ = fs::set_permissions(&side, fs::Permissions::from_mode(0o600));
            }
        }
    }
    let mode = fs::metadata(database).ok()?.permissions().mode() & 0o777;
    (mode & 0o044 != 0).then_some(mode)
}

/// Writable for us: the system allows it and the owner's write bit is set
/// (root ignores mode bits, but a file marked read-only is meant to stay so).
pub(super) fn is_writable(path: &Path) -> bool {
    let Ok(meta) = fs::metadata(path) else {
        return false;
    };
    if meta.permissions().mode() & 0o200 == 0 {
        return false;
    }
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// How thoroughly [`check_each_table`] checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Check {
    /// `PRAGMA quick_check`: every page of every table and index is sound.
    Quick,
    /// `PRAGMA integrity_check`: that, and every index agrees with its table.
    Full,
}

/// Checks the schema, then each ordinary table with its indexes (the
/// full-text indexes' own tables among them), one table at a time: "ok",
/// or the first table's problems. Run over the whole file at once, SQLite
/// (3.44 and later) would also rebuild every full-text index in memory
/// from its table to compare the two, which reads and splits every note:
/// nine tenths of the time at 500 schools, and not a check of the file's
/// pages. A full-text index can be rebuilt from its table; see
/// `Store::check_search_indexes`. Pages on the free list are not read.
pub(super) fn check_each_table(
    conn: &rusqlite::Connection,
    check: Check,
) -> rusqlite::Result<String> {
    let pragma = match check {
        Check::Quick => "quick_check",
        Check::Full => "integrity_check",
    };
    let tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema
             WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'
             ORDER BY rootpage",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for table in std::iter::once("sqlite_schema".to_string()).chain(tables) {
        let quoted = table.replace('"', "\"\"");
        let found: String =
            conn.query_row(&format!("PRAGMA {pragma}(\"{quoted}\")"), [], |r| r.get(0))?;
        if found != "ok" {
            return Ok(found);
        }
    }
    Ok("ok".into())
}

/// What an integrity check found, in a few plain words.
pub(super) fn plain_damage(check: &str) -> String {
    let problems = check
        .lines()
        .filter(|l| !l.starts_with("***") && !l.trim().is_empty())
        .count()
        .max(1);
    match problems {
        1 => "SQLite's check found a problem in its pages".into(),
        n => format!("SQLite's check found {n} problems in its pages"),
    }
}
