//! Keeping a damaged, foreign or read-only index from doing harm.
//!
//! * [`check`]: before an index answers, every file of its segments must
//!   exist and pass tantivy's checksum (each segment file ends with a CRC32
//!   footer), and the numbers `meta.json` gives (documents, deletions) must
//!   agree with the files: a flipped byte then gives one error naming the
//!   file, never a panic deep in tantivy or a silently wrong answer.
//! * [`owned_files`]: which files of an index folder are provably
//!   secsearch's, so `--rebuild` never deletes anything else.
//! * [`LockTolerant`]: tantivy's reader takes a lock file while it opens
//!   segments (so that a writer's garbage collection cannot delete them
//!   meanwhile); on a read-only folder that file cannot be created, and
//!   nobody can delete anything there either, so the lock is skipped.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::index::SegmentComponent;

use crate::error::Error;
use crate::index::layout::{temp_name, CHECKED_FILE, MARKER_FILE, OWN_FILES, TANTIVY_FILES};

/// Files of segments, by extension, as tantivy 0.27 writes them.
const SEGMENT_PARTS: &[SegmentComponent] = &[
    SegmentComponent::Postings,
    SegmentComponent::Positions,
    SegmentComponent::FastFields,
    SegmentComponent::FieldNorms,
    SegmentComponent::Terms,
    SegmentComponent::Store,
];

fn damaged(dir: &Path, file: &Path, why: impl Into<String>) -> Error {
    Error::Damaged {
        file: dir.join(file),
        why: why.into(),
    }
}

/// A file's identity: any write to it changes its ctime, which no user
/// tool can set back, so an unchanged identity means unchanged bytes since
/// they were verified.
fn identity(path: &Path) -> Option<[i64; 5]> {
    identity_of(&std::fs::metadata(path).ok()?)
}

#[cfg(unix)]
fn identity_of(m: &std::fs::Metadata) -> Option<[i64; 5]> {
    use std::os::unix::fs::MetadataExt;
    Some([
        m.ino() as i64,
        m.size() as i64,
        m.mtime_nsec() + m.mtime() * 1_000_000_000,
        m.ctime(),
        m.ctime_nsec(),
    ])
}

#[cfg(not(unix))]
fn identity_of(_m: &std::fs::Metadata) -> Option<[i64; 5]> {
    None
}

type Checked = std::collections::HashMap<String, [i64; 5]>;

