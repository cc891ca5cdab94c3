//! Phase 3: remove what is gone, then read, parse and add what changed.
//!
//! Reading and parsing run on rayon's pool; tokenizing (bigrams + jieba) runs
//! on tantivy's indexing threads fed through `add_document`, so both cores
//! stay busy and the single `IndexWriter` is never starved.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tantivy::schema::TantivyDocument;
use tantivy::Term;

use super::open::{Known, Session};
use super::options::{Options, Progress, Summary};
use super::plan::{Plan, Todo};
use super::queue::{Backlog, Writer};
use crate::article::walk::FileEntry;
use crate::article::{self, Article};
use crate::error::{Error, SkipReason};
use crate::index::columns;
use crate::index::schema::Fields;

/// Files handed to the parser pool at a time: large enough to keep rayon
/// busy, small enough that Ctrl-C is answered quickly.
const CHUNK: usize = 256;
/// A long run commits this often, so a crash or a kill loses little work
/// (not `--rebuild`, which commits only a complete index).
const COMMIT_EVERY: Duration = Duration::from_secs(30);

pub(super) fn write(
    session: &mut Session,
    plan: Plan,
    opts: &Options,
    summary: &mut Summary,
    progress: &dyn Progress,
) -> Result<(), Error> {
    let path_field = session.opened.fields.path;
    for key in &plan.gone {
        session
            .writer
            .delete_term(Term::from_field_text(path_field, key));
        summary.removed += 1;
    }
    progress.reading(plan.todo.len() as u64);
    let mut jieba = JiebaBuild::start(session, &plan);
    let mut backlog = Backlog::default();
    let chunk_size = opts.commit_every_docs.map_or(CHUNK, |n| n.clamp(1, CHUNK));
    let mut last_commit = Instant::now();
    let mut docs_since_commit = 0usize;
    for chunk in plan.todo.chunks(chunk_size) {
        if opts.interrupt.load(Ordering::Relaxed) {
            summary.interrupted = true;
            break;
        }
        backlog.wait_for_room(chunk.len());
        write_chunk(
            session,
            chunk,
            &mut jieba,
            &mut backlog,
            opts,
            summary,
            progress,
        )?;
        progress.read(chunk.len() as u64);
        docs_since_commit += chunk.len();
        // `--rebuild` commits once, at the end: a commit before would put
        // a partial index in place of the complete one it replaces.
        if opts.rebuild {
            continue;
        }
        if last_commit.elapsed() > COMMIT_EVERY
            || opts
                .commit_every_docs
                .is_some_and(|n| docs_since_commit >= n)
        {
            docs_since_commit = 0;
            commit(&mut session.writer, &session.payload, opts)?;
            last_commit = Instant::now();
        }
    }
    Ok(())
}

/// jieba's dictionary, built (110–170 ms) on a thread of its own while the
/// first files are read and parsed, and only when there is a file to read:
/// a run that finds nothing changed never builds it.
struct JiebaBuild(Option<std::thread::JoinHandle<Result<(), Error>>>);

impl JiebaBuild {
    fn start(session: &mut Session, plan: &Plan) -> Self {
        if plan.todo.is_empty() {
            return JiebaBuild(None);
        }
        let dict = session.user_dict.take();
        JiebaBuild(Some(std::thread::spawn(move || {
            crate::analysis::init_jieba(dict.as_ref())
        })))
    }

    /// Waits for the build: the first document handed to tantivy's threads
    /// is segmented with it, so it must be in place before.
    fn ready(&mut self) -> Result<(), Error> {
        match self.0.take().map(std::thread::JoinHandle::join) {
            None => Ok(()),
            Some(Ok(built)) => built,
            Some(Err(_)) => Err(Error::Other("building the jieba dictionary failed".into())),
        }
    }
}

/// Parses a chunk on the pool, then adds its documents in walk order.
fn write_chunk(
    session: &Session,
    chunk: &[Todo],
    jieba: &mut JiebaBuild,
    backlog: &mut Backlog,
    opts: &Options,
    summary: &mut Summary,
    progress: &dyn Progress,
) -> Result<(), Error> {
    let fields = &session.opened.fields;
    let parsed: Vec<Parsed> = chunk
        .par_iter()
        .map(|t| {
            let max = opts.max_filesize;
            read_one(&t.entry, t.key(), t.known, fields, max, &session.scope)
        })
        .collect();
    jieba.ready()?;
    let delete = |w: &Writer, key: &str| w.delete_term(Term::from_field_text(fields.path, key));
    for (t, p) in chunk.iter().zip(parsed) {
        match p {
            Parsed::Doc(doc, replaced) => {
                summary.bytes_read += t.entry.size;
                summary.replaced += u64::from(replaced);
                if t.known.is_some() {
                    delete(&session.writer, t.key());
                    summary.updated += 1;
                } else {
                    summary.added += 1;
                }
                session
                    .writer
                    .add_document(backlog.queue(*doc))
                    .map_err(|source| Error::Index {
                        path: opts.index_dir.clone(),
                        what: "indexing failed",
                        source,
                    })?;
            }
            Parsed::SameContent => {
                summary.bytes_read += t.entry.size;
                summary.unchanged += 1;
            }
            Parsed::Skip(r) => {
                // A file that was indexed but is now unreadable is removed,
                // so results match what is on disk.
                if t.known.is_some() {
                    delete(&session.writer, t.key());
                    summary.removed += 1;
                }
                summary.skip(progress, &t.entry.path, r.to_string(), r.kind());
            }
        }
    }
    Ok(())
}

