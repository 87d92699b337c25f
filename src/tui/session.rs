//! A small mark beside the database while the app is open, saying which
//! statement the meeting is on. Quitting removes it. When the app ends any
//! other way (a crash, a closed terminal, `kill -9`), the mark is still there
//! at the next start, and says where the meeting was, so a rationale that
//! stops mid-word can be finished.
//!
//! Every keystroke is already saved: the mark holds no text, only where.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Where the meeting was: an evaluation and a statement's place in it.
pub type Spot = (i64, usize);

pub struct SessionMark {
    path: Option<PathBuf>,
    written: Option<Spot>,
}

/// The mark for the database at `db`.
pub fn path_for(db: &Path) -> Option<PathBuf> {
    let name = db.file_name()?.to_string_lossy();
    Some(db.with_file_name(format!(".{name}.session")))
}

impl SessionMark {
    /// Starts this session's mark; returns what the last session left if
    /// it ended without quitting: where it was, if it was in a walk. (Only
    /// one headway writes a file at a time, so a mark found is never a
    /// live one.)
    pub fn begin(db: &Path) -> (SessionMark, Option<Option<Spot>>) {
        let path = path_for(db);
        let left = path
            .as_ref()
            .and_then(|p| fs::read_to_string(p).ok())
            .map(|text| {
                let mut parts = text.split_whitespace();
                match (parts.next(), parts.next()) {
                    (Some(e), Some(i)) => e.parse().ok().zip(i.parse().ok()),
                    _ => None,
                }
            });
        let mut mark = SessionMark {
            path,
            written: None,
        };
        mark.write("");
        (mark, left)
    }

    /// The meeting is at `spot` (or in no walk): kept if it moved.
    pub fn at(&mut self, spot: Option<Spot>) {
        if spot == self.written {
            return;
        }
        let text = spot.map_or(String::new(), |(e, i)| format!("{e} {i}\n"));
        if self.write(&text) {
            self.written = spot;
        }
    }

    /// The app is quitting: nothing to pick up next time.
    pub fn end(self) {
        if let Some(path) = &self.path {
            let _ = fs::remove_file(path);
        }
    }

    /// Best effort: a mark that cannot be written only loses the offer to
    /// pick up where the meeting was.
    fn write(&mut self, text: &str) -> bool {
        let Some(path) = &self.path else {
            return false;
        };
        let mut options = OpenOptions::new();
        options
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW);
        options
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_left_behind_says_where_the_meeting_was() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("school.db");
        let (mut mark, left) = SessionMark::begin(&db);
        assert_eq!(left, None, "nothing left before the first session");
        mark.at(Some((4, 7)));
        drop(mark); // ended without quitting
        let (mark, left) = SessionMark::begin(&db);
        assert_eq!(left, Some(Some((4, 7))));
        mark.end();
        let (_, left) = SessionMark::begin(&db);
        assert_eq!(left, None, "a quit leaves nothing");
    }
}
