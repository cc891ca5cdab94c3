//! Every article of a secsearch index, as [`ExportDoc`]s, streamed into an
//! [`Exporter`]: what `secsearch export` runs.
//!
//! What comes from where. The index stores `path`, `title`, `source`, `url`
//! and `date`, and holds each article's indicators in the `ioc` column; it
//! does **not** store the body (`index-schema/schema.json`: "the archive is
//! the store", which keeps the index under the input size). So the body —
//! the visible text, as secsearch searches it — is read from the article
//! file through the same reader the indexer uses ([`crate::article::read`]),
//! and the `_id` is the hash of those file bytes.
//!
//! A file that changed since it was indexed (its bytes no longer hash to the
//! index's `hash` column) is exported as it is now, every field from the
//! file, so that one document never mixes two versions of an article; the
//! summary counts such files and suggests re-indexing. A file that is gone or
//! unreadable is skipped and reported, as `index` does: one bad file never
//! stops an export.
//!
//! Memory: documents are visited segment by segment, doc id by doc id, and
//! each is written and dropped before the next is read; nothing is collected
//! over the archive.

use std::path::{Path, PathBuf};
use std::time::Instant;

use tantivy::columnar::{Column, StrColumn};
use tantivy::store::StoreReader;
use tantivy::{DocId, SegmentReader, TantivyDocument};

use super::doc::ExportDoc;
use super::exporter::{Exporter, Summary, Target};
use crate::article;
use crate::error::{Error, SkipReason};
use crate::index::schema::{self, name, Fields};
use crate::index::{columns, stored};

/// Where `secsearch export` reports, so that this module prints nothing
/// (the command layer's `messages::ExportProgress` draws the bar).
pub trait Progress {
    /// The export starts; `total` documents are in the index.
    fn start(&self, _total: u64) {}
    /// One more document was written.
    fn exported(&self) {}
    /// An indexed article could not be exported.
    fn skipped(&self, _path: &Path, _reason: &str) {}
    /// The export is complete (the bar goes away).
    fn done(&self) {}
}

/// A [`Progress`] that reports nothing (library callers, tests).
pub struct Silent;
impl Progress for Silent {}

/// What one `secsearch export` run asks for.
#[derive(Debug, Clone)]
pub struct Options {
    pub index_dir: PathBuf,
    pub target: Target,
    pub out_dir: PathBuf,
    /// The index name in Quickwit / OpenSearch.
    pub index_name: String,
}

/// What an export run did, for its summary line and exit code.
#[derive(Debug, Clone)]
pub struct Run {
    pub written: Summary,
    /// Documents in the index.
    pub indexed: u64,
    /// Indexed articles not exported (file gone, unreadable, not text).
    pub skipped: u64,
    /// Exported from a file that changed since it was indexed.
    pub changed: u64,
    /// Bytes of article files read.
    pub bytes_read: u64,
    pub seconds: f64,
}

/// Files larger than this are read only if the index recorded them larger:
/// the indexer's default `--max-filesize`, so an export reads what an index
/// run would, and a file grown into something huge cannot exhaust memory.
const MIN_READ_LIMIT: u64 = 32 * 1024 * 1024;

