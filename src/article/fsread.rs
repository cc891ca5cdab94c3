//! Reading an article file that may have changed since it was walked or
//! indexed: it may now be a FIFO (an open for reading would block until a
//! writer appears), a device (`/dev/zero` never ends) or far larger than
//! when it was indexed. Every read of an article file goes through here so
//! that nothing on disk can make a command hang or take unbounded memory.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::SkipReason;

/// Reads `path` if it is a regular file of at most `limit` bytes.
///
/// The file is opened non-blocking (a FIFO open returns at once), its type
/// and size are checked on the open handle (no race with a rename between
/// a `stat` and the `open`), and the read is capped at `limit + 1` bytes in
/// case the file grows while it is read.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, SkipReason> {
    read_open(open_nonblocking(path, false)?, limit)
}

/// The checks and the capped read of [`read_regular`] on an open handle.
fn read_open(file: File, limit: u64) -> Result<Vec<u8>, SkipReason> {
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
    let mut buf = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Err(SkipReason::TooLarge {
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// Opens for reading without waiting for a FIFO's writer; with
/// `no_link`, a link as the last component is refused (ELOOP) instead of
/// followed.
#[cfg(unix)]
fn open_nonblocking(path: &Path, no_link: bool) -> Result<File, SkipReason> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = libc::O_NONBLOCK | if no_link { libc::O_NOFOLLOW } else { 0 };
    match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
    {
        Err(e) if no_link && e.raw_os_error() == Some(libc::ELOOP) => {
            Err(SkipReason::Special("a symbolic link"))
        }
        r => Ok(r?),
    }
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path, _no_link: bool) -> Result<File, SkipReason> {
    Ok(File::open(path)?)
}

/// Where article files may be read from: under the folders an index was
/// built from, unless it was built with `--follow`. An indexed path is only
/// a name; after indexing, `a.md` (or a folder above it) can be replaced by
/// a link to `/etc/passwd`, and every later reader (snippets, `-C`, the
/// web page, `export`) would show the outside file as the article.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Canonical roots; empty with `follow` means anywhere.
    roots: Vec<PathBuf>,
    follow: bool,
}

impl Scope {
    /// The scope of an index built from `roots` (canonical, as `index`
    /// records them), `follow` as `--follow`. They are not resolved again:
    /// a root replaced by a link since must not move the scope with it.
    pub fn new(roots: &[PathBuf], follow: bool) -> Scope {
        Scope {
            roots: roots.to_vec(),
            follow,
        }
    }

    /// A file the user named: links are followed, as `cat` follows them.
    pub fn anywhere() -> Scope {
        Scope {
            roots: Vec::new(),
            follow: true,
        }
    }

    fn contains(&self, real: &Path) -> bool {
        self.roots.iter().any(|r| real.starts_with(r))
    }
}

/// [`read_regular`] confined to `scope`: the path is resolved (every link
/// in it followed), the resolved path must lie under a root, and that
/// resolved path is opened without following a link in its last
/// component; on Linux the path of the opened handle is checked again
/// (`/proc/self/fd`), so a folder swapped for a link between the check and
/// the open is caught too. Nothing outside the roots is even opened (an
/// open can have effects on a device).
pub fn read_within(path: &Path, limit: u64, scope: &Scope) -> Result<Vec<u8>, SkipReason> {
    if scope.follow {
        return read_regular(path, limit);
    }
    if scope.roots.is_empty() {
        // An index older than its recorded roots: at least the file
        // itself must not be a link.
        return read_open(open_nonblocking(path, true)?, limit);
    }
    let real = std::fs::canonicalize(path)?;
    if !scope.contains(&real) {
        return Err(SkipReason::LinkOutside(real.display().to_string()));
    }
    let file = open_nonblocking(&real, true)?;
    if let Some(opened) = opened_path(&file) {
        if !scope.contains(&opened) {
            return Err(SkipReason::LinkOutside(opened.display().to_string()));
        }
    }
    read_open(file, limit)
}

/// Where an open handle really is, from the kernel.
#[cfg(target_os = "linux")]
fn opened_path(file: &File) -> Option<PathBuf> {
    use std::os::fd::AsRawFd;
    std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()
}

#[cfg(not(target_os = "linux"))]
fn opened_path(_file: &File) -> Option<PathBuf> {
    None
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

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_roots_are_refused_unless_followed() {
        let root = tempfile::tempdir().unwrap();
        let root = &root.path().canonicalize().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.md");
        std::fs::write(&secret, "outside").unwrap();
        let inner = root.join("inner.md");
        std::fs::write(&inner, "inside").unwrap();
        let a = root.join("a.md");
        std::os::unix::fs::symlink(&secret, &a).unwrap();
        let b = root.join("b.md");
        std::os::unix::fs::symlink(&inner, &b).unwrap();
        let sub = root.join("sub");
        std::os::unix::fs::symlink(outside.path(), &sub).unwrap();
        let scope = Scope::new(&[root.to_path_buf()], false);
        assert!(matches!(
            read_within(&a, 100, &scope),
            Err(SkipReason::LinkOutside(_))
        ));
        assert!(matches!(
            read_within(&sub.join("secret.md"), 100, &scope),
            Err(SkipReason::LinkOutside(_))
        ));
        assert_eq!(read_within(&b, 100, &scope).unwrap(), b"inside");
        let followed = Scope::new(&[root.to_path_buf()], true);
        assert_eq!(read_within(&a, 100, &followed).unwrap(), b"outside");
        assert!(matches!(
            read_within(&a, 100, &Scope::new(&[], false)),
            Err(SkipReason::Special("a symbolic link"))
        ));
    }
}
