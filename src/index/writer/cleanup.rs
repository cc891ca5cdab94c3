//! What a failed or abandoned run leaves behind, removed; and a full disk
//! named as such.
//!
//! tantivy registers every file it creates in `.managed.json` before
//! writing it, and a commit lists the segments that count in `meta.json`.
//! A run that ends without committing (Ctrl-C during `--rebuild`, a full
//! disk, a kill) leaves segment files that no commit lists: they cost disk
//! space and, on a full disk, made every later run fail. tantivy's garbage
//! collection deletes exactly those (the managed files no commit uses), so
//! it runs when a run fails, and when the next run opens the index (after a
//! kill, the failed run could not).

use std::path::Path;

use tantivy::schema::TantivyDocument;

use crate::error::Error;

/// Deletes the managed files the last commit does not use (merged-away
/// segments, the segments of a run that did not commit).
pub(super) fn collect_garbage(index: &tantivy::Index) -> Result<(), tantivy::TantivyError> {
    let w = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
    w.garbage_collect_files().wait()?;
    Ok(())
}

/// After a failed run (its writer dropped, so its lock is free): removes
/// the files it wrote that no commit lists. Best effort: the next run's
/// [`collect_garbage`] at open does it otherwise.
pub(super) fn remove_orphans(dir: &Path) {
    if let Ok(index) = tantivy::Index::open_in_dir(dir) {
        let _ = collect_garbage(&index);
    }
}

/// Less free space than this where the index lives, at the moment a write
/// failed, means the disk was full: tantivy reports a write that failed in
/// its indexing threads only as "An index writer was killed", with the
/// cause (ENOSPC) lost.
const NEARLY_FULL: u64 = 16 * 1024 * 1024;

/// `e` as [`Error::NoSpace`] when the disk holding `dir` is full: the cause
/// is in the error, or the disk has (nearly) no space left. Checked before
/// [`remove_orphans`] frees the run's own files.
pub(super) fn name_disk_full(e: Error, dir: &Path) -> Error {
    if matches!(e, Error::NoSpace { .. }) {
        return e;
    }
    let write_failed = matches!(e, Error::Index { .. } | Error::Io { .. });
    if write_failed && (says_no_space(&e) || free_bytes(dir).is_some_and(|b| b < NEARLY_FULL)) {
        return Error::NoSpace {
            path: dir.to_path_buf(),
            source: Box::new(e),
        };
    }
    e
}

/// Whether any cause in `e`'s chain is ENOSPC or EDQUOT.
fn says_no_space(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if matches!(io.raw_os_error(), Some(libc::ENOSPC) | Some(libc::EDQUOT))
                || io.kind() == std::io::ErrorKind::StorageFull
            {
                return true;
            }
        }
        if c.to_string().contains("No space left on device") {
            return true;
        }
        cause = c.source();
    }
    false
}

/// Bytes an unprivileged process may still write on `dir`'s file system.
#[cfg(unix)]
fn free_bytes(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    // SAFETY: `c` is a NUL-terminated path and `st` a zeroed statvfs that
    // the call fills; nothing is kept past the call.
    unsafe {
        let mut st: libc::statvfs = std::mem::zeroed();
        if libc::statvfs(c.as_ptr(), &mut st) != 0 {
            return None;
        }
        Some((st.f_bavail as u64).saturating_mul(st.f_frsize as u64))
    }
}

#[cfg(not(unix))]
fn free_bytes(_: &Path) -> Option<u64> {
    None
}
