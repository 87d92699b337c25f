//! Reading a whole file that a person named, safely: only a regular file is
//! read (a named pipe, a device, a socket or a folder is refused before
//! anything could block), and never more than a limit, whatever size the
//! file claims to have.

use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Why a file was not read; each is one sentence naming the file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{} could not be read: {}.", path.display(), crate::output::reason(source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is a folder, not a file.", path.display())]
    Folder { path: PathBuf },
    #[error("{} is {what}, not a regular file; headway reads only regular files.", path.display())]
    NotRegular { path: PathBuf, what: &'static str },
    #[error("{} is larger than the {} limit.", path.display(), size(*limit))]
    TooLarge { path: PathBuf, limit: usize },
}

/// Reads the regular file at `path` (a symbolic link to one is fine), or
/// refuses it in one sentence. At most `limit + 1` bytes are ever read.
pub fn read_regular(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    // First look without opening: opening a named pipe for reading would
    // wait for a writer, for ever.
    let meta = fs::metadata(path).map_err(io)?;
    refuse_unless_regular(path, &meta.file_type())?;
    open_and_read(path, limit)
}

/// Opens without blocking, then asks the open handle what it is, so a pipe
/// swapped in after a first look is refused too.
pub fn open_regular(path: &Path) -> Result<File, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    refuse_unless_regular(path, &meta.file_type())?;
    Ok(file)
}

fn open_and_read(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let file = open_regular(path)?;
    let bytes = read_at_most(file, limit).map_err(|source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge {
            path: path.to_path_buf(),
            limit,
        });
    }
    Ok(bytes)
}

fn refuse_unless_regular(path: &Path, kind: &fs::FileType) -> Result<(), ReadError> {
    let path = path.to_path_buf();
    let what = if kind.is_file() {
        return Ok(());
    } else if kind.is_dir() {
        return Err(ReadError::Folder { path });
    } else if kind.is_fifo() {
        "a named pipe"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a plain file"
    };
    Err(ReadError::NotRegular { path, what })
}

/// Up to `limit + 1` bytes, so a caller can tell "exactly at the limit"
/// from "over it" without trusting the file's reported length.
fn read_at_most(file: File, limit: usize) -> std::io::Result<Vec<u8>> {
    let cap = (limit as u64).saturating_add(1);
    let mut bytes = Vec::new();
    file.take(cap).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// "1 MiB", "64 KiB" or "100 bytes".
fn size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_a_person_writes_them() {
        assert_eq!(size(1024 * 1024), "1 MiB");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(100), "100 bytes");
    }

    #[test]
    fn a_pipe_swapped_in_after_the_first_look_is_still_refused() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        // Skips the look before opening: the open must not wait for a
        // writer, and the handle's own type must refuse it.
        assert!(matches!(
            open_and_read(&fifo, 10),
            Err(ReadError::NotRegular {
                what: "a named pipe",
                ..
            })
        ));
    }

    #[test]
    fn opening_refuses_special_files_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        let file = dir.path().join("file");
        fs::write(&file, "x").unwrap();
        assert!(open_regular(&file).is_ok());
        assert!(matches!(
            open_regular(&fifo),
            Err(ReadError::NotRegular { .. })
        ));
        assert!(matches!(
            open_regular(dir.path()),
            Err(ReadError::Folder { .. })
        ));
        assert!(matches!(
            open_regular(Path::new("/dev/null")),
            Err(ReadError::NotRegular {
                what: "a device",
                ..
            })
        ));
    }

    #[test]
    fn a_file_at_the_limit_is_read_and_one_byte_more_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let at = dir.path().join("at");
        let over = dir.path().join("over");
        fs::write(&at, [b'x'; 10]).unwrap();
        fs::write(&over, [b'x'; 11]).unwrap();
        assert_eq!(read_regular(&at, 10).unwrap().len(), 10);
        assert!(matches!(
            read_regular(&over, 10),
            Err(ReadError::TooLarge { limit: 10, .. })
        ));
    }
}