fn load_checked(dir: &Path) -> Checked {
    std::fs::read(dir.join(CHECKED_FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Verifies every segment file and records their identities, so that a
/// search need not read 50 MB to compute CRCs each time: measured on the
/// 10k-article index, checking every file cost a search ~9 ms of CPU
/// (6 → 15 ms). A file whose identity has changed since is checked again.
///
/// Files already in the record with the same identity are not read again:
/// a run that changed one segment reads that segment, not the whole index
/// (at a million articles, 3.5 GB).
pub fn record_checked(index: &tantivy::Index, dir: &Path) -> Result<(), Error> {
    let verified = check_with(index, dir, &load_checked(dir))?;
    let mut out = Checked::new();
    for file in verified {
        if let Some(id) = identity(&dir.join(&file)) {
            out.insert(file.to_string_lossy().into_owned(), id);
        }
    }
    let tmp = crate::index::layout::temp_path(dir, CHECKED_FILE);
    let err = |source| Error::Io {
        path: dir.join(CHECKED_FILE),
        what: "cannot write",
        source,
    };
    let json = serde_json::to_vec(&out).map_err(Error::Payload)?;
    std::fs::write(&tmp, json).map_err(err)?;
    std::fs::rename(&tmp, dir.join(CHECKED_FILE)).map_err(err)
}

/// Every file of every segment exists and passes its checksum (unless
/// `index` verified it and it is unchanged since, see [`record_checked`]).
pub fn check(index: &tantivy::Index, dir: &Path) -> Result<(), Error> {
    check_with(index, dir, &load_checked(dir)).map(|_| ())
}

/// The segment files a long-running reader (`serve`) has verified, by
/// identity: a file changed since (a flipped byte changes its ctime) is
/// verified again before the next answer, so damage after the server
/// started is an error, never a silently wrong count. Starts from the
/// record `index` keeps, and remembers what this process verified, so an
/// unchanged file costs one `stat`.
#[derive(Debug, Default)]
pub struct Verified(Checked);

impl Verified {
    /// The record of `dir`, as `index` left it.
    pub fn load(dir: &Path) -> Verified {
        Verified(load_checked(dir))
    }

    /// [`check`] against this record, which then holds the files of the
    /// current segments.
    pub fn recheck(&mut self, index: &tantivy::Index, dir: &Path) -> Result<(), Error> {
        let files = check_with(index, dir, &self.0)?;
        let mut now = Checked::new();
        for file in files {
            if let Some(id) = identity(&dir.join(&file)) {
                now.insert(file.to_string_lossy().into_owned(), id);
            }
        }
        self.0 = now;
        Ok(())
    }
}

/// [`check`] with the given record; returns the files of the segments.
fn check_with(
    index: &tantivy::Index,
    dir: &Path,
    checked: &Checked,
) -> Result<Vec<PathBuf>, Error> {
    let mut all = Vec::new();
    let metas = index
        .searchable_segment_metas()
        .map_err(|e| damaged(dir, Path::new("meta.json"), e.to_string()))?;
    for meta in &metas {
        let mut parts: Vec<PathBuf> = SEGMENT_PARTS
            .iter()
            .map(|c| meta.relative_path(c.clone()))
            .collect();
        if meta.has_deletes() {
            parts.push(meta.relative_path(SegmentComponent::Delete));
        }
        for file in parts {
            // One `stat` a file answers both questions (a search opens
            // ~150 files at a million articles).
            let meta = std::fs::metadata(dir.join(&file)).ok();
            let Some(meta) = meta.filter(std::fs::Metadata::is_file) else {
                return Err(damaged(dir, &file, "the file is missing"));
            };
            let known = checked.get(file.to_string_lossy().as_ref());
            if known.is_some() && known.copied() == identity_of(&meta) {
                all.push(file);
                continue;
            }
            match checksum_ok(&dir.join(&file)) {
                Ok(true) => {}
                Ok(false) => return Err(damaged(dir, &file, "checksum mismatch")),
                Err(e) => return Err(damaged(dir, &file, e.to_string())),
            }
            all.push(file);
        }
    }
    Ok(all)
}

/// The end of every tantivy file: the length of the JSON footer before it
/// and a magic number, both u32 little-endian (tantivy 0.27 `Footer`).
const FOOTER_TAIL: u64 = 8;
const FOOTER_MAGIC: u32 = 1337;
const FOOTER_MAX: u64 = 50_000;

/// The part of tantivy's JSON footer this check needs.
#[derive(serde::Deserialize)]
struct Footer {
    crc: u32,
}

/// Whether a segment file's CRC32 matches its footer, read through a small
/// buffer, as tantivy's `validate_checksum` would decide. Not through
/// tantivy's memory map: every page of a mapped file counts towards the
/// process's resident memory while the index is open, so checking a
/// 3.5 GB index that way made the run 3.5 GB large.
fn checksum_ok(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let bad = |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string());
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len < FOOTER_TAIL {
        return Err(bad("the file is shorter than its footer"));
    }
    let mut tail = [0u8; FOOTER_TAIL as usize];
    file.seek(SeekFrom::Start(len - FOOTER_TAIL))?;
    file.read_exact(&mut tail)?;
    let footer_len = u64::from(u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]));
    let magic = u32::from_le_bytes([tail[4], tail[5], tail[6], tail[7]]);
    if magic != FOOTER_MAGIC || footer_len > FOOTER_MAX || len < footer_len + FOOTER_TAIL {
        return Err(bad("no valid tantivy footer"));
    }
    let body_len = len - footer_len - FOOTER_TAIL;
    let mut json = vec![0u8; footer_len as usize];
    file.seek(SeekFrom::Start(body_len))?;
    file.read_exact(&mut json)?;
    let footer: Footer = serde_json::from_slice(&json).map_err(|e| bad(&e.to_string()))?;
    file.seek(SeekFrom::Start(0))?;
    let mut body = file.take(body_len);
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = body.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize() == footer.crc)
}

