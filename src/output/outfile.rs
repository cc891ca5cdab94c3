//! Files secsearch writes for the user (`iocs --stix FILE`): never half a
//! file, never through a link, never into the index.
//!
//! The content goes to `FILE.partial` beside the target and is renamed over
//! it only when it is complete and on disk, so a full disk, a kill or an
//! error leaves the previous FILE as it was (and the partial file is
//! removed). A target that is a symbolic link (writing would change the
//! file it points to), not a regular file (a FIFO would block the write
//! for ever, a device would swallow it) or inside the index folder (the
//! index's own `meta.json`) is refused with one line, before anything is
//! written.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::Error;

/// A file being written: `path.partial` until [`OutFile::finish`].
pub struct OutFile {
    target: PathBuf,
    partial: PathBuf,
    out: Option<BufWriter<File>>,
}

fn refused(path: &Path, msg: &str) -> Error {
    Error::Path {
        path: path.to_path_buf(),
        msg: msg.to_string(),
    }
}

/// Whether `path` (which may not exist yet) lies inside `index` (which may
/// not exist): both resolved through their existing parents.
fn inside(path: &Path, index: &Path) -> bool {
    let resolve = |p: &Path| -> Option<PathBuf> {
        let p = std::path::absolute(p).ok()?;
        if let Ok(c) = std::fs::canonicalize(&p) {
            return Some(c);
        }
        let parent = std::fs::canonicalize(p.parent()?).ok()?;
        Some(parent.join(p.file_name()?))
    };
    match (resolve(path), resolve(index)) {
        (Some(p), Some(i)) => p.starts_with(i),
        _ => false,
    }
}

impl OutFile {
    /// Checks `target` and opens `target.partial` for writing.
    pub fn create(target: &Path, index: Option<&Path>) -> Result<OutFile, Error> {
        if index.is_some_and(|i| inside(target, i)) {
            return Err(refused(
                target,
                "is inside the index folder; write it somewhere else",
            ));
        }
        match std::fs::symlink_metadata(target) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(refused(
                    target,
                    "is a symbolic link; not written through it (give the file it points to)",
                ))
            }
            Ok(m) if !m.file_type().is_file() => {
                let kind = crate::article::fsread::kind_of(&m.file_type());
                return Err(refused(target, &format!("is {kind}, not a regular file")));
            }
            _ => {}
        }
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(".partial");
        let partial = target.with_file_name(name);
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(
            &mut o,
            libc::O_NOFOLLOW | libc::O_NONBLOCK,
        );
        let file = o.open(&partial).map_err(|source| Error::Io {
            path: partial.clone(),
            what: "cannot write",
            source,
        })?;
        match file.metadata() {
            Ok(m) if m.file_type().is_file() => {}
            _ => return Err(refused(&partial, "is not a regular file")),
        }
        Ok(OutFile {
            target: target.to_path_buf(),
            partial,
            out: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// Flushes, syncs and renames the partial file over the target.
    pub fn finish(mut self) -> Result<(), Error> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| Error::Io {
                path,
                what: "cannot write",
                source,
            }
        };
        let Some(out) = self.out.take() else {
            return Ok(());
        };
        let done = out
            .into_inner()
            .map_err(|e| io(&self.partial)(e.into_error()))
            .and_then(|file| file.sync_all().map_err(io(&self.partial)))
            .and_then(|()| std::fs::rename(&self.partial, &self.target).map_err(io(&self.target)));
        if done.is_err() {
            // The last buffer or the sync failed (a full disk): the
            // partial file is ours and incomplete.
            let _ = std::fs::remove_file(&self.partial);
        }
        done
    }

    /// The error of a failed write: the partial file goes (on drop), the
    /// previous file stays.
    pub fn write_error(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.target.clone(),
            what: "cannot write (the previous file, if any, is unchanged)",
            source,
        }
    }
}

impl Write for OutFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.out.as_mut() {
            Some(w) => w.write(buf),
            None => Err(std::io::Error::other("written after it was finished")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.as_mut().map_or(Ok(()), Write::flush)
    }
}

impl Drop for OutFile {
    /// Not finished (an error, a panic): the partial file is ours, and goes.
    fn drop(&mut self) {
        if self.out.take().is_some() {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_replaced_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let idx = dir.path().join("idx");
        std::fs::create_dir(&idx).unwrap();
        let t = dir.path().join("out.json");
        std::fs::write(&t, "old").unwrap();
        let mut f = OutFile::create(&t, Some(&idx)).unwrap();
        f.write_all(b"new").unwrap();
        drop(f);
        assert_eq!(
            std::fs::read_to_string(&t).unwrap(),
            "old",
            "unfinished: kept"
        );
        assert!(!dir.path().join("out.json.partial").exists());
        let mut f = OutFile::create(&t, Some(&idx)).unwrap();
        f.write_all(b"new").unwrap();
        f.finish().unwrap();
        assert_eq!(std::fs::read_to_string(&t).unwrap(), "new");
        assert!(OutFile::create(&idx.join("meta.json"), Some(&idx)).is_err());
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&t, &link).unwrap();
        assert!(OutFile::create(&link, Some(&idx)).is_err());
    }
}
