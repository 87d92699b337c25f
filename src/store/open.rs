//! Opening a database file: refuse what is not ours without writing a byte,
//! create new files private and locked, set the pragmas, and migrate.

use std::fs::{self, File};
use std::path::Path;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::file::{
    check_header, companion, cut_short, folder_of, is_writable, new_locked_temporary, place_new,
    private_companions, resolve, take_lock, APPLICATION_ID,
};
use super::identity::{new_identity, read_identity};
use super::schema::{migrations, SCHEMA_VERSION};
use super::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// Create the file if it is missing, and hold the writer's lock.
    Write,
    /// The file must exist; no lock is taken, other headways may be writing.
    Read,
    /// As `Read`, but an older schema is accepted as it is: only for taking
    /// a copy (a backup before an upgrade).
    Copy,
}

impl Store {
    /// Opens for a command. A command that writes first checks every page
    /// of the file (`PRAGMA quick_check`) and takes today's backup; one
    /// that only reads checks the header, length and schema, and SQLite
    /// checks each page it reads, so its cost follows what it reads.
    pub fn open(path: &Path, mode: OpenMode) -> super::Result<Store> {
        Store::open_with(path, mode, mode == OpenMode::Write)
    }

    /// Opens for the app: as `Write`, but the whole-file work (the page
    /// check and today's backup) is left to [`Store::upkeep_job`], which
    /// the app runs after its first frame, so a meeting never waits for a
    /// pass over the whole file.
    pub fn open_for_app(path: &Path) -> super::Result<Store> {
        Store::open_with(path, OpenMode::Write, false)
    }

    fn open_with(path: &Path, mode: OpenMode, whole_file: bool) -> super::Result<Store> {
        let path = resolve(path)?;
        if path.is_dir() {
            return Err(StoreError::IsDirectory(path));
        }
        let folder = folder_of(&path);
        if !folder.is_dir() {
            // A read of a file that is not there says so, whatever its
            // folder: the default folder is made only by the first write.
            if mode != OpenMode::Write && fs::symlink_metadata(&path).is_err() {
                return Err(StoreError::NotFound(path));
            }
            return Err(StoreError::MissingFolder(folder));
        }
        let mut lock = None;
        let mut existed = true;
        if fs::symlink_metadata(&path).is_err() {
            let wal = companion(&path, "-wal");
            if fs::metadata(&wal).is_ok_and(|m| m.len() > 0) {
                return Err(StoreError::OrphanWal(wal));
            }
            if mode != OpenMode::Write {
                return Err(StoreError::NotFound(path));
            }
            if !is_writable(&folder) {
                return Err(StoreError::ReadOnlyFolder(folder));
            }
            // Whoever places the new file holds its lock from the first
            // moment; a headway that loses the race opens the winner's file
            // like any existing one, and so meets the lock.
            if let Some(held) = create_new(&path)? {
                lock = Some(held);
                existed = false;
            }
        }
        check_header(&path)?;
        if mode == OpenMode::Write && lock.is_none() {
            if !is_writable(&path) {
                return Err(StoreError::ReadOnlyFile(path));
            }
            if !is_writable(&folder) {
                return Err(StoreError::ReadOnlyFolder(folder));
            }
            lock = Some(take_lock(&path)?);
            // A log or shared-memory file left read-only (by a read as
            // another user, say) would refuse every save later.
            for suffix in ["-wal", "-shm"] {
                let beside = companion(&path, suffix);
                if beside.exists() && !is_writable(&beside) {
                    return Err(StoreError::ReadOnlyFile(beside));
                }
            }
        }
        // Whether SQLite's log was there before this open: a read that
        // finds none leaves none (below).
        let log_before = companion(&path, "-wal").exists();
        // Read before SQLite opens the file: opening and closing another
        // handle on it once SQLite holds its locks would drop them all (POSIX
        // locks belong to the process), and another process could then
        // delete the log under this one.
        let cut_off = !log_before && cut_short(&path).is_some();
        // A read opens the file for writing when it may, with every write
        // refused (`query_only`), because only a connection that may write
        // folds the log into the file and removes the -wal and -shm when it
        // closes as the last one; a read-only connection leaves them behind.
        // A file or folder that may not be written is read as it is.
        let read_in_place = mode != OpenMode::Write
            && is_writable(&path)
            && is_writable(&folder)
            && ["-wal", "-shm"].iter().all(|suffix| {
                let beside = companion(&path, suffix);
                !beside.exists() || is_writable(&beside)
            });
        let flags = match mode {
            OpenMode::Write => OpenFlags::SQLITE_OPEN_READ_WRITE,
            _ if read_in_place => OpenFlags::SQLITE_OPEN_READ_WRITE,
            OpenMode::Read | OpenMode::Copy => OpenFlags::SQLITE_OPEN_READ_ONLY,
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        // A file read as it is, with no log beside it, is read as it stands
        // (`immutable`): SQLite then makes no -wal or -shm, which a
        // read-only connection could not remove.
        let as_it_stands = (mode != OpenMode::Write && !read_in_place && !log_before)
            .then(|| immutable_uri(&path))
            .flatten();
        let mut conn = match &as_it_stands {
            Some(uri) => Connection::open_with_flags(uri, flags | OpenFlags::SQLITE_OPEN_URI),
            None => Connection::open_with_flags(&path, flags),
        }
        .map_err(|e| damage(&path, e))?;
        if read_in_place {
            conn.pragma_update(None, "query_only", true)
                .map_err(|e| damage(&path, e))?;
        }
        // Until the file is known sound, closing must not fold SQLite's log
        // into it: a file refused below is left exactly as it was found, its
        // log included. A read that found no log may close as usual: there
        // is nothing to fold in, and the -wal and -shm its reading made are
        // removed.
        if mode == OpenMode::Write || log_before {
            conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)?;
        }
        conn.busy_timeout(std::time::Duration::from_millis(2000))?;
        let found: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| damage(&path, e))?;
        // SQLite has opened the log and shared memory by now.
        let shared = private_companions(&path);
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                path,
                found,
                known: SCHEMA_VERSION,
            });
        }
        let app: i32 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| damage(&path, e))?;
        if app != APPLICATION_ID {
            return Err(StoreError::Foreign(path));
        }
        // An upgrade reads the whole file anyway (the copy taken first), and
        // must not rewrite a damaged one: it is checked first, app or not.
        let whole_file = whole_file
            || (mode == OpenMode::Write && existed && found > 0 && found < SCHEMA_VERSION);
        if whole_file {
            check_pages(&conn, &path, None)?;
        } else if cut_off {
            // Without a log, the file alone must be as long as its header
            // says; a cut-off file is refused before anything is read.
            return Err(StoreError::Damaged {
                why: "it stops part way through".into(),
                backup: super::backup::newest_good_backup(&path),
                path,
            });
        }
        // Known before an upgrade, so the copy taken first is filed under it.
        let identity = read_identity(&conn).unwrap_or_else(new_identity);
        if mode == OpenMode::Write {
            if existed && found > 0 && found < SCHEMA_VERSION {
                super::backup::before_upgrade(&conn, &path, &identity, found)?;
            }
            set_pragmas(&conn)?;
            migrations().to_latest(&mut conn)?;
        } else if found < SCHEMA_VERSION && mode == OpenMode::Read {
            return Err(StoreError::Conflict(format!(
                "{} uses an older schema; open it once with headway to bring it up to date.",
                path.display()
            )));
        }
        if found == SCHEMA_VERSION || mode == OpenMode::Write {
            if let Some(table) = super::schema::missing_part(&conn)? {
                return Err(StoreError::Damaged {
                    why: format!("{table} is missing"),
                    backup: super::backup::newest_good_backup(&path),
                    path,
                });
            }
        }
        let mut store = Store {
            conn,
            path,
            _lock: lock,
            tools: Default::default(),
            backup_problem: None,
            notices: Vec::new(),
            halted: None,
            gate: None,
            before_waiting: None,
        };
        if mode != OpenMode::Write {
            // Sound enough to read: a log left by an app that was stopped
            // part way is folded in when this closes, losing nothing.
            store.allow_checkpoint();
        }
        if mode == OpenMode::Write {
            store.ensure_identity(Some(identity))?;
            store.add_shipped_tools()?;
            if let Some(mode) = shared {
                store.notice_shared_mode(mode)?;
            }
            if whole_file || !existed {
                store.allow_checkpoint();
            }
            if existed && whole_file {
                // A failed backup must not stop a meeting; it is reported.
                if let Err(e) = store.daily_backup(jiff::Zoned::now().date()) {
                    store.backup_problem = Some(format!("Today's backup failed: {e}"));
                }
            }
        }
        Ok(store)
    }
}

