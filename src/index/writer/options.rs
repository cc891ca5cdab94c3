//! What an index run is asked (roots, index folder, limits) and what it
//! reports: the progress it shows as it goes and the summary at its end.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::error::Error;

/// What an index run is asked to do; plain data, built by the command layer
/// from the command line and the environment.
pub struct Options {
    pub roots: Vec<PathBuf>,
    pub index_dir: PathBuf,
    pub rebuild: bool,
    /// Follow symbolic links out of the roots (`--follow`).
    pub follow: bool,
    pub max_filesize: u64,
    pub threads: usize,
    /// Total indexing memory budget in bytes, shared by tantivy's threads.
    pub memory: usize,
    pub user_dict: Option<PathBuf>,
    /// Commit after this many files as well as every 30 s (tests make a
    /// kill land between many commits and merges with it).
    pub commit_every_docs: Option<usize>,
    /// Set by the command layer's Ctrl-C handler: the run commits what it
    /// has and stops.
    pub interrupt: Arc<AtomicBool>,
    /// `--hidden`: walk hidden folders (`.git`, `.obsidian`) too.
    pub hidden: bool,
}

/// What a run did, for the summary line and the exit code.
#[derive(Debug, Default)]
pub struct Summary {
    pub added: u64,
    pub updated: u64,
    pub removed: u64,
    pub unchanged: u64,
    /// Every file or folder left out.
    pub skipped: Vec<Skipped>,
    /// Hidden folders not walked (no `--hidden`): counted, not listed, since
    /// leaving `.git` out is the intent, not a problem.
    pub hidden: u64,
    pub bytes_read: u64,
    pub seconds: f64,
    pub interrupted: bool,
    pub documents: u64,
    /// Problems that did not stop the run (e.g. old files not cleaned up).
    pub warnings: Vec<Error>,
}

impl Summary {
    /// Records a skipped file and reports it at once.
    pub(super) fn skip(
        &mut self,
        progress: &dyn Progress,
        path: &Path,
        reason: String,
        kind: &'static str,
    ) {
        progress.skipped(path, &reason);
        self.skipped.push(Skipped {
            path: path.to_path_buf(),
            reason,
            kind,
        });
    }
}

/// A file or folder left out of a run.
#[derive(Debug)]
pub struct Skipped {
    pub path: PathBuf,
    /// Why, for a person (the message already shown).
    pub reason: String,
    /// A short stable label the summary groups by (`SkipReason::kind`).
    pub kind: &'static str,
}

/// How a run reports as it goes. The command layer decides what a person
/// sees (a progress bar, nothing); every method defaults to doing nothing.
pub trait Progress {
    /// Walking the roots; the number of files is not known yet.
    fn walking(&self) {}
    /// `files` files will be read.
    fn reading(&self, _files: u64) {}
    /// `files` more files were read.
    fn read(&self, _files: u64) {}
    /// Reading is done; tantivy's threads finish tokenizing and write the
    /// last segments (the first half of the last commit).
    fn writing(&self) {}
    /// The last commit has started (the segments are written).
    fn committing(&self) {}
    /// Waiting for the segment merges the run started.
    fn merging(&self) {}
    /// Nothing more to show.
    fn done(&self) {}
    /// A file or folder was left out; the run goes on.
    fn skipped(&self, _path: &Path, _reason: &str) {}
}

/// A run that shows nothing (tests, library use).
pub struct Silent;
impl Progress for Silent {}

#[cfg(test)]
impl Options {
    /// One thread, a small budget, no interrupt: the units' test index.
    pub(crate) fn small_test(root: &Path, index: &Path) -> Options {
        Options {
            roots: vec![root.to_path_buf()],
            index_dir: index.to_path_buf(),
            rebuild: false,
            follow: false,
            max_filesize: 1 << 20,
            threads: 1,
            memory: 15_000_000,
            user_dict: None,
            commit_every_docs: None,
            interrupt: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
            hidden: false,
        }
    }
}
