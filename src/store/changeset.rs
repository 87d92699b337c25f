//! SQLite's session extension: recording the changes made through a
//! connection as a changeset, and applying a changeset to another copy in
//! one transaction, with each conflict decided by the caller. The C
//! functions are compiled into the bundled SQLite by the flags in
//! `.cargo/config.toml`, and declared here; every `unsafe` line of the
//! store is in this module.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::marker::PhantomData;
use std::ptr;

use rusqlite::ffi;
use rusqlite::types::Value;
use rusqlite::Connection;

#[repr(C)]
struct RawSession {
    _private: [u8; 0],
}

#[repr(C)]
struct RawIter {
    _private: [u8; 0],
}

type ConflictFn = unsafe extern "C" fn(*mut c_void, c_int, *mut RawIter) -> c_int;
type FilterFn = unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int;

extern "C" {
    fn sqlite3session_create(
        db: *mut ffi::sqlite3,
        name: *const c_char,
        out: *mut *mut RawSession,
    ) -> c_int;
    fn sqlite3session_delete(session: *mut RawSession);
    fn sqlite3session_attach(session: *mut RawSession, table: *const c_char) -> c_int;
    fn sqlite3session_isempty(session: *mut RawSession) -> c_int;
    fn sqlite3session_changeset(
        session: *mut RawSession,
        size: *mut c_int,
        out: *mut *mut c_void,
    ) -> c_int;
    fn sqlite3changeset_apply_v2(
        db: *mut ffi::sqlite3,
        size: c_int,
        changeset: *mut c_void,
        filter: Option<FilterFn>,
        conflict: Option<ConflictFn>,
        context: *mut c_void,
        rebase: *mut *mut c_void,
        rebase_size: *mut c_int,
        flags: c_int,
    ) -> c_int;
    fn sqlite3changeset_start(out: *mut *mut RawIter, size: c_int, changeset: *mut c_void)
        -> c_int;
    fn sqlite3changeset_next(iter: *mut RawIter) -> c_int;
    fn sqlite3changeset_op(
        iter: *mut RawIter,
        table: *mut *const c_char,
        columns: *mut c_int,
        op: *mut c_int,
        indirect: *mut c_int,
    ) -> c_int;
    fn sqlite3changeset_finalize(iter: *mut RawIter) -> c_int;
    fn sqlite3changeset_old(
        iter: *mut RawIter,
        column: c_int,
        out: *mut *mut ffi::sqlite3_value,
    ) -> c_int;
    fn sqlite3changeset_new(
        iter: *mut RawIter,
        column: c_int,
        out: *mut *mut ffi::sqlite3_value,
    ) -> c_int;
    fn sqlite3changeset_conflict(
        iter: *mut RawIter,
        column: c_int,
        out: *mut *mut ffi::sqlite3_value,
    ) -> c_int;
}

const CHANGESET_DATA: c_int = 1;
const CHANGESET_NOTFOUND: c_int = 2;
const CHANGESET_CONFLICT: c_int = 3;
const CHANGESET_CONSTRAINT: c_int = 4;
const CHANGESET_FOREIGN_KEY: c_int = 5;
const CHANGESET_OMIT: c_int = 0;
const CHANGESET_REPLACE: c_int = 1;
const CHANGESET_ABORT: c_int = 2;

/// Why a change could not be applied as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// The row is there, but not as the change expected it (both copies
    /// changed it).
    Data,
    /// The row to change or delete is not there.
    NotFound,
    /// A row to insert is there already.
    Exists,
    /// The change breaks a constraint (NOT NULL, CHECK, UNIQUE).
    Constraint,
    /// The changes leave a foreign key pointing nowhere.
    ForeignKey,
}

/// What to do about a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// Keep this copy's row; leave the change out.
    Omit,
    /// Take the change over this copy's row (for Data and Exists only).
    Replace,
    /// Stop, and apply nothing of the changeset.
    Abort,
}

/// What a changeset does to one row. `old` and `new` hold a value for
/// each of the table's columns, in its order, where the changeset has one:
/// an insert has every new value, a delete every old one, and an update
/// the old key and the old and new values of the columns it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub table: String,
    pub op: Op,
    pub old: Vec<Option<Value>>,
    pub new: Vec<Option<Value>>,
}