/// Checks the pages of every table and index with `PRAGMA quick_check`,
/// table by table (see [`super::file::check_each_table`]); a problem is
/// named with the newest good backup. `interrupt`, when given, receives the
/// connection's handle first, so the check can be stopped part way.
pub(super) fn check_pages(
    conn: &Connection,
    path: &Path,
    interrupt: Option<&dyn Fn(rusqlite::InterruptHandle)>,
) -> super::Result<()> {
    if let Some(give) = interrupt {
        give(conn.get_interrupt_handle());
    }
    let check = super::file::check_each_table(conn, super::file::Check::Quick)
        .map_err(|e| damage(path, e))?;
    if check != "ok" {
        return Err(StoreError::Damaged {
            why: super::file::plain_damage(&check),
            backup: super::backup::newest_good_backup(path),
            path: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Turns SQLite's "this file is damaged" into a named error that points to
/// the newest good backup; other errors pass through.
fn damage(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ErrorCode::{DatabaseCorrupt, NotADatabase};
    match e.sqlite_error_code() {
        Some(DatabaseCorrupt | NotADatabase) => StoreError::Damaged {
            path: path.to_path_buf(),
            why: "SQLite cannot read its structure".into(),
            backup: super::backup::newest_good_backup(path),
        },
        _ => e.into(),
    }
}

/// The URI that opens `path` read-only and unchanging (`immutable=1`):
/// no locks, no log, no shared memory. None for a path that is not UTF-8.
fn immutable_uri(path: &Path) -> Option<String> {
    let absolute = std::path::absolute(path).ok()?;
    let text = absolute.to_str()?;
    let mut uri = String::from("file:");
    for c in text.chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    Some(uri)
}

fn set_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// Builds a new database under a temporary name, private and locked from
/// the first byte, and gives it its name once its schema is complete, unless
/// another headway placed one first. Returns the lock when this one won.
fn create_new(path: &Path) -> super::Result<Option<File>> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "headway.db".into());
    let (temp, lock) = new_locked_temporary(&folder_of(path), &name)?;
    let built = (|| -> super::Result<()> {
        let mut conn = Connection::open_with_flags(&temp, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        conn.pragma_update(None, "application_id", APPLICATION_ID)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations().to_latest(&mut conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.close().map_err(|(_, e)| e)?;
        Ok(())
    })();
    let placed = built.and_then(|()| place_new(&temp, path));
    match placed {
        Ok(true) => Ok(Some(lock)),
        Ok(false) => {
            let _ = fs::remove_file(&temp);
            Ok(None)
        }
        Err(e) => {
            let _ = fs::remove_file(&temp);
            for suffix in ["-wal", "-shm", "-journal"] {
                let _ = fs::remove_file(companion(&temp, suffix));
            }
            Err(e)
        }
    }
}
