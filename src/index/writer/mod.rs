//! `secsearch index`: walk, read, parse, and write the index — incrementally.
//!
//! Each document is keyed by its absolute path and carries the file's size,
//! modification time and content hash as fast fields, so a later run can tell
//! what changed from the index alone, in one consistent commit: there is no
//! side manifest that a crash could leave out of step with the index.
//!
//! A run is four phases, each returning data to the next: [`open`] (roots,
//! index, dictionary, writer, what the index already holds), [`plan`] (walk,
//! decide what to add, re-read and remove), [`write`] (read and parse on
//! rayon's pool, tokenize on tantivy's threads, commit now and then) and
//! [`finish`] (last commit, merges, the word vocabulary). The indexer prints
//! nothing: it reports through a [`Progress`] the command layer passes in and
//! returns a [`Summary`].

mod compact;
mod finish;
mod open;
mod options;
mod plan;
mod queue;
pub mod reprint;
mod write;

pub use options::{Options, Progress, Silent, Skipped, Summary};

use std::time::Instant;

use crate::error::Error;

/// Indexes `opts.roots` into `opts.index_dir`.
pub fn run(opts: &Options, progress: &dyn Progress) -> Result<Summary, Error> {
    let start = Instant::now();
    limit_malloc_arenas();
    let mut summary = Summary::default();
    let mut session = open::open(opts, &mut summary, progress)?;
    let plan = plan::plan(
        &session.roots,
        opts.follow,
        opts.hidden,
        &session.known,
        &mut summary,
        progress,
    );
    write::write(&mut session, plan, opts, &mut summary, progress)?;
    finish::finish(session, opts, &mut summary, progress)?;
    summary.seconds = start.elapsed().as_secs_f64();
    Ok(summary)
}

/// At most two glibc malloc arenas. By default every thread that allocates
/// (indexing, merging, parsing: 6+ here) may get an arena of its own, and
/// memory freed in one is not reused by another nor returned: measured on
/// 40k synthetic articles, peak RSS 449 MB with the default, 357 MB with
/// two, at the same speed. Called before the run starts its threads.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; M_ARENA_MAX is a
    // valid parameter and 2 a valid value for it.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::path::{Path, PathBuf};

    use super::*;

    /// Records what a run reports, to check the run talks only through it.
    #[derive(Default)]
    struct Recorder {
        reading: RefCell<Vec<u64>>,
        skipped: RefCell<Vec<PathBuf>>,
        phases: RefCell<Vec<&'static str>>,
    }

    impl Progress for Recorder {
        fn walking(&self) {
            self.phases.borrow_mut().push("walk");
        }
        fn writing(&self) {
            self.phases.borrow_mut().push("write");
        }
        fn committing(&self) {
            self.phases.borrow_mut().push("commit");
        }
        fn merging(&self) {
            self.phases.borrow_mut().push("merge");
        }
        fn done(&self) {
            self.phases.borrow_mut().push("done");
        }
        fn reading(&self, files: u64) {
            self.phases.borrow_mut().push("read");
            self.reading.borrow_mut().push(files);
        }
        fn skipped(&self, path: &Path, _reason: &str) {
            self.skipped.borrow_mut().push(path.to_path_buf());
        }
    }

    fn options(root: &Path, index: &Path) -> Options {
        Options::small_test(root, index)
    }

    #[test]
    fn a_run_adds_then_finds_unchanged_and_reports_skips_through_progress() {
        let root = tempfile::tempdir().unwrap();
        let index = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.md"), "---\ntitle: 甲\n---\n勒索软件").unwrap();
        std::fs::write(root.path().join("b.md"), "---\ntitle: 乙\n---\n挖矿").unwrap();
        std::fs::write(root.path().join("empty.md"), "").unwrap();
        let opts = options(root.path(), index.path());

        let first = Recorder::default();
        let s = run(&opts, &first).unwrap();
        assert_eq!((s.added, s.documents, s.unchanged), (2, 2, 0));
        assert_eq!(s.skipped.len(), 1);
        assert_eq!(s.skipped[0].kind, "empty");
        assert_eq!(*first.reading.borrow(), vec![3]);
        assert_eq!(
            *first.phases.borrow(),
            vec!["walk", "read", "write", "commit", "merge", "done"],
            "every phase is reported, in order"
        );
        let empty = std::fs::canonicalize(root.path().join("empty.md")).unwrap();
        assert_eq!(*first.skipped.borrow(), vec![empty]);

        std::fs::remove_file(root.path().join("b.md")).unwrap();
        let second = Recorder::default();
        let s = run(&opts, &second).unwrap();
        assert_eq!((s.added, s.removed, s.unchanged), (0, 1, 1));
        assert_eq!(s.documents, 1);
        assert_eq!(
            *second.reading.borrow(),
            vec![1],
            "only the empty file is re-read"
        );
    }

    #[test]
    fn a_run_over_an_unchanged_folder_commits_nothing() {
        let root = tempfile::tempdir().unwrap();
        let index = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.md"), "---\ntitle: 甲\n---\n勒索软件").unwrap();
        let opts = options(root.path(), index.path());
        run(&opts, &Silent).unwrap();
        let meta = || std::fs::read_to_string(index.path().join("meta.json")).unwrap();
        let vocabulary = index.path().join(crate::index::layout::VOCABULARY_FILE);
        let written = std::fs::metadata(&vocabulary).unwrap().modified().unwrap();
        let before = meta();

        let again = Recorder::default();
        let s = run(&opts, &again).unwrap();
        assert_eq!((s.added, s.unchanged, s.documents), (0, 1, 1));
        assert_eq!(meta(), before, "no new commit");
        let kept = std::fs::metadata(&vocabulary).unwrap().modified().unwrap();
        assert_eq!(kept, written, "the vocabulary is not rewritten");
        assert!(!again.phases.borrow().contains(&"commit"));
        assert_eq!(*again.reading.borrow(), vec![0], "no file is read");

        // A new root is a new record: committed though no file changed.
        let other = tempfile::tempdir().unwrap();
        let mut two = options(root.path(), index.path());
        two.roots.push(other.path().to_path_buf());
        let s = run(&two, &Silent).unwrap();
        assert_eq!((s.added, s.documents), (0, 1));
        assert_ne!(meta(), before, "the new roots are recorded");
    }

    #[test]
    fn an_interrupted_run_stops_before_reading_and_says_so() {
        let root = tempfile::tempdir().unwrap();
        let index = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("a.md"), "正文").unwrap();
        let opts = options(root.path(), index.path());
        opts.interrupt
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let s = run(&opts, &Silent).unwrap();
        assert!(s.interrupted);
        assert_eq!((s.added, s.documents), (0, 0));
    }
}
