//! Reading an article file that may have changed since it was walked or
//! indexed: it may now be a FIFO (an open for reading would block until a
//! writer appears), a device (`/dev/zero` never ends) or far larger than
//! when it was indexed. Every read of an article file goes through here so
//! that nothing on disk can make a command hang or take unbounded memory.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use crate::error::SkipReason;

/// Reads `path` if it is a regular file of at most `limit` bytes.
///
/// The file is opened non-blocking (a FIFO open returns at once), its type
/// and size are checked on the open handle (no race with a rename between
/// a `stat` and the `open`), and the read is capped at `limit + 1` bytes in
/// case the file grows while it is read.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, SkipReason> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(SkipReason::Special(kind_of(&meta.file_type())));
    }
    if meta.len() > limit {
        return Err(SkipReason::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // `limit` may be u64::MAX ("no limit"): + 1 must not wrap to 0.
    file.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(SkipReason::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

/// What a non-regular file is, for the skip message.
pub fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_small_files_are_read_and_others_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        std::fs::write(&a, "abc").unwrap();
        assert_eq!(read_regular(&a, 10).unwrap(), b"abc");
        assert!(matches!(
            read_regular(&a, 2),
            Err(SkipReason::TooLarge { size: 3, limit: 2 })
        ));
        assert!(matches!(
            read_regular(dir.path(), 10),
            Err(SkipReason::Special(_))
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_regular(Path::new("/dev/zero"), 10),
            Err(SkipReason::Special("a device"))
        ));
    }
}
