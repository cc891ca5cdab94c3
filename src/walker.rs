//! Finding article files under one or more roots.
//!
//! walkdir does the walking: it follows symlinks (archives are often
//! assembled from linked folders) and reports a symlink cycle as an error
//! instead of looping. Entries come out sorted by name so that runs, skips
//! and progress are deterministic.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use walkdir::WalkDir;

/// Extensions of article files.
pub(crate) const EXTENSIONS: &[&str] = &["md", "markdown", "txt"];

/// A candidate article file with what incremental indexing compares.
#[derive(Debug, Clone)]
pub(crate) struct FileEntry {
    /// Absolute path; the document key.
    pub(crate) path: PathBuf,
    pub(crate) size: u64,
    /// Modification time in nanoseconds since the epoch (0 if unknown).
    pub(crate) mtime: i64,
}

/// A problem met during the walk: reported with its path, never fatal.
#[derive(Debug)]
pub(crate) struct WalkProblem {
    pub(crate) path: PathBuf,
    pub(crate) message: String,
}

pub(crate) fn is_article(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// A hidden *folder* below the root (`.git`, `.obsidian`): skipped unless
/// `--hidden`. A file whose name starts with a dot is an article like any
/// other (`.NET 内网实战….md`: one archive names dozens of articles so, and
/// skipping them, as ripgrep does, made them unfindable).
fn is_hidden_dir(e: &walkdir::DirEntry) -> bool {
    e.depth() > 0 && e.file_type().is_dir() && is_hidden(e.file_name())
}

/// Walks `root` and returns its article files (sorted), the problems met,
/// and how many hidden folders were skipped (none with `hidden`: they are
/// walked). `root` must already be absolute; it may itself be hidden
/// (`~/.archive`).
pub(crate) fn walk(root: &Path, hidden: bool) -> (Vec<FileEntry>, Vec<WalkProblem>, u64) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let skipped_hidden = std::cell::Cell::new(0u64);
    let walker = WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let skip = !hidden && is_hidden_dir(e);
            skipped_hidden.set(skipped_hidden.get() + u64::from(skip));
            !skip
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let message = if err.loop_ancestor().is_some() {
                    "symlink loop, not followed".to_string()
                } else if let Some(io) = err.io_error() {
                    io.to_string()
                } else {
                    err.to_string()
                };
                problems.push(WalkProblem { path, message });
                continue;
            }
        };
        if !entry.file_type().is_file() || !is_article(entry.path()) {
            continue;
        }
        let (size, mtime) = match entry.metadata() {
            Ok(m) => (
                m.len(),
                m.modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i64),
            ),
            Err(e) => {
                problems.push(WalkProblem {
                    path: entry.path().to_path_buf(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        files.push(FileEntry {
            path: entry.into_path(),
            size,
            mtime,
        });
    }
    (files, problems, skipped_hidden.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_articles_and_dot_files_skips_hidden_folders_and_survives_loops() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("b/sub")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join("b/sub/x.md"), "x").unwrap();
        std::fs::write(root.join("a.TXT"), "a").unwrap();
        std::fs::write(root.join("c.markdown"), "c").unwrap();
        std::fs::write(root.join("skip.pdf"), "p").unwrap();
        std::fs::write(root.join(".git/y.md"), "y").unwrap();
        std::fs::write(root.join(".NET 内网实战.md"), "n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root, root.join("b/loop")).unwrap();
        let (files, problems, hidden) = walk(root, false);
        let names = |files: &[FileEntry]| -> Vec<String> {
            files
                .iter()
                .map(|f| {
                    f.path
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned()
                })
                .collect()
        };
        assert_eq!(
            names(&files),
            vec![".NET 内网实战.md", "a.TXT", "b/sub/x.md", "c.markdown"]
        );
        assert_eq!(hidden, 1, "the .git folder");
        let (all, _, none) = walk(root, true);
        assert_eq!(none, 0);
        assert!(names(&all).contains(&".git/y.md".to_string()));
        #[cfg(unix)]
        assert!(
            problems.iter().any(|p| p.message.contains("loop")),
            "{problems:?}"
        );
    }
}
