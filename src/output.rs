//! Every file headway writes for people (reports, exports) goes through
//! here, from the command line and from the app alike.
//!
//! A file is written whole to a private temporary file in the same folder,
//! synced, and only then renamed into place. A failed write (a full disk, a
//! size limit, a killed process) leaves the old file as it was and no half
//! or empty file behind. Paths that would destroy something are refused
//! before a byte is written: the database and its companions, anything in
//! its backups folder, any other SQLite file, and symbolic links. Streams
//! (`-`, a pipe, `/dev/stdout`, `/dev/null`) are written as they are.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::store::file::folder_of;

/// What an output must never replace: one database's own files.
#[derive(Debug, Clone, Default)]
pub struct Protected {
    /// The database and its companions (`-wal`, `-shm`, `-journal`).
    files: Vec<PathBuf>,
    /// Where the database's backups are kept.
    backups: Option<PathBuf>,
}

impl Protected {
    /// The files of the database at `database`.
    pub fn database(database: &Path) -> Protected {
        let real = canonical_or_self(database);
        let mut files: Vec<PathBuf> = ["", "-wal", "-shm", "-journal"]
            .iter()
            .map(|suffix| PathBuf::from(format!("{}{suffix}", real.display())))
            .collect();
        // Text a failed save left for the next start, and where the last
        // session was.
        if let Some(name) = real.file_name() {
            let name = name.to_string_lossy();
            files.push(real.with_file_name(format!(".{name}.unsaved")));
            files.push(real.with_file_name(format!(".{name}.session")));
        }
        let backups = crate::store::backup::backup_folder(&real);
        Protected {
            files,
            backups: Some(canonical_or_self(&backups)),
        }
    }

    fn covers(&self, real: &Path) -> bool {
        self.files.iter().any(|f| f == real)
            || self.backups.as_ref().is_some_and(|b| real.starts_with(b))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("{0} is headway's own database file or backup; choose another name for the output.")]
    Protected(PathBuf),
    #[error("{0} is a database file; headway will not overwrite it, so choose another name for the output.")]
    Database(PathBuf),
    #[error("{0} is a symbolic link; give the real file's path, or another name, so nothing is written through the link.")]
    Symlink(PathBuf),
    #[error("{0} is a folder; give a file name for the output.")]
    Folder(PathBuf),
    #[error("{0} is not a folder; these outputs are several files, so give a folder for them.")]
    NotAFolder(PathBuf),
    #[error("The folder {0} does not exist; create it first or choose another path.")]
    MissingFolder(PathBuf),
    #[error("{} could not be written ({}); any file already there was left as it was.", .path.display(), reason(.source))]
    Write { path: PathBuf, source: io::Error },
    #[error("The output could not be written: {}.", reason(.0))]
    Stdout(io::Error),
}

/// A short, plain reason for an I/O failure.
pub fn reason(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(libc::ENOSPC) => "the disk is full".into(),
        Some(libc::EFBIG) => "the file size limit was hit".into(),
        Some(libc::EDQUOT) => "the disk quota is used up".into(),
        Some(libc::EACCES | libc::EPERM) => "permission was refused".into(),
        Some(libc::EROFS) => "the disk is read-only".into(),
        Some(libc::EIO) => "the disk refused the write".into(),
        Some(libc::ENOENT) => "there is no such file or folder".into(),
        Some(libc::EEXIST) => "something with that name is already there".into(),
        Some(libc::ENXIO) => "no terminal is attached".into(),
        Some(libc::ENOTDIR) => "part of the path is a file, not a folder".into(),
        Some(libc::EISDIR) => "it is a folder".into(),
        _ => {
            let text = e.to_string();
            match text.find(" (os error") {
                Some(at) => text[..at].to_lowercase(),
                None => text.to_lowercase(),
            }
        }
    }
}

/// Where an output goes, decided before anything is written.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    Stdout,
    /// A pipe, a terminal, `/dev/null`: written in place, never renamed.
    Stream(PathBuf),
    /// A regular file, new or replaced whole.
    File(PathBuf),
}