/// What `meta.json` says about each segment agrees with the segment's own
/// files: its document count with the field norms, its deletions with the
/// delete file. A changed digit in `meta.json` (which has no checksum)
/// would otherwise make tantivy read past a column or count deleted
/// documents as live.
pub fn check_counts(
    searcher: &tantivy::Searcher,
    norms_field: tantivy::schema::Field,
    dir: &Path,
) -> Result<(), Error> {
    let meta = Path::new("meta.json");
    let metas = searcher
        .index()
        .searchable_segment_metas()
        .map_err(|e| damaged(dir, meta, e.to_string()))?;
    for seg in searcher.segment_readers() {
        let norms = seg
            .get_fieldnorms_reader(norms_field)
            .map_err(|e| damaged(dir, meta, e.to_string()))?;
        if norms.num_docs() != seg.max_doc() {
            return Err(damaged(
                dir,
                meta,
                format!(
                    "it gives segment {} {} documents, its files hold {}",
                    seg.segment_id().short_uuid_string(),
                    seg.max_doc(),
                    norms.num_docs()
                ),
            ));
        }
        let in_meta = metas
            .iter()
            .find(|m| m.id() == seg.segment_id())
            .map_or(0, |m| m.num_deleted_docs());
        if in_meta != seg.num_deleted_docs() {
            return Err(damaged(
                dir,
                meta,
                "its count of deleted documents disagrees with the delete file",
            ));
        }
    }
    Ok(())
}

