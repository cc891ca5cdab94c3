//! Phase 4: the last commit, merges (and [`super::compact`]), old files,
//! and the word vocabulary.

use std::io::BufRead;
use std::path::Path;

use tantivy::schema::TantivyDocument;

use super::open::Session;
use super::options::{Options, Progress, Summary};
use super::write::commit_reporting as commit;
use crate::error::Error;
use crate::index::vocabulary;

pub(super) fn finish(
    mut session: Session,
    opts: &Options,
    summary: &mut Summary,
    progress: &dyn Progress,
) -> Result<(), Error> {
    progress.writing();
    // Nothing added, updated or removed, and the same record: the last
    // commit is still the index, and so is its vocabulary. A run over an
    // unchanged archive then only stats its files (a commit, the vocabulary
    // and the checksums cost 0.1 s on wechat-10k, and grow with the index).
    let changed = opts.rebuild
        || session.payload_changed
        || summary.added + summary.updated + summary.removed > 0;
    if changed {
        commit(&mut session.writer, &session.payload, opts, progress)?;
    }
    // Merging is left to tantivy's merge policy, and a large archive's small
    // segments are merged at the end (`compact`): forcing one segment cost
    // ~1 s of the 10k-article run (4.4 s → 5.4 s) and made searches no
    // faster (measured). Files of merged-away segments are removed now
    // rather than at the next run.
    let index_err = |what| {
        move |source| Error::Index {
            path: opts.index_dir.clone(),
            what,
            source,
        }
    };
    progress.merging();
    session
        .writer
        .wait_merging_threads()
        .map_err(index_err("merging segments failed"))?;
    if changed {
        // Not fatal: the commit stands, searches only open more segments.
        let written = summary.added + summary.updated;
        if let Err(e) = super::compact::compact(&session.opened.index, written, &opts.interrupt) {
            summary
                .warnings
                .push(index_err("cannot merge small segments")(e));
        }
        if let Err(e) = collect_garbage(&session.opened.index) {
            summary
                .warnings
                .push(index_err("cannot remove old index files")(e));
        }
    }
    let index = &session.opened.index;
    let reader =
        crate::index::schema::manual_reader(index).map_err(index_err("cannot read the index"))?;
    let searcher = reader.searcher();
    summary.documents = searcher.num_docs();
    let opstamp = index
        .load_metas()
        .map_err(index_err("cannot read the index"))?
        .opstamp;
    // Reprint groups joined by near-identical bodies, recomputed from every
    // document's sketch (see `reprint`) unless the documents are the ones
    // they were made from; without them folding is by title.
    if !crate::index::reprints::groups_current(&opts.index_dir, &searcher) {
        if let Err(e) = super::reprint::write_groups(&opts.index_dir, &searcher) {
            summary.warnings.push(e);
        }
    }
    if changed || !term_files_are_of(&opts.index_dir, opstamp) {
        let f = &session.opened.fields;
        write_term_files(opts, &searcher, f, opstamp)?;
    }
    // Verified now (only the files not verified before), so that searches
    // need not recompute every checksum; without the record they still
    // can, so a failure is only a warning.
    if let Err(e) = crate::index::integrity::record_checked(index, &opts.index_dir) {
        summary.warnings.push(e);
    }
    progress.done();
    Ok(())
}

/// Whether the files beside the index describe commit `opstamp` (their first line;
/// the rest, up to megabytes, is not read).
fn term_files_are_of(dir: &Path, opstamp: u64) -> bool {
    let of = |file: &str, kind: &str| {
        let Ok(file) = std::fs::File::open(dir.join(file)) else {
            return false;
        };
        let mut head = String::new();
        std::io::BufReader::new(file).read_line(&mut head).is_ok()
            && head.trim_end() == format!("{kind} opstamp={opstamp}")
    };
    of(crate::index::layout::VOCABULARY_FILE, "secsearch-words")
        && of(crate::index::layout::IDENTS_FILE, "secsearch-idents")
        && of(crate::index::layout::PATHS_FILE, "secsearch-paths")
}

/// Deletes the files of segments merged away. Not fatal: the next run
/// collects them too.
fn collect_garbage(index: &tantivy::Index) -> Result<(), tantivy::TantivyError> {
    let w = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
    w.garbage_collect_files().wait()?;
    Ok(())
}

/// The files a search reads beside the index: paths, identifier runs and
/// words.
fn write_term_files(
    opts: &Options,
    searcher: &tantivy::Searcher,
    f: &crate::index::schema::Fields,
    opstamp: u64,
) -> Result<(), Error> {
    let cannot_write = |file: &str| {
        let path = opts.index_dir.join(file);
        move |source| Error::Io {
            path,
            what: "cannot write",
            source,
        }
    };
    // The paths flat, for `-l` (see `path_list`).
    crate::index::paths::write(&opts.index_dir, searcher, opstamp)
        .map_err(cannot_write(crate::index::layout::PATHS_FILE))?;
    // The identifier runs, for whole-identifier lookups (see
    // vocabulary::Vocabulary::idents_containing); before the words, whose file
    // is what a running `serve` watches for a new commit.
    vocabulary::write_idents(
        &opts.index_dir,
        searcher,
        &[f.title_ident, f.body_ident, f.refanged_ident],
        opstamp,
    )
    .map_err(cannot_write(crate::index::layout::IDENTS_FILE))?;
    vocabulary::write_vocabulary(
        &opts.index_dir,
        searcher,
        // Not `url` and `link`: their words are mostly unique ids (WeChat's
        // `chksm=` alone is ~110 hex digits an article) that made the file
        // 0.5 → 1.9 MB on wechat-10k; `url:`/`link:` walk the term
        // dictionary instead (see `search`).
        &[f.title, f.body, f.related, f.source, f.refanged],
        opstamp,
    )
    .map_err(cannot_write(crate::index::layout::VOCABULARY_FILE))
}
