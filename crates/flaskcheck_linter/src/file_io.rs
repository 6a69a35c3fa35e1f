//! Every file flaskcheck reads or writes goes through here.
//!
//! Reading: only regular files, and at most [`MAX_FILE_SIZE`] bytes. A FIFO (or a link to one, or
//! to `/dev/stdin`) would block the run forever, and a link to `/dev/zero` would read until memory
//! runs out; a linted tree or a pull request can hold either. The file is opened without blocking
//! and its type checked on the open handle, so nothing can swap it in between.
//!
//! Writing: a temporary file in the same folder, flushed to disk, then renamed over the target,
//! so that a kill, a full disk or a second writer never leaves a truncated or interleaved file.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

/// Larger files are not read: far above any real source, configuration or baseline file.
pub const MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    // Transparent: a message that wraps this one shows the I/O error once.
    #[error(transparent)]
    Io(#[from] io::Error),
    #[error("not a regular file ({0})")]
    NotRegular(&'static str),
    #[error("larger than {} MB", MAX_FILE_SIZE / (1024 * 1024))]
    TooLarge,
}

/// The bytes of the regular file at `path` (following links), at most [`MAX_FILE_SIZE`].
pub fn read_regular_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    match read_regular_file_within(path, MAX_FILE_SIZE) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(ReadError::TooLarge),
        Err(err) => Err(err),
    }
}

/// The bytes of the regular file at `path` (following links), or `None` if it holds more than
/// `limit` bytes: for files flaskcheck writes itself (the cache), which may be larger than any
/// source file.
pub fn read_regular_file_within(path: &Path, limit: u64) -> Result<Option<Vec<u8>>, ReadError> {
    let file = open_without_blocking(path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(describe(&metadata.file_type())));
    }
    if metadata.len() > limit {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // A file that grows while it is read is still cut at the limit.
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(None);
    }
    Ok(Some(bytes))
}

/// [`read_regular_file`], as UTF-8 text.
pub fn read_regular_text(path: &Path) -> Result<String, ReadError> {
    let bytes = read_regular_file(path)?;
    String::from_utf8(bytes)
        .map_err(|err| ReadError::Io(io::Error::new(io::ErrorKind::InvalidData, err)))
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // Opening a FIFO for reading blocks until a writer comes; with O_NONBLOCK it returns at once,
    // and the type check below refuses it.
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

fn describe(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// Writes `bytes` to `path` all at once: to a temporary file beside it, synced, then renamed
/// over it (and the folder synced, where that is possible, so that the rename lasts too).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(path, &mut |out| out.write_all(bytes))
}

/// [`write_atomically`], the contents written by `write` (buffered) as they are made.
pub fn write_atomically_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut temporary = tempfile::Builder::new()
        .prefix(".flaskcheck-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    // The temporary file is private (0600); the result gets the permissions the file had, or
    // those of a new file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = match std::fs::metadata(path) {
            Ok(metadata) => metadata.permissions(),
            Err(_) => std::fs::Permissions::from_mode(0o644),
        };
        temporary.as_file().set_permissions(permissions)?;
    }
    {
        let mut out = io::BufWriter::with_capacity(1 << 16, temporary.as_file_mut());
        write(&mut out)?;
        out.flush()?;
    }
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|err| err.error)?;
    #[cfg(unix)]
    if let Ok(folder) = File::open(folder) {
        // Best effort: some file systems refuse to sync a folder.
        let _ = folder.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_files_are_read_and_others_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.py");
        std::fs::write(&file, "x = 1\n").unwrap();
        assert_eq!(read_regular_file(&file).unwrap(), b"x = 1\n");
        assert!(matches!(
            read_regular_file(dir.path()),
            Err(ReadError::NotRegular("a folder"))
        ));
        assert!(matches!(
            read_regular_file(&dir.path().join("missing.py")),
            Err(ReadError::Io(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.py");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(status.success());
        assert!(matches!(
            read_regular_file(&fifo),
            Err(ReadError::NotRegular("a FIFO"))
        ));
        let zero = dir.path().join("zero.py");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(matches!(
            read_regular_file(&zero),
            Err(ReadError::NotRegular("a character device"))
        ));
    }

    #[test]
    fn files_past_the_limit_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.py");
        let file = File::create(&big).unwrap();
        // Sparse: no disk used.
        file.set_len(MAX_FILE_SIZE + 1).unwrap();
        assert!(matches!(read_regular_file(&big), Err(ReadError::TooLarge)));
        file.set_len(MAX_FILE_SIZE).unwrap();
        assert_eq!(read_regular_file(&big).unwrap().len() as u64, MAX_FILE_SIZE);
    }

    #[test]
    fn atomic_writes_replace_the_whole_file_and_leave_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("baseline.json");
        std::fs::write(&target, "old contents, longer than the new ones\n").unwrap();
        write_atomically(&target, b"new\n").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["baseline.json"]);
        assert!(write_atomically(&dir.path().join("no/such/folder/x.json"), b"x").is_err());
    }
}