/// Decides what writing to `path` would mean, refusing what would destroy
/// something. `None` and `-` are stdout.
pub fn target(path: Option<&Path>, protected: &Protected) -> Result<Target, OutputError> {
    let Some(path) = path else {
        return Ok(Target::Stdout);
    };
    if path.as_os_str() == "-" {
        return Ok(Target::Stdout);
    }
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => match fs::metadata(path) {
            // /dev/stdout and friends are links to streams: fine.
            Ok(to) if !to.is_file() && !to.is_dir() => Ok(Target::Stream(path.to_path_buf())),
            _ => Err(OutputError::Symlink(path.to_path_buf())),
        },
        Ok(meta) if meta.is_dir() => Err(OutputError::Folder(path.to_path_buf())),
        Ok(meta) if meta.is_file() => {
            let real = canonical_or_self(path);
            if protected.covers(&real) || is_protected_inode(&meta, protected) {
                return Err(OutputError::Protected(path.to_path_buf()));
            }
            if is_sqlite_file(path) || companion_of_a_file(path) || is_unsaved_text(path) {
                return Err(OutputError::Database(path.to_path_buf()));
            }
            Ok(Target::File(path.to_path_buf()))
        }
        Ok(_) => Ok(Target::Stream(path.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let folder = folder_of(path);
            if !folder.is_dir() {
                return Err(OutputError::MissingFolder(folder));
            }
            let real = match (fs::canonicalize(&folder), path.file_name()) {
                (Ok(f), Some(name)) => f.join(name),
                _ => path.to_path_buf(),
            };
            if protected.covers(&real) {
                return Err(OutputError::Protected(path.to_path_buf()));
            }
            if companion_of_a_file(path) {
                return Err(OutputError::Database(path.to_path_buf()));
            }
            Ok(Target::File(path.to_path_buf()))
        }
        Err(source) => Err(OutputError::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// Writes what `body` produces to `path` (stdout when `None` or `-`), as
/// the module's rules say. A reader that stops early (a closed pipe) is not
/// an error: there is nobody left to tell.
pub fn write(
    path: Option<&Path>,
    protected: &Protected,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), OutputError> {
    match target(path, protected)? {
        Target::Stdout => {
            let stdout = io::stdout();
            let mut out = Cleaning::new(BufWriter::new(stdout.lock()));
            let written = body(&mut out).and_then(|()| out.finish().map(|_| ()));
            quiet_on_closed_pipe(written, Path::new("-")).map_err(|e| match e {
                OutputError::Write { source, .. } => OutputError::Stdout(source),
                other => other,
            })
        }
        Target::Stream(path) => {
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|source| OutputError::Write {
                    path: path.clone(),
                    source,
                })?;
            let mut out = Cleaning::new(BufWriter::new(file));
            let written = body(&mut out).and_then(|()| out.finish().map(|_| ()));
            quiet_on_closed_pipe(written, &path)
        }
        Target::File(path) => replace_whole(&path, body),
    }
}

/// Writes a report or export; see [`write`].
pub fn write_text(
    path: Option<&Path>,
    protected: &Protected,
    text: &str,
) -> Result<(), OutputError> {
    write(path, protected, |out| out.write_all(text.as_bytes()))
}

/// Cleans text on its way to a terminal or a pipe, as everything the
/// command line prints is cleaned: control characters and bidi marks are
/// dropped (a `\r` before `\n` is kept). Bytes are held back only while a
/// character or a `\r\n` is split between two writes.
struct Cleaning<W: Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: Write> Cleaning<W> {
    fn new(inner: W) -> Self {
        Cleaning {
            inner,
            pending: Vec::new(),
        }
    }

    /// Writes out what is whole, keeping a split tail for later.
    fn pass_on(&mut self, last: bool) -> io::Result<()> {
        let checked = std::str::from_utf8(&self.pending);
        let whole = match &checked {
            Ok(_) => self.pending.len(),
            // An incomplete character at the end waits for the next write.
            Err(e) if e.error_len().is_none() && !last => e.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        let mut cut = whole;
        if !last && cut > 0 && self.pending[cut - 1] == b'\r' {
            cut -= 1;
        }
        let text = match checked {
            // Already known to be whole characters: read once, not twice.
            Ok(text) if cut == text.len() => std::borrow::Cow::Borrowed(text),
            _ => String::from_utf8_lossy(&self.pending[..cut]),
        };
        self.inner
            .write_all(crate::console::clean_document_borrowed(&text).as_bytes())?;
        self.pending.drain(..cut);
        Ok(())
    }

    fn finish(mut self) -> io::Result<W> {
        self.pass_on(true)?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

impl<W: Write> Write for Cleaning<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= 8192 {
            self.pass_on(false)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.pass_on(false)?;
        self.inner.flush()
    }
}

fn quiet_on_closed_pipe(result: io::Result<()>, path: &Path) -> Result<(), OutputError> {
    match result {
        Ok(()) => Ok(()),
        // The reader went away, as `| head` does: stop as `cat` would, once
        // the database is closed (see `console::finish`).
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            crate::console::reader_went_away();
            Ok(())
        }
        Err(source) => Err(OutputError::Write {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// A temporary file that removes itself unless it was put in place.
struct Temporary {
    path: PathBuf,
    placed: bool,
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.placed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A name in `folder` that no other writer (thread or process) uses.
pub fn temporary_name(folder: &Path, name: &str) -> PathBuf {
    static COUNT: AtomicU32 = AtomicU32::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    folder.join(format!(".{name}.{}-{n}-{nanos:x}.part", std::process::id()))
}

fn replace_whole(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), OutputError> {
    let fail = |source| OutputError::Write {
        path: path.to_path_buf(),
        source,
    };
    let folder = folder_of(path);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let mut temp = Temporary {
        path: temporary_name(&folder, &name),
        placed: false,
    };
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp.path)
        .map_err(fail)?;
    let mut out = BufWriter::new(file);
    body(&mut out).map_err(fail)?;
    let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
    file.sync_all().map_err(fail)?;
    drop(file);
    fs::rename(&temp.path, path).map_err(fail)?;
    temp.placed = true;
    sync_folder(&folder);
    Ok(())
}

/// Makes the rename of a new file durable.
pub fn sync_folder(folder: &Path) {
    if let Ok(dir) = File::open(folder) {
        let _ = dir.sync_all();
    }
}

fn canonical_or_self(path: &Path) -> PathBuf {
    fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The same file as the database under another name (a hard link).
fn is_protected_inode(meta: &fs::Metadata, protected: &Protected) -> bool {
    protected
        .files
        .iter()
        .any(|f| fs::metadata(f).is_ok_and(|m| m.dev() == meta.dev() && m.ino() == meta.ino()))
}

/// True when the file is a SQLite database, write-ahead log or rollback
/// journal, by its first bytes.
fn is_sqlite_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = Vec::with_capacity(16);
    if File::open(path)
        .and_then(|f| f.take(16).read_to_end(&mut head))
        .is_err()
    {
        return false;
    }
    let wal =
        head.starts_with(&[0x37, 0x7f, 0x06, 0x82]) || head.starts_with(&[0x37, 0x7f, 0x06, 0x83]);
    let journal = head.starts_with(&[0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7]);
    head.starts_with(b"SQLite format 3\0") || wal || journal
}

/// `X-wal`, `X-shm` or `X-journal` beside an existing `X`: the log of some
/// database, which holds its latest changes even while it looks empty.
fn companion_of_a_file(path: &Path) -> bool {
    let name = path.to_string_lossy();
    ["-wal", "-shm", "-journal"].iter().any(|suffix| {
        name.strip_suffix(suffix)
            .is_some_and(|base| !base.is_empty() && Path::new(base).is_file())
    })
}

/// A headway recovery file (`.NAME.unsaved`): text a failed save kept.
fn is_unsaved_text(path: &Path) -> bool {
    path.file_name().is_some_and(|n| {
        let n = n.to_string_lossy();
        n.starts_with('.') && n.ends_with(".unsaved")
    })
}

/// Checks a folder that several outputs will go into, before any is
/// written: it must be a real folder (not a link to one), and only its last
/// part is made if missing. Returns it, made private when new.
pub fn folder(path: &Path) -> Result<PathBuf, OutputError> {
    if path.as_os_str() == "-" {
        return Err(OutputError::NotAFolder(path.to_path_buf()));
    }
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(OutputError::Symlink(path.to_path_buf())),
        Ok(meta) if meta.is_dir() => Ok(path.to_path_buf()),
        Ok(_) => Err(OutputError::NotAFolder(path.to_path_buf())),
        Err(_) => {
            let parent = folder_of(path);
            if !parent.is_dir() {
                return Err(OutputError::MissingFolder(parent));
            }
            use std::os::unix::fs::DirBuilderExt;
            fs::DirBuilder::new()
                .mode(0o700)
                .create(path)
                .map_err(|source| OutputError::Write {
                    path: path.to_path_buf(),
                    source,
                })?;
            Ok(path.to_path_buf())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `text` through the cleaner in pieces of `size` bytes.
    fn cleaned_in_pieces(text: &str, size: usize) -> String {
        let mut out = Cleaning::new(Vec::new());
        for piece in text.as_bytes().chunks(size) {
            out.write_all(piece).unwrap();
            out.flush().unwrap();
        }
        String::from_utf8(out.finish().unwrap()).unwrap()
    }

    #[test]
    fn cleaning_a_stream_matches_cleaning_the_whole_text_however_it_is_cut() {
        let text = "é ŵ\u{1b}[2J 中文 \u{9b}x\u{202e}y a\r\nb\rc 🎉\r\n";
        let whole = crate::console::clean_document(text);
        for size in 1..text.len() {
            assert_eq!(cleaned_in_pieces(text, size), whole, "pieces of {size}");
        }
    }
}
