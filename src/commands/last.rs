//! The last search, kept for `show` (its words mark the article; `show N`
//! opens its N-th hit) — in the user's state folder, never in the index:
//! a read command must not change the index folder (it may be read-only,
//! shared, or another user's), and the query is the user's own.
//!
//! One file a index, `last-search-<xxh3 of the index path>.json` in
//! `$XDG_STATE_HOME/secsearch` (the platform's state folder; its cache
//! folder where there is none), created 0600 in a 0700 folder, written
//! through a temporary file and a rename:
//!
//! ```json
//! {"index": "/abs/index", "query": "勒索 APT32", "hits": ["/a.md", "/b.md"]}
//! ```
//!
//! `hits` are the paths the search listed, in order, as shown (after
//! `--offset`); hit N (1-based) is `hits[N - 1]`. Saving is best effort: a
//! search whose state folder cannot be written still answers.

use std::path::{Path, PathBuf};

/// Paths kept at most: `show N` is for the hits a person just read.
pub const MAX_HITS: usize = 1000;

/// What one search left for the next `show`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LastSearch {
    /// The index searched, absolute.
    pub index: PathBuf,
    /// The query as typed.
    pub query: String,
    /// The paths listed, in order.
    pub hits: Vec<String>,
}

impl LastSearch {
    /// Hit `n` (1-based) of the search, if it listed that many.
    pub fn hit(&self, n: usize) -> Option<&str> {
        self.hits.get(n.checked_sub(1)?).map(String::as_str)
    }
}

/// The folder the last searches live in: the platform state folder
/// (`$XDG_STATE_HOME/secsearch`, `~/.local/state/secsearch`), else its
/// cache folder.
pub fn state_dir() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "secsearch")?;
    Some(
        dirs.state_dir()
            .map_or_else(|| dirs.cache_dir().to_path_buf(), Path::to_path_buf),
    )
}

/// The file of `index`'s last search in `state`.
fn file_for(state: &Path, index: &Path) -> PathBuf {
    let key = absolute(index);
    let hash = xxhash_rust::xxh3::xxh3_64(key.as_os_str().as_encoded_bytes());
    state.join(format!("last-search-{hash:016x}.json"))
}

fn absolute(index: &Path) -> PathBuf {
    std::fs::canonicalize(index)
        .or_else(|_| std::path::absolute(index))
        .unwrap_or_else(|_| index.to_path_buf())
}

/// Records a search of `index`: its words and the paths it listed.
/// Unchanged records are not rewritten.
pub fn save(index: &Path, query: &str, hits: &[String]) -> std::io::Result<()> {
    let Some(state) = state_dir() else {
        return Ok(());
    };
    save_in(&state, index, query, hits)
}

fn save_in(state: &Path, index: &Path, query: &str, hits: &[String]) -> std::io::Result<()> {
    let record = LastSearch {
        index: absolute(index),
        query: query.to_string(),
        hits: hits.iter().take(MAX_HITS).cloned().collect(),
    };
    let file = file_for(state, index);
    if load_file(&file).as_ref() == Some(&record) {
        return Ok(());
    }
    create_private_dir(state)?;
    let text = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
    // One temporary file a process: two searches at once each rename a
    // whole file of their own.
    let tmp = file.with_extension(format!("{}.tmp", std::process::id()));
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let written = o
        .open(&tmp)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &text))
        .and_then(|()| std::fs::rename(&tmp, &file));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// The last search of `index`, if one was recorded.
pub fn load(index: &Path) -> Option<LastSearch> {
    load_file(&file_for(&state_dir()?, index))
}

fn load_file(file: &Path) -> Option<LastSearch> {
    let bytes = crate::article::fsread::read_regular(file, 1 << 24).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_kept_per_index_and_read_back() {
        let state = tempfile::tempdir().unwrap();
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let hits = vec!["/x/1.md".to_string(), "/x/2.md".to_string()];
        save_in(state.path(), a.path(), "勒索 APT32", &hits).unwrap();
        save_in(state.path(), b.path(), "other", &[]).unwrap();
        let got = load_file(&file_for(state.path(), a.path())).unwrap();
        assert_eq!(got.query, "勒索 APT32");
        assert_eq!(got.hit(1), Some("/x/1.md"));
        assert_eq!(got.hit(2), Some("/x/2.md"));
        assert_eq!((got.hit(0), got.hit(3)), (None, None));
        let other = load_file(&file_for(state.path(), b.path())).unwrap();
        assert_eq!(other.query, "other");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let f = file_for(state.path(), a.path());
            let mode = std::fs::metadata(f).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the query is the user's own");
        }
    }
}