/// Export every document of the index at `opts.index_dir`.
pub fn run(opts: &Options, progress: &dyn Progress) -> Result<Run, Error> {
    let start = Instant::now();
    let opened = schema::open(&opts.index_dir)?;
    let reader = opened.reader()?;
    let searcher = reader.searcher();
    let mut exporter = Exporter::create(opts.target, &opts.out_dir, &opts.index_name)?;
    let mut tally = Tally::default();
    progress.start(searcher.num_docs());
    for segment in searcher.segment_readers() {
        let seg = Segment::open(&opened.fields, segment)?;
        for doc_id in segment.doc_ids_alive() {
            match seg.export_doc(doc_id)? {
                Ok((doc, how)) => {
                    exporter.write(&doc)?;
                    tally.add(how);
                    progress.exported();
                }
                Err((path, why)) => {
                    tally.skipped += 1;
                    progress.skipped(Path::new(&path), &why.to_string());
                }
            }
        }
    }
    let written = exporter.finish()?;
    progress.done();
    Ok(Run {
        written,
        indexed: searcher.num_docs(),
        skipped: tally.skipped,
        changed: tally.changed,
        bytes_read: tally.bytes_read,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// What the document loop counts, for [`Run`].
#[derive(Default)]
struct Tally {
    skipped: u64,
    changed: u64,
    bytes_read: u64,
}

impl Tally {
    fn add(&mut self, how: Read) {
        self.bytes_read += how.bytes;
        self.changed += u64::from(how.changed);
    }
}

/// How one document was read.
#[derive(Clone, Copy)]
struct Read {
    bytes: u64,
    changed: bool,
}

/// An indexed article that could not be exported: its path and why.
type Skip = (String, SkipReason);

/// One segment's columns and stored documents, opened once for all its
/// documents.
struct Segment<'a> {
    fields: &'a Fields,
    /// Its own store reader, caching one block: documents are read in doc id
    /// order, so each block is decompressed once, and memory stays at one
    /// block (the searcher's readers cache 100 blocks each, which made peak
    /// memory grow with the number of segments).
    store: StoreReader,
    iocs: Option<StrColumn>,
    hashes: Option<Column<u64>>,
    sizes: Option<Column<u64>>,
}

impl<'a> Segment<'a> {
    fn open(fields: &'a Fields, segment: &SegmentReader) -> Result<Self, Error> {
        let ff = segment.fast_fields();
        let bad = |what: &str, e: tantivy::TantivyError| columns::index_error(what, e);
        Ok(Segment {
            fields,
            store: segment
                .get_store_reader(1)
                .map_err(|e| columns::index_error("document store", e))?,
            iocs: ff.str(name::IOC).map_err(|e| bad(name::IOC, e))?,
            hashes: ff
                .column_opt::<u64>(name::HASH)
                .map_err(|e| bad(name::HASH, e))?,
            sizes: ff
                .column_opt::<u64>(name::SIZE)
                .map_err(|e| bad(name::SIZE, e))?,
        })
    }

    /// The document `doc_id` as exported, or why its article was skipped.
    /// The outer error is the index's (damaged: the export stops).
    fn export_doc(&self, doc_id: DocId) -> Result<Result<(ExportDoc, Read), Skip>, Error> {
        let stored: TantivyDocument = self
            .store
            .get(doc_id)
            .map_err(|e| columns::index_error("stored document", e))?;
        let path = stored::text(&stored, self.fields.path);
        let indexed_size = self.sizes.as_ref().and_then(|c| c.first(doc_id));
        let limit = indexed_size.unwrap_or(0).max(MIN_READ_LIMIT);
        let bytes = match crate::article::fsread::read_regular(Path::new(&path), limit) {
            Ok(b) => b,
            Err(e) => return Ok(Err((path, e))),
        };
        let stem = Path::new(&path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let a = match article::read(&bytes, &stem) {
            Ok(a) => a,
            Err(e) => return Ok(Err((path, e))),
        };
        let indexed_hash = self.hashes.as_ref().and_then(|c| c.first(doc_id));
        let changed = indexed_hash != Some(xxhash_rust::xxh3::xxh3_64(&bytes));
        let id = ExportDoc::content_id(&bytes);
        let how = Read {
            bytes: bytes.len() as u64,
            changed,
        };
        drop(bytes);
        let doc = if changed {
            from_file(id, path, a)
        } else {
            ExportDoc {
                id,
                title: stored::text(&stored, self.fields.title),
                source: stored::text(&stored, self.fields.source),
                date: stored::day(&stored, self.fields.date),
                url: stored::text(&stored, self.fields.url),
                body: a.body,
                indicators: self.indicators(doc_id)?,
                path,
            }
        };
        Ok(Ok((doc, how)))
    }

    /// The document's indicators from the `ioc` column, values only (the
    /// kind is a prefix of the term), in kind order, each value once.
    fn indicators(&self, doc_id: DocId) -> Result<Vec<String>, Error> {
        let Some(col) = &self.iocs else {
            return Ok(Vec::new());
        };
        let mut out: Vec<String> = Vec::new();
        let mut term = String::new();
        for ord in col.term_ords(doc_id) {
            term.clear();
            col.ord_to_str(ord, &mut term)
                .map_err(|e| columns::index_error("ioc column", e))?;
            push_value(&mut out, &term);
        }
        Ok(out)
    }
}

/// Appends the value of indicator term `term` (`kind:value`) unless it is
/// already there (the same string can be two kinds: `a.sh` file and domain).
fn push_value(out: &mut Vec<String>, term: &str) {
    if let Some((_, value)) = crate::ioc::terms::split(term) {
        if !out.iter().any(|v| v == value) {
            out.push(value.to_string());
        }
    }
}

/// A document made from the file alone, as the indexer would have indexed
/// it now: for a file that changed since it was indexed.
fn from_file(id: String, path: String, a: article::Article) -> ExportDoc {
    let texts = [a.title.as_str(), a.body.as_str()]
        .into_iter()
        .chain(a.links.iter().map(String::as_str));
    let mut indicators = Vec::new();
    for term in crate::ioc::terms::of_texts(texts) {
        push_value(&mut indicators, &term);
    }
    ExportDoc {
        id,
        path,
        title: a.title,
        source: a.source,
        date: a.date,
        url: a.url,
        body: a.body,
        indicators,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_values_lose_their_kind_and_repeat_once() {
        let mut v = Vec::new();
        for t in ["cve:CVE-2024-3094", "domain:a.sh", "file:a.sh", "nonsense"] {
            push_value(&mut v, t);
        }
        assert_eq!(v, ["CVE-2024-3094", "a.sh"]);
    }
}