/// Commits with the compatibility record as payload.
pub(super) fn commit(writer: &mut Writer, payload: &str, opts: &Options) -> Result<(), Error> {
    let err = |source| Error::Index {
        path: opts.index_dir.clone(),
        what: "commit failed",
        source,
    };
    let mut prepared = writer.prepare_commit().map_err(err)?;
    prepared.set_payload(payload);
    prepared.commit().map_err(err)?;
    crate::index::permissions::honour_umask(&opts.index_dir);
    Ok(())
}

/// [`commit`] that reports when the segments are written and the commit
/// proper starts (the run's last commit, where both take seconds).
pub(super) fn commit_reporting(
    writer: &mut Writer,
    payload: &str,
    opts: &Options,
    progress: &dyn Progress,
) -> Result<(), Error> {
    let err = |source| Error::Index {
        path: opts.index_dir.clone(),
        what: "commit failed",
        source,
    };
    let mut prepared = writer.prepare_commit().map_err(err)?;
    progress.committing();
    prepared.set_payload(payload);
    prepared.commit().map_err(err)?;
    crate::index::permissions::honour_umask(&opts.index_dir);
    Ok(())
}

/// The result of reading one file on the parser pool.
pub(super) enum Parsed {
    /// The document, and whether invalid UTF-8 bytes were replaced.
    Doc(Box<TantivyDocument>, bool),
    /// Same bytes as indexed (only the mtime moved): nothing to do.
    SameContent,
    Skip(SkipReason),
}

pub(super) fn read_one(
    entry: &FileEntry,
    key: &str,
    known: Option<Known>,
    fields: &Fields,
    max: u64,
    scope: &crate::article::fsread::Scope,
) -> Parsed {
    if entry.size > max {
        return Parsed::Skip(SkipReason::TooLarge {
            size: entry.size,
            limit: max,
        });
    }
    // The file may have been replaced since the walk: type and size are
    // checked again on the open handle, and it must still lie under the
    // roots: a file swapped for a link to `/etc/passwd` is not indexed.
    let bytes = match crate::article::fsread::read_within(&entry.path, max, scope) {
        Ok(b) => b,
        Err(e) => return Parsed::Skip(e),
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
        Ok(a) => {
            let file = FileFacts {
                key,
                size: bytes.len() as u64,
                mtime: entry.mtime,
                hash,
            };
            let replaced = a.encoding == Some(crate::article::decode::REPLACED);
            Parsed::Doc(Box::new(to_document(&a, &file, fields)), replaced)
        }
        Err(e) => Parsed::Skip(e),
    }
}

/// Duplicate key: the same WeChat article (`__biz`, `mid`, `idx`) saved
/// under different URLs or paths, else the same normalized body.
fn dup_key(a: &Article, key: &str) -> String {
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
    let compact: String = crate::analysis::normalize(&a.body)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // Short stubs would all collide; they are only duplicates by path.
    if compact.chars().count() < 200 {
        return format!("p:{key}");
    }
    format!("h:{:016x}", xxhash_rust::xxh3::xxh3_64(compact.as_bytes()))
}

/// The other spellings of the visible text, one a line: the refanged form
/// of every defanged indicator of the title and body (`evil[.]com` →
/// `evil.com`), indexed apart so that `evil.com` finds the article while
/// `body` stays what grep sees; and the words that held Markdown escapes as
/// written (`a\_b`; the body has `a_b`). Nothing is scanned for indicators
/// when the text holds no defang marker, which is nearly always: `refang`
/// borrows then.
fn refanged_text(a: &Article) -> String {
    let mut out = a.escaped.join("\n");
    for text in [&a.title, &a.body] {
        if matches!(
            crate::ioc::extract::refang(text),
            std::borrow::Cow::Borrowed(_)
        ) {
            continue;
        }
        // A URL's host is reported inside the URL: its text is there already.
        let mut covered = 0;
        for (span, plain) in crate::ioc::extract::defanged_spans(text) {
            if span.end <= covered {
                continue;
            }
            covered = span.end;
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&plain);
        }
    }
    out
}

