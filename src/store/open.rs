//! Opening a database file: refuse what is not ours without writing a byte,
//! create new files private, set the pragmas, and migrate.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};
use rusqlite_migration::{Migrations, M};

use super::{Store, StoreError};

/// "HWAY": marks a SQLite file as headway's (`PRAGMA application_id`).
pub const APPLICATION_ID: i32 = 0x4857_4159;

const MIGRATIONS: &[&str] = &[
    include_str!("schema/001_walk.sql"),
    include_str!("schema/002_plan.sql"),
    include_str!("schema/003_cycles.sql"),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file if it is missing, and hold the writer's lock.
    Write,
    /// The file must exist; no lock is taken, other headways may be writing.
    Read,
}

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATIONS.iter().map(|sql| M::up(sql)).collect())
}

impl Store {
    pub fn open(path: &Path, mode: OpenMode) -> super::Result<Store> {
        let path = path.to_path_buf();
        if path.is_dir() {
            return Err(StoreError::IsDirectory(path));
        }
        let folder = folder_of(&path);
        if !folder.is_dir() {
            return Err(StoreError::MissingFolder(folder));
        }
        let existed = path.exists();
        if !existed {
            let wal = PathBuf::from(format!("{}-wal", path.display()));
            if wal.exists() {
                return Err(StoreError::OrphanWal(wal));
            }
            if mode == OpenMode::Read {
                return Err(StoreError::NotFound(path));
            }
            if !is_writable(&folder) {
                return Err(StoreError::ReadOnlyFolder(folder));
            }
            create_new(&path)?;
        }
        check_header(&path)?;
        let lock = match mode {
            OpenMode::Write => {
                if !is_writable(&path) {
                    return Err(StoreError::ReadOnlyFile(path));
                }
                if !is_writable(&folder) {
                    return Err(StoreError::ReadOnlyFolder(folder));
                }
                Some(take_lock(&path)?)
            }
            OpenMode::Read => None,
        };
        let flags = match mode {
            OpenMode::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
            OpenMode::Read => OpenFlags::SQLITE_OPEN_READ_ONLY,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(&path, flags)?;
        conn.busy_timeout(std::time::Duration::from_millis(2000))?;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| damage(&path, e))?;
        if found > super::open::SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path,
                found,
                known: SCHEMA_VERSION,
            });
        }
        let app: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app != APPLICATION_ID {
            return Err(StoreError::Foreign(path));
        }
        let check: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| damage(&path, e))?;
        if check != "ok" {
            return Err(StoreError::Damaged {
                why: check.lines().next().unwrap_or_default().to_string(),
                backup: super::backup::newest_good_backup(&path),
                path,
            });
        }
        if mode == OpenMode::Write {
            if existed && found > 0 && found < SCHEMA_VERSION {
                super::backup::before_upgrade(&conn, &path, found)?;
            }
            set_pragmas(&conn)?;
            migrations().to_latest(&mut conn)?;
        } else if found < SCHEMA_VERSION {
            return Err(StoreError::Conflict(format!(
                "{} uses an older schema; open it once with headway to bring it up to date.",
                path.display()
            )));
        }
        let mut store = Store {
            conn,
            path,
            _lock: lock,
            tools: Default::default(),
            backup_problem: None,
        };
        if mode == OpenMode::Write {
            store.add_shipped_tools()?;
            if existed {
                // A failed backup must not stop a meeting; it is reported.
                if let Err(e) = store.daily_backup(jiff::Zoned::now().date()) {
                    store.backup_problem = Some(format!("Today's backup failed: {e}"));
                }
            }
        }
        Ok(store)
    }
}

/// Turns SQLite's "this file is damaged" into a named error that points to
/// the newest good backup; other errors pass through.
fn damage(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match e.sqlite_error_code() {
        Some(DatabaseCorrupt | NotADatabase) => StoreError::Damaged {
            path: path.to_path_buf(),
            why: "SQLite reports the file as malformed".into(),
            backup: super::backup::newest_good_backup(path),
        },
        _ => e.into(),
    }
}

fn set_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

pub(super) fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Writable for us: the system allows it and the owner's write bit is set
/// (root ignores mode bits, but a file marked read-only is meant to stay so).
fn is_writable(path: &Path) -> bool {
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

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Builds a new database under a temporary name, private from the first
/// byte, and renames it into place once its schema is complete.
fn create_new(path: &Path) -> super::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "headway.db".into());
    let temp = folder_of(path).join(format!(".{name}.creating-{}", std::process::id()));
    let _ = fs::remove_file(&temp);
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)
        .map_err(io_error(&temp))?;
    let built = (|| -> super::Result<()> {
        let mut conn = Connection::open_with_flags(&temp, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations().to_latest(&mut conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.close().map_err(|(_, e)| e)?;
        Ok(())
    })();
    if let Err(e) = built {
        let _ = fs::remove_file(&temp);
        return Err(e);
    }
    fs::rename(&temp, path).map_err(io_error(path))
}

/// Reads the 100-byte SQLite header and refuses files that are not
/// headway's, without opening them for writing.
pub(super) fn check_header(path: &Path) -> super::Result<()> {
    let mut file = File::open(path).map_err(io_error(path))?;
    let mut header = Vec::with_capacity(100);
    file.by_ref()
        .take(100)
        .read_to_end(&mut header)
        .map_err(io_error(path))?;
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

pub(super) fn take_lock(path: &Path) -> super::Result<File> {
    let file = File::open(path).map_err(io_error(path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StoreError::Locked(path.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(io_error(path)(e)),
    }
}
