//! Phase 2: walk the roots and decide, from the walk and what the index
//! holds, which files to read and which documents to remove.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::open::Known;
use super::options::{Progress, Summary};
use crate::article::walk::{self, FileEntry};
use crate::error::SkipReason;

/// A file to read: new, or changed in size or modification time.
pub(super) struct Todo {
    /// Its path is UTF-8 (others are skipped when planned).
    pub entry: FileEntry,
    /// What the index holds for it, if anything.
    pub known: Option<Known>,
}

impl Todo {
    /// The document key: the absolute path as UTF-8. Not a second copy of
    /// the path: a million of them were ~100 MB of the run's memory.
    pub fn key(&self) -> &str {
        self.entry.path.to_str().unwrap_or_default()
    }
}

/// What the write phase does.
pub(super) struct Plan {
    pub todo: Vec<Todo>,
    /// Keys of documents under a walked root whose file is gone.
    pub gone: Vec<String>,
}

pub(super) fn plan(
    roots: &[PathBuf],
    follow: bool,
    walk_hidden: bool,
    known: &HashMap<String, Known>,
    summary: &mut Summary,
    progress: &dyn Progress,
) -> Plan {
    progress.walking();
    let files = walk(roots, follow, walk_hidden, summary, progress);
    let gone = if known.is_empty() {
        Vec::new()
    } else {
        let seen: HashSet<&str> = files.iter().filter_map(|e| e.path.to_str()).collect();
        let root_strs: Vec<&str> = roots.iter().filter_map(|r| r.to_str()).collect();
        known
            .keys()
            .filter(|path| is_under(path, &root_strs) && !seen.contains(path.as_str()))
            .cloned()
            .collect()
    };
    // Same size and mtime means unchanged without reading the file.
    let mut todo = Vec::new();
    for entry in files {
        let k = entry.path.to_str().and_then(|key| known.get(key));
        match k {
            Some(k) if k.size == entry.size && k.mtime == entry.mtime => summary.unchanged += 1,
            k => todo.push(Todo {
                entry,
                known: k.copied(),
            }),
        }
    }
    Plan { todo, gone }
}

/// The article files under all roots, each once (roots may overlap), with
/// UTF-8 paths; walk problems and non-UTF-8 names are reported skips.
fn walk(
    roots: &[PathBuf],
    follow: bool,
    walk_hidden: bool,
    summary: &mut Summary,
    progress: &dyn Progress,
) -> Vec<FileEntry> {
    let mut files = Vec::new();
    // Only several roots can overlap.
    let mut seen: Option<HashSet<PathBuf>> = (roots.len() > 1).then(HashSet::new);
    for root in roots {
        let (entries, problems, hidden) = walk::walk(
            root,
            walk::WalkOptions {
                hidden: walk_hidden,
                follow,
            },
        );
        summary.hidden += hidden;
        for p in problems {
            summary.skip(progress, &p.path, p.message, p.kind);
        }
        for e in entries {
            if e.path.to_str().is_none() {
                let r = SkipReason::NonUtf8Name;
                summary.skip(progress, &e.path, r.to_string(), r.kind());
                continue;
            }
            if seen.as_mut().is_none_or(|s| s.insert(e.path.clone())) {
                files.push(e);
            }
        }
    }
    files
}

fn is_under(path: &str, roots: &[&str]) -> bool {
    roots.iter().any(|r| {
        path.strip_prefix(r)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(std::path::MAIN_SEPARATOR))
    })
}
