//! Phase 1: the roots, the index (created, opened or rebuilt), the jieba
//! dictionary it must be built with, the one writer, and what the index
//! already holds.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use tantivy::indexer::{IndexWriterOptions, LogMergePolicy};

use super::options::{Options, Progress, Summary};
use super::queue::Writer;
use crate::analysis::{self, UserDict};
use crate::error::Error;
use crate::index::columns;
use crate::index::schema::{self, name, IndexInfo};

/// What the index already holds for a path.
#[derive(Debug, Clone, Copy)]
pub(super) struct Known {
    pub size: u64,
    pub mtime: i64,
    pub hash: u64,
}

/// An open index run: everything the later phases write with.
pub(super) struct Session {
    pub opened: schema::Opened,
    pub writer: Writer,
    /// The roots of this run, absolute.
    pub roots: Vec<PathBuf>,
    /// Path → what is indexed for it (empty on `--rebuild`).
    pub known: HashMap<String, Known>,
    /// The compatibility record every commit carries.
    pub payload: String,
    /// The record differs from the last commit's (new roots, a new index):
    /// the run commits even when no document changed.
    pub payload_changed: bool,
    /// The `--user-dict` to build jieba with, once there is text to
    /// segment: a run with nothing to read never pays jieba's build.
    pub user_dict: Option<UserDict>,
}

pub(super) fn open(
    opts: &Options,
    summary: &mut Summary,
    progress: &dyn Progress,
) -> Result<Session, Error> {
    let roots = resolve_roots(&opts.roots, summary, progress)?;
    let user_dict = opts.user_dict.as_deref().map(UserDict::read).transpose()?;
    let extra = user_dict.as_ref().map(|d| d.text.as_str());
    let spec = schema::spec()?;
    let opened = open_index(&opts.index_dir, opts.rebuild)?;
    let prior_roots = match (&opened.info, opts.rebuild) {
        (Some(i), false) => i.roots.clone(),
        _ => Vec::new(),
    };
    if let (Some(info), false) = (&opened.info, opts.rebuild) {
        if info.dict_hash != analysis::dict_hash(extra) {
            return Err(Error::NeedsRebuild {
                path: opts.index_dir.clone(),
                why: "was built with a different jieba dictionary".into(),
            });
        }
    }
    let writer = open_writer(&opened, opts)?;
    let known = if opts.rebuild {
        writer
            .delete_all_documents()
            .map_err(|source| Error::Index {
                path: opts.index_dir.clone(),
                what: "cannot clear the index",
                source,
            })?;
        HashMap::new()
    } else {
        // Through `Opened::reader`: its counts are checked against meta.json.
        let reader = opened.reader()?;
        known_files(&reader).map_err(|e| Error::NeedsRebuild {
            path: opts.index_dir.clone(),
            why: format!("cannot be read ({e})"),
        })?
    };
    let mut all_roots = prior_roots;
    for r in &roots {
        if !all_roots.contains(r) {
            all_roots.push(r.clone());
        }
    }
    let info = IndexInfo::current(&spec, extra, all_roots);
    let payload = serde_json::to_string(&info).map_err(Error::Payload)?;
    let prior_payload = opened.info.as_ref().map(serde_json::to_string);
    let payload_changed = !matches!(prior_payload, Some(Ok(p)) if p == payload);
    Ok(Session {
        opened,
        writer,
        roots,
        known,
        payload,
        payload_changed,
        user_dict,
    })
}

/// Each root must exist; a missing one is an error of the run (exit 2) when
/// it is the only one, and a reported skip otherwise.
fn resolve_roots(
    given: &[PathBuf],
    summary: &mut Summary,
    progress: &dyn Progress,
) -> Result<Vec<PathBuf>, Error> {
    let mut roots = Vec::new();
    for r in given {
        match std::fs::canonicalize(r) {
            Ok(p) if p.is_dir() => roots.push(p),
            Ok(p) => {
                return Err(Error::Path {
                    path: p,
                    msg: "not a folder".into(),
                })
            }
            Err(source) if given.len() == 1 => {
                return Err(Error::Io {
                    path: r.clone(),
                    what: "cannot index",
                    source,
                })
            }
            Err(e) => summary.skip(progress, r, e.to_string(), "missing folder"),
        }
    }
    if roots.is_empty() {
        return Err(Error::Other("no folder to index".into()));
    }
    Ok(roots)
}

