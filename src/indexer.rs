//! `secsearch index`: walk, read, parse, and write the index — incrementally.
//!
//! Each document is keyed by its absolute path and carries the file's size,
//! modification time and content hash as fast fields, so a later run can tell
//! what changed from the index alone, in one consistent commit: there is no
//! side manifest that a crash could leave out of step with the index.
//!
//! Reading and parsing run on rayon's pool; tokenizing (bigrams + jieba) runs
//! on tantivy's indexing threads fed through `add_document`, so both cores
//! stay busy and the single `IndexWriter` is never starved.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use tantivy::schema::TantivyDocument;
use tantivy::{IndexWriter, Term};

use crate::article::{self, Article};
use crate::error::{Error, SkipReason};
use crate::schema::{self, name, Fields, IndexInfo};
use crate::walker::{self, FileEntry};

/// Set by the Ctrl-C handler; the indexer commits what it has and stops.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Files handed to the parser pool at a time: large enough to keep rayon
/// busy, small enough that Ctrl-C is answered quickly.
const CHUNK: usize = 256;
/// A long run commits this often, so a crash or a kill loses little work.
const COMMIT_EVERY: Duration = Duration::from_secs(30);

pub struct Options {
    pub roots: Vec<PathBuf>,
    pub index_dir: PathBuf,
    pub rebuild: bool,
    pub strict: bool,
    pub max_filesize: u64,
    pub threads: usize,
    /// Total indexing memory budget in bytes, shared by tantivy's threads.
    pub memory: usize,
    pub user_dict: Option<PathBuf>,
    pub quiet: bool,
}

#[derive(Debug, Default)]
pub struct Summary {
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    pub unchanged: u64,
    pub skipped: Vec<(PathBuf, String, &'static str)>,
    pub bytes_read: u64,
    pub seconds: f64,
    pub interrupted: bool,
    pub documents: u64,
}

impl Summary {
    pub fn line(&self) -> String {
        let mut kinds: Vec<(&str, usize)> = Vec::new();
        for (_, _, k) in &self.skipped {
            match kinds.iter_mut().find(|(x, _)| x == k) {
                Some(e) => e.1 += 1,
                None => kinds.push((k, 1)),
            }
        }
        let skipped = if kinds.is_empty() {
            "0 skipped".to_string()
        } else {
            let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
            format!("{} skipped ({})", self.skipped.len(), parts.join(", "))
        };
        let mb = self.bytes_read as f64 / 1e6;
        format!(
            "{} documents: {} added, {} updated, {} removed, {} unchanged, {skipped}; read {:.1} MB in {:.2} s ({:.1} MB/s)",
            self.documents,
            self.added,
            self.updated,
            self.removed,
            self.unchanged,
            mb,
            self.seconds,
            if self.seconds > 0.0 { mb / self.seconds } else { 0.0 }
        )
    }
}

/// What the index already holds for a path.
#[derive(Debug, Clone, Copy)]
struct Known {
    size: u64,
    mtime: i64,
    hash: u64,
}

/// Reads path → (size, mtime, hash) for every live document from fast fields
/// (no stored-document decompression: ~10k docs in a few ms).
fn known_files(index: &tantivy::Index) -> Result<HashMap<String, Known>, tantivy::TantivyError> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut out = HashMap::new();
    let mut buf = String::new();
    for seg in searcher.segment_readers() {
        let ff = seg.fast_fields();
        let Some(paths) = ff.str(name::PATH)? else {
            continue;
        };
        let sizes = ff.u64(name::SIZE)?;
        let mtimes = ff.i64(name::MTIME)?;
        let hashes = ff.u64(name::HASH)?;
        for doc in seg.doc_ids_alive() {
            let Some(ord) = paths.term_ords(doc).next() else {
                continue;
            };
            buf.clear();
            paths.ord_to_str(ord, &mut buf)?;
            out.insert(
                buf.clone(),
                Known {
                    size: sizes.first(doc).unwrap_or(0),
                    mtime: mtimes.first(doc).unwrap_or(0),
                    hash: hashes.first(doc).unwrap_or(0),
                },
            );
        }
    }
    Ok(out)
}