/// What incremental indexing records about the file a document came from.
struct FileFacts<'a> {
    key: &'a str,
    size: u64,
    mtime: i64,
    hash: u64,
}

fn to_document(a: &Article, file: &FileFacts, f: &Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.path, file.key);
    doc.add_text(f.title, &a.title);
    doc.add_text(f.title_ident, &a.title);
    doc.add_text(f.title_words, &a.title);
    let (own, lists) = a.recall_parts();
    doc.add_text(f.body, own);
    doc.add_text(f.body_words, own);
    if !lists.is_empty() {
        doc.add_text(f.related, lists);
    }
    doc.add_text(f.body_ident, &a.body);
    doc.add_u64(f.body_len, a.substance_chars());
    doc.add_text(f.source, &a.source);
    doc.add_text(f.source_exact, &a.source);
    doc.add_text(f.url, &a.url);
    if !a.links.is_empty() {
        doc.add_text(f.link, a.links.join("\n"));
    }
    let refanged = refanged_text(a);
    if !refanged.is_empty() {
        doc.add_text(f.refanged_ident, &refanged);
        doc.add_text(f.refanged, refanged);
    }
    // A day number, not a timestamp: see `columns::day`.
    if let Some(day) = a.date.and_then(|d| columns::day_value(d).ok()) {
        doc.add_date(f.date, day);
    }
    let dk = dup_key(a, file.key);
    doc.add_u64(f.dup_hash, xxhash_rust::xxh3::xxh3_64(dk.as_bytes()));
    let rk = super::reprint::reprint_key(&a.title, &dk);
    doc.add_u64(f.reprint_hash, xxhash_rust::xxh3::xxh3_64(rk.as_bytes()));
    for v in crate::index::reprints::signature(a.ranking_text()) {
        doc.add_u64(f.reprint_sig, v);
    }
    doc.add_text(f.dup_key, dk);
    doc.add_u64(f.size, file.size);
    doc.add_i64(f.mtime, file.mtime);
    doc.add_u64(f.hash, file.hash);
    // Indicators of what a reader sees, and of the link targets
    // (an analyst's indicator is often only in a link's href).
    let texts = [a.title.as_str(), a.body.as_str()]
        .into_iter()
        .chain(a.links.iter().map(String::as_str));
    for t in crate::ioc::terms::of_texts(texts) {
        doc.add_text(f.ioc, t);
    }
    doc
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::walk;
    use crate::index::schema;

    fn fields() -> Fields {
        let spec = schema::spec().unwrap();
        let s = schema::build(&spec).unwrap();
        Fields::resolve(&s, &spec, &schema::Boosts::default()).unwrap()
    }

    #[test]
    fn a_file_removed_between_walk_and_read_is_a_reported_skip() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gone.md");
        std::fs::write(&p, "---\ntitle: x\n---\nbody").unwrap();
        let (files, _, _) = walk::walk(dir.path(), walk::WalkOptions::default());
        assert_eq!(files.len(), 1);
        std::fs::remove_file(&p).unwrap();
        match read_one(
            &files[0],
            "k",
            None,
            &fields(),
            1 << 20,
            &Default::default(),
        ) {
            Parsed::Skip(SkipReason::Io(e)) => {
                assert_eq!(e.kind(), std::io::ErrorKind::NotFound)
            }
            _ => panic!("expected an I/O skip"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_swapped_for_a_link_out_of_the_root_after_the_walk_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("secret.md");
        std::fs::write(&secret, "---\ntitle: outside\n---\nroot:x:0:0").unwrap();
        let p = root.join("a.md");
        std::fs::write(&p, "---\ntitle: x\n---\nbody").unwrap();
        let (files, _, _) = walk::walk(&root, walk::WalkOptions::default());
        assert_eq!(files.len(), 1);
        std::fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink(&secret, &p).unwrap();
        let scope = crate::article::fsread::Scope::new(std::slice::from_ref(&root), false);
        match read_one(&files[0], "k", None, &fields(), 1 << 20, &scope) {
            Parsed::Skip(SkipReason::LinkOutside(target)) => assert!(target.ends_with("secret.md")),
            _ => panic!("the outside file was read"),
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

    #[test]
    fn refanged_text_holds_only_the_defanged_indicators_refanged() {
        let a = article::parse(
            "---\ntitle: 样本 hxxp://evil[.]com/a.php\n---\n回连 1.2.3[.]4 与 good.example.com 和 bad(.)org",
            "f",
        );
        assert_eq!(refanged_text(&a), "http://evil.com/a.php\n1.2.3.4\nbad.org");
        let plain = article::parse("---\ntitle: t\n---\nhttps://a.example/x 1.2.3.4", "f");
        assert_eq!(refanged_text(&plain), "");
    }
}
