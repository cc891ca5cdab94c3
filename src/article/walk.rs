//! Finding article files under one or more roots.
//!
//! walkdir does the walking. Symbolic links are followed only where they
//! stay inside the root (as ripgrep and fd do): a link out of it
//! (`passwd.md -> /etc/passwd`, a link to `/etc` or `/proc`) is reported and
//! skipped unless `--follow` asks for it; with `--follow` walkdir follows
//! every link and reports a cycle as an error instead of looping. FIFOs,
//! devices and sockets named like articles are skipped with the reason (a
//! read could block or never end), and so is an index folder inside the
//! root (its vocabulary file is not an article). Entries come out sorted by name so that runs, skips
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
    /// The summary's label for it (`SkipReason::kind`).
    pub(crate) kind: &'static str,
}

impl WalkProblem {
    fn new(path: &Path, message: impl Into<String>, kind: &'static str) -> WalkProblem {
        WalkProblem {
            path: path.to_path_buf(),
            message: message.into(),
            kind,
        }
    }
}

/// Whether `dir` is a secsearch (or tantivy) index: never walked.
fn is_index_dir(dir: &Path) -> bool {
    dir.join(crate::index::layout::MARKER_FILE).is_file()
        || (dir.join("meta.json").is_file() && dir.join(".managed.json").is_file())
}

/// What to do with a symbolic link met without `--follow`.
enum Link {
    /// A file inside the root: read it through the link.
    File(std::fs::Metadata),
    /// A folder inside the root: its files are walked where they are.
    InsideFolder,
    Problem(WalkProblem),
}

fn resolve_link(path: &Path, root: &Path) -> Link {
    let target = match std::fs::canonicalize(path) {
        Ok(t) => t,
        Err(e) => {
            return Link::Problem(WalkProblem::new(
                path,
                format!("broken symbolic link: {e}"),
                "unreadable",
            ))
        }
    };
    if !target.starts_with(root) {
        let r = crate::error::SkipReason::LinkOutside(target.display().to_string());
        return Link::Problem(WalkProblem::new(path, r.to_string(), r.kind()));
    }
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => Link::InsideFolder,
        Ok(m) => Link::File(m),
        Err(e) => Link::Problem(WalkProblem::new(path, e.to_string(), "unreadable")),
    }
}

/// Whether `path` names an article file (`.md`, `.markdown`, `.txt`, any case).
pub fn is_article(path: &Path) -> bool {
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

/// What the walk may enter beyond the defaults (`--hidden`, `--follow`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WalkOptions {
    /// Walk hidden folders too.
    pub hidden: bool,
    /// Follow symbolic links out of the root (as `rg -L`/`fd -L`).
    pub follow: bool,
}

/// Walks `root` and returns its article files (sorted), the problems met,
/// and how many hidden folders were skipped (none with `hidden`: they are
/// walked). `root` must already be absolute; it may itself be hidden
/// (`~/.archive`). Links out of the root are followed only with `follow`.
pub(crate) fn walk(root: &Path, opts: WalkOptions) -> (Vec<FileEntry>, Vec<WalkProblem>, u64) {
    let WalkOptions { hidden, follow } = opts;
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let skipped_hidden = std::cell::Cell::new(0u64);
    let walker = WalkDir::new(root)
        .follow_links(follow)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() > 0 && e.file_type().is_dir() && is_index_dir(e.path()) {
                return false;
            }
            let skip = !hidden && is_hidden_dir(e);
            skipped_hidden.set(skipped_hidden.get() + u64::from(skip));
            !skip
        });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                problems.push(walk_error(&err, root));
                continue;
            }
        };
        if !is_article(entry.path()) {
            continue;
        }
        let meta = if entry.path_is_symlink() && !follow {
            match resolve_link(entry.path(), root) {
                Link::File(m) => Ok(m),
                Link::InsideFolder => continue,
                Link::Problem(p) => {
                    problems.push(p);
                    continue;
                }
            }
        } else {
            entry.metadata().map_err(|e| e.to_string())
        };
        let meta = match meta {
            Ok(m) if m.is_file() => m,
            Ok(m) if m.is_dir() => continue,
            Ok(m) => {
                let r = crate::error::SkipReason::Special(crate::article::fsread::kind_of(
                    &m.file_type(),
                ));
                problems.push(WalkProblem::new(entry.path(), r.to_string(), r.kind()));
                continue;
            }
            Err(e) => {
                problems.push(WalkProblem::new(entry.path(), e, "unreadable"));
                continue;
            }
        };
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i64);
        files.push(FileEntry {
            path: entry.into_path(),
            size: meta.len(),
            mtime,
        });
    }
    (files, problems, skipped_hidden.get())
}

fn walk_error(err: &walkdir::Error, root: &Path) -> WalkProblem {
    let path = err.path().unwrap_or(root);
    let message = if err.loop_ancestor().is_some() {
        "symlink loop, not followed".to_string()
    } else if let Some(io) = err.io_error() {
        io.to_string()
    } else {
        err.to_string()
    };
    WalkProblem::new(path, message, "unreadable")
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
        let (files, problems, hidden) = walk(
            root,
            WalkOptions {
                hidden: false,
                follow: true,
            },
        );
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
        let (all, _, none) = walk(
            root,
            WalkOptions {
                hidden: true,
                follow: true,
            },
        );
        assert_eq!(none, 0);
        assert!(names(&all).contains(&".git/y.md".to_string()));
        #[cfg(unix)]
        assert!(
            problems.iter().any(|p| p.message.contains("loop")),
            "{problems:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_root_and_special_files_are_skipped_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/in.md"), "x").unwrap();
        std::fs::write(dir.path().join("outside.md"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("outside.md"), root.join("out.md")).unwrap();
        std::os::unix::fs::symlink(root.join("sub/in.md"), root.join("alias.md")).unwrap();
        std::os::unix::fs::symlink("/etc", root.join("etc.md")).unwrap();
        let fifo = std::ffi::CString::new(root.join("pipe.md").to_str().unwrap()).unwrap();
        // SAFETY: a valid C string path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        let (files, problems, _) = walk(&root, WalkOptions::default());
        let names: Vec<_> = files
            .iter()
            .map(|f| {
                f.path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, vec!["alias.md", "sub/in.md"]);
        let kinds: Vec<_> = problems.iter().map(|p| p.kind).collect();
        assert_eq!(
            kinds,
            vec![
                "link out of the roots",
                "link out of the roots",
                "special file"
            ],
            "{problems:?}"
        );
        let (files, _, _) = walk(
            &root,
            WalkOptions {
                hidden: false,
                follow: true,
            },
        );
        assert!(files.iter().any(|f| f.path.ends_with("out.md")));
    }
}