/// The result of reading one file on the parser pool.
enum Parsed {
    Doc(Box<TantivyDocument>),
    /// Same bytes as indexed (only the mtime moved): nothing to do.
    SameContent,
    Skip(SkipReason),
}

fn read_one(
    entry: &FileEntry,
    key: &str,
    known: Option<Known>,
    fields: &Fields,
    max: u64,
) -> Parsed {
    if entry.size > max {
        return Parsed::Skip(SkipReason::TooLarge {
            size: entry.size,
            limit: max,
        });
    }
    let bytes = match std::fs::read(&entry.path) {
        Ok(b) => b,
        Err(e) => return Parsed::Skip(SkipReason::Io(e)),
    };
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    if known.is_some_and(|k| k.hash == hash && k.size == bytes.len() as u64) {
        return Parsed::SameContent;
    }
    let stem = entry
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match article::read(&bytes, &stem) {
        Ok(a) => Parsed::Doc(Box::new(to_document(
            &a,
            key,
            bytes.len() as u64,
            entry.mtime,
            hash,
            fields,
        ))),
        Err(e) => Parsed::Skip(e),
    }
}

/// Duplicate key: the same WeChat article (`__biz`, `mid`, `idx`) saved
/// under different URLs or paths, else the same normalized body.
pub fn dup_key(a: &Article, key: &str) -> String {
    let param = |name: &str| {
        a.url.split(['?', '&', '#']).find_map(|kv| {
            kv.strip_prefix(name)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::to_string)
        })
    };
    if let (Some(biz), Some(mid), Some(idx)) = (param("__biz"), param("mid"), param("idx")) {
        return format!("wx:{biz}:{mid}:{idx}");
    }
    let compact: String = crate::analyzer::normalize(&a.body)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // Short stubs would all collide; they are only duplicates by path.
    if compact.chars().count() < 200 {
        return format!("p:{key}");
    }
    format!("h:{:016x}", xxhash_rust::xxh3::xxh3_64(compact.as_bytes()))
}

fn to_document(
    a: &Article,
    key: &str,
    size: u64,
    mtime: i64,
    hash: u64,
    f: &Fields,
) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.path, key);
    doc.add_text(f.title, &a.title);
    doc.add_text(f.title_words, &a.title);
    doc.add_text(f.body, &a.body);
    doc.add_text(f.body_words, &a.body);
    doc.add_text(f.source, &a.source);
    doc.add_text(f.source_exact, &a.source);
    doc.add_text(f.url, &a.url);
    if let Some(d) = a.date {
        if let Ok(ts) = d.to_zoned(jiff::tz::TimeZone::UTC) {
            doc.add_date(
                f.date,
                tantivy::DateTime::from_timestamp_secs(ts.timestamp().as_second()),
            );
        }
    }
    let dk = dup_key(a, key);
    doc.add_u64(f.dup_hash, xxhash_rust::xxh3::xxh3_64(dk.as_bytes()));
    doc.add_text(f.dup_key, dk);
    doc.add_u64(f.size, size);
    doc.add_i64(f.mtime, mtime);
    doc.add_u64(f.hash, hash);
    doc
}

fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(p)
}

fn is_under(path: &str, roots: &[String]) -> bool {
    roots.iter().any(|r| {
        path.strip_prefix(r.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(std::path::MAIN_SEPARATOR))
    })
}

fn open_writer(opened: &schema::Opened, opts: &Options) -> Result<IndexWriter, Error> {
    let threads = opts.threads.max(1);
    // tantivy needs ≥15 MB a thread; more per thread means fewer segments.
    let per_thread = (opts.memory / threads).max(15_000_000);
    opened
        .index
        .writer_with_num_threads(threads, per_thread * threads)
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => Error::Locked {
                index: opts.index_dir.clone(),
                lock: opts.index_dir.join(".tantivy-writer.lock"),
            },
            other => Error::Path {
                path: opts.index_dir.clone(),
                msg: format!("cannot open index for writing: {other}"),
            },
        })
}