/// Opens (or creates) the index. `--rebuild` on a readable index deletes all
/// documents inside the writer's transaction, so the old index keeps
/// answering until the new one is committed; only an index this binary
/// cannot read is removed from disk first.
fn open_index(dir: &Path, rebuild: bool) -> Result<schema::Opened, Error> {
    match schema::open_or_create(dir) {
        Err(Error::NeedsRebuild { .. } | Error::Damaged { .. }) if rebuild => {
            crate::index::integrity::remove_index(dir)?;
            schema::open_or_create(dir)
        }
        other => other,
    }
}

/// Segments with more documents than this are not merged again: a merge
/// maps its input segments whole (resident memory) and rewrites them, so
/// unbounded merges made memory and time grow with the archive (925 MB
/// peak at 100k articles). With the writer's budget (cli::INDEX_MEMORY) a
/// thread flushes ~12–17k documents; a merge reads [`MERGE_SEGMENTS`] of
/// those and writes ~60k, and a million articles end in ~17 segments.
const MAX_DOCS_BEFORE_MERGE: usize = 20_000;

/// Segments merged at once (tantivy's default is 8). A merge maps its
/// inputs while it reads them, and those pages count in the resident size:
/// at a million generated articles, merges of 8 segments of ~15k took the
/// peak past 1 GB (1,034 MB by 200 s); 400k articles peaked at 664 MB
/// merging 4 (793 MB at 200k merging 8), in the same time.
const MERGE_SEGMENTS: usize = 4;

fn open_writer(opened: &schema::Opened, opts: &Options) -> Result<Writer, Error> {
    let threads = opts.threads.max(1);
    // tantivy needs ≥15 MB a thread; more per thread means fewer segments.
    let per_thread = (opts.memory / threads).max(15_000_000);
    // One merge at a time (tantivy's default is 4): each maps its input
    // segments whole, so concurrent merges add up in resident memory, and
    // on two cores they only compete with the indexing threads.
    let options = IndexWriterOptions::builder()
        .memory_budget_per_thread(per_thread)
        .num_worker_threads(threads)
        .num_merge_threads(1)
        .build();
    let writer = opened
        .index
        .writer_with_options(options)
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(
                tantivy::directory::error::LockError::IoError(e),
                _,
            ) if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) =>
            {
                Error::ReadOnly(opts.index_dir.clone())
            }
            tantivy::TantivyError::LockFailure(..) => Error::Locked {
                index: opts.index_dir.clone(),
                lock: opts.index_dir.join(".tantivy-writer.lock"),
            },
            source => Error::Index {
                path: opts.index_dir.clone(),
                what: "cannot open index for writing",
                source,
            },
        })?;
    let mut policy = LogMergePolicy::default();
    policy.set_max_docs_before_merge(MAX_DOCS_BEFORE_MERGE);
    policy.set_min_num_segments(MERGE_SEGMENTS);
    writer.set_merge_policy(Box::new(policy));
    Ok(writer)
}

/// Reads path → (size, mtime, hash) for every live document from fast fields
/// (no stored-document decompression). The paths of a segment are read in
/// one ordered pass over its path dictionary, not one dictionary lookup a
/// document (a block decoded for each: most of a no-change run's CPU at
/// 100k articles).
fn known_files(reader: &tantivy::IndexReader) -> Result<HashMap<String, Known>, Error> {
    let column = |e: tantivy::TantivyError| columns::index_error("fast fields", e);
    let searcher = reader.searcher();
    let mut out = HashMap::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let Some(paths) = ff.str(name::PATH).map_err(column)? else {
            continue;
        };
        let sizes = ff.u64(name::SIZE).map_err(column)?;
        let mtimes = ff.i64(name::MTIME).map_err(column)?;
        let hashes = ff.u64(name::HASH).map_err(column)?;
        let mut by_ord: Vec<(u64, u32)> = seg
            .doc_ids_alive()
            .filter_map(|doc| columns::first_ord(&paths, doc).map(|ord| (ord, doc)))
            .collect();
        by_ord.sort_unstable();
        // One path is one key: the dictionary reports an ordinal once.
        by_ord.dedup_by_key(|&mut (ord, _)| ord);
        let ords: Vec<u64> = by_ord.iter().map(|&(ord, _)| ord).collect();
        let mut docs = by_ord.iter().map(|&(_, doc)| doc);
        paths
            .dictionary()
            .sorted_ords_to_term_cb(&ords, |term| {
                let Some(doc) = docs.next() else { return };
                out.insert(
                    String::from_utf8_lossy(term).into_owned(),
                    Known {
                        size: sizes.first(doc).unwrap_or(0),
                        mtime: mtimes.first(doc).unwrap_or(0),
                        hash: hashes.first(doc).unwrap_or(0),
                    },
                );
            })
            .map_err(|e| columns::index_error(name::PATH, e))?;
    }
    Ok(out)
}