/// A change that cannot be applied as it stands, with the row this copy
/// holds (for `Data` and `Exists`; empty otherwise).
#[derive(Debug, Clone, PartialEq)]
pub struct Conflicting {
    pub kind: Conflict,
    pub change: Change,
    pub current: Vec<Option<Value>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Insert,
    Update,
    Delete,
}

/// An error from the session extension, as SQLite's result code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("SQLite's session extension failed (code {0})")]
pub struct SessionError(pub i32);

fn check(code: c_int) -> Result<(), SessionError> {
    if code == ffi::SQLITE_OK {
        Ok(())
    } else {
        Err(SessionError(code))
    }
}

/// Records every change made through one connection to the tables named
/// (all tables with a primary key, if none are), from when it starts.
pub struct Recorder<'c> {
    raw: *mut RawSession,
    _conn: PhantomData<&'c Connection>,
}

impl<'c> Recorder<'c> {
    pub fn start(conn: &'c Connection, tables: &[&str]) -> Result<Recorder<'c>, SessionError> {
        let mut raw = ptr::null_mut();
        // SAFETY: the handle is a live connection for 'c, which outlives the
        // recorder; "main" is a NUL-terminated string.
        check(unsafe { sqlite3session_create(conn.handle(), c"main".as_ptr(), &mut raw) })?;
        let recorder = Recorder {
            raw,
            _conn: PhantomData,
        };
        if tables.is_empty() {
            // SAFETY: a null table name attaches every table.
            check(unsafe { sqlite3session_attach(recorder.raw, ptr::null()) })?;
        }
        for table in tables {
            let name =
                std::ffi::CString::new(*table).map_err(|_| SessionError(ffi::SQLITE_MISUSE))?;
            // SAFETY: the session is live and the name NUL-terminated.
            check(unsafe { sqlite3session_attach(recorder.raw, name.as_ptr()) })?;
        }
        Ok(recorder)
    }

    /// True if nothing has been recorded yet.
    pub fn is_empty(&self) -> bool {
        // SAFETY: the session is live.
        unsafe { sqlite3session_isempty(self.raw) != 0 }
    }

    /// Every change recorded so far, as one changeset.
    pub fn changeset(&self) -> Result<Vec<u8>, SessionError> {
        let mut size: c_int = 0;
        let mut data: *mut c_void = ptr::null_mut();
        // SAFETY: the session is live; SQLite allocates the buffer, which is
        // copied and then freed with sqlite3_free.
        unsafe {
            check(sqlite3session_changeset(self.raw, &mut size, &mut data))?;
            let bytes = if data.is_null() || size <= 0 {
                Vec::new()
            } else {
                std::slice::from_raw_parts(data as *const u8, size as usize).to_vec()
            };
            ffi::sqlite3_free(data);
            Ok(bytes)
        }
    }
}

impl Drop for Recorder<'_> {
    fn drop(&mut self) {
        // SAFETY: created by sqlite3session_create and deleted once, before
        // the connection it borrows is closed.
        unsafe { sqlite3session_delete(self.raw) }
    }
}

/// The rows a changeset changes, in its order. A changeset that is cut
/// short or altered is an error.
pub fn changes(changeset: &[u8]) -> Result<Vec<Change>, SessionError> {
    let size = c_int::try_from(changeset.len()).map_err(|_| SessionError(ffi::SQLITE_TOOBIG))?;
    let mut iter = ptr::null_mut();
    let mut out = Vec::new();
    // SAFETY: the iterator reads `size` bytes of the changeset, which
    // outlives it, and is finalized once on every path.
    unsafe {
        check(sqlite3changeset_start(
            &mut iter,
            size,
            changeset.as_ptr() as *mut c_void,
        ))?;
        loop {
            let step = sqlite3changeset_next(iter);
            if step != ffi::SQLITE_ROW {
                let end = sqlite3changeset_finalize(iter);
                if step != ffi::SQLITE_DONE {
                    return Err(SessionError(step));
                }
                check(end)?;
                return Ok(out);
            }
            match change_at(iter) {
                Ok(change) => out.push(change),
                Err(e) => {
                    sqlite3changeset_finalize(iter);
                    return Err(e);
                }
            }
        }
    }
}

type ValueAt = unsafe extern "C" fn(*mut RawIter, c_int, *mut *mut ffi::sqlite3_value) -> c_int;

