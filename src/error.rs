//! Every error the program reports, in one place.
//!
//! Two families: [`SkipReason`] is why one input file was left out of an index
//! run (the run goes on and its summary counts it); [`Error`] is why a command
//! could not do its job at all (exit code 2, one line on stderr).

use std::path::PathBuf;

/// Why one article file was not indexed. Reported with its path; never fatal.
#[derive(Debug, thiserror::Error)]
pub enum SkipReason {
    #[error("empty file (0 bytes)")]
    Empty,
    #[error("binary file (NUL byte at offset {0})")]
    Binary(usize),
    #[error("not UTF-8 and not a recognised Chinese encoding (GBK/GB18030/Big5)")]
    Undecodable,
    #[error("file too large ({size} bytes; the limit is {limit}, see --max-filesize)")]
    TooLarge { size: u64, limit: u64 },
    #[error("file name is not valid UTF-8")]
    NonUtf8Name,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl SkipReason {
    /// A short stable label used to group skips in the summary line.
    pub fn kind(&self) -> &'static str {
        match self {
            SkipReason::Empty => "empty",
            SkipReason::Binary(_) => "binary",
            SkipReason::Undecodable => "undecodable",
            SkipReason::TooLarge { .. } => "too large",
            SkipReason::NonUtf8Name => "non-UTF-8 name",
            SkipReason::Io(_) => "unreadable",
        }
    }
}

/// A command-level failure: printed as one line, exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no index at {}: create one with `secsearch index DIR` (or pass --index PATH)", .0.display())]
    NoIndex(PathBuf),
    #[error("the index at {path} {why}; run `secsearch index --rebuild DIR` to rebuild it", path = .path.display())]
    NeedsRebuild { path: PathBuf, why: String },
    #[error("another `secsearch index` is writing to {} (lock file {}); wait for it to finish", .index.display(), .lock.display())]
    Locked { index: PathBuf, lock: PathBuf },
    #[error("bad date '{0}': use YYYY-MM-DD, e.g. 2024-03-01")]
    BadDate(String),
    #[error("bad query: {0}")]
    BadQuery(String),
    #[error("{}: {msg}", .path.display())]
    Path { path: PathBuf, msg: String },
    #[error("{0}")]
    Other(String),
}
