//! Everything a user reads on stderr: errors, warnings, notes, skips,
//! summaries and the indexing progress bar. (Search results go to stdout
//! through `output`.)
//!
//! One place for this text keeps its form uniform (`secsearch: ` prefix, one
//! line a message, the path first) and lets the core stay silent: the
//! indexer reports through [`indexer::Progress`] and returns a summary, and
//! this module decides what a person sees.

use std::fmt::Display;
use std::io::IsTerminal;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};

use crate::indexer::{self, Summary};

/// An error that ends a command, with its causes on the same line.
pub fn error(e: &(dyn std::error::Error + 'static)) {
    eprintln!("secsearch: {}", chain(e));
}

/// `error: cause: cause…`. Many libraries already put their cause in their
/// own message (tantivy does): a cause whose text is already on the line is
/// not repeated.
pub fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut line = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        cause = c.source();
    }
    line
}

/// Something went wrong that does not stop the command.
pub fn warning(e: &(dyn std::error::Error + 'static)) {
    eprintln!("secsearch: warning: {}", chain(e));
}

/// A remark about how the input was understood (the exit code is unchanged).
pub fn note(msg: impl Display) {
    eprintln!("secsearch: note: {msg}");
}

/// A file or folder left out of an index run.
pub fn skipped(path: &Path, reason: impl Display) {
    eprintln!("secsearch: skipped {}: {reason}", path.display());
}

/// The line `secsearch index` ends with.
pub fn index_summary(s: &Summary) {
    eprintln!("{}", summary_line(s));
}

/// What an index run did, with the skips grouped by kind, on one line.
pub fn summary_line(s: &Summary) -> String {
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for k in s.skipped.iter().map(|sk| sk.kind) {
        match kinds.iter_mut().find(|(x, _)| *x == k) {
            Some(e) => e.1 += 1,
            None => kinds.push((k, 1)),
        }
    }
    let skipped = if kinds.is_empty() {
        "0 skipped".to_string()
    } else {
        let parts: Vec<String> = kinds.iter().map(|(k, n)| format!("{n} {k}")).collect();
        format!("{} skipped ({})", s.skipped.len(), parts.join(", "))
    };
    let mb = s.bytes_read as f64 / 1e6;
    format!(
        "{} documents: {} added, {} updated, {} removed, {} unchanged, {skipped}; read {:.1} MB in {:.2} s ({:.1} MB/s)",
        s.documents,
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
        mb,
        s.seconds,
        if s.seconds > 0.0 { mb / s.seconds } else { 0.0 }
    )
}

/// Ctrl-C stopped an index run after its last commit.
pub fn interrupted(documents: u64) {
    eprintln!(
        "secsearch: interrupted; committed {documents} documents; run the same command again to continue"
    );
}

/// `--strict` turns skips into a failure.
pub fn strict_skips(count: usize) {
    eprintln!("secsearch: {count} files skipped (--strict)");
}

/// What `iocs --stix FILE` wrote.
pub fn stix_written(path: &Path, reports: usize, objects: usize) {
    eprintln!(
        "secsearch: wrote {} (STIX 2.1 bundle: {reports} reports, {objects} objects)",
        path.display()
    );
}

/// The footer of a text search on a terminal.
pub fn hit_count(shown: usize, total: usize) {
    eprintln!("{shown} of {total} matching articles");
}

/// The indexing progress bar: a spinner while walking, then a bar over the
/// files to read; hidden when quiet or when stderr is not a terminal, so logs
/// and pipes get only the messages.
pub struct IndexProgress {
    bar: ProgressBar,
}

impl IndexProgress {
    pub fn new(quiet: bool) -> Self {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            ProgressBar::new_spinner()
        };
        IndexProgress { bar }
    }
}

impl indexer::Progress for IndexProgress {
    fn walking(&self) {
        self.bar.set_message("walking");
    }

    fn reading(&self, files: u64) {
        self.bar.set_length(files);
        self.bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files {per_sec} eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    }

    fn read(&self, files: u64) {
        self.bar.inc(files);
    }

    fn committing(&self) {
        self.bar.set_message("committing");
    }

    fn done(&self) {
        self.bar.finish_and_clear();
    }

    fn skipped(&self, path: &Path, reason: &str) {
        // Shown at once, so a long run shows problems as they happen.
        self.bar.suspend(|| skipped(path, reason));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indexer::Skipped;

    #[derive(Debug, thiserror::Error)]
    #[error("outer")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn a_chain_is_one_line_and_a_cause_already_shown_is_not_repeated() {
        let e = Outer(std::io::Error::other("disk full"));
        assert_eq!(chain(&e), "outer: disk full");
        let e = std::io::Error::other("disk full");
        assert_eq!(chain(&e), "disk full");
    }

    #[test]
    fn the_summary_groups_skips_by_kind() {
        let s = Summary {
            added: 2,
            documents: 2,
            skipped: ["binary", "empty", "binary"]
                .into_iter()
                .map(|kind| Skipped {
                    path: "p".into(),
                    reason: "r".into(),
                    kind,
                })
                .collect(),
            ..Summary::default()
        };
        let line = summary_line(&s);
        assert!(line.starts_with("2 documents: 2 added,"), "{line}");
        assert!(line.contains("3 skipped (2 binary, 1 empty)"), "{line}");
    }
}