/// The values `read` gives for each of `columns` columns at the iterator's
/// row; `None` where it has none.
///
/// # Safety
/// `iter` is a live iterator on a row, and `read` valid to call on it.
unsafe fn values_at(
    iter: *mut RawIter,
    columns: c_int,
    read: ValueAt,
) -> Result<Vec<Option<Value>>, SessionError> {
    (0..columns)
        .map(|i| {
            let mut value: *mut ffi::sqlite3_value = ptr::null_mut();
            // SAFETY: as the caller promises; the value is owned by the
            // iterator and copied before the next step.
            unsafe {
                check(read(iter, i, &mut value))?;
                Ok((!value.is_null()).then(|| value_of(value)))
            }
        })
        .collect()
}

/// A copy of an SQLite value.
///
/// # Safety
/// `value` is a live, non-null SQLite value.
unsafe fn value_of(value: *mut ffi::sqlite3_value) -> Value {
    // SAFETY: as the caller promises; text and blob pointers are read for
    // the length SQLite gives, before anything else touches the value.
    unsafe {
        match ffi::sqlite3_value_type(value) {
            ffi::SQLITE_INTEGER => Value::Integer(ffi::sqlite3_value_int64(value)),
            ffi::SQLITE_FLOAT => Value::Real(ffi::sqlite3_value_double(value)),
            ffi::SQLITE_TEXT => {
                let text = ffi::sqlite3_value_text(value);
                let len = ffi::sqlite3_value_bytes(value).max(0) as usize;
                if text.is_null() {
                    Value::Text(String::new())
                } else {
                    let bytes = std::slice::from_raw_parts(text, len);
                    Value::Text(String::from_utf8_lossy(bytes).into_owned())
                }
            }
            ffi::SQLITE_BLOB => {
                let blob = ffi::sqlite3_value_blob(value) as *const u8;
                let len = ffi::sqlite3_value_bytes(value).max(0) as usize;
                if blob.is_null() {
                    Value::Blob(Vec::new())
                } else {
                    Value::Blob(std::slice::from_raw_parts(blob, len).to_vec())
                }
            }
            _ => Value::Null,
        }
    }
}

/// The change at the iterator's row.
///
/// # Safety
/// `iter` is a live iterator on a row.
unsafe fn change_at(iter: *mut RawIter) -> Result<Change, SessionError> {
    let mut table: *const c_char = ptr::null();
    let (mut columns, mut op, mut indirect) = (0, 0, 0);
    // SAFETY: as the caller promises.
    unsafe {
        let code = sqlite3changeset_op(iter, &mut table, &mut columns, &mut op, &mut indirect);
        if code != ffi::SQLITE_OK || table.is_null() {
            return Err(SessionError(code));
        }
        let op = match op {
            ffi::SQLITE_INSERT => Op::Insert,
            ffi::SQLITE_UPDATE => Op::Update,
            _ => Op::Delete,
        };
        let none = || vec![None; columns.max(0) as usize];
        let old = match op {
            Op::Insert => none(),
            _ => values_at(iter, columns, sqlite3changeset_old)?,
        };
        let new = match op {
            Op::Delete => none(),
            _ => values_at(iter, columns, sqlite3changeset_new)?,
        };
        Ok(Change {
            table: CStr::from_ptr(table).to_string_lossy().into_owned(),
            op,
            old,
            new,
        })
    }
}

struct Decider<'f> {
    decide: &'f mut dyn FnMut(&Conflicting) -> Resolution,
    /// A panic in `decide` is caught and the apply aborted.
    panicked: bool,
}

