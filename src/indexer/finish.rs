//! Phase 4: the last commit, merges, old files, and the word vocabulary.

use tantivy::schema::TantivyDocument;

use super::open::Session;
use super::write::commit_reporting as commit;
use super::{Options, Progress, Summary};
use crate::error::Error;
use crate::expand;

pub(super) fn finish(
    mut session: Session,
    opts: &Options,
    summary: &mut Summary,
    progress: &dyn Progress,
) -> Result<(), Error> {
    progress.writing();
    commit(&mut session.writer, &session.payload, opts, progress)?;
    // Merging is left to tantivy's merge policy: forcing one segment cost
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
    if let Err(e) = collect_garbage(&session.opened.index) {
        summary
            .warnings
            .push(index_err("cannot remove old index files")(e));
    }
    // The word vocabulary for fast infix search (see expand::Vocabulary).
    let index = &session.opened.index;
    let reader = index.reader().map_err(index_err("cannot read the index"))?;
    let searcher = reader.searcher();
    summary.documents = searcher.num_docs();
    let opstamp = index
        .load_metas()
        .map_err(index_err("cannot read the index"))?
        .opstamp;
    // Reprint groups joined by near-identical bodies, recomputed from every
    // document's sketch (see `reprint`) unless the documents are the ones
    // they were made from; without them folding is by title.
    if !super::reprint::groups_current(&opts.index_dir, &searcher) {
        if let Err(e) = super::reprint::write_groups(&opts.index_dir, &searcher) {
            summary.warnings.push(e);
        }
    }
    let f = &session.opened.fields;
    expand::write_vocabulary(
        &opts.index_dir,
        &searcher,
        // Not `url` and `link`: their words are mostly unique ids (WeChat's
        // `chksm=` alone is ~110 hex digits an article) that made the file
        // 0.5 → 1.9 MB on wechat-10k; `url:`/`link:` walk the term
        // dictionary instead (see `search`).
        &[f.title, f.body, f.source, f.refanged],
        opstamp,
    )
    .map_err(|source| Error::Io {
        path: opts.index_dir.join(expand::VOCABULARY_FILE),
        what: "cannot write",
        source,
    })?;
    // Verified now, so that searches need not recompute every checksum;
    // without the record they still can, so a failure is only a warning.
    if let Err(e) = crate::integrity::record_checked(index, &opts.index_dir) {
        summary.warnings.push(e);
    }
    progress.done();
    Ok(())
}

/// Deletes the files of segments merged away. Not fatal: the next run
/// collects them too.
fn collect_garbage(index: &tantivy::Index) -> Result<(), tantivy::TantivyError> {
    let w = index.writer_with_num_threads::<TantivyDocument>(1, 15_000_000)?;
    w.garbage_collect_files().wait()?;
    Ok(())
}