/// The names of the files in `dir` that are provably secsearch's: the
/// marker, the vocabulary, tantivy's meta, managed list and locks, every
/// file `.managed.json` or `meta.json` names, and (when the marker is
/// there) files named like tantivy's segment files. `None` when nothing
/// proves the folder is an index: neither the marker nor a `meta.json`
/// that parses as tantivy's.
pub fn owned_files(dir: &Path) -> Option<Vec<String>> {
    let marker = dir.join(MARKER_FILE).is_file();
    let meta = std::fs::read(dir.join("meta.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .filter(|v| v.get("segments").is_some_and(|s| s.is_array()) && v.get("schema").is_some());
    if !marker && meta.is_none() {
        return None;
    }
    let mut own: Vec<String> = TANTIVY_FILES
        .iter()
        .chain(OWN_FILES.iter())
        .map(|s| s.to_string())
        .collect();
    own.extend(OWN_FILES.iter().map(|f| temp_name(f)));
    if let Some(managed) = std::fs::read(dir.join(".managed.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<String>>(&b).ok())
    {
        own.extend(managed);
    }
    let segments = meta
        .as_ref()
        .and_then(|m| m.get("segments"))
        .and_then(|s| s.as_array());
    for seg in segments.into_iter().flatten() {
        let Some(id) = seg.get("segment_id").and_then(|s| s.as_str()) else {
            continue;
        };
        let id = id.replace('-', "");
        for ext in ["idx", "pos", "fast", "fieldnorm", "term", "store"] {
            own.push(format!("{id}.{ext}"));
        }
        if let Some(op) = seg.pointer("/deletes/opstamp").and_then(|o| o.as_u64()) {
            own.push(format!("{id}.{op}.del"));
        }
    }
    if marker {
        own.extend(segment_like_files(dir));
    }
    Some(own)
}

/// Files named as tantivy names segment files (`<32 hex>.<ext>`,
/// `<32 hex>.<opstamp>.del`): with the marker present, these are the
/// index's own even when `meta.json` is too damaged to list them.
fn segment_like_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| {
            let Some((id, ext)) = n.split_once('.') else {
                return false;
            };
            let known = [
                "idx",
                "pos",
                "fast",
                "fieldnorm",
                "term",
                "store",
                "store.temp",
            ];
            let del = ext
                .strip_suffix(".del")
                .is_some_and(|op| op.bytes().all(|b| b.is_ascii_digit()));
            id.len() == 32
                && id.bytes().all(|b| b.is_ascii_hexdigit())
                && (known.contains(&ext) || del)
        })
        .collect()
}

/// Removes the provably own files of the index in `dir`, for `--rebuild`
/// of an index this binary cannot open. Refuses, deleting nothing, when the
/// folder is not provably an index or holds anything else.
pub fn remove_index(dir: &Path) -> Result<(), Error> {
    let Some(own) = owned_files(dir) else {
        return Err(Error::NotOurs {
            path: dir.to_path_buf(),
            why: "is not provably a secsearch index (no secsearch-index marker, and meta.json is missing or is not tantivy's)".into(),
        });
    };
    let err = |source: std::io::Error| Error::Io {
        path: dir.to_path_buf(),
        what: "cannot read the index folder",
        source,
    };
    let mut mine = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let entry = entry.map_err(err)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && own.contains(&name) {
            mine.push(entry.path());
        } else {
            return Err(Error::NotOurs {
                path: dir.to_path_buf(),
                why: format!("holds '{name}', which is not secsearch's"),
            });
        }
    }
    for p in mine {
        std::fs::remove_file(&p).map_err(|source| Error::Io {
            path: p.clone(),
            what: "cannot remove the old index file",
            source,
        })?;
    }
    Ok(())
}

/// An `MmapDirectory` whose locks are skipped where they cannot be taken
/// because the folder is read-only (see the module note).
#[derive(Debug, Clone)]
pub struct LockTolerant(pub MmapDirectory);

impl LockTolerant {
    pub fn open(dir: &Path) -> Result<LockTolerant, Error> {
        MmapDirectory::open(dir)
            .map(LockTolerant)
            .map_err(|e| Error::Path {
                path: dir.to_path_buf(),
                msg: e.to_string(),
            })
    }
}

/// Whether an I/O error means "this folder cannot be written".
fn is_read_only(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::PermissionDenied
        || e.kind() == std::io::ErrorKind::ReadOnlyFilesystem
}

impl Directory for LockTolerant {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(LockError::IoError(e))
                if is_read_only(&e)
                    && lock.filepath != tantivy::directory::INDEX_WRITER_LOCK.filepath =>
            {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }
    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of two articles in a temporary folder.
    fn small_index() -> (tempfile::TempDir, tempfile::TempDir) {
        let root = tempfile::tempdir().unwrap();
        let index = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.md"), "---\ntitle: 甲\n---\n勒索软件").unwrap();
        std::fs::write(root.path().join("b.md"), "---\ntitle: 乙\n---\n挖矿木马").unwrap();
        let opts = crate::index::writer::Options::small_test(root.path(), index.path());
        crate::index::writer::run(&opts, &crate::index::writer::Silent).unwrap();
        (root, index)
    }

    #[test]
    fn the_buffered_checksum_agrees_with_tantivys_and_sees_a_flipped_byte() {
        let (_root, index) = small_index();
        let opened = crate::index::schema::open_or_create(index.path()).unwrap();
        let files = check_with(&opened.index, index.path(), &Checked::new()).unwrap();
        assert!(files.len() >= SEGMENT_PARTS.len());
        for f in &files {
            let ours = checksum_ok(&index.path().join(f)).unwrap();
            let theirs = opened.index.directory().validate_checksum(f).unwrap();
            assert!(ours && theirs, "{}", f.display());
        }
        let victim = index.path().join(&files[0]);
        let mut bytes = std::fs::read(&victim).unwrap();
        bytes[0] ^= 0xff;
        std::fs::write(&victim, &bytes).unwrap();
        assert!(!checksum_ok(&victim).unwrap());
        std::fs::write(&victim, b"short").unwrap();
        assert!(checksum_ok(&victim).is_err(), "no footer is an error");
    }
}