unsafe extern "C" fn on_conflict(context: *mut c_void, kind: c_int, iter: *mut RawIter) -> c_int {
    // SAFETY: `context` is the Decider that `apply` passed, alive for the
    // whole call to sqlite3changeset_apply_v2.
    let decider = unsafe { &mut *(context as *mut Decider<'_>) };
    let conflict = match kind {
        CHANGESET_DATA => Conflict::Data,
        CHANGESET_NOTFOUND => Conflict::NotFound,
        CHANGESET_CONFLICT => Conflict::Exists,
        CHANGESET_CONSTRAINT => Conflict::Constraint,
        CHANGESET_FOREIGN_KEY => Conflict::ForeignKey,
        _ => return CHANGESET_ABORT,
    };
    // SAFETY: SQLite hands the handler an iterator on the conflicting row;
    // the row this copy holds is there for these two kinds only.
    let change = unsafe { change_at(iter) };
    let Ok(change) = change else {
        return CHANGESET_ABORT;
    };
    let current = match conflict {
        Conflict::Data | Conflict::Exists => {
            let columns = change.old.len().max(change.new.len()) as c_int;
            // SAFETY: as above.
            match unsafe { values_at(iter, columns, sqlite3changeset_conflict) } {
                Ok(values) => values,
                Err(_) => return CHANGESET_ABORT,
            }
        }
        _ => Vec::new(),
    };
    let conflicting = Conflicting {
        kind: conflict,
        change,
        current,
    };
    let decide = &mut decider.decide;
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decide(&conflicting))) {
        Ok(Resolution::Omit) => CHANGESET_OMIT,
        // SQLite allows a replace only for these two kinds.
        Ok(Resolution::Replace) if matches!(conflict, Conflict::Data | Conflict::Exists) => {
            CHANGESET_REPLACE
        }
        Ok(Resolution::Replace) => CHANGESET_OMIT,
        Ok(Resolution::Abort) => CHANGESET_ABORT,
        Err(_) => {
            decider.panicked = true;
            CHANGESET_ABORT
        }
    }
}

