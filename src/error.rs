//! Every error the program reports, and the exit codes, in one place.
//!
//! Three families: [`SkipReason`] is why one input file was left out of an
//! index run (the run goes on and its summary counts it); [`Error`] is why a
//! command could not do its job at all (exit code 2, one line on stderr);
//! [`Failure`] is what a command returns: an [`Error`], or an output error
//! (a closed pipe ends quietly). An error's `Display` never repeats its
//! cause: the cause is its `source()`, and `messages::error` prints the chain
//! on one line, so a cause is never lost and never shown twice.

use std::path::PathBuf;

/// The process exit status, following ripgrep: 0 = at least one hit (or the
/// command did its job), 1 = no hit, 2 = error; 130 = stopped by Ctrl-C
/// after committing what was done (128 + SIGINT, as shells report it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success,
    NoMatch,
    Error,
    Interrupted,
    /// Stopped by SIGTERM (128 + 15), after committing or rolling back.
    Terminated,
}

impl ExitCode {
    /// The code of a search: scripts test "found anything" with it.
    pub fn from_hits(found: bool) -> Self {
        if found {
            ExitCode::Success
        } else {
            ExitCode::NoMatch
        }
    }

    fn code(self) -> u8 {
        match self {
            ExitCode::Success => 0,
            ExitCode::NoMatch => 1,
            ExitCode::Error => 2,
            ExitCode::Interrupted => 130,
            ExitCode::Terminated => 143,
        }
    }
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(c: ExitCode) -> Self {
        std::process::ExitCode::from(c.code())
    }
}

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
    /// A FIFO, device, socket or folder where an article file was: reading
    /// it could block forever or never end.
    #[error("{0}, not a regular file")]
    Special(&'static str),
    /// A symbolic link whose target lies outside the indexed folders
    /// (followed only with `--follow`, as ripgrep and fd do).
    #[error("symbolic link to {0}, outside the indexed folders (use --follow to index it)")]
    LinkOutside(String),
    #[error("file name is not valid UTF-8")]
    NonUtf8Name,
    /// Shown as the I/O error alone: the path is already on the line.
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
            SkipReason::Special(_) => "special file",
            SkipReason::LinkOutside(_) => "link out of the roots",
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
    /// A file of the index is missing or fails tantivy's checksum: the
    /// index must not answer, since its answer could be silently wrong.
    #[error("{}: the index is damaged ({why}); run `secsearch index --rebuild DIR` to rebuild it", .file.display())]
    Damaged { file: PathBuf, why: String },
    /// `--rebuild` (or creating an index) found files that secsearch cannot
    /// prove are its own: it deletes nothing.
    #[error("{}: {why}; nothing was deleted: move the files away or choose another --index", .path.display())]
    NotOurs { path: PathBuf, why: String },
    #[error("the index at {} is read-only: it can be searched, but `index` cannot update it", .0.display())]
    ReadOnly(PathBuf),
    /// A panic inside a library (tantivy on a damaged file), caught so that
    /// the user gets one line and a way out instead of a backtrace.
    #[error("internal error ({0}); if the index was damaged, run `secsearch index --rebuild DIR`")]
    Internal(String),
    /// A command-line option that does not exist; `hint` names the one meant.
    #[error("unknown option '{arg}'{hint}")]
    BadOption { arg: String, hint: String },
    #[error("another `secsearch index` is writing to {} (lock file {}); wait for it to finish", .index.display(), .lock.display())]
    Locked { index: PathBuf, lock: PathBuf },
    #[error("bad date '{0}': use YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2024-03-01")]
    BadDate(String),
    #[error("bad query: {0}")]
    BadQuery(String),
    /// `iocs --type` named no indicator type; the second field lists them.
    #[error("unknown indicator type '{0}': use one of {1}")]
    BadIocType(String, String),
    /// A file or folder could not be read or written: `what` says which
    /// step, the I/O error is the cause.
    #[error("{}: {what}", .path.display())]
    Io {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// tantivy failed on the index at `path` during `what`.
    #[error("{}: {what}", .path.display())]
    Index {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: tantivy::TantivyError,
    },
    /// A `--user-dict` line whose frequency is not a number: named by file
    /// and line so the user can fix it (jieba would quote the whole line).
    #[error("{}:{line}: bad user dictionary entry (expected `word [freq [tag]]`): frequency '{freq}'", .path.display())]
    UserDict {
        path: PathBuf,
        line: usize,
        freq: String,
        #[source]
        source: std::num::ParseIntError,
    },
    /// jieba refused a dictionary that passed our own line check.
    #[error("{what}")]
    Jieba {
        what: String,
        #[source]
        source: jieba_rs::Error,
    },
    /// An environment variable the command layer reads has a bad value.
    #[error("bad {name}='{value}': {expected}")]
    BadEnv {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("cannot record the index version")]
    Payload(#[source] serde_json::Error),
    #[error("{}: {msg}", .path.display())]
    Path { path: PathBuf, msg: String },
    /// `--source NAME` matches no publisher in the index.
    #[error("no source matches '{name}' (sources match by substring, ignoring case){}", did_you_mean(.suggestions))]
    NoSource {
        name: String,
        suggestions: Vec<String>,
    },
    /// `show PATH`: the file is not an article secsearch can read.
    #[error("{}: not an article ({why})", .path.display())]
    NotArticle { path: PathBuf, why: String },
    /// `$PAGER`/`$EDITOR` could not be started.
    #[error("cannot run {what} '{program}'")]
    Spawn {
        what: &'static str,
        program: String,
        #[source]
        source: std::io::Error,
    },
    /// A `--synonyms` file that cannot be read or parsed.
    #[error(transparent)]
    Synonyms(#[from] SynonymsError),
    /// `secsearch export` could not write its folder (or refused it).
    #[error(transparent)]
    Export(#[from] ExportError),
    /// `secsearch serve` could not listen or run: `what` says which step.
    #[error("{what}")]
    Serve {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// A search tantivy could not run (a damaged index that passed the
    /// checks, a query it refused).
    pub fn search_failed(e: tantivy::TantivyError) -> Error {
        Error::Other(format!("search failed: {e}"))
    }
}

/// `; did you mean 'a' or 'b'?`, or nothing without suggestions.
fn did_you_mean(s: &[String]) -> String {
    if s.is_empty() {
        return "; `secsearch stats` lists the sources".into();
    }
    let q: Vec<String> = s.iter().map(|x| format!("'{x}'")).collect();
    format!("; did you mean {}?", q.join(" or "))
}

/// What a command returns when it fails: an application error, or an error
/// writing its output (a closed pipe ends quietly, see `commands::exit`).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    App(#[from] Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// What every command returns: its exit code, or why it failed.
pub type Outcome = Result<ExitCode, Failure>;

/// Why a synonym file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SynonymsError {
    #[error("cannot read synonym file {}", .path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// A line of a synonym file that is not a valid group.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{origin}:{line}: {kind}")]
pub struct ParseError {
    /// Where the text came from (a path, or `builtin`).
    pub origin: String,
    /// 1-based line number.
    pub line: usize,
    pub kind: ParseErrorKind,
}

/// What is wrong with the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("a group needs at least two different terms, separated by ` | `")]
    TooFewTerms,
    #[error("empty term (two `|` in a row, or one at an end)")]
    EmptyTerm,
    #[error(
        "'{term}' is already in the group on line {first_line}; a term may be in one group only"
    )]
    Duplicate { term: String, first_line: usize },
}

/// Why an export could not be written. One line each, cause included.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("unknown export target '{0}': use quickwit or opensearch")]
    UnknownTarget(String),
    #[error(
        "bad index name '{0}': use 3-255 characters, a lowercase letter first, \
         then lowercase letters, digits, '-' or '_' (valid for both Quickwit and OpenSearch)"
    )]
    BadIndexName(String),
    #[error("bad document id '{id}' for {path}: use 1-512 hex digits (a content hash)")]
    BadId { id: String, path: String },
    #[error(
        "refusing to export into {}: it holds {}, which secsearch export did not write; \
         choose an empty or new folder",
        .dir.display(), .file.display()
    )]
    ForeignFile { dir: PathBuf, file: PathBuf },
    /// The folder holds an export for the other engine: replacing it by
    /// this one is as surprising as writing into a folder of one's own files.
    #[error(
        "refusing to export for {} into {}: it holds an export for {}; choose an empty or new folder",
        .target, .dir.display(), .other
    )]
    OtherTarget {
        target: &'static str,
        dir: PathBuf,
        other: String,
    },
    #[error("cannot {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write a JSON document to {}: {source}", .path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}