/// Reports a skipped file on stderr at once, so a long run shows problems as
/// they happen, and keeps it for the summary.
fn skip(summary: &mut Summary, pb: &ProgressBar, path: &Path, reason: String, kind: &'static str) {
    pb.suspend(|| eprintln!("secsearch: skipped {}: {reason}", path.display()));
    summary.skipped.push((path.to_path_buf(), reason, kind));
}

pub fn run(opts: &Options) -> Result<Summary, Error> {
    let start = Instant::now();
    let mut summary = Summary::default();

    // Roots: each must exist; a missing one is an error of the run (exit 2)
    // when it is the only one, and a reported skip otherwise.
    let mut roots = Vec::new();
    for r in &opts.roots {
        match absolute(r) {
            Ok(p) if p.is_dir() => roots.push(p),
            Ok(p) => {
                return Err(Error::Path {
                    path: p,
                    msg: "not a folder".into(),
                })
            }
            Err(e) if opts.roots.len() == 1 => {
                return Err(Error::Path {
                    path: r.clone(),
                    msg: format!("cannot index: {e}"),
                })
            }
            Err(e) => {
                eprintln!("secsearch: skipped {}: {e}", r.display());
                summary
                    .skipped
                    .push((r.clone(), e.to_string(), "missing folder"));
            }
        }
    }
    if roots.is_empty() {
        return Err(Error::Other("no folder to index".into()));
    }

    let extra_dict = match &opts.user_dict {
        Some(p) => Some(std::fs::read_to_string(p).map_err(|e| Error::Path {
            path: p.clone(),
            msg: format!("cannot read user dictionary: {e}"),
        })?),
        None => None,
    };
    let spec = schema::spec()?;

    // Open (or create) the index. `--rebuild` on a readable index deletes
    // all documents inside the writer's transaction, so the old index keeps
    // answering until the new one is committed; only an index this binary
    // cannot read is removed from disk first.
    let opened = match schema::open_or_create(&opts.index_dir) {
        Ok(o) => o,
        Err(Error::NeedsRebuild { .. }) if opts.rebuild => {
            remove_index(&opts.index_dir)?;
            schema::open_or_create(&opts.index_dir)?
        }
        Err(e) => return Err(e),
    };
    let prior_roots = match (&opened.info, opts.rebuild) {
        (Some(i), false) => i.roots.clone(),
        _ => Vec::new(),
    };
    if let (Some(info), false) = (&opened.info, opts.rebuild) {
        let want = crate::analyzer::dict_hash(extra_dict.as_deref());
        if info.dict_hash != want {
            return Err(Error::NeedsRebuild {
                path: opts.index_dir.clone(),
                why: "was built with a different jieba dictionary".into(),
            });
        }
    }
    crate::analyzer::init_jieba(extra_dict.as_deref()).map_err(Error::Other)?;
    let fields = opened.fields.clone();
    let mut writer = open_writer(&opened, opts)?;
    let known = if opts.rebuild {
        writer
            .delete_all_documents()
            .map_err(|e| Error::Other(format!("cannot clear the index: {e}")))?;
        HashMap::new()
    } else {
        known_files(&opened.index).map_err(|e| Error::NeedsRebuild {
            path: opts.index_dir.clone(),
            why: format!("cannot be read ({e})"),
        })?
    };

    // Walk.
    let pb = if opts.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    pb.set_message("walking");
    let mut files: Vec<(FileEntry, String)> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for root in &roots {
        let (entries, problems) = walker::walk(root);
        for p in problems {
            skip(&mut summary, &pb, &p.path, p.message, "unreadable");
        }
        for e in entries {
            let Some(key) = e.path.to_str().map(str::to_string) else {
                let r = SkipReason::NonUtf8Name;
                skip(&mut summary, &pb, &e.path, r.to_string(), r.kind());
                continue;
            };
            if seen.insert(key.clone()) {
                files.push((e, key));
            }
        }
    }

    // Deletions: documents under a walked root whose file is gone.
    let root_strs: Vec<String> = roots
        .iter()
        .filter_map(|r| r.to_str().map(str::to_string))
        .collect();
    for path in known.keys() {
        if is_under(path, &root_strs) && !seen.contains(path) {
            writer.delete_term(Term::from_field_text(fields.path, path));
            summary.removed += 1;
        }
    }

    // Changed or new files only; same size and mtime means unchanged
    // without reading the file.
    let mut todo: Vec<(FileEntry, String, Option<Known>)> = Vec::new();
    for (e, key) in files {
        match known.get(&key) {
            Some(k) if k.size == e.size && k.mtime == e.mtime => summary.unchanged += 1,
            k => todo.push((e, key, k.copied())),
        }
    }

    pb.set_length(todo.len() as u64);
    pb.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} files {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut last_commit = Instant::now();
    let mut roots_all: Vec<PathBuf> = prior_roots;
    for r in &roots {
        if !roots_all.contains(r) {
            roots_all.push(r.clone());
        }
    }
    let info = IndexInfo::current(&spec, extra_dict.as_deref(), roots_all);
    let payload = serde_json::to_string(&info).map_err(|e| Error::Other(e.to_string()))?;

    // Tests set SECSEARCH_COMMIT_EVERY (documents) to commit often, so that
    // a kill lands between many commits and merges.
    let commit_every_docs: Option<usize> = std::env::var("SECSEARCH_COMMIT_EVERY")
        .ok()
        .and_then(|v| v.parse().ok());
    let chunk_size = commit_every_docs.map_or(CHUNK, |n| n.clamp(1, CHUNK));
    let mut docs_since_commit = 0usize;
    for chunk in todo.chunks(chunk_size) {
        if INTERRUPTED.load(Ordering::Relaxed) {
            summary.interrupted = true;
            break;
        }
        let parsed: Vec<Parsed> = chunk
            .par_iter()
            .map(|(e, key, k)| read_one(e, key, *k, &fields, opts.max_filesize))
            .collect();
        for ((e, key, k), p) in chunk.iter().zip(parsed) {
            match p {
                Parsed::Doc(doc) => {
                    summary.bytes_read += e.size;
                    if k.is_some() {
                        writer.delete_term(Term::from_field_text(fields.path, key));
                        summary.updated += 1;
                    } else {
                        summary.added += 1;
                    }
                    writer.add_document(*doc).map_err(|err| Error::Path {
                        path: opts.index_dir.clone(),
                        msg: format!("indexing failed: {err}"),
                    })?;
                }
                Parsed::SameContent => {
                    summary.bytes_read += e.size;
                    summary.unchanged += 1;
                }
                Parsed::Skip(r) => {
                    let kind = r.kind();
                    // A file that was indexed but is now unreadable is
                    // removed, so results match what is on disk.
                    if k.is_some() {
                        writer.delete_term(Term::from_field_text(fields.path, key));
                        summary.removed += 1;
                    }
                    skip(&mut summary, &pb, &e.path, r.to_string(), kind);
                }
            }
        }
        pb.inc(chunk.len() as u64);
        docs_since_commit += chunk.len();
        if last_commit.elapsed() > COMMIT_EVERY
            || commit_every_docs.is_some_and(|n| docs_since_commit >= n)
        {
            docs_since_commit = 0;
            commit(&mut writer, &payload, opts)?;
            last_commit = Instant::now();
        }
    }
    pb.set_message("committing");
    commit(&mut writer, &payload, opts)?;
    pb.finish_and_clear();
    // Merging is left to tantivy's merge policy: forcing one segment cost
    // ~1 s of the 10k-article run (4.4 s → 5.4 s) and made searches no
    // faster (measured). Files of merged-away segments are removed now
    // rather than at the next run.
    writer.wait_merging_threads().map_err(|e| Error::Path {
        path: opts.index_dir.clone(),
        msg: format!("merging segments failed: {e}"),
    })?;
    if let Ok(w) = opened
        .index
        .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
    {
        let _ = w.garbage_collect_files().wait();
    }
    // The word vocabulary for fast infix search (see expand::Vocabulary).
    let reader = opened
        .index
        .reader()
        .map_err(|e| Error::Other(e.to_string()))?;
    let searcher = reader.searcher();
    summary.documents = searcher.num_docs();
    let opstamp = opened
        .index
        .load_metas()
        .map(|m| m.opstamp)
        .map_err(|e| Error::Other(e.to_string()))?;
    crate::expand::write_vocabulary(
        &opts.index_dir,
        &searcher,
        &[fields.title, fields.body, fields.source],
        opstamp,
    )
    .map_err(|e| Error::Path {
        path: opts.index_dir.join(crate::expand::VOCABULARY_FILE),
        msg: format!("cannot write: {e}"),
    })?;
    summary.seconds = start.elapsed().as_secs_f64();
    Ok(summary)
}