/// Applies a changeset to the connection's database in one transaction
/// (all of it or none), asking `decide` about each conflict. A changeset
/// cut short or altered, or an abort, leaves the database as it was.
pub fn apply(
    conn: &Connection,
    changeset: &[u8],
    decide: &mut dyn FnMut(&Conflicting) -> Resolution,
) -> Result<(), SessionError> {
    // Read through first: a damaged changeset is refused before anything
    // is written.
    changes(changeset)?;
    let size = c_int::try_from(changeset.len()).map_err(|_| SessionError(ffi::SQLITE_TOOBIG))?;
    let mut decider = Decider {
        decide,
        panicked: false,
    };
    // SAFETY: the connection is live; the changeset and the decider outlive
    // the call; no rebase buffer is asked for.
    let code = unsafe {
        sqlite3changeset_apply_v2(
            conn.handle(),
            size,
            changeset.as_ptr() as *mut c_void,
            None,
            Some(on_conflict),
            &mut decider as *mut Decider<'_> as *mut c_void,
            ptr::null_mut(),
            ptr::null_mut(),
            0,
        )
    };
    if decider.panicked {
        return Err(SessionError(ffi::SQLITE_ABORT));
    }
    check(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE actions (uuid TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL);",
        )
        .unwrap();
        conn
    }

    fn rows(conn: &Connection) -> Vec<(String, String, String)> {
        let mut stmt = conn
            .prepare("SELECT uuid, title, status FROM actions ORDER BY uuid")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    fn recorded(conn: &Connection, sql: &str) -> Vec<u8> {
        let recorder = Recorder::start(conn, &[]).unwrap();
        assert!(recorder.is_empty());
        conn.execute_batch(sql).unwrap();
        recorder.changeset().unwrap()
    }

    #[test]
    fn changes_made_on_one_copy_replay_on_another() {
        let (a, b) = (db(), db());
        let set = recorded(
            &a,
            "INSERT INTO actions VALUES ('u1', 'Teach reading', 'planned');
             INSERT INTO actions VALUES ('u2', 'Map concepts', 'planned');
             UPDATE actions SET status = 'in progress' WHERE uuid = 'u1';",
        );
        // Rows of one table come in the session's own order.
        let mut listed = changes(&set).unwrap();
        listed.sort_by_key(|c| format!("{:?}", c.new[0]));
        assert_eq!(
            listed,
            vec![
                Change {
                    table: "actions".into(),
                    op: Op::Insert,
                    old: vec![None, None, None],
                    new: ["u1", "Teach reading", "in progress"]
                        .map(|v| Some(Value::Text(v.into())))
                        .to_vec(),
                },
                Change {
                    table: "actions".into(),
                    op: Op::Insert,
                    old: vec![None, None, None],
                    new: ["u2", "Map concepts", "planned"]
                        .map(|v| Some(Value::Text(v.into())))
                        .to_vec(),
                },
            ],
            "an insert then updated is recorded as the insert of the new row"
        );
        apply(&b, &set, &mut |_| Resolution::Abort).unwrap();
        assert_eq!(rows(&a), rows(&b));
        // The same changeset again changes nothing: every row is there.
        let mut seen = Vec::new();
        apply(&b, &set, &mut |c| {
            seen.push(c.kind);
            Resolution::Omit
        })
        .unwrap();
        assert_eq!(seen, vec![Conflict::Exists, Conflict::Exists]);
        assert_eq!(rows(&a), rows(&b));
    }

    #[test]
    fn a_field_changed_on_both_copies_goes_to_the_caller() {
        let (a, b) = (db(), db());
        let base = "INSERT INTO actions VALUES ('u1', 'Teach reading', 'planned');";
        a.execute_batch(base).unwrap();
        b.execute_batch(base).unwrap();
        let from_a = recorded(&a, "UPDATE actions SET status = 'done' WHERE uuid = 'u1';");
        b.execute_batch("UPDATE actions SET status = 'dropped' WHERE uuid = 'u1';")
            .unwrap();
        let mut seen = Vec::new();
        apply(&b, &from_a, &mut |c| {
            seen.push(c.kind);
            Resolution::Omit
        })
        .unwrap();
        assert_eq!(seen, vec![Conflict::Data]);
        // The handler sees both sides: what the change expected and brings,
        // and what this copy holds.
        let mut sides = Vec::new();
        apply(&b, &from_a, &mut |c| {
            sides.push((
                c.change.old[2].clone(),
                c.change.new[2].clone(),
                c.current[2].clone(),
            ));
            Resolution::Omit
        })
        .unwrap();
        let text = |t: &str| Some(Value::Text(t.into()));
        assert_eq!(
            sides,
            vec![(text("planned"), text("done"), text("dropped"))]
        );
        assert_eq!(rows(&b)[0].2, "dropped", "kept when omitted");
        apply(&b, &from_a, &mut |_| Resolution::Replace).unwrap();
        assert_eq!(rows(&b)[0].2, "done", "taken when replaced");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

        /// Bytes from anywhere (a foreign file, a changeset with bytes
        /// flipped) are read or refused, never a crash, and a refused one
        /// changes nothing.
        #[test]
        fn any_bytes_are_read_or_refused(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
            flip in proptest::prelude::any::<(usize, u8)>(),
        ) {
            let (a, b) = (db(), db());
            let mut set = recorded(
                &a,
                "INSERT INTO actions VALUES ('u1', 'Teach reading', 'planned');
                 INSERT INTO actions VALUES ('u2', 'Map concepts', 'planned');",
            );
            let at = flip.0 % set.len();
            set[at] ^= flip.1;
            for candidate in [bytes.as_slice(), set.as_slice()] {
                let _ = changes(candidate);
                if apply(&b, candidate, &mut |_| Resolution::Omit).is_err() {
                    proptest::prop_assert!(rows(&b).is_empty());
                }
                b.execute_batch("DELETE FROM actions").unwrap();
            }
        }
    }

    #[test]
    fn a_damaged_or_aborted_changeset_changes_nothing() {
        let (a, b) = (db(), db());
        let set = recorded(
            &a,
            "INSERT INTO actions VALUES ('u1', 'Teach reading', 'planned');
             INSERT INTO actions VALUES ('u2', 'Map concepts', 'planned');",
        );
        for cut in [1, set.len() / 2, set.len() - 1] {
            assert!(
                apply(&b, &set[..cut], &mut |_| Resolution::Omit).is_err(),
                "cut at {cut}"
            );
            assert!(rows(&b).is_empty());
        }
        assert!(changes(b"not a changeset at all").is_err());
        // One conflict aborts the whole changeset: the other row is not kept.
        b.execute_batch("INSERT INTO actions VALUES ('u2', 'Other', 'planned');")
            .unwrap();
        assert!(apply(&b, &set, &mut |_| Resolution::Abort).is_err());
        assert_eq!(rows(&b).len(), 1);
        // A panic while deciding aborts too, and does not cross into C.
        assert!(apply(&b, &set, &mut |_| panic!("deciding failed")).is_err());
        assert_eq!(rows(&b).len(), 1);
    }
}