fn commit(writer: &mut IndexWriter, payload: &str, opts: &Options) -> Result<(), Error> {
    let mut prepared = writer.prepare_commit().map_err(|e| Error::Path {
        path: opts.index_dir.clone(),
        msg: format!("commit failed: {e}"),
    })?;
    prepared.set_payload(payload);
    prepared.commit().map_err(|e| Error::Path {
        path: opts.index_dir.clone(),
        msg: format!("commit failed: {e}"),
    })?;
    Ok(())
}

/// Removes an index directory's files for `--rebuild`. Only a directory
/// holding a tantivy `meta.json` is touched, so a mistyped `--index` never
/// deletes someone's folder.
fn remove_index(dir: &Path) -> Result<(), Error> {
    if !schema::exists(dir) {
        return Ok(());
    }
    let err = |e: std::io::Error| Error::Path {
        path: dir.to_path_buf(),
        msg: format!("cannot remove the old index: {e}"),
    };
    for entry in std::fs::read_dir(dir).map_err(err)? {
        let entry = entry.map_err(err)?;
        let p = entry.path();
        if p.is_file() {
            std::fs::remove_file(&p).map_err(err)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Fields {
        let spec = schema::spec().unwrap();
        let s = schema::build(&spec).unwrap();
        Fields::resolve(&s, &spec).unwrap()
    }

    #[test]
    fn a_file_removed_between_walk_and_read_is_a_reported_skip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gone.md");
        std::fs::write(&p, "---\ntitle: x\n---\nbody").unwrap();
        let (files, _) = walker::walk(dir.path());
        assert_eq!(files.len(), 1);
        std::fs::remove_file(&p).unwrap();
        match read_one(&files[0], "k", None, &fields(), 1 << 20) {
            Parsed::Skip(SkipReason::Io(e)) => {
                assert_eq!(e.kind(), std::io::ErrorKind::NotFound)
            }
            _ => panic!("expected an I/O skip"),
        }
    }

    #[test]
    fn duplicate_keys_use_the_wechat_id_or_the_body() {
        let mut a = article::parse(
            "---\ntitle: t\nurl: https://mp.weixin.qq.com/s?__biz=QQ==&mid=7&idx=2&sn=x\n---\nbody",
            "f",
        );
        assert_eq!(dup_key(&a, "/p"), "wx:QQ==:7:2");
        a.url.clear();
        assert_eq!(
            dup_key(&a, "/p"),
            "p:/p",
            "short bodies are only duplicates by path"
        );
        a.body = "长".repeat(300);
        let k = dup_key(&a, "/p");
        a.body = format!(" {} \n", "长".repeat(300));
        assert_eq!(dup_key(&a, "/q"), k, "whitespace does not matter");
    }
}
